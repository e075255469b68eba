/*
 * pages.c — HTML pages: chrome, home, lesson index, lesson, playground, 404.
 * Owns: the page layout and per-request language handling (see pages.h).
 * Does not: keep state between requests; everything comes from req->app (read-only).
 */
#include "pages.h"

#include "../util/fnv.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "../store/store_simulations.h"
#include "../lessons/figure.h"
#include "../lessons/i18n.h"
#include "../lessons/lessons.h"
#include "../lessons/markdown.h"
#include "pages_progress.h"

#define HTML_TYPE   "text/html; charset=utf-8"
#define MAX_LESSONS 256

static void esc(strbuf *b, const char *s)
{
    strbuf_escape_n(b, s ? s : "", s ? strlen(s) : 0);
}

static void nav_link(strbuf *b, const char *href, const char *label, bool current)
{
    strbuf_printf(b, "<li><a href=\"%s\"%s>", href, current ? " aria-current=\"page\"" : "");
    esc(b, label);
    strbuf_put(b, "</a></li>");
}

char *pages_render(const char *locale, const char *title, const char *path, const char *nav,
                   const char *switch_query, const char *main_html)
{
    const char *loc = i18n_locale_canonical(locale);
    if (!loc)
        loc = I18N_EN;
    const char *other = i18n_other_locale(loc);
    const char *sq = switch_query ? switch_query : "";
    strbuf b = {0};
    strbuf_printf(&b, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  loc);
    strbuf_put(&b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    if (title && *title) {
        esc(&b, title);
        strbuf_put(&b, " — ");
    }
    esc(&b, i18n_text(loc, I18N_SITE_NAME));
    strbuf_put(&b, "</title>\n<link rel=\"icon\" href=\"/static/favicon.svg\" "
                   "type=\"image/svg+xml\">\n"
                   "<link rel=\"stylesheet\" href=\"/static/css/app.css\">\n");
    const char *locs[2] = {I18N_EN, I18N_ZH_CN};
    for (int i = 0; i < 2; i++) {
        strbuf_printf(&b, "<link rel=\"alternate\" hreflang=\"%s\" href=\"", locs[i]);
        esc(&b, path ? path : "/");
        strbuf_put(&b, "?");
        esc(&b, sq);
        strbuf_printf(&b, "lang=%s\">\n", locs[i]);
    }
    strbuf_put(&b, "<script type=\"module\" src=\"/static/js/app.js\"></script>\n"
                   "</head>\n<body>\n");
    strbuf_put(&b, "<a class=\"tl-skip\" href=\"#main\">");
    esc(&b, i18n_text(loc, I18N_SKIP_TO_CONTENT));
    strbuf_put(&b, "</a>\n<header class=\"tl-header\">\n<nav class=\"tl-nav\" aria-label=\"");
    esc(&b, i18n_text(loc, I18N_NAV_LABEL));
    strbuf_put(&b, "\">\n<a class=\"tl-brand\" href=\"/\">");
    esc(&b, i18n_text(loc, I18N_SITE_NAME));
    strbuf_put(&b, "</a>\n<ul>");
    const char *n = nav ? nav : "";
    nav_link(&b, "/", i18n_text(loc, I18N_NAV_HOME), !strcmp(n, "home"));
    nav_link(&b, "/lessons", i18n_text(loc, I18N_NAV_LESSONS), !strcmp(n, "lessons"));
    nav_link(&b, "/playground", i18n_text(loc, I18N_NAV_PLAYGROUND), !strcmp(n, "playground"));
    strbuf_printf(&b, "</ul>\n<a class=\"tl-lang\" hreflang=\"%s\" lang=\"%s\" href=\"?", other,
                  other);
    esc(&b, sq);
    strbuf_printf(&b, "lang=%s\">", other);
    esc(&b, i18n_text(loc, I18N_LANG_SWITCH_LABEL));
    strbuf_put(&b, "</a>\n");
    pages_progress_account(&b, loc, path, sq); /* Sign in / Sign out */
    strbuf_put(&b, "</nav>\n</header>\n<main id=\"main\" class=\"tl-main\">\n");
    strbuf_put(&b, main_html ? main_html : "");
    strbuf_put(&b, "\n</main>\n<footer class=\"tl-footer\"><p>");
    esc(&b, i18n_text(loc, I18N_FOOTER));
    strbuf_put(&b, " <a href=\"https://www.rfc-editor.org/rfc/rfc9293\">RFC 9293</a></p>"
                   "</footer>\n</body>\n</html>\n");
    return strbuf_take(&b);
}

/* ---- per-request language and response ---- */

const char *pages_locale(const http_request *req, bool *remember)
{
    bool ignored;
    return i18n_negotiate(http_query(req, "lang"), http_cookie(req, "lang"),
                          http_header(req, "Accept-Language"), remember ? remember : &ignored);
}

void pages_lang_cookie(http_response *res, const char *locale)
{
    char cookie[96];
    int n =
        snprintf(cookie, sizeof cookie, "lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", locale);
    if (n > 0 && (size_t)n < sizeof cookie)
        http_set_header(res, "Set-Cookie", cookie);
}

void pages_send_private(http_response *res, int status, const char *locale, bool remember,
                        const char *title, const char *path, const char *nav,
                        const char *switch_query, char *main_html)
{
    char *page = main_html ? pages_render(locale, title, path, nav, switch_query, main_html) : NULL;
    free(main_html);
    if (!page) {
        http_problem(res, 500, NULL, "out of memory rendering the page");
        return;
    }
    free(res->body);
    res->status = status;
    res->content_type = HTML_TYPE;
    res->body = page;
    res->body_len = strlen(page);
    http_set_header(res, "Cache-Control", "no-store");
    http_set_header(res, "Vary", "Cookie, Accept-Language");
    if (remember)
        pages_lang_cookie(res, locale);
}

/* Sends a rendered page (takes ownership of `html`; NULL → 500). */
static void send_page(const http_request *req, http_response *res, int status, char *html,
                      const char *locale, bool remember)
{
    if (!html) {
        http_problem(res, 500, NULL, "out of memory rendering the page");
        return;
    }
    size_t len = strlen(html);
    char etag[32];
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)fnv1a64(html, len));
    http_set_header(res, "Cache-Control", "no-cache");
    http_set_header(res, "Vary", "Cookie, Accept-Language");
    if (remember)
        pages_lang_cookie(res, locale);
    if (status == 200) {
        http_set_header(res, "ETag", etag);
        if (http_etag_listed(http_header(req, "If-None-Match"), etag)) {
            free(html);
            http_text(res, 304, HTML_TYPE, "", 0);
            return;
        }
    }
    free(res->body);
    res->status = status;
    res->content_type = HTML_TYPE;
    res->body = html;
    res->body_len = len;
}

