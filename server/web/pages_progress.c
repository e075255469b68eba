/*
 * pages_progress.c — the header's account block and GET /progress (see pages_progress.h).
 *
 * Owns: their markup and UI strings (en, zh-CN), the sign-in link's ?next= (this page's
 * path and query, percent-encoded), and the /progress page's redirect of a visitor who is
 * not signed in as a user. Per user: Cache-Control: no-store.
 * Does not: decide what is solved or count attempts (api_progress.c), or carry script or
 * style inline (CSP: static/js/progress.js does the signed-in header).
 */
#include "pages_progress.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../grading/auth.h"
#include "../lessons/i18n.h"
#include "api_progress.h"
#include "guard.h"
#include "pages.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define NEXT_MAX  200 /* as the sign-in page accepts (pages_editor_safe_next) */

typedef enum pr_key {
    P_SIGN_IN,
    P_SIGN_OUT,
    P_MY_PROGRESS,
    P_EDITOR,
    P_SIGNED_IN_AS, /* {name} */
    P_KEEP_LINK,
    P_KEEP,         /* {link}: where the P_KEEP_LINK link goes */
    P_KEPT,         /* {link}: where the P_MY_PROGRESS link goes */
    P_SOLVED,       /* {solved} {total}: the short visible text */
    P_SOLVED_LABEL, /* {solved} {total}: the accessible name of the bar */
    P_TITLE,
    P_INTRO,
    P_WHO,   /* {name}, shown in bold */
    P_TOTAL, /* {solved} {total} {lessons} */
    P_NOTHING_YET,
    P_SCORE,
    P_ATTEMPTS,
    P_LAST,
    P_NOT_STARTED,
    P_NO_QUESTIONS,
    P_EXAM,
    P_QUESTIONS,
    P_QUESTION_N, /* {n} */
    P_Q_SOLVED,
    P_Q_BEST, /* {pct} */
    P_Q_UNANSWERED,
    P_ONE_ATTEMPT,
    P_N_ATTEMPTS, /* {n} */
    P_KEY_COUNT
} pr_key;

/* [key][0] English, [key][1] Simplified Chinese. {name} marks a value filled in. */
static const char *const PR_TEXT[P_KEY_COUNT][2] = {
    [P_SIGN_IN] = {"Sign in", "登录"},
    [P_SIGN_OUT] = {"Sign out", "退出登录"},
    [P_MY_PROGRESS] = {"My progress", "我的进度"},
    [P_EDITOR] = {"Editor", "编辑器"},
    [P_SIGNED_IN_AS] = {"Signed in as {name}", "已登录：{name}"},
    [P_KEEP_LINK] = {"Sign in", "登录"},
    [P_KEEP] = {"{link} to keep your answers and see your progress.",
                "{link}后，你的答案会保存下来，还能查看学习进度。"},
    [P_KEPT] = {"Your answers are saved: see {link}.", "你的答案会自动保存，可在{link}中查看。"},
    [P_SOLVED] = {"{solved} / {total} solved", "已答对 {solved} / {total}"},
    [P_SOLVED_LABEL] = {"{solved} of {total} questions solved", "{total} 道题中已答对 {solved} 道"},
    [P_TITLE] = {"My progress", "我的学习进度"},
    [P_INTRO] = {"Your quiz answers in every lesson: the questions you have solved, your score "
                 "and how many answers you have sent. Open a lesson to see your last answers.",
                 "这里汇总了你在各课测验中的作答情况：答对的题数、得分和作答次数。打开课程即可看到"
                 "你上次的答案。"},
    [P_WHO] = {"Signed in as {name}.", "当前账号：{name}"},
    [P_TOTAL] = {"You have solved {solved} of the {total} questions in {lessons} lessons.",
                 "{lessons} 课共 {total} 道题，你已答对 {solved} 道。"},
    [P_NOTHING_YET] = {"No answers yet. Start with the first lesson's quiz.",
                       "还没有作答记录。从第一课的测验开始吧。"},
    [P_SCORE] = {"Score", "得分"},
    [P_ATTEMPTS] = {"Answers sent", "作答次数"},
    [P_LAST] = {"Last answer", "最近作答"},
    [P_NOT_STARTED] = {"Not started", "尚未开始"},
    [P_NO_QUESTIONS] = {"This lesson has no quiz.", "本课没有测验。"},
    [P_EXAM] = {"Exam", "考试"},
    [P_QUESTIONS] = {"Questions", "各题情况"},
    [P_QUESTION_N] = {"Question {n}", "第 {n} 题"},
    [P_Q_SOLVED] = {"solved", "已答对"},
    [P_Q_BEST] = {"best score {pct}%", "最高得分 {pct}%"},
    [P_Q_UNANSWERED] = {"not answered yet", "尚未作答"},
    [P_ONE_ATTEMPT] = {"1 answer", "作答 1 次"},
    [P_N_ATTEMPTS] = {"{n} answers", "作答 {n} 次"},
};

