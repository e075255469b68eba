/*
 * pages_capture.c — GET /capture, POST /capture/figure and GET /capture/{id}, a saved
 * capture's share link (pages_capture.h).
 *
 * Owns: the page's text in English and Simplified Chinese (its own table: the page is the
 * only user), the instructions for tcpdump (Linux, macOS) and Wireshark (Windows), the
 * upload form that static/js/capture.js drives, and the HTML answer for one connection:
 * counts, a <select> of the connections, the observations with their step numbers, and
 * the figure drawn by server/lessons/figure.c from the analysis's trace, so the ladder,
 * the state diagram and the player are the lessons' own; the "Save and share" control that
 * capture.js drives, and the saved capture's page with the same answer and its link.
 * Does not: keep the file (api_captures.c saves it on request), or analyse it
 * (server/capture/).
 */
#include "pages_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "../lessons/figure.h"
#include "../util/strbuf.h"
#include "api_captures.h"
#include "pages.h"

#define HTML_TYPE "text/html; charset=utf-8"

enum {
    T_TITLE,
    T_INTRO,
    T_HOW,
    T_LINUX,
    T_LINUX_CMD,
    T_MACOS,
    T_MACOS_CMD,
    T_WINDOWS,
    T_WINDOWS_TEXT,
    T_LIMITS,
    T_FILE,
    T_SUBMIT,
    T_RESULT,
    T_CONNECTION,
    T_SUMMARY,
    T_OBS,
    T_NO_OBS,
    T_STEP,
    T_PACKET,
    T_CUT,
    T_INFERRED,
    T_NONE,
    T_FIGURE,
    T_SAVE,
    T_SAVE_NOTE,
    T_SAVED_TITLE,
    T_SAVED_INTRO,
    T_SAVED_RESULT,
    T_SHARE,
    T_OWN,
    T_COUNT
};

static const char *const text_en[T_COUNT] = {
    [T_TITLE] = "Your capture",
    [T_INTRO] =
        ("Record a real TCP connection with tcpdump or Wireshark, upload the file, and step "
         "through it like a lesson figure: for every segment, both endpoints' states "
         "before and after, and the RFC 9293 rule behind it. The file is analysed and "
         "forgotten, unless you save it to share a link."),
    [T_HOW] = "How to capture",
    [T_LINUX] = "Linux",
    [T_LINUX_CMD] = "sudo tcpdump -i any -s 0 -w my.pcap 'tcp port 8080'",
    [T_MACOS] = "macOS",
    [T_MACOS_CMD] = "sudo tcpdump -i lo0 -s 0 -w my.pcap 'tcp port 8080'",
    [T_WINDOWS] = "Windows",
    [T_WINDOWS_TEXT] = ("Install Wireshark, choose the interface (Adapter for loopback traffic "
                        "capture for programs on the same computer), type the capture filter "
                        "tcp port 8080, start, run your programs, stop, and save with File → "
                        "Save As (pcapng)."),
    [T_LIMITS] = ("Run your client and server while the capture runs, then stop it with Ctrl+C. "
                  "Use your own port instead of 8080. At most 10 MiB, 100,000 packets and 1,000 "
                  "connections."),
    [T_FILE] = "Capture file (.pcap or .pcapng)",
    [T_SUBMIT] = "Explain it",
    [T_RESULT] = "Your connection, step by step",
    [T_CONNECTION] = "Connection",
    [T_SUMMARY] = "%llu packets, %llu of them TCP; %llu others skipped.",
    [T_OBS] = "What the capture shows that the RFC would not do, or cannot tell",
    [T_NO_OBS] = "Nothing unusual: every segment follows RFC 9293.",
    [T_STEP] = "step %zu, ",
    [T_PACKET] = "packet %llu: ",
    [T_CUT] = "This connection has %zu steps; the figure shows the first %d.",
    [T_INFERRED] = "opened before the capture: states inferred",
    [T_NONE] = "The capture holds no TCP connection.",
    [T_FIGURE] = "Connection %u: %s → %s",
    [T_SAVE] = "Save and share",
    [T_SAVE_NOTE] = ("Saving keeps the file on the server so that anyone with the link sees this "
                     "analysis. Without signing in: at most 1 MiB, kept for 30 days."),
    [T_SAVED_TITLE] = "A shared capture",
    [T_SAVED_INTRO] = ("Somebody recorded this capture and shared it. Choose a connection and step "
                       "through it; to explain your own, upload it on the capture page."),
    [T_SAVED_RESULT] = "The connection, step by step",
    [T_SHARE] = "Link to this analysis",
    [T_OWN] = "Explain your own capture",
};

