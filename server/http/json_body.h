/*
 * json_body.h — the JSON body of a request, parsed once the same way by every handler.
 *
 * Owns: decoding http_request.body with jansson (duplicate object keys always rejected) and
 * the 400 "Malformed JSON" problem naming line and column (http_problem_malformed_json).
 * Does not: check the document's shape (each handler knows what it expects), or answer an
 * empty body differently from any other malformed one.
 */
#ifndef TCPLAB_HTTP_JSON_BODY_H
#define TCPLAB_HTTP_JSON_BODY_H

#include <jansson.h>
#include <stddef.h>

#include "http.h"

/* The body of `req` as a JSON document: a new reference, decoded with JSON_REJECT_DUPLICATES
 * plus `flags` (e.g. JSON_DECODE_ANY to accept any value, not only an object or array).
 * NULL when the body is not JSON; then *err (when err is not NULL) holds jansson's error and,
 * when res is not NULL, res is the 400 problem of http_problem_malformed_json with `type`
 * (NULL: about:blank). With res NULL nothing is answered: the caller decides from *err. */
json_t *http_json_body(const http_request *req, http_response *res, size_t flags, const char *type,
                       json_error_t *err);

#endif
