/*
 * http.h — the one handler shape every HTTP route uses, and the helpers that fill a
 * response. Implemented in server/http/ on libmicrohttpd; handlers never see MHD.
 *
 * Owns: http_request (read-only view of one fully received request), http_response
 * (what the handler fills in), problem+json errors (RFC 9457), the route table type.
 * Does not: know any route's meaning. The table itself is server/web/routes.c; every
 * handler lives in server/web/ (docs/architecture.md).
 *
 * Threading: handlers run on libmicrohttpd worker threads, concurrently. They must not
 * keep per-request state in globals. `app` is shared and read-mostly (see app.h).
 */
#ifndef TCPLAB_HTTP_H
#define TCPLAB_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct app;

#define HTTP_MAX_PARAMS  4
#define HTTP_MAX_HEADERS 12

typedef struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* percent-decoded, validated path without the query */
    const char *body;   /* NUL-terminated copy of the body ("" if none) */
    size_t body_len;
    const char *params[HTTP_MAX_PARAMS]; /* values of {name} segments of the route, in order */
    size_t param_count;
    struct app *app;
    void *conn;            /* opaque: for http_query / http_header / http_cookie */
    const char *client_ip; /* textual peer address (the server computes it once per
                            * connection, not per request) */
    void *deferral;        /* opaque, for http_defer; NULL: cannot defer */
} http_request;

/* http_query, http_header, http_cookie, http_request_is_secure: request.h */
#include "request.h"

typedef struct http_response {
    int status;
    char *body; /* malloc'ed, owned by the response (freed by the server) */
    size_t body_len;
    const char *content_type;             /* static string */
    char *header_names[HTTP_MAX_HEADERS]; /* malloc'ed copies */
    char *header_values[HTTP_MAX_HEADERS];
    size_t header_count;
    /* instead of `body`, a borrowed body that lives until the server stops
     * (in-memory static files, precomputed caches): served without a copy. Set it with
     * http_static_body; when non-NULL `body` must be NULL. */
    const char *static_body;
    /* a prepared response (http_send_prepared) sent as it is; status,
     * content_type, static_body and body_len mirror it for the access log and metrics. */
    const struct http_prepared *prepared;
} http_response;

/* Adds (or appends another) response header; copies both strings. Returns 0, or -1 when
 * out of memory or past HTTP_MAX_HEADERS. */
int http_set_header(http_response *res, const char *name, const char *value);

/* Fill the response. Each takes ownership of nothing it is given (copies) except
 * http_json_steal, which steals the reference to `json`. On allocation failure each sets
 * a 500 problem instead. */
void http_text(http_response *res, int status, const char *content_type, const char *body,
               size_t len);
/* Like http_text, but takes ownership of the malloc'ed `body` (NUL-terminated at len; NULL:
 * out of memory) instead of copying it: for answers of megabytes. */
void http_text_steal(http_response *res, int status, const char *content_type, char *body,
                     size_t len);
void http_json(http_response *res, int status, const json_t *json);
void http_json_steal(http_response *res, int status, json_t *json);

/* application/problem+json (RFC 9457). `type` is a URI reference (NULL: "about:blank");
 * title is the status's short phrase if NULL. http_problem_json adds members of `extra`
 * (stolen; may be NULL), e.g. {"errors": [{"pointer": "/events/3/call", "detail": "…"}]}.
 * The server adds "instance" (the request path) to every problem body that lacks one,
 * and X-Content-Type-Options / Referrer-Policy (+ the CSP on text/html) to every response. */
void http_problem(http_response *res, int status, const char *title, const char *detail);
void http_problem_json(http_response *res, int status, const char *type, const char *title,
                       const char *detail, json_t *extra);

/* The 400 for a body jansson could not parse: title "Malformed JSON", detail
 * "line L, column C: <jansson's text>", members line, column and position; `type` as
 * for http_problem_json. Every handler that parses a JSON body answers its errors so. */
void http_problem_malformed_json(http_response *res, const json_error_t *jerr, const char *type);

/* Borrowed body: `body` must stay valid and unchanged until the server has
 * stopped (e.g. memory owned by app services). No copy is made. */
void http_static_body(http_response *res, int status, const char *content_type, const char *body,
                      size_t len);

/* Prepared responses: a fixed status (200..399), Content-Type, borrowed body and
 * headers, turned into a wire response once (security headers, Vary included) and then
 * sent by every request that uses it without per-request allocation or header building —
 * for bodies that never change while the server runs (static files, built-in traces).
 *   - http_prepared_new: `headers` is NULL or a NULL-terminated list of name, value pairs
 *     (copied). The body is borrowed: it must outlive the prepared response. Returns NULL
 *     when out of memory or for a status outside 200..399 (an error body gets its
 *     `instance` per request, so it cannot be prepared).
 *   - http_prepared_free: only after the server has stopped (in-flight responses share
 *     it). NULL is a no-op.
 *   - http_send_prepared: the handler's answer is `p` (borrowed; it must outlive the
 *     server). The server applies no content coding to it: prepare each variant and
 *     choose in the handler. */
