/*
 * quiz.c — ```quiz blocks: the question model, parser, checks, HTML and grading (quiz.h).
 *
 * Owns: the YAML → question translation with "line N" errors (libyaml's document API: every
 * node carries its start line), parameter draws (splitmix64 seeded by the variant seed
 * mixed with the question id), engine-computed answers for `state` and `ladder`, grading.
 * Does not: know HTTP or lesson files. The engine is run through sim.h on a private sim per
 * call, so concurrent calls on one question are safe.
 *
 * Scoring (max_points / partial credit):
 *   single, number, state: 1 point, all or nothing;
 *   multiple: one point per correct choice, points = max(0, right picks − wrong picks);
 *   order:    one point per adjacent pair of the student's order that is adjacent in the
 *             same order in the key (n − 1 points);
 *   ladder:   one point per field (seq and ack of each segment), 2 × segments.
 * score = points / max_points. A malformed payload is not graded (gradable false).
 * Parameters known to the scenario: client_iss, server_iss (the endpoint's first ISS) and
 * latency_ms. Placeholders: {param}, {step} (state), {answer} (explanations only).
 */
#include "quiz.h"

#include "../util/fnv.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../engine/sim.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "svg.h"

typedef struct quiz_param {
    char *name;
    int64_t lo, hi;
} quiz_param;

struct quiz_question {
    char *id;
    quiz_type type;
    int line;
    char *prompt, *explanation;
    char *choices[QUIZ_MAX_CHOICES];
    size_t choice_count;
    int64_t answer_int;                   /* single: index; number: value */
    size_t answer_list[QUIZ_MAX_CHOICES]; /* multiple: set; order: sequence */
    size_t answer_count;
    int64_t tolerance;
    char *scenario_name, *scenario_json; /* one of them, for state/ladder */
    sim_scenario *base;
    int endpoint;
    size_t step;
    int answer_state; /* state: optional key, -1 when absent */
    quiz_param params[QUIZ_MAX_PARAMS];
    size_t param_count;
    size_t segments;
    int seg_from[QUIZ_MAX_SEGMENTS]; /* ladder: who sends segment J, and its flags */
    unsigned seg_flags[QUIZ_MAX_SEGMENTS];
};

static const char *const type_names[] = {"single", "multiple", "number",
                                         "order",  "state",    "ladder"};

