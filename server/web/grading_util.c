/*
 * grading_util.c — see grading_util.h: the {id} path parameter, the store-failure answer
 * and the Idempotency-Key rules shared by the grading and quiz handlers. Stateless; reads
 * the store only to look a key up.
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

bool grading_util_idempotency_key(const http_request *req, http_response *res, const char **key)
{
    const char *k = http_header(req, "Idempotency-Key");
    *key = k;
    if (!k)
        return true;
    size_t n = strlen(k);
    bool ok = n >= 1 && n <= 255;
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] >= 0x21 && k[i] <= 0x7e;
    if (!ok)
        http_problem(res, 400, NULL, "Idempotency-Key must be 1-255 visible ASCII characters");
    return ok;
}

grading_key_lookup grading_util_key_lookup(store *st, const char *actor, const char *key,
                                           const char *hash, http_response *res,
                                           store_submission *out)
{
    store_status rc = store_submission_find_key(st, actor, key, out);
    if (rc == STORE_NOT_FOUND)
        return GRADING_KEY_UNUSED;
    if (rc != STORE_OK) {
        grading_util_store_failed(res, "submission");
        return GRADING_KEY_DECIDED;
    }
    if (strcmp(out->request_hash, hash) != 0) {
        store_submission_cleanup(out);
        http_problem(res, 422, "Idempotency-Key reused",
                     "this Idempotency-Key was used for a different request");
        return GRADING_KEY_DECIDED;
    }
    return GRADING_KEY_REPLAY;
}

void grading_util_mark_replayed(http_response *res)
{
    http_set_header(res, "Idempotent-Replayed", "true");
}
