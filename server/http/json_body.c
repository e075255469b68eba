/*
 * json_body.c — see json_body.h: one jansson decode of a request body and its 400 answer.
 * Stateless.
 */
#include "json_body.h"

json_t *http_json_body(const http_request *req, http_response *res, size_t flags, const char *type,
                       json_error_t *err)
{
    json_error_t local = {0};
    json_error_t *e = err ? err : &local;
    json_t *root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | flags, e);
    if (!root && res)
        http_problem_malformed_json(res, e, type);
    return root;
}
