/*
 * api_simulations.c — running the engine over HTTP: POST /api/v1/simulations (a scenario
 * or a built-in with overrides; optionally saved), GET /api/v1/simulations?scenario=NAME
 * (built-ins, from the cache), GET /api/v1/simulations/{id} (replay of a saved one).
 *
 * Owns: request-body resolution ({"scenario": NAME, ...overrides} → a full scenario), the
 * HTTP error mapping (400 malformed, 415, 422 invalid/engine bound, 404, 503 no store), the
 * per-answer limits of app.h (max_steps set on the engine, max_trace_bytes on the writer;
 * either a 422 naming it, and nothing saved), and
 * struct sim_cache: every built-in's trace JSON text + strong ETag, its gzip variant and
 * the prepared responses serving them, computed once at start and immutable afterwards
 * (no lock on the read path, no allocation per GET).
 * Language: ?lang=zh-CN on all three adds "rule_zh" (the rule in Simplified Chinese,
 * server/scenario/rules_zh.h) to each step of the trace; ?lang=en or no lang gives the
 * English-only trace, byte for byte what it always was; any other lang is a 400. The cache
 * holds a zh-CN variant of every built-in too, built at start the same way (its own body,
 * ETag, gzip variant and prepared responses), so GET ?scenario=NAME&lang=zh-CN is as cheap
 * as without lang.
 * Captures: ?format=pcap (or Accept: application/vnd.tcpdump.pcap) on all three answers
 * the trace as a pcap file instead (api_capture.c); it is written per request, not cached.
 * Does not: validate scenarios (scenario_json.c), simulate (sim.c), or run SQL
 * (store_simulations.c).
 *
 * Saved simulations store scenario_to_json() of the parsed scenario (every field
 * explicit), so a shared link replays exactly what was seen even if a built-in or a
 * default changes later.
 *
 * Speed: traces are written as text by trace_writer (scenario/trace_writer.h), never as a
 * jansson tree: the same bytes as json_dumps(trace_to_json(t), JSON_COMPACT), about ten
 * times cheaper. The envelopes around a trace ({"id","url","trace"} and
 * {"id","scenario","trace"}) are written into the same buffer, in the member order (and
 * escaping) jansson used for them.
 */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app.h"
#include "../engine/sim.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "../scenario/trace_writer.h"
#include "../util/fnv.h"
#include "../store/store_simulations.h"
#include "api.h"
#include "api_capture.h"
#include "saves.h"
#include "../http/json_body.h"
#include "../http/gzip.h"
#include "../http/metrics.h"

/* ---- running one scenario ----------------------------------------------------------------- */

/* The scenario (≈ 60 KiB) and the simulator are per request: handlers run concurrently. */
typedef struct run_ctx {
    sim_scenario sc;
    scenario_errors errs;
    sim_trace trace;
    char msg[256];
} run_ctx;

/* Parses `scenario` into ctx->sc and runs it into ctx->trace. Returns the sim_status, or
 * -1 for an invalid scenario (ctx->errs). */
static int run_json(run_ctx *ctx, const json_t *scenario, struct metrics *m)
{
    if (scenario_from_json(scenario, &ctx->sc, &ctx->errs) != 0)
        return -1;
    sim *s = sim_new();
    if (!s)
        return SIM_ERR_NOMEM;
    sim_set_max_steps(s, APP_SIM_MAX_STEPS);
    sim_status st = sim_run(s, &ctx->sc, &ctx->trace, ctx->msg, sizeof ctx->msg);
    sim_free(s);
    metrics_count_simulation(m);
    return (int)st;
}

/* Not zeroed as a whole (≈ 60 KiB): scenario_from_json initialises ctx->sc and ctx->errs. */
static run_ctx *run_ctx_new(void)
{
    run_ctx *ctx = malloc(sizeof *ctx);
    if (ctx) {
        sim_trace_init(&ctx->trace);
        ctx->errs.count = 0;
        ctx->errs.dropped = 0;
        ctx->errs.malformed = false;
        ctx->msg[0] = '\0';
    }
    return ctx;
}

