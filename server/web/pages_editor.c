/*
 * pages_editor.c — GET /login and GET /editor (see pages_editor.h).
 *
 * Owns: the two pages' markup and UI strings (en, zh-CN), the role check of /editor, and
 * the safe ?next= of the sign-in page. Both pages are per user: Cache-Control: no-store.
 * Does not: authenticate (auth.c decides who is asking), touch lessons or the store
 * beyond that, or carry any script or style inline (CSP: static/js/login.js and
 * static/js/editor.js do the work, started by app.js; the editor's own styles are
 * static/css/editor.css, and the labels of its newer controls — builder, drafts, conflict
 * merge, new lesson — are static/js/editor-i18n.js's).
 */
#include "pages_editor.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../grading/auth.h"
#include "guard.h"
#include "../lessons/i18n.h"
#include "../lessons/markdown.h"
#include "pages.h"
#include "pages_editor_files.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define NEXT_MAX  200

typedef enum ed_key {
    E_LOGIN_TITLE,
    E_LOGIN_INTRO,
    E_NAME,
    E_PASSWORD,
    E_SIGN_IN,
    E_BAD_LOGIN,
    E_THROTTLED,
    E_NETWORK,
    E_LOGIN_DONE,
    E_SIGNED_IN_AS,
    E_SIGN_OUT,
    E_EDITOR_LINK,
    E_PROGRESS_LINK,
    E_NEEDS_JS,
    E_EDITOR_TITLE,
    E_EDITOR_INTRO,
    E_LESSON,
    E_LANGUAGE,
    E_SOURCE,
    E_PREVIEW,
    E_PROBLEMS,
    E_NO_PROBLEMS,
    E_SAVE,
    E_REVISIONS,
    E_RESTORE,
    E_CURRENT,
    E_LOADING,
    E_LOADED,
    E_SAVED,
    E_UNSAVED,
    E_CONFLICT,
    E_LOAD_THEIRS,
    E_KEEP_MINE,
    E_INVALID,
    E_SESSION,
    E_FAILED,
    E_RESTORED,
    E_RESTORE_DIRTY,
    E_PREVIEW_STALE,
    E_WARNINGS,
    E_NO_LESSONS,
    E_FORBIDDEN_TITLE,
    E_FORBIDDEN_TEXT,
    E_CLASS_LINK,
    E_KEY_COUNT
} ed_key;

