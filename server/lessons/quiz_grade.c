/*
 * quiz_grade.c — grading a JSON answer payload into the result JSON of dom.md (quiz_grade
 * in quiz.h): one grader per question type, in a table, around shared format checks; the
 * worked answer on its own (quiz_explain); hints generated from what is wrong.
 * Does not: parse or render questions (quiz_parse.c, quiz_render.c), or decide when the
 * explanation may be shown (api_quiz.c).
 *
 * Scoring (max_points / partial credit):
 *   single, number, state: 1 point, all or nothing;
 *   multiple: max_points = the number of right choices; every choice counts, ticked or
 *             not: points = max_points × (choices marked as the key marks them) / choices;
 *   order:    one point per adjacent pair of the student's order that is adjacent in the
 *             same order in the key (n − 1 points);
 *   ladder:   one point per field (seq and ack of each segment), 2 × segments.
 * score = points / max_points. A malformed payload is not graded (gradable false).
 * Every format error carries a plain-words `message` in the page's language beside its
 * JSON pointer; ladder errors also carry the 1-based row and the column the table shows.
 */
#include "quiz_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/* ---------------------------------------------------------------- grading */

/* One grading: the inputs, what the grader found and the texts it leaves for feedback. */
typedef struct grade {
    json_t *format_errors, *parts;
    json_t *marks; /* single, multiple: choice_marks; NULL for other types */
    double points, max_points;
    const quiz_question *q;
    const json_t *answer; /* a JSON object */
    const char *locale;
    const sim_trace *t;    /* state and ladder: the variant's run; else empty */
    char answer_text[512]; /* the key, for {answer} in the explanation */
    char extra_fb[160];    /* appended to the partial / wrong feedback */
    char gen_hint[480];    /* a generated hint for a wrong answer; "" when none */
} grade;

static const char *tr(const grade *g, const char *en, const char *zh)
{
    return quiz_tr(g->locale, en, zh);
}

/* A format error: `field` (JSON pointer) and `detail` are the API's; `message` the plain
 * words shown to the student. */
static json_t *ferr(grade *g, const char *field, const char *detail, const char *message)
{
    json_t *e = json_pack("{s:s, s:s, s:s}", "field", field, "detail", detail, "message", message);
    json_array_append_new(g->format_errors, e);
    return e;
}

/* A format error in ladder cell (row j + 1, column "seq"/"ack"). */
static void ferr_cell(grade *g, size_t j, const char *column, const char *detail,
                      const char *what_en, const char *what_zh)
{
    char field[64], msg[200];
    snprintf(field, sizeof field, "/segments/%zu/%s", j, column);
    const char *col = strcmp(column, "seq") ? "ACK" : "SEQ";
    snprintf(msg, sizeof msg, tr(g, "Row %zu, %s: %s", "第 %zu 行 %s：%s"), j + 1, col,
             tr(g, what_en, what_zh));
    json_t *e = ferr(g, field, detail, msg);
    if (e) {
        json_object_set_new(e, "row", json_integer((json_int_t)(j + 1)));
        json_object_set_new(e, "column", json_string(column));
    }
}

/* Members other than `allowed` are format errors. */
static void only_member(grade *g, const json_t *ans, const char *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)ans, k, v)
    {
        if (strcmp(k, allowed)) {
            char f[96];
            snprintf(f, sizeof f, "/%.80s", k);
            ferr(g, f, "unexpected member",
                 tr(g, "The answer has a part this question does not ask for.",
                    "答案里有这道题不需要的内容。"));
        }
    }
}

static bool get_index(grade *g, const json_t *v, const char *field, size_t n, size_t *out)
{
    char d[96];
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (size_t)json_integer_value(v) >= n) {
        snprintf(d, sizeof d, "must be an integer index 0..%zu", n - 1);
        ferr(g, field, d, tr(g, "Choose one of the listed answers.", "请从列出的选项中选择。"));
        return false;
    }
    *out = (size_t)json_integer_value(v);
    return true;
}

