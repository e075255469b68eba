/*
 * store_lti.c — the lti_* tables (see store_lti.h).
 *
 * Owns: their queries; a login's single use and an LTI account's find-or-create each in one
 * write transaction, so two launches racing with one nonce cannot both pass.
 * Does not: check tokens, URLs or keys, or see a state in the clear.
 */
#include "store_lti.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_roster.h"

#define PLATFORM_COLS                                                                              \
    "p.id, p.issuer, p.client_id, p.auth_url, p.token_url, p.jwks_url, p.created_at, "             \
    "coalesce(p.jwks_fetched_at, 0), "                                                             \
    "coalesce((SELECT group_concat(deployment_id, char(10)) FROM (SELECT deployment_id FROM "      \
    "lti_deployments d WHERE d.platform_id = p.id ORDER BY deployment_id)), '')"
static const char SQL_PLATFORM_ADD[] =
    "INSERT INTO lti_platforms (issuer, client_id, auth_url, token_url, jwks_url, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_DEPLOYMENT_ADD[] =
    "INSERT OR IGNORE INTO lti_deployments (platform_id, deployment_id) VALUES (?1, ?2)";
static const char SQL_PLATFORM_LIST[] =
    "SELECT " PLATFORM_COLS " FROM lti_platforms p ORDER BY p.id";
static const char SQL_PLATFORM_GET[] =
    "SELECT " PLATFORM_COLS " FROM lti_platforms p WHERE p.id = ?1";
static const char SQL_PLATFORM_FIND[] =
    "SELECT " PLATFORM_COLS " FROM lti_platforms p WHERE p.issuer = ?1 AND p.client_id = ?2";
static const char SQL_PLATFORM_ISSUER[] =
    "SELECT " PLATFORM_COLS " FROM lti_platforms p WHERE p.issuer = ?1 ORDER BY p.id LIMIT 2";
static const char SQL_PLATFORM_REMOVE[] = "DELETE FROM lti_platforms WHERE id = ?1";
static const char SQL_JWKS_GET[] =
    "SELECT jwks_json, coalesce(jwks_fetched_at, 0) FROM lti_platforms WHERE id = ?1";
static const char SQL_JWKS_PUT[] =
    "UPDATE lti_platforms SET jwks_json = ?2, jwks_fetched_at = ?3 WHERE id = ?1";
static const char SQL_LOGIN_PUT[] =
    "INSERT INTO lti_logins (state_hash, nonce, platform_id, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LOGIN_PURGE[] =
    "DELETE FROM lti_logins WHERE expires_at <= ?1 AND state_hash <> ?2";
static const char SQL_LOGIN_GET[] =
    "SELECT nonce, platform_id, expires_at, used_at IS NOT NULL FROM lti_logins "
    "WHERE state_hash = ?1";
static const char SQL_LOGIN_USED[] = "SELECT 1 FROM lti_logins WHERE nonce = ?1 AND used_at IS "
                                     "NOT NULL";
static const char SQL_LOGIN_MARK[] = "UPDATE lti_logins SET used_at = ?2 WHERE state_hash = ?1";
static const char SQL_KEYS_LIVE[] =
    "SELECT kid, private_pem, created_at, coalesce(retired_at, 0), coalesce(expires_at, 0) "
    "FROM lti_keys WHERE retired_at IS NULL OR expires_at > ?1 "
    "ORDER BY retired_at IS NOT NULL, created_at DESC, rowid DESC";
static const char SQL_KEY_RETIRE[] =
    "UPDATE lti_keys SET retired_at = ?1, expires_at = ?2 WHERE retired_at IS NULL";
static const char SQL_KEY_ADD[] =
    "INSERT INTO lti_keys (kid, private_pem, created_at) VALUES (?1, ?2, ?3)";
static const char SQL_ACCOUNT_FIND[] =
    "SELECT u.id, u.name, u.role, u.created_at FROM lti_users l JOIN users u ON u.id = l.user_id "
    "WHERE l.issuer = ?1 AND l.sub = ?2";
