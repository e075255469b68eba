/*
 * quiz_modes.h — the exam side of quiz modes: a student's one
 * variant per exam question, and exam attempts with a limit and decreasing points.
 *
 * Owns: the exam seed, a keyed BLAKE2b of (user, question id) under the server secret
 * "quiz-exam-seed" (migration 5), and turning a graded result into an exam attempt:
 * points = max_points × max(0, 1 − decay × (attempt − 1)) × score, plus the members
 * `mode`, `attempt`, `attempts_left`, all decided inside the store's writer transaction
 * (store_quiz.h) so parallel submissions cannot exceed the limit. It lives in web/ because
 * it joins grading to the store; its names keep the grading_ prefix of the rules they apply.
 * Does not: grade (quiz.h), know lessons or front matter (api_quiz.c passes the limits),
 * or write HTTP responses.
 */
#ifndef TCPLAB_WEB_QUIZ_MODES_H
#define TCPLAB_WEB_QUIZ_MODES_H

#include <jansson.h>
#include <stdint.h>

#include "../grading/auth.h"

struct store;

/* Who takes the exam: "u<user id>" for a session user, else the principal's actor. */
void quiz_modes_taker(const grading_principal *p, char *out, size_t out_size);

/* The exam seed of (taker, question id) in 0..2^53-1. 0, or -1 (store/crypto failure). */
int quiz_modes_seed(struct store *s, const char *taker, const char *question_id, uint64_t *seed);

/* Attempts `p` has used on the question (stored quiz rows). -1 on a store failure. */
int quiz_modes_attempts_used(struct store *s, const grading_principal *p, const char *question_id);

typedef enum quiz_modes_status {
    QUIZ_MODES_RECORDED = 0, /* stored; `result` updated */
    QUIZ_MODES_NO_ATTEMPTS,  /* the limit was reached: nothing stored, result unchanged */
    QUIZ_MODES_ERROR         /* nothing stored */
} quiz_modes_status;

/* Records the graded `result` (gradable) of `answer` as p's next exam attempt. On
 * QUIZ_MODES_RECORDED `result` has points scaled by the decay and the members mode
 * "exam", attempt, attempts_left; *attempt_out is the attempt number. `p` must be signed
 * in (p->name non-empty). `hash` identifies the request and `key` (NULL: none) is its
 * Idempotency-Key, recorded with the attempt; when (actor, key) was recorded meanwhile the
 * answer is QUIZ_MODES_NO_ATTEMPTS too (the caller looks the key up again). */
quiz_modes_status quiz_modes_record_attempt(struct store *s, const grading_principal *p,
                                            const char *question_id, const json_t *answer,
                                            json_t *result, int max_attempts, double decay,
                                            const char *key, const char *hash, int *attempt_out);

#endif