/* Reads an array of distinct indices < n; false (with format errors) when malformed. */
static bool get_index_list(grade *g, const json_t *ans, const char *name, size_t n, size_t *out,
                           size_t *count)
{
    char field[32];
    snprintf(field, sizeof field, "/%s", name);
    const json_t *arr = json_object_get(ans, name);
    if (!arr) {
        ferr(g, field, "missing", tr(g, "Choose an answer first.", "请先选择答案。"));
        return false;
    }
    if (!json_is_array(arr) || json_array_size(arr) > n) {
        ferr(g, field, json_is_array(arr) ? "too many entries" : "must be an array of indices",
             tr(g, "Choose from the listed answers only.", "请只从列出的选项中选择。"));
        return false;
    }
    bool ok = true;
    bool seen[QUIZ_MAX_CHOICES] = {false};
    *count = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char f[48];
        snprintf(f, sizeof f, "/%s/%zu", name, i);
        size_t v;
        if (!get_index(g, json_array_get(arr, i), f, n, &v)) {
            ok = false;
            continue;
        }
        if (seen[v]) {
            ferr(g, f, "index listed twice",
                 tr(g, "The same answer is listed twice.", "同一个选项出现了两次。"));
            ok = false;
            continue;
        }
        seen[v] = true;
        out[(*count)++] = v;
    }
    return ok;
}

/* Reads ladder cell (row j, column); false with a format error when malformed. */
static bool get_cell(grade *g, const json_t *v, size_t j, const char *column, uint32_t *out)
{
    if (!v) {
        ferr_cell(g, j, column, "missing", "fill in this cell.", "请填写这一格。");
        return false;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4294967295LL) {
        ferr_cell(g, j, column, "must be an integer 0..4294967295",
                  "enter a whole number from 0 to 4294967295.",
                  "请填写 0 到 4294967295 之间的整数。");
        return false;
    }
    *out = (uint32_t)json_integer_value(v);
    return true;
}

static void part(grade *g, const char *name, double pts, double max, const char *fb)
{
    json_array_append_new(g->parts, json_pack("{s:s, s:f, s:f, s:s}", "name", name, "points", pts,
                                              "max_points", max, "feedback", fb));
}

/* A mark on choice i after grading: picked by the student, and whether that is right. */
static void mark(grade *g, size_t i, bool picked, bool right)
{
    if (g->marks)
        json_array_append_new(g->marks, json_pack("{s:I, s:b, s:b}", "index", (json_int_t)i,
                                                  "picked", picked, "right", right));
}

static void grade_single(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "choice");
    const json_t *v = json_object_get(g->answer, "choice");
    size_t c;
    if (!v)
        ferr(g, "/choice", "missing", tr(g, "Choose an answer first.", "请先选择答案。"));
    else if (get_index(g, v, "/choice", q->choice_count, &c)) {
        g->points = c == (size_t)q->answer_int;
        mark(g, c, true, g->points > 0);
    }
    snprintf(g->answer_text, sizeof g->answer_text, "%s", q->choices[q->answer_int]);
}

/* The worked answer: the first n choices of the answer list, joined by sep. */
static void answer_choices(grade *g, size_t n, const char *sep)
{
    for (size_t j = 0; j < n; j++) {
        size_t l = strlen(g->answer_text);
        snprintf(g->answer_text + l, sizeof g->answer_text - l, "%s%s", j ? sep : "",
                 g->q->choices[g->q->answer_list[j]]);
    }
}

static void grade_multiple(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "choices");
    size_t picks[QUIZ_MAX_CHOICES], n = 0;
    g->max_points = (double)q->answer_count;
    if (get_index_list(g, g->answer, "choices", q->choice_count, picks, &n)) {
        bool picked[QUIZ_MAX_CHOICES] = {false}, key[QUIZ_MAX_CHOICES] = {false};
        for (size_t i = 0; i < n; i++)
            picked[picks[i]] = true;
        for (size_t j = 0; j < q->answer_count; j++)
            key[q->answer_list[j]] = true;
        size_t same = 0;
        for (size_t i = 0; i < q->choice_count; i++) {
            same += picked[i] == key[i];
            mark(g, i, picked[i], picked[i] == key[i]);
        }
        g->points = g->max_points * (double)same / (double)q->choice_count;
        snprintf(
            g->extra_fb, sizeof g->extra_fb,
            tr(g, " %zu of %zu choices marked right.", "判断正确的选项有 %zu 个（共 %zu 个）。"),
            same, q->choice_count);
        if (same < q->choice_count)
            snprintf(
                g->gen_hint, sizeof g->gen_hint, "%s",
                tr(g,
                   "Look again at the choices marked ✗: each is either ticked and false, "
                   "or true and not ticked.",
                   "请再看看标了 ✗ 的选项：它们要么勾选了但说法不对，要么说法正确却没有勾选。"));
    }
    answer_choices(g, q->answer_count, "; ");
}

