/*
 * api_openapi.c — GET /api/v1/openapi.json: the OpenAPI 3.1 document of the whole HTTP
 * interface.
 *
 * Owns: serving it. The document's one source is static/openapi.json (hand-written JSON,
 * JSON Schema 2020-12 inside); it reaches memory with the rest of --static at start
 * (static_files.c) and is served from there without a copy, with its ETag.
 * Rule for everyone adding a route to routes.c: add its path and method to
 * static/openapi.json in the same commit; tests/api/openapi.test.mjs compares the two.
 * Does not: generate the document from code.
 */
#include "../app.h"
#include "api.h"
#include "../http/static_files.h"

void api_openapi(const http_request *req, http_response *res)
{
    const static_file *f = req->app && req->app->static_files
                               ? static_files_find(req->app->static_files, "openapi.json")
                               : NULL;
    if (!f) {
        http_problem(res, 500, NULL, "openapi.json is missing from the static folder (--static)");
        return;
    }
    static_files_send(req, res, f);
}