static void lesson_card(strbuf *b, const lesson *l, const char *loc)
{
    strbuf_put(b, "<li class=\"tl-lesson-item\"");
    if (strcmp(l->locale, loc))
        strbuf_printf(b, " lang=\"%s\"", l->locale);
    strbuf_put(b, "><a class=\"tl-lesson-link\" href=\"/lessons/");
    esc(b, l->slug);
    strbuf_put(b, "\">");
    esc(b, l->title);
    strbuf_put(b, "</a>\n<p class=\"tl-lesson-summary\">");
    esc(b, l->summary);
    strbuf_put(b, "</p>");
    if (l->tag_count) {
        strbuf_put(b, "\n<ul class=\"tl-tags\" aria-label=\"");
        esc(b, i18n_text(loc, I18N_TAGS_LABEL));
        strbuf_put(b, "\">");
        for (size_t t = 0; t < l->tag_count; t++) {
            strbuf_put(b, "<li class=\"tl-tag\">");
            esc(b, l->tag_count ? l->tags[t] : "");
            strbuf_put(b, "</li>");
        }
        strbuf_put(b, "</ul>");
    }
    strbuf_put(b, "</li>\n");
}

static void lesson_list(strbuf *b, const lessons_set *set, const char *loc)
{
    const lessons_pin *pin = lessons_pin_take(set);
    const lesson **items = malloc(MAX_LESSONS * sizeof *items);
    size_t n = items ? lessons_list(set, loc, items, MAX_LESSONS) : 0;
    if (n > MAX_LESSONS)
        n = MAX_LESSONS;
    if (n == 0) {
        strbuf_put(b, "<p class=\"tl-notice\">");
        esc(b, i18n_text(loc, I18N_LESSONS_EMPTY));
        strbuf_put(b, "</p>\n");
    } else {
        strbuf_put(b, "<ol class=\"tl-lesson-list\">\n");
        for (size_t i = 0; i < n; i++)
            lesson_card(b, items[i], loc);
        strbuf_put(b, "</ol>\n");
    }
    free(items);
    lessons_pin_drop(set, pin);
}