/* [key][0] English, [key][1] Simplified Chinese. {name} marks what editor.js fills in. */
static const char *const ED_TEXT[E_KEY_COUNT][2] = {
    [E_LOGIN_TITLE] = {"Sign in", "登录"},
    [E_LOGIN_INTRO] = {"Students: sign in to keep your quiz answers and see your progress. "
                       "Instructors: sign in to edit lessons. Reading the lessons and using the "
                       "playground need no account.",
                       "学生登录后，测验答案会保存下来，还能查看学习进度；教师登录后可以编辑课程。"
                       "阅读课程和使用实验场无需账号。"},
    [E_NAME] = {"Name", "用户名"},
    [E_PASSWORD] = {"Password", "密码"},
    [E_SIGN_IN] = {"Sign in", "登录"},
    [E_BAD_LOGIN] = {"Wrong name or password.", "用户名或密码错误。"},
    [E_THROTTLED] = {"Too many failed attempts. Wait a few minutes and try again.",
                     "失败次数过多，请等几分钟后再试。"},
    [E_NETWORK] = {"The server could not be reached: {detail}", "无法连接服务器：{detail}"},
    [E_LOGIN_DONE] = {"Signed in. Opening {next} …", "已登录，正在打开 {next} …"},
    [E_SIGNED_IN_AS] = {"Signed in as", "已登录："},
    [E_SIGN_OUT] = {"Sign out", "退出登录"},
    [E_EDITOR_LINK] = {"Open the lesson editor", "打开课程编辑器"},
    [E_PROGRESS_LINK] = {"See my progress", "查看我的学习进度"},
    [E_NEEDS_JS] = {"This page needs JavaScript.", "此页面需要启用 JavaScript。"},
    [E_EDITOR_TITLE] = {"Lesson editor", "课程编辑器"},
    [E_EDITOR_INTRO] = {"Edit a lesson's file on the left. The preview on the right shows it "
                        "exactly as students will see it, next to the problems tcplab check "
                        "would report. Saving keeps every earlier revision.",
                        "在左侧编辑课程文件。右侧预览与学生看到的完全一致，旁边列出 tcplab check "
                        "会报告的问题。每次保存都会保留所有以前的修订。"},
    [E_LESSON] = {"Lesson", "课程"},
    [E_LANGUAGE] = {"Language", "语言"},
    [E_SOURCE] = {"Lesson file (front matter + Markdown)", "课程文件（前置元数据 + Markdown）"},
    [E_PREVIEW] = {"Preview", "预览"},
    [E_PROBLEMS] = {"Problems", "问题"},
    [E_NO_PROBLEMS] = {"No problems.", "没有问题。"},
    [E_SAVE] = {"Save", "保存"},
    [E_REVISIONS] = {"Revisions", "修订历史"},
    [E_RESTORE] = {"Restore", "恢复"},
    [E_CURRENT] = {"current", "当前"},
    [E_LOADING] = {"Loading …", "正在加载 …"},
    [E_LOADED] = {"Loaded revision {rev}.", "已加载修订 {rev}。"},
    [E_SAVED] = {"Saved as revision {rev}.", "已保存为修订 {rev}。"},
    [E_UNSAVED] = {"Unsaved changes.", "有未保存的更改。"},
    [E_CONFLICT] =
        {"Someone else saved a newer revision (r{rev}, {author}) since you loaded "
         "this lesson. Your text is not saved.",
         "自您加载此课程以来，其他人保存了更新的修订（r{rev}，{author}）。您的文本尚未保存。"},
    [E_LOAD_THEIRS] = {"Load their version", "加载他们的版本"},
    [E_KEEP_MINE] = {"Take mine everywhere", "全部采用我的版本"},
    [E_INVALID] = {"Not saved: the lesson has problems.", "未保存：课程有问题。"},
    [E_SESSION] = {"Your session has ended or lacks the right role. Sign in again.",
                   "会话已结束或权限不足，请重新登录。"},
    [E_FAILED] = {"Failed: {detail}", "失败：{detail}"},
    [E_RESTORED] = {"Restored revision {from} as revision {rev}.",
                    "已将修订 {from} 恢复为修订 {rev}。"},
    [E_RESTORE_DIRTY] = {"Save your changes (or reload the lesson) before restoring a revision.",
                         "恢复修订前，请先保存更改（或重新加载课程）。"},
    [E_PREVIEW_STALE] = {"The preview shows the last text that could be rendered.",
                         "预览显示的是最后一次能够渲染的文本。"},
    [E_WARNINGS] = {"Saved with warnings:", "已保存，但有警告："},
    [E_NO_LESSONS] = {"No lessons yet.", "还没有课程。"},
    [E_FORBIDDEN_TITLE] = {"Not allowed", "无权访问"},
    [E_FORBIDDEN_TEXT] = {"The lesson editor is for instructors and administrators.",
                          "课程编辑器仅供教师和管理员使用。"},
    [E_CLASS_LINK] = {"Class: roster and grades", "班级：名单与成绩"},
};

static const char *tx(const char *loc, ed_key k)
{
    return ED_TEXT[k][strcmp(loc, I18N_ZH_CN) ? 0 : 1];
}

static void esc(strbuf *b, const char *s)
{
    strbuf_escape_n(b, s ? s : "", s ? strlen(s) : 0);
}

static void put_text(strbuf *b, const char *loc, ed_key k)
{
    esc(b, tx(loc, k));
}

/* data-msg-NAME="…" for each message editor.js / login.js shows. */
static void msg_attr(strbuf *b, const char *loc, const char *name, ed_key k)
{
    strbuf_printf(b, " data-msg-%s=\"", name);
    put_text(b, loc, k);
    strbuf_put(b, "\"");
}