const char *quiz_type_name(quiz_type t)
{
    return (unsigned)t <= QUIZ_LADDER ? type_names[t] : "?";
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

static bool is_zh(const char *locale)
{
    return locale && strcmp(locale, "zh-CN") == 0;
}
static const char *tr(const char *locale, const char *en, const char *zh)
{
    return is_zh(locale) ? zh : en;
}

/* ---------------------------------------------------------------- free */

static void question_free(quiz_question *q)
{
    if (!q)
        return;
    free(q->id);
    free(q->prompt);
    free(q->explanation);
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
        question_free(set->items[i]);
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

typedef struct known_param {
    const char *name;
    int64_t lo, hi;
} known_param;
static const known_param known_params[] = {
    {"client_iss", 0, 4294967295LL},
    {"server_iss", 0, 4294967295LL},
    {"latency_ms", 0, 60000},
};

/* ---------------------------------------------------------------- engine */

/* Runs the question's scenario with the parameter values[] (in declaration order, n of
 * them) into t. 0 or -1 with msg. */
static int run_values(const quiz_question *q, const char *const names[], const int64_t values[],
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
static int run_variant(const quiz_question *q, uint64_t seed, sim_trace *t, char *msg,
                       size_t msg_size)
{
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t n = quiz_draw_params(q, seed, names, values);
    return run_values(q, names, values, n, t, msg, msg_size);
}

/* The n-th (0-based) send step, or NULL. */
static const sim_step *nth_send(const sim_trace *t, size_t n)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->steps[i].kind == SIM_STEP_SEND && n-- == 0)
            return &t->steps[i];
    return NULL;
}

static size_t send_count(const sim_trace *t)
{
    size_t c = 0;
    for (size_t i = 0; i < t->count; i++)
        c += t->steps[i].kind == SIM_STEP_SEND;
    return c;
}

/* ---------------------------------------------------------------- YAML helpers */

typedef struct pctx {
    yaml_document_t *doc;
    char *err;
    size_t err_size;
    const char *qid; /* for messages */
} pctx;

static int fail(pctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(pctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->err && c->err_size) {
        int line = n ? (int)n->start_mark.line + 1 : 1;
        if (c->qid)
            snprintf(c->err, c->err_size, "line %d: question %s: %s", line, c->qid, msg);
        else
            snprintf(c->err, c->err_size, "line %d: %s", line, msg);
    }
    return -1;
}

static yaml_node_t *node(pctx *c, int idx)
{
    return yaml_document_get_node(c->doc, idx);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_string(pctx *c, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(c, n, "\"%s\" must be a string", key);
    if (n->data.scalar.length != strlen(s))
        return fail(c, n, "\"%s\" contains a NUL byte", key);
    if (!*s)
        return fail(c, n, "\"%s\" must not be empty", key);
    free(*out);
    *out = strdup(s);
    return *out ? 0 : fail(c, n, "out of memory");
}

static bool parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int get_int(pctx *c, const yaml_node_t *n, const char *key, int64_t lo, int64_t hi,
                   int64_t *out)
{
    const char *s = scalar(n);
    int64_t v;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !parse_i64(s, &v))
        return fail(c, n, "\"%s\" must be an integer", key);
    if (v < lo || v > hi)
        return fail(c, n, "\"%s\" is %" PRId64 ", out of range %" PRId64 "..%" PRId64, key, v, lo,
                    hi);
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- placeholders */

/* Calls fn for each "{name}" in text; returns the first nonzero result. */
typedef int (*ph_fn)(void *ctx, const char *name, size_t len);
static int each_placeholder(const char *text, ph_fn fn, void *ctx)
{
    for (const char *p = text; p && *p; p++) {
        if (*p != '{')
            continue;
        const char *q = p + 1;
        while (*q == '_' || islower((unsigned char)*q) || isdigit((unsigned char)*q))
            q++;
        if (*q == '}' && q > p + 1) {
            int r = fn(ctx, p + 1, (size_t)(q - p - 1));
            if (r)
                return r;
            p = q;
        }
    }
    return 0;
}

typedef struct ph_check {
    const quiz_question *q;
    bool allow_answer;
    char bad[48];
} ph_check;

static int ph_known(void *ctx, const char *name, size_t len)
{
    ph_check *k = ctx;
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
static char *fill(const quiz_question *q, const char *text, const char *const names[],
                  const int64_t values[], size_t n, const char *answer)
{
    strbuf b;
    strbuf_init(&b);
    const char *run = text;
    for (const char *p = text; *p; p++) {
        if (*p != '{')
            continue;
        const char *e = p + 1;
        while (*e == '_' || islower((unsigned char)*e) || isdigit((unsigned char)*e))
            e++;
        if (*e != '}' || e == p + 1)
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

/* ---------------------------------------------------------------- parsing */

enum {
    K_ID = 1 << 0,
    K_TYPE = 1 << 1,
    K_PROMPT = 1 << 2,
    K_CHOICES = 1 << 3,
    K_ANSWER = 1 << 4,
    K_EXPL = 1 << 5,
    K_TOL = 1 << 6,
    K_SCEN = 1 << 7,
    K_SJSON = 1 << 8,
    K_EP = 1 << 9,
    K_STEP = 1 << 10,
    K_PARAMS = 1 << 11,
    K_SEGS = 1 << 12,
};
static const struct {
    const char *name;
    unsigned bit;
} keys[] = {
    {"id", K_ID},           {"type", K_TYPE},     {"prompt", K_PROMPT},
    {"choices", K_CHOICES}, {"answer", K_ANSWER}, {"explanation", K_EXPL},
    {"tolerance", K_TOL},   {"scenario", K_SCEN}, {"scenario_json", K_SJSON},
    {"endpoint", K_EP},     {"step", K_STEP},     {"params", K_PARAMS},
    {"segments", K_SEGS},
};
static const unsigned allowed_keys[] = {
    [QUIZ_SINGLE] = K_CHOICES | K_ANSWER,
    [QUIZ_MULTIPLE] = K_CHOICES | K_ANSWER,
    [QUIZ_NUMBER] = K_ANSWER | K_TOL,
    [QUIZ_ORDER] = K_CHOICES | K_ANSWER,
    [QUIZ_STATE] = K_SCEN | K_SJSON | K_EP | K_STEP | K_PARAMS | K_ANSWER,
    [QUIZ_LADDER] = K_SCEN | K_SJSON | K_PARAMS | K_SEGS,
};
#define COMMON_KEYS (K_ID | K_TYPE | K_PROMPT | K_EXPL)

static bool id_ok(const char *s)
{
    if (!*s || strlen(s) > 48)
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return false;
    return true;
}

static int parse_choices(pctx *c, yaml_node_t *n, quiz_question *q)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, "\"choices\" must be a list of strings");
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (cnt < 2 || cnt > QUIZ_MAX_CHOICES)
        return fail(c, n, "\"choices\" needs 2 to %d entries, has %zu", QUIZ_MAX_CHOICES, cnt);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = node(c, n->data.sequence.items.start[i]);
        char *s = NULL;
        if (get_string(c, it, "choices", &s) != 0)
            return -1;
        q->choices[q->choice_count++] = s;
    }
    return 0;
}

/* Every index of a multiple/order answer names a choice, and none twice. 0, or -1 after
 * fail() has reported the first bad index. */
static int check_answer_indices(pctx *c, yaml_node_t *answer_node, const quiz_question *q)
{
    for (size_t i = 0; i < q->answer_count; i++) {
        if (q->answer_list[i] >= q->choice_count)
            return fail(c, answer_node, "answer index %zu out of range (0..%zu)", q->answer_list[i],
                        q->choice_count - 1);
        for (size_t j = 0; j < i; j++)
            if (q->answer_list[j] == q->answer_list[i])
                return fail(c, answer_node, "answer index %zu listed twice", q->answer_list[i]);
    }
    return 0;
}

static int parse_index_list(pctx *c, yaml_node_t *n, quiz_question *q)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, "\"answer\" must be a list of choice indices");
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (cnt > QUIZ_MAX_CHOICES)
        return fail(c, n, "\"answer\" has too many entries");
    q->answer_count = 0;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = node(c, n->data.sequence.items.start[i]);
        int64_t v;
        if (get_int(c, it, "answer", 0, QUIZ_MAX_CHOICES - 1, &v) != 0)
            return -1;
        q->answer_list[q->answer_count++] = (size_t)v;
    }
    return 0;
}

