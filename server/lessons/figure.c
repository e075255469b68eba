/*
 * figure.c — the scenario figure of dom.md (see figure.h).
 *
 * Owns: resolving a ```scenario block (catalog name or inline JSON), running it, and
 * assembling the figure: caption, ladder SVG, Figure 5 SVG, empty player, the text table
 * of steps (readable without JavaScript) and the trace JSON for the player. In zh-CN the
 * table shows each rule in Chinese (server/scenario/rules_zh.h; a rule without a text stays
 * English, marked lang="en") and the trace JSON gets "rule_zh" next to the English "rule".
 * Does not: draw (svg.c) or encode the trace (scenario_json.c's trace_to_json).
 */
#include "figure.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/catalog.h"
#include "../scenario/rules_zh.h"
#include "../scenario/scenario_json.h"
#include "svg.h"

static bool is_zh(const char *locale)
{
    return locale && strcmp(locale, "zh-CN") == 0;
}
static const char *tr(const char *locale, const char *en, const char *zh)
{
    return is_zh(locale) ? zh : en;
}

static void set_err(char *err, size_t n, const char *fmt, const char *a)
{
    if (err && n)
        snprintf(err, n, fmt, a);
}

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

int figure_run_source(const char *src, size_t len, sim_trace *trace, char **title_out,
                      const char **name_out, char *err, size_t err_size)
{
    if (title_out)
        *title_out = NULL;
    if (name_out)
        *name_out = NULL;
    while (len && isspace((unsigned char)*src)) {
        src++;
        len--;
    }
    while (len && isspace((unsigned char)src[len - 1]))
        len--;
    if (len == 0) {
        set_err(err, err_size, "%sempty scenario block: give a built-in name or scenario JSON", "");
        return -1;
    }
    const char *json_text = src;
    size_t json_len = len;
    const catalog_entry *ce = NULL;
    char title_buf[256] = "";
    if (src[0] != '{') {
        char name[72];
        if (!name_ok(src, len)) {
            snprintf(name, sizeof name, "%.*s", (int)(len > 60 ? 60 : len), src);
            set_err(err, err_size, "scenario block: \"%s\" is neither a built-in name nor JSON",
                    name);
            return -1;
        }
        snprintf(name, sizeof name, "%.*s", (int)len, src);
        ce = catalog_find(name);
        if (!ce) {
            set_err(err, err_size, "unknown scenario \"%s\"", name);
            return -1;
        }
        json_text = ce->json;
        json_len = strlen(ce->json);
        snprintf(title_buf, sizeof title_buf, "%s", ce->title);
    } else {
        json_t *root = json_loadb(src, len, 0, NULL);
        json_t *ti = root ? json_object_get(root, "title") : NULL;
        if (json_is_string(ti))
            snprintf(title_buf, sizeof title_buf, "%s", json_string_value(ti));
        json_decref(root);
    }
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    sim *s = sim_new();
    int rc = -1;
    if (!sc || !errs || !s) {
        set_err(err, err_size, "%sout of memory", "");
        goto out;
    }
    memset(errs, 0, sizeof *errs);
    if (scenario_parse(json_text, json_len, sc, errs) != 0) {
        if (err && err_size) {
            if (errs->count == 0)
                snprintf(err, err_size, "invalid scenario");
            else if (errs->malformed)
                snprintf(err, err_size, "scenario JSON: %s", errs->items[0].detail);
            else
                snprintf(err, err_size, "scenario %s: %s",
                         errs->items[0].pointer[0] ? errs->items[0].pointer : "(root)",
                         errs->items[0].detail);
        }
        goto out;
    }
    char msg[256] = "";
    if (sim_run(s, sc, trace, msg, sizeof msg) != SIM_OK) {
        set_err(err, err_size, "scenario does not run: %s", msg);
        goto out;
    }
    if (trace->count > FIGURE_MAX_STEPS) {
        char n[32];
        snprintf(n, sizeof n, "%zu", trace->count);
        if (err && err_size)
            snprintf(err, err_size, "scenario produces %s steps; a figure shows at most %d", n,
                     FIGURE_MAX_STEPS);
        goto out;
    }
    if (title_out) {
        *title_out = strdup(title_buf);
        if (!*title_out) {
            set_err(err, err_size, "%sout of memory", "");
            goto out;
        }
    }
    if (name_out && ce)
        *name_out = ce->name;
    rc = 0;
out:
    sim_free(s);
    free(sc);
    free(errs);
    return rc;
}

