/*
 * store_accounts.c — the users, sessions and api_tokens tables (see store_accounts.h).
 *
 * Owns: their queries. Does not: see a password or a token in the clear.
 */
#include "store_accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_USER_ADD[] =
    "INSERT INTO users (name, role, pw_hash, created_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_USER_FIND[] =
    "SELECT id, name, role, created_at, pw_hash FROM users WHERE name = ?1";
static const char SQL_USER_LIST[] = "SELECT id, name, role, created_at FROM users ORDER BY name";
static const char SQL_SESSION_PUT[] =
    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_SESSION_GET[] =
    "SELECT u.id, u.name, u.role, u.created_at, s.csrf FROM sessions s "
    "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2";
static const char SQL_SESSION_DEL[] =
    "DELETE FROM sessions WHERE token_hash = ?1 OR expires_at <= ?2";
static const char SQL_TOKEN_PUT[] =
    "INSERT INTO api_tokens (name, role, token_hash, created_at, user_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_TOKEN_LOOKUP[] =
    "SELECT t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at, t.user_id, u.name "
    "FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL";
static const char SQL_TOKEN_TOUCH[] = "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1";
static const char SQL_TOKEN_LIST[] =
    "SELECT t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at, t.user_id, u.name "
    "FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id ORDER BY t.id";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";

store_status store_user_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_user *u = elem;
    u->id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, u->name, sizeof u->name);
    store_col_copy(st, 2, u->role, sizeof u->role);
    u->created_at = sqlite3_column_int64(st, 3);
    return STORE_OK;
}

/* A user row whose column 4 (the password hash or the CSRF token) also goes to the caller's
 * buffer, when there is one. */
typedef struct col4_out {
    char *dst;
    size_t size;
} col4_out;

static store_status user_row_col4(sqlite3_stmt *st, void *elem, void *arg)
{
    const col4_out *o = arg;
    store_user_row(st, elem, NULL);
    if (o->dst)
        store_col_copy(st, 4, o->dst, o->size);
    return STORE_OK;
}

static store_status token_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_token *t = elem;
    t->id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, t->name, sizeof t->name);
    store_col_copy(st, 2, t->role, sizeof t->role);
    t->created_at = sqlite3_column_int64(st, 3);
    t->last_used_at = sqlite3_column_int64(st, 4);
    t->revoked_at = sqlite3_column_int64(st, 5);
    t->user_id = sqlite3_column_int64(st, 6);
    store_col_copy(st, 7, t->user_name, sizeof t->user_name);
    return STORE_OK;
}

/* One INSERT/UPDATE/DELETE in its own write transaction. `bind` binds the parameters;
 * *changes gets sqlite3_changes, *rowid the last insert rowid (both optional). `durable`:
 * committed with synchronous=FULL, so what the caller acknowledges survives a power loss —
 * every write here except a token's last-used time. */
typedef void (*binder)(sqlite3_stmt *st, const void *arg);

static store_status write_one(store *s, const char *sql, binder bind, const void *arg,
                              const char *what, int *changes, int64_t *rowid, bool durable)
{
    store_conn *c = store_write_begin(s, durable);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, sql);
    if (st)
        bind(st, arg);
    store_status rc = store_exec(c, st, what, changes, rowid);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

/* ---- users --------------------------------------------------------------------------------- */

typedef struct user_args {
    const char *name, *role, *hash;
} user_args;

static void bind_user_add(sqlite3_stmt *st, const void *arg)
{
    const user_args *a = arg;
    sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
}

store_status store_user_add(store *s, const char *name, const char *role, const char *pw_hash,
                            int64_t *id_out)
{
    if (!name || !role || !pw_hash || strlen(name) >= STORE_NAME_SIZE)
        return store_set_error("store_user_add: missing or too long argument");
    user_args a = {name, role, pw_hash};
    int64_t id = 0;
    store_status rc =
        write_one(s, SQL_USER_ADD, bind_user_add, &a, "adding the user", NULL, &id, true);
    if (rc == STORE_OK && id_out)
        *id_out = id;
    return rc;
}

store_status store_user_find(store *s, const char *name, store_user *out, char *pw_hash_out,
                             size_t pw_hash_size)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_USER_FIND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    col4_out o = {pw_hash_out, pw_hash_size};
    return store_one(c, st, sizeof *out, user_row_col4, &o, out, "reading the user");
}