static int parse_params(pctx *c, yaml_node_t *n, quiz_question *q)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, "\"params\" must be a mapping of name: \"int[a, b]\"");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *name = scalar(k);
        if (!name)
            return fail(c, k, "a parameter name must be a string");
        const known_param *kp = NULL;
        for (size_t i = 0; i < sizeof known_params / sizeof known_params[0]; i++)
            if (!strcmp(known_params[i].name, name))
                kp = &known_params[i];
        if (!kp)
            return fail(
                c, k, "unknown parameter \"%s\" (known: client_iss, server_iss, latency_ms)", name);
        for (size_t i = 0; i < q->param_count; i++)
            if (!strcmp(q->params[i].name, name))
                return fail(c, k, "parameter \"%s\" given twice", name);
        if (q->param_count >= QUIZ_MAX_PARAMS)
            return fail(c, k, "too many parameters");
        const char *spec = scalar(v);
        long long lo, hi;
        int used = 0;
        if (!spec || sscanf(spec, " int [ %lld , %lld ] %n", &lo, &hi, &used) != 2 ||
            spec[used] != '\0' || strncmp(spec, "int", 3) != 0)
            return fail(c, v, "bad parameter spec for \"%s\": expected \"int[a, b]\"", name);
        if (lo > hi)
            return fail(c, v, "bad parameter spec for \"%s\": %lld > %lld", name, lo, hi);
        if (lo < kp->lo || hi > kp->hi)
            return fail(c, v,
                        "bad parameter spec for \"%s\": must lie within %" PRId64 "..%" PRId64,
                        name, kp->lo, kp->hi);
        quiz_param *qp = &q->params[q->param_count];
        qp->name = strdup(name);
        if (!qp->name)
            return fail(c, k, "out of memory");
        qp->lo = lo;
        qp->hi = hi;
        q->param_count++;
    }
    return 0;
}

/* Loads the scenario (catalog name or inline JSON) into q->base. */
static int load_scenario(pctx *c, const yaml_node_t *at, quiz_question *q)
{
    const char *text;
    if (q->scenario_name) {
        const catalog_entry *e = catalog_find(q->scenario_name);
        if (!e)
            return fail(c, at, "unknown scenario \"%s\"", q->scenario_name);
        text = e->json;
    } else {
        text = q->scenario_json;
    }
    q->base = malloc(sizeof *q->base);
    scenario_errors *errs = calloc(1, sizeof *errs);
    if (!q->base || !errs) {
        free(errs);
        return fail(c, at, "out of memory");
    }
    int rc = scenario_parse(text, strlen(text), q->base, errs);
    if (rc != 0) {
        if (errs->count)
            fail(c, at, "scenario_json: %s%s%s", errs->items[0].pointer,
                 errs->items[0].pointer[0] ? ": " : "", errs->items[0].detail);
        else
            fail(c, at, "scenario_json is invalid");
    }
    free(errs);
    return rc == 0 ? 0 : -1;
}

