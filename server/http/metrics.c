/*
 * metrics.c — lock-free counters and their Prometheus text rendering (see metrics.h).
 *
 * Owns: the counter arrays. Status codes are folded into a fixed list of slots (plus
 * "other") so every counter exists up front and counting is one atomic add, on the
 * calling thread's own stripe (../util/stripe.h) so worker threads share no cache line.
 * Does not: reset counters, or export anything but text.
 */
#include "metrics.h"

#include "../app.h"
#include "../util/strbuf.h"
#include "../util/stripe.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const int STATUSES[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403,
                               404, 405, 409, 413, 415, 422, 429, 500, 501, 503};
#define NSTATUS      (sizeof STATUSES / sizeof STATUSES[0])
#define STATUS_OTHER NSTATUS /* slot for any other code */

/* Histogram bucket upper bounds, seconds. */
static const double BUCKETS[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                 0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
#define NBUCKET (sizeof BUCKETS / sizeof BUCKETS[0])

/* One route's counters in one stripe (../util/stripe.h): a worker thread adds to its own
 * stripe, /metrics adds the stripes up. */
typedef struct route_counters {
    _Alignas(STRIPE_LINE) atomic_ulong by_status[NSTATUS + 1];
    atomic_ulong bucket[NBUCKET + 1]; /* last: +Inf (non-cumulative storage) */
    atomic_ulong micros_sum;
} route_counters;

struct metrics {
    const char *const *names;
    size_t route_count;
    route_counters *routes[STRIPE_COUNT]; /* each route_count + 1 ("none") */
    atomic_ulong simulations;
    atomic_long open_connections;
    bool served; /* GET /metrics answers (metrics_set_access) */
    char *token; /* NULL, or the bearer token GET /metrics requires */
};

metrics *metrics_new(const char *const *route_names, size_t route_count)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    for (size_t s = 0; s < STRIPE_COUNT; s++) {
        size_t bytes = (route_count + 1) * sizeof(route_counters); /* a multiple of the line */
        m->routes[s] = aligned_alloc(STRIPE_LINE, bytes);
        if (!m->routes[s]) {
            metrics_free(m);
            return NULL;
        }
        for (size_t r = 0; r <= route_count; r++) {
            route_counters *rc = &m->routes[s][r];
            for (size_t i = 0; i <= NSTATUS; i++)
                atomic_init(&rc->by_status[i], 0);
            for (size_t i = 0; i <= NBUCKET; i++)
                atomic_init(&rc->bucket[i], 0);
            atomic_init(&rc->micros_sum, 0);
        }
    }
    m->names = route_names;
    m->route_count = route_count;
    atomic_init(&m->simulations, 0);
    atomic_init(&m->open_connections, 0);
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    for (size_t s = 0; s < STRIPE_COUNT; s++)
        free(m->routes[s]);
    free(m->token);
    free(m);
}

void metrics_count_simulation(struct metrics *m)
{
    if (m)
        atomic_fetch_add_explicit(&m->simulations, 1, memory_order_relaxed);
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i < NSTATUS; i++)
        if (STATUSES[i] == status)
            return i;
    return STATUS_OTHER;
}

