/*
 * api.h — the engine REST API under /api/v1: handlers and the trace cache.
 *
 * Owns: the handlers of api_scenarios.c (the built-in catalog), api_simulations.c (running,
 * saving and replaying simulations; the cache of built-in traces), api_states.c (RFC 9293
 * Figure 5 as data) and api_openapi.c (the OpenAPI document). The routes are rows of
 * routes.c; the OpenAPI source is static/openapi.json (one JSON file: whoever adds an
 * endpoint documents it there — tests/api/openapi.test.mjs fails otherwise).
 * Does not: talk to libmicrohttpd, parse scenarios itself (server/scenario/), or run SQL
 * (server/store/).
 */
#ifndef TCPLAB_API_H
#define TCPLAB_API_H

#include <stddef.h>

#include "../http/http.h"

/* ---- the built-in trace cache (app->sim_cache) ---------------------------------------- */

typedef struct sim_cache sim_cache;

/* Runs every built-in scenario of the catalog once and keeps its trace JSON text and
 * strong ETag. Immutable afterwards: lookups take no lock and are safe from any thread.
 * Returns NULL with a one-line reason in err (a built-in that fails to parse or run, out
 * of memory). Call before the server starts; free after it has stopped. */
sim_cache *api_sim_cache_new(char *err, size_t err_size);
void api_sim_cache_free(sim_cache *c); /* NULL is a no-op */

/* The ?lang= of an API request: "en" (also when absent or empty) or "zh-CN". Any other
 * value answers 400 naming the parameter (in res) and returns NULL. */
const char *api_lang_param(const http_request *req, http_response *res);

/* The 404 for a built-in scenario `name` that does not exist. */
void api_no_such_scenario(http_response *res, const char *name);

/* ---- handlers ---------------------------------------------------------------------------- */

/* GET /api/v1/scenarios → [{"name","title","summary"}]; ?lang=zh-CN gives title and summary
 * in Simplified Chinese (the same for /{name}); lang other than en or zh-CN is a 400. */
void api_scenarios_list(const http_request *req, http_response *res);
/* GET /api/v1/scenarios/{name} → {"name","title","summary","scenario"}; 404 if unknown */
void api_scenario_get(const http_request *req, http_response *res);

/* POST /api/v1/simulations[?save=true] — body: a scenario, or {"scenario": NAME, ...
 * top-level overrides}. 200 trace; with save=true 201 {"id","url","trace"} + Location.
 * 400 malformed JSON (line/column), 415 not JSON, 422 invalid scenario (errors[] with
 * JSON pointers) or engine bound, 503 when the store is unavailable for save. */
void api_simulations_post(const http_request *req, http_response *res);
/* GET /api/v1/simulations?scenario=NAME → the built-in's trace from the cache, strong
 * ETag, Cache-Control public max-age=3600, If-None-Match → 304. 400 without ?scenario,
 * 404 unknown name. */
void api_simulations_get(const http_request *req, http_response *res);
/* GET /api/v1/simulations/{id} → {"id","scenario","trace"}; 404 unknown id. */
void api_simulation_get(const http_request *req, http_response *res);

/* GET /api/v1/states → {"states":[{name,description}], "edges":[{from,to,event,action}],
 * "note_edges":[...]} */
void api_states(const http_request *req, http_response *res);

/* GET /api/v1/openapi.json → static/openapi.json (from the in-memory static set). */
void api_openapi(const http_request *req, http_response *res);

#endif
