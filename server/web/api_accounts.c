/*
 * api_accounts.c — POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me.
 *
 * Owns: the session cookie (tcplab_session: HttpOnly, SameSite=Lax, Path=/, Max-Age,
 * Secure when http_request_is_secure: the public URL is https, or without one a proxy
 * sent X-Forwarded-Proto: https) and the readable CSRF cookie (tcplab_csrf), and
 * the login flow: throttle check, then the same work and the same answer for an unknown
 * user and a wrong password; the password check runs on a hashing thread (auth.h,
 * grading_hash_run) while the request waits deferred, so logins never hold an HTTP worker.
 * Does not: hash or compare secrets itself (auth.c) or run SQL (store_accounts.c).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "../store/store_accounts.h"
#include "../grading/auth.h"
#include "../http/json_body.h"
#include "guard.h"
#include "grading.h"

static void set_cookies(http_response *res, bool secure, const char *session, const char *csrf,
                        int max_age)
{
    char buf[256];
    const char *sec = secure ? "; Secure" : "";
    snprintf(buf, sizeof buf, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
             GRADING_SESSION_COOKIE, session, max_age, sec);
    http_set_header(res, "Set-Cookie", buf);
    snprintf(buf, sizeof buf, "%s=%s; Path=/; Max-Age=%d; SameSite=Lax%s", GRADING_CSRF_COOKIE,
             csrf, max_age, sec);
    http_set_header(res, "Set-Cookie", buf);
}

/* The second half of a login, after the throttle and the user lookup: the password check
 * (argon2id, 13–60 ms of a core) and the session. It runs on a hashing thread when the
 * request can be deferred (grading_hash_run), so the HTTP workers never wait on a hash;
 * otherwise (a unit test calling the handler) in the handler. Copies of all it needs, as
 * the request is gone by then. */
typedef struct login_job {
    store *st;
    bool secure; /* the cookies get Secure */
    bool known;  /* u and hash hold the user; else the dummy hash is checked */
    store_user u;
    char hash[STORE_HASH_SIZE];
    char ip[64];
    char name[64]; /* as asked (the throttle's key); valid when known */
    char pw[1025]; /* wiped after the check */
    int64_t now;
    http_deferred *d;
} login_job;

static void login_check(login_job *j, http_response *res)
{
    bool ok = grading_password_verify(j->pw, j->known ? j->hash : NULL);
    sodium_memzero(j->pw, sizeof j->pw);
    if (!ok) {
        http_problem(res, 401, NULL, "invalid name or password");
        return;
    }
    grading_login_succeeded(j->ip, j->name);
    grading_session_start(res, j->st, j->secure, &j->u, j->now, NULL);
}

void grading_session_start(http_response *res, store *st, bool secure, const store_user *u,
                           int64_t now, json_t *extra)
{
    char tok[GRADING_TOKEN_SIZE], digest[GRADING_DIGEST_SIZE];
    char csrf[GRADING_TOKEN_SIZE], csrf_digest[GRADING_DIGEST_SIZE];
    if (grading_secret_new(tok, digest) || grading_secret_new(csrf, csrf_digest) ||
        store_session_put(st, digest, u->id, csrf, now, now + GRADING_SESSION_SECONDS) !=
            STORE_OK) {
        json_decref(extra);
        http_problem(res, 503, NULL, "cannot create the session");
        return;
    }
    json_t *o = json_pack("{s:s, s:s, s:s}", "name", u->name, "role", u->role, "csrf_token", csrf);
    if (o && extra)
        json_object_update(o, extra);
    json_decref(extra);
    http_json_steal(res, 200, o);
    set_cookies(res, secure, tok, csrf, GRADING_SESSION_SECONDS);
    http_set_header(res, "Cache-Control", "no-store");
}

/* On a hashing thread. */
static void login_deferred(void *arg)
{
    login_job *j = arg;
    login_check(j, http_deferred_response(j->d));
    http_deferred_finish(j->d);
    free(j);
}

