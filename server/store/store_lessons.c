/*
 * store_lessons.c — the lessons and lesson_revisions tables (see store_lessons.h).
 *
 * Owns: their queries. Every write runs in one writer transaction that reads the lesson's
 * current revision and inserts the new one, so the If-Match check and the save cannot be
 * separated by another writer.
 * Does not: look inside a body.
 */
#include "store_lessons.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

/* The author as a person reads it: a user's name, a token's name, or the stored actor. */
#define AUTHOR_NAME(col)                                                                           \
    "CASE WHEN " col " LIKE 'user:%' THEN substr(" col ", 6) "                                     \
    "WHEN " col " LIKE 'token:%' THEN coalesce((SELECT t.name FROM api_tokens t "                  \
    "WHERE t.id = CAST(substr(" col ", 7) AS INTEGER)), " col ") ELSE " col " END"
static const char SQL_COUNT[] = "SELECT count(*) FROM lessons";
static const char SQL_REV_INSERT[] =
    "INSERT INTO lesson_revisions (slug, locale, body, author, created_at, note) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_LESSON_INSERT[] =
    "INSERT INTO lessons (slug, locale, deleted, current_revision, created_at, updated_at) "
    "VALUES (?1, ?2, 0, ?3, ?4, ?4)";
static const char SQL_LESSON_STATE[] =
    "SELECT deleted, current_revision FROM lessons WHERE slug = ?1 AND locale = ?2";
static const char SQL_LESSON_SET_CURRENT[] =
    "UPDATE lessons SET current_revision = ?3, deleted = 0, updated_at = ?4 "
    "WHERE slug = ?1 AND locale = ?2";
static const char SQL_LESSON_SET_DELETED[] =
    "UPDATE lessons SET deleted = 1, updated_at = ?3 WHERE slug = ?1 AND locale = ?2";
static const char SQL_LIST[] =
    "SELECT r.id, l.slug, l.locale, r.author, r.created_at, l.deleted, r.body, "
    "r.note, " AUTHOR_NAME(
        "r.author") " FROM lessons l JOIN lesson_revisions r ON r.id = l.current_revision "
                    "WHERE ?1 OR l.deleted = 0 ORDER BY l.slug, l.locale";
static const char SQL_GET[] =
    "SELECT r.id, l.slug, l.locale, r.author, r.created_at, l.deleted, r.body, "
    "r.note, " AUTHOR_NAME(
        "r.author") " FROM lessons l JOIN lesson_revisions r ON r.id = l.current_revision "
                    "WHERE l.slug = ?1 AND l.locale = ?2 AND l.deleted = 0";
static const char SQL_REVS[] =
    "SELECT id, slug, locale, author, created_at, 0, NULL, note, " AUTHOR_NAME(
        "author") " FROM lesson_revisions WHERE slug = ?1 AND locale = ?2 ORDER BY id DESC";
static const char SQL_REV_GET[] =
    "SELECT id, slug, locale, author, created_at, 0, body, note, " AUTHOR_NAME(
        "author") " FROM lesson_revisions WHERE slug = ?1 AND locale = ?2 AND id = ?3";

/* Fills r from a row shaped (id, slug, locale, author, created_at, deleted, body, note,
 * author_name). */
/* A store_row_fn: `arg` points to a bool, "with the body". */
static store_status rev_row(sqlite3_stmt *st, void *elem, void *arg)
{
    store_lesson_rev *r = elem;
    bool with_body = *(const bool *)arg;
    r->id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, r->slug, sizeof r->slug);
    store_col_copy(st, 2, r->locale, sizeof r->locale);
    store_col_copy(st, 3, r->author, sizeof r->author);
    r->created_at = sqlite3_column_int64(st, 4);
    r->deleted = sqlite3_column_int(st, 5) != 0;
    store_col_copy(st, 7, r->note, sizeof r->note);
    store_col_copy(st, 8, r->author_name, sizeof r->author_name);
    if (with_body) {
        const void *b = sqlite3_column_blob(st, 6); /* bytes as stored, NULs included */
        size_t n = (size_t)sqlite3_column_bytes(st, 6);
        r->body = malloc(n + 1);
        if (!r->body)
            return store_set_error("out of memory");
        if (n)
            memcpy(r->body, b, n);
        r->body[n] = 0;
        r->body_len = n;
    }
    return STORE_OK;
}

void store_lesson_rev_cleanup(store_lesson_rev *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

void store_lesson_revs_free(store_lesson_rev *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].body);
    free(v);
}

static bool names_ok(const char *slug, const char *locale)
{
    return slug && locale && strlen(slug) < STORE_SLUG_SIZE && strlen(locale) < STORE_LOCALE_SIZE;
}

store_status store_lesson_count(store *s, int64_t *n)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    return store_count(c, store_stmt(c, SQL_COUNT), n, "counting lessons");
}

/* ---- writes (inside a writer transaction on c) -------------------------------------------- */

