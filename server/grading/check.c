/*
 * check.c — trace checking and challenge goals (see check.h for both formats).
 *
 * Owns: validating a student's ladder and a goal, comparing the ladder with the engine's
 * send steps, evaluating goal predicates step by step, and the result JSON.
 * Does not: run the engine, or store anything. Sequence numbers are only compared for
 * equality here (no ordering), so seq.h is not needed.
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

void check_error(scenario_errors *errs, const char *detail, const char *ptr_fmt, ...)
{
    if (errs->count >= SCENARIO_MAX_ERRORS) {
        errs->dropped++;
        return;
    }
    scenario_error *e = &errs->items[errs->count++];
    va_list ap;
    va_start(ap, ptr_fmt);
    vsnprintf(e->pointer, sizeof e->pointer, ptr_fmt, ap);
    va_end(ap);
    snprintf(e->detail, sizeof e->detail, "%s", detail);
}

static int endpoint_from(const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s)
        return -1;
    if (!strcmp(s, "client"))
        return SIM_CLIENT;
    if (!strcmp(s, "server"))
        return SIM_SERVER;
    return -1;
}

/* Flags as an array of names or one string "SYN,ACK" / "SYN+ACK" / "SYN ACK". -1 if bad. */
static int flags_from(const json_t *v)
{
    uint8_t flags = 0, f;
    if (json_is_array(v)) {
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it)
        {
            if (!json_is_string(it) || !tcp_flag_from_name(json_string_value(it), &f))
                return -1;
            flags |= f;
        }
        return flags;
    }
    const char *s = json_string_value(v);
    if (!s || strlen(s) > 64)
        return -1;
    char buf[80];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",+| ", &save); tok; tok = strtok_r(NULL, ",+| ", &save)) {
        if (!tcp_flag_from_name(tok, &f))
            return -1;
        flags |= f;
    }
    return flags;
}

static json_t *flags_json(uint8_t flags)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < TCP_FLAG_NAME_COUNT; i++)
        if (flags & tcp_flag_order[i])
            json_array_append_new(a, json_string(tcp_flag_name(tcp_flag_order[i])));
    return a;
}

static void flags_text(uint8_t flags, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++)
        if (flags & tcp_flag_order[i])
            o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? "," : "",
                                  tcp_flag_name(tcp_flag_order[i]));
    if (!buf[0])
        snprintf(buf, size, "(none)");
}

/* ---- ladders ---------------------------------------------------------------------------- */

typedef struct line {
    int endpoint;
    uint8_t flags;
    uint32_t seq, ack, len;
    bool has_ack, has_len, has_state;
    tcp_state state_after;
} line;

static bool u32_from(const json_t *v, uint32_t *out)
{
    if (!json_is_integer(v))
        return false;
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > 4294967295LL)
        return false;
    *out = (uint32_t)n;
    return true;
}

