/*
 * store_roster.c — the roster columns of users and the signin_links table (see
 * store_roster.h).
 *
 * Owns: their queries, and the import's one transaction: each row is looked up by login,
 * classified, then inserted or updated; a refused row rolls everything back. Also the
 * roster_removed table: a removed student's login, name and section, kept so that their
 * grades stay listed (marked removed) until the login is imported again.
 * Does not: check rows (they arrive checked) or see a secret in the clear.
 */
#include "store_roster.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_FIND[] =
    "SELECT id, role, display_name, email, section FROM users WHERE name = ?1";
static const char SQL_INSERT[] =
    "INSERT INTO users (name, role, pw_hash, created_at, display_name, email, section) "
    "VALUES (?1, 'student', '" STORE_NO_PASSWORD "', ?2, ?3, ?4, ?5)";
static const char SQL_UPDATE[] =
    "UPDATE users SET display_name = ?2, email = ?3, section = ?4 WHERE id = ?1";
static const char SQL_LINK_PUT[] =
    "INSERT INTO signin_links (token_hash, user_id, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
#define STUDENT_COLS                                                                               \
    "u.id, u.name, u.display_name, u.email, u.section, u.created_at, "                             \
    "u.pw_hash <> '" STORE_NO_PASSWORD "', "                                                       \
    "EXISTS (SELECT 1 FROM signin_links l WHERE l.user_id = u.id AND l.expires_at > ?1)"
static const char SQL_LIST_ALL[] =
    "SELECT " STUDENT_COLS " FROM users u WHERE u.role = 'student' ORDER BY u.name";
static const char SQL_LIST_SECTION[] =
    "SELECT " STUDENT_COLS " FROM users u WHERE u.role = 'student' AND u.section = ?2 "
    "ORDER BY u.name";
static const char SQL_GET[] =
    "SELECT " STUDENT_COLS " FROM users u WHERE u.role = 'student' AND u.name = ?2";
static const char SQL_SECTIONS[] = "SELECT section, count(*) FROM users WHERE role = 'student' "
                                   "GROUP BY section ORDER BY section";
static const char SQL_REMOVE[] = "DELETE FROM users WHERE role = 'student' AND name = ?1";
static const char SQL_REMEMBER[] =
    "INSERT OR REPLACE INTO roster_removed (name, display_name, section, removed_at) "
    "SELECT name, display_name, section, ?2 FROM users WHERE role = 'student' AND name = ?1";
static const char SQL_UNREMEMBER[] = "DELETE FROM roster_removed WHERE name = ?1";
static const char SQL_REMOVED_ALL[] =
    "SELECT name, display_name, section, removed_at FROM roster_removed ORDER BY name";
static const char SQL_REMOVED_SECTION[] = "SELECT name, display_name, section, removed_at "
                                          "FROM roster_removed WHERE section = ?1 ORDER BY name";
static const char SQL_STUDENT_ID[] = "SELECT id FROM users WHERE role = 'student' AND name = ?1";
static const char SQL_CLEAR_PW[] =
    "UPDATE users SET pw_hash = '" STORE_NO_PASSWORD "' WHERE id = ?1";