void metrics_observe_request(metrics *m, size_t route_index, int status, double seconds)
{
    if (!m)
        return;
    if (route_index > m->route_count)
        route_index = m->route_count;
    route_counters *rc = &m->routes[stripe_of_thread()][route_index];
    atomic_fetch_add_explicit(&rc->by_status[status_slot(status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKET && seconds > BUCKETS[b])
        b++;
    atomic_fetch_add_explicit(&rc->bucket[b], 1, memory_order_relaxed);
    unsigned long us = seconds > 0 ? (unsigned long)(seconds * 1e6 + 0.5) : 0;
    atomic_fetch_add_explicit(&rc->micros_sum, us, memory_order_relaxed);
}

void metrics_connection_opened(metrics *m)
{
    if (m)
        atomic_fetch_add_explicit(&m->open_connections, 1, memory_order_relaxed);
}

void metrics_connection_closed(metrics *m)
{
    if (m)
        atomic_fetch_sub_explicit(&m->open_connections, 1, memory_order_relaxed);
}

static const char *route_name(const metrics *m, size_t r)
{
    return r < m->route_count ? m->names[r] : "none";
}

char *metrics_render(const metrics *m, size_t *len)
{
    strbuf tb = STRBUF_INIT;
    strbuf_printf(&tb, "# HELP tcplab_http_requests_total HTTP requests answered, by route and "
                       "status.\n# TYPE tcplab_http_requests_total counter\n");
    for (size_t r = 0; r <= m->route_count; r++) {
        for (size_t i = 0; i <= NSTATUS; i++) {
            unsigned long v = 0;
            for (size_t s = 0; s < STRIPE_COUNT; s++)
                v += atomic_load_explicit(&m->routes[s][r].by_status[i], memory_order_relaxed);
            if (!v)
                continue;
            if (i == STATUS_OTHER)
                strbuf_printf(&tb,
                              "tcplab_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
                              route_name(m, r), v);
            else
                strbuf_printf(&tb, "tcplab_http_requests_total{route=\"%s\",status=\"%d\"} %lu\n",
                              route_name(m, r), STATUSES[i], v);
        }
    }
    strbuf_printf(&tb, "# HELP tcplab_http_request_duration_seconds Time from the first byte of "
                       "the request to the response being queued.\n"
                       "# TYPE tcplab_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r <= m->route_count; r++) {
        unsigned long cum = 0;
        unsigned long counts[NBUCKET + 1] = {0};
        unsigned long micros = 0;
        for (size_t s = 0; s < STRIPE_COUNT; s++) {
            const route_counters *rc = &m->routes[s][r];
            for (size_t b = 0; b <= NBUCKET; b++)
                counts[b] += atomic_load_explicit(&rc->bucket[b], memory_order_relaxed);
            micros += atomic_load_explicit(&rc->micros_sum, memory_order_relaxed);
        }
        unsigned long total = 0;
        for (size_t b = 0; b <= NBUCKET; b++)
            total += counts[b];
        if (!total)
            continue;
        const char *name = route_name(m, r);
        for (size_t b = 0; b < NBUCKET; b++) {
            cum += counts[b];
            strbuf_printf(
                &tb, "tcplab_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                name, BUCKETS[b], cum);
        }
        strbuf_printf(&tb,
                      "tcplab_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                      name, total);
        double sum = (double)micros / 1e6;
        strbuf_printf(&tb, "tcplab_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                      sum);
        strbuf_printf(&tb, "tcplab_http_request_duration_seconds_count{route=\"%s\"} %lu\n", name,
                      total);
    }
    strbuf_printf(&tb,
                  "# HELP tcplab_simulations_total Engine simulations run.\n"
                  "# TYPE tcplab_simulations_total counter\ntcplab_simulations_total %lu\n",
                  atomic_load_explicit(&m->simulations, memory_order_relaxed));
    long open = atomic_load_explicit(&m->open_connections, memory_order_relaxed);
    strbuf_printf(&tb,
                  "# HELP tcplab_open_connections Client connections currently open.\n"
                  "# TYPE tcplab_open_connections gauge\ntcplab_open_connections %ld\n",
                  open < 0 ? 0 : open);
    *len = tb.len;
    return strbuf_take(&tb);
}

int metrics_set_access(metrics *m, bool served, const char *token)
{
    if (!m)
        return 0;
    char *copy = token && *token ? strdup(token) : NULL;
    if (token && *token && !copy)
        return -1;
    free(m->token);
    m->token = copy;
    m->served = served || copy;
    return 0;
}

/* Does the Authorization header carry "Bearer <token>"? Compared in constant time. */
static bool bearer_ok(const char *auth, const char *token)
{
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *given = auth + 7;
    size_t n = strlen(token);
    return strlen(given) == n && sodium_memcmp(given, token, n) == 0;
}

void metrics_handler(const http_request *req, http_response *res)
{
    const metrics *m = req->app ? req->app->metrics : NULL;
    if (!m || !m->served) {
        http_problem(res, 404, NULL, "no such resource");
        return;
    }
    if (m->token && !bearer_ok(http_header(req, "Authorization"), m->token)) {
        http_problem(res, 401, NULL, "GET /metrics needs the metrics bearer token");
        http_set_header(res, "WWW-Authenticate", "Bearer realm=\"metrics\"");
        return;
    }
    size_t len = 0;
    char *text = metrics_render(m, &len);
    if (!text) {
        http_problem(res, 500, NULL, "out of memory rendering metrics");
        return;
    }
    http_text(res, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}