const char *pages_editor_safe_next(const char *next)
{
    if (!next || next[0] != '/' || strstr(next, "//") || strlen(next) > NEXT_MAX)
        return NULL;
    for (const char *p = next; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("/._~?=&%-", c) != NULL;
        if (!ok)
            return NULL;
    }
    return next;
}

/* "Signed in as NAME (role). [Sign out]" */
static void who_line(strbuf *b, const char *loc, const grading_principal *p)
{
    strbuf_put(b, "<p class=\"tl-editor-user\">");
    put_text(b, loc, E_SIGNED_IN_AS);
    strbuf_put(b, " <strong class=\"tl-editor-name\">");
    esc(b, p->name);
    strbuf_put(b, "</strong> (");
    esc(b, grading_role_name(p->role));
    strbuf_put(b, ")");
    if (p->role == GRADING_INSTRUCTOR || p->role == GRADING_ADMIN) {
        strbuf_put(b, " <a class=\"tl-class-link-page\" href=\"/class\">");
        put_text(b, loc, E_CLASS_LINK);
        strbuf_put(b, "</a>");
    }
    if (p->via_cookie) {
        strbuf_put(b, " <button type=\"button\" class=\"tl-logout\">");
        put_text(b, loc, E_SIGN_OUT);
        strbuf_put(b, "</button>");
    }
    strbuf_put(b, "</p>\n");
}

void pages_login(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    const char *next = pages_editor_safe_next(http_query(req, "next"));
    grading_principal p;
    bool signed_in = guard_auth(req, &p) == GUARD_AUTH_OK && p.role != GRADING_ANONYMOUS;

    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-login\">\n<h1>");
    put_text(&b, loc, E_LOGIN_TITLE);
    strbuf_put(&b, "</h1>\n");
    if (signed_in) {
        who_line(&b, loc, &p);
        strbuf_put(&b, "<p class=\"tl-actions\">");
        if (p.role == GRADING_INSTRUCTOR || p.role == GRADING_ADMIN) {
            strbuf_put(&b, "<a class=\"tl-button\" href=\"/editor\">");
            put_text(&b, loc, E_EDITOR_LINK);
            strbuf_put(&b, "</a> ");
        }
        if (p.user_id) {
            strbuf_put(&b, "<a class=\"tl-button tl-secondary\" href=\"/progress\">");
            put_text(&b, loc, E_PROGRESS_LINK);
            strbuf_put(&b, "</a>");
        }
        strbuf_put(&b, "</p>\n");
    }
    strbuf_put(&b, "<p>");
    put_text(&b, loc, E_LOGIN_INTRO);
    strbuf_put(&b, "</p>\n<form class=\"tl-login-form\" method=\"post\" "
                   "action=\"/api/v1/login\" data-next=\"");
    esc(&b, next ? next : "");
    strbuf_put(&b, "\"");
    msg_attr(&b, loc, "bad", E_BAD_LOGIN);
    msg_attr(&b, loc, "throttled", E_THROTTLED);
    msg_attr(&b, loc, "network", E_NETWORK);
    msg_attr(&b, loc, "failed", E_FAILED);
    msg_attr(&b, loc, "done", E_LOGIN_DONE);
    strbuf_put(&b, ">\n<p class=\"tl-field\"><label for=\"login-name\">");
    put_text(&b, loc, E_NAME);
    strbuf_put(&b, "</label> <input id=\"login-name\" name=\"name\" autocomplete=\"username\" "
                   "required maxlength=\"63\" autocapitalize=\"none\" spellcheck=\"false\"></p>\n"
                   "<p class=\"tl-field\"><label for=\"login-password\">");
    put_text(&b, loc, E_PASSWORD);
    strbuf_put(&b, "</label> <input id=\"login-password\" name=\"password\" type=\"password\" "
                   "autocomplete=\"current-password\" required maxlength=\"1024\"></p>\n"
                   "<p><button type=\"submit\">");
    put_text(&b, loc, E_SIGN_IN);
    strbuf_put(&b, "</button></p>\n<p class=\"tl-login-status\" role=\"alert\" hidden></p>\n"
                   "<noscript><p class=\"tl-notice\">");
    put_text(&b, loc, E_NEEDS_JS);
    strbuf_put(&b, "</p></noscript>\n</form>\n</section>");

    char sq[NEXT_MAX * 3 + 16] = "";
    if (next) {
        /* keep ?next= across the language switch (percent-encode what a query needs) */
        size_t o = 0;
        o += (size_t)snprintf(sq, sizeof sq, "next=");
        for (const char *c = next; *c && o + 4 < sizeof sq; c++) {
            if (*c == '?' || *c == '&' || *c == '=' || *c == '%')
                o += (size_t)snprintf(sq + o, sizeof sq - o, "%%%02X", (unsigned char)*c);
            else
                sq[o++] = *c;
        }
        sq[o] = '\0';
        if (o + 2 < sizeof sq)
            strcat(sq, "&");
    }
    pages_send_private(res, 200, loc, remember, tx(loc, E_LOGIN_TITLE), "/login", NULL, sq,
                       strbuf_take(&b));
}

