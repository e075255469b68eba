/*
 * test_http.c — unit tests of the HTTP core without a socket: path validation, route
 * matching (captures, wildcard, 405 Allow, HEAD), response helpers (problem+json),
 * If-None-Match matching, prepared responses, the static set's allow-list, the metrics text
 * and its per-thread stripes.
 */
#include "testlib.h"

#include "../../server/http/http.h"
#include "../../server/http/metrics.h"
#include "../../server/http/response.h"
#include "../../server/http/router.h"
#include "../../server/http/static_files.h"
#include "../../server/util/stripe.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(http_path_validation)
{
    CHECK(router_path_ok("/"));
    CHECK(router_path_ok("/static/css/app.css"));
    CHECK(router_path_ok("/api/v1/scenarios/lost-syn"));
    CHECK(!router_path_ok(""));
    CHECK(!router_path_ok("static"));
    CHECK(!router_path_ok("//etc/passwd"));
    CHECK(!router_path_ok("/static/../Makefile"));
    CHECK(!router_path_ok("/static/.."));
    CHECK(!router_path_ok("/static/./x"));
    CHECK(!router_path_ok("/static/a\\b"));
    CHECK(!router_path_ok("/static/a\nb"));
    CHECK(!router_path_ok("/static/a b"));
    CHECK(!router_path_ok("/static/\xc3\xa9"));
    CHECK(!router_path_ok("/static/"));
    CHECK(router_path_ok("/static/..x")); /* a name, not a parent reference */
}

static void h_a(const http_request *req, http_response *res)
{
    (void)req;
    (void)res;
}

static const http_route ROUTES[] = {
    {"GET", "/", h_a, "home"},
    {"GET", "/api/v1/things", h_a, "things_list"},
    {"POST", "/api/v1/things", h_a, "things_post"},
    {"GET", "/api/v1/things/{id}", h_a, "thing_get"},
    {"DELETE", "/api/v1/things/{id}", h_a, "thing_delete"},
    {"GET", "/api/v1/things/{id}/parts/{part}", h_a, "part_get"},
    {"GET", "/static/{path*}", h_a, "static"},
};
#define NROUTES (sizeof ROUTES / sizeof ROUTES[0])

TEST(http_router_matching)
{
    char buf[256];
    router_match m;
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "GET", "/", buf, sizeof buf, &m), ROUTER_FOUND);
    CHECK_EQ_INT(m.index, 0);
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "POST", "/api/v1/things", buf, sizeof buf, &m),
                 ROUTER_FOUND);
    CHECK_EQ_INT(m.index, 2);
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/api/v1/things/a.b_c-9", buf, sizeof buf, &m),
        ROUTER_FOUND);
    CHECK_EQ_INT(m.index, 3);
    CHECK_EQ_INT(m.param_count, 1);
    CHECK_EQ_STR(m.params[0], "a.b_c-9");
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/api/v1/things/7/parts/x", buf, sizeof buf, &m),
        ROUTER_FOUND);
    CHECK_EQ_INT(m.param_count, 2);
    CHECK_EQ_STR(m.params[0], "7");
    CHECK_EQ_STR(m.params[1], "x");
    /* HEAD is served by GET rows */
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "HEAD", "/api/v1/things", buf, sizeof buf, &m),
                 ROUTER_FOUND);
    CHECK_EQ_INT(m.index, 1);
    /* wildcard: rest of the path, several segments */
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/static/css/app.css", buf, sizeof buf, &m),
        ROUTER_FOUND);
    CHECK_EQ_STR(m.params[0], "css/app.css");
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "GET", "/static", buf, sizeof buf, &m),
                 ROUTER_NOT_FOUND);
    /* capture charset */
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/api/v1/things/a:b", buf, sizeof buf, &m),
        ROUTER_NOT_FOUND);
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "GET", "/api/v1/thingsx", buf, sizeof buf, &m),
                 ROUTER_NOT_FOUND);
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/api/v1/things/1/2", buf, sizeof buf, &m),
        ROUTER_NOT_FOUND);
    /* 405 with Allow */
    CHECK_EQ_INT(router_match_path(ROUTES, NROUTES, "PUT", "/api/v1/things", buf, sizeof buf, &m),
                 ROUTER_BAD_METHOD);
    CHECK_EQ_STR(m.allow, "GET, HEAD, POST");
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "POST", "/api/v1/things/3", buf, sizeof buf, &m),
        ROUTER_BAD_METHOD);
    CHECK_EQ_STR(m.allow, "GET, HEAD, DELETE");
    /* buffer too small for the captures */
    char tiny[3];
    CHECK_EQ_INT(
        router_match_path(ROUTES, NROUTES, "GET", "/api/v1/things/abcdef", tiny, sizeof tiny, &m),
        ROUTER_NOT_FOUND);
}