void pages_home(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-hero\">\n<h1>");
    esc(&b, i18n_text(loc, I18N_HOME_TITLE));
    strbuf_put(&b, "</h1>\n<p class=\"tl-tagline\">");
    esc(&b, i18n_text(loc, I18N_HOME_TAGLINE));
    strbuf_put(&b, "</p>\n<p>");
    esc(&b, i18n_text(loc, I18N_HOME_INTRO));
    strbuf_put(&b, "</p>\n<p class=\"tl-actions\"><a class=\"tl-button\" href=\"/lessons\">");
    esc(&b, i18n_text(loc, I18N_HOME_START));
    strbuf_put(&b, "</a> <a class=\"tl-button tl-secondary\" href=\"/playground\">");
    esc(&b, i18n_text(loc, I18N_HOME_PLAY));
    strbuf_put(&b, "</a></p>\n</section>\n<section class=\"tl-home-lessons\">\n<h2>");
    esc(&b, i18n_text(loc, I18N_HOME_LESSONS_HEADING));
    strbuf_put(&b, "</h2>\n");
    lesson_list(&b, req->app ? req->app->lessons : NULL, loc);
    strbuf_put(&b, "</section>");
    char *main_html = strbuf_take(&b);
    char *page = main_html ? pages_render(loc, NULL, "/", "home", NULL, main_html) : NULL;
    free(main_html);
    send_page(req, res, 200, page, loc, remember);
}

void pages_lessons(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    strbuf b = {0};
    strbuf_put(&b, "<h1>");
    esc(&b, i18n_text(loc, I18N_LESSONS_TITLE));
    strbuf_put(&b, "</h1>\n<p>");
    esc(&b, i18n_text(loc, I18N_LESSONS_INTRO));
    strbuf_put(&b, "</p>\n");
    lesson_list(&b, req->app ? req->app->lessons : NULL, loc);
    char *main_html = strbuf_take(&b);
    char *page = main_html ? pages_render(loc, i18n_text(loc, I18N_LESSONS_TITLE), "/lessons",
                                          "lessons", NULL, main_html)
                           : NULL;
    free(main_html);
    send_page(req, res, 200, page, loc, remember);
}

static void not_found(const http_request *req, http_response *res, const char *loc, bool remember)
{
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-not-found\">\n<h1>");
    esc(&b, i18n_text(loc, I18N_NOT_FOUND_TITLE));
    strbuf_put(&b, "</h1>\n<p>");
    esc(&b, i18n_text(loc, I18N_NOT_FOUND_TEXT));
    strbuf_put(&b, "</p>\n<p><a href=\"/lessons\">");
    esc(&b, i18n_text(loc, I18N_BACK_TO_LESSONS));
    strbuf_put(&b, "</a></p>\n</section>");
    char *main_html = strbuf_take(&b);
    char *page = main_html ? pages_render(loc, i18n_text(loc, I18N_NOT_FOUND_TITLE),
                                          req->path ? req->path : "/", NULL, NULL, main_html)
                           : NULL;
    free(main_html);
    send_page(req, res, 404, page, loc, remember);
}

void pages_not_found(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    not_found(req, res, loc, remember);
}

