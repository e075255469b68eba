/*
 * grading_util.h — small request/answer helpers the grading handlers share
 * (api_grading.c, api_exports.c, and the quiz endpoints of server/web/api_quiz.c).
 *
 * Owns: parsing a numeric {id} path parameter, the 503 answer for a failed store call,
 * and the Idempotency-Key rules every recording endpoint follows: the header's syntax, and
 * looking a key up (same request → the stored submission to replay; a different request →
 * 422 "Idempotency-Key reused").
 * Does not: check roles (auth.h), write to the store, or build any other answer.
 */
#ifndef TCPLAB_GRADING_UTIL_H
#define TCPLAB_GRADING_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "../http/http.h"
#include "../store/store_grading.h"

/* The first path parameter of `req` as a positive decimal id (1..18 digits, nothing else).
 * True with *id set; false when it is missing or malformed (*id may then be unchanged). */
bool grading_util_id_param(const http_request *req, int64_t *id);

/* Answers 503 "the `what` store is unavailable" (what: "challenge", "grade", ...). */
void grading_util_store_failed(http_response *res, const char *what);

/* The request's Idempotency-Key: true with *key set (NULL: no header); false, with a 400
 * problem in res, when it is not 1-255 visible ASCII characters. */
bool grading_util_idempotency_key(const http_request *req, http_response *res, const char **key);

typedef enum grading_key_lookup {
    GRADING_KEY_UNUSED,  /* no submission has (actor, key): go on and record */
    GRADING_KEY_REPLAY,  /* the same request was recorded: *out filled (cleanup it), replay */
    GRADING_KEY_DECIDED, /* res is filled: 422 (key used for another request) or 503 */
} grading_key_lookup;

/* Looks (actor, key) up. `hash` identifies the request (the recorded request_hash). */
grading_key_lookup grading_util_key_lookup(store *st, const char *actor, const char *key,
                                           const char *hash, http_response *res,
                                           store_submission *out);

/* Marks res as the replay of a recorded answer (Idempotent-Replayed: true). */
void grading_util_mark_replayed(http_response *res);

#endif
