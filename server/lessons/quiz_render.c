/*
 * quiz_render.c — the HTML of a question (dom.md; never containing an answer) and the
 * variant JSON and ids (quiz.h).
 * Does not: parse, check or grade (quiz_parse.c, quiz.c, quiz_grade.c).
 */
#include "quiz_internal.h"

#include "../util/fnv.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/* ---------------------------------------------------------------- rendering */

static void render_prompt(strbuf *b, const quiz_question *q)
{
    /* parameters stay as named <var>s; the browser asks for a variant and replaces them */
    const char *run = q->prompt;
    for (const char *p = q->prompt; *p; p++) {
        const char *e = quiz_placeholder_end(p);
        if (!e)
            continue;
        char name[48];
        snprintf(name, sizeof name, "%.*s", (int)(e - p - 1 > 40 ? 40 : e - p - 1), p + 1);
        char *seg = strndup(run, (size_t)(p - run));
        strbuf_escape(b, seg);
        free(seg);
        if (q->type == QUIZ_STATE && !strcmp(name, "step"))
            strbuf_printf(b, "%zu", q->step);
        else
            strbuf_printf(b, "<var class=\"tl-param\" data-param=\"%s\">%s</var>", name, name);
        run = e + 1;
        p = e;
    }
    strbuf_escape(b, run);
}

char *quiz_render_question(const quiz_question *q, const char *global_id, const char *locale)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_put(&b, "<form class=\"tl-question\" data-question=\"");
    strbuf_escape(&b, global_id);
    strbuf_printf(&b, "\" data-type=\"%s\"", quiz_type_name(q->type));
    if (q->param_count) {
        strbuf_put(&b, " data-params=\"1\"");
    } else {
        strbuf_put(&b, " data-variant=\"v0-");
        strbuf_escape(&b, global_id);
        strbuf_put(&b, "\"");
    }
    strbuf_put(&b, "><p class=\"tl-prompt\">");
    render_prompt(&b, q);
    strbuf_put(&b, "</p>");
    switch (q->type) {
    case QUIZ_SINGLE:
    case QUIZ_MULTIPLE:
        strbuf_put(&b, "<ul class=\"tl-choices\">");
        for (size_t i = 0; i < q->choice_count; i++) {
            strbuf_printf(&b, "<li><label><input type=\"%s\" name=\"%s\" value=\"%zu\"> ",
                          q->type == QUIZ_SINGLE ? "radio" : "checkbox",
                          q->type == QUIZ_SINGLE ? "choice" : "choices", i);
            strbuf_escape(&b, q->choices[i]);
            strbuf_put(&b, "</label></li>");
        }
        strbuf_put(&b, "</ul>");
        break;
    case QUIZ_NUMBER:
        strbuf_put(&b, "<p><label>");
        strbuf_escape(&b, quiz_tr(locale, "Your answer", "你的答案"));
        strbuf_put(&b, " <input type=\"number\" name=\"value\" step=\"1\" inputmode=\"numeric\">"
                       "</label></p>");
        break;
    case QUIZ_STATE:
        strbuf_put(&b, "<p><label>");
        strbuf_escape(&b, quiz_tr(locale, "State", "状态"));
        strbuf_put(&b, " <select name=\"state\"><option value=\"\">");
        strbuf_escape(&b, quiz_tr(locale, "— choose a state —", "— 请选择状态 —"));
        strbuf_put(&b, "</option>");
        for (int s = 0; s < TCP_STATE_COUNT; s++)
            strbuf_printf(&b, "<option value=\"%s\">%s</option>", tcp_state_name((tcp_state)s),
                          tcp_state_name((tcp_state)s));
        strbuf_put(&b, "</select></label></p>");
        break;
    case QUIZ_ORDER: {
        /* deterministic shuffle, never the answer order itself */
        size_t perm[QUIZ_MAX_CHOICES] = {0}, n = q->choice_count;
        assert(n >= 1 && n <= QUIZ_MAX_CHOICES); /* quiz_parse_block guarantees it */
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        uint64_t st = fnv1a64(q->id, q->id ? strlen(q->id) : 0);
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(quiz_splitmix64(&st) % (i + 1));
            size_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        if (!memcmp(perm, q->answer_list, n * sizeof perm[0])) {
            size_t first = perm[0];
            memmove(perm, perm + 1, (n - 1) * sizeof perm[0]);
            perm[n - 1] = first;
        }
        strbuf_put(&b, "<ol class=\"tl-order\">");
        for (size_t i = 0; i < n; i++) {
            strbuf_printf(&b, "<li data-index=\"%zu\"><span class=\"tl-order-text\">", perm[i]);
            strbuf_escape(&b, q->choices[perm[i]]);
            /* each button names its item: "Move SYN-SENT up" */
            for (int up = 1; up >= 0; up--) {
                strbuf_printf(&b, "%s<button type=\"button\" class=\"%s\" aria-label=\"",
                              up ? "</span> " : " ", up ? "tl-up" : "tl-down");
                strbuf_escape(&b, quiz_tr(locale, "Move ", "将 "));
                strbuf_escape(&b, q->choices[perm[i]]);
                strbuf_escape(&b, up ? quiz_tr(locale, " up", " 上移")
                                     : quiz_tr(locale, " down", " 下移"));
                strbuf_printf(&b, "\">%s</button>", up ? "↑" : "↓");
            }
            strbuf_put(&b, "</li>");
        }
        strbuf_put(&b, "</ol>");
        break;
    }
    case QUIZ_LADDER:
        strbuf_put(&b, "<table class=\"tl-ladder-answer\"><thead><tr><th scope=\"col\">#</th>"
                       "<th scope=\"col\">");
        strbuf_escape(&b, quiz_tr(locale, "Segment", "报文段"));
        strbuf_put(&b,
                   "</th><th scope=\"col\">SEQ</th><th scope=\"col\">ACK</th></tr></thead><tbody>");
        for (size_t j = 0; j < q->segments; j++) {
            char fl[32];
            svg_flags_text(q->seg_flags[j], fl, sizeof fl);
            const char *dir = q->seg_from[j] == SIM_SERVER
                                  ? quiz_tr(locale, "server → client", "服务器 → 客户端")
                                  : quiz_tr(locale, "client → server", "客户端 → 服务器");
            strbuf_printf(&b, "<tr data-segment=\"%zu\"><td>%zu</td><td>", j + 1, j + 1);
            strbuf_escape(&b, dir);
            strbuf_printf(&b, " <code>%s</code></td>", fl);
            strbuf_printf(&b,
                          "<td><input type=\"text\" name=\"seq-%zu\" inputmode=\"numeric\" "
                          "autocomplete=\"off\" aria-label=\"SEQ %zu\"></td>"
                          "<td><input type=\"text\" name=\"ack-%zu\" inputmode=\"numeric\" "
                          "autocomplete=\"off\" aria-label=\"ACK %zu\"></td></tr>",
                          j + 1, j + 1, j + 1, j + 1);
        }
        strbuf_put(&b, "</tbody></table>");
        break;
    }
    strbuf_put(&b, "<p><button type=\"submit\">");
    strbuf_escape(&b, quiz_tr(locale, "Check", "检查答案"));
    strbuf_put(&b, "</button></p><div class=\"tl-feedback\" aria-live=\"polite\"></div></form>\n");
    return strbuf_take(&b);
}