static const char SQL_ACCOUNT_UPDATE[] =
    "UPDATE users SET role = CASE WHEN role = 'admin' THEN role ELSE ?2 END, "
    "display_name = ?3, email = ?4, section = ?5 WHERE id = ?1";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (name, role, pw_hash, created_at, display_name, email, section) "
    "VALUES (?1, ?2, '" STORE_NO_PASSWORD "', ?3, ?4, ?5, ?6)";
static const char SQL_ACCOUNT_LINK[] =
    "INSERT INTO lti_users (issuer, sub, user_id) VALUES (?1, ?2, ?3)";
static const char SQL_LINK_PUT[] =
    "INSERT INTO lti_links (platform_id, resource_link_id, resource, lineitem, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (platform_id, resource_link_id) DO UPDATE SET "
    "resource = excluded.resource, lineitem = excluded.lineitem, updated_at = excluded.updated_at";

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* ---- platforms ------------------------------------------------------------------------------ */

static store_status platform_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_lti_platform *p = elem;
    p->id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, p->issuer, sizeof p->issuer);
    store_col_copy(st, 2, p->client_id, sizeof p->client_id);
    store_col_copy(st, 3, p->auth_url, sizeof p->auth_url);
    store_col_copy(st, 4, p->token_url, sizeof p->token_url);
    store_col_copy(st, 5, p->jwks_url, sizeof p->jwks_url);
    p->created_at = sqlite3_column_int64(st, 6);
    p->jwks_fetched_at = sqlite3_column_int64(st, 7);
    store_col_copy(st, 8, p->deployments, sizeof p->deployments);
    return STORE_OK;
}

store_status store_lti_platform_add(store *s, const store_lti_platform *p,
                                    const char *const *deployments, size_t n, int64_t now,
                                    int64_t *id)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_PLATFORM_ADD);
    if (st) {
        bind_text(st, 1, p->issuer);
        bind_text(st, 2, p->client_id);
        bind_text(st, 3, p->auth_url);
        bind_text(st, 4, p->token_url);
        bind_text(st, 5, p->jwks_url);
        sqlite3_bind_int64(st, 6, now);
    }
    int64_t pid = 0;
    store_status rc = store_exec(c, st, "registering a platform", NULL, &pid);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        sqlite3_stmt *d = store_stmt(c, SQL_DEPLOYMENT_ADD);
        if (d) {
            sqlite3_bind_int64(d, 1, pid);
            bind_text(d, 2, deployments[i]);
        }
        rc = store_exec(c, d, "registering a deployment", NULL, NULL);
    }
    if (rc == STORE_OK && id)
        *id = pid;
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

store_status store_lti_platform_list(store *s, store_lti_platform **out, size_t *n)
{
    return store_list_all(s, SQL_PLATFORM_LIST, sizeof **out, platform_row, NULL, (void **)out, n,
                          "listing platforms");
}

store_status store_lti_platform_get(store *s, int64_t id, store_lti_platform *out)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_PLATFORM_GET);
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return store_one(c, st, sizeof *out, platform_row, NULL, out, "reading a platform");
}

store_status store_lti_platform_find(store *s, const char *issuer, const char *client_id,
                                     store_lti_platform *out)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    if (client_id) {
        sqlite3_stmt *st = store_stmt(c, SQL_PLATFORM_FIND);
        if (st) {
            bind_text(st, 1, issuer);
            bind_text(st, 2, client_id);
        }
        return store_one(c, st, sizeof *out, platform_row, NULL, out, "finding a platform");
    }
    sqlite3_stmt *st = store_stmt(c, SQL_PLATFORM_ISSUER);
    if (st)
        bind_text(st, 1, issuer);
    store_lti_platform *rows = NULL;
    size_t n = 0;
    store_status rc = store_collect(c, st, sizeof *rows, platform_row, NULL, NULL, (void **)&rows,
                                    &n, "finding a platform");
    if (rc == STORE_OK)
        rc = n == 0 ? STORE_NOT_FOUND : n > 1 ? STORE_CONFLICT : STORE_OK;
    if (rc == STORE_OK)
        *out = rows[0];
    free(rows);
    return rc;
}