static void pager_link(strbuf *b, const lesson *l, const char *cls, const char *rel,
                       const char *label, const char *loc)
{
    strbuf_printf(b, "<a class=\"%s\" rel=\"%s\" href=\"/lessons/", cls, rel);
    esc(b, l->slug);
    strbuf_put(b, "\"><span class=\"tl-pager-label\">");
    esc(b, label);
    strbuf_put(b, "</span> <span class=\"tl-pager-title\"");
    if (strcmp(l->locale, loc))
        strbuf_printf(b, " lang=\"%s\"", l->locale);
    strbuf_put(b, ">");
    esc(b, l->title);
    strbuf_put(b, "</span></a>");
}

static void lesson_page(const http_request *req, http_response *res, const lessons_set *set)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    const char *slug = req->param_count > 0 ? req->params[0] : "";
    const lesson *l = lessons_find(set, slug, loc);
    bool fallback = false;
    if (!l) {
        l = lessons_find(set, slug, i18n_other_locale(loc));
        fallback = l != NULL;
    }
    if (!l) {
        not_found(req, res, loc, remember);
        return;
    }
    const lesson **items = malloc(MAX_LESSONS * sizeof *items);
    size_t n = items ? lessons_list(set, loc, items, MAX_LESSONS) : 0;
    if (n > MAX_LESSONS)
        n = MAX_LESSONS;
    size_t pos = n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(items[i]->slug, l->slug))
            pos = i;

    strbuf b = {0};
    strbuf_put(&b, "<article class=\"tl-lesson\" data-lesson=\"");
    esc(&b, l->slug);
    strbuf_put(&b, "\"");
    if (fallback)
        strbuf_printf(&b, " lang=\"%s\"", l->locale);
    strbuf_put(&b, ">\n<header class=\"tl-lesson-header\">\n");
    if (fallback) {
        strbuf_printf(&b, "<p class=\"tl-notice\" lang=\"%s\">", loc);
        esc(&b, i18n_text(loc, I18N_NOT_TRANSLATED));
        strbuf_put(&b, "</p>\n");
    }
    if (pos < n) {
        char meta[128];
        snprintf(meta, sizeof meta, i18n_text(loc, I18N_LESSON_N_OF), (int)pos + 1, (int)n);
        strbuf_printf(&b, "<p class=\"tl-lesson-meta\" lang=\"%s\">", loc);
        esc(&b, meta);
        strbuf_put(&b, "</p>\n");
    }
    bool body_h1 = !strncmp(l->html, "<h1", 3);
    if (!body_h1) {
        strbuf_put(&b, "<h1>");
        esc(&b, l->title);
        strbuf_put(&b, "</h1>\n");
    }
    strbuf_put(&b, "</header>\n<div class=\"tl-lesson-body\">\n");
    strbuf_put(&b, l->html);
    strbuf_put(&b, "</div>\n</article>\n");
    if (pos < n && n > 1) {
        strbuf_put(&b, "<nav class=\"tl-pager\" aria-label=\"");
        esc(&b, i18n_text(loc, I18N_PAGER_LABEL));
        strbuf_put(&b, "\">\n");
        if (pos > 0)
            pager_link(&b, items[pos - 1], "tl-pager-prev", "prev", i18n_text(loc, I18N_PREV), loc);
        if (pos + 1 < n) {
            strbuf_put(&b, "\n");
            pager_link(&b, items[pos + 1], "tl-pager-next", "next", i18n_text(loc, I18N_NEXT), loc);
        }
        strbuf_put(&b, "\n</nav>");
    }
    free(items);
    char path[128];
    snprintf(path, sizeof path, "/lessons/%s", l->slug);
    char *main_html = strbuf_take(&b);
    char *page = main_html ? pages_render(loc, l->title, path, "lessons", NULL, main_html) : NULL;
    free(main_html);
    send_page(req, res, 200, page, loc, remember);
}

void pages_lesson(const http_request *req, http_response *res)
{
    const lessons_set *set = req->app ? req->app->lessons : NULL;
    const lessons_pin *pin = lessons_pin_take(set); /* the page uses the lesson throughout */
    lesson_page(req, res, set);
    lessons_pin_drop(set, pin);
}

/* ---- playground ---- */