static const char *const text_zh[T_COUNT] = {
    [T_TITLE] = "分析你的抓包",
    [T_INTRO] =
        "用 tcpdump 或 Wireshark 抓一个真实的 TCP "
        "连接，上传抓包文件，然后像课程里的图一样逐步查看：每个报文段前后两端的状态，以及背后的 "
        "RFC 9293 规则。文件分析完就丢弃；只有你选择保存并分享时才会保留。",
    [T_HOW] = "怎样抓包",
    [T_LINUX] = "Linux",
    [T_LINUX_CMD] = "sudo tcpdump -i any -s 0 -w my.pcap 'tcp port 8080'",
    [T_MACOS] = "macOS",
    [T_MACOS_CMD] = "sudo tcpdump -i lo0 -s 0 -w my.pcap 'tcp port 8080'",
    [T_WINDOWS] = "Windows",
    [T_WINDOWS_TEXT] =
        "安装 Wireshark，选择网卡（同一台电脑上的程序互相通信时选 Adapter for loopback "
        "traffic capture），在捕获过滤器里输入 tcp port "
        "8080，开始抓包，运行你的程序，停止，再用“文件 → 另存为”保存（pcapng 格式）。",
    [T_LIMITS] = ("抓包进行时运行你的客户端和服务器，然后按 Ctrl+C 停止。把 8080 "
                  "换成你自己的端口。文件最多 10 MiB、100,000 个包、1,000 个连接。"),
    [T_FILE] = "抓包文件（.pcap 或 .pcapng）",
    [T_SUBMIT] = "开始分析",
    [T_RESULT] = "你的连接，一步一步看",
    [T_CONNECTION] = "连接",
    [T_SUMMARY] = "共 %llu 个包，其中 TCP %llu 个；跳过其他协议的包 %llu 个。",
    [T_OBS] = "抓包里 RFC 不会这样做、或者抓包本身看不出来的地方",
    [T_NO_OBS] = "没有异常：每个报文段都符合 RFC 9293。",
    [T_STEP] = "第 %zu 步，",
    [T_PACKET] = "第 %llu 个包：",
    [T_CUT] = "这个连接共有 %zu 步，图中只显示前 %d 步。",
    [T_INFERRED] = "抓包开始前已经打开：状态是推断的",
    [T_NONE] = "抓包里没有 TCP 连接。",
    [T_FIGURE] = "连接 %u：%s → %s",
    [T_SAVE] = "保存并分享",
    [T_SAVE_NOTE] =
        "保存后文件会留在服务器上，任何拿到链接的人都能看到这份分析。未登录时：文件最大 1 "
        "MiB，保留 30 天。",
    [T_SAVED_TITLE] = "分享的抓包",
    [T_SAVED_INTRO] = "这是别人抓包后分享出来的分析。选一个连接，一步一步看；想分析自己的抓包，请到"
                      "抓包页面上传。",
    [T_SAVED_RESULT] = "连接分析，一步一步看",
    [T_SHARE] = "本分析的分享链接",
    [T_OWN] = "分析你自己的抓包",
};

static const char *tx(const char *loc, int k)
{
    return !strcmp(loc, "zh-CN") ? text_zh[k] : text_en[k];
}

static void esc(strbuf *b, const char *s)
{
    strbuf_escape(b, s);
}