TEST(http_route_table_is_well_formed)
{
    char buf[512];
    for (size_t i = 0; i < http_route_count; i++) {
        const http_route *r = &http_routes[i];
        CHECK(r->method && r->pattern && r->handler && r->name);
        CHECK(r->pattern[0] == '/');
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(http_routes[j].name, r->name))
                testlib_fail(__FILE__, __LINE__, "route name %s used twice", r->name);
            if (!strcmp(http_routes[j].method, r->method) &&
                !strcmp(http_routes[j].pattern, r->pattern))
                testlib_fail(__FILE__, __LINE__, "route %s %s listed twice", r->method, r->pattern);
        }
        /* a literal pattern routes to its own row */
        if (!strchr(r->pattern, '{')) {
            router_match m;
            CHECK_EQ_INT(router_match_path(http_routes, http_route_count, r->method, r->pattern,
                                           buf, sizeof buf, &m),
                         ROUTER_FOUND);
            CHECK_EQ_INT(m.index, i);
        }
    }
}

TEST(http_problem_json_shape)
{
    http_response res;
    memset(&res, 0, sizeof res);
    json_t *extra = json_pack("{s:[{s:s,s:s}]}", "errors", "pointer", "/events/3/call", "detail",
                              "unknown call");
    http_problem_json(&res, 422, NULL, NULL, "scenario is invalid", extra);
    CHECK_EQ_INT(res.status, 422);
    CHECK_EQ_STR(res.content_type, "application/problem+json");
    json_t *doc = json_loadb(res.body, res.body_len, 0, NULL);
    CHECK(doc != NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "type")), "about:blank");
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "title")), "Unprocessable Content");
    CHECK_EQ_INT(json_integer_value(json_object_get(doc, "status")), 422);
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "detail")), "scenario is invalid");
    CHECK_EQ_STR(json_string_value(
                     json_object_get(json_array_get(json_object_get(doc, "errors"), 0), "pointer")),
                 "/events/3/call");
    json_decref(doc);
    /* a second fill replaces the first body; headers accumulate */
    http_text(&res, 200, "text/plain", "hi", 2);
    CHECK_EQ_INT(res.body_len, 2);
    CHECK_EQ_STR(res.body, "hi");
    CHECK_EQ_INT(http_set_header(&res, "ETag", "\"x\""), 0);
    for (int i = 1; i < HTTP_MAX_HEADERS; i++)
        CHECK_EQ_INT(http_set_header(&res, "X-A", "b"), 0);
    CHECK_EQ_INT(http_set_header(&res, "X-Too-Many", "b"), -1);
    free(res.body);
    for (size_t i = 0; i < res.header_count; i++) {
        free(res.header_names[i]);
        free(res.header_values[i]);
    }
}

TEST(http_json_and_require_json)
{
    http_response res;
    memset(&res, 0, sizeof res);
    json_t *j = json_pack("{s:i}", "a", 1);
    http_json_steal(&res, 201, j);
    CHECK_EQ_INT(res.status, 201);
    CHECK_EQ_STR(res.body, "{\"a\":1}");
    CHECK_EQ_STR(res.content_type, "application/json");
    free(res.body);
    memset(&res, 0, sizeof res);
    /* no connection: no Content-Type header; an empty body is accepted, a body is not */
    http_request req;
    memset(&req, 0, sizeof req);
    req.body = "";
    CHECK(http_require_json(&req, &res));
    req.body = "{}";
    req.body_len = 2;
    CHECK(!http_require_json(&req, &res));
    CHECK_EQ_INT(res.status, 415);
    free(res.body);
}

