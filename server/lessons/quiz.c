/*
 * quiz.c — the question model of ```quiz blocks (quiz.h, quiz_internal.h): accessors and
 * cleanup, parameter draws (splitmix64 seeded by the variant seed mixed with the question
 * id), engine runs for `state` and `ladder`, placeholders, the engine checks of a question
 * and the equivalence of two locales' quiz sets.
 * Does not: parse YAML (quiz_parse.c), write HTML (quiz_render.c) or grade (quiz_grade.c);
 * know HTTP or lesson files. The engine is run through sim.h on a private sim per call,
 * so concurrent calls on one question are safe.
 *
 * Parameters known to the scenario: client_iss, server_iss (the endpoint's first ISS) and
 * latency_ms. Placeholders: {param}, {step} (state), {answer} (explanations only).
 */
#include "quiz_internal.h"

#include "../util/fnv.h"
#include "../util/strbuf.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const quiz_type_names[] = {"single", "multiple", "number", "order", "state", "ladder"};

const char *quiz_type_name(quiz_type t)
{
    return (unsigned)t <= QUIZ_LADDER ? quiz_type_names[t] : "?";
}
const char *quiz_question_id(const quiz_question *q)
{
    return q->id;
}
quiz_type quiz_question_type(const quiz_question *q)
{
    return q->type;
}
int quiz_question_line(const quiz_question *q)
{
    return q->line;
}
bool quiz_question_has_params(const quiz_question *q)
{
    return q->param_count > 0;
}

/* ---------------------------------------------------------------- free */

void quiz_question_free(quiz_question *q)
{
    if (!q)
        return;
    free(q->id);
    free(q->prompt);
    free(q->explanation);
    free(q->hint);
    for (size_t i = 0; i < q->choice_count; i++)
        free(q->choices[i]);
    free(q->scenario_name);
    free(q->scenario_json);
    free(q->base);
    for (size_t i = 0; i < q->param_count; i++)
        free(q->params[i].name);
    free(q);
}

void quiz_set_cleanup(quiz_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        quiz_question_free(set->items[i]);
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

/* ---------------------------------------------------------------- seeds and params */

uint64_t quiz_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t quiz_draw_params(const quiz_question *q, uint64_t seed, const char *names[],
                        int64_t values[])
{
    uint64_t st = seed ^ fnv1a64(q->id, q->id ? strlen(q->id) : 0);
    for (size_t i = 0; i < q->param_count; i++) {
        uint64_t x = quiz_splitmix64(&st);
        uint64_t span = (uint64_t)(q->params[i].hi - q->params[i].lo) + 1u;
        names[i] = q->params[i].name;
        values[i] = q->params[i].lo + (int64_t)(span ? x % span : x);
    }
    return q->param_count;
}

/* ---------------------------------------------------------------- engine */

/* Runs the question's scenario with the parameter values[] (in declaration order, n of
 * them) into t. 0 or -1 with msg. */
int quiz_run_values(const quiz_question *q, const char *const names[], const int64_t values[],
                    size_t n, sim_trace *t, char *msg, size_t msg_size)
{
    sim_scenario *sc = malloc(sizeof *sc);
    sim *s = sim_new();
    int rc = -1;
    if (!sc || !s) {
        snprintf(msg, msg_size, "out of memory");
        goto out;
    }
    memcpy(sc, q->base, sizeof *sc);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "latency_ms") == 0) {
            sc->latency_ms = values[i];
            continue;
        }
        int ep = strcmp(names[i], "server_iss") == 0 ? SIM_SERVER : SIM_CLIENT;
        sc->ep[ep].iss[0] = (uint32_t)values[i];
        if (sc->ep[ep].iss_count == 0)
            sc->ep[ep].iss_count = 1;
    }
    if (sim_run(s, sc, t, msg, msg_size) != SIM_OK)
        goto out;
    rc = 0;
out:
    sim_free(s);
    free(sc);
    return rc;
}

/* Runs the question's scenario with the params of `seed` into t. 0 or -1 with msg. */
int quiz_run_variant(const quiz_question *q, uint64_t seed, sim_trace *t, char *msg,
                     size_t msg_size)
{
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t n = quiz_draw_params(q, seed, names, values);
    return quiz_run_values(q, names, values, n, t, msg, msg_size);
}