store_status store_lti_platform_remove(store *s, int64_t id)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_PLATFORM_REMOVE);
    if (st)
        sqlite3_bind_int64(st, 1, id);
    int changes = 0;
    store_status rc = store_exec(c, st, "removing a platform", &changes, NULL);
    if (rc == STORE_OK && changes == 0)
        rc = STORE_NOT_FOUND;
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

/* ---- platform keys -----------------------------------------------------------------------------
 */

typedef struct jwks_out {
    char **json;
    int64_t *fetched_at;
} jwks_out;

static store_status jwks_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)elem;
    const jwks_out *o = arg;
    *o->json = store_col_dup(st, 0);
    *o->fetched_at = sqlite3_column_int64(st, 1);
    return STORE_OK;
}

store_status store_lti_jwks_get(store *s, int64_t platform_id, char **json, int64_t *fetched_at)
{
    *json = NULL;
    *fetched_at = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_JWKS_GET);
    if (st)
        sqlite3_bind_int64(st, 1, platform_id);
    jwks_out o = {json, fetched_at};
    return store_one(c, st, 0, jwks_row, &o, NULL, "reading a platform's keys");
}

store_status store_lti_jwks_put(store *s, int64_t platform_id, const char *json, int64_t now)
{
    store_conn *c = store_write_begin(s, false);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_JWKS_PUT);
    if (st) {
        sqlite3_bind_int64(st, 1, platform_id);
        bind_text(st, 2, json);
        sqlite3_bind_int64(st, 3, now);
    }
    store_status rc = store_exec(c, st, "saving a platform's keys", NULL, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

/* ---- logins
 * -------------------------------------------------------------------------------------- */

store_status store_lti_login_put(store *s, const char *state_hash, const char *nonce,
                                 int64_t platform_id, int64_t now, int64_t expires_at)
{
    store_conn *c = store_write_begin(s, false);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_LOGIN_PUT);
    if (st) {
        bind_text(st, 1, state_hash);
        bind_text(st, 2, nonce);
        sqlite3_bind_int64(st, 3, platform_id);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_int64(st, 5, expires_at);
    }
    store_status rc = store_exec(c, st, "saving a login", NULL, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

static store_status platform_id_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    *(int64_t *)elem = sqlite3_column_int64(st, 0);
    return STORE_OK;
}

static const char SQL_LOGIN_PLATFORM[] =
    "SELECT platform_id FROM lti_logins WHERE state_hash = ?1 AND expires_at > ?2";

store_status store_lti_login_platform(store *s, const char *state_hash, int64_t now,
                                      int64_t *platform_id)
{
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_LOGIN_PLATFORM);
    if (st) {
        bind_text(st, 1, state_hash);
        sqlite3_bind_int64(st, 2, now);
    }
    return store_one(c, st, sizeof *platform_id, platform_id_row, NULL, platform_id,
                     "reading a login");
}

typedef struct login_row_out {
    char nonce[STORE_LTI_TEXT_SIZE];
    int64_t platform_id, expires_at;
    bool used;
} login_row_out;

static store_status login_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    login_row_out *o = elem;
    store_col_copy(st, 0, o->nonce, sizeof o->nonce);
    o->platform_id = sqlite3_column_int64(st, 1);
    o->expires_at = sqlite3_column_int64(st, 2);
    o->used = sqlite3_column_int(st, 3) != 0;
    return STORE_OK;
}