/* Engine-dependent validation at parse time (seed 0) + ladder segment descriptors. */
static int engine_checks(pctx *c, const yaml_node_t *at, quiz_question *q)
{
    sim_trace t;
    sim_trace_init(&t);
    char msg[256] = "";
    int rc = -1;
    if (run_variant(q, 0, &t, msg, sizeof msg) != 0) {
        fail(c, at, "scenario does not run: %s", msg);
        goto out;
    }
    if (q->type == QUIZ_STATE) {
        if (q->step > t.count) {
            fail(c, at, "step %zu out of range: the trace has %zu steps", q->step, t.count);
            goto out;
        }
        tcp_state got = t.steps[q->step - 1].vars[q->endpoint].state;
        if (q->answer_state >= 0 && (int)got != q->answer_state) {
            fail(c, at, "answer %s disagrees with the engine: the %s is in %s after step %zu",
                 tcp_state_name((tcp_state)q->answer_state), sim_endpoint_name(q->endpoint),
                 tcp_state_name(got), q->step);
            goto out;
        }
    } else {
        size_t sends = send_count(&t);
        if (q->segments > sends) {
            fail(c, at, "segments %zu out of range: the trace has %zu send steps", q->segments,
                 sends);
            goto out;
        }
        for (size_t j = 0; j < q->segments; j++) {
            const sim_step *s = nth_send(&t, j);
            q->seg_from[j] = s->endpoint;
            q->seg_flags[j] = s->seg.flags;
        }
    }
    rc = 0;
out:
    sim_trace_cleanup(&t);
    return rc;
}

