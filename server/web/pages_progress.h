/*
 * pages_progress.h — a student's progress in the pages: the Sign in / Sign out place in
 * every page's header, and the "My progress" page, GET /progress.
 *
 * Owns: the header's account block (a plain "Sign in" link to /login?next=<this page>,
 * which static/js/progress.js turns into "My progress" and "Sign out" for a signed-in
 * visitor, with the localised texts it needs in data-msg-* attributes), and the /progress
 * page: every lesson with questions solved of total, score, attempts, last answer and a
 * per-question list, en and zh-CN (anonymous → 303 to /login?next=/progress). Never cached.
 * Does not: sign in or out (login.js, progress.js and the accounts API), read attempts
 * itself (api_progress.h), or restore answers in a lesson (progress.js with quiz.js).
 * Class names beyond dom.md: tl-account tl-signin tl-progress tl-progress-* tl-lesson-progress.
 */
#ifndef TCPLAB_WEB_PAGES_PROGRESS_H
#define TCPLAB_WEB_PAGES_PROGRESS_H

#include "../http/http.h"
#include "../util/strbuf.h"

/* GET /progress */
void pages_progress(const http_request *req, http_response *res);

/* Appends the header's account block for a page at `path` whose own query is `query`
 * ("a=1&b=2&" as pages_render's switch_query; NULL or "" for none), in `locale`. The sign-in
 * link returns to that page after signing in; from the home page and the sign-in page it
 * carries no next (the sign-in page then chooses by role). */
void pages_progress_account(strbuf *b, const char *locale, const char *path, const char *query);

#endif