static void grade_number(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "value");
    const json_t *v = json_object_get(g->answer, "value");
    if (!v)
        ferr(g, "/value", "missing", tr(g, "Enter a number first.", "请先填写一个数。"));
    else if (!json_is_integer(v))
        ferr(g, "/value", "must be an integer",
             tr(g, "Enter a whole number, such as 101.", "请填写一个整数，例如 101。"));
    else {
        long long x = json_integer_value(v);
        if (x >= INT64_MIN / 2 && x <= INT64_MAX / 2) {
            long long d = x > q->answer_int ? x - q->answer_int : q->answer_int - x;
            g->points = d <= q->tolerance ? 1 : 0;
        }
        if (!g->points)
            snprintf(g->gen_hint, sizeof g->gen_hint, "%s",
                     x > q->answer_int ? tr(g, "Your number is too high.", "你填的数偏大了。")
                                       : tr(g, "Your number is too low.", "你填的数偏小了。"));
    }
    snprintf(g->answer_text, sizeof g->answer_text, "%" PRId64, q->answer_int);
}

static void grade_order(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "order");
    size_t ord[QUIZ_MAX_CHOICES], n = 0;
    size_t k = q->choice_count;
    g->max_points = (double)(k - 1);
    if (get_index_list(g, g->answer, "order", k, ord, &n)) {
        if (n != k) {
            ferr(g, "/order", "must list every choice index exactly once",
                 tr(g, "Put every item in the list, each once.",
                    "请把每一项都排进列表，每项一次。"));
        } else {
            size_t pos[QUIZ_MAX_CHOICES];
            for (size_t i = 0; i < k; i++)
                pos[q->answer_list[i]] = i;
            int good = 0;
            for (size_t i = 0; i + 1 < k; i++)
                good += pos[ord[i + 1]] == pos[ord[i]] + 1;
            g->points = good;
            snprintf(g->extra_fb, sizeof g->extra_fb,
                     tr(g, " %d of %zu neighbouring pairs in the right order.",
                        "%d 对相邻项（共 %zu 对）顺序正确。"),
                     good, k - 1);
        }
    }
    answer_choices(g, k, " → ");
}

/* What endpoint `ep` does at step s, for a hint: "the server receives FIN" (segment flags,
 * the call or the timer; never a state). */
static void step_action(const grade *g, const sim_step *s, int ep, char *out, size_t size)
{
    const char *who =
        ep == SIM_SERVER ? tr(g, "the server", "服务器") : tr(g, "the client", "客户端");
    char fl[32] = "";
    if (s->has_segment)
        svg_flags_text(s->seg.flags, fl, sizeof fl);
    switch (s->kind) {
    case SIM_STEP_CALL:
        snprintf(out, size, tr(g, "%s calls %s", "%s调用 %s"), who, tcp_call_name(s->call));
        break;
    case SIM_STEP_SEND:
        snprintf(out, size, tr(g, "%s sends %s", "%s发送 %s"), who, fl);
        break;
    case SIM_STEP_RECEIVE:
    case SIM_STEP_INJECT:
        snprintf(out, size, tr(g, "%s receives %s", "%s收到 %s"), who, fl);
        break;
    case SIM_STEP_DROP:
        snprintf(out, size, tr(g, "the network drops %s's %s", "网络丢弃了%s发出的 %s"), who, fl);
        break;
    case SIM_STEP_TIMEOUT:
        snprintf(out, size, tr(g, "%s's timer expires", "%s的定时器超时"), who);
        break;
    }
}