static int parse_question(pctx *c, yaml_node_t *item, quiz_question *q, const quiz_set *set,
                          quiz_question *const *batch, size_t batch_n)
{
    q->line = (int)item->start_mark.line + 1;
    q->answer_state = -1;
    q->endpoint = -1;
    if (item->type != YAML_MAPPING_NODE)
        return fail(c, item, "each question must be a mapping (id: …, type: …)");
    yaml_node_pair_t *ps = item->data.mapping.pairs.start, *pe = item->data.mapping.pairs.top;
    /* pass 1: id, type, unknown and duplicate keys */
    unsigned seen = 0;
    yaml_node_t *answer_node = NULL, *type_node = NULL;
    for (yaml_node_pair_t *p = ps; p < pe; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *name = scalar(k);
        unsigned bit = 0;
        for (size_t i = 0; name && i < sizeof keys / sizeof keys[0]; i++)
            if (!strcmp(keys[i].name, name))
                bit = keys[i].bit;
        if (!bit)
            return fail(c, k, "unknown key \"%s\"", name ? name : "?");
        if (seen & bit)
            return fail(c, k, "key \"%s\" given twice", name);
        seen |= bit;
        if (bit == K_ID) {
            if (get_string(c, v, "id", &q->id) != 0)
                return -1;
            if (!id_ok(q->id))
                return fail(c, v, "id \"%s\" must match [a-z0-9-]+", q->id);
            c->qid = q->id;
        } else if (bit == K_TYPE) {
            type_node = v;
        }
    }
    if (!(seen & K_ID))
        return fail(c, item, "missing \"id\"");
    for (size_t i = 0; i < set->count; i++)
        if (!strcmp(set->items[i]->id, q->id))
            return fail(c, item, "duplicate id (first at line %d of its block)",
                        set->items[i]->line);
    for (size_t i = 0; i < batch_n; i++)
        if (!strcmp(batch[i]->id, q->id))
            return fail(c, item, "duplicate id (first at line %d)", batch[i]->line);
    if (!type_node)
        return fail(c, item, "missing \"type\"");
    const char *ts = scalar(type_node);
    int type = -1;
    for (int i = 0; ts && i <= QUIZ_LADDER; i++)
        if (!strcmp(ts, type_names[i]))
            type = i;
    if (type < 0)
        return fail(c, type_node,
                    "unknown type \"%s\" (single, multiple, number, order, state, ladder)",
                    ts ? ts : "?");
    q->type = (quiz_type)type;
    /* pass 2: values */
    for (yaml_node_pair_t *p = ps; p < pe; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *name = scalar(k);
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (!strcmp(keys[i].name, name))
                bit = keys[i].bit;
        if (!(bit & (COMMON_KEYS | allowed_keys[q->type])))
            return fail(c, k, "key \"%s\" does not apply to type %s", name, ts);
        int64_t iv;
        switch (bit) {
        case K_PROMPT:
            if (get_string(c, v, "prompt", &q->prompt) != 0)
                return -1;
            break;
        case K_EXPL:
            if (get_string(c, v, "explanation", &q->explanation) != 0)
                return -1;
            break;
        case K_CHOICES:
            if (parse_choices(c, v, q) != 0)
                return -1;
            break;
        case K_ANSWER:
            answer_node = v;
            break;
        case K_TOL:
            if (get_int(c, v, "tolerance", 0, INT64_MAX / 4, &q->tolerance) != 0)
                return -1;
            break;
        case K_SCEN:
            if (get_string(c, v, "scenario", &q->scenario_name) != 0)
                return -1;
            break;
        case K_SJSON:
            if (get_string(c, v, "scenario_json", &q->scenario_json) != 0)
                return -1;
            break;
        case K_EP: {
            const char *e = scalar(v);
            if (!e || (strcmp(e, "client") && strcmp(e, "server")))
                return fail(c, v, "\"endpoint\" must be client or server");
            q->endpoint = strcmp(e, "server") == 0 ? SIM_SERVER : SIM_CLIENT;
            break;
        }
        case K_STEP:
            if (get_int(c, v, "step", 1, SIM_MAX_STEPS, &iv) != 0)
                return -1;
            q->step = (size_t)iv;
            break;
        case K_SEGS:
            if (get_int(c, v, "segments", 1, QUIZ_MAX_SEGMENTS, &iv) != 0)
                return -1;
            q->segments = (size_t)iv;
            break;
        case K_PARAMS:
            if (parse_params(c, v, q) != 0)
                return -1;
            break;
        default:
            break;
        }
    }
    if (!q->prompt)
        return fail(c, item, "missing \"prompt\"");
    if (!q->explanation)
        return fail(c, item, "missing \"explanation\"");
    bool needs_choices =
        q->type == QUIZ_SINGLE || q->type == QUIZ_MULTIPLE || q->type == QUIZ_ORDER;
    if (needs_choices && !q->choice_count)
        return fail(c, item, "missing \"choices\"");
    if (!answer_node && q->type <= QUIZ_ORDER)
        return fail(c, item, "missing \"answer\"");
    switch (q->type) {
    case QUIZ_SINGLE:
        if (get_int(c, answer_node, "answer", 0, INT64_MAX, &q->answer_int) != 0)
            return -1;
        if ((size_t)q->answer_int >= q->choice_count)
            return fail(c, answer_node, "answer index %" PRId64 " out of range (0..%zu)",
                        q->answer_int, q->choice_count - 1);
        break;
    case QUIZ_MULTIPLE:
        if (parse_index_list(c, answer_node, q) != 0)
            return -1;
        if (!q->answer_count)
            return fail(c, answer_node, "\"answer\" must name at least one choice");
        if (check_answer_indices(c, answer_node, q) != 0)
            return -1;
        break;
    case QUIZ_ORDER:
        if (parse_index_list(c, answer_node, q) != 0)
            return -1;
        if (q->answer_count != q->choice_count)
            return fail(c, answer_node, "\"answer\" must list every choice index once (%zu of %zu)",
                        q->answer_count, q->choice_count);
        if (check_answer_indices(c, answer_node, q) != 0)
            return -1;
        break;
    case QUIZ_NUMBER:
        if (get_int(c, answer_node, "answer", INT64_MIN / 4, INT64_MAX / 4, &q->answer_int) != 0)
            return -1;
        break;
    case QUIZ_STATE:
    case QUIZ_LADDER:
        if (!q->scenario_name == !q->scenario_json)
            return fail(c, item, "give exactly one of \"scenario\" and \"scenario_json\"");
        if (q->type == QUIZ_STATE) {
            if (q->endpoint < 0)
                return fail(c, item, "missing \"endpoint\"");
            if (!q->step)
                return fail(c, item, "missing \"step\"");
            if (answer_node) {
                tcp_state st;
                const char *a = scalar(answer_node);
                if (!a || !tcp_state_from_name(a, &st))
                    return fail(c, answer_node, "answer \"%s\" is not an RFC 9293 state name",
                                a ? a : "?");
                q->answer_state = (int)st;
            }
        } else if (!q->segments) {
            return fail(c, item, "missing \"segments\"");
        }
        if (load_scenario(c, item, q) != 0)
            return -1;
        if (engine_checks(c, item, q) != 0)
            return -1;
        break;
    }
    ph_check k = {.q = q, .allow_answer = false};
    if (each_placeholder(q->prompt, ph_known, &k))
        return fail(c, item, "prompt has unknown placeholder {%s}", k.bad);
    k.allow_answer = true;
    if (each_placeholder(q->explanation, ph_known, &k))
        return fail(c, item, "explanation has unknown placeholder {%s}", k.bad);
    return 0;
}