void pages_capture(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    strbuf b = {0};
    strbuf_put(&b, "<h1>");
    esc(&b, tx(loc, T_TITLE));
    strbuf_put(&b, "</h1>\n<p>");
    esc(&b, tx(loc, T_INTRO));
    strbuf_put(&b, "</p>\n<section class=\"tl-capture-how\">\n<h2>");
    esc(&b, tx(loc, T_HOW));
    strbuf_put(&b, "</h2>\n<dl>\n<dt>");
    esc(&b, tx(loc, T_LINUX));
    strbuf_put(&b, "</dt>\n<dd><pre tabindex=\"0\"><code>");
    esc(&b, tx(loc, T_LINUX_CMD));
    strbuf_put(&b, "</code></pre></dd>\n<dt>");
    esc(&b, tx(loc, T_MACOS));
    strbuf_put(&b, "</dt>\n<dd><pre tabindex=\"0\"><code>");
    esc(&b, tx(loc, T_MACOS_CMD));
    strbuf_put(&b, "</code></pre></dd>\n<dt>");
    esc(&b, tx(loc, T_WINDOWS));
    strbuf_put(&b, "</dt>\n<dd>");
    esc(&b, tx(loc, T_WINDOWS_TEXT));
    strbuf_put(&b, "</dd>\n</dl>\n<p>");
    esc(&b, tx(loc, T_LIMITS));
    strbuf_put(&b, "</p>\n</section>\n<section class=\"tl-capture\">\n"
                   "<form class=\"tl-capture-form\">\n<label for=\"tl-capture-file\">");
    esc(&b, tx(loc, T_FILE));
    strbuf_put(&b, "</label>\n<input id=\"tl-capture-file\" name=\"file\" type=\"file\" "
                   "accept=\".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap\" required>\n"
                   "<button type=\"submit\">");
    esc(&b, tx(loc, T_SUBMIT));
    strbuf_put(&b, "</button>\n</form>\n<p class=\"tl-capture-status\" role=\"status\" "
                   "aria-live=\"polite\"></p>\n<div class=\"tl-capture-save\" hidden>\n"
                   "<p><button type=\"button\" class=\"tl-capture-save-button\">");
    esc(&b, tx(loc, T_SAVE));
    strbuf_put(&b, "</button></p>\n<p class=\"tl-capture-save-note\">");
    esc(&b, tx(loc, T_SAVE_NOTE));
    strbuf_put(&b, "</p>\n<p class=\"tl-share-line\" hidden><a class=\"tl-share\" href=\"\">");
    esc(&b, tx(loc, T_SHARE));
    strbuf_put(&b, "</a></p>\n</div>\n<div class=\"tl-capture-result\"></div>\n</section>");
    char *main_html = strbuf_take(&b);
    pages_send_private(res, 200, loc, remember, tx(loc, T_TITLE), "/capture", NULL, NULL,
                       main_html);
}

/* The HTML answer for one connection of an analysed capture. */
static char *result_html(const capture_result *r, const char *loc, int heading)
{
    const analyze *an = r->an;
    strbuf b = {0};
    strbuf_put(&b, "<h2>");
    esc(&b, tx(loc, heading));
    strbuf_put(&b, "</h2>\n<p class=\"tl-capture-summary\">");
    strbuf_printf(&b, tx(loc, T_SUMMARY), (unsigned long long)r->packets,
                  (unsigned long long)r->tcp_packets, (unsigned long long)r->non_tcp);
    strbuf_put(&b, "</p>\n");
    size_t nc = analyze_connection_count(an);
    if (!nc) {
        strbuf_put(&b, "<p>");
        esc(&b, tx(loc, T_NONE));
        strbuf_put(&b, "</p>\n");
        return strbuf_take(&b);
    }
    strbuf_put(&b, "<p><label for=\"tl-capture-conn\">");
    esc(&b, tx(loc, T_CONNECTION));
    strbuf_put(&b, "</label>\n<select id=\"tl-capture-conn\" class=\"tl-capture-conn\">\n");
    char cl[64], sv[64];
    for (size_t i = 0; i < nc; i++) {
        const analyze_connection *c = analyze_connection_at(an, i);
        decode_endpoint_text(c->family, c->addr[SIM_CLIENT], c->port[SIM_CLIENT], cl, sizeof cl);
        decode_endpoint_text(c->family, c->addr[SIM_SERVER], c->port[SIM_SERVER], sv, sizeof sv);
        strbuf_printf(&b, "<option value=\"%u\"%s>", (unsigned)c->id,
                      c->id == r->connection ? " selected" : "");
        strbuf_printf(&b, "%u: ", (unsigned)c->id);
        esc(&b, cl);
        strbuf_put(&b, " → ");
        esc(&b, sv);
        strbuf_printf(&b, " (%llu, %s / %s%s%s)", (unsigned long long)c->packets,
                      tcp_state_name(c->state[SIM_CLIENT]), tcp_state_name(c->state[SIM_SERVER]),
                      c->inferred ? "; " : "", c->inferred ? tx(loc, T_INFERRED) : "");
        strbuf_put(&b, "</option>\n");
    }
    strbuf_put(&b, "</select></p>\n<h3>");
    esc(&b, tx(loc, T_OBS));
    strbuf_put(&b, "</h3>\n");
    size_t shown = 0;
    char text[512];
    for (size_t i = 0; i < analyze_observation_count(an); i++) {
        const analyze_observation *o = analyze_observation_at(an, i);
        if (o->connection != r->connection)
            continue;
        if (!shown++)
            strbuf_put(&b, "<ul class=\"tl-capture-obs\">\n");
        analyze_obs_text(o, !strcmp(loc, "zh-CN"), text, sizeof text);
        strbuf_printf(&b,
                      "<li data-kind=\"%s\" data-step=\"%zu\"><span class=\"tl-capture-where\">",
                      analyze_obs_name(o->kind), o->step);
        if (o->step)
            strbuf_printf(&b, tx(loc, T_STEP), o->step);
        strbuf_printf(&b, tx(loc, T_PACKET), (unsigned long long)o->packet);
        strbuf_put(&b, "</span>");
        esc(&b, text);
        strbuf_put(&b, "</li>\n");
    }
    if (shown)
        strbuf_put(&b, "</ul>\n");
    else {
        strbuf_put(&b, "<p>");
        esc(&b, tx(loc, T_NO_OBS));
        strbuf_put(&b, "</p>\n");
    }
    sim_trace view = *analyze_trace(an);
    if (view.count > FIGURE_MAX_STEPS) {
        strbuf_put(&b, "<p>");
        strbuf_printf(&b, tx(loc, T_CUT), view.count, FIGURE_MAX_STEPS);
        strbuf_put(&b, "</p>\n");
        view.count = FIGURE_MAX_STEPS;
        view.end_ms = view.steps[view.count - 1].t_ms;
        memcpy(view.final, view.steps[view.count - 1].vars, sizeof view.final);
    }
    const analyze_connection *c = analyze_connection_at(an, r->connection - 1);
    decode_endpoint_text(c->family, c->addr[SIM_CLIENT], c->port[SIM_CLIENT], cl, sizeof cl);
    decode_endpoint_text(c->family, c->addr[SIM_SERVER], c->port[SIM_SERVER], sv, sizeof sv);
    char title[200];
    snprintf(title, sizeof title, tx(loc, T_FIGURE), (unsigned)r->connection, cl, sv);
    char *fig = view.count ? figure_render_trace(&view, title, 1, loc) : NULL;
    if (fig) {
        strbuf_put(&b, fig);
        free(fig);
    }
    return strbuf_take(&b);
}

