/*
 * guard.c — the principal of a request and the role/CSRF guard of every protected handler
 * (contract in guard.h).
 *
 * Owns: reading the credentials of an http_request (bearer token, session cookie) and looking
 * them up in the account store; the 401/403/503 answers of a refused request.
 * Does not: hash or compare passwords, throttle logins (server/grading/auth.c), or set
 * cookies (api_accounts.c).
 */
#include "guard.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "../store/store_accounts.h"

static void anonymous(grading_principal *p)
{
    memset(p, 0, sizeof *p);
    p->role = GRADING_ANONYMOUS;
    snprintf(p->actor, sizeof p->actor, "anonymous");
}

guard_auth_result guard_auth(const http_request *req, grading_principal *p)
{
    anonymous(p);
    store *st = req->app ? req->app->store : NULL;
    const char *authz = http_header(req, "Authorization");
    int64_t now = (int64_t)time(NULL);
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0)
            return GUARD_AUTH_BAD_TOKEN;
        const char *tok = authz + 7;
        while (*tok == ' ')
            tok++;
        if (!*tok || strlen(tok) >= GRADING_TOKEN_SIZE || !st)
            return st ? GUARD_AUTH_BAD_TOKEN : GUARD_AUTH_ERROR;
        char digest[GRADING_DIGEST_SIZE];
        grading_secret_digest(tok, digest);
        store_token t;
        store_status rc = store_token_lookup(st, digest, &t);
        if (rc == STORE_NOT_FOUND)
            return GUARD_AUTH_BAD_TOKEN;
        if (rc != STORE_OK)
            return GUARD_AUTH_ERROR;
        grading_role role;
        if (!grading_role_from_name(t.role, &role))
            return GUARD_AUTH_BAD_TOKEN;
        /* last_used is a hint, kept to a minute: no write per request */
        if (now - t.last_used_at >= 60)
            store_token_touch(st, t.id, now);
        p->role = role;
        p->via_token = true;
        p->token_id = t.id;
        snprintf(p->name, sizeof p->name, "%s", t.name);
        if (role == GRADING_STUDENT && t.user_id > 0 && t.user_name[0]) {
            /* a student token acts as its student: submissions are theirs */
            p->user_id = t.user_id;
            snprintf(p->name, sizeof p->name, "%s", t.user_name);
        }
        snprintf(p->actor, sizeof p->actor, "token:%lld", (long long)t.id);
        return GUARD_AUTH_OK;
    }
    const char *cookie = http_cookie(req, GRADING_SESSION_COOKIE);
    if (!cookie || !*cookie || strlen(cookie) >= GRADING_TOKEN_SIZE || !st)
        return GUARD_AUTH_OK;
    char digest[GRADING_DIGEST_SIZE];
    grading_secret_digest(cookie, digest);
    store_user u;
    char csrf[64];
    store_status rc = store_session_get(st, digest, now, &u, csrf, sizeof csrf);
    if (rc == STORE_NOT_FOUND)
        return GUARD_AUTH_OK;
    if (rc != STORE_OK)
        return GUARD_AUTH_ERROR;
    grading_role role;
    if (!grading_role_from_name(u.role, &role))
        return GUARD_AUTH_OK;
    p->role = role;
    p->via_cookie = true;
    p->user_id = u.id;
    snprintf(p->name, sizeof p->name, "%s", u.name);
    snprintf(p->csrf, sizeof p->csrf, "%s", csrf);
    snprintf(p->actor, sizeof p->actor, "user:%s", u.name);
    return GUARD_AUTH_OK;
}

static bool unsafe_method(const char *m)
{
    return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

/* True when Origin is absent, or its host[:port] equals the Host header. */
static bool origin_ok(const http_request *req)
{
    const char *origin = http_header(req, "Origin");
    if (!origin)
        return true;
    const char *host = http_header(req, "Host");
    const char *sep = strstr(origin, "://");
    if (!host || !sep)
        return false;
    return strcasecmp(sep + 3, host) == 0;
}

bool guard_require(const http_request *req, http_response *res, grading_principal *p,
                   unsigned allowed)
{
    guard_auth_result r = guard_auth(req, p);
    if (r == GUARD_AUTH_ERROR) {
        http_problem(res, 503, NULL, "the account store is unavailable");
        return false;
    }
    if (r == GUARD_AUTH_BAD_TOKEN) {
        http_problem(res, 401, NULL, "the bearer token is unknown, revoked or malformed");
        http_set_header(res, "WWW-Authenticate", "Bearer realm=\"tcplab\"");
        return false;
    }
    if (p->via_cookie && unsafe_method(req->method)) {
        const char *h = http_header(req, "X-CSRF-Token");
        if (!origin_ok(req)) {
            http_problem(res, 403, NULL, "cross-site request refused: Origin does not match Host");
            return false;
        }
        if (!h || !p->csrf[0] || strlen(h) != strlen(p->csrf) ||
            sodium_memcmp(h, p->csrf, strlen(h)) != 0) {
            http_problem(res, 403, NULL,
                         "missing or wrong X-CSRF-Token header (see GET /api/v1/me)");
            return false;
        }
    }
    if (!(allowed & GRADING_ALLOW(p->role))) {
        if (p->role == GRADING_ANONYMOUS) {
            http_problem(res, 401, NULL, "sign in or send an API token (Authorization: Bearer)");
            http_set_header(res, "WWW-Authenticate", "Bearer realm=\"tcplab\"");
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "the %s role may not use this endpoint",
                     grading_role_name(p->role));
            http_problem(res, 403, NULL, msg);
        }
        return false;
    }
    return true;
}