/* The hint of a wrong state answer `got` (want is the key at step q->step): the step that
 * last moves the endpoint before q->step, and whether `got` comes earlier or later. */
static void state_hint(grade *g, tcp_state got)
{
    const quiz_question *q = g->q;
    int ep = q->endpoint;
    size_t n = q->step, last = 0; /* 1-based step of the last change up to n; 0: none */
    bool before = false, after = false;
    tcp_state prev = TCP_CLOSED;
    for (size_t i = 0; i < g->t->count; i++) {
        tcp_state st = g->t->steps[i].vars[ep].state;
        bool changed = i == 0 ? st != TCP_CLOSED : st != prev;
        if (i < n) {
            before = before || st == got || (i == 0 && got == TCP_CLOSED);
            if (changed)
                last = i + 1;
        } else if (st == got) {
            after = true;
        }
        prev = st;
    }
    const char *who = ep == SIM_SERVER ? tr(g, "server", "服务器") : tr(g, "client", "客户端");
    size_t l = 0;
    if (last) {
        char act[96];
        step_action(g, &g->t->steps[last - 1], ep, act, sizeof act);
        l = (size_t)snprintf(g->gen_hint, sizeof g->gen_hint,
                             tr(g, "The %s's state last changes at step %zu, where %s. ",
                                "%s的状态最后一次变化是在第 %zu 步：%s。"),
                             who, last, act);
    }
    if (l >= sizeof g->gen_hint)
        return;
    const char *name = tcp_state_name(got);
    if (before)
        snprintf(g->gen_hint + l, sizeof g->gen_hint - l,
                 tr(g, "%s comes earlier in the run; follow the %s up to step %zu.",
                    "%s 出现得更早；请把%s的状态一直跟踪到第 %zu 步。"),
                 name, who, n);
    else if (after)
        snprintf(g->gen_hint + l, sizeof g->gen_hint - l,
                 tr(g, "The %s reaches %s only after step %zu.", "%s进入 %s 是在第 %zu 步之后。"),
                 who, name, n);
    else
        snprintf(g->gen_hint + l, sizeof g->gen_hint - l,
                 tr(g, "The %s is never in %s in this run.", "在这次运行中，%s从未进入 %s。"), who,
                 name);
}
static void grade_state(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "state");
    tcp_state want = g->t->steps[q->step - 1].vars[q->endpoint].state, got;
    const json_t *v = json_object_get(g->answer, "state");
    const char *plain = tr(g, "Choose one of the listed states.", "请从列出的状态中选择一个。");
    if (!v)
        ferr(g, "/state", "missing", tr(g, "Choose a state first.", "请先选择一个状态。"));
    else if (!json_is_string(v))
        ferr(g, "/state", "must be a state name string", plain);
    else if (!tcp_state_from_name(json_string_value(v), &got))
        ferr(g, "/state",
             "not an RFC 9293 state name (they are spelled like SYN-SENT, "
             "TIME-WAIT)",
             plain);
    else {
        g->points = got == want;
        if (got != want)
            state_hint(g, got);
    }
    snprintf(g->answer_text, sizeof g->answer_text, "%s", tcp_state_name(want));
}

/* The hint of a gradable ladder answer: the wrong cells by row and column (never their
 * values) and the rule for the kind of number that is wrong. */
