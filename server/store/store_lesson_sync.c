/*
 * store_lesson_sync.c — the lesson_file_sync table and the folder import transaction
 * (see store_lesson_sync.h).
 *
 * Owns: their queries. The import writes lesson_revisions and lessons rows the same way
 * store_lessons.c does (a new revision becomes current; a deleted lesson is live again).
 * Does not: look inside a body.
 */
#include "store_lesson_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_LIST[] = "SELECT slug, locale, revision, file_hash, dir, synced_at "
                               "FROM lesson_file_sync ORDER BY slug, locale";
static const char SQL_GET[] = "SELECT slug, locale, revision, file_hash, dir, synced_at "
                              "FROM lesson_file_sync WHERE slug = ?1 AND locale = ?2";
static const char SQL_STATE[] =
    "SELECT current_revision FROM lessons WHERE slug = ?1 AND locale = ?2";
static const char SQL_REV_INSERT[] =
    "INSERT INTO lesson_revisions (slug, locale, body, author, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LESSON_INSERT[] =
    "INSERT INTO lessons (slug, locale, deleted, current_revision, created_at, updated_at) "
    "VALUES (?1, ?2, 0, ?3, ?4, ?4)";
static const char SQL_LESSON_SET_CURRENT[] =
    "UPDATE lessons SET current_revision = ?3, deleted = 0, updated_at = ?4 "
    "WHERE slug = ?1 AND locale = ?2";
static const char SQL_RECORD[] =
    "INSERT OR REPLACE INTO lesson_file_sync (slug, locale, revision, file_hash, dir, synced_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_SEED[] =
    "INSERT OR IGNORE INTO lesson_file_sync (slug, locale, revision, file_hash, dir, synced_at) "
    "SELECT slug, locale, min(id), NULL, ?1, ?2 FROM lesson_revisions "
    "WHERE author = 'import' GROUP BY slug, locale";

/* A store_row_fn for rows shaped (slug, locale, revision, file_hash, dir, synced_at). */
static store_status sync_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_lesson_sync *r = elem;
    store_col_copy(st, 0, r->slug, sizeof r->slug);
    store_col_copy(st, 1, r->locale, sizeof r->locale);
    r->revision = sqlite3_column_int64(st, 2);
    store_col_copy(st, 3, r->file_hash, sizeof r->file_hash);
    store_col_copy(st, 4, r->dir, sizeof r->dir);
    r->synced_at = sqlite3_column_int64(st, 5);
    return STORE_OK;
}

static bool names_ok(const char *slug, const char *locale)
{
    return slug && locale && strlen(slug) < STORE_SLUG_SIZE && strlen(locale) < STORE_LOCALE_SIZE;
}

store_status store_lesson_sync_list(store *s, store_lesson_sync **out, size_t *n)
{
    return store_list_all(s, SQL_LIST, sizeof **out, sync_row, NULL, (void **)out, n,
                          "reading lesson file records");
}

store_status store_lesson_sync_get(store *s, const char *slug, const char *locale,
                                   store_lesson_sync *out)
{
    memset(out, 0, sizeof *out);
    if (!names_ok(slug, locale))
        return STORE_NOT_FOUND;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
    return store_one(c, st, sizeof *out, sync_row, NULL, out, "reading a lesson file record");
}

static store_status current_fn(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    *(int64_t *)elem = sqlite3_column_int64(st, 0);
    return STORE_OK;
}

/* One item inside the open transaction on c. */
static store_status apply_one(store_conn *c, store_lesson_sync_item *it, const char *dir,
                              int64_t now)
{
    if (!names_ok(it->slug, it->locale) || (!it->body && it->expected_rev <= 0) ||
        (it->body && !it->author))
        return store_set_error("store_lesson_sync_apply: bad item");
    sqlite3_stmt *st = store_stmt(c, SQL_STATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, it->locale, -1, SQLITE_STATIC);
    int64_t current = 0;
    store_status rc =
        store_one(c, st, sizeof current, current_fn, NULL, &current, "reading a lesson");
    if (rc == STORE_NOT_FOUND)
        current = 0;
    else if (rc != STORE_OK)
        return rc;
    if (current != it->expected_rev) {
        store_set_error("%s (%s) was saved again since it was compared with its file", it->slug,
                        it->locale);
        return STORE_CONFLICT;
    }
    int64_t rev = it->expected_rev;
    if (it->body) {
        st = store_stmt(c, SQL_REV_INSERT);
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, it->locale, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, it->body, (int)it->body_len, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, it->author, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now);
        rc = store_exec(c, st, "saving a lesson revision", NULL, &rev);
        if (rc != STORE_OK)
            return rc;
        st = store_stmt(c, current ? SQL_LESSON_SET_CURRENT : SQL_LESSON_INSERT);
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, it->locale, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, rev);
        sqlite3_bind_int64(st, 4, now);
        rc = store_exec(c, st, "saving a lesson", NULL, NULL);
        if (rc != STORE_OK)
            return rc;
    }
    st = store_stmt(c, SQL_RECORD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, it->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, it->locale, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rev);
    if (it->file_hash && *it->file_hash)
        sqlite3_bind_text(st, 4, it->file_hash, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, dir ? dir : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    rc = store_exec(c, st, "recording a lesson file", NULL, NULL);
    if (rc == STORE_OK)
        it->rev_out = rev;
    return rc;
}

store_status store_lesson_sync_apply(store *s, store_lesson_sync_item *items, size_t n,
                                     const char *dir)
{
    store_conn *c = store_write_begin(s, true); /* instructors' texts: never lost */
    if (!c)
        return STORE_ERROR;
    int64_t now = (int64_t)time(NULL);
    store_status rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = apply_one(c, &items[i], dir, now);
    if (rc != STORE_OK) {
        for (size_t i = 0; i < n; i++)
            items[i].rev_out = 0;
        store_write_end(s, c, false);
        return rc;
    }
    return store_write_end(s, c, true);
}

store_status store_lesson_sync_seed(store *s, const char *dir)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SEED);
    store_status rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, dir ? dir : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
        rc = store_exec(c, st, "recording the imported lesson files", NULL, NULL);
    }
    if (rc != STORE_OK) {
        store_write_end(s, c, false);
        return rc;
    }
    return store_write_end(s, c, true);
}
