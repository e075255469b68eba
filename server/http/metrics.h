/*
 * metrics.h — process-wide counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Owns: request counts by route and status, a request-duration histogram by route,
 * simulations run, open connections. All counters are relaxed atomics: counting never
 * takes a lock and is safe from any thread. Does not: know HTTP or the route table beyond
 * the route names it is given at creation.
 *
 * Every function accepts m == NULL and then does nothing (unit tests run handlers with an
 * app that has no metrics).
 */
#ifndef TCPLAB_METRICS_H
#define TCPLAB_METRICS_H

#include "http.h"

#include <stdbool.h>
#include <stddef.h>

struct metrics;
typedef struct metrics metrics;

/* route_names[0..route_count) label the routes (copied by pointer: must outlive m);
 * an extra label "none" counts requests that matched no route. NULL on out of memory. */
metrics *metrics_new(const char *const *route_names, size_t route_count);
void metrics_free(metrics *m);

/* One engine simulation run (API handlers call this once per sim_run). */
void metrics_count_simulation(struct metrics *m);

/* One finished request; route_index == route_count for "matched no route". */
void metrics_observe_request(metrics *m, size_t route_index, int status, double seconds);

void metrics_connection_opened(metrics *m);
void metrics_connection_closed(metrics *m);

/* The exposition text, malloc'ed (caller frees), length in *len. NULL on out of memory. */
char *metrics_render(const metrics *m, size_t *len);

/* Who may read GET /metrics: with served false and no token nobody (404, the state after
 * metrics_new); with a token (copied; NULL or "" for none) only requests carrying
 * "Authorization: Bearer <token>" (others 401); else everyone. 0, or -1 when out of
 * memory (the access is then unchanged). */
int metrics_set_access(metrics *m, bool served, const char *token);

/* GET /metrics handler (uses req->app->metrics and its access, metrics_set_access). */
void metrics_handler(const http_request *req, http_response *res);

#endif