static void run_ctx_free(run_ctx *ctx)
{
    if (!ctx)
        return;
    sim_trace_cleanup(&ctx->trace);
    free(ctx);
}

/* The ?lang= of the request (api_lang_param): 0 for "en", 1 for "zh-CN", -1 after a 400. */
static int lang_zh(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    return lang ? !strcmp(lang, "zh-CN") : -1;
}

/* A built-in's prepared trace text in the cache (zh: the variant with rule_zh). 0, or -1
 * when the cache has no such built-in. Defined with the cache below. */
static int cache_text(const sim_cache *c, const char *name, bool zh, const char **body,
                      size_t *len);

/* ---- responses written by trace_writer ---------------------------------------------------- */

/* Appends a string literal's bytes (its JSON text) to a trace_writer. */
#define RAW(w, lit) trace_writer_raw((w), (lit), sizeof(lit) - 1)

/* Hands the writer's text to the response as application/json (as http_json would). The
 * writer is left empty. Out of memory (or a trace string jansson would have refused): the
 * 500 problem the jansson path gave. */
static void problem_too_big(http_response *res);

static void respond_writer(http_response *res, int status, trace_writer *w)
{
    size_t len = 0;
    bool too_big = trace_writer_too_big(w);
    char *text = trace_writer_finish(w, &len);
    if (!text && too_big) {
        problem_too_big(res);
        return;
    }
    if (!text) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    free(res->body);
    res->static_body = NULL;
    res->status = status;
    res->content_type = "application/json";
    res->body = text;
    res->body_len = len;
}

/* ---- problems ----------------------------------------------------------------------------- */

static json_t *errors_json(const scenario_errors *errs)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < errs->count; i++) {
        json_t *o = json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer, "detail",
                              errs->items[i].detail);
        if (!o) /* a detail that is not UTF-8 (it quotes the input): say so instead */
            o = json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer, "detail",
                          "invalid value");
        if (o)
            json_array_append_new(arr, o);
    }
    return arr;
}

static void problem_invalid(http_response *res, const scenario_errors *errs)
{
    char detail[512];
    if (errs->count == 0)
        snprintf(detail, sizeof detail, "the scenario is invalid");
    else
        snprintf(detail, sizeof detail, "%s%s: %s%s", errs->items[0].pointer[0] ? "" : "(root)",
                 errs->items[0].pointer, errs->items[0].detail,
                 errs->count > 1 ? " (and more: see errors)" : "");
    http_problem_json(res, 422, "/api/v1/openapi.json#invalid-scenario", "Invalid scenario", detail,
                      json_pack("{s:o}", "errors", errors_json(errs)));
}