static char *render_trace(const sim_trace *t, const char *title, const char *scenario_name,
                          int figure_no, const char *locale, unsigned flags);

char *figure_render_block(const char *src, size_t len, int figure_no, const char *locale, char *err,
                          size_t err_size)
{
    return figure_render_block_flags(src, len, figure_no, locale, 0, err, err_size);
}

char *figure_render_block_flags(const char *src, size_t len, int figure_no, const char *locale,
                                unsigned flags, char *err, size_t err_size)
{
    sim_trace t;
    sim_trace_init(&t);
    char *title = NULL;
    const char *name = NULL;
    if (figure_run_source(src, len, &t, &title, &name, err, err_size) != 0) {
        sim_trace_cleanup(&t);
        return NULL;
    }
    char *html = render_trace(&t, title, name, figure_no, locale, flags);
    if (!html)
        set_err(err, err_size, "%sout of memory", "");
    free(title);
    sim_trace_cleanup(&t);
    return html;
}

char *figure_render_trace(const sim_trace *t, const char *title, int figure_no, const char *locale)
{
    return figure_render_trace_named(t, title, NULL, figure_no, locale);
}

static const char *kind_text(sim_step_kind k, const char *locale)
{
    static const char *const en[] = {"call", "send", "receive", "drop", "timeout", "inject"};
    static const char *const zh[] = {"调用", "发送", "接收", "丢弃", "超时", "注入"};
    if ((unsigned)k > SIM_STEP_INJECT)
        return "?";
    return is_zh(locale) ? zh[k] : en[k];
}

/* `text` escaped, its first letter capitalised as the start of a sentence ("retransmission
 * timeout …" → "Retransmission timeout …"); NULL writes nothing. */
static void put_sentence(strbuf *b, const char *text)
{
    if (!text || !*text)
        return;
    if (*text >= 'a' && *text <= 'z') {
        char first[2] = {(char)(*text - 'a' + 'A'), '\0'};
        strbuf_put(b, first);
        text++;
    }
    strbuf_escape(b, text);
}

/* The steps as a table, in a frame of its own that scrolls sideways on a narrow screen (it
 * takes the keyboard focus, with a name, so that scrolling needs no mouse). */
