/*
 * guard.h — who is asking: the principal of an HTTP request and the guard every instructor
 * and grader endpoint runs first (roles and principal: server/grading/auth.h).
 *
 * Credentials, in order: `Authorization: Bearer <token>` (an API token; never needs CSRF:
 * a browser never attaches it by itself), else the `tcplab_session` cookie.
 *
 * CSRF (cookie authentication only): every POST/PUT/PATCH/DELETE must carry the header
 * `X-CSRF-Token` equal to the session's server-side token (returned by login and by
 * GET /api/v1/me, and also set as the readable cookie `tcplab_csrf` for scripts in our own
 * pages: a synchronizer token delivered double-submit style). In addition an `Origin`
 * header, when present, must name the request's own Host. Either failing is a 403.
 * The cookie is SameSite=Lax, HttpOnly, Secure when http_request_is_secure.
 */
#ifndef TCPLAB_WEB_GUARD_H
#define TCPLAB_WEB_GUARD_H

#include <stdbool.h>

#include "../grading/auth.h"
#include "../http/http.h"

typedef enum guard_auth_result {
    GUARD_AUTH_OK = 0,    /* *p filled (maybe anonymous: no credentials at all) */
    GUARD_AUTH_BAD_TOKEN, /* a bearer token was given but is unknown or revoked */
    GUARD_AUTH_ERROR      /* the store failed */
} guard_auth_result;

/* Who sent `req`. An unknown or expired session cookie counts as anonymous. */
guard_auth_result guard_auth(const http_request *req, grading_principal *p);

/* guard_auth + role check + CSRF. Returns true if the handler may go on. Otherwise
 * `res` is filled: 401 (no or bad credentials; WWW-Authenticate: Bearer), 403 (role not
 * in `allowed`, or CSRF failure for a cookie-authenticated unsafe method), 503 (store). */
bool guard_require(const http_request *req, http_response *res, grading_principal *p,
                   unsigned allowed);

#endif