static void parse_line(const json_t *v, const char *ptr, size_t i, line *l, scenario_errors *errs)
{
    memset(l, 0, sizeof *l);
    if (!json_is_object(v)) {
        check_error(errs, "each line must be an object {endpoint, flags, seq, ack, ...}", "%s/%zu",
                    ptr, i);
        return;
    }
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)v, key, m)
    {
        static const char *const known[] = {"endpoint", "flags", "seq",
                                            "ack",      "len",   "state_after"};
        bool ok = false;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            ok |= !strcmp(key, known[k]);
        if (!ok)
            check_error(errs, "unknown member (endpoint, flags, seq, ack, len, state_after)",
                        "%s/%zu/%s", ptr, i, key);
    }
    json_t *ep = json_object_get(v, "endpoint");
    if (!ep)
        check_error(errs, "missing: the sender, \"client\" or \"server\"", "%s/%zu/endpoint", ptr,
                    i);
    else if ((l->endpoint = endpoint_from(ep)) < 0)
        check_error(errs, "must be \"client\" or \"server\"", "%s/%zu/endpoint", ptr, i);
    json_t *fl = json_object_get(v, "flags");
    int f = fl ? flags_from(fl) : -1;
    if (!fl)
        check_error(errs, "missing: e.g. [\"SYN\", \"ACK\"]", "%s/%zu/flags", ptr, i);
    else if (f < 0)
        check_error(errs, "flags are SYN, ACK, FIN, RST, PSH (array or \"SYN,ACK\")",
                    "%s/%zu/flags", ptr, i);
    else
        l->flags = (uint8_t)f;
    json_t *seq = json_object_get(v, "seq");
    if (!seq)
        check_error(errs, "missing: the segment's sequence number", "%s/%zu/seq", ptr, i);
    else if (!u32_from(seq, &l->seq))
        check_error(errs, "must be an integer 0..4294967295", "%s/%zu/seq", ptr, i);
    json_t *ack = json_object_get(v, "ack");
    if (ack && !(l->has_ack = u32_from(ack, &l->ack)))
        check_error(errs, "must be an integer 0..4294967295", "%s/%zu/ack", ptr, i);
    if (!ack && (l->flags & TCP_ACK))
        check_error(errs, "missing: the ACK flag is set, so give the acknowledgment number",
                    "%s/%zu/ack", ptr, i);
    json_t *len = json_object_get(v, "len");
    if (len && !(l->has_len = u32_from(len, &l->len)))
        check_error(errs, "must be an integer 0..4294967295", "%s/%zu/len", ptr, i);
    json_t *st = json_object_get(v, "state_after");
    if (st) {
        if (!json_is_string(st) || !tcp_state_from_name(json_string_value(st), &l->state_after))
            check_error(errs, "must be an RFC 9293 state name, e.g. \"SYN-SENT\"",
                        "%s/%zu/state_after", ptr, i);
        else
            l->has_state = true;
    }
}

static json_t *expected_json(const sim_step *s, size_t index)
{
    return json_pack("{s:I, s:s, s:o, s:I, s:I, s:I, s:s}", "step", (json_int_t)(index + 1),
                     "endpoint", sim_endpoint_name(s->endpoint), "flags", flags_json(s->seg.flags),
                     "seq", (json_int_t)s->seg.seq, "ack", (json_int_t)s->seg.ack, "len",
                     (json_int_t)s->seg.len, "state_after", tcp_state_name(s->state_after));
}

/* Appends "what: the engine says X, you wrote Y; " to buf. */
static void say(char *buf, size_t size, const char *what, const char *want, const char *got)
{
    size_t n = strlen(buf);
    if (n < size)
        snprintf(buf + n, size - n, "%s is %s, not %s; ", what, want, got);
}

int check_ladder_validate(const json_t *ladder, const char *ptr, scenario_errors *errs)
{
    size_t before = errs->count + errs->dropped;
    if (!json_is_array(ladder)) {
        check_error(errs, "must be an array of segment lines", "%s", ptr);
        return -1;
    }
    if (json_array_size(ladder) > 1000) {
        check_error(errs, "at most 1000 lines", "%s", ptr);
        return -1;
    }
    line l;
    for (size_t i = 0; i < json_array_size(ladder); i++)
        parse_line(json_array_get(ladder, i), ptr, i, &l, errs);
    return errs->count + errs->dropped == before ? 0 : -1;
}