static void steps_table(strbuf *b, const sim_trace *t, const char *title, const char *locale)
{
    strbuf_put(b, "<div class=\"tl-steps-frame\" tabindex=\"0\" role=\"region\" aria-label=\"");
    strbuf_escape(b, title);
    strbuf_escape(b, tr(locale, ": steps as a table (scrolls)", "：步骤表（可滚动）"));
    strbuf_put(b, "\"><table class=\"tl-steps\"><caption>");
    strbuf_escape(b, tr(locale, "Steps of this trace", "本轨迹的各个步骤"));
    strbuf_put(b, "</caption><thead><tr>");
    const char *cols_en[] = {"#",   "Time (ms)", "Endpoint", "Kind",  "Flags",
                             "SEQ", "ACK",       "LEN",      "State", "Rule"};
    const char *cols_zh[] = {"#",   "时间（毫秒）", "端点", "类型", "标志",
                             "SEQ", "ACK",          "LEN",  "状态", "规则"};
    for (size_t i = 0; i < 10; i++) {
        strbuf_put(b, "<th scope=\"col\">");
        strbuf_escape(b, is_zh(locale) ? cols_zh[i] : cols_en[i]);
        strbuf_put(b, "</th>");
    }
    strbuf_put(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *s = &t->steps[i];
        strbuf_printf(b, "<tr data-step=\"%zu\"><td>%zu</td><td>%lld</td><td>", i + 1, i + 1,
                      (long long)s->t_ms);
        strbuf_escape(b, s->endpoint == SIM_SERVER ? tr(locale, "server", "服务器")
                                                   : tr(locale, "client", "客户端"));
        if (t->multi) { /* listen queues: whose connection */
            strbuf_put(b, " · <code>");
            strbuf_escape(b, sim_trace_conn_name(t, s->conn));
            strbuf_put(b, "</code>");
        }
        strbuf_put(b, "</td><td>");
        strbuf_escape(b, kind_text(s->kind, locale));
        if (s->kind == SIM_STEP_CALL) {
            strbuf_put(b, " <code>");
            strbuf_escape(b, sim_call_name(s->call));
            if (s->call == TCP_CALL_SEND)
                strbuf_printf(b, " %lu", (unsigned long)s->bytes);
            strbuf_put(b, "</code>");
        }
        if (s->kind == SIM_STEP_TIMEOUT && s->timer != SIM_TIMER_NONE) {
            strbuf_put(b, " (");
            strbuf_escape(b, sim_timer_name(s->timer));
            strbuf_put(b, ")");
        }
        if (s->retransmission)
            strbuf_escape(b, tr(locale, " (retransmission)", "（重传）"));
        if (s->duplicate)
            strbuf_escape(b, tr(locale, " (duplicate)", "（重复副本）"));
        if (s->error || s->signal) {
            strbuf_put(b, s->error ? " <span class=\"tl-error\">" : " <span class=\"tl-signal\">");
            strbuf_escape(b, s->error ? s->error : s->signal);
            strbuf_put(b, "</span>");
        }
        strbuf_put(b, "</td>");
        if (s->has_segment) {
            char fl[32];
            svg_flags_text(s->seg.flags, fl, sizeof fl);
            strbuf_printf(b, "<td>%s</td><td>%lu</td>", fl, (unsigned long)s->seg.seq);
            /* the acknowledgment field means something only with the ACK flag (§3.1) */
            if (s->seg.flags & TCP_ACK) {
                strbuf_printf(b, "<td>%lu</td>", (unsigned long)s->seg.ack);
            } else {
                strbuf_put(b, "<td title=\"");
                strbuf_escape(b, tr(locale, "no ACK flag: the field is not used",
                                    "没有 ACK 标志，这个字段不起作用"));
                strbuf_put(b, "\">–</td>");
            }
            strbuf_printf(b, "<td>%lu</td>", (unsigned long)s->seg.len);
        } else {
            strbuf_put(b, "<td></td><td></td><td></td><td></td>");
        }
        strbuf_put(b, "<td>");
        strbuf_put(b, tcp_state_name(s->state_before));
        if (s->state_after != s->state_before) {
            strbuf_put(b, " → ");
            strbuf_put(b, tcp_state_name(s->state_after));
        }
        if (t->multi && (i == 0 || s->syn_queue != t->steps[i - 1].syn_queue ||
                         s->accept_queue != t->steps[i - 1].accept_queue))
            strbuf_printf(b,
                          is_zh(locale) ? "<br><small>半连接队列 %u，全连接队列 %u</small>"
                                        : "<br><small>SYN queue %u, accept queue %u</small>",
                          s->syn_queue, s->accept_queue);
        if (s->queue_full)
            strbuf_escape(
                b, s->queue_full == SIM_QUEUE_SYN
                       ? tr(locale, " (dropped: SYN queue full)", "（丢弃：半连接队列已满）")
                       : tr(locale, " (dropped: accept queue full)", "（丢弃：全连接队列已满）"));
        strbuf_put(b, "</td><td>");
        const char *zh = is_zh(locale) ? rules_zh_lookup(s->rule) : NULL;
        if (zh) {
            put_sentence(b, zh);
        } else if (is_zh(locale) && s->rule && *s->rule) {
            strbuf_put(b, "<span lang=\"en\">");
            put_sentence(b, s->rule);
            strbuf_put(b, "</span>");
        } else {
            put_sentence(b, s->rule);
        }
        strbuf_put(b, "</td></tr>");
    }
    strbuf_put(b, "</tbody></table></div>");
}