/* The n-th (0-based) send step, or NULL. */
const sim_step *quiz_nth_send(const sim_trace *t, size_t n)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->steps[i].kind == SIM_STEP_SEND && n-- == 0)
            return &t->steps[i];
    return NULL;
}

size_t quiz_send_count(const sim_trace *t)
{
    size_t c = 0;
    for (size_t i = 0; i < t->count; i++)
        c += t->steps[i].kind == SIM_STEP_SEND;
    return c;
}

/* ---------------------------------------------------------------- placeholders */

const char *quiz_placeholder_end(const char *p)
{
    if (*p != '{')
        return NULL;
    const char *e = p + 1;
    while (*e == '_' || islower((unsigned char)*e) || isdigit((unsigned char)*e))
        e++;
    return *e == '}' && e > p + 1 ? e : NULL;
}

int quiz_each_placeholder(const char *text, quiz_ph_fn fn, void *ctx)
{
    for (const char *p = text; p && *p; p++) {
        const char *q = quiz_placeholder_end(p);
        if (q) {
            int r = fn(ctx, p + 1, (size_t)(q - p - 1));
            if (r)
                return r;
            p = q;
        }
    }
    return 0;
}

int quiz_ph_known(void *ctx, const char *name, size_t len)
{
    quiz_ph_check *k = ctx;
    for (size_t i = 0; i < k->q->param_count; i++)
        if (strlen(k->q->params[i].name) == len && !strncmp(k->q->params[i].name, name, len))
            return 0;
    if (k->q->type == QUIZ_STATE && len == 4 && !strncmp(name, "step", 4))
        return 0;
    if (k->allow_answer && len == 6 && !strncmp(name, "answer", 6))
        return 0;
    snprintf(k->bad, sizeof k->bad, "%.*s", (int)(len > 40 ? 40 : len), name);
    return 1;
}

/* Replaces placeholders; values as text. `answer` may be NULL. */
char *quiz_fill(const quiz_question *q, const char *text, const char *const names[],
                const int64_t values[], size_t n, const char *answer)
{
    strbuf b;
    strbuf_init(&b);
    const char *run = text;
    for (const char *p = text; *p; p++) {
        const char *e = quiz_placeholder_end(p);
        if (!e)
            continue;
        size_t len = (size_t)(e - p - 1);
        char val[64];
        const char *rep = NULL;
        for (size_t i = 0; i < n; i++)
            if (strlen(names[i]) == len && !strncmp(names[i], p + 1, len)) {
                snprintf(val, sizeof val, "%" PRId64, values[i]);
                rep = val;
            }
        if (!rep && q->type == QUIZ_STATE && len == 4 && !strncmp(p + 1, "step", 4)) {
            snprintf(val, sizeof val, "%zu", q->step);
            rep = val;
        }
        if (!rep && answer && len == 6 && !strncmp(p + 1, "answer", 6))
            rep = answer;
        if (!rep)
            continue;
        strbuf_putn(&b, run, (size_t)(p - run));
        strbuf_put(&b, rep);
        run = e + 1;
        p = e;
    }
    strbuf_put(&b, run);
    return strbuf_take(&b);
}

/* ---------------------------------------------------------------- check & equivalence */