json_t *check_trace(const sim_trace *t, const json_t *ladder, const char *ptr,
                    scenario_errors *errs)
{
    if (!json_is_array(ladder)) {
        check_error(errs, "must be an array of segment lines", "%s", ptr);
        return NULL;
    }
    size_t given = json_array_size(ladder);
    if (given > 1000) {
        check_error(errs, "at most 1000 lines", "%s", ptr);
        return NULL;
    }
    line *lines = calloc(given ? given : 1, sizeof *lines);
    if (!lines)
        return NULL;
    for (size_t i = 0; i < given; i++)
        parse_line(json_array_get(ladder, i), ptr, i, &lines[i], errs);
    if (errs->count) {
        free(lines);
        return NULL;
    }
    size_t *sends = calloc(t->count ? t->count : 1, sizeof *sends);
    if (!sends) {
        free(lines);
        return NULL;
    }
    size_t nsend = 0;
    for (size_t k = 0; k < t->count; k++)
        if (t->steps[k].kind == SIM_STEP_SEND)
            sends[nsend++] = k;

    json_t *out = json_array();
    size_t right = 0, total = given > nsend ? given : nsend;
    for (size_t i = 0; out && i < total; i++) {
        json_t *o = json_object();
        json_t *wrong = json_array();
        char why[768] = "";
        bool ok = true;
        if (!o || !wrong) {
            json_decref(o);
            json_decref(wrong);
            break;
        }
        json_object_set_new(o, "line", json_integer((json_int_t)i + 1));
        if (i >= nsend) {
            ok = false;
            snprintf(why, sizeof why, "the engine sends no further segment (it sends %zu)", nsend);
            json_object_set_new(o, "expected", json_null());
            json_object_set_new(o, "extra", json_true());
        } else {
            const sim_step *s = &t->steps[sends[i]];
            json_object_set_new(o, "expected", expected_json(s, sends[i]));
            if (i >= given) {
                ok = false;
                json_object_set_new(o, "missing", json_true());
                snprintf(why, sizeof why, "missing: the engine's segment %zu; ", i + 1);
            } else {
                const line *l = &lines[i];
                char a[32], b[32];
                if (l->endpoint != s->endpoint) {
                    json_array_append_new(wrong, json_string("endpoint"));
                    say(why, sizeof why, "the sender", sim_endpoint_name(s->endpoint),
                        sim_endpoint_name(l->endpoint));
                }
                if (l->flags != s->seg.flags) {
                    json_array_append_new(wrong, json_string("flags"));
                    flags_text(s->seg.flags, a, sizeof a);
                    flags_text(l->flags, b, sizeof b);
                    say(why, sizeof why, "flags", a, b);
                }
                if (l->seq != s->seg.seq) {
                    json_array_append_new(wrong, json_string("seq"));
                    snprintf(a, sizeof a, "%u", s->seg.seq);
                    snprintf(b, sizeof b, "%u", l->seq);
                    say(why, sizeof why, "SEQ", a, b);
                }
                if ((s->seg.flags & TCP_ACK) && l->has_ack && l->ack != s->seg.ack) {
                    json_array_append_new(wrong, json_string("ack"));
                    snprintf(a, sizeof a, "%u", s->seg.ack);
                    snprintf(b, sizeof b, "%u", l->ack);
                    say(why, sizeof why, "ACK", a, b);
                }
                if (l->has_len && l->len != s->seg.len) {
                    json_array_append_new(wrong, json_string("len"));
                    snprintf(a, sizeof a, "%u", s->seg.len);
                    snprintf(b, sizeof b, "%u", l->len);
                    say(why, sizeof why, "LEN", a, b);
                }
                if (l->has_state && l->state_after != s->state_after) {
                    json_array_append_new(wrong, json_string("state_after"));
                    say(why, sizeof why, "the sender's state after sending",
                        tcp_state_name(s->state_after), tcp_state_name(l->state_after));
                }
                ok = json_array_size(wrong) == 0;
            }
            size_t n = strlen(why);
            snprintf(why + n, sizeof why - n, "%s%s", ok ? "" : "engine: ", s->rule ? s->rule : "");
        }
        json_object_set_new(o, "right", json_boolean(ok));
        json_object_set_new(o, "wrong", wrong);
        json_object_set_new(o, "explanation", json_string(why));
        right += ok;
        json_array_append_new(out, o);
    }
    free(lines);
    free(sends);
    if (!out)
        return NULL;
    double score = total ? (double)right / (double)total : 1.0;
    char fb[128];
    snprintf(fb, sizeof fb, "%zu of %zu lines right", right, total);
    return json_pack("{s:f, s:I, s:I, s:I, s:o, s:s}", "score", score, "points", (json_int_t)right,
                     "max_points", (json_int_t)total, "expected_lines", (json_int_t)nsend, "lines",
                     out, "feedback", fb);
}

