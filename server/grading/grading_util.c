/*
 * grading_util.c — see grading_util.h: the {id} path parameter and the store-failure answer
 * shared by the grading handlers. Stateless; no store access.
 */
#include "grading_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool grading_util_id_param(const http_request *req, int64_t *id)
{
    const char *s = req->param_count ? req->params[0] : NULL;
    if (!s || !*s || strlen(s) > 18)
        return false;
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9')
            return false;
    *id = strtoll(s, NULL, 10);
    return *id > 0;
}

void grading_util_store_failed(http_response *res, const char *what)
{
    char detail[96];
    snprintf(detail, sizeof detail, "the %s store is unavailable", what);
    http_problem(res, 503, NULL, detail);
}