int quiz_check_question(const quiz_question *q, char *err, size_t err_size)
{
    quiz_ph_check k = {.q = q, .allow_answer = false};
    if (quiz_each_placeholder(q->prompt, quiz_ph_known, &k)) {
        snprintf(err, err_size, "question %s: prompt has unknown placeholder {%s}", q->id, k.bad);
        return -1;
    }
    if (q->type != QUIZ_STATE && q->type != QUIZ_LADDER)
        return 0;
    /* seeds 0..7, and with parameters also every parameter at its lower bound, then every
     * one at its upper bound (a rare draw must not break the question either) */
    size_t runs = q->param_count ? 10 : 8;
    for (size_t r = 0; r < runs; r++) {
        const char *names[QUIZ_MAX_PARAMS];
        int64_t values[QUIZ_MAX_PARAMS];
        size_t np = quiz_draw_params(q, r, names, values);
        char where[200];
        if (r < 8) {
            snprintf(where, sizeof where, "seed %zu", r);
        } else {
            size_t l = (size_t)snprintf(where, sizeof where, "bounds");
            for (size_t i = 0; i < np; i++) {
                values[i] = r == 8 ? q->params[i].lo : q->params[i].hi;
                l += (size_t)snprintf(where + l, l < sizeof where ? sizeof where - l : 0,
                                      "%s%s=%" PRId64, i ? ", " : " ", names[i], values[i]);
                if (l >= sizeof where)
                    l = sizeof where - 1;
            }
        }
        sim_trace t;
        sim_trace_init(&t);
        char msg[256] = "";
        if (quiz_run_values(q, names, values, np, &t, msg, sizeof msg) != 0) {
            snprintf(err, err_size, "question %s: scenario does not run (%s): %s", q->id, where,
                     msg);
            sim_trace_cleanup(&t);
            return -1;
        }
        int bad = 0;
        if (q->type == QUIZ_STATE) {
            if (q->step > t.count) {
                snprintf(err, err_size, "question %s: step %zu out of range for %s (%zu steps)",
                         q->id, q->step, where, t.count);
                bad = 1;
            } else if (q->answer_state >= 0 &&
                       (int)t.steps[q->step - 1].vars[q->endpoint].state != q->answer_state) {
                snprintf(err, err_size,
                         "question %s: answer %s disagrees with the engine (%s) for %s", q->id,
                         tcp_state_name((tcp_state)q->answer_state),
                         tcp_state_name(t.steps[q->step - 1].vars[q->endpoint].state), where);
                bad = 1;
            }
        } else {
            for (size_t j = 0; j < q->segments && !bad; j++) {
                const sim_step *s = quiz_nth_send(&t, j);
                if (!s) {
                    snprintf(err, err_size, "question %s: segment %zu missing for %s", q->id, j + 1,
                             where);
                    bad = 1;
                } else if (s->endpoint != q->seg_from[j] || s->seg.flags != q->seg_flags[j]) {
                    snprintf(err, err_size, "question %s: segment %zu differs for %s", q->id, j + 1,
                             where);
                    bad = 1;
                }
            }
        }
        sim_trace_cleanup(&t);
        if (bad)
            return -1;
    }
    return 0;
}

static int differ(char *err, size_t n, const quiz_question *q, const char *what)
{
    snprintf(err, n, "question %s: %s differs between the two locales", q->id, what);
    return -1;
}

int quiz_sets_equivalent(const quiz_set *a, const quiz_set *b, char *err, size_t err_size)
{
    if (a->count != b->count) {
        snprintf(err, err_size, "the locales have %zu and %zu questions", a->count, b->count);
        return -1;
    }
    for (size_t i = 0; i < a->count; i++) {
        const quiz_question *x = a->items[i], *y = b->items[i];
        if (strcmp(x->id, y->id)) {
            snprintf(err, err_size, "question %zu is %s in one locale and %s in the other", i + 1,
                     x->id, y->id);
            return -1;
        }
        if (x->type != y->type)
            return differ(err, err_size, x, "type");
        if (x->choice_count != y->choice_count)
            return differ(err, err_size, x, "number of choices");
        if (x->answer_int != y->answer_int || x->answer_count != y->answer_count ||
            memcmp(x->answer_list, y->answer_list, x->answer_count * sizeof x->answer_list[0]) ||
            x->answer_state != y->answer_state || x->tolerance != y->tolerance)
            return differ(err, err_size, x, "answer");
        if ((x->scenario_name || y->scenario_name) &&
            (!x->scenario_name || !y->scenario_name || strcmp(x->scenario_name, y->scenario_name)))
            return differ(err, err_size, x, "scenario");
        if ((x->scenario_json || y->scenario_json) &&
            (!x->scenario_json || !y->scenario_json || strcmp(x->scenario_json, y->scenario_json)))
            return differ(err, err_size, x, "scenario_json");
        if (x->endpoint != y->endpoint || x->step != y->step || x->segments != y->segments)
            return differ(err, err_size, x, "endpoint/step/segments");
        if (x->param_count != y->param_count)
            return differ(err, err_size, x, "params");
        for (size_t j = 0; j < x->param_count; j++)
            if (strcmp(x->params[j].name, y->params[j].name) ||
                x->params[j].lo != y->params[j].lo || x->params[j].hi != y->params[j].hi)
                return differ(err, err_size, x, "params");
    }
    return 0;
}