static void ladder_hint(grade *g, const bool seq_ok[], const bool ack_ok[])
{
    size_t l = 0, listed = 0;
    bool seq_bad = false, ack_bad = false;
    char cells[240] = "";
    for (size_t j = 0; j < g->q->segments; j++) {
        for (int c = 0; c < 2; c++) {
            if (c ? ack_ok[j] : seq_ok[j])
                continue;
            seq_bad = seq_bad || !c;
            ack_bad = ack_bad || c;
            if (listed++ >= 6 || l >= sizeof cells)
                continue;
            l += (size_t)snprintf(cells + l, sizeof cells - l,
                                  tr(g, "%srow %zu %s", "%s第 %zu 行 %s"),
                                  listed > 1 ? tr(g, ", ", "、") : "", j + 1, c ? "ACK" : "SEQ");
        }
    }
    if (!listed)
        return;
    size_t h = (size_t)snprintf(g->gen_hint, sizeof g->gen_hint,
                                tr(g, "Not right yet: %s%s. ", "这些格还不对：%s%s。"), cells,
                                listed > 6 ? "…" : "");
    if (seq_bad && h < sizeof g->gen_hint)
        h += (size_t)snprintf(
            g->gen_hint + h, sizeof g->gen_hint - h, "%s",
            tr(g,
               "SEQ is the number of the segment's first byte: the ISN on the SYN, and every "
               "SYN, FIN or data byte the sender sent before moves it on. ",
               "SEQ 是本报文段第一个字节的序号：SYN 上就是 ISN，发送方此前发出的每个 SYN、FIN 和"
               "数据字节都会让它往后推。"));
    if (ack_bad && h < sizeof g->gen_hint)
        snprintf(g->gen_hint + h, sizeof g->gen_hint - h, "%s",
                 tr(g,
                    "ACK is the next sequence number expected from the other side; a SYN or FIN "
                    "takes up one number. ",
                    "ACK 是期望从对方收到的下一个序号；SYN 和 FIN 各占一个序号。"));
}

static void grade_ladder(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "segments");
    g->max_points = 2.0 * (double)q->segments;
    const json_t *arr = json_object_get(g->answer, "segments");
    char rows[96];
    snprintf(rows, sizeof rows,
             tr(g, "Fill in all %zu rows of the table.", "请填写表格中全部 %zu 行。"), q->segments);
    if (!arr) {
        ferr(g, "/segments", "missing", rows);
    } else if (!json_is_array(arr) || json_array_size(arr) != q->segments) {
        char d[64];
        snprintf(d, sizeof d, "must be an array of %zu {\"seq\", \"ack\"} objects", q->segments);
        ferr(g, "/segments", d, rows);
    } else {
        uint32_t seq[QUIZ_MAX_SEGMENTS], ack[QUIZ_MAX_SEGMENTS];
        bool ok = true;
        for (size_t j = 0; j < q->segments; j++) {
            const json_t *o = json_array_get(arr, j);
            char f[80], m[96];
            if (!json_is_object(o)) {
                snprintf(f, sizeof f, "/segments/%zu", j);
                snprintf(m, sizeof m,
                         tr(g, "Row %zu: fill in SEQ and ACK.", "第 %zu 行：请填写 SEQ 和 ACK。"),
                         j + 1);
                json_t *e = ferr(g, f, "must be an object {\"seq\", \"ack\"}", m);
                if (e)
                    json_object_set_new(e, "row", json_integer((json_int_t)(j + 1)));
                ok = false;
                continue;
            }
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)o, k, v)
            {
                if (strcmp(k, "seq") && strcmp(k, "ack")) {
                    snprintf(f, sizeof f, "/segments/%zu/%.20s", j, k);
                    snprintf(m, sizeof m,
                             tr(g, "Row %zu: only SEQ and ACK are asked for.",
                                "第 %zu 行：只需要填写 SEQ 和 ACK。"),
                             j + 1);
                    ferr(g, f, "unexpected member", m);
                    ok = false;
                }
            }
            ok = get_cell(g, json_object_get(o, "seq"), j, "seq", &seq[j]) && ok;
            ok = get_cell(g, json_object_get(o, "ack"), j, "ack", &ack[j]) && ok;
        }
        bool seq_ok[QUIZ_MAX_SEGMENTS], ack_ok[QUIZ_MAX_SEGMENTS];
        for (size_t j = 0; ok && j < q->segments; j++) {
            const sim_step *s = quiz_nth_send(g->t, j);
            char name[48];
            bool sr = s && seq[j] == s->seg.seq, ar = s && ack[j] == s->seg.ack;
            seq_ok[j] = sr;
            ack_ok[j] = ar;
            for (int c = 0; c < 2; c++) {
                bool r = c ? ar : sr;
                snprintf(name, sizeof name,
                         c ? tr(g, "segment %zu ack", "报文段 %zu 的 ACK")
                           : tr(g, "segment %zu seq", "报文段 %zu 的 SEQ"),
                         j + 1);
                part(g, name, r, 1, r ? tr(g, "correct", "正确") : tr(g, "wrong", "错误"));
                json_t *p = json_array_get(g->parts, json_array_size(g->parts) - 1);
                if (p) {
                    json_object_set_new(p, "row", json_integer((json_int_t)(j + 1)));
                    json_object_set_new(p, "column", json_string(c ? "ack" : "seq"));
                }
            }
            g->points += sr + ar;
        }
        if (ok)
            ladder_hint(g, seq_ok, ack_ok);
    }
    for (size_t j = 0; j < q->segments; j++) {
        const sim_step *s = quiz_nth_send(g->t, j);
        size_t l = strlen(g->answer_text);
        if (s)
            snprintf(g->answer_text + l, sizeof g->answer_text - l, "%sseq=%lu ack=%lu",
                     j ? "; " : "", (unsigned long)s->seg.seq, (unsigned long)s->seg.ack);
    }
}