static bool token_ok(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* The form: a built-in to start from and Run. Without JavaScript it is a plain GET form
 * (?scenario=NAME shows that built-in); playground.js loads the chosen built-in into an
 * editor of every member of the scenario contract (div.tl-pg-editor) and runs it in place. */
static void playground_form(strbuf *b, const char *loc, const char *selected)
{
    strbuf_put(b,
               "<form class=\"tl-playground\" method=\"get\" action=\"/playground\" novalidate>\n"
               "<p class=\"tl-field tl-pg-start\"><label for=\"pg-scenario\">");
    esc(b, i18n_text(loc, I18N_PG_SCENARIO));
    strbuf_put(b, "</label> <select id=\"pg-scenario\" name=\"scenario\">\n<option value=\"\">");
    esc(b, i18n_text(loc, I18N_PG_CUSTOM));
    strbuf_put(b, "</option>\n");
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        if (!e)
            continue;
        strbuf_put(b, "<option value=\"");
        esc(b, e->name);
        strbuf_put(b, "\"");
        if (selected && !strcmp(selected, e->name))
            strbuf_put(b, " selected");
        strbuf_put(b, ">");
        esc(b, e->name);
        strbuf_put(b, " — ");
        esc(b, catalog_title(e, loc));
        strbuf_put(b, "</option>\n");
    }
    strbuf_put(b, "</select></p>\n<div class=\"tl-pg-editor\"></div>\n"
                  "<p class=\"tl-pg-actions\"><button type=\"submit\">");
    esc(b, i18n_text(loc, I18N_PG_RUN));
    strbuf_put(b, "</button></p>\n</form>\n");
}

static void error_box(strbuf *b, const char *loc, i18n_key key, const char *detail)
{
    strbuf_put(b, "<p class=\"tl-error\" role=\"alert\">");
    esc(b, i18n_text(loc, key));
    if (detail && *detail) {
        strbuf_put(b, " <code>");
        esc(b, detail);
        strbuf_put(b, "</code>");
    }
    strbuf_put(b, "</p>\n");
}

void pages_playground(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    const char *scenario = http_query(req, "scenario");
    const char *sim_id = http_query(req, "sim");
    if (scenario && !*scenario)
        scenario = NULL;
    if (sim_id && !*sim_id)
        sim_id = NULL;
    int status = 200;
    char switch_query[96] = "";
    strbuf result = {0};
    const char *selected = NULL;
    char err[512] = "";
    if (sim_id) {
        char *json = NULL;
        store_status st = STORE_NOT_FOUND;
        if (token_ok(sim_id, 31) && req->app && req->app->store)
            st = store_simulation_get(req->app->store, sim_id, &json);
        if (st == STORE_OK) {
            snprintf(switch_query, sizeof switch_query, "sim=%s&", sim_id);
            char *fig = figure_render_block(json, strlen(json), 1, loc, err, sizeof err);
            if (fig) {
                strbuf_put(&result, "<p class=\"tl-share-line\">");
                esc(&result, i18n_text(loc, I18N_PG_SHARE));
                strbuf_printf(&result,
                              ": <a class=\"tl-share\" href=\"/playground?sim=%s\">"
                              "/playground?sim=%s</a></p>\n",
                              sim_id, sim_id);
                strbuf_put(&result, fig);
                free(fig);
            } else {
                status = 422;
                error_box(&result, loc, I18N_PG_FAILED, err);
            }
        } else if (st == STORE_NOT_FOUND) {
            status = 404;
            error_box(&result, loc, I18N_PG_UNKNOWN_SIM, NULL);
        } else {
            status = 500; /* the store's own words go to the log, not to the page */
            fprintf(stderr, "tcplab: reading a saved simulation: %s\n", store_last_error());
            error_box(&result, loc, I18N_PG_FAILED, NULL);
        }
        free(json);
    } else if (scenario) {
        if (token_ok(scenario, 63) && catalog_find(scenario)) {
            selected = catalog_find(scenario)->name;
            snprintf(switch_query, sizeof switch_query, "scenario=%s&", selected);
            char *fig = figure_render_block(selected, strlen(selected), 1, loc, err, sizeof err);
            if (fig) {
                strbuf_put(&result, fig);
                free(fig);
            } else {
                status = 500;
                error_box(&result, loc, I18N_PG_FAILED, err);
            }
        } else {
            status = 404;
            error_box(&result, loc, I18N_PG_UNKNOWN_SCENARIO, NULL);
        }
    }
    strbuf b = {0};
    strbuf_put(&b, "<h1>");
    esc(&b, i18n_text(loc, I18N_PLAYGROUND_TITLE));
    strbuf_put(&b, "</h1>\n<p>");
    esc(&b, i18n_text(loc, I18N_PLAYGROUND_INTRO));
    strbuf_put(&b, "</p>\n");
    playground_form(&b, loc, selected);
    /* a saved simulation names itself, so that playground.js can load its scenario */
    strbuf_put(&b, "<section class=\"tl-playground-result\" aria-live=\"polite\"");
    if (sim_id && status == 200)
        strbuf_printf(&b, " data-sim=\"%s\"", sim_id); /* token_ok: [A-Za-z0-9_-] */
    strbuf_put(&b, ">\n");
    if (result.len) {
        strbuf_put(&b, "<h2>");
        esc(&b, i18n_text(loc, I18N_PG_RESULT));
        strbuf_put(&b, "</h2>\n");
        strbuf_putn(&b, result.data, result.len);
    }
    strbuf_put(&b, "</section>");
    strbuf_cleanup(&result);
    char *main_html = strbuf_take(&b);
    char *page = main_html ? pages_render(loc, i18n_text(loc, I18N_PLAYGROUND_TITLE), "/playground",
                                          "playground", switch_query, main_html)
                           : NULL;
    free(main_html);
    send_page(req, res, status, page, loc, remember);
}