void grading_login(const http_request *req, http_response *res)
{
    if (!http_require_json(req, res))
        return;
    store *st = req->app ? req->app->store : NULL;
    if (!st) {
        http_problem(res, 503, NULL, "the account store is unavailable");
        return;
    }
    /* A login form posted from another site (login CSRF) is refused. */
    const char *origin = http_header(req, "Origin");
    const char *host = http_header(req, "Host");
    const char *sep = origin ? strstr(origin, "://") : NULL;
    if (origin && (!host || !sep || strcasecmp(sep + 3, host))) {
        http_problem(res, 403, NULL, "cross-site login refused: Origin does not match Host");
        return;
    }
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return;
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *pw = json_string_value(json_object_get(body, "password"));
    if (!json_is_object(body) || !name || !pw || strlen(pw) > 1024) {
        json_decref(body);
        http_problem_json(res, 422, NULL, NULL, "give {\"name\": \"...\", \"password\": \"...\"}",
                          json_pack("{s:[{s:s,s:s}]}", "errors", "pointer",
                                    name ? "/password" : "/name", "detail",
                                    "missing, not a string, or too long"));
        return;
    }
    int64_t now = (int64_t)time(NULL);
    /* counts this attempt as a failure up front (a success clears it), so parallel
     * guesses cannot all pass the check before the first one has failed */
    int wait = grading_login_begin(req->client_ip, name, now);
    if (wait > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", wait);
        json_decref(body);
        http_problem(res, 429, NULL, "too many failed sign-ins; try again later");
        http_set_header(res, "Retry-After", ra);
        return;
    }
    login_job *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(body);
        http_problem(res, 503, NULL, "out of memory");
        return;
    }
    j->st = st;
    j->secure = http_request_is_secure(req);
    j->now = now;
    snprintf(j->ip, sizeof j->ip, "%s", req->client_ip ? req->client_ip : "");
    snprintf(j->name, sizeof j->name, "%s", name);
    snprintf(j->pw, sizeof j->pw, "%s", pw); /* at most 1024 bytes, checked above */
    store_status rc = grading_name_valid(name)
                          ? store_user_find(st, name, &j->u, j->hash, sizeof j->hash)
                          : STORE_NOT_FOUND;
    json_decref(body); /* name and pw point into it */
    if (rc == STORE_ERROR) {
        sodium_memzero(j->pw, sizeof j->pw);
        free(j);
        http_problem(res, 503, NULL, "the account store is unavailable");
        return;
    }
    j->known = rc == STORE_OK;
    j->d = http_defer(req);
    if (!j->d) { /* no server behind the request: check here */
        login_check(j, res);
        free(j);
        return;
    }
    int queued = grading_hash_run_for(j->ip, login_deferred, j);
    if (queued != 0) {
        sodium_memzero(j->pw, sizeof j->pw);
        http_response *dr = http_deferred_response(j->d);
        if (queued == -2)
            http_problem(dr, 429, NULL, "too many sign-ins from this address at once");
        else
            http_problem(dr, 503, NULL, "too many sign-ins at once; try again in a moment");
        http_set_header(dr, "Retry-After", "1");
        http_deferred_finish(j->d);
        free(j);
    }
}

void grading_logout(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_ANYONE))
        return;
    if (p.via_cookie) {
        char digest[GRADING_DIGEST_SIZE];
        grading_secret_digest(http_cookie(req, GRADING_SESSION_COOKIE), digest);
        if (store_session_delete(req->app->store, digest, (int64_t)time(NULL)) != STORE_OK) {
            http_problem(res, 503, NULL, "cannot end the session");
            return;
        }
    }
    http_text(res, 204, NULL, "", 0);
    set_cookies(res, http_request_is_secure(req), "", "", 0);
}

void grading_me(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_ANYONE))
        return;
    json_t *o = json_pack("{s:b, s:s}", "authenticated", p.role != GRADING_ANONYMOUS, "role",
                          grading_role_name(p.role));
    if (o && p.role != GRADING_ANONYMOUS)
        json_object_set_new(o, "name", json_string(p.name));
    if (o && p.via_cookie)
        json_object_set_new(o, "csrf_token", json_string(p.csrf));
    if (o)
        json_object_set_new(o, "via",
                            json_string(p.via_cookie  ? "session"
                                        : p.via_token ? "token"
                                                      : "none"));
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
}
