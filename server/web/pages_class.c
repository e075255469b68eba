/*
 * pages_class.c — GET /class and GET /signin (see pages_class.h).
 *
 * Owns: the pages' markup and UI strings (en, zh-CN) and the role check of /class. Both
 * pages are per user: Cache-Control: no-store. No inline script or style (CSP): class.js
 * and signin.js do the work, started by app.js.
 * Does not: read the store beyond who is asking.
 */
#include "pages_class.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../grading/auth.h"
#include "../lessons/i18n.h"
#include "../util/strbuf.h"
#include "guard.h"
#include "pages.h"

#define HTML_TYPE "text/html; charset=utf-8"

/* name (the data-msg-NAME attribute, also the lookup key), English, Chinese */
typedef struct msg {
    const char *name, *en, *zh;
} msg;

/* The page text; {x} marks what the scripts fill in. */
static const msg CLASS_TEXT[] = {
    {"title", "Class", "班级"},
    {"intro",
     "Your students, their progress and their grades. Choose a section to see only its "
     "students; everything on the page follows the choice.",
     "学生名单、学习进度和成绩。选择教学班后，页面上的所有内容都只显示该班学生。"},
    {"section", "Section", "教学班"},
    {"all-sections", "All sections", "全部教学班"},
    {"no-section", "(no section)", "（未分班）"},
    {"roster", "Roster", "学生名单"},
    {"progress", "Progress by lesson", "各课进度"},
    {"gradebook", "Gradebook", "成绩册"},
    {"statistics", "Question statistics", "题目统计"},
    {"history", "Attempt history", "答题记录"},
    {"import", "Import roster…", "导入名单…"},
    {"import-title", "Import a roster from a CSV file", "从 CSV 文件导入学生名单"},
    {"import-help",
     "A header row, then one student per line: name, login, and optionally email and "
     "section. A Canvas gradebook export works as it is. Importing the same file again "
     "changes nothing.",
     "第一行是表头，之后每行一名学生：姓名（name）、登录名（login），可选邮箱（email）和教学班"
     "（section）。Canvas 导出的成绩表可直接使用。同一文件重复导入不会产生任何变化。"},
    {"file", "CSV file", "CSV 文件"},
    {"confirm", "Import", "确认导入"},
    {"cancel", "Cancel", "取消"},
    {"close", "Close", "关闭"},
    {"preview",
     "Preview: {created} new, {updated} changed, {unchanged} unchanged. Nothing is saved "
     "until you press Import.",
     "预览：新增 {created} 人，更新 {updated} 人，{unchanged} "
     "人无变化。点击“确认导入”之前不会保存任何内容。"},
    {"errors",
     "{count} problem(s) in the file. Nothing was imported: fix the lines below and choose "
     "the file again.",
     "文件中有 {count} 处问题，未导入任何内容。请按下表修改后重新选择文件。"},
    {"done", "Imported: {created} new, {updated} changed, {unchanged} unchanged.",
     "导入完成：新增 {created} 人，更新 {updated} 人，{unchanged} 人无变化。"},
    {"links",
     "Sign-in links for the new students are shown only now. Copy them or download them "
     "before you close this dialog.",
     "新学生的登录链接只显示这一次，关闭本窗口前请复制或下载保存。"},
    {"download-links", "Download the links (CSV)", "下载登录链接（CSV）"},
    {"col-line", "Line", "行号"},
    {"col-column", "Column", "列"},
    {"col-problem", "Problem", "问题"},
    {"col-login", "Login", "登录名"},
    {"col-name", "Name", "姓名"},
    {"col-email", "Email", "邮箱"},
    {"col-section", "Section", "教学班"},
    {"col-action", "Change", "变化"},
    {"col-link", "Sign-in link", "登录链接"},
    {"col-account", "Account", "账号状态"},
    {"col-student", "Student", "学生"},
    {"col-total", "Total", "总分"},
    {"col-question", "Question", "题目"},
    {"col-attempts", "Attempts", "作答次数"},
    {"col-mean", "Mean score", "平均得分"},
    {"col-right", "Students right", "答对人数"},
    {"col-missed", "Students who missed it", "未答对人数"},
    {"col-wrong", "Common wrong answers", "常见错误答案"},
    {"col-time", "Time", "时间"},
    {"col-item", "Item", "题目"},
    {"col-score", "Score", "得分"},
    {"col-answer", "Answer", "答案"},
    {"act-created", "new", "新增"},
    {"act-updated", "changed", "更新"},
    {"act-unchanged", "unchanged", "无变化"},
    {"acc-password", "password set", "已设密码"},
    {"acc-link", "link not used yet", "登录链接未使用"},
    {"acc-none", "no password", "未设密码"},
    {"reset", "New link", "重发链接"},
    {"remove", "Remove", "移出"},
    {"confirm-remove", "Remove {login} from the class? Their submissions are kept.",
     "确定将 {login} 移出班级吗？其提交记录会保留。"},
    {"confirm-reset", "Give {login} a new sign-in link? Their password and old links stop working.",
     "要为 {login} 生成新的登录链接吗？其原密码和旧链接将失效。"},
    {"reset-done",
     "New sign-in link for {login} (shown only now):", "{login} 的新登录链接（只显示这一次）："},
    {"removed", "{login} was removed.", "已将 {login} 移出班级。"},
    {"csv", "Download for Canvas (CSV)", "下载 Canvas 成绩表（CSV）"},
    {"most-missed", "Questions most students miss", "多数学生答错的题目"},
    {"missed-line", "{ref}: {missed} of {students} students have not got it right",
     "{ref}：{students} 名学生中有 {missed} 人尚未答对"},
    {"none-missed", "No question has been missed yet.", "目前还没有答错的题目。"},
    {"progress-cell", "{right} of {questions} right, {attempted} tried",
     "答对 {right}/{questions} 题，已作答 {attempted} 题"},
    {"history-of", "Attempts of {name}", "{name} 的答题记录"},
    {"history-hint", "Choose a student's name in the roster to see their attempts.",
     "在学生名单中点击学生姓名，即可查看其答题记录。"},
    {"no-attempts", "No attempts yet.", "还没有答题记录。"},
    {"no-students", "No students yet. Import a roster to start.", "还没有学生，请先导入名单。"},
    {"no-data", "Nothing to show yet.", "暂无数据。"},
    {"loading", "Loading …", "正在加载 …"},
    {"failed", "Failed: {detail}", "出错了：{detail}"},
    {"session", "Your session has ended. Sign in again.", "登录已过期，请重新登录。"},
    {"forbidden-title", "Not allowed", "无权访问"},
    {"forbidden-text", "The class page is for instructors and administrators.",
     "班级页面仅供教师和管理员使用。"},
    {"signin-title", "Sign in with your link", "使用登录链接登录"},
    {"signin-working", "Signing you in …", "正在登录 …"},
    {"signin-bad",
     "This sign-in link does not work: it is unknown, already used or expired. Ask your "
     "instructor for a new one.",
     "此登录链接无效：链接不存在、已被使用或已过期。请向老师索取新的链接。"},
    {"signin-missing", "Open the link exactly as your instructor gave it to you.",
     "请完整打开老师发给你的链接。"},
    {"signin-done",
     "Signed in as {name}. Choose a password so that next time you can sign in without a "
     "link.",
     "你已登录，用户名为 {name}。请设置密码，以后无需链接即可登录。"},
    {"new-password", "New password (at least 8 characters)", "新密码（至少 8 个字符）"},
    {"save-password", "Save password", "保存密码"},
    {"password-saved", "Password saved.", "密码已保存。"},
    {"password-short", "The password needs at least 8 characters.", "密码至少需要 8 个字符。"},
    {"to-lessons", "Go to the lessons", "前往课程"},
};

