/*
 * api_quiz.h — the quiz API: variants of a question and graded submissions.
 *
 *   POST /api/v1/questions/{id}/variants       body optional {"seed": n}
 *        → 201 {"variant_id": "v<seed>-<id>", "params": {...}, "prompt": "...", "type": "..."}
 *   POST /api/v1/variants/{id}/submissions     body = the answer payload of quiz.md
 *        → 200 {gradable, score, points, max_points, feedback, feedback_detail, explanation,
 *               hint, format_errors, parts, choice_marks?, answer_available?}
 *   POST /api/v1/variants/{id}/answer          body empty or {}
 *        → 200 {"variant_id", "explanation", "answer", "mode", "next_variant"?}; records
 *          nothing; 403 for an exam question
 * Errors (application/problem+json): 404 unknown question/variant, 400 malformed JSON,
 * 415 non-JSON body, 422 an unparseable variant id or a bad variants body.
 *
 * Owns: those three handlers. Does not: store attempts (stateless: the seed is in the
 * variant id) or know the question format (quiz.h).
 */
#ifndef TCPLAB_LESSONS_API_QUIZ_H
#define TCPLAB_LESSONS_API_QUIZ_H

#include "../http/http.h"

/* Largest seed accepted in a request body (2^53 - 1: exact in JavaScript). */
#define API_QUIZ_MAX_SEED 9007199254740991ULL

void api_quiz_variant_post(const http_request *req, http_response *res);
void api_quiz_submission_post(const http_request *req, http_response *res);
void api_quiz_answer_post(const http_request *req, http_response *res);

#endif
