/*
 * grading.h — the HTTP face of grading: accounts, trace checking, challenges, submissions
 * and grade exports. Routes are rows of server/web/routes.c; documented in
 * static/openapi.json.
 *
 * Owns: the handlers below (api_accounts.c, api_grading.c, api_exports.c) and
 * grading_record_quiz_attempt for the quiz endpoints.
 * Does not: decide who is asking (auth.h), grade by itself (check.h), or run SQL
 * (store_accounts.h, store_grading.h).
 *
 * Roles per endpoint (a failing role check is 403; no credentials is 401):
 *   login, logout, me, grade/trace ........................ anyone
 *   challenges GET, challenge submissions POST ............ signed in (any role)
 *   challenges POST, statistics ........................... instructor, admin
 *   gradebook, submissions/{id}[/gradescope|/lti] ......... instructor, admin, grader
 *                                                          (a student: own submissions)
 * Submissions by a grader or instructor may name the student graded: "user": NAME.
 * `Idempotency-Key` (1..255 visible ASCII) on a POST that stores a submission: a retry
 * with the same key and body returns the stored answer (header Idempotent-Replayed: true);
 * the same key with another body is a 422.
 */
#ifndef TCPLAB_GRADING_H
#define TCPLAB_GRADING_H

#include <jansson.h>
#include <stdint.h>

#include "../grading/auth.h"
#include "../http/http.h"

struct store;

/* POST /api/v1/login {name, password} → 200 {name, role, csrf_token} + session cookie;
 * 401 "invalid name or password" for an unknown user and a wrong password alike (same
 * work: a dummy hash is verified); 429 + Retry-After after GRADING_LOGIN_MAX_FAILURES. */
void grading_login(const http_request *req, http_response *res);
/* Starts a session for `u` (already authenticated by the caller): 200 {name, role,
 * csrf_token, ...the members of `extra` (stolen; may be NULL)} with the session and CSRF
 * cookies (Secure when `secure`), or 503. */
struct store_user;
void grading_session_start(http_response *res, struct store *st, bool secure,
                           const struct store_user *u, int64_t now, json_t *extra);

/* POST /api/v1/logout → 204; deletes the session server-side and clears the cookies. */
void grading_logout(const http_request *req, http_response *res);
/* GET /api/v1/me → {authenticated, name, role, csrf_token (cookie auth only)} */
void grading_me(const http_request *req, http_response *res);

/* POST /api/v1/grade/trace {scenario: NAME | {...}, steps: [...ladder...], user?} → 200
 * {scenario, score, points, max_points, lines, feedback, submission_id}; stored when the
 * sender is signed in. */
void grading_trace(const http_request *req, http_response *res);

/* POST /api/v1/challenges {title, scenario: NAME | {...}, goal, points?} → 201 {id, ...} */
void grading_challenge_create(const http_request *req, http_response *res);
/* GET /api/v1/challenges → [{id, title, points, goal}] */
void grading_challenge_list(const http_request *req, http_response *res);
/* GET /api/v1/challenges/{id} → {id, title, points, scenario, goal} */
void grading_challenge_get(const http_request *req, http_response *res);
/* POST /api/v1/challenges/{id}/submissions {events: [...], user?} → 201 {id, passed,
 * score, points, max_points, failed_step, reason, step?}. The events replace the
 * challenge scenario's events; the engine replays them. */
void grading_challenge_submit(const http_request *req, http_response *res);

/* GET /api/v1/submissions/{id} → the stored submission */
void grading_submission_get(const http_request *req, http_response *res);
/* GET /api/v1/submissions/{id}/gradescope → Gradescope results.json */
void grading_submission_gradescope(const http_request *req, http_response *res);
/* GET /api/v1/submissions/{id}/lti → LTI AGS score object */
void grading_submission_lti(const http_request *req, http_response *res);
/* GET /api/v1/gradebook[?format=csv][&section=S] → JSON, or CSV in Canvas's import layout
 * (gradebook.h says which rows and columns) */
void grading_gradebook(const http_request *req, http_response *res);
/* GET /api/v1/statistics[?section=S] → per question/challenge: attempts, mean score, how
 * many students tried it and how many got it fully right (missed_by: the rest), common
 * wrong answers */
void grading_statistics(const http_request *req, http_response *res);

/* The ?section= of a class read (api_exports.c, api_class.c): *section NULL when absent;
 * false with a 400 in res when it is 64 bytes or longer. */
bool grading_section_param(const http_request *req, http_response *res, const char **section);
/* The start of a class read: guard_require(req, res, p, allowed), then
 * grading_section_param. false when `res` already holds the answer (401/403/503 of the guard,
 * 400 of the section). */
bool grading_class_read(const http_request *req, http_response *res, grading_principal *p,
                        unsigned allowed, const char **section);

/* The optional "slug" (default "preview") and "locale" (default "en") members of a preview
 * body (POST /api/v1/render, /api/v1/builder/question; api_render.c), read into *slug and
 * *locale (either NULL when not a string). NULL when both are usable, else the problem's
 * detail with *ptr its JSON pointer. */
const char *grading_preview_names(const json_t *body, const char **slug, const char **locale,
                                  const char **ptr);

/* POST /api/v1/render {text, slug?, locale?} (instructor, admin) → 200 {valid, problems,
 * title, summary, html}: the lesson as students will see it, checked like `tcplab check`
 * (api_render.c). 422 when the lesson cannot be used at all. */
void grading_render(const http_request *req, http_response *res);

/* For the quiz endpoints: records a graded answer of `p` (already authenticated by the
 * caller's guard_require) durably in `st`, kind "quiz", ref `question_id`. `answer` and `result`
 * are borrowed; `hash` (GRADING_DIGEST_SIZE hex) identifies the request, `key` (NULL: none) is its
 * Idempotency-Key. Returns the submission id (> 0), 0 when not recorded (anonymous
 * sender or no user behind it), -1 on a store error, -2 when (sender, key) was recorded
 * meanwhile (look it up with grading_util_key_lookup). Thread-safe. */
int64_t grading_record_quiz_attempt(struct store *st, const grading_principal *p,
                                    const char *question_id, const json_t *answer,
                                    const json_t *result, double score, const char *key,
                                    const char *hash);

#endif