void pages_playground_figure(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    if (!http_require_json(req, res))
        return;
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    if (!sc || !errs) {
        free(sc);
        free(errs);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    /* first the contract's own errors, each at its JSON pointer, as the API gives them */
    int rc = scenario_parse(req->body, req->body_len, sc, errs);
    json_t *list = rc != 0 ? scenario_errors_to_json(errs) : NULL;
    bool malformed = errs->malformed;
    free(sc);
    free(errs);
    if (rc != 0) {
        http_problem_json(res, malformed ? 400 : 422, NULL,
                          malformed ? "Malformed JSON" : "Invalid scenario",
                          "the scenario does not follow the contract (see errors)",
                          list ? json_pack("{s:o}", "errors", list) : NULL);
        return;
    }
    char err[512] = "";
    char *fig = figure_render_block(req->body, req->body_len, 1, loc, err, sizeof err);
    if (!fig) {
        http_problem_json(res, 422, NULL, "Scenario cannot be shown", err,
                          json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "", "detail", err));
        return;
    }
    http_text(res, 200, HTML_TYPE, fig, strlen(fig));
    free(fig);
    http_set_header(res, "Cache-Control", "no-store");
    http_set_header(res, "Content-Language", loc);
    (void)remember;
}

bool pages_require_signin(const http_request *req, http_response *res, const char *path,
                          const char *locale, bool remember, bool need_account,
                          grading_principal *p)
{
    guard_auth_result ar = guard_auth(req, p);
    if (ar == GUARD_AUTH_ERROR) {
        http_problem(res, 503, NULL, "the account store is unavailable");
        return false;
    }
    if (ar == GUARD_AUTH_OK && p->role != GRADING_ANONYMOUS &&
        (!need_account || (p->user_id && p->name[0])))
        return true;
    char location[128];
    int n = snprintf(location, sizeof location, "/login?next=%s", path);
    assert(n > 0 && (size_t)n < sizeof location); /* `path` is a literal of the caller's */
    char see[160];
    int m = snprintf(see, sizeof see, "See %s\n", location);
    http_text(res, 303, "text/plain; charset=utf-8", see, (size_t)m);
    http_set_header(res, "Location", location);
    http_set_header(res, "Cache-Control", "no-store");
    if (remember)
        pages_lang_cookie(res, locale);
    return false;
}
