/*
 * api_progress.h — a signed-in student's own quiz progress.
 *
 *   GET /api/v1/progress           → 200 {user, lessons: [{slug, title, locale, mode,
 *        question_count, answered, solved, attempts, score, last_at}], question_count,
 *        answered, solved, attempts}
 *   GET /api/v1/progress/{slug}    → 200 {user, slug, title, locale, mode, question_count,
 *        answered, solved, attempts, score, questions: [{id, type, attempts, best_score,
 *        solved, latest: {variant_id, answer, result, score, at} | null}]}
 * Who: a user (a session, or a student token that acts as a user); anonymous → 401, a
 * token that acts as no user → 403. Titles in the negotiated language (?lang, the lang
 * cookie, Accept-Language), as the pages. Never cached (Cache-Control: no-store).
 * A question is answered with at least one stored attempt and solved when one of them
 * scored 1; `score` is the mean of the best scores over the lesson's questions (0..1).
 *
 * Owns: both handlers and the overview they share with the /progress page.
 * Does not: store anything (attempts are recorded by api_quiz.c), or render HTML.
 */
#ifndef TCPLAB_WEB_API_PROGRESS_H
#define TCPLAB_WEB_API_PROGRESS_H

#include <jansson.h>
#include <stdbool.h>

#include "../grading/auth.h"
#include "../http/http.h"

void api_progress_list(const http_request *req, http_response *res);
void api_progress_lesson(const http_request *req, http_response *res);

/* The body of GET /api/v1/progress for the user `p` (p->name non-empty) in `locale`;
 * `questions`: each lesson also lists its questions as {id, type, attempts, best_score,
 * solved}. NULL when the store fails or memory runs out (the reason is on stderr). */
json_t *api_progress_overview(const http_request *req, const grading_principal *p,
                              const char *locale, bool questions);

#endif