static const char SQL_DEL_SESSIONS[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_DEL_LINKS[] = "DELETE FROM signin_links WHERE user_id = ?1";
static const char SQL_REDEEM[] =
    "SELECT u.id, u.name, u.role, u.created_at FROM signin_links l JOIN users u "
    "ON u.id = l.user_id WHERE l.token_hash = ?1 AND l.expires_at > ?2";
static const char SQL_LINK_DEL[] = "DELETE FROM signin_links WHERE token_hash = ?1";
static const char SQL_SET_PW[] = "UPDATE users SET pw_hash = ?2 WHERE id = ?1";

/* ---- import -------------------------------------------------------------------------------- */

static bool same(const unsigned char *a, const char *b)
{
    return !strcmp(a ? (const char *)a : "", b ? b : "");
}

/* Classifies row `in` and (unless dry_run) writes it; on the writer's connection. */
static store_status import_row(store_conn *c, const store_roster_in *in, bool dry_run, int64_t now,
                               int64_t expires, store_roster_action *action)
{
    sqlite3_stmt *st = store_stmt(c, SQL_FIND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, in->login, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        bool student = same(sqlite3_column_text(st, 1), "student");
        bool unchanged = same(sqlite3_column_text(st, 2), in->name) &&
                         same(sqlite3_column_text(st, 3), in->email) &&
                         same(sqlite3_column_text(st, 4), in->section);
        store_stmt_release(st);
        *action = !student    ? STORE_ROSTER_NOT_STUDENT
                  : unchanged ? STORE_ROSTER_UNCHANGED
                              : STORE_ROSTER_UPDATED;
        if (*action != STORE_ROSTER_UPDATED || dry_run)
            return STORE_OK;
        sqlite3_stmt *up = store_stmt(c, SQL_UPDATE);
        if (!up)
            return STORE_ERROR;
        sqlite3_bind_int64(up, 1, id);
        sqlite3_bind_text(up, 2, in->name ? in->name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 3, in->email ? in->email : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 4, in->section ? in->section : "", -1, SQLITE_STATIC);
        return store_exec(c, up, "updating a student", NULL, NULL);
    }
    if (step != SQLITE_DONE) {
        store_status rc = store_sqlite_error(c, "looking up a student");
        store_stmt_release(st);
        return rc;
    }
    store_stmt_release(st);
    *action = STORE_ROSTER_CREATED;
    if (dry_run)
        return STORE_OK;
    sqlite3_stmt *ins = store_stmt(c, SQL_INSERT);
    if (!ins)
        return STORE_ERROR;
    sqlite3_bind_text(ins, 1, in->login, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, now);
    sqlite3_bind_text(ins, 3, in->name ? in->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, in->email ? in->email : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, in->section ? in->section : "", -1, SQLITE_STATIC);
    int64_t id = 0;
    store_status rc = store_exec(c, ins, "adding a student", NULL, &id);
    if (rc != STORE_OK)
        return rc;
    sqlite3_stmt *back = store_stmt(c, SQL_UNREMEMBER);
    if (back)
        sqlite3_bind_text(back, 1, in->login, -1, SQLITE_STATIC);
    rc = store_exec(c, back, "taking a removed student back", NULL, NULL);
    if (rc != STORE_OK || !in->link_hash)
        return rc;
    sqlite3_stmt *ln = store_stmt(c, SQL_LINK_PUT);
    if (!ln)
        return STORE_ERROR;
    sqlite3_bind_text(ln, 1, in->link_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ln, 2, id);
    sqlite3_bind_int64(ln, 3, now);
    sqlite3_bind_int64(ln, 4, expires);
    return store_exec(c, ln, "saving a sign-in link", NULL, NULL);
}

store_status store_roster_import(store *s, const store_roster_in *rows, size_t n, bool dry_run,
                                 int64_t now, int64_t link_expires, store_roster_action *actions)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    bool refused = false;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        if (!rows[i].login || !rows[i].login[0] || strlen(rows[i].login) >= STORE_NAME_SIZE) {
            rc = store_set_error("store_roster_import: row %zu has no valid login", i + 1);
            break;
        }
        rc = import_row(c, &rows[i], dry_run || refused, now, link_expires, &actions[i]);
        if (rc == STORE_OK && actions[i] == STORE_ROSTER_NOT_STUDENT)
            refused = true;
    }
    bool commit = rc == STORE_OK && !refused && !dry_run;
    store_status end = store_write_end(s, c, commit);
    if (rc != STORE_OK)
        return rc;
    if (refused) {
        store_set_error("a login belongs to an instructor or administrator");
        return STORE_CONFLICT;
    }
    return commit ? end : STORE_OK;
}

/* ---- reading -------------------------------------------------------------------------------- */

static store_status student_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_student *u = elem;
    u->id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, u->login, sizeof u->login);
    store_col_copy(st, 2, u->name, sizeof u->name);
    store_col_copy(st, 3, u->email, sizeof u->email);
    store_col_copy(st, 4, u->section, sizeof u->section);
    u->created_at = sqlite3_column_int64(st, 5);
    u->has_password = sqlite3_column_int(st, 6) != 0;
    u->link_pending = sqlite3_column_int(st, 7) != 0;
    return STORE_OK;
}

store_status store_roster_list(store *s, const char *section, int64_t now, store_student **out,
                               size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, section ? SQL_LIST_SECTION : SQL_LIST_ALL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    if (section)
        sqlite3_bind_text(st, 2, section, -1, SQLITE_STATIC);
    return store_collect(c, st, sizeof **out, student_row, NULL, NULL, (void **)out, n,
                         "listing students");
}

store_status store_roster_get(store *s, const char *login, int64_t now, store_student *out)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
    return store_one(c, st, sizeof *out, student_row, NULL, out, "reading a student");
}