static const char *tx(const char *loc, pr_key k)
{
    return PR_TEXT[k][strcmp(loc, I18N_ZH_CN) ? 0 : 1];
}

static void esc(strbuf *b, const char *s)
{
    strbuf_escape_n(b, s ? s : "", s ? strlen(s) : 0);
}

/* `template` with each {name} replaced by the value of the same name, escaped. */
static void fill(strbuf *b, const char *template, const char *const names[],
                 const char *const values[], size_t n)
{
    const char *p = template;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            esc(b, p);
            return;
        }
        strbuf_escape_n(b, p, (size_t)(open - p));
        size_t len = (size_t)(close - open - 1);
        bool done = false;
        for (size_t i = 0; i < n && !done; i++) {
            if (strlen(names[i]) == len && !strncmp(open + 1, names[i], len)) {
                esc(b, values[i]);
                done = true;
            }
        }
        if (!done)
            strbuf_escape_n(b, open, (size_t)(close - open + 1));
        p = close + 1;
    }
}

/* Percent-encodes `s` as a query value: keeps A-Z a-z 0-9 / . _ ~ - */
static void put_query_value(strbuf *b, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("/._~-", *c))
            strbuf_printf(b, "%c", *c);
        else
            strbuf_printf(b, "%%%02X", *c);
    }
}

void pages_progress_account(strbuf *b, const char *locale, const char *path, const char *query)
{
    const char *loc = i18n_locale_canonical(locale) ? i18n_locale_canonical(locale) : I18N_EN;
    static const struct {
        const char *name;
        pr_key key;
    } msgs[] = {
        {"signout", P_SIGN_OUT}, {"progress", P_MY_PROGRESS}, {"editor", P_EDITOR},
        {"who", P_SIGNED_IN_AS}, {"keep-link", P_KEEP_LINK},  {"keep", P_KEEP},
        {"kept", P_KEPT},        {"solved", P_SOLVED},        {"solved-label", P_SOLVED_LABEL},
    };
    strbuf_put(b, "<div class=\"tl-account\"");
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        strbuf_printf(b, " data-msg-%s=\"", msgs[i].name);
        esc(b, tx(loc, msgs[i].key));
        strbuf_put(b, "\"");
    }
    strbuf_put(b, ">\n<a class=\"tl-signin\" href=\"/login");
    const char *p = path ? path : "/";
    const char *q = query ? query : "";
    size_t qlen = strlen(q);
    while (qlen && q[qlen - 1] == '&')
        qlen--;
    bool is_login = !strcmp(p, "/login");
    if (!is_login && strcmp(p, "/") && p[0] == '/' && strlen(p) + qlen + 1 <= NEXT_MAX) {
        char next[NEXT_MAX + 2];
        snprintf(next, sizeof next, "%s%s%.*s", p, qlen ? "?" : "", (int)qlen, q);
        strbuf_put(b, "?next=");
        put_query_value(b, next);
    }
    strbuf_put(b, is_login ? "\" aria-current=\"page\">" : "\">");
    esc(b, tx(loc, P_SIGN_IN));
    strbuf_put(b, "</a>\n</div>\n");
}

/* ---- GET /progress ---- */

