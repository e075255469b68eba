/*
 * quiz_parse.c — ```quiz block YAML → questions (quiz_parse_block in quiz.h), with
 * "line N" errors (libyaml's document API: every node carries its start line); the
 * scenario of a state/ladder question is loaded and checked against the engine here.
 * Does not: draw variants, write HTML or grade (quiz.c, quiz_render.c, quiz_grade.c).
 */
#include "quiz_internal.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"

typedef struct known_param {
    const char *name;
    int64_t lo, hi;
} known_param;
static const known_param known_params[] = {
    {"client_iss", 0, 4294967295LL},
    {"server_iss", 0, 4294967295LL},
    {"latency_ms", 0, 60000},
};

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
    K_HINT = 1 << 13,
};
static const struct {
    const char *name;
    unsigned bit;
} keys[] = {
    {"id", K_ID},           {"type", K_TYPE},     {"prompt", K_PROMPT},
    {"choices", K_CHOICES}, {"answer", K_ANSWER}, {"explanation", K_EXPL},
    {"tolerance", K_TOL},   {"scenario", K_SCEN}, {"scenario_json", K_SJSON},
    {"endpoint", K_EP},     {"step", K_STEP},     {"params", K_PARAMS},
    {"segments", K_SEGS},   {"hint", K_HINT},
};
static const unsigned allowed_keys[] = {
    [QUIZ_SINGLE] = K_CHOICES | K_ANSWER,
    [QUIZ_MULTIPLE] = K_CHOICES | K_ANSWER,
    [QUIZ_NUMBER] = K_ANSWER | K_TOL,
    [QUIZ_ORDER] = K_CHOICES | K_ANSWER,
    [QUIZ_STATE] = K_SCEN | K_SJSON | K_EP | K_STEP | K_PARAMS | K_ANSWER,
    [QUIZ_LADDER] = K_SCEN | K_SJSON | K_PARAMS | K_SEGS,
};
#define COMMON_KEYS (K_ID | K_TYPE | K_PROMPT | K_EXPL | K_HINT)

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
    if (quiz_run_variant(q, 0, &t, msg, sizeof msg) != 0) {
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
        size_t sends = quiz_send_count(&t);
        if (q->segments > sends) {
            fail(c, at, "segments %zu out of range: the trace has %zu send steps", q->segments,
                 sends);
            goto out;
        }
        for (size_t j = 0; j < q->segments; j++) {
            const sim_step *s = quiz_nth_send(&t, j);
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
        if (!strcmp(ts, quiz_type_names[i]))
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
        case K_HINT:
            if (get_string(c, v, "hint", &q->hint) != 0)
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
    quiz_ph_check k = {.q = q, .allow_answer = false};
    if (quiz_each_placeholder(q->prompt, quiz_ph_known, &k))
        return fail(c, item, "prompt has unknown placeholder {%s}", k.bad);
    if (q->hint && quiz_each_placeholder(q->hint, quiz_ph_known, &k))
        return fail(c, item, "hint has unknown placeholder {%s} ({answer} is for explanations)",
                    k.bad);
    k.allow_answer = true;
    if (quiz_each_placeholder(q->explanation, quiz_ph_known, &k))
        return fail(c, item, "explanation has unknown placeholder {%s}", k.bad);
    return 0;
}

/* Bounds on a block's YAML (docs/lessons.md); the schema needs depth 4 and about 30 nodes
 * per question. libyaml's loader slows down with every open flow level, so the bounds are
 * checked on its event stream, stopped at the first node past one, before loading. */
#define QUIZ_YAML_MAX_DEPTH 16    /* nested lists/mappings, the top list included */
#define QUIZ_YAML_MAX_NODES 10000 /* scalars, aliases, lists and mappings */

/* 0, or -1 with "line N: ..." in err when the YAML passes a bound. Syntax errors are left
 * to the loader, which reports them the same way. */
static int check_yaml_bounds(const char *yaml, size_t len, char *err, size_t err_size)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, err_size, "line 1: out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    int depth = 0, nodes = 0, rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            break;
        yaml_event_type_t t = ev.type;
        int line = (int)ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
            depth--;
        if (t != YAML_SEQUENCE_START_EVENT && t != YAML_MAPPING_START_EVENT &&
            t != YAML_SCALAR_EVENT && t != YAML_ALIAS_EVENT)
            continue;
        bool deep = (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) &&
                    ++depth > QUIZ_YAML_MAX_DEPTH;
        if (deep || ++nodes > QUIZ_YAML_MAX_NODES) {
            if (deep)
                snprintf(err, err_size,
                         "line %d: lists and mappings nested deeper than %d levels (the limit)",
                         line, QUIZ_YAML_MAX_DEPTH);
            else
                snprintf(err, err_size, "line %d: more than %d YAML nodes (the limit)", line,
                         QUIZ_YAML_MAX_NODES);
            rc = -1;
            break;
        }
    }
    yaml_parser_delete(&parser);
    return rc;
}

int quiz_parse_block(const char *yaml, size_t len, quiz_set *set, char *err, size_t err_size)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    pctx c = {.doc = &doc, .err = err, .err_size = err_size};
    if (err && err_size)
        err[0] = '\0';
    if (check_yaml_bounds(yaml, len, err, err_size) != 0)
        return -1;
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
            quiz_question_free(q);
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
        quiz_question_free(batch[i]);
    free(batch);
    yaml_document_delete(&doc);
    return rc;
}