/* The grader of each question type: reads g->answer (an object), sets points (and
 * max_points when not 1), format errors, parts, marks, answer_text, extra_fb and gen_hint. */
typedef void (*grader_fn)(grade *g);
static const grader_fn graders[] = {
    [QUIZ_SINGLE] = grade_single, [QUIZ_MULTIPLE] = grade_multiple, [QUIZ_NUMBER] = grade_number,
    [QUIZ_ORDER] = grade_order,   [QUIZ_STATE] = grade_state,       [QUIZ_LADDER] = grade_ladder,
};
_Static_assert(sizeof graders / sizeof graders[0] == QUIZ_LADDER + 1, "a grader per type");

/* Sets up g for question q and variant seed (runs the engine for state and ladder into t)
 * and runs the grader on `answer`. 0, or -1 on allocation or engine failure. */
static int run_grader(grade *g, const quiz_question *q, uint64_t seed, const json_t *answer,
                      const char *locale, sim_trace *t)
{
    memset(g, 0, sizeof *g);
    g->format_errors = json_array();
    g->parts = json_array();
    g->marks = q->type == QUIZ_SINGLE || q->type == QUIZ_MULTIPLE ? json_array() : NULL;
    g->max_points = 1;
    g->q = q;
    g->answer = answer;
    g->locale = locale;
    g->t = t;
    if (!g->format_errors || !g->parts ||
        ((q->type == QUIZ_SINGLE || q->type == QUIZ_MULTIPLE) && !g->marks))
        return -1;
    if (q->type == QUIZ_STATE || q->type == QUIZ_LADDER) {
        char msg[256];
        if (quiz_run_variant(q, seed, t, msg, sizeof msg) != 0)
            return -1;
        if (q->type == QUIZ_STATE && q->step > t->count)
            return -1; /* quiz_check_question reports this for lesson authors */
    }
    if (!json_is_object(answer))
        ferr(g, "", "the answer must be a JSON object",
             tr(g, "The answer could not be read.", "无法读取这个答案。"));
    else
        graders[q->type](g);
    return 0;
}

static void grade_cleanup(grade *g)
{
    json_decref(g->format_errors);
    json_decref(g->parts);
    json_decref(g->marks);
}

/* x as text: an integer without decimals, else rounded to two. */
static void points_text(double x, char *out, size_t size)
{
    if (x == (double)(long long)x)
        snprintf(out, size, "%lld", (long long)x);
    else
        snprintf(out, size, "%.2f", x);
}

/* The hint of a wrong answer: the generated one, then the author's (placeholders filled).
 * malloc'ed; NULL when there is none or out of memory. */
