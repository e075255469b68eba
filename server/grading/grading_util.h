/*
 * grading_util.h — small request/answer helpers the grading handlers share
 * (api_grading.c, api_exports.c).
 *
 * Owns: parsing a numeric {id} path parameter and the 503 answer for a failed store call.
 * Does not: check roles (auth.h), touch the store, or build any other answer.
 */
#ifndef TCPLAB_GRADING_UTIL_H
#define TCPLAB_GRADING_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "../http/http.h"

/* The first path parameter of `req` as a positive decimal id (1..18 digits, nothing else).
 * True with *id set; false when it is missing or malformed (*id may then be unchanged). */
bool grading_util_id_param(const http_request *req, int64_t *id);

/* Answers 503 "the `what` store is unavailable" (what: "challenge", "grade", ...). */
void grading_util_store_failed(http_response *res, const char *what);

#endif