static void forbidden(http_response *res, const char *loc, bool remember,
                      const grading_principal *p)
{
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-forbidden\">\n<h1>");
    put_text(&b, loc, E_FORBIDDEN_TITLE);
    strbuf_put(&b, "</h1>\n<p class=\"tl-error\" role=\"alert\">");
    put_text(&b, loc, E_FORBIDDEN_TEXT);
    strbuf_put(&b, "</p>\n");
    who_line(&b, loc, p);
    strbuf_put(&b, "<p><a href=\"/lessons\">");
    esc(&b, i18n_text(loc, I18N_BACK_TO_LESSONS));
    strbuf_put(&b, "</a></p>\n</section>");
    pages_send_private(res, 403, loc, remember, tx(loc, E_FORBIDDEN_TITLE), "/editor", NULL, NULL,
                       strbuf_take(&b));
}

static void editor_page(strbuf *b, const char *loc, const grading_principal *p)
{
    strbuf_put(b, "<section class=\"tl-editor\" data-locale=\"");
    esc(b, loc);
    strbuf_put(b, "\"");
    static const struct {
        const char *name;
        ed_key key;
    } msgs[] = {
        {"loading", E_LOADING},       {"loaded", E_LOADED},
        {"saved", E_SAVED},           {"unsaved", E_UNSAVED},
        {"conflict", E_CONFLICT},     {"invalid", E_INVALID},
        {"session", E_SESSION},       {"failed", E_FAILED},
        {"restored", E_RESTORED},     {"restore-dirty", E_RESTORE_DIRTY},
        {"stale", E_PREVIEW_STALE},   {"warnings", E_WARNINGS},
        {"no-lessons", E_NO_LESSONS}, {"no-problems", E_NO_PROBLEMS},
        {"restore", E_RESTORE},       {"current", E_CURRENT},
        {"network", E_NETWORK},
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        msg_attr(b, loc, msgs[i].name, msgs[i].key);
    strbuf_put(b, ">\n<h1>");
    put_text(b, loc, E_EDITOR_TITLE);
    strbuf_put(b, "</h1>\n");
    who_line(b, loc, p);
    strbuf_put(b, "<p class=\"tl-editor-intro\">");
    put_text(b, loc, E_EDITOR_INTRO);
    strbuf_put(b, "</p>\n<noscript><p class=\"tl-notice\">");
    put_text(b, loc, E_NEEDS_JS);
    strbuf_put(b,
               "</p></noscript>\n"
               "<link rel=\"stylesheet\" href=\"/static/css/editor.css\">\n"
               "<div class=\"tl-editor-pick\">\n<p class=\"tl-field\"><label for=\"editor-slug\">");
    put_text(b, loc, E_LESSON);
    strbuf_put(b, "</label> <select id=\"editor-slug\" class=\"tl-editor-slug\"></select></p>\n"
                  "<p class=\"tl-field\"><label for=\"editor-locale\">");
    put_text(b, loc, E_LANGUAGE);
    strbuf_put(b, "</label> <select id=\"editor-locale\" class=\"tl-editor-locale\">"
                  "<option value=\"en\" lang=\"en\">English</option>"
                  "<option value=\"zh-CN\" lang=\"zh-CN\">中文</option></select></p>\n"
                  "<p class=\"tl-field\"><button type=\"button\" class=\"tl-editor-new\" "
                  "disabled></button></p>\n</div>\n"
                  "<div class=\"tl-editor-draft\" role=\"alert\" hidden></div>\n"
                  "<div class=\"tl-editor-panes\">\n"
                  "<div class=\"tl-editor-source\">\n<label for=\"editor-text\">");
    put_text(b, loc, E_SOURCE);
    strbuf_put(b, "</label>\n<div class=\"tl-editor-tools\" role=\"toolbar\"></div>\n"
                  "<textarea id=\"editor-text\" class=\"tl-editor-text\" "
                  "spellcheck=\"false\" autocapitalize=\"none\" rows=\"30\" disabled></textarea>\n"
                  "<div class=\"tl-editor-savebar\">\n<p class=\"tl-editor-actions\">"
                  "<button type=\"button\" class=\"tl-editor-save\" disabled>");
    put_text(b, loc, E_SAVE);
    strbuf_put(b, "</button> <label class=\"tl-editor-note-label\" for=\"editor-note\"></label> "
                  "<input id=\"editor-note\" class=\"tl-editor-note\" maxlength=\"500\" "
                  "autocomplete=\"off\"></p>\n"
                  "<div class=\"tl-editor-status\" role=\"status\" aria-live=\"polite\"></div>\n"
                  "<div class=\"tl-editor-conflict\" role=\"alert\" hidden>\n"
                  "<p class=\"tl-editor-conflict-how\">"
                  "</p>\n<div class=\"tl-editor-conflict-diff\"></div>\n<p>"
                  "<button type=\"button\" class=\"tl-editor-merge\"></button> "
                  "<button type=\"button\" class=\"tl-editor-mine\">");
    put_text(b, loc, E_KEEP_MINE);
    strbuf_put(b, "</button> <button type=\"button\" class=\"tl-editor-theirs\">");
    put_text(b, loc, E_LOAD_THEIRS);
    strbuf_put(b, "</button></p>\n</div>\n</div>\n");
    pages_editor_files_line(b, loc);
    strbuf_put(b, "<section class=\"tl-editor-history\">\n<h2>");
    put_text(b, loc, E_REVISIONS);
    strbuf_put(b, "</h2>\n<ol class=\"tl-revisions\"></ol>\n</section>\n</div>\n"
                  "<div class=\"tl-editor-side\">\n<section class=\"tl-editor-problems\" "
                  "aria-live=\"polite\">\n<h2>");
    put_text(b, loc, E_PROBLEMS);
    strbuf_put(b, "</h2>\n<ul class=\"tl-problems\"></ul>\n</section>\n<h2>");
    put_text(b, loc, E_PREVIEW);
    strbuf_put(b, "</h2>\n<div class=\"tl-editor-preview\" aria-live=\"off\"></div>\n"
                  "</div>\n</div>\n</section>");
}

void pages_editor(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    grading_principal p;
    if (!pages_require_signin(req, res, "/editor", loc, remember, false, &p))
        return;
    if (p.role != GRADING_INSTRUCTOR && p.role != GRADING_ADMIN) {
        forbidden(res, loc, remember, &p);
        return;
    }
    strbuf b = {0};
    editor_page(&b, loc, &p);
    pages_send_private(res, 200, loc, remember, tx(loc, E_EDITOR_TITLE), "/editor", NULL, NULL,
                       strbuf_take(&b));
}