typedef struct http_prepared http_prepared;
http_prepared *http_prepared_new(int status, const char *content_type, const char *body, size_t len,
                                 const char *const *headers);
void http_prepared_free(http_prepared *p);
void http_send_prepared(http_response *res, const http_prepared *p);

/* The prepared answers of one fixed body (a static file, a built-in trace): 200 and 304 for
 * the identity body and, when there is one, for its gzip variant. Every one carries ETag,
 * Cache-Control and, for a type the server may compress, Vary: Accept-Encoding; the 304s
 * no Content-Type (RFC 9110 §15.4.5).
 *   - http_variants_init: `body`, `gz` (NULL: no gzip variant), the etags and
 *     cache_control are borrowed and must outlive `v`. 0, or -1 when out of memory (then
 *     http_variants_cleanup frees what was made).
 *   - http_variants_send: picks the variant (gzip if offered and accepted), answers 304
 *     when If-None-Match lists its ETag, else 200.
 *   - http_variants_cleanup: as http_prepared_free, after the server has stopped. */
typedef struct http_variants {
    const char *etag, *etag_gz;
    http_prepared *ok, *not_modified, *ok_gz, *not_modified_gz;
} http_variants;
int http_variants_init(http_variants *v, const char *content_type, const char *cache_control,
                       const char *body, size_t len, const char *etag, const char *gz,
                       size_t gz_len, const char *etag_gz);
void http_variants_send(const http_request *req, http_response *res, const http_variants *v);
void http_variants_cleanup(http_variants *v);

/* Does an If-None-Match header value list `etag` (RFC 9110 §13.1.2: "*" or a
 * comma-separated list of entity tags, compared weakly)? NULL header → false. */
bool http_etag_listed(const char *if_none_match, const char *etag);

/* For handlers that take a JSON body: returns true when the request's
 * Content-Type is application/json or application/<x>+json (parameters such as
 * charset allowed; an absent Content-Type is accepted only with an empty body).
 * Otherwise fills `res` with a 415 problem and returns false. */
bool http_require_json(const http_request *req, http_response *res);

/* Short reason phrase for a status ("Not Found"); "Unknown" if unknown. */
const char *http_status_phrase(int status);

/* Deferred responses, for a handler whose answer waits on work done on another
 * thread (a durable group commit) and which should not hold an HTTP worker meanwhile.
 *   - In the handler: d = http_defer(req). NULL: this request cannot be deferred (no
 *     server behind it, e.g. a unit test calling the handler, or already deferred):
 *     answer in `res` as usual. Otherwise hand `d` to the work and return without
 *     touching `res`; the server suspends the connection and the worker serves others.
 *     `req` itself is gone when the handler returns: copy what the finisher needs.
 *   - The finisher (any thread, also before the handler has returned), exactly once:
 *     fills http_deferred_response(d) with the usual helpers, then calls
 *     http_deferred_finish(d); the server resumes the connection and sends the response
 *     on a worker thread (security headers, gzip, access log, metrics as usual). `d` is
 *     invalid after the finish.
 * The server waits for every deferred request to be finished before it stops. */
typedef struct http_deferred http_deferred;
http_deferred *http_defer(const http_request *req);
http_response *http_deferred_response(http_deferred *d);
void http_deferred_finish(http_deferred *d);

typedef void (*http_handler)(const http_request *req, http_response *res);

/* One row of the route table. Patterns are literal path segments and "{name}" captures
 * (one whole segment, [A-Za-z0-9._-]+). The method list is used for 405's Allow.
 * A pattern may end in "{name*}" (used by /static/{path*} only): it captures the rest of
 * the path, one or more segments joined by '/', each segment [A-Za-z0-9._-]+ and never
 * "." or "..". Matching (server/http/router.c): rows are tried in table order, the first
 * row whose pattern matches the path AND whose method matches wins; HEAD is served by GET
 * rows (the body is dropped). A path that matches rows only for other methods is a 405
 * whose Allow lists those methods; a path matching no row is a 404. Paths are validated
 * before routing: "//", "." or ".." segments, backslash, control or non-ASCII bytes → 404. */
typedef struct http_route {
    const char *method;
    const char *pattern; /* "/api/v1/scenarios/{name}" */
    http_handler handler;
    const char *name; /* metrics label, e.g. "scenario_get" */
} http_route;

extern const http_route http_routes[];
extern const size_t http_route_count;

/* Routes whose request bodies have their own limit instead of the server's max_body
 * (larger or smaller): METHOD and a literal path, matched on the request head. The table
 * is server/web/routes.c's too. */
typedef struct http_body_limit {
    const char *method;
    const char *path;
    size_t max_body;
} http_body_limit;

extern const http_body_limit http_body_limits[];
extern const size_t http_body_limit_count;

#endif