static const char *tx(const char *loc, const char *name)
{
    bool zh = !strcmp(loc, I18N_ZH_CN);
    for (size_t i = 0; i < sizeof CLASS_TEXT / sizeof CLASS_TEXT[0]; i++)
        if (!strcmp(CLASS_TEXT[i].name, name))
            return zh ? CLASS_TEXT[i].zh : CLASS_TEXT[i].en;
    return name; /* a missing key shows itself: a bug, caught by the page tests */
}

static void put(strbuf *b, const char *loc, const char *name)
{
    strbuf_escape(b, tx(loc, name));
}

/* Every message as data-msg-NAME="…" (class.js and signin.js read them). */
static void all_msgs(strbuf *b, const char *loc)
{
    for (size_t i = 0; i < sizeof CLASS_TEXT / sizeof CLASS_TEXT[0]; i++) {
        strbuf_printf(b, " data-msg-%s=\"", CLASS_TEXT[i].name);
        put(b, loc, CLASS_TEXT[i].name);
        strbuf_put(b, "\"");
    }
}

/* A <section> with a heading and an empty body class.js fills. */
static void panel(strbuf *b, const char *loc, const char *id, const char *title_key,
                  const char *extra_html)
{
    strbuf_printf(
        b,
        "<section class=\"tl-class-panel\" id=\"class-%s\" aria-labelledby=\"class-%s-h\">\n"
        "<h2 id=\"class-%s-h\">",
        id, id, id);
    put(b, loc, title_key);
    strbuf_put(b, "</h2>\n");
    if (extra_html)
        strbuf_put(b, extra_html);
    strbuf_printf(b, "<div class=\"tl-class-body tl-class-%s-body\" aria-live=\"polite\"><p>", id);
    put(b, loc, "loading");
    strbuf_put(b, "</p></div>\n</section>\n");
}