store_status store_user_list(store *s, store_user **out, size_t *n)
{
    return store_list_all(s, SQL_USER_LIST, sizeof **out, store_user_row, NULL, (void **)out, n,
                          "listing users");
}

/* ---- sessions ------------------------------------------------------------------------------ */

typedef struct session_args {
    const char *hash, *csrf;
    int64_t user_id, now, expires;
} session_args;

static void bind_session_put(sqlite3_stmt *st, const void *arg)
{
    const session_args *a = arg;
    sqlite3_bind_text(st, 1, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->user_id);
    sqlite3_bind_text(st, 3, a->csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->now);
    sqlite3_bind_int64(st, 5, a->expires);
}

store_status store_session_put(store *s, const char *token_hash, int64_t user_id, const char *csrf,
                               int64_t now, int64_t expires_at)
{
    session_args a = {token_hash, csrf, user_id, now, expires_at};
    return write_one(s, SQL_SESSION_PUT, bind_session_put, &a, "saving the session", NULL, NULL,
                     true);
}

store_status store_session_get(store *s, const char *token_hash, int64_t now, store_user *user,
                               char *csrf_out, size_t csrf_size)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SESSION_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    col4_out o = {csrf_out, csrf_size};
    return store_one(c, st, sizeof *user, user_row_col4, &o, user, "reading the session");
}

static void bind_session_del(sqlite3_stmt *st, const void *arg)
{
    const session_args *a = arg;
    sqlite3_bind_text(st, 1, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->now);
}

store_status store_session_delete(store *s, const char *token_hash, int64_t now)
{
    session_args a = {token_hash, NULL, 0, now, 0};
    return write_one(s, SQL_SESSION_DEL, bind_session_del, &a, "deleting the session", NULL, NULL,
                     true);
}

/* ---- API tokens ---------------------------------------------------------------------------- */

typedef struct token_args {
    const char *name, *role, *hash;
    int64_t id, now, user_id;
} token_args;

static void bind_token_put(sqlite3_stmt *st, const void *arg)
{
    const token_args *a = arg;
    sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->now);
    if (a->user_id > 0)
        sqlite3_bind_int64(st, 5, a->user_id);
    else
        sqlite3_bind_null(st, 5);
}

store_status store_token_put(store *s, const char *name, const char *role, const char *token_hash,
                             int64_t user_id, int64_t now, int64_t *id_out)
{
    if (!name || strlen(name) >= STORE_NAME_SIZE)
        return store_set_error("store_token_put: missing or too long name");
    token_args a = {name, role, token_hash, 0, now, user_id};
    int64_t id = 0;
    store_status rc =
        write_one(s, SQL_TOKEN_PUT, bind_token_put, &a, "saving the token", NULL, &id, true);
    if (rc == STORE_OK && id_out)
        *id_out = id;
    return rc;
}

store_status store_token_lookup(store *s, const char *token_hash, store_token *out)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_TOKEN_LOOKUP);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    return store_one(c, st, sizeof *out, token_row, NULL, out, "reading the token");
}

static void bind_id_now(sqlite3_stmt *st, const void *arg)
{
    const token_args *a = arg;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->now);
}

store_status store_token_touch(store *s, int64_t id, int64_t now)
{
    token_args a = {NULL, NULL, NULL, id, now, 0};
    return write_one(s, SQL_TOKEN_TOUCH, bind_id_now, &a, "updating the token", NULL, NULL, false);
}

store_status store_token_revoke(store *s, int64_t id, int64_t now)
{
    token_args a = {NULL, NULL, NULL, id, now, 0};
    int changes = 0;
    store_status rc =
        write_one(s, SQL_TOKEN_REVOKE, bind_id_now, &a, "revoking the token", &changes, NULL, true);
    if (rc == STORE_OK && changes == 0)
        return STORE_NOT_FOUND;
    return rc;
}

store_status store_token_list(store *s, store_token **out, size_t *n)
{
    return store_list_all(s, SQL_TOKEN_LIST, sizeof **out, token_row, NULL, (void **)out, n,
                          "listing tokens");
}