static int64_t member_int(const json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

/* "<solved> / <total> solved" with a <progress> bar named for assistive technology. */
static void solved_bar(strbuf *b, const char *loc, int64_t solved, int64_t total)
{
    char s[24], t[24];
    snprintf(s, sizeof s, "%lld", (long long)solved);
    snprintf(t, sizeof t, "%lld", (long long)total);
    const char *names[] = {"solved", "total"};
    const char *values[] = {s, t};
    strbuf_printf(b,
                  "<p class=\"tl-lesson-progress\"><progress max=\"%lld\" value=\"%lld\" "
                  "aria-label=\"",
                  (long long)total, (long long)solved);
    fill(b, tx(loc, P_SOLVED_LABEL), names, values, 2);
    strbuf_put(b, "\"></progress> <span aria-hidden=\"true\">");
    fill(b, tx(loc, P_SOLVED), names, values, 2);
    strbuf_put(b, "</span></p>\n");
}

static void fact(strbuf *b, const char *loc, pr_key label, const char *value_html)
{
    strbuf_put(b, "<div><dt>");
    esc(b, tx(loc, label));
    strbuf_put(b, "</dt><dd>");
    strbuf_put(b, value_html);
    strbuf_put(b, "</dd></div>");
}

static void question_item(strbuf *b, const char *loc, size_t n, const json_t *q)
{
    int64_t attempts = member_int(q, "attempts");
    bool solved = json_is_true(json_object_get(q, "solved"));
    double best = json_number_value(json_object_get(q, "best_score"));
    const char *cls = solved ? "tl-ok" : attempts ? "tl-partial" : "tl-none";
    char num[24];
    snprintf(num, sizeof num, "%zu", n);
    const char *nn[] = {"n"};
    const char *nv[] = {num};
    strbuf_printf(b, "<li class=\"%s\"><span class=\"tl-progress-q\">", cls);
    fill(b, tx(loc, P_QUESTION_N), nn, nv, 1);
    strbuf_put(b, "</span> ");
    if (solved) {
        esc(b, tx(loc, P_Q_SOLVED));
    } else if (attempts) {
        char pct[16];
        snprintf(pct, sizeof pct, "%d", (int)(best * 100 + 0.5));
        const char *pn[] = {"pct"};
        const char *pv[] = {pct};
        fill(b, tx(loc, P_Q_BEST), pn, pv, 1);
    } else {
        esc(b, tx(loc, P_Q_UNANSWERED));
    }
    if (attempts) {
        strbuf_put(b, " · ");
        char an[24];
        snprintf(an, sizeof an, "%lld", (long long)attempts);
        const char *av[] = {an};
        fill(b, tx(loc, attempts == 1 ? P_ONE_ATTEMPT : P_N_ATTEMPTS), nn, av, 1);
    }
    strbuf_put(b, "</li>");
}

static void lesson_item(strbuf *b, const char *loc, const json_t *l)
{
    const char *slug = json_string_value(json_object_get(l, "slug"));
    const char *lang = json_string_value(json_object_get(l, "locale"));
    int64_t total = member_int(l, "question_count");
    int64_t solved = member_int(l, "solved");
    int64_t attempts = member_int(l, "attempts");
    strbuf_put(b, "<li class=\"tl-progress-lesson\"");
    if (lang && strcmp(lang, loc))
        strbuf_printf(b, " lang=\"%s\"", lang);
    strbuf_put(b, "><h2 class=\"tl-progress-title\"><a href=\"/lessons/");
    esc(b, slug);
    strbuf_put(b, "\">");
    esc(b, json_string_value(json_object_get(l, "title")));
    strbuf_put(b, "</a>");
    const char *mode = json_string_value(json_object_get(l, "mode"));
    if (mode && !strcmp(mode, "exam")) {
        strbuf_printf(b, " <span class=\"tl-progress-mode\" lang=\"%s\">", loc);
        esc(b, tx(loc, P_EXAM));
        strbuf_put(b, "</span>");
    }
    strbuf_put(b, "</h2>\n");
    if (total == 0) {
        strbuf_printf(b, "<p class=\"tl-progress-none\" lang=\"%s\">", loc);
        esc(b, tx(loc, P_NO_QUESTIONS));
        strbuf_put(b, "</p></li>\n");
        return;
    }
    strbuf_printf(b, "<div lang=\"%s\">", loc);
    solved_bar(b, loc, solved, total);
    char v[96];
    if (attempts) {
        strbuf_put(b, "<dl class=\"tl-progress-facts\">");
        double score = json_number_value(json_object_get(l, "score"));
        snprintf(v, sizeof v, "%d%%", (int)(score * 100 + 0.5));
        fact(b, loc, P_SCORE, v);
        snprintf(v, sizeof v, "%lld", (long long)attempts);
        fact(b, loc, P_ATTEMPTS, v);
        time_t at = (time_t)member_int(l, "last_at");
        struct tm tmv;
        char iso[32] = "", day[16] = "";
        if (at > 0 && gmtime_r(&at, &tmv)) {
            strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tmv);
            strftime(day, sizeof day, "%Y-%m-%d", &tmv);
        }
        snprintf(v, sizeof v, "<time datetime=\"%s\">%s</time>", iso, day);
        fact(b, loc, P_LAST, v);
        strbuf_put(b, "</dl>\n");
    } else {
        strbuf_put(b, "<p class=\"tl-progress-none\">");
        esc(b, tx(loc, P_NOT_STARTED));
        strbuf_put(b, "</p>\n");
    }
    const json_t *qs = json_object_get(l, "questions");
    if (attempts && json_array_size(qs)) {
        strbuf_put(b, "<details class=\"tl-progress-details\"><summary>");
        esc(b, tx(loc, P_QUESTIONS));
        strbuf_put(b, "</summary>\n<ol class=\"tl-progress-questions\">");
        for (size_t i = 0; i < json_array_size(qs); i++)
            question_item(b, loc, i + 1, json_array_get(qs, i));
        strbuf_put(b, "</ol></details>\n");
    }
    strbuf_put(b, "</div></li>\n");
}

