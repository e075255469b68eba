/*
 * api_class.h — the class: the roster (import, list, remove, reset), one-time sign-in links,
 * each student's progress per lesson and attempt history. Routes are rows of routes.c;
 * documented in static/openapi.json.
 *
 * Roles: every endpoint here is for instructors and admins (401 signed out, 403 others),
 * except POST /api/v1/signin (anyone holding a link) and POST /api/v1/me/password (any
 * signed-in user, by session cookie).
 * Every class read takes ?section=NAME (""): only that section's students.
 */
#ifndef TCPLAB_WEB_API_CLASS_H
#define TCPLAB_WEB_API_CLASS_H

#include "../http/http.h"

/* How long a sign-in link from an import or a reset stays valid. */
#define API_CLASS_LINK_SECONDS (14 * 24 * 3600)

/* POST /api/v1/roster/import[?dry_run=1] — body text/csv (roster.h: header row; name,
 * login, email, section) or JSON {"students": [{login, name?, email?, section?}]}.
 * 200 {dry_run, created, updated, unchanged, students: [{line, login, name, email, section,
 * action, signin_url?}]} — signin_url ("/signin#TOKEN") only for created students of a real
 * import, shown this once. Errors change nothing: 422 {errors: [{line, column, detail}
 * (CSV) or {pointer, detail} (JSON)], error_count}; 409 the same when a login belongs to
 * an instructor or admin; 413 over ROSTER_MAX_BYTES or ROSTER_MAX_ROWS; 415 another type. */
void api_roster_import(const http_request *req, http_response *res);
/* GET /api/v1/roster[?section=] → {sections: [{name, students}], students: [{login, name,
 * email, section, id, has_password, link_pending}]} */
void api_roster_list(const http_request *req, http_response *res);
/* DELETE /api/v1/roster/{login} → 204; 404 when no student has that login. */
void api_roster_remove(const http_request *req, http_response *res);
/* POST /api/v1/roster/{login}/reset → 200 {login, signin_url, expires_at}: the password is
 * cleared, sessions end, earlier links stop working. 404 when no student. */
void api_roster_reset(const http_request *req, http_response *res);

/* GET /api/v1/class[?section=] → {section, sections, lessons: [{slug, title, questions}],
 * students: [{login, name, section, id, progress: {SLUG: {attempted, right, score}}}]}:
 * per lesson, how many of its questions the student tried, got fully right, and the sum
 * of best scores — the gradebook's numbers (gradebook.h), grouped by lesson. */
void api_class_overview(const http_request *req, http_response *res);
/* GET /api/v1/class/students/{login}/attempts → {login, name, section, attempts: [{id,
 * kind, ref, score, status, created_at, answer}]}, newest first, at most 500. 404 unknown. */
void api_class_attempts(const http_request *req, http_response *res);

/* POST /api/v1/signin {token} → 200 {name, role, csrf_token, set_password: true} and a
 * session; the link is used up. 401 for an unknown, used or expired link. */
void api_signin(const http_request *req, http_response *res);
/* POST /api/v1/me/password {password} (8..1024 bytes) → 204. Session cookie only. */
void api_me_password(const http_request *req, http_response *res);

#endif