static void problem_one(http_response *res, int status, const char *type, const char *title,
                        const char *pointer, const char *detail)
{
    http_problem_json(
        res, status, type, title, detail,
        json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", pointer, "detail", detail));
}

/* A 422 naming one of the per-answer limits (app.h): "limit" and "max" say which. */
static void problem_limit(http_response *res, const char *type, const char *title,
                          const char *limit, size_t max, const char *detail)
{
    http_problem_json(res, 422, type, title, detail,
                      json_pack("{s:s, s:I, s:[{s:s, s:s}]}", "limit", limit, "max",
                                (json_int_t)max, "errors", "pointer", "", "detail", detail));
}

static void problem_too_big(http_response *res)
{
    char detail[300];
    snprintf(detail, sizeof detail,
             "the trace would be longer than max_trace_bytes = %u bytes, the most one answer "
             "carries; send fewer bytes, use a larger mss, or set until_ms",
             APP_SIM_MAX_TRACE_BYTES);
    problem_limit(res, "/api/v1/openapi.json#trace-too-large", "Trace too large", "max_trace_bytes",
                  APP_SIM_MAX_TRACE_BYTES, detail);
}

/* A failed run → the response. Returns true if `st` was a failure (response filled). */
static bool run_failed(http_response *res, int st, run_ctx *ctx)
{
    if (st == 0)
        return false;
    if (st < 0)
        problem_invalid(res, &ctx->errs);
    else if (st == SIM_ERR_NOMEM)
        http_problem(res, 500, NULL, "out of memory while simulating");
    else if (st == SIM_ERR_TOO_MANY_STEPS)
        problem_limit(res, "/api/v1/openapi.json#engine-bound", "Simulation bound exceeded",
                      "max_steps", APP_SIM_MAX_STEPS,
                      ctx->msg[0] ? ctx->msg : "the simulation exceeded the step limit");
    else
        problem_one(res, 422, "/api/v1/openapi.json#engine-bound", "Simulation bound exceeded", "",
                    ctx->msg[0] ? ctx->msg : "the simulation exceeded an engine bound");
    return true;
}

/* ---- POST /api/v1/simulations ------------------------------------------------------------- */

/* Collects pointers to numbers too large for any field (>= 2^63) in `v`: they only occur
 * in a tree loaded with JSON_DECODE_INT_AS_REAL after an integer overflow. */
static void find_huge(const json_t *v, char *ptr, size_t plen, size_t cap, scenario_errors *e)
{
    if (e->count >= SCENARIO_MAX_ERRORS)
        return;
    if (json_is_real(v) && fabs(json_real_value(v)) >= 9223372036854775808.0) {
        scenario_error *it = &e->items[e->count++];
        snprintf(it->pointer, sizeof it->pointer, "%s", ptr);
        snprintf(it->detail, sizeof it->detail, "number out of range");
        return;
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            size_t n = plen;
            if (n + 2 < cap)
                ptr[n++] = '/';
            const char *k = key;
            for (; *k && n + 3 < cap; k++) {
                if (*k == '~' || *k == '/') {
                    ptr[n++] = '~';
                    ptr[n++] = *k == '~' ? '0' : '1';
                } else {
                    ptr[n++] = *k;
                }
            }
            if (((unsigned char)*k & 0xC0) == 0x80) { /* cut inside a character: drop it */
                while (n > plen && ((unsigned char)ptr[n - 1] & 0xC0) == 0x80)
                    n--;
                if (n > plen)
                    n--;
            }
            ptr[n] = '\0';
            find_huge(child, ptr, n, cap, e);
            ptr[plen] = '\0';
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            int w = snprintf(ptr + plen, cap - plen, "/%zu", i);
            size_t n = w > 0 && (size_t)w < cap - plen ? plen + (size_t)w : plen;
            find_huge(json_array_get(v, i), ptr, n, cap, e);
            ptr[plen] = '\0';
        }
    }
}

/* Parses the request body. NULL with the response filled when it is not a usable JSON
 * document: 400 (malformed) or 422 (an integer too large for jansson: reported at its
 * pointer, as scenario_parse does). */
