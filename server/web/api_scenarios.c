/*
 * api_scenarios.c — GET /api/v1/scenarios and GET /api/v1/scenarios/{name}: the built-in
 * catalog (server/scenario/catalog.h) as JSON.
 *
 * Owns: the list shape [{name, title, summary}] and the single shape {name, title, summary,
 * scenario}; the optional ?lang=en|zh-CN choosing the language of title and summary (English
 * when absent; the scenario JSON itself is never translated). Does not: run anything
 * (api_simulations.c) or validate the built-ins (the catalog's own tests and api_sim_cache_new at
 * start do).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../scenario/catalog.h"
#include "api.h"

void api_no_such_scenario(http_response *res, const char *name)
{
    char detail[200];
    snprintf(detail, sizeof detail,
             "no built-in scenario named \"%.100s\" (see GET /api/v1/scenarios)", name);
    http_problem(res, 404, NULL, detail);
}

const char *api_lang_param(const http_request *req, http_response *res)
{
    const char *lang = http_query(req, "lang");
    if (!lang || !*lang || !strcmp(lang, "en"))
        return "en";
    if (!strcmp(lang, "zh-CN"))
        return "zh-CN";
    http_problem(res, 400, NULL, "query parameter lang must be en or zh-CN");
    return NULL;
}

void api_scenarios_list(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    if (!lang)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        json_t *o = json_pack("{s:s, s:s, s:s}", "name", e->name, "title", catalog_title(e, lang),
                              "summary", catalog_summary(e, lang));
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!arr) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    http_json_steal(res, 200, arr);
    http_set_header(res, "Cache-Control", "public, max-age=3600");
}

void api_scenario_get(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    if (!lang)
        return;
    const char *name = req->param_count ? req->params[0] : "";
    const catalog_entry *e = catalog_find(name);
    if (!e) {
        api_no_such_scenario(res, name);
        return;
    }
    json_error_t jerr;
    json_t *scenario = json_loads(e->json, 0, &jerr);
    if (!scenario) {
        char detail[300];
        snprintf(detail, sizeof detail, "built-in %s is not valid JSON: line %d, column %d: %s",
                 e->name, jerr.line, jerr.column, jerr.text);
        http_problem(res, 500, NULL, detail);
        return;
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:o}", "name", e->name, "title", catalog_title(e, lang),
                  "summary", catalog_summary(e, lang), "scenario", scenario);
    if (!doc) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    http_json_steal(res, 200, doc);
    http_set_header(res, "Cache-Control", "public, max-age=3600");
}