store_status store_lti_login_use(store *s, const char *state_hash, const char *nonce,
                                 int64_t platform_id, int64_t now)
{
    store_conn *c = store_write_begin(s, false);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_LOGIN_GET);
    if (st)
        bind_text(st, 1, state_hash);
    login_row_out row;
    store_status rc = store_one(c, st, sizeof row, login_row, NULL, &row, "reading a login");
    if (rc == STORE_NOT_FOUND) {
        /* a nonce used before under another state is still a replay */
        sqlite3_stmt *u = store_stmt(c, SQL_LOGIN_USED);
        if (u)
            bind_text(u, 1, nonce);
        if (store_one(c, u, 0, NULL, NULL, NULL, "reading a nonce") == STORE_OK)
            rc = STORE_CONFLICT;
    } else if (rc == STORE_OK) {
        if (row.used)
            rc = STORE_CONFLICT;
        else if (strcmp(row.nonce, nonce) != 0 || row.platform_id != platform_id ||
                 row.expires_at <= now)
            rc = STORE_NOT_FOUND;
    }
    if (rc == STORE_OK) {
        sqlite3_stmt *m = store_stmt(c, SQL_LOGIN_MARK);
        if (m) {
            bind_text(m, 1, state_hash);
            sqlite3_bind_int64(m, 2, now);
        }
        rc = store_exec(c, m, "using a login", NULL, NULL);
    }
    /* expired logins go (used ones are kept until they expire, so replays are told apart) */
    sqlite3_stmt *p = store_stmt(c, SQL_LOGIN_PURGE);
    if (p) {
        sqlite3_bind_int64(p, 1, now);
        bind_text(p, 2, state_hash);
    }
    store_status prc = store_exec(c, p, "purging logins", NULL, NULL);
    bool commit =
        (rc == STORE_OK || rc == STORE_NOT_FOUND || rc == STORE_CONFLICT) && prc == STORE_OK;
    store_status end = store_write_end(s, c, commit);
    if (!commit)
        return rc == STORE_OK ? prc : rc;
    return end != STORE_OK ? end : rc;
}

/* ---- the tool's keys
 * ------------------------------------------------------------------------------ */

static store_status key_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_lti_key *k = elem;
    store_col_copy(st, 0, k->kid, sizeof k->kid);
    k->private_pem = store_col_dup(st, 1);
    k->created_at = sqlite3_column_int64(st, 2);
    k->retired_at = sqlite3_column_int64(st, 3);
    k->expires_at = sqlite3_column_int64(st, 4);
    return k->private_pem ? STORE_OK : store_set_error("out of memory");
}

static void key_clean(void *elem)
{
    store_lti_key *k = elem;
    free(k->private_pem);
    k->private_pem = NULL;
}

store_status store_lti_keys_live(store *s, int64_t now, store_lti_key **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_KEYS_LIVE);
    if (st)
        sqlite3_bind_int64(st, 1, now);
    return store_collect(c, st, sizeof **out, key_row, NULL, key_clean, (void **)out, n,
                         "reading the tool's keys");
}

void store_lti_keys_free(store_lti_key *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i].private_pem);
    free(k);
}

