/*
 * response.h — inside the HTTP layer: turning an http_response into a libmicrohttpd
 * response, and the prepared responses of http.h built the same way once.
 *
 * Owns: the headers every response carries (Content-Type, X-Content-Type-Options,
 * Referrer-Policy, the CSP on HTML, Vary: Accept-Encoding on compressible types merged
 * into the handler's own Vary, Allow, Connection: close), handing the body to MHD, and
 * struct http_prepared. Does not: choose a content coding or add a problem's `instance`
 * (server.c does both per request before calling here), queue a response, or know any
 * route. Only server.c, early_reject.c and response.c include this header.
 */
#ifndef TCPLAB_RESPONSE_H
#define TCPLAB_RESPONSE_H

#include "http.h"

#include <stdbool.h>

struct MHD_Response;

/* Frees what `res` owns (body, header copies) and forgets them and the prepared response
 * it points to (borrowed, not freed). */
void response_cleanup(http_response *res);

/* Index of the handler-set header `name` (case-insensitive), or -1. */
int response_find_header(const http_response *res, const char *name);

/* Builds the wire response for `res` (not prepared): the body is handed over (res->body is
 * NULL afterwards) or referenced (static_body), the headers above are added, `allow`
 * (may be NULL) becomes an Allow header and `close` adds "Connection: close". Returns NULL
 * when out of memory. The caller owns one reference (MHD_destroy_response). */
struct MHD_Response *response_to_mhd(http_response *res, const char *allow, bool close);

/* Writes into `out` the status line and header block of an answer sent on the raw socket
 * rather than through the library (early_reject.h): Date, Content-Type, Content-Length,
 * Connection: close, the headers of every response (X-Content-Type-Options,
 * Referrer-Policy, Strict-Transport-Security with an https public URL) and the CSP, then
 * the empty line. Returns its length, or -1 when it does not fit in `size`. */
int response_raw_head(char *out, size_t size, int status, const char *content_type,
                      size_t body_len);

/* The shared wire response of a prepared response (borrowed). */
struct MHD_Response *response_prepared_mhd(const http_prepared *p);

/* Turns `res`, which points to a prepared response, into an ordinary one with the same
 * status, type, borrowed body and copies of its headers (for a response that must differ,
 * e.g. close its connection). Returns 0, or -1 when out of memory (res is then a 500). */
int response_unprepare(http_response *res);

#endif
