/*
 * quiz_grade.c — grading a JSON answer payload into the result JSON of dom.md (quiz_grade
 * in quiz.h): one grader per question type, in a table, around shared format checks.
 * Does not: parse or render questions (quiz_parse.c, quiz_render.c).
 *
 * Scoring (max_points / partial credit):
 *   single, number, state: 1 point, all or nothing;
 *   multiple: one point per correct choice, points = max(0, right picks − wrong picks);
 *   order:    one point per adjacent pair of the student's order that is adjacent in the
 *             same order in the key (n − 1 points);
 *   ladder:   one point per field (seq and ack of each segment), 2 × segments.
 * score = points / max_points. A malformed payload is not graded (gradable false).
 */
#include "quiz_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- grading */

/* One grading: the inputs, what the grader found and the texts it leaves for feedback. */
typedef struct grade {
    json_t *format_errors, *parts;
    double points, max_points;
    const quiz_question *q;
    const json_t *answer; /* a JSON object */
    const char *locale;
    const sim_trace *t;    /* state and ladder: the variant's run; else empty */
    char answer_text[512]; /* the key, for {answer} in the explanation */
    char extra_fb[160];    /* appended to the partial / wrong feedback */
} grade;

static void ferr(grade *g, const char *field, const char *detail)
{
    json_array_append_new(g->format_errors,
                          json_pack("{s:s, s:s}", "field", field, "detail", detail));
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
            ferr(g, f, "unexpected member");
        }
    }
}

static bool get_index(grade *g, const json_t *v, const char *field, size_t n, size_t *out)
{
    char d[96];
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (size_t)json_integer_value(v) >= n) {
        snprintf(d, sizeof d, "must be an integer index 0..%zu", n - 1);
        ferr(g, field, d);
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
        ferr(g, field, "missing");
        return false;
    }
    if (!json_is_array(arr) || json_array_size(arr) > n) {
        ferr(g, field, json_is_array(arr) ? "too many entries" : "must be an array of indices");
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
            ferr(g, f, "index listed twice");
            ok = false;
            continue;
        }
        seen[v] = true;
        out[(*count)++] = v;
    }
    return ok;
}

static bool get_u32(grade *g, const json_t *v, const char *field, uint32_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4294967295LL) {
        ferr(g, field, v ? "must be an integer 0..4294967295" : "missing");
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

static void grade_single(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "choice");
    const json_t *v = json_object_get(g->answer, "choice");
    size_t c;
    if (!v)
        ferr(g, "/choice", "missing");
    else if (get_index(g, v, "/choice", q->choice_count, &c))
        g->points = c == (size_t)q->answer_int;
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
        int right = 0, wrong = 0;
        for (size_t i = 0; i < n; i++) {
            bool in = false;
            for (size_t j = 0; j < q->answer_count; j++)
                in = in || q->answer_list[j] == picks[i];
            if (in)
                right++;
            else
                wrong++;
        }
        g->points = right > wrong ? right - wrong : 0;
        snprintf(g->extra_fb, sizeof g->extra_fb,
                 quiz_tr(g->locale, " %d of %zu correct choices picked, %d wrong.",
                         "选中了 %d 个正确选项（共 %zu 个），%d 个错误选项。"),
                 right, q->answer_count, wrong);
    }
    answer_choices(g, q->answer_count, "; ");
}

static void grade_number(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "value");
    const json_t *v = json_object_get(g->answer, "value");
    if (!v)
        ferr(g, "/value", "missing");
    else if (!json_is_integer(v))
        ferr(g, "/value", "must be an integer");
    else {
        long long x = json_integer_value(v);
        if (x >= INT64_MIN / 2 && x <= INT64_MAX / 2) {
            long long d = x > q->answer_int ? x - q->answer_int : q->answer_int - x;
            g->points = d <= q->tolerance ? 1 : 0;
        }
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
            ferr(g, "/order", "must list every choice index exactly once");
        } else {
            size_t pos[QUIZ_MAX_CHOICES];
            for (size_t i = 0; i < k; i++)
                pos[q->answer_list[i]] = i;
            int good = 0;
            for (size_t i = 0; i + 1 < k; i++)
                good += pos[ord[i + 1]] == pos[ord[i]] + 1;
            g->points = good;
            snprintf(g->extra_fb, sizeof g->extra_fb,
                     quiz_tr(g->locale, " %d of %zu neighbouring pairs in the right order.",
                             "%d 对相邻项（共 %zu 对）顺序正确。"),
                     good, k - 1);
        }
    }
    answer_choices(g, k, " → ");
}

static void grade_state(grade *g)
{
    const quiz_question *q = g->q;
    only_member(g, g->answer, "state");
    tcp_state want = g->t->steps[q->step - 1].vars[q->endpoint].state, got;
    const json_t *v = json_object_get(g->answer, "state");
    if (!v)
        ferr(g, "/state", "missing");
    else if (!json_is_string(v))
        ferr(g, "/state", "must be a state name string");
    else if (!tcp_state_from_name(json_string_value(v), &got))
        ferr(g, "/state",
             "not an RFC 9293 state name (they are spelled like SYN-SENT, "
             "TIME-WAIT)");
    else
        g->points = got == want;
    snprintf(g->answer_text, sizeof g->answer_text, "%s", tcp_state_name(want));
}