store_status store_lti_key_rotate(store *s, const char *kid, const char *private_pem, int64_t now,
                                  int64_t old_expires_at)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *r = store_stmt(c, SQL_KEY_RETIRE);
    if (r) {
        sqlite3_bind_int64(r, 1, now);
        sqlite3_bind_int64(r, 2, old_expires_at);
    }
    store_status rc = store_exec(c, r, "retiring the tool's key", NULL, NULL);
    if (rc == STORE_OK) {
        sqlite3_stmt *a = store_stmt(c, SQL_KEY_ADD);
        if (a) {
            bind_text(a, 1, kid);
            bind_text(a, 2, private_pem);
            sqlite3_bind_int64(a, 3, now);
        }
        rc = store_exec(c, a, "adding the tool's key", NULL, NULL);
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

/* ---- accounts and links
 * ---------------------------------------------------------------------------- */

store_status store_lti_account(store *s, const store_lti_account_in *in, int64_t now,
                               store_user *out)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_ACCOUNT_FIND);
    if (st) {
        bind_text(st, 1, in->issuer);
        bind_text(st, 2, in->sub);
    }
    store_status rc =
        store_one(c, st, sizeof *out, store_user_row, NULL, out, "finding an account");
    if (rc == STORE_OK) {
        sqlite3_stmt *up = store_stmt(c, SQL_ACCOUNT_UPDATE);
        if (up) {
            sqlite3_bind_int64(up, 1, out->id);
            bind_text(up, 2, in->role);
            bind_text(up, 3, in->name);
            bind_text(up, 4, in->email);
            bind_text(up, 5, in->section);
        }
        rc = store_exec(c, up, "updating an account", NULL, NULL);
        if (rc == STORE_OK && strcmp(out->role, "admin") != 0)
            snprintf(out->role, sizeof out->role, "%s", in->role);
    } else if (rc == STORE_NOT_FOUND) {
        sqlite3_stmt *ins = store_stmt(c, SQL_USER_INSERT);
        if (ins) {
            bind_text(ins, 1, in->login);
            bind_text(ins, 2, in->role);
            sqlite3_bind_int64(ins, 3, now);
            bind_text(ins, 4, in->name);
            bind_text(ins, 5, in->email);
            bind_text(ins, 6, in->section);
        }
        int64_t id = 0;
        rc = store_exec(c, ins, "creating an account", NULL, &id);
        if (rc == STORE_OK) {
            sqlite3_stmt *ln = store_stmt(c, SQL_ACCOUNT_LINK);
            if (ln) {
                bind_text(ln, 1, in->issuer);
                bind_text(ln, 2, in->sub);
                sqlite3_bind_int64(ln, 3, id);
            }
            rc = store_exec(c, ln, "linking an account", NULL, NULL);
        }
        if (rc == STORE_OK) {
            memset(out, 0, sizeof *out);
            out->id = id;
            snprintf(out->name, sizeof out->name, "%s", in->login);
            snprintf(out->role, sizeof out->role, "%s", in->role);
            out->created_at = now;
        }
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

store_status store_lti_link_put(store *s, int64_t platform_id, const char *resource_link_id,
                                const char *resource, const char *lineitem, int64_t now)
{
    store_conn *c = store_write_begin(s, false);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_LINK_PUT);
    if (st) {
        sqlite3_bind_int64(st, 1, platform_id);
        bind_text(st, 2, resource_link_id);
        bind_text(st, 3, resource);
        bind_text(st, 4, lineitem);
        sqlite3_bind_int64(st, 5, now);
    }
    store_status rc = store_exec(c, st, "saving a resource link", NULL, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

/* ---- outbox
 * ---------------------------------------------------------------------------------------- */

static const char SQL_TARGETS[] = "SELECT k.platform_id, k.lineitem, u.sub FROM lti_users u "
                                  "JOIN lti_platforms p ON p.issuer = u.issuer "
                                  "JOIN lti_links k ON k.platform_id = p.id "
                                  "WHERE u.user_id = ?1 AND k.resource = ?2 AND k.lineitem <> '' "
                                  "GROUP BY k.platform_id, k.lineitem, u.sub LIMIT 64";
static const char SQL_OUTBOX_PUT[] =
    "INSERT INTO lti_outbox (platform_id, lineitem, sub, score_given, score_maximum, score_ts, "
    "version, state, attempts, next_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, "
    "'pending', 0, ?7, ?7) ON CONFLICT (platform_id, lineitem, sub) DO UPDATE SET "
    "score_given = excluded.score_given, score_maximum = excluded.score_maximum, "
    "score_ts = excluded.score_ts, version = version + 1, state = 'pending', attempts = 0, "
    "next_at = excluded.next_at, updated_at = excluded.updated_at "
    "WHERE excluded.score_ts > lti_outbox.score_ts";
#define OUTBOX_COLS                                                                                \
    "id, platform_id, lineitem, sub, score_given, score_maximum, score_ts, version, state, "       \
    "attempts, next_at, updated_at, last_status, last_answer"
static const char SQL_OUTBOX_DUE[] = "SELECT " OUTBOX_COLS " FROM lti_outbox WHERE state = "
                                     "'pending' AND next_at <= ?1 ORDER BY next_at, id LIMIT ?2";
static const char SQL_OUTBOX_ALL[] =
    "SELECT " OUTBOX_COLS " FROM lti_outbox ORDER BY updated_at DESC, id DESC LIMIT ?2";
static const char SQL_OUTBOX_SETTLE[] =
    "UPDATE lti_outbox SET state = ?3, attempts = ?4, next_at = ?5, last_status = ?6, "
    "last_answer = ?7, updated_at = ?8 WHERE id = ?1 AND version = ?2";

static store_status target_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_lti_target *t = elem;
    t->platform_id = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, t->lineitem, sizeof t->lineitem);
    store_col_copy(st, 2, t->sub, sizeof t->sub);
    return STORE_OK;
}