/* The key to the colours and marks of both diagrams (swatches drawn by app.css). */
static void legend(strbuf *b, const char *locale)
{
    static const char *const items[][3] = {
        {"client", "Client", "客户端"},
        {"server", "Server", "服务器"},
        {"injected", "Injected segment", "注入的报文段"},
        {"rtx", "Retransmission (↻)", "重传（↻）"},
        {"lost", "Lost segment", "丢失的报文段"},
        {"timer", "Timer expires", "计时器到期"},
        {"rto", "Retransmission timeout (RTO)", "重传超时间隔（RTO）"},
        {"both", "Both sides in this state", "双方处于同一状态"},
    };
    strbuf_put(b, "<ul class=\"tl-legend\" aria-label=\"");
    strbuf_escape(b, tr(locale, "Legend", "图例"));
    strbuf_put(b, "\">");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        strbuf_printf(b, "<li><span class=\"tl-sw tl-sw-%s\" aria-hidden=\"true\"></span>",
                      items[i][0]);
        strbuf_escape(b, tr(locale, items[i][1], items[i][2]));
        strbuf_put(b, "</li>");
    }
    strbuf_put(b, "</ul>");
}

/* The trace JSON, safe inside <script>: "</" → "<\/" and "<!--" → "\u003c!--". In zh-CN
 * each step also carries "rule_zh". */
static void trace_script(strbuf *b, const sim_trace *t, const char *locale)
{
    json_t *j = trace_to_json_opts(t, NULL, is_zh(locale));
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text) {
        b->failed = true;
        return;
    }
    strbuf_put(b, "<script type=\"application/json\" class=\"tl-trace\">");
    const char *run = text;
    for (const char *p = text; *p; p++) {
        if (p[0] == '<' && p[1] == '/') {
            strbuf_putn(b, run, (size_t)(p - run));
            strbuf_put(b, "<\\/");
            p++;
            run = p + 1;
        } else if (strncmp(p, "<!--", 4) == 0) {
            strbuf_putn(b, run, (size_t)(p - run));
            strbuf_put(b, "\\u003c");
            run = p + 1;
        }
    }
    strbuf_put(b, run);
    strbuf_put(b, "</script>");
    free(text);
}

char *figure_render_trace_named(const sim_trace *t, const char *title, const char *scenario_name,
                                int figure_no, const char *locale)
{
    return render_trace(t, title, scenario_name, figure_no, locale, 0);
}

static char *render_trace(const sim_trace *t, const char *title, const char *scenario_name,
                          int figure_no, const char *locale, unsigned flags)
{
    strbuf b;
    strbuf_init(&b);
    char id[32];
    snprintf(id, sizeof id, "scn-%d", figure_no);
    /* A built-in shown under its own (English) title gets the title in the page's locale. */
    const catalog_entry *ce = scenario_name && *scenario_name ? catalog_find(scenario_name) : NULL;
    if (ce && (!title || !*title || !strcmp(title, ce->title)))
        title = catalog_title(ce, locale);
    const char *cap = title && *title ? title : tr(locale, "Scenario", "场景");
    strbuf_printf(&b, "<figure class=\"tl-scenario\" id=\"%s\" data-scenario=\"", id);
    strbuf_escape(&b, scenario_name ? scenario_name : "");
    strbuf_printf(&b, "\" data-steps=\"%zu\"%s><figcaption>", t->count,
                  (flags & FIGURE_DIAGRAM_LARGE) ? " data-diagram=\"large\"" : "");
    strbuf_escape(&b, cap);
    strbuf_put(&b, "</figcaption>");
    legend(&b, locale);
    strbuf_put(&b, "<div class=\"tl-ladder\">");
    svg_ladder_to(&b, t, cap, id, locale);
    strbuf_put(&b, "</div><div class=\"tl-diagram\">");
    svg_state_diagram_to(&b, t, id, locale);
    strbuf_printf(&b, "</div><div class=\"tl-player\" data-for=\"%s\"></div>", id);
    /* the table repeats the diagrams in text; folded by default, it keeps the figure short */
    strbuf_put(&b, "<details class=\"tl-steps-details\"><summary>");
    strbuf_printf(&b, tr(locale, "Steps as a table (%zu)", "步骤表（%zu 步）"), t->count);
    strbuf_put(&b, "</summary>");
    steps_table(&b, t, cap, locale);
    strbuf_put(&b, "</details>");
    trace_script(&b, t, locale);
    strbuf_put(&b, "</figure>\n");
    return strbuf_take(&b);
}
