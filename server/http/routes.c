/*
 * routes.c — THE route table: every HTTP endpoint of TCP Lab, one row each.
 *
 * Rows are tried in order (router.c); the first match of path and method wins. Each
 * area adds its rows in its own block below and declares its handlers in its own header.
 * The OpenAPI test parses the {"METHOD", "/path", ...} rows of this file: keep one row
 * per line in that shape. `name` is the metrics label (unique, snake_case).
 */
#include "http.h"
#include "metrics.h"
#include "server.h"
#include "static_files.h"

const http_route http_routes[] = {
    /* core (server/http: H) */
    {"GET", "/", home_page, "home"},
    {"GET", "/healthz", server_healthz, "healthz"},
    {"GET", "/metrics", metrics_handler, "metrics"},
    {"GET", "/static/{path*}", static_files_handler, "static"},
    /* API (server/http/api_*.c: A) */
};

const size_t http_route_count = sizeof http_routes / sizeof http_routes[0];