void pages_capture_figure(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    (void)remember;
    capture_result r;
    if (!api_captures_analyze(req, res, &r))
        return;
    char *html = result_html(&r, loc, T_RESULT);
    capture_result_cleanup(&r);
    if (!html) {
        http_problem(res, 500, NULL, "out of memory rendering the analysis");
        return;
    }
    http_text(res, 200, HTML_TYPE, html, strlen(html));
    free(html);
    http_set_header(res, "Cache-Control", "no-store");
    http_set_header(res, "Content-Language", loc);
}

void pages_capture_saved(const http_request *req, http_response *res)
{
    bool remember;
    const char *loc = pages_locale(req, &remember);
    const char *id = req->param_count ? req->params[0] : "";
    capture_result r;
    if (!api_captures_saved(req, res, id, &r)) {
        if (res->status == 404)
            pages_not_found(req, res);
        return;
    }
    char *result = result_html(&r, loc, T_SAVED_RESULT);
    capture_result_cleanup(&r);
    if (!result) {
        http_problem(res, 500, NULL, "out of memory rendering the analysis");
        return;
    }
    /* the id was found in the store: it is base64url, safe in a path and in HTML */
    char path[64], query[32] = "";
    snprintf(path, sizeof path, "/capture/%s", id);
    const char *conn = http_query(req, "connection");
    if (conn && *conn && strlen(conn) <= 4 && strspn(conn, "0123456789") == strlen(conn))
        snprintf(query, sizeof query, "connection=%.10s&", conn);
    strbuf b = {0};
    strbuf_put(&b, "<h1>");
    esc(&b, tx(loc, T_SAVED_TITLE));
    strbuf_put(&b, "</h1>\n<p>");
    esc(&b, tx(loc, T_SAVED_INTRO));
    strbuf_printf(&b, "</p>\n<p class=\"tl-share-line\"><a class=\"tl-share\" href=\"%s\">", path);
    esc(&b, tx(loc, T_SHARE));
    strbuf_put(&b, "</a></p>\n<p><a href=\"/capture\">");
    esc(&b, tx(loc, T_OWN));
    strbuf_printf(&b,
                  "</a></p>\n<section class=\"tl-capture\" data-capture-id=\"%s\">\n"
                  "<p class=\"tl-capture-status\" role=\"status\" aria-live=\"polite\"></p>\n"
                  "<div class=\"tl-capture-result\">\n",
                  id);
    strbuf_put(&b, result);
    free(result);
    strbuf_put(&b, "</div>\n</section>");
    pages_send_private(res, 200, loc, remember, tx(loc, T_SAVED_TITLE), path, NULL, query,
                       strbuf_take(&b));
}
