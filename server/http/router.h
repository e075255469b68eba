/*
 * router.h — matching a validated request path and method against the route table.
 *
 * Owns: path validation (what may reach routing at all) and pattern matching with
 * "{name}" captures and one trailing "{name*}" wildcard (rules in http.h above
 * http_route). Does not: know libmicrohttpd, call handlers, or build responses.
 */
#ifndef TCPLAB_ROUTER_H
#define TCPLAB_ROUTER_H

#include "http.h"

#include <stdbool.h>
#include <stddef.h>

/* True when `path` may be routed: starts with '/', only printable ASCII (0x21..0x7e),
 * no backslash, no empty segment ("//") except the root "/", no "." or ".." segment. */
bool router_path_ok(const char *path);

typedef enum router_result {
    ROUTER_FOUND = 0,
    ROUTER_NOT_FOUND,  /* no row's pattern matches the path */
    ROUTER_BAD_METHOD, /* some rows match the path, none for this method: see allow */
} router_result;

typedef struct router_match {
    size_t index;                        /* row index in the table when FOUND */
    const char *params[HTTP_MAX_PARAMS]; /* point into the caller's buffer */
    size_t param_count;
    char allow[96]; /* "GET, HEAD, POST" when BAD_METHOD */
} router_match;

/* Matches `method` + `path` (already accepted by router_path_ok) against routes[0..n).
 * `buf` receives NUL-terminated copies of the captured values m->params point to; it
 * needs strlen(path) + HTTP_MAX_PARAMS + 1 bytes (ROUTER_NOT_FOUND if smaller).
 * HEAD matches GET rows. */
router_result router_match_path(const http_route *routes, size_t n, const char *method,
                                const char *path, char *buf, size_t buf_size, router_match *m);

#endif