void pages_class(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    grading_principal p;
    if (!pages_require_signin(req, res, "/class", loc, remember, false, &p))
        return;
    strbuf b = {0};
    if (p.role != GRADING_INSTRUCTOR && p.role != GRADING_ADMIN) {
        strbuf_put(&b, "<section class=\"tl-forbidden\">\n<h1>");
        put(&b, loc, "forbidden-title");
        strbuf_put(&b, "</h1>\n<p class=\"tl-error\" role=\"alert\">");
        put(&b, loc, "forbidden-text");
        strbuf_put(&b, "</p>\n<p><a href=\"/lessons\">");
        strbuf_escape(&b, i18n_text(loc, I18N_BACK_TO_LESSONS));
        strbuf_put(&b, "</a></p>\n</section>");
        pages_send_private(res, 403, loc, remember, tx(loc, "forbidden-title"), "/class", NULL,
                           NULL, strbuf_take(&b));
        return;
    }
    strbuf_put(&b, "<section class=\"tl-class\" data-locale=\"");
    strbuf_escape(&b, loc);
    strbuf_put(&b, "\"");
    all_msgs(&b, loc);
    strbuf_put(&b, ">\n<h1>");
    put(&b, loc, "title");
    strbuf_put(&b, "</h1>\n<p>");
    put(&b, loc, "intro");
    strbuf_put(&b, "</p>\n<div class=\"tl-class-bar\">\n<p class=\"tl-field\">"
                   "<label for=\"class-section\">");
    put(&b, loc, "section");
    strbuf_put(&b, "</label> <select id=\"class-section\" class=\"tl-class-section\">"
                   "<option value=\"*\">");
    put(&b, loc, "all-sections");
    strbuf_put(&b, "</option></select></p>\n<p><button type=\"button\" class=\"tl-class-import\">");
    put(&b, loc, "import");
    strbuf_put(&b, "</button></p>\n</div>\n<p class=\"tl-class-status\" role=\"status\"></p>\n");
    /* the import dialog */
    strbuf_put(&b, "<dialog class=\"tl-class-dialog\" aria-labelledby=\"class-import-h\">\n"
                   "<h2 id=\"class-import-h\">");
    put(&b, loc, "import-title");
    strbuf_put(&b, "</h2>\n<p>");
    put(&b, loc, "import-help");
    strbuf_put(&b, "</p>\n<p class=\"tl-field\"><label for=\"class-file\">");
    put(&b, loc, "file");
    strbuf_put(&b, "</label> <input id=\"class-file\" class=\"tl-class-file\" type=\"file\" "
                   "accept=\".csv,text/csv,text/plain\"></p>\n"
                   "<p class=\"tl-class-import-status\" role=\"status\"></p>\n"
                   "<div class=\"tl-class-preview\"></div>\n<p class=\"tl-class-dialog-actions\">"
                   "<button type=\"button\" class=\"tl-class-confirm\" disabled>");
    put(&b, loc, "confirm");
    strbuf_put(&b, "</button> <button type=\"button\" class=\"tl-class-cancel\">");
    put(&b, loc, "close");
    strbuf_put(&b, "</button></p>\n</dialog>\n");
    panel(&b, loc, "roster", "roster", NULL);
    panel(&b, loc, "progress", "progress", NULL);
    {
        strbuf ex = {0};
        strbuf_put(&ex, "<p><a class=\"tl-class-csv\" href=\"/api/v1/gradebook?format=csv\" "
                        "download>");
        put(&ex, loc, "csv");
        strbuf_put(&ex, "</a></p>\n");
        char *exh = strbuf_take(&ex);
        panel(&b, loc, "gradebook", "gradebook", exh);
        free(exh);
    }
    panel(&b, loc, "statistics", "statistics", NULL);
    panel(&b, loc, "history", "history", NULL);
    strbuf_put(&b, "<noscript><p class=\"tl-notice\">This page needs JavaScript. "
                   "此页面需要启用 JavaScript。</p></noscript>\n</section>");
    pages_send_private(res, 200, loc, remember, tx(loc, "title"), "/class", NULL, NULL,
                       strbuf_take(&b));
}

void pages_signin(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    strbuf b = {0};
    strbuf_put(&b, "<section class=\"tl-signin\"");
    all_msgs(&b, loc);
    strbuf_put(&b, ">\n<h1>");
    put(&b, loc, "signin-title");
    strbuf_put(&b, "</h1>\n<p class=\"tl-signin-status\" role=\"status\">");
    put(&b, loc, "signin-working");
    strbuf_put(&b, "</p>\n<form class=\"tl-signin-form\" hidden>\n<p class=\"tl-field\">"
                   "<label for=\"signin-password\">");
    put(&b, loc, "new-password");
    strbuf_put(&b, "</label> <input id=\"signin-password\" name=\"password\" type=\"password\" "
                   "autocomplete=\"new-password\" minlength=\"8\" maxlength=\"1024\" required>"
                   "</p>\n<p><button type=\"submit\">");
    put(&b, loc, "save-password");
    strbuf_put(&b,
               "</button></p>\n</form>\n<p class=\"tl-signin-next\" hidden><a href=\"/lessons\">");
    put(&b, loc, "to-lessons");
    strbuf_put(&b, "</a></p>\n<noscript><p class=\"tl-notice\">This page needs JavaScript. "
                   "此页面需要启用 JavaScript。</p></noscript>\n</section>");
    pages_send_private(res, 200, loc, remember, tx(loc, "signin-title"), "/signin", NULL, NULL,
                       strbuf_take(&b));
}