/* ---- goals ------------------------------------------------------------------------------- */

static int validate_pred(const json_t *p, char *ptr, size_t plen, int depth, scenario_errors *errs);

static int validate_ep_state(const json_t *v, const char *ptr, scenario_errors *errs)
{
    if (!json_is_object(v) || json_object_size(v) != 2) {
        check_error(errs, "must be {\"endpoint\": \"client\"|\"server\", \"is\": STATE}", "%s",
                    ptr);
        return -1;
    }
    int rc = 0;
    if (endpoint_from(json_object_get(v, "endpoint")) < 0) {
        check_error(errs, "must be \"client\" or \"server\"", "%s/endpoint", ptr);
        rc = -1;
    }
    tcp_state s;
    const char *is = json_string_value(json_object_get(v, "is"));
    if (!is || !tcp_state_from_name(is, &s)) {
        check_error(errs, "must be an RFC 9293 state name, e.g. \"CLOSE-WAIT\"", "%s/is", ptr);
        rc = -1;
    }
    return rc;
}

static int validate_segment(const json_t *v, const char *ptr, scenario_errors *errs)
{
    if (!json_is_object(v)) {
        check_error(errs, "must be an object {from, flags, kind, retransmission}", "%s", ptr);
        return -1;
    }
    int rc = 0;
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)v, key, m)
    {
        if (!strcmp(key, "from")) {
            if (endpoint_from(m) < 0) {
                check_error(errs, "must be \"client\" or \"server\"", "%s/from", ptr);
                rc = -1;
            }
        } else if (!strcmp(key, "flags")) {
            if (flags_from(m) < 0) {
                check_error(errs, "flags are SYN, ACK, FIN, RST, PSH", "%s/flags", ptr);
                rc = -1;
            }
        } else if (!strcmp(key, "kind")) {
            const char *k = json_string_value(m);
            if (!k || (strcmp(k, "send") && strcmp(k, "receive") && strcmp(k, "drop"))) {
                check_error(errs, "must be \"send\", \"receive\" or \"drop\"", "%s/kind", ptr);
                rc = -1;
            }
        } else if (!strcmp(key, "retransmission")) {
            if (!json_is_boolean(m)) {
                check_error(errs, "must be true or false", "%s/retransmission", ptr);
                rc = -1;
            }
        } else {
            check_error(errs, "unknown member (from, flags, kind, retransmission)", "%s/%s", ptr,
                        key);
            rc = -1;
        }
    }
    return rc;
}

static int validate_pred(const json_t *p, char *ptr, size_t plen, int depth, scenario_errors *errs)
{
    if (depth > MAX_DEPTH) {
        check_error(errs, "predicates nested too deeply", "%s", ptr);
        return -1;
    }
    if (!json_is_object(p) || json_object_size(p) != 1) {
        check_error(errs,
                    "a predicate is an object with exactly one of all, any, not, state, "
                    "state_visited, segment",
                    "%s", ptr);
        return -1;
    }
    const char *key = json_object_iter_key(json_object_iter((json_t *)p));
    json_t *v = json_object_get(p, key);
    size_t n = strlen(ptr);
    int w = snprintf(ptr + n, plen - n, "/%s", key);
    if (w < 0 || (size_t)w >= plen - n) {
        check_error(errs, "predicate path too long", "%s", ptr);
        ptr[n] = '\0';
        return -1;
    }
    int rc = 0;
    if (!strcmp(key, "all") || !strcmp(key, "any")) {
        if (!json_is_array(v) || json_array_size(v) == 0) {
            check_error(errs, "must be a non-empty array of predicates", "%s", ptr);
            rc = -1;
        } else {
            size_t i;
            json_t *it;
            size_t m = strlen(ptr);
            json_array_foreach(v, i, it)
            {
                snprintf(ptr + m, plen - m, "/%zu", i);
                if (validate_pred(it, ptr, plen, depth + 1, errs))
                    rc = -1;
                ptr[m] = '\0';
            }
        }
    } else if (!strcmp(key, "not")) {
        rc = validate_pred(v, ptr, plen, depth + 1, errs);
    } else if (!strcmp(key, "state") || !strcmp(key, "state_visited")) {
        rc = validate_ep_state(v, ptr, errs);
    } else if (!strcmp(key, "segment")) {
        rc = validate_segment(v, ptr, errs);
    } else {
        check_error(errs, "unknown predicate (all, any, not, state, state_visited, segment)", "%s",
                    ptr);
        rc = -1;
    }
    ptr[n] = '\0';
    return rc;
}