static char *make_hint(const grade *g, const char *const names[], const int64_t values[], size_t np)
{
    char *authored = g->q->hint ? quiz_fill(g->q, g->q->hint, names, values, np, NULL) : NULL;
    if (!g->gen_hint[0])
        return authored;
    size_t n = strlen(g->gen_hint) + (authored ? strlen(authored) : 0) + 2;
    char *h = malloc(n);
    /* English sentences are joined by a space; Chinese ones end in "。" and need none */
    bool zh = g->locale && strcmp(g->locale, "zh-CN") == 0;
    bool space = authored && !zh && g->gen_hint[strlen(g->gen_hint) - 1] != ' ';
    if (h)
        snprintf(h, n, "%s%s%s", g->gen_hint, space ? " " : "", authored ? authored : "");
    free(authored);
    /* a generated hint may end in a space before the authored one; trim it when alone */
    if (h && !authored && h[0] && h[strlen(h) - 1] == ' ')
        h[strlen(h) - 1] = '\0';
    return h;
}

json_t *quiz_grade(const quiz_question *q, uint64_t seed, const json_t *answer, const char *locale)
{
    grade g = {0};
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t np = quiz_draw_params(q, seed, names, values);
    sim_trace t;
    sim_trace_init(&t);
    json_t *result = NULL;
    char *expl = NULL, *hint = NULL;
    if (run_grader(&g, q, seed, answer, locale, &t) != 0)
        goto out;
    bool gradable = json_array_size(g.format_errors) == 0;
    if (!gradable) {
        g.points = 0;
        json_array_clear(g.parts);
        if (g.marks)
            json_array_clear(g.marks);
    }
    double score = g.max_points > 0 ? g.points / g.max_points : 0;
    char fb[320], pts[32], max[32];
    points_text(g.points, pts, sizeof pts);
    points_text(g.max_points, max, sizeof max);
    const char *detail = g.extra_fb[0] == ' ' ? g.extra_fb + 1 : g.extra_fb;
    if (!gradable)
        snprintf(fb, sizeof fb, "%s",
                 tr(&g, "Your answer could not be read; see format_errors.",
                    "无法读取你的答案，请查看 format_errors。"));
    else if (score >= 1)
        snprintf(fb, sizeof fb, "%s", tr(&g, "Correct.", "回答正确。"));
    else if (g.points > 0)
        snprintf(
            fb, sizeof fb,
            tr(&g, "Partly correct: %s of %s points.%s", "部分正确：得 %s 分（满分 %s 分）。%s"),
            pts, max, g.extra_fb);
    else
        snprintf(fb, sizeof fb, "%s%s", tr(&g, "Not correct.", "回答错误。"), g.extra_fb);
    if (gradable) {
        expl = quiz_fill(q, q->explanation, names, values, np, g.answer_text);
        if (!expl)
            goto out;
        if (score < 1 && (g.gen_hint[0] || q->hint) && !(hint = make_hint(&g, names, values, np)))
            goto out;
    }
    result = json_pack(
        "{s:b, s:f, s:f, s:f, s:s, s:o, s:o, s:o, s:O, s:O}", "gradable", gradable, "score", score,
        "points", g.points, "max_points", g.max_points, "feedback", fb, "feedback_detail",
        gradable && detail[0] ? json_string(detail) : json_null(), "explanation",
        expl ? json_string(expl) : json_null(), "hint", hint ? json_string(hint) : json_null(),
        "format_errors", g.format_errors, "parts", g.parts);
    if (result && g.marks && json_array_size(g.marks))
        json_object_set(result, "choice_marks", g.marks);
out:
    free(expl);
    free(hint);
    grade_cleanup(&g);
    sim_trace_cleanup(&t);
    return result;
}

json_t *quiz_explain(const quiz_question *q, uint64_t seed, const char *locale)
{
    grade g = {0};
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t np = quiz_draw_params(q, seed, names, values);
    sim_trace t;
    sim_trace_init(&t);
    json_t *result = NULL, *empty = json_object();
    /* an empty answer is malformed for every type, and every grader still works out the key */
    if (empty && run_grader(&g, q, seed, empty, locale, &t) == 0) {
        char *expl = quiz_fill(q, q->explanation, names, values, np, g.answer_text);
        if (expl)
            result = json_pack("{s:s, s:s}", "explanation", expl, "answer", g.answer_text);
        free(expl);
    }
    grade_cleanup(&g);
    json_decref(empty);
    sim_trace_cleanup(&t);
    return result;
}