TEST(http_if_none_match)
{
    const char *tag = "\"abc123\"";
    CHECK(http_etag_listed("\"abc123\"", tag));
    CHECK(http_etag_listed("W/\"abc123\"", tag));
    CHECK(http_etag_listed("\"x\", \"abc123\"", tag));
    CHECK(http_etag_listed("*", tag));
    CHECK(!http_etag_listed("\"abc12\"", tag));
    CHECK(!http_etag_listed("abc123", tag));
    CHECK(!http_etag_listed("", tag));
    CHECK(!http_etag_listed(NULL, tag));
    /* weak comparison: W/ ignored on the tag side too; quoted tags may hold commas */
    CHECK(http_etag_listed("\"abc123\"", "W/\"abc123\""));
    CHECK(http_etag_listed("\"a,b\", \"abc123\"", tag));
    CHECK(!http_etag_listed("\"abc123", tag)); /* unterminated */
}

TEST(http_prepared_responses)
{
    /* an error status cannot be prepared (its problem body gets an instance per request) */
    CHECK(http_prepared_new(404, "text/plain", "x", 1, NULL) == NULL);
    CHECK(http_prepared_new(199, "text/plain", "x", 1, NULL) == NULL);
    /* a name without a value is refused, and nothing leaks */
    const char *const odd[] = {"ETag", NULL};
    CHECK(http_prepared_new(200, "text/plain", "x", 1, odd) == NULL);
    static const char body[] = "hello";
    const char *const headers[] = {"ETag", "\"h\"", "Cache-Control", "no-cache", NULL};
    http_prepared *p = http_prepared_new(200, "text/plain", body, 5, headers);
    CHECK(p != NULL);
    if (p) {
        http_response res;
        memset(&res, 0, sizeof res);
        http_set_header(&res, "X-Dropped", "1"); /* the prepared response is the whole answer */
        http_send_prepared(&res, p);
        CHECK(res.prepared == p);
        CHECK_EQ_INT(res.status, 200);
        CHECK_EQ_INT(res.body_len, 5);
        CHECK(res.static_body == body);
        CHECK(res.body == NULL);
        CHECK_EQ_INT(res.header_count, 0);
        /* while draining the server sends an own copy (it adds Connection: close) */
        CHECK_EQ_INT(response_unprepare(&res), 0);
        CHECK(res.prepared == NULL);
        CHECK(res.static_body == body);
        CHECK_EQ_INT(res.status, 200);
        CHECK_EQ_INT(res.header_count, 2);
        CHECK_EQ_STR(res.header_names[1], "Cache-Control");
        CHECK_EQ_STR(res.header_values[0], "\"h\"");
        response_cleanup(&res);
        CHECK_EQ_INT(res.header_count, 0);
    }
    http_prepared *nm = http_prepared_new(304, NULL, NULL, 0, headers);
    CHECK(nm != NULL);
    http_prepared_free(p);
    http_prepared_free(nm);
    http_prepared_free(NULL);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

TEST(http_static_allow_list)
{
    char root[] = "/tmp/tcplab-static-XXXXXX";
    char outside[] = "/tmp/tcplab-outside-XXXXXX";
    if (!mkdtemp(root) || !mkdtemp(outside)) {
        CHECK(!"mkdtemp");
        return;
    }
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/js", root);
    mkdir(p, 0700);
    write_file(root, "js/app.js", "x");
    write_file(root, "js/app.deadbeef12.js", "y");
    write_file(root, "index.html", "<p>");
    write_file(root, ".hidden.css", "z");
    write_file(root, "tool.sh", "#!");
    write_file(outside, "secret.txt", "s");
    snprintf(p, sizeof p, "%s/secret.txt", outside);
    snprintf(q, sizeof q, "%s/link.txt", root);
    CHECK_EQ_INT(symlink(p, q), 0);
    char err[256] = "";
    static_files *sf = static_files_load(root, err, sizeof err);
    CHECK(sf != NULL);
    if (sf) {
        CHECK_EQ_INT(static_files_count(sf), 3);
        const static_file *f = static_files_find(sf, "js/app.js");
        CHECK(f != NULL);
        if (f) {
            CHECK_EQ_STR(f->mime, "text/javascript; charset=utf-8");
            CHECK_EQ_STR(f->cache_control, "no-cache");
            CHECK_EQ_INT(f->size, 1);
        }
        f = static_files_find(sf, "js/app.deadbeef12.js");
        CHECK(f && !strcmp(f->cache_control, "public, max-age=31536000, immutable"));
        CHECK(static_files_find(sf, "index.html") != NULL);
        CHECK(static_files_find(sf, ".hidden.css") == NULL);
        CHECK(static_files_find(sf, "tool.sh") == NULL);
        CHECK(static_files_find(sf, "link.txt") == NULL);
        CHECK(static_files_find(sf, "../secret.txt") == NULL);
        static_files_free(sf);
    }
    CHECK(static_files_load("/nonexistent/tcplab", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/tcplab") != NULL);
    static_files_free(NULL);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, outside);
    CHECK_EQ_INT(system(cmd), 0);
}

TEST(http_metrics_text)
{
    static const char *const names[] = {"home", "healthz"};
    metrics *m = metrics_new(names, 2);
    CHECK(m != NULL);
    if (!m)
        return;
    metrics_observe_request(m, 1, 200, 0.0002);
    metrics_observe_request(m, 1, 200, 2.0);
    metrics_observe_request(m, 2, 404, 0.00001);
    metrics_observe_request(m, 0, 299, 0.001);
    metrics_count_simulation(m);
    metrics_connection_opened(m);
    metrics_connection_opened(m);
    metrics_connection_closed(m);
    size_t len = 0;
    char *text = metrics_render(m, &len);
    CHECK(text != NULL);
    if (text) {
        CHECK_EQ_INT(strlen(text), len);
        CHECK(strstr(text, "tcplab_http_requests_total{route=\"healthz\",status=\"200\"} 2\n"));
        CHECK(strstr(text, "tcplab_http_requests_total{route=\"none\",status=\"404\"} 1\n"));
        CHECK(strstr(text, "tcplab_http_requests_total{route=\"home\",status=\"other\"} 1\n"));
        CHECK(strstr(
            text,
            "tcplab_http_request_duration_seconds_bucket{route=\"healthz\",le=\"0.00025\"} 1\n"));
        CHECK(strstr(
            text, "tcplab_http_request_duration_seconds_bucket{route=\"healthz\",le=\"1\"} 1\n"));
        CHECK(strstr(
            text,
            "tcplab_http_request_duration_seconds_bucket{route=\"healthz\",le=\"+Inf\"} 2\n"));
        CHECK(strstr(text, "tcplab_http_request_duration_seconds_count{route=\"healthz\"} 2\n"));
        CHECK(strstr(text, "tcplab_simulations_total 1\n"));
        CHECK(strstr(text, "tcplab_open_connections 1\n"));
        free(text);
    }
    metrics_free(m);
    metrics_count_simulation(NULL);
    metrics_free(NULL);
}

typedef struct stripe_probe {
    metrics *m;
    unsigned first, again;
} stripe_probe;

static void *stripe_worker(void *arg)
{
    stripe_probe *p = arg;
    p->first = stripe_of_thread();
    for (int i = 0; i < 1000; i++)
        metrics_observe_request(p->m, 0, 200, 0.0001);
    p->again = stripe_of_thread();
    return NULL;
}

TEST(http_metrics_stripes_add_up)
{
    static const char *const names[] = {"home"};
    metrics *m = metrics_new(names, 1);
    CHECK(m != NULL);
    if (!m)
        return;
    enum { N = STRIPE_COUNT + 2 }; /* more threads than stripes: some share one */
    pthread_t t[N];
    stripe_probe probe[N];
    for (int i = 0; i < N; i++) {
        probe[i] = (stripe_probe){m, 99, 99};
        CHECK_EQ_INT(pthread_create(&t[i], NULL, stripe_worker, &probe[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    unsigned used = 0;
    for (int i = 0; i < N; i++) {
        CHECK(probe[i].first < STRIPE_COUNT);
        CHECK_EQ_INT(probe[i].first, probe[i].again); /* a thread keeps its stripe */
        used |= 1u << probe[i].first;
    }
    CHECK_EQ_INT(used, (1u << STRIPE_COUNT) - 1); /* handed out round-robin: all in use */
    size_t len = 0;
    char *text = metrics_render(m, &len);
    CHECK(text != NULL);
    if (text) {
        char want[128];
        snprintf(want, sizeof want,
                 "tcplab_http_requests_total{route=\"home\",status=\"200\"} %d\n", N * 1000);
        CHECK(strstr(text, want) != NULL);
        snprintf(want, sizeof want,
                 "tcplab_http_request_duration_seconds_count{route=\"home\"} %d\n", N * 1000);
        CHECK(strstr(text, want) != NULL);
        free(text);
    }
    metrics_free(m);
}