store_status store_lti_targets(store *s, int64_t user_id, const char *resource,
                               store_lti_target **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_TARGETS);
    if (st) {
        sqlite3_bind_int64(st, 1, user_id);
        bind_text(st, 2, resource);
    }
    return store_collect(c, st, sizeof **out, target_row, NULL, NULL, (void **)out, n,
                         "reading grade passback targets");
}

store_status store_lti_outbox_put(store *s, int64_t platform_id, const char *lineitem,
                                  const char *sub, double given, double maximum, int64_t score_ts,
                                  int64_t now)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_OUTBOX_PUT);
    if (st) {
        sqlite3_bind_int64(st, 1, platform_id);
        bind_text(st, 2, lineitem);
        bind_text(st, 3, sub);
        sqlite3_bind_double(st, 4, given);
        sqlite3_bind_double(st, 5, maximum);
        sqlite3_bind_int64(st, 6, score_ts);
        sqlite3_bind_int64(st, 7, now);
    }
    store_status rc = store_exec(c, st, "queueing a score", NULL, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

static store_status outbox_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_lti_outbox_row *r = elem;
    r->id = sqlite3_column_int64(st, 0);
    r->platform_id = sqlite3_column_int64(st, 1);
    store_col_copy(st, 2, r->lineitem, sizeof r->lineitem);
    store_col_copy(st, 3, r->sub, sizeof r->sub);
    r->given = sqlite3_column_double(st, 4);
    r->maximum = sqlite3_column_double(st, 5);
    r->score_ts = sqlite3_column_int64(st, 6);
    r->version = sqlite3_column_int64(st, 7);
    store_col_copy(st, 8, r->state, sizeof r->state);
    r->attempts = sqlite3_column_int(st, 9);
    r->next_at = sqlite3_column_int64(st, 10);
    r->updated_at = sqlite3_column_int64(st, 11);
    r->last_status = sqlite3_column_int(st, 12);
    store_col_copy(st, 13, r->last_answer, sizeof r->last_answer);
    return STORE_OK;
}

store_status store_lti_outbox_list(store *s, bool all, int64_t now, size_t max,
                                   store_lti_outbox_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, all ? SQL_OUTBOX_ALL : SQL_OUTBOX_DUE);
    if (st) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    }
    return store_collect(c, st, sizeof **out, outbox_row, NULL, NULL, (void **)out, n,
                         "reading the grade outbox");
}

store_status store_lti_outbox_settle(store *s, int64_t id, int64_t expected_version,
                                     const char *state, int attempts, int64_t next_at,
                                     int last_status, const char *last_answer, int64_t now)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_OUTBOX_SETTLE);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, expected_version);
        bind_text(st, 3, state);
        sqlite3_bind_int(st, 4, attempts);
        sqlite3_bind_int64(st, 5, next_at);
        sqlite3_bind_int(st, 6, last_status);
        bind_text(st, 7, last_answer);
        sqlite3_bind_int64(st, 8, now);
    }
    int changes = 0;
    store_status rc = store_exec(c, st, "settling a score", &changes, NULL);
    if (rc == STORE_OK && changes == 0)
        rc = STORE_CONFLICT;
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

static const char SQL_OUTBOX_RETRY[] = "UPDATE lti_outbox SET state = 'pending', next_at = ?2, "
                                       "attempts = 0, updated_at = ?2 WHERE id = ?1";

store_status store_lti_outbox_retry(store *s, int64_t id, int64_t now)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_OUTBOX_RETRY);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
    }
    int changes = 0;
    store_status rc = store_exec(c, st, "retrying a score", &changes, NULL);
    if (rc == STORE_OK && changes == 0)
        rc = STORE_NOT_FOUND;
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}
