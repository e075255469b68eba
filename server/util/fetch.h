/*
 * fetch.h — one outbound HTTP(S) request with a time limit and a size limit, on libcurl.
 * What the LTI tool uses to reach platforms (JWKS, OAuth 2 token, AGS scores).
 *
 * Owns: the request (no redirects followed, certificates verified, HTTPS only unless the
 * caller allows plain HTTP), its time limit (connecting and the whole exchange), and the
 * answer's size limit (a longer answer is cut off and reported as an error).
 * Does not: retry, cache, or know what the URL is for; it blocks the calling thread, so
 * callers keep it off the HTTP workers.
 */
#ifndef TCPLAB_UTIL_FETCH_H
#define TCPLAB_UTIL_FETCH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fetch_request {
    const char *method; /* "GET" (NULL) or "POST" */
    const char *url;
    const char *content_type;  /* of `body` (POST) */
    const char *body;          /* POST body, NUL-terminated (NULL: empty) */
    const char *accept;        /* Accept header (NULL: none) */
    const char *authorization; /* Authorization header value (NULL: none) */
    long timeout_ms;           /* the whole exchange; connecting gets at most half */
    size_t max_bytes;          /* the most answer bytes kept */
    bool allow_http;           /* plain http:// allowed too (tests only) */
} fetch_request;

typedef struct fetch_result {
    int status;      /* the HTTP status; 0 when there was no complete answer */
    char *body;      /* malloc'ed, NUL-terminated (caller frees; NULL when none) */
    size_t len;      /* bytes in body */
    char error[256]; /* why there is no answer: "timed out after 3000 ms", … */
} fetch_result;

/* Once per process, before any other thread fetches. 0, or -1 when libcurl cannot start. */
int fetch_global_init(void);

/* Performs `req`. Returns 0 with r->status and the body when an answer arrived (any
 * status), -1 with r->error set otherwise (refused scheme, connection, TLS, timeout, an
 * answer over max_bytes). r->body is freed by fetch_result_free. */
int fetch_perform(const fetch_request *req, fetch_result *r);
void fetch_result_free(fetch_result *r);

#endif