static store_status insert_rev(store_conn *c, const char *slug, const char *locale,
                               const char *body, size_t len, const char *author, const char *note,
                               int64_t now, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(c, SQL_REV_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body ? body : "", (int)len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, author, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, note ? note : "", -1, SQLITE_STATIC);
    return store_exec(c, st, "saving a lesson revision", NULL, id);
}

typedef struct state_row {
    bool deleted;
    int64_t current;
} state_row;

static store_status state_fn(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    state_row *r = elem;
    r->deleted = sqlite3_column_int(st, 0) != 0;
    r->current = sqlite3_column_int64(st, 1);
    return STORE_OK;
}

/* The lesson's state: STORE_NOT_FOUND if there is no row. */
static store_status lesson_state(store_conn *c, const char *slug, const char *locale, bool *deleted,
                                 int64_t *current)
{
    sqlite3_stmt *st = store_stmt(c, SQL_LESSON_STATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
    state_row r;
    store_status rc = store_one(c, st, sizeof r, state_fn, NULL, &r, "reading a lesson");
    if (rc == STORE_OK) {
        *deleted = r.deleted;
        *current = r.current;
    }
    return rc;
}

static store_status exec3(store_conn *c, const char *sql, const char *slug, const char *locale,
                          int64_t a, int64_t b, bool two, const char *what)
{
    sqlite3_stmt *st = store_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a);
    if (two)
        sqlite3_bind_int64(st, 4, b);
    return store_exec(c, st, what, NULL, NULL);
}

store_status store_lesson_import(store *s, const store_lesson_text *items, size_t n,
                                 const char *author)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    int64_t now = (int64_t)time(NULL);
    store_status rc = STORE_OK;
    sqlite3_stmt *st = store_stmt(c, SQL_COUNT);
    if (!st)
        rc = STORE_ERROR;
    else if (sqlite3_step(st) != SQLITE_ROW)
        rc = store_sqlite_error(c, "counting lessons");
    else if (sqlite3_column_int64(st, 0) != 0)
        rc = STORE_CONFLICT;
    store_stmt_release(st);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        int64_t id = 0;
        if (!names_ok(items[i].slug, items[i].locale)) {
            rc = store_set_error("store_lesson_import: bad slug or locale");
            break;
        }
        rc = insert_rev(c, items[i].slug, items[i].locale, items[i].body, items[i].body_len, author,
                        NULL, now, &id);
        if (rc == STORE_OK)
            rc = exec3(c, SQL_LESSON_INSERT, items[i].slug, items[i].locale, id, now, true,
                       "importing a lesson");
    }
    if (rc != STORE_OK) {
        store_write_end(s, c, false);
        return rc;
    }
    return store_write_end(s, c, true);
}

/* The one write path: `op` 'c' create, 'u' update, 'd' delete, 'r' restore. */
static store_status lesson_write(store *s, char op, const char *slug, const char *locale,
                                 int64_t expected, int64_t restore_rev, const char *body,
                                 size_t len, const char *author, const char *note, int64_t *rev_out,
                                 int64_t *current_out)
{
    if (!names_ok(slug, locale) || (op != 'd' && !author) ||
        (note && strlen(note) >= STORE_NOTE_SIZE))
        return store_set_error("store_lesson: missing or too long argument");
    store_conn *c = store_write_begin(s, true); /* an instructor's text: never lost */
    if (!c)
        return STORE_ERROR;
    int64_t now = (int64_t)time(NULL), current = 0, id = 0;
    bool deleted = false;
    char *restored = NULL;
    store_status rc = lesson_state(c, slug, locale, &deleted, &current);
    bool exists = rc == STORE_OK;
    if (rc == STORE_NOT_FOUND && op == 'c')
        rc = STORE_OK;
    if (rc != STORE_OK)
        goto done;
    if (current_out)
        *current_out = current;
    if (op == 'c') {
        if (exists && !deleted) {
            rc = STORE_CONFLICT;
            goto done;
        }
    } else if (op == 'r') {
        if (expected && current != expected) {
            rc = STORE_CONFLICT;
            goto done;
        }
        sqlite3_stmt *st = store_stmt(c, SQL_REV_GET);
        if (!st) {
            rc = STORE_ERROR;
            goto done;
        }
        sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, restore_rev);
        store_lesson_rev r;
        bool with_body = true;
        rc = store_one(c, st, sizeof r, rev_row, &with_body, &r, "reading a revision");
        if (rc != STORE_OK)
            goto done;
        restored = r.body;
        len = r.body_len;
        body = restored;
    } else {
        if (deleted) {
            rc = STORE_NOT_FOUND;
            goto done;
        }
        if ((op == 'u' || expected) && current != expected) {
            rc = STORE_CONFLICT;
            goto done;
        }
    }
    if (op == 'd') {
        rc = exec3(c, SQL_LESSON_SET_DELETED, slug, locale, now, 0, false, "deleting a lesson");
        goto done;
    }
    rc = insert_rev(c, slug, locale, body, len, author, note, now, &id);
    if (rc == STORE_OK)
        rc = exists
                 ? exec3(c, SQL_LESSON_SET_CURRENT, slug, locale, id, now, true, "saving a lesson")
                 : exec3(c, SQL_LESSON_INSERT, slug, locale, id, now, true, "creating a lesson");
    if (rc == STORE_OK && rev_out)
        *rev_out = id;