static json_t *parse_body(const http_request *req, http_response *res)
{
    if (req->body_len == 0) {
        http_problem_json(res, 400, "/api/v1/openapi.json#malformed-json", "Malformed JSON",
                          "the request body is empty; send a scenario as JSON", NULL);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = http_json_body(req, NULL, JSON_DECODE_ANY, NULL, &jerr);
    if (root)
        return root;
    if (json_error_code(&jerr) == json_error_numeric_overflow) {
        json_t *reals =
            json_loadb(req->body, req->body_len,
                       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
        if (reals) {
            scenario_errors *errs = calloc(1, sizeof *errs);
            if (errs) {
                char ptr[128] = "";
                find_huge(reals, ptr, 0, sizeof ptr, errs);
                if (errs->count)
                    problem_invalid(res, errs);
            }
            json_decref(reals);
            bool done = errs && errs->count;
            free(errs);
            if (done)
                return NULL;
        }
    }
    http_problem_malformed_json(res, &jerr, "/api/v1/openapi.json#malformed-json");
    return NULL;
}

/* Resolves {"scenario": NAME, ...overrides} into a full scenario (a new reference); any
 * other object is returned as is (new reference). NULL with the response filled (422). */
static json_t *resolve(json_t *root, http_response *res)
{
    if (!json_is_object(root)) {
        problem_one(res, 422, "/api/v1/openapi.json#invalid-scenario", "Invalid scenario", "",
                    "the body must be a JSON object: a scenario, or {\"scenario\": NAME, ...}");
        return NULL;
    }
    json_t *name = json_object_get(root, "scenario");
    if (!name)
        return json_incref(root);
    if (!json_is_string(name)) {
        problem_one(res, 422, "/api/v1/openapi.json#invalid-scenario", "Invalid scenario",
                    "/scenario", "must be the name of a built-in scenario (a string)");
        return NULL;
    }
    const catalog_entry *e = catalog_find(json_string_value(name));
    if (!e) {
        char detail[200];
        const char *nm = json_string_value(name);
        size_t cut = strnlen(nm, 100);
        while (cut > 0 && ((unsigned char)nm[cut] & 0xC0) == 0x80) /* not inside a character */
            cut--;
        snprintf(detail, sizeof detail,
                 "unknown built-in scenario \"%.*s\" (see GET /api/v1/scenarios)", (int)cut, nm);
        problem_one(res, 422, "/api/v1/openapi.json#invalid-scenario", "Invalid scenario",
                    "/scenario", detail);
        return NULL;
    }
    json_t *base = json_loads(e->json, 0, NULL);
    if (!json_is_object(base)) {
        json_decref(base);
        http_problem(res, 500, NULL, "a built-in scenario is not valid JSON");
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (strcmp(key, "scenario") != 0)
            json_object_set(base, key, value);
    }
    return base;
}

/* ---- anonymous saves ------------------------------------------------------------------------ */

/* The checks of an anonymous save of `text`, in order: the size cap (422), the address's
 * rate (429 with Retry-After); then old anonymous saves are purged. True if it may go on;
 * else `res` is filled. */
static bool anon_save_ok(const http_request *req, http_response *res, store *db, const char *text,
                         int64_t now)
{
    if (strlen(text) > APP_ANON_SAVE_MAX_BYTES) {
        char detail[300];
        snprintf(detail, sizeof detail,
                 "the scenario is %zu bytes as saved; without sign-in at most "
                 "max_saved_scenario_bytes = %u are saved (running it needs no save)",
                 strlen(text), APP_ANON_SAVE_MAX_BYTES);
        problem_limit(res, "/api/v1/openapi.json#anonymous-saves", "Scenario too large to save",
                      "max_saved_scenario_bytes", APP_ANON_SAVE_MAX_BYTES, detail);
        return false;
    }
    if (!saves_admit_request(req, res, now))
        return false;
    int64_t purged = 0;
    if (store_simulation_purge_anonymous(db, now - (int64_t)APP_ANON_SAVE_DAYS * 86400, &purged) !=
        STORE_OK)
        fprintf(stderr, "tcplab: purging old anonymous saves: %s\n", store_last_error());
    return true;
}

void api_simulations_post(const http_request *req, http_response *res)
{
    int save = saves_param(req, res);
    if (save < 0)
        return;
    int zh = lang_zh(req, res);
    if (zh < 0)
        return;
    int pcap = api_capture_wanted(req, res);
    if (pcap < 0)
        return;
    if (pcap && save) {
        http_problem(res, 400, NULL,
                     "save=true answers the saved id as JSON; download the capture from "
                     "/api/v1/simulations/{id}?format=pcap");
        return;
    }
    if (!http_require_json(req, res))
        return;
    json_t *root = parse_body(req, res);
    if (!root)
        return;
    char pcap_name[64] = "simulation";
    json_t *named = json_object_get(root, "scenario");
    if (json_is_string(named))
        snprintf(pcap_name, sizeof pcap_name, "%s", json_string_value(named));
    /* {"scenario": NAME} alone is exactly a built-in: its trace is already in the cache */
    const char *body;
    size_t len;
    json_t *only = json_object_get(root, "scenario");
    if (!save && !pcap && json_is_string(only) && json_object_size(root) == 1 && req->app &&
        cache_text(req->app->sim_cache, json_string_value(only), zh, &body, &len) == 0) {
        json_decref(root);
        http_static_body(res, 200, "application/json", body, len);
        return;
    }
    json_t *scenario = resolve(root, res);
    json_decref(root);
    if (!scenario)
        return;

    run_ctx *ctx = run_ctx_new();
    if (!ctx) {
        json_decref(scenario);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    int st = run_json(ctx, scenario, req->app ? req->app->metrics : NULL);
    json_decref(scenario);
    if (run_failed(res, st, ctx)) {
        run_ctx_free(ctx);
        return;
    }
    if (pcap) {
        api_capture_respond(req, res, &ctx->trace, &ctx->sc, pcap_name, NULL);
        run_ctx_free(ctx);
        return;
    }
    trace_writer w;
    trace_writer_init(&w);
    trace_writer_limit(&w, APP_SIM_MAX_TRACE_BYTES);
    if (!save) {
        trace_writer_trace_opts(&w, &ctx->trace, NULL, zh);
        run_ctx_free(ctx);
        respond_writer(res, 200, &w);
        return;
    }

    store *db = req->app ? req->app->store : NULL;
    if (!db) {
        run_ctx_free(ctx);
        http_problem(res, 503, NULL, "saving is unavailable: the server has no database");
        return;
    }
    /* the trace first: a scenario whose trace is over the limit is refused, not saved */
    trace_writer_trace_opts(&w, &ctx->trace, NULL, zh);
    size_t trace_len = 0;
    bool too_big = trace_writer_too_big(&w);
    char *trace_text = trace_writer_finish(&w, &trace_len);
    if (!trace_text) {
        run_ctx_free(ctx);
        if (too_big)
            problem_too_big(res);
        else
            http_problem(res, 500, NULL, "out of memory");
        return;
    }
    json_t *canonical = scenario_to_json(&ctx->sc);
    char *text = canonical ? json_dumps(canonical, JSON_COMPACT) : NULL;
    json_decref(canonical);
    char id[STORE_SIMULATION_ID_SIZE];
    bool have_text = text != NULL;
    bool anonymous = !saves_signed_in(req);
    int64_t now = (int64_t)time(NULL);
    if (have_text && anonymous && !anon_save_ok(req, res, db, text, now)) {
        free(text);
        free(trace_text);
        run_ctx_free(ctx);
        return;
    }
    store_status ss = !have_text  ? STORE_ERROR
                      : anonymous ? store_simulation_put_anonymous(db, text, APP_ANON_SAVES_MAX, id)
                                  : store_simulation_put(db, text, id);
    free(text);
    if (ss == STORE_CONFLICT) {
        free(trace_text);
        run_ctx_free(ctx);
        problem_limit(res, "/api/v1/openapi.json#anonymous-saves", "Saved simulations are full",
                      "max_anonymous_saves", APP_ANON_SAVES_MAX,
                      "the server holds as many saves without sign-in as it keeps "
                      "(max_anonymous_saves); sign in to save, or try again later");
        res->status = 507;
        return;
    }
    if (ss != STORE_OK) {
        free(trace_text);
        run_ctx_free(ctx);
        /* the store's own words go to the log, not to the client */
        if (have_text)
            fprintf(stderr, "tcplab: saving a simulation: %s\n", store_last_error());
        http_problem(res, 500, NULL,
                     have_text ? "could not save the simulation (a storage error; the server "
                                 "log has the details)"
                               : "could not save the simulation: out of memory");
        return;
    }
    char url[96], location[96];
    snprintf(url, sizeof url, "/playground?sim=%s", id);
    snprintf(location, sizeof location, "/api/v1/simulations/%s", id);
    /* {"id":ID,"url":URL,"trace":TRACE} */
    RAW(&w, "{\"id\":");
    trace_writer_string(&w, id);
    RAW(&w, ",\"url\":");
    trace_writer_string(&w, url);
    RAW(&w, ",\"trace\":");
    trace_writer_raw(&w, trace_text, trace_len);
    RAW(&w, "}");
    free(trace_text);
    run_ctx_free(ctx);
    respond_writer(res, 201, &w);
    if (res->status == 201)
        http_set_header(res, "Location", location);
}

/* ---- GET /api/v1/simulations/{id} ------------------------------------------------------------ */

void api_simulation_get(const http_request *req, http_response *res)
{
    int zh = lang_zh(req, res);
    if (zh < 0)
        return;
    int pcap = api_capture_wanted(req, res);
    if (pcap < 0)
        return;
    const char *id = req->param_count ? req->params[0] : "";
    store *db = req->app ? req->app->store : NULL;
    if (!db) {
        http_problem(res, 503, NULL, "saved simulations are unavailable: no database");
        return;
    }
    char *text = NULL;
    store_status ss = store_simulation_get(db, id, &text);
    if (ss == STORE_NOT_FOUND) {
        char detail[120];
        snprintf(detail, sizeof detail, "no saved simulation with id \"%.40s\"", id);
        http_problem(res, 404, NULL, detail);
        return;
    }
    if (ss != STORE_OK) {
        fprintf(stderr, "tcplab: reading simulation %.40s: %s\n", id, store_last_error());
        http_problem(res, 500, NULL,
                     "could not read the simulation (a storage error; the server log has the "
                     "details)");
        return;
    }
    json_t *scenario = json_loads(text, 0, NULL);
    free(text);
    run_ctx *ctx = scenario ? run_ctx_new() : NULL;
    if (!ctx) {
        json_decref(scenario);
        http_problem(res, 500, NULL, "the saved scenario could not be loaded");
        return;
    }
    int st = run_json(ctx, scenario, req->app->metrics);
    if (st == SIM_ERR_TOO_MANY_STEPS) { /* saved before the limit: a bound, as for POST */
        json_decref(scenario);
        run_failed(res, st, ctx);
        run_ctx_free(ctx);
        return;
    }
    if (st != 0) {
        /* a stored scenario this binary no longer accepts: the server's problem, not the
         * client's, so 500 whatever the reason */
        char detail[600];
        if (st < 0 && ctx->errs.count)
            snprintf(detail, sizeof detail, "saved simulation %.40s no longer validates: %s: %s",
                     id, ctx->errs.items[0].pointer, ctx->errs.items[0].detail);
        else
            snprintf(detail, sizeof detail, "saved simulation %.40s no longer runs: %s", id,
                     ctx->msg[0] ? ctx->msg : "out of memory");
        json_decref(scenario);
        run_ctx_free(ctx);
        http_problem(res, 500, NULL, detail);
        return;
    }
    if (pcap) { /* a saved simulation never changes */
        json_decref(scenario);
        api_capture_respond(req, res, &ctx->trace, &ctx->sc, id,
                            "public, max-age=86400, immutable");
        run_ctx_free(ctx);
        return;
    }
    /* {"id":ID,"scenario":SCENARIO,"trace":TRACE}; the scenario as jansson re-writes the
     * stored text (compact), as it did when it was a member of one json_pack'ed document */
    char *sc_text = json_dumps(scenario, JSON_COMPACT);
    json_decref(scenario);
    trace_writer w;
    trace_writer_init(&w);
    trace_writer_limit(&w, APP_SIM_MAX_TRACE_BYTES);
    if (!sc_text) {
        run_ctx_free(ctx);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    RAW(&w, "{\"id\":");
    trace_writer_string(&w, id);
    RAW(&w, ",\"scenario\":");
    trace_writer_raw(&w, sc_text, strlen(sc_text));
    RAW(&w, ",\"trace\":");
    trace_writer_trace_opts(&w, &ctx->trace, NULL, zh);
    RAW(&w, "}");
    free(sc_text);
    run_ctx_free(ctx);
    respond_writer(res, 200, &w);
    /* a saved simulation never changes */
    if (res->status == 200)
        http_set_header(res, "Cache-Control", "public, max-age=86400, immutable");
}

/* ---- the built-in cache and GET /api/v1/simulations?scenario=NAME ------------------------------
 */

/* One built-in's trace, and the prepared responses GET sends for it: 200 and 304, each
 * for the identity body and the gzip variant (compressed once here; ETag "…-gz"). */
typedef struct sim_cache_entry {
    const char *name; /* the catalog's static string */
    char *body;
    size_t len;
    char etag[24]; /* "\"<16 hex>\"" */
    char *gz;      /* NULL: not smaller than the body */
    size_t gz_len;
    char etag_gz[28];
    http_variants answers; /* all NULL in an entry built per request (not cached) */
} sim_cache_entry;

struct sim_cache {
    sim_cache_entry *entries;    /* one per built-in, in catalog order */
    sim_cache_entry *entries_zh; /* the same with "rule_zh" (?lang=zh-CN) */
    size_t count;
};

static const char CACHE_CONTROL[] = "public, max-age=3600";

static void entry_cleanup(sim_cache_entry *e)
{
    http_variants_cleanup(&e->answers);
    free(e->body);
    free(e->gz);
}

void api_sim_cache_free(sim_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++) {
        entry_cleanup(&c->entries[i]);
        entry_cleanup(&c->entries_zh[i]);
    }
    free(c->entries);
    free(c->entries_zh);
    free(c);
}

/* Runs built-in `e` into `out` (body + ETag; zh: the body with "rule_zh"). 0, or -1 with a
 * reason in err. */
static int cache_build(const catalog_entry *e, run_ctx *ctx, bool zh, sim_cache_entry *out,
                       char *err, size_t err_size)
{
    json_error_t jerr;
    json_t *scenario = json_loads(e->json, 0, &jerr);
    if (!scenario) {
        snprintf(err, err_size, "built-in scenario %s: line %d, column %d: %s", e->name, jerr.line,
                 jerr.column, jerr.text);
        return -1;
    }
    int st = run_json(ctx, scenario, NULL);
    json_decref(scenario);
    if (st != 0) {
        if (st < 0 && ctx->errs.count)
            snprintf(err, err_size, "built-in scenario %s: %s: %s", e->name,
                     ctx->errs.items[0].pointer, ctx->errs.items[0].detail);
        else
            snprintf(err, err_size, "built-in scenario %s does not run: %s", e->name, ctx->msg);
        return -1;
    }
    size_t len = 0;
    char *body = trace_writer_json_opts(&ctx->trace, NULL, zh, &len);
    if (!body) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    out->name = e->name;
    out->body = body;
    out->len = len;
    snprintf(out->etag, sizeof out->etag, "\"%016llx\"",
             (unsigned long long)fnv1a64(body, out->len));
    return 0;
}

/* The gzip variant and the four prepared responses of a built entry. 0, or -1. */
static int cache_prepare(sim_cache_entry *e)
{
    if (gzip_compress(e->body, e->len, GZIP_LEVEL_STATIC, &e->gz, &e->gz_len) != 0)
        return -1;
    if (e->gz_len >= e->len) {
        free(e->gz);
        e->gz = NULL;
    } else if (gzip_etag(e->etag, e->etag_gz, sizeof e->etag_gz) != 0) {
        return -1;
    }
    return http_variants_init(&e->answers, "application/json", CACHE_CONTROL, e->body, e->len,
                              e->etag, e->gz, e->gz_len, e->etag_gz);
}

sim_cache *api_sim_cache_new(char *err, size_t err_size)
{
    sim_cache *c = calloc(1, sizeof *c);
    size_t n = catalog_count();
    run_ctx *ctx = run_ctx_new();
    if (!c || !ctx || !(c->entries = calloc(n ? n : 1, sizeof *c->entries)) ||
        !(c->entries_zh = calloc(n ? n : 1, sizeof *c->entries_zh))) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    c->count = n; /* entries not built yet are all zero: api_sim_cache_free copes */
    for (size_t i = 0; i < n; i++) {
        for (int zh = 0; zh < 2; zh++) {
            sim_cache_entry *e = zh ? &c->entries_zh[i] : &c->entries[i];
            if (cache_build(catalog_at(i), ctx, zh, e, err, err_size))
                goto fail;
            if (cache_prepare(e)) {
                snprintf(err, err_size, "out of memory");
                goto fail;
            }
        }
    }
    run_ctx_free(ctx);
    return c;
fail:
    run_ctx_free(ctx);
    api_sim_cache_free(c);
    return NULL;
}

static const sim_cache_entry *cache_find(const sim_cache *c, const char *name, bool zh)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->entries[i].name, name) == 0)
            return zh ? &c->entries_zh[i] : &c->entries[i];
    return NULL;
}

