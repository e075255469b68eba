/*
 * pages_editor.h — the server-rendered sign-in page and the instructors' lesson editor
 * pages: GET /login and GET /editor.
 *
 * Owns: the two pages' HTML (in the site chrome of pages_render, localised en/zh-CN with
 * their own small string table), who may see /editor (instructor and admin; anonymous →
 * 303 to /login?next=/editor; any other signed-in role → a 403 HTML page), and the
 * localised messages editor.js shows (data-msg-* attributes on section.tl-editor).
 * Does not: sign anyone in (POST /api/v1/login, api_accounts.c, called by static/js/
 * login.js), load, render or save lessons (the authoring API and POST /api/v1/render,
 * called by static/js/editor.js).
 * Class names beyond dom.md: tl-login tl-login-form tl-login-status tl-editor tl-editor-*
 * tl-problems tl-revisions tl-forbidden.
 */
#ifndef TCPLAB_LESSONS_PAGES_EDITOR_H
#define TCPLAB_LESSONS_PAGES_EDITOR_H

#include "../http/http.h"

void pages_login(const http_request *req, http_response *res);  /* GET /login */
void pages_editor(const http_request *req, http_response *res); /* GET /editor */

/* The safe local path of a ?next= value: `next` itself when it is a path on this site
 * ("/" followed by [A-Za-z0-9/._~?=&%-], no "//" anywhere, at most 200 bytes: no scheme,
 * no other host, no backslash), else NULL. Where a sign-in without a next goes is decided
 * by role (static/js/login.js): an instructor or admin to /editor, anyone else to /lessons;
 * a student is never sent to /editor. */
const char *pages_editor_safe_next(const char *next);

#endif