int quiz_parse_block(const char *yaml, size_t len, quiz_set *set, char *err, size_t err_size)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    pctx c = {.doc = &doc, .err = err, .err_size = err_size};
    if (err && err_size)
        err[0] = '\0';
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, err_size, "line 1: out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        if (err && err_size)
            snprintf(err, err_size, "line %d: YAML: %s%s%s", (int)parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
                     parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_parser_delete(&parser);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    quiz_question **batch = NULL;
    size_t batch_n = 0;
    int rc = -1;
    if (!root) {
        fail(&c, NULL, "empty quiz block: expected a list of questions");
        goto out;
    }
    if (root->type != YAML_SEQUENCE_NODE) {
        fail(&c, root, "a quiz block must be a YAML list of questions (\"- id: …\")");
        goto out;
    }
    size_t cnt = (size_t)(root->data.sequence.items.top - root->data.sequence.items.start);
    if (cnt == 0) {
        fail(&c, root, "empty quiz block: expected a list of questions");
        goto out;
    }
    batch = calloc(cnt, sizeof *batch);
    if (!batch) {
        fail(&c, root, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *item = node(&c, root->data.sequence.items.start[i]);
        quiz_question *q = calloc(1, sizeof *q);
        if (!q) {
            fail(&c, item, "out of memory");
            goto out;
        }
        c.qid = NULL;
        if (parse_question(&c, item, q, set, batch, batch_n) != 0) {
            question_free(q);
            goto out;
        }
        batch[batch_n++] = q;
    }
    quiz_question **items = realloc(set->items, (set->count + batch_n) * sizeof *items);
    if (!items) {
        fail(&c, root, "out of memory");
        goto out;
    }
    memcpy(items + set->count, batch, batch_n * sizeof *batch);
    set->items = items;
    set->count += batch_n;
    batch_n = 0;
    rc = 0;
out:
    for (size_t i = 0; i < batch_n; i++)
        question_free(batch[i]);
    free(batch);
    yaml_document_delete(&doc);
    return rc;
}

/* ---------------------------------------------------------------- check & equivalence */

int quiz_check_question(const quiz_question *q, char *err, size_t err_size)
{
    ph_check k = {.q = q, .allow_answer = false};
    if (each_placeholder(q->prompt, ph_known, &k)) {
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
        if (run_values(q, names, values, np, &t, msg, sizeof msg) != 0) {
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
                const sim_step *s = nth_send(&t, j);
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

/* ---------------------------------------------------------------- rendering */

static void render_prompt(strbuf *b, const quiz_question *q)
{
    /* parameters stay as named <var>s; the browser asks for a variant and replaces them */
    const char *run = q->prompt;
    for (const char *p = q->prompt; *p; p++) {
        if (*p != '{')
            continue;
        const char *e = p + 1;
        while (*e == '_' || islower((unsigned char)*e) || isdigit((unsigned char)*e))
            e++;
        if (*e != '}' || e == p + 1)
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
        strbuf_escape(&b, tr(locale, "Your answer", "你的答案"));
        strbuf_put(&b, " <input type=\"number\" name=\"value\" step=\"1\" inputmode=\"numeric\">"
                       "</label></p>");
        break;
    case QUIZ_STATE:
        strbuf_put(&b, "<p><label>");
        strbuf_escape(&b, tr(locale, "State", "状态"));
        strbuf_put(&b, " <select name=\"state\"><option value=\"\">");
        strbuf_escape(&b, tr(locale, "— choose a state —", "— 请选择状态 —"));
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
            strbuf_put(&b, "</span> <button type=\"button\" class=\"tl-up\" aria-label=\"");
            strbuf_escape(&b, tr(locale, "Move up", "上移"));
            strbuf_put(&b, "\">↑</button> <button type=\"button\" class=\"tl-down\" aria-label=\"");
            strbuf_escape(&b, tr(locale, "Move down", "下移"));
            strbuf_put(&b, "\">↓</button></li>");
        }
        strbuf_put(&b, "</ol>");
        break;
    }
    case QUIZ_LADDER:
        strbuf_put(&b, "<table class=\"tl-ladder-answer\"><thead><tr><th scope=\"col\">#</th>"
                       "<th scope=\"col\">");
        strbuf_escape(&b, tr(locale, "Segment", "报文段"));
        strbuf_put(&b,
                   "</th><th scope=\"col\">SEQ</th><th scope=\"col\">ACK</th></tr></thead><tbody>");
        for (size_t j = 0; j < q->segments; j++) {
            char fl[32];
            svg_flags_text(q->seg_flags[j], fl, sizeof fl);
            const char *dir = q->seg_from[j] == SIM_SERVER
                                  ? tr(locale, "server → client", "服务器 → 客户端")
                                  : tr(locale, "client → server", "客户端 → 服务器");
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
    strbuf_escape(&b, tr(locale, "Check", "检查答案"));
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
    char *prompt = fill(q, q->prompt, names, values, n, NULL);
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

/* ---------------------------------------------------------------- grading */

typedef struct grade {
    json_t *format_errors, *parts;
    double points, max_points;
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

json_t *quiz_grade(const quiz_question *q, uint64_t seed, const json_t *answer, const char *locale)
{
    grade g = {json_array(), json_array(), 0, 1};
    const char *names[QUIZ_MAX_PARAMS];
    int64_t values[QUIZ_MAX_PARAMS];
    size_t np = quiz_draw_params(q, seed, names, values);
    char answer_text[512] = "";
    char extra_fb[160] = "";
    sim_trace t;
    sim_trace_init(&t);
    json_t *result = NULL;
    if (!g.format_errors || !g.parts)
        goto out;
    if (q->type == QUIZ_STATE || q->type == QUIZ_LADDER) {
        char msg[256];
        if (run_variant(q, seed, &t, msg, sizeof msg) != 0)
            goto out;
        if (q->type == QUIZ_STATE && q->step > t.count)
            goto out; /* quiz_check_question reports this for lesson authors */
    }
    if (!json_is_object(answer)) {
        ferr(&g, "", "the answer must be a JSON object");
        goto done;
    }
    switch (q->type) {
    case QUIZ_SINGLE: {
        only_member(&g, answer, "choice");
        const json_t *v = json_object_get(answer, "choice");
        size_t c;
        if (!v)
            ferr(&g, "/choice", "missing");
        else if (get_index(&g, v, "/choice", q->choice_count, &c))
            g.points = c == (size_t)q->answer_int;
        snprintf(answer_text, sizeof answer_text, "%s", q->choices[q->answer_int]);
        break;
    }
    case QUIZ_MULTIPLE: {
        only_member(&g, answer, "choices");
        size_t picks[QUIZ_MAX_CHOICES], n = 0;
        g.max_points = (double)q->answer_count;
        if (get_index_list(&g, answer, "choices", q->choice_count, picks, &n)) {
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
            g.points = right > wrong ? right - wrong : 0;
            snprintf(extra_fb, sizeof extra_fb,
                     tr(locale, " %d of %zu correct choices picked, %d wrong.",
                        "选中了 %d 个正确选项（共 %zu 个），%d 个错误选项。"),
                     right, q->answer_count, wrong);
        }
        for (size_t j = 0; j < q->answer_count; j++) {
            size_t l = strlen(answer_text);
            snprintf(answer_text + l, sizeof answer_text - l, "%s%s", j ? "; " : "",
                     q->choices[q->answer_list[j]]);
        }
        break;
    }
    case QUIZ_NUMBER: {
        only_member(&g, answer, "value");
        const json_t *v = json_object_get(answer, "value");
        if (!v)
            ferr(&g, "/value", "missing");
        else if (!json_is_integer(v))
            ferr(&g, "/value", "must be an integer");
        else {
            long long x = json_integer_value(v);
            if (x >= INT64_MIN / 2 && x <= INT64_MAX / 2) {
                long long d = x > q->answer_int ? x - q->answer_int : q->answer_int - x;
                g.points = d <= q->tolerance ? 1 : 0;
            }
        }
        snprintf(answer_text, sizeof answer_text, "%" PRId64, q->answer_int);
        break;
    }
    case QUIZ_ORDER: {
        only_member(&g, answer, "order");
        size_t ord[QUIZ_MAX_CHOICES], n = 0;
        size_t k = q->choice_count;
        g.max_points = (double)(k - 1);
        if (get_index_list(&g, answer, "order", k, ord, &n)) {
            if (n != k) {
                ferr(&g, "/order", "must list every choice index exactly once");
            } else {
                size_t pos[QUIZ_MAX_CHOICES];
                for (size_t i = 0; i < k; i++)
                    pos[q->answer_list[i]] = i;
                int good = 0;
                for (size_t i = 0; i + 1 < k; i++)
                    good += pos[ord[i + 1]] == pos[ord[i]] + 1;
                g.points = good;
                snprintf(extra_fb, sizeof extra_fb,
                         tr(locale, " %d of %zu neighbouring pairs in the right order.",
                            "%d 对相邻项（共 %zu 对）顺序正确。"),
                         good, k - 1);
            }
        }
        for (size_t j = 0; j < k; j++) {
            size_t l = strlen(answer_text);
            snprintf(answer_text + l, sizeof answer_text - l, "%s%s", j ? " → " : "",
                     q->choices[q->answer_list[j]]);
        }
        break;
    }
    case QUIZ_STATE: {
        only_member(&g, answer, "state");
        tcp_state want = t.steps[q->step - 1].vars[q->endpoint].state, got;
        const json_t *v = json_object_get(answer, "state");
        if (!v)
            ferr(&g, "/state", "missing");
        else if (!json_is_string(v))
            ferr(&g, "/state", "must be a state name string");
        else if (!tcp_state_from_name(json_string_value(v), &got))
            ferr(&g, "/state",
                 "not an RFC 9293 state name (they are spelled like SYN-SENT, "
                 "TIME-WAIT)");
        else
            g.points = got == want;
        snprintf(answer_text, sizeof answer_text, "%s", tcp_state_name(want));
        break;
    }
    case QUIZ_LADDER: {
        only_member(&g, answer, "segments");
        g.max_points = 2.0 * (double)q->segments;
        const json_t *arr = json_object_get(answer, "segments");
        if (!arr) {
            ferr(&g, "/segments", "missing");
        } else if (!json_is_array(arr) || json_array_size(arr) != q->segments) {
            char d[64];
            snprintf(d, sizeof d, "must be an array of %zu {\"seq\", \"ack\"} objects",
                     q->segments);
            ferr(&g, "/segments", d);
        } else {
            uint32_t seq[QUIZ_MAX_SEGMENTS], ack[QUIZ_MAX_SEGMENTS];
            bool ok = true;
            for (size_t j = 0; j < q->segments; j++) {
                const json_t *o = json_array_get(arr, j);
                char f[80];
                if (!json_is_object(o)) {
                    snprintf(f, sizeof f, "/segments/%zu", j);
                    ferr(&g, f, "must be an object {\"seq\", \"ack\"}");
                    ok = false;
                    continue;
                }
                const char *k;
                json_t *v;
                json_object_foreach((json_t *)o, k, v)
                {
                    if (strcmp(k, "seq") && strcmp(k, "ack")) {
                        snprintf(f, sizeof f, "/segments/%zu/%.20s", j, k);
                        ferr(&g, f, "unexpected member");
                        ok = false;
                    }
                }
                snprintf(f, sizeof f, "/segments/%zu/seq", j);
                ok = get_u32(&g, json_object_get(o, "seq"), f, &seq[j]) && ok;
                snprintf(f, sizeof f, "/segments/%zu/ack", j);
                ok = get_u32(&g, json_object_get(o, "ack"), f, &ack[j]) && ok;
            }
            for (size_t j = 0; ok && j < q->segments; j++) {
                const sim_step *s = nth_send(&t, j);
                char name[48];
                bool sr = s && seq[j] == s->seg.seq, ar = s && ack[j] == s->seg.ack;
                snprintf(name, sizeof name, tr(locale, "segment %zu seq", "报文段 %zu 的 SEQ"),
                         j + 1);
                part(&g, name, sr, 1,
                     sr ? tr(locale, "correct", "正确") : tr(locale, "wrong", "错误"));
                snprintf(name, sizeof name, tr(locale, "segment %zu ack", "报文段 %zu 的 ACK"),
                         j + 1);
                part(&g, name, ar, 1,
                     ar ? tr(locale, "correct", "正确") : tr(locale, "wrong", "错误"));
                g.points += sr + ar;
            }
        }
        for (size_t j = 0; j < q->segments; j++) {
            const sim_step *s = nth_send(&t, j);
            size_t l = strlen(answer_text);
            if (s)
                snprintf(answer_text + l, sizeof answer_text - l, "%sseq=%lu ack=%lu",
                         j ? "; " : "", (unsigned long)s->seg.seq, (unsigned long)s->seg.ack);
        }
        break;
    }
    }
done:;
    bool gradable = json_array_size(g.format_errors) == 0;
    if (!gradable) {
        g.points = 0;
        json_array_clear(g.parts);
    }
    double score = g.max_points > 0 ? g.points / g.max_points : 0;
    char fb[320];
    if (!gradable)
        snprintf(fb, sizeof fb, "%s",
                 tr(locale, "Your answer could not be read; see format_errors.",
                    "无法读取你的答案，请查看 format_errors。"));
    else if (score >= 1)
        snprintf(fb, sizeof fb, "%s", tr(locale, "Correct.", "回答正确。"));
    else if (g.points > 0)
        snprintf(fb, sizeof fb,
                 tr(locale, "Partly correct: %g of %g points.%s",
                    "部分正确：得 %g 分（满分 %g 分）。%s"),
                 g.points, g.max_points, extra_fb);
    else
        snprintf(fb, sizeof fb, "%s%s", tr(locale, "Not correct.", "回答错误。"), extra_fb);
    char *expl = gradable ? fill(q, q->explanation, names, values, np, answer_text) : NULL;
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