/* ---------------------------------------------------------------- variants */

json_t *quiz_variant_json(const quiz_question *q, const char *global_id, uint64_t seed)
{
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t n = quiz_draw_params(q, seed, names, values);
    char vid[160];
    snprintf(vid, sizeof vid, "v%" PRIu64 "-%s", seed, global_id);
    json_t *params = json_object();
    for (size_t i = 0; params && i < n; i++)
        json_object_set_new(params, names[i], json_integer(values[i]));
    char *prompt = quiz_fill(q, q->prompt, names, values, n, NULL);
    json_t *o = (params && prompt)
                    ? json_pack("{s:s, s:O, s:s, s:s}", "variant_id", vid, "params", params,
                                "prompt", prompt, "type", quiz_type_name(q->type))
                    : NULL;
    json_decref(params);
    free(prompt);
    return o;
}

int quiz_parse_variant_id(const char *vid, uint64_t *seed, char *id_out, size_t id_size)
{
    if (!vid || vid[0] != 'v' || !isdigit((unsigned char)vid[1]))
        return -1;
    const char *p = vid + 1;
    uint64_t s = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        unsigned d = (unsigned)(*p - '0');
        if (s > (UINT64_MAX - d) / 10)
            return -1;
        s = s * 10 + d;
        p++;
        if (++digits > 20)
            return -1;
    }
    if (*p != '-')
        return -1;
    p++;
    const char *dot = strchr(p, '.');
    if (!dot || dot == p || !dot[1] || strchr(dot + 1, '.'))
        return -1;
    for (const char *c = p; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-' || *c == '.'))
            return -1;
    if (strlen(p) + 1 > id_size)
        return -1;
    memcpy(id_out, p, strlen(p) + 1);
    *seed = s;
    return 0;
}