static store_status section_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_section *x = elem;
    store_col_copy(st, 0, x->name, sizeof x->name);
    x->students = sqlite3_column_int64(st, 1);
    return STORE_OK;
}

store_status store_roster_sections(store *s, store_section **out, size_t *n)
{
    return store_list_all(s, SQL_SECTIONS, sizeof **out, section_row, NULL, (void **)out, n,
                          "listing sections");
}

static store_status removed_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_removed *r = elem;
    store_col_copy(st, 0, r->login, sizeof r->login);
    store_col_copy(st, 1, r->name, sizeof r->name);
    store_col_copy(st, 2, r->section, sizeof r->section);
    r->removed_at = sqlite3_column_int64(st, 3);
    return STORE_OK;
}

store_status store_roster_removed(store *s, const char *section, store_removed **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, section ? SQL_REMOVED_SECTION : SQL_REMOVED_ALL);
    if (!st)
        return STORE_ERROR;
    if (section)
        sqlite3_bind_text(st, 1, section, -1, SQLITE_STATIC);
    return store_collect(c, st, sizeof **out, removed_row, NULL, NULL, (void **)out, n,
                         "listing removed students");
}

/* ---- changing one student -------------------------------------------------------------------- */

store_status store_roster_remove(store *s, const char *login)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *keep = store_stmt(c, SQL_REMEMBER);
    if (keep) {
        sqlite3_bind_text(keep, 1, login, -1, SQLITE_STATIC);
        sqlite3_bind_int64(keep, 2, (sqlite3_int64)time(NULL));
    }
    store_status rc = store_exec(c, keep, "keeping the removed student's name", NULL, NULL);
    int changes = 0;
    if (rc == STORE_OK) {
        sqlite3_stmt *st = store_stmt(c, SQL_REMOVE);
        if (st)
            sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
        rc = store_exec(c, st, "removing a student", &changes, NULL);
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    if (rc != STORE_OK)
        return rc;
    if (end == STORE_OK && changes == 0)
        return STORE_NOT_FOUND;
    return end;
}

static store_status id_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)elem;
    *(int64_t *)arg = sqlite3_column_int64(st, 0);
    return STORE_OK;
}

/* Runs `sql` with ?1 = id on the writer's connection. */
static store_status exec_id(store_conn *c, const char *sql, int64_t id, const char *what)
{
    sqlite3_stmt *st = store_stmt(c, sql);
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return store_exec(c, st, what, NULL, NULL);
}

store_status store_roster_reset(store *s, const char *login, const char *link_hash, int64_t now,
                                int64_t link_expires)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_STUDENT_ID);
    int64_t id = 0;
    store_status rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
        rc = store_one(c, st, 0, id_row, &id, NULL, "finding the student");
    }
    if (rc == STORE_OK)
        rc = exec_id(c, SQL_CLEAR_PW, id, "clearing the password");
    if (rc == STORE_OK)
        rc = exec_id(c, SQL_DEL_SESSIONS, id, "ending the sessions");
    if (rc == STORE_OK)
        rc = exec_id(c, SQL_DEL_LINKS, id, "deleting old links");
    if (rc == STORE_OK) {
        sqlite3_stmt *ln = store_stmt(c, SQL_LINK_PUT);
        if (ln) {
            sqlite3_bind_text(ln, 1, link_hash, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ln, 2, id);
            sqlite3_bind_int64(ln, 3, now);
            sqlite3_bind_int64(ln, 4, link_expires);
        }
        rc = store_exec(c, ln, "saving a sign-in link", NULL, NULL);
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

store_status store_signin_redeem(store *s, const char *link_hash, int64_t now, store_user *out)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_REDEEM);
    store_status rc = STORE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, link_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        rc = store_one(c, st, sizeof *out, store_user_row, NULL, out, "reading the sign-in link");
    }
    if (rc == STORE_OK) {
        sqlite3_stmt *del = store_stmt(c, SQL_LINK_DEL);
        if (del)
            sqlite3_bind_text(del, 1, link_hash, -1, SQLITE_STATIC);
        rc = store_exec(c, del, "using up the sign-in link", NULL, NULL);
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

store_status store_user_set_password(store *s, int64_t id, const char *pw_hash)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SET_PW);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
    }
    int changes = 0;
    store_status rc = store_exec(c, st, "setting the password", &changes, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    if (rc != STORE_OK)
        return rc;
    return end == STORE_OK && changes == 0 ? STORE_NOT_FOUND : end;
}