static void grade_ladder(grade *g)
{
    const quiz_question *q = g->q;
    const char *locale = g->locale;
    only_member(g, g->answer, "segments");
    g->max_points = 2.0 * (double)q->segments;
    const json_t *arr = json_object_get(g->answer, "segments");
    if (!arr) {
        ferr(g, "/segments", "missing");
    } else if (!json_is_array(arr) || json_array_size(arr) != q->segments) {
        char d[64];
        snprintf(d, sizeof d, "must be an array of %zu {\"seq\", \"ack\"} objects", q->segments);
        ferr(g, "/segments", d);
    } else {
        uint32_t seq[QUIZ_MAX_SEGMENTS], ack[QUIZ_MAX_SEGMENTS];
        bool ok = true;
        for (size_t j = 0; j < q->segments; j++) {
            const json_t *o = json_array_get(arr, j);
            char f[80];
            if (!json_is_object(o)) {
                snprintf(f, sizeof f, "/segments/%zu", j);
                ferr(g, f, "must be an object {\"seq\", \"ack\"}");
                ok = false;
                continue;
            }
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)o, k, v)
            {
                if (strcmp(k, "seq") && strcmp(k, "ack")) {
                    snprintf(f, sizeof f, "/segments/%zu/%.20s", j, k);
                    ferr(g, f, "unexpected member");
                    ok = false;
                }
            }
            snprintf(f, sizeof f, "/segments/%zu/seq", j);
            ok = get_u32(g, json_object_get(o, "seq"), f, &seq[j]) && ok;
            snprintf(f, sizeof f, "/segments/%zu/ack", j);
            ok = get_u32(g, json_object_get(o, "ack"), f, &ack[j]) && ok;
        }
        for (size_t j = 0; ok && j < q->segments; j++) {
            const sim_step *s = quiz_nth_send(g->t, j);
            char name[48];
            bool sr = s && seq[j] == s->seg.seq, ar = s && ack[j] == s->seg.ack;
            snprintf(name, sizeof name, quiz_tr(locale, "segment %zu seq", "报文段 %zu 的 SEQ"),
                     j + 1);
            part(g, name, sr, 1,
                 sr ? quiz_tr(locale, "correct", "正确") : quiz_tr(locale, "wrong", "错误"));
            snprintf(name, sizeof name, quiz_tr(locale, "segment %zu ack", "报文段 %zu 的 ACK"),
                     j + 1);
            part(g, name, ar, 1,
                 ar ? quiz_tr(locale, "correct", "正确") : quiz_tr(locale, "wrong", "错误"));
            g->points += sr + ar;
        }
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
 * max_points when not 1), format errors, parts, answer_text and extra_fb. */
typedef void (*grader_fn)(grade *g);
static const grader_fn graders[] = {
    [QUIZ_SINGLE] = grade_single, [QUIZ_MULTIPLE] = grade_multiple, [QUIZ_NUMBER] = grade_number,
    [QUIZ_ORDER] = grade_order,   [QUIZ_STATE] = grade_state,       [QUIZ_LADDER] = grade_ladder,
};
_Static_assert(sizeof graders / sizeof graders[0] == QUIZ_LADDER + 1, "a grader per type");

json_t *quiz_grade(const quiz_question *q, uint64_t seed, const json_t *answer, const char *locale)
{
    grade g = {json_array(), json_array(), 0, 1, q, answer, locale, NULL, "", ""};
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t np = quiz_draw_params(q, seed, names, values);
    sim_trace t;
    sim_trace_init(&t);
    g.t = &t;
    json_t *result = NULL;
    if (!g.format_errors || !g.parts)
        goto out;
    if (q->type == QUIZ_STATE || q->type == QUIZ_LADDER) {
        char msg[256];
        if (quiz_run_variant(q, seed, &t, msg, sizeof msg) != 0)
            goto out;
        if (q->type == QUIZ_STATE && q->step > t.count)
            goto out; /* quiz_check_question reports this for lesson authors */
    }
    if (!json_is_object(answer))
        ferr(&g, "", "the answer must be a JSON object");
    else
        graders[q->type](&g);
    bool gradable = json_array_size(g.format_errors) == 0;
    if (!gradable) {
        g.points = 0;
        json_array_clear(g.parts);
    }
    double score = g.max_points > 0 ? g.points / g.max_points : 0;
    char fb[320];
    if (!gradable)
        snprintf(fb, sizeof fb, "%s",
                 quiz_tr(locale, "Your answer could not be read; see format_errors.",
                         "无法读取你的答案，请查看 format_errors。"));
    else if (score >= 1)
        snprintf(fb, sizeof fb, "%s", quiz_tr(locale, "Correct.", "回答正确。"));
    else if (g.points > 0)
        snprintf(fb, sizeof fb,
                 quiz_tr(locale, "Partly correct: %g of %g points.%s",
                         "部分正确：得 %g 分（满分 %g 分）。%s"),
                 g.points, g.max_points, g.extra_fb);
    else
        snprintf(fb, sizeof fb, "%s%s", quiz_tr(locale, "Not correct.", "回答错误。"), g.extra_fb);
    char *expl = gradable ? quiz_fill(q, q->explanation, names, values, np, g.answer_text) : NULL;
    if (gradable && !expl)
        goto out;
    json_t *ex = expl ? json_string(expl) : json_null();
    result =
        ex ? json_pack("{s:b, s:f, s:f, s:f, s:s, s:O, s:O, s:O}", "gradable", gradable, "score",
                       score, "points", g.points, "max_points", g.max_points, "feedback", fb,
                       "explanation", ex, "format_errors", g.format_errors, "parts", g.parts)
           : NULL;
    json_decref(ex);
    free(expl);
out:
    json_decref(g.format_errors);
    json_decref(g.parts);
    sim_trace_cleanup(&t);
    return result;
}