static int cache_text(const sim_cache *c, const char *name, bool zh, const char **body, size_t *len)
{
    const sim_cache_entry *e = cache_find(c, name, zh);
    if (!e)
        return -1;
    *body = e->body;
    *len = e->len;
    return 0;
}

/* GET ?scenario=NAME&format=pcap: the built-in run now (a few dozen segments) and answered
 * as a capture. */
static void builtin_capture(const http_request *req, http_response *res, const char *name)
{
    const catalog_entry *ce = catalog_find(name);
    if (!ce) {
        api_no_such_scenario(res, name);
        return;
    }
    json_t *scenario = json_loads(ce->json, 0, NULL);
    run_ctx *ctx = scenario ? run_ctx_new() : NULL;
    int st = ctx ? run_json(ctx, scenario, req->app ? req->app->metrics : NULL) : SIM_ERR_NOMEM;
    json_decref(scenario);
    if (!run_failed(res, st, ctx))
        api_capture_respond(req, res, &ctx->trace, &ctx->sc, ce->name, CACHE_CONTROL);
    run_ctx_free(ctx);
}

void api_simulations_get(const http_request *req, http_response *res)
{
    int zh = lang_zh(req, res);
    if (zh < 0)
        return;
    int pcap = api_capture_wanted(req, res);
    if (pcap < 0)
        return;
    const char *name = http_query(req, "scenario");
    if (!name || !name[0]) {
        http_problem(res, 400, NULL,
                     "query parameter scenario=NAME is required (see GET /api/v1/scenarios); "
                     "to run your own scenario, POST it to /api/v1/simulations");
        return;
    }
    if (pcap) {
        builtin_capture(req, res, name);
        return;
    }
    const sim_cache *cache = req->app ? req->app->sim_cache : NULL;
    const sim_cache_entry *e = cache_find(cache, name, zh);
    sim_cache_entry fresh = {0};
    const catalog_entry *ce = cache ? NULL : catalog_find(name);
    if (ce) {
        /* no cache was built (a handler called without a server): compute now */
        run_ctx *ctx = run_ctx_new();
        char err[300] = "out of memory";
        int rc = ctx ? cache_build(ce, ctx, zh, &fresh, err, sizeof err) : -1;
        run_ctx_free(ctx);
        if (rc) {
            http_problem(res, 500, NULL, err);
            return;
        }
        e = &fresh;
    }
    if (!e) {
        api_no_such_scenario(res, name);
        return;
    }
    if (e->answers.ok) {
        http_variants_send(req, res, &e->answers);
        return;
    }
    /* the uncached path (no gzip variant prepared): the server codes the body per request */
    if (http_etag_listed(http_header(req, "If-None-Match"), e->etag))
        http_static_body(res, 304, "application/json", "", 0);
    else
        http_text(res, 200, "application/json", e->body, e->len);
    http_set_header(res, "ETag", e->etag);
    http_set_header(res, "Cache-Control", CACHE_CONTROL);
    free(fresh.body);
}
