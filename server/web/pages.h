/*
 * pages.h — the server-rendered HTML pages of TCP Lab (page/DOM contract:
 * docs/dom.md): home, lesson index, lesson, playground, and the HTML 404.
 *
 * Owns: the page chrome (header nav with the language switch, footer), language choice per
 * request (i18n.h; sets the `lang` cookie when ?lang= is given), ETag + Cache-Control:
 * no-cache + Vary: Cookie, Accept-Language on every page.
 * Does not: render Markdown, figures or questions (markdown/figure/quiz modules), serve
 * static files or set the security headers (server/http/ does).
 * Class names used beyond dom.md: tl-header tl-brand tl-main tl-footer tl-skip tl-hero
 * tl-tagline tl-actions tl-button tl-secondary tl-lesson-list tl-lesson-item tl-lesson-link
 * tl-lesson-summary tl-lesson-meta tl-lesson-header tl-lesson-body tl-lesson tl-tags tl-tag
 * tl-pager tl-pager-prev tl-pager-next tl-notice tl-error tl-field tl-custom
 * tl-playground-result tl-share-line tl-not-found; in Markdown: tl-callout tl-note tl-tip
 * tl-important tl-warning tl-caution tl-callout-title tl-blocked-image, table cells
 * tl-left tl-center tl-right.
 */
#ifndef TCPLAB_LESSONS_PAGES_H
#define TCPLAB_LESSONS_PAGES_H

#include "../http/http.h"
#include "guard.h"

void pages_home(const http_request *req, http_response *res);       /* GET / */
void pages_lessons(const http_request *req, http_response *res);    /* GET /lessons */
void pages_lesson(const http_request *req, http_response *res);     /* GET /lessons/{slug} */
void pages_playground(const http_request *req, http_response *res); /* GET /playground */
/* POST /playground/figure: the body is scenario JSON (docs/scenario.md); the answer is the
 * playground's result figure as an HTML fragment (?lang= as on the pages), or 422
 * problem+json with errors [{pointer, detail}] (as POST /api/v1/simulations) when the
 * scenario is invalid, does not run, or has more steps than a figure shows. */
void pages_playground_figure(const http_request *req, http_response *res);
/* An HTML 404 page in the request's language (for HTML routes). */
void pages_not_found(const http_request *req, http_response *res);

/* Renders a complete page around `main_html` into a malloc'ed string (for tests and
 * the handlers): `path` is the page's own path (for the alternate-language links),
 * `nav` is "home", "lessons", "playground" or NULL, `switch_query` extra query arguments
 * kept by the language switch (e.g. "scenario=lost-syn&", may be NULL). */
char *pages_render(const char *locale, const char *title, const char *path, const char *nav,
                   const char *switch_query, const char *main_html);

/* The request's language: ?lang=, then the `lang` cookie, then Accept-Language
 * (i18n_negotiate). `*remember` is set when ?lang= chose it, i.e. when the answer should
 * carry the cookie (pages_lang_cookie); `remember` may be NULL (API answers set no cookie). */
const char *pages_locale(const http_request *req, bool *remember);

/* Sets the `lang` cookie (one year, Path=/, SameSite=Lax) to `locale` on `res`. */
void pages_lang_cookie(http_response *res, const char *locale);

/* Sends a per-user page: renders `main_html` (taken and freed; NULL or a failed render →
 * 500 problem) inside the chrome (pages_render's arguments), with status `status`,
 * Cache-Control: no-store, Vary: Cookie, Accept-Language, and the `lang` cookie when
 * `remember`. No ETag: the page depends on who asks. */
void pages_send_private(http_response *res, int status, const char *locale, bool remember,
                        const char *title, const char *path, const char *nav,
                        const char *switch_query, char *main_html);

/* For a page that needs somebody signed in: who sent `req` (guard_auth) into *p. Returns
 * true when the page may go on: anybody not anonymous, or with `need_account` only a user
 * account (a name and a user id; API tokens have none). Otherwise `res` is filled and the caller
 * returns: 503 problem when the account store failed; else 303 to /login?next=`path` (`path` a
 * same-site path without query, as a literal), Cache-Control: no-store, and the `lang` cookie when
 * `remember`. */
bool pages_require_signin(const http_request *req, http_response *res, const char *path,
                          const char *locale, bool remember, bool need_account,
                          grading_principal *p);

#endif