done:
    free(restored);
    if (rc != STORE_OK) {
        store_write_end(s, c, false);
        return rc;
    }
    return store_write_end(s, c, true);
}

store_status store_lesson_create(store *s, const char *slug, const char *locale, const char *body,
                                 size_t body_len, const char *author, int64_t *rev_out)
{
    return lesson_write(s, 'c', slug, locale, 0, 0, body, body_len, author, NULL, rev_out, NULL);
}

store_status store_lesson_update(store *s, const char *slug, const char *locale,
                                 int64_t expected_rev, const char *body, size_t body_len,
                                 const char *author, int64_t *rev_out, int64_t *current_out)
{
    return lesson_write(s, 'u', slug, locale, expected_rev, 0, body, body_len, author, NULL,
                        rev_out, current_out);
}

store_status store_lesson_save(store *s, const char *slug, const char *locale, int64_t expected_rev,
                               const char *body, size_t body_len, const char *author,
                               const char *note, int64_t *rev_out, int64_t *current_out)
{
    return lesson_write(s, 'u', slug, locale, expected_rev, 0, body, body_len, author, note,
                        rev_out, current_out);
}

store_status store_lesson_delete(store *s, const char *slug, const char *locale,
                                 int64_t expected_rev, int64_t *current_out)
{
    return lesson_write(s, 'd', slug, locale, expected_rev, 0, NULL, 0, NULL, NULL, NULL,
                        current_out);
}

store_status store_lesson_restore(store *s, const char *slug, const char *locale, int64_t rev,
                                  int64_t expected_rev, const char *author, int64_t *rev_out,
                                  int64_t *current_out)
{
    return lesson_write(s, 'r', slug, locale, expected_rev, rev, NULL, 0, author, NULL, rev_out,
                        current_out);
}

/* ---- reads --------------------------------------------------------------------------------- */

static void rev_clean(void *elem)
{
    store_lesson_rev_cleanup(elem);
}

/* Runs a prepared SELECT on this thread's reader, collecting every row. */
static store_status collect(store *s, const char *sql, const char *slug, const char *locale,
                            int64_t num, bool bind_num_first, bool with_body,
                            store_lesson_rev **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    if (bind_num_first) {
        sqlite3_bind_int64(st, 1, num);
    } else {
        sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
        if (num)
            sqlite3_bind_int64(st, 3, num);
    }
    return store_collect(c, st, sizeof **out, rev_row, &with_body, rev_clean, (void **)out, n,
                         "reading lessons");
}

store_status store_lesson_list(store *s, bool include_deleted, bool with_body,
                               store_lesson_rev **out, size_t *n)
{
    store_status rc = collect(s, SQL_LIST, NULL, NULL, include_deleted ? 1 : 0, true, true, out, n);
    if (rc == STORE_OK && !with_body)
        for (size_t i = 0; i < *n; i++)
            store_lesson_rev_cleanup(&(*out)[i]);
    return rc;
}

static store_status get_one(store *s, const char *sql, const char *slug, const char *locale,
                            int64_t rev, store_lesson_rev *out)
{
    memset(out, 0, sizeof *out);
    if (!names_ok(slug, locale))
        return STORE_NOT_FOUND;
    store_lesson_rev *v;
    size_t n;
    store_status rc = collect(s, sql, slug, locale, rev, false, true, &v, &n);
    if (rc != STORE_OK)
        return rc;
    if (n == 0) {
        free(v);
        return STORE_NOT_FOUND;
    }
    *out = v[0];
    free(v);
    return STORE_OK;
}

store_status store_lesson_get(store *s, const char *slug, const char *locale, store_lesson_rev *out)
{
    return get_one(s, SQL_GET, slug, locale, 0, out);
}

store_status store_lesson_revision_get(store *s, const char *slug, const char *locale, int64_t rev,
                                       store_lesson_rev *out)
{
    if (rev <= 0) {
        memset(out, 0, sizeof *out);
        return STORE_NOT_FOUND;
    }
    return get_one(s, SQL_REV_GET, slug, locale, rev, out);
}

store_status store_lesson_revisions(store *s, const char *slug, const char *locale,
                                    store_lesson_rev **out, size_t *n)
{
    if (!names_ok(slug, locale))
        return STORE_NOT_FOUND;
    store_status rc = collect(s, SQL_REVS, slug, locale, 0, false, false, out, n);
    if (rc == STORE_OK && *n == 0) {
        free(*out);
        *out = NULL;
        return STORE_NOT_FOUND;
    }
    return rc;
}