static void progress_main(strbuf *b, const char *loc, const grading_principal *p,
                          const json_t *overview)
{
    strbuf_put(b, "<section class=\"tl-progress\">\n<h1>");
    esc(b, tx(loc, P_TITLE));
    strbuf_put(b, "</h1>\n<p class=\"tl-progress-who\">");
    const char *who = tx(loc, P_WHO);
    const char *at = strstr(who, "{name}");
    strbuf_escape_n(b, who, at ? (size_t)(at - who) : strlen(who));
    strbuf_put(b, "<strong>");
    esc(b, p->name);
    strbuf_put(b, "</strong>");
    if (at)
        esc(b, at + strlen("{name}"));
    strbuf_put(b, "</p>\n<p>");
    esc(b, tx(loc, P_INTRO));
    strbuf_put(b, "</p>\n<p class=\"tl-progress-total\">");
    const json_t *lessons = json_object_get(overview, "lessons");
    int64_t attempts = member_int(overview, "attempts");
    if (attempts) {
        char s[24], t[24], l[24];
        snprintf(s, sizeof s, "%lld", (long long)member_int(overview, "solved"));
        snprintf(t, sizeof t, "%lld", (long long)member_int(overview, "question_count"));
        snprintf(l, sizeof l, "%zu", json_array_size(lessons));
        const char *names[] = {"solved", "total", "lessons"};
        const char *values[] = {s, t, l};
        fill(b, tx(loc, P_TOTAL), names, values, 3);
    } else {
        esc(b, tx(loc, P_NOTHING_YET));
    }
    strbuf_put(b, "</p>\n<ol class=\"tl-progress-lessons\">\n");
    for (size_t i = 0; i < json_array_size(lessons); i++)
        lesson_item(b, loc, json_array_get(lessons, i));
    strbuf_put(b, "</ol>\n</section>");
}

void pages_progress(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    grading_principal p;
    if (!pages_require_signin(req, res, "/progress", loc, remember, true, &p))
        return;
    json_t *overview = api_progress_overview(req, &p, loc, true);
    if (!overview) {
        http_problem(res, 503, NULL, "progress could not be read; try again");
        return;
    }
    strbuf b = {0};
    progress_main(&b, loc, &p, overview);
    json_decref(overview);
    pages_send_private(res, 200, loc, remember, tx(loc, P_TITLE), "/progress", "progress", NULL,
                       strbuf_take(&b));
}