static bool is_goal_key(const char *k)
{
    return !strcmp(k, "reach") || !strcmp(k, "never") || !strcmp(k, "final");
}

int check_goal_validate(const json_t *goal, const char *ptr, scenario_errors *errs)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", ptr);
    if (!json_is_object(goal) || json_object_size(goal) == 0) {
        check_error(errs, "the goal must be an object: {reach, never, final} or one predicate",
                    "%s", ptr);
        return -1;
    }
    const char *first = json_object_iter_key(json_object_iter((json_t *)goal));
    if (!is_goal_key(first))
        return validate_pred(goal, buf, sizeof buf, 0, errs);
    int rc = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)goal, key, v)
    {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "/%s", key);
        if (!is_goal_key(key)) {
            check_error(errs, "unknown member (reach, never, final)", "%s", buf);
            rc = -1;
        } else if (validate_pred(v, buf, sizeof buf, 0, errs)) {
            rc = -1;
        }
        buf[n] = '\0';
    }
    return rc;
}

/* Evaluation context: step index k (or final when k == count) with visited-state masks. */
typedef struct eval_at {
    const sim_trace *t;
    size_t k;
    bool final;
    unsigned visited[SIM_ENDPOINTS];
} eval_at;

static tcp_state state_of(const eval_at *e, int ep)
{
    return e->final ? e->t->final[ep].state : e->t->steps[e->k].vars[ep].state;
}

static bool eval_pred(const json_t *p, const eval_at *e)
{
    const char *key = json_object_iter_key(json_object_iter((json_t *)p));
    json_t *v = json_object_get(p, key);
    if (!strcmp(key, "all") || !strcmp(key, "any")) {
        bool all = key[1] == 'l';
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it)
        {
            bool r = eval_pred(it, e);
            if (all && !r)
                return false;
            if (!all && r)
                return true;
        }
        return all;
    }
    if (!strcmp(key, "not"))
        return !eval_pred(v, e);
    if (!strcmp(key, "state") || !strcmp(key, "state_visited")) {
        int ep = endpoint_from(json_object_get(v, "endpoint"));
        tcp_state s = TCP_CLOSED;
        tcp_state_from_name(json_string_value(json_object_get(v, "is")), &s);
        if (key[5] == '_')
            return (e->visited[ep] >> s) & 1u;
        return state_of(e, ep) == s;
    }
    /* segment */
    if (e->final)
        return false;
    const sim_step *st = &e->t->steps[e->k];
    if (!st->has_segment)
        return false;
    const char *kind = json_string_value(json_object_get(v, "kind"));
    sim_step_kind want = !kind || !strcmp(kind, "send") ? SIM_STEP_SEND
                         : !strcmp(kind, "receive")     ? SIM_STEP_RECEIVE
                                                        : SIM_STEP_DROP;
    if (st->kind != want)
        return false;
    json_t *from = json_object_get(v, "from");
    if (from) {
        int sender = st->kind == SIM_STEP_RECEIVE ? 1 - st->endpoint : st->endpoint;
        if (sender != endpoint_from(from))
            return false;
    }
    json_t *fl = json_object_get(v, "flags");
    if (fl && flags_from(fl) != st->seg.flags)
        return false;
    json_t *re = json_object_get(v, "retransmission");
    if (re && json_is_true(re) != st->retransmission)
        return false;
    return true;
}

