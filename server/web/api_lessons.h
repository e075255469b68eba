/*
 * api_lessons.h — the authoring API: lessons in the database with
 * revisions. Every route is instructor/admin only (guard_require, GRADING_STAFF; CSRF for
 * cookie-authenticated unsafe methods); rows in routes.c; documented in static/openapi.json.
 *
 * A lesson is (slug, locale); `locale` is the query argument ?locale=en|zh-CN (default
 * en) on every per-lesson route. Its ETag is "r<revision id>" (strong, quoted). Texts
 * are whole lesson files (front matter + Markdown), kept byte-exact. A text is saved only
 * if `tcplab check` would accept it (links resolved against the current lessons and
 * static/, quiz questions run through the engine); otherwise 422 with
 * problems [{file, line, detail: "FILE:LINE: message"}].
 *
 *   GET    /api/v1/lessons                                 list (with etag per lesson)
 *   POST   /api/v1/lessons {slug, locale?, text}            201; 409 if it exists
 *   GET    /api/v1/lessons/{slug}                           text + ETag
 *   PUT    /api/v1/lessons/{slug} {text, note?}             If-Match required: 428 if
 *                                                           missing, 412 {etag, revision,
 *                                                           text} if stale; `note` (up to
 *                                                           500 bytes) is kept with the
 *                                                           revision
 *   POST   /api/v1/lessons/{slug}/check {text}              200 {valid, problems, warnings}:
 *                                                           what a save of `text` would
 *                                                           refuse (problems) and warn
 *                                                           about (warnings); saves nothing
 *   DELETE /api/v1/lessons/{slug}                           soft; If-Match optional
 *   GET    /api/v1/lessons/{slug}/revisions                 newest first
 *   GET    /api/v1/lessons/{slug}/revisions/{rev}           that revision's text
 *   POST   /api/v1/lessons/{slug}/revisions/{rev}/restore   new revision with that text
 * After every successful save the served lesson set is rebuilt from the database
 * (lessons_db_refresh), so /lessons pages and quizzes show the change at once.
 */
#ifndef TCPLAB_GRADING_API_LESSONS_H
#define TCPLAB_GRADING_API_LESSONS_H

#include "../http/http.h"

void api_lessons_list(const http_request *req, http_response *res);
void api_lessons_create(const http_request *req, http_response *res);
void api_lesson_get(const http_request *req, http_response *res);
void api_lesson_put(const http_request *req, http_response *res);
void api_lesson_delete(const http_request *req, http_response *res);
void api_lesson_revisions(const http_request *req, http_response *res);
void api_lesson_revision_get(const http_request *req, http_response *res);
void api_lesson_restore(const http_request *req, http_response *res);
void api_lesson_check(const http_request *req, http_response *res);

#endif