/* Human text of a predicate, appended to buf. */
static void describe(const json_t *p, char *buf, size_t size)
{
    size_t n = strlen(buf);
    if (n >= size - 1)
        return;
    const char *key = json_object_iter_key(json_object_iter((json_t *)p));
    json_t *v = json_object_get(p, key);
    if (!strcmp(key, "all") || !strcmp(key, "any")) {
        size_t i;
        json_t *it;
        snprintf(buf + n, size - n, "(");
        json_array_foreach(v, i, it)
        {
            if (i) {
                n = strlen(buf);
                snprintf(buf + n, size - n, key[1] == 'l' ? " and " : " or ");
            }
            describe(it, buf, size);
        }
        n = strlen(buf);
        snprintf(buf + n, size - n, ")");
    } else if (!strcmp(key, "not")) {
        snprintf(buf + n, size - n, "not ");
        describe(v, buf, size);
    } else if (!strcmp(key, "state") || !strcmp(key, "state_visited")) {
        snprintf(buf + n, size - n, key[5] == '_' ? "%s has been in %s" : "%s in %s",
                 json_string_value(json_object_get(v, "endpoint")),
                 json_string_value(json_object_get(v, "is")));
    } else {
        const char *kind = json_string_value(json_object_get(v, "kind"));
        const char *from = json_string_value(json_object_get(v, "from"));
        json_t *fl = json_object_get(v, "flags");
        char f[32] = "a segment";
        if (fl)
            flags_text((uint8_t)flags_from(fl), f, sizeof f);
        snprintf(buf + n, size - n, "%s%s%s %s%s", f, from ? " from " : "", from ? from : "",
                 kind ? kind : "send",
                 json_is_true(json_object_get(v, "retransmission")) ? " (retransmitted)" : "");
    }
}

json_t *check_goal(const json_t *goal, const sim_trace *t)
{
    const json_t *reach = NULL, *never = NULL, *final = NULL;
    const char *first = json_object_iter_key(json_object_iter((json_t *)goal));
    if (!is_goal_key(first)) {
        reach = goal;
    } else {
        reach = json_object_get(goal, "reach");
        never = json_object_get(goal, "never");
        final = json_object_get(goal, "final");
    }
    eval_at e = {t, 0, false, {0, 0}};
    size_t reached = 0, never_at = 0; /* 1-based; 0 = not yet */
    for (size_t k = 0; k < t->count; k++) {
        e.k = k;
        for (int ep = 0; ep < SIM_ENDPOINTS; ep++)
            e.visited[ep] |= 1u << t->steps[k].vars[ep].state;
        if (reach && !reached && eval_pred(reach, &e))
            reached = k + 1;
        if (never && eval_pred(never, &e)) {
            never_at = k + 1;
            break;
        }
    }
    char reason[1024] = "";
    size_t failed = 0;
    if (never_at) {
        failed = never_at;
        snprintf(reason, sizeof reason, "step %zu: ", never_at);
        describe(never, reason, sizeof reason);
        size_t n = strlen(reason);
        snprintf(reason + n, sizeof reason - n, " happened, but the goal says never");
    } else if (reach && !reached) {
        failed = t->count;
        snprintf(reason, sizeof reason, "the run ended (step %zu) without reaching ", t->count);
        describe(reach, reason, sizeof reason);
    } else if (final) {
        e.final = true;
        if (!eval_pred(final, &e)) {
            failed = t->count;
            snprintf(reason, sizeof reason, "at the end (step %zu) it is not the case that ",
                     t->count);
            describe(final, reason, sizeof reason);
        }
    }
    if (!failed) {
        snprintf(reason, sizeof reason, "goal met");
        if (reached) {
            size_t n = strlen(reason);
            snprintf(reason + n, sizeof reason - n, " (reached at step %zu)", reached);
        }
    }
    json_t *o = json_pack("{s:b, s:f, s:s}", "passed", !failed, "score", failed ? 0.0 : 1.0,
                          "reason", reason);
    if (!o)
        return NULL;
    json_object_set_new(o, "failed_step", failed ? json_integer((json_int_t)failed) : json_null());
    if (reached)
        json_object_set_new(o, "reached_step", json_integer((json_int_t)reached));
    return o;
}
