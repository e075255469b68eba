/*
 * sim.c — two tcp_endpoints joined by a deterministic simulated network (implements sim.h).
 *
 * Owns: the event queue (a binary heap keyed by (time, order key)), the two endpoints'
 * timers, ISS selection, faults, injected segments, step recording and the step bound.
 * Does not: decide anything TCP does (tcp.c does), parse JSON, read a clock, or keep globals.
 *
 * Ordering: every scenario event is scheduled before the run starts with order key = its
 * index in the list; segment arrivals and timer deadlines get increasing keys as they are
 * scheduled. The next thing to happen is the smallest (time, key) among the heap top and
 * the two endpoints' timers (timers are not in the heap: a timer that is armed, moved or
 * stopped takes a new key at the end of the event that changed it — after the segments
 * that event sent — so nothing needs cancelling). Equal times therefore run scenario
 * events first (in listed order), then arrivals and timers in the order they were
 * scheduled.
 *
 * ISS: the endpoint's iss[] list in order; once exhausted, the last entry + 64000 for each
 * further connection (64000 ≈ what a 4 µs ISN clock, RFC 9293 §3.4.1, advances in 256 ms;
 * any fixed step would do). With iss_count == 0: splitmix64 of (seed, endpoint, index).
 *
 * Faults: a segment sent by `from` matches a fault when its flag set equals `flags`
 * exactly; each fault counts its matches (retransmissions included) and acts on the nth
 * (or on every one when nth == 0). When several faults would act on one segment, the first
 * one listed wins (all of them still count the match).
 *
 * Steps: per event, the call/receive/timeout/inject step first, then one send step per
 * segment (each followed by a drop step if a fault drops it). Every step records both
 * endpoints' variables after it; on a send step SND.NXT is the value right after that
 * segment left, so a call that sends shows SND.NXT before its first segment.
 * end_ms: until_ms when set, else the time of the last step.
 *
 * Allocation: only the heap and the trace's step array grow (realloc, doubling). With
 * trace == NULL a sim that has already run a scenario of the same size allocates nothing.
 */
#include "sim.h"

#include <stdarg.h>
#include <stdio.h> /* vsnprintf into the caller's message buffer only */
#include <stdlib.h>
#include <string.h>

#include "listenq.h"
#include "tcp_endpoint.h"

enum { IT_EVENT = 0, IT_SEGMENT = 1 };

typedef struct sim_item { /* 40 bytes: the heap moves these around */
    int64_t t;
    uint32_t key;
    uint32_t index;  /* IT_EVENT: index into sc->events */
    tcp_segment seg; /* IT_SEGMENT */
    uint8_t kind;
    uint8_t to;     /* IT_SEGMENT: receiving endpoint */
    bool duplicate; /* IT_SEGMENT: the copy made by a duplicate fault */
} sim_item;

struct sim {
    sim_item *heap;
    size_t n, cap;
    tcp_endpoint ep[SIM_ENDPOINTS];
    int64_t timer_at[SIM_ENDPOINTS]; /* -1: none */
    tcp_timer timer_kind[SIM_ENDPOINTS];
    uint32_t timer_key[SIM_ENDPOINTS];
    uint32_t order; /* < 2^32: at most SIM_MAX_EVENTS + 3 per step are ever scheduled */
    size_t iss_index[SIM_ENDPOINTS];
    uint32_t fault_matches[SIM_MAX_FAULTS];
    const sim_scenario *sc;
    sim_trace *trace;
    size_t steps;
    size_t max_steps; /* 1..SIM_MAX_STEPS (sim_set_max_steps) */
    sim_status status;
    char *msg;
    size_t msg_size;
    tcp_output out;
    listenq *lq;     /* runs listen-queue scenarios (sc->multi); created on first use */
    bool last_multi; /* the last run was one: sim_final asks lq */
};

/* ---- names, defaults, trace ------------------------------------------------------- */

const char *sim_endpoint_name(int endpoint)
{
    return endpoint == SIM_CLIENT ? "client" : endpoint == SIM_SERVER ? "server" : "?";
}

const char *sim_call_name(tcp_call c)
{
    return c == SIM_CALL_ACCEPT ? "accept" : tcp_call_name(c);
}

bool sim_call_from_name(const char *name, tcp_call *out)
{
    if (name && !strcmp(name, "accept")) {
        *out = SIM_CALL_ACCEPT;
        return true;
    }
    return tcp_call_from_name(name, out);
}

const char *sim_step_kind_name(sim_step_kind k)
{
    static const char *const names[] = {"call", "send", "receive", "drop", "timeout", "inject"};
    if ((int)k < 0 || (size_t)k >= sizeof names / sizeof names[0])
        return "?";
    return names[k];
}

const char *sim_timer_name(sim_timer t)
{
    switch (t) {
    case SIM_TIMER_RETRANSMISSION:
        return "retransmission";
    case SIM_TIMER_TIME_WAIT:
        return "time-wait";
    default:
        return NULL;
    }
}

const char *sim_fault_action_name(sim_fault_action a)
{
    switch (a) {
    case SIM_FAULT_DROP:
        return "drop";
    case SIM_FAULT_DELAY:
        return "delay";
    case SIM_FAULT_DUPLICATE:
        return "duplicate";
    }
    return "?";
}

void sim_scenario_defaults(sim_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        sc->ep[e].iss_count = 0;
        sc->ep[e].mss = 1460;
        sc->ep[e].wnd = 65535;
    }
    sc->latency_ms = 50;
    sc->fault_count = 0;
    sc->rto_ms = 1000;
    sc->msl_ms = 120000;
    sc->max_retries = 5;
    sc->event_count = 0;
    sc->has_until = false;
    sc->until_ms = 0;
    sc->seed = 0;
    sc->multi = false;
    sc->client_count = 0;
    sc->server_addr = 0x0a000001u; /* 10.0.0.1 */
    sc->server_port = 80;
    sc->syn_cookies = false;
}

void sim_trace_init(sim_trace *t)
{
    memset(t, 0, sizeof *t);
}

const char *sim_queue_name(sim_queue q)
{
    return q == SIM_QUEUE_SYN ? "syn" : q == SIM_QUEUE_ACCEPT ? "accept" : NULL;
}

const char *sim_trace_conn_name(const sim_trace *t, int conn)
{
    if (conn == SIM_CONN_LISTENER)
        return "listener";
    if (conn < 0 || (size_t)conn >= t->nconns)
        return "?";
    return t->conns[conn].name;
}

void sim_format_addr(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16) & 255u,
             (unsigned)(addr >> 8) & 255u, (unsigned)addr & 255u);
}

void sim_trace_cleanup(sim_trace *t)
{
    if (!t)
        return;
    free(t->steps);
    free(t->conns);
    memset(t, 0, sizeof *t);
}

sim *sim_new(void)
{
    sim *s = calloc(1, sizeof(sim));
    if (s)
        s->max_steps = SIM_MAX_STEPS;
    return s;
}

void sim_set_max_steps(sim *s, size_t max_steps)
{
    s->max_steps = max_steps == 0 || max_steps > SIM_MAX_STEPS ? SIM_MAX_STEPS : max_steps;
}

size_t sim_max_steps(const sim *s)
{
    return s->max_steps;
}

void sim_free(sim *s)
{
    if (!s)
        return;
    free(s->heap);
    listenq_free(s->lq);
    free(s);
}

void sim_final(const sim *s, tcp_vars out[SIM_ENDPOINTS])
{
    if (s->last_multi) {
        listenq_final(s->lq, out);
        return;
    }
    for (int e = 0; e < SIM_ENDPOINTS; e++)
        tcp_ep_vars(&s->ep[e], &out[e]);
}

/* ---- errors ------------------------------------------------------------------------- */

static sim_status fail(sim *s, sim_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static sim_status fail(sim *s, sim_status st, const char *fmt, ...)
{
    if (s->status == SIM_OK) {
        s->status = st;
        if (s->msg && s->msg_size > 0) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(s->msg, s->msg_size, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

static sim_status validate(sim *s, const sim_scenario *sc)
{
    if (sc->event_count > SIM_MAX_EVENTS)
        return fail(s, SIM_ERR_INVALID, "events: %zu events, at most %d allowed", sc->event_count,
                    SIM_MAX_EVENTS);
    if (sc->fault_count > SIM_MAX_FAULTS)
        return fail(s, SIM_ERR_INVALID, "network.faults: %zu faults, at most %d allowed",
                    sc->fault_count, SIM_MAX_FAULTS);
    if (sc->latency_ms < 0 || sc->latency_ms > ((int64_t)1 << 53))
        return fail(s, SIM_ERR_INVALID, "network.latency_ms: %lld is out of range 0..2^53",
                    (long long)sc->latency_ms);
    if (sc->has_until && sc->until_ms < 0)
        return fail(s, SIM_ERR_INVALID, "until_ms: %lld is negative", (long long)sc->until_ms);
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        if (sc->ep[e].iss_count > SIM_MAX_ISS)
            return fail(s, SIM_ERR_INVALID, "%s.iss: %zu values, at most %d allowed",
                        sim_endpoint_name(e), sc->ep[e].iss_count, SIM_MAX_ISS);
        if (sc->ep[e].mss == 0)
            return fail(s, SIM_ERR_INVALID, "%s.mss: must be at least 1", sim_endpoint_name(e));
    }
    for (size_t i = 0; i < sc->fault_count; i++) {
        const sim_fault *f = &sc->faults[i];
        if (f->from != SIM_CLIENT && f->from != SIM_SERVER)
            return fail(s, SIM_ERR_INVALID,
                        "network.faults[%zu].from: %d is not client (0) or "
                        "server (1)",
                        i, f->from);
        if (f->action != SIM_FAULT_DROP && f->action != SIM_FAULT_DELAY &&
            f->action != SIM_FAULT_DUPLICATE)
            return fail(s, SIM_ERR_INVALID, "network.faults[%zu].action: unknown action %d", i,
                        (int)f->action);
        if (f->extra_ms < 0 || f->extra_ms > ((int64_t)1 << 53))
            return fail(s, SIM_ERR_INVALID,
                        "network.faults[%zu].extra_ms: %lld is out of range "
                        "0..2^53",
                        i, (long long)f->extra_ms);
    }
    for (size_t i = 0; i < sc->event_count; i++) {
        const sim_event *ev = &sc->events[i];
        if (ev->at_ms < 0 || ev->at_ms > ((int64_t)1 << 53))
            return fail(s, SIM_ERR_INVALID, "events[%zu].at_ms: %lld is out of range 0..2^53", i,
                        (long long)ev->at_ms);
        if (ev->endpoint != SIM_CLIENT && ev->endpoint != SIM_SERVER)
            return fail(s, SIM_ERR_INVALID,
                        "events[%zu].endpoint: %d is not client (0) or "
                        "server (1)",
                        i, ev->endpoint);
        if (!ev->inject) {
            if ((int)ev->call < 0 || ev->call >= TCP_CALL_COUNT)
                return fail(s, SIM_ERR_INVALID, "events[%zu].call: unknown call %d", i,
                            (int)ev->call);
            if (ev->call == TCP_CALL_SEND && (ev->bytes == 0 || ev->bytes > SIM_MAX_SEND_BYTES))
                return fail(s, SIM_ERR_INVALID, "events[%zu].bytes: %u is out of range 1..%u", i,
                            ev->bytes, SIM_MAX_SEND_BYTES);
        } else if (ev->seg.flags & ~TCP_FLAGS_ALL) {
            return fail(s, SIM_ERR_INVALID, "events[%zu].inject.flags: unknown bits 0x%x", i,
                        (unsigned)ev->seg.flags);
        }
    }
    return SIM_OK;
}

/* ---- heap --------------------------------------------------------------------------- */

static bool item_before(const sim_item *a, const sim_item *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static bool heap_push(sim *s, const sim_item *it)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        sim_item *nh = realloc(s->heap, ncap * sizeof *nh);
        if (!nh) {
            fail(s, SIM_ERR_NOMEM, "out of memory growing the event queue to %zu entries", ncap);
            return false;
        }
        s->heap = nh;
        s->cap = ncap;
    }
    size_t i = s->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!item_before(it, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = *it;
    return true;
}

static void heap_pop(sim *s, sim_item *top)
{
    *top = s->heap[0];
    sim_item last = s->heap[--s->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n)
            break;
        if (c + 1 < s->n && item_before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!item_before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n > 0)
        s->heap[i] = last;
}

/* ---- ISS ---------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint32_t iss_for(const sim_scenario *sc, int e, size_t idx)
{
    const sim_endpoint_config *c = &sc->ep[e];
    if (c->iss_count > 0) {
        if (idx < c->iss_count)
            return c->iss[idx];
        return c->iss[c->iss_count - 1] + (uint32_t)(64000u * (uint32_t)(idx - c->iss_count + 1));
    }
    return (uint32_t)splitmix64(sc->seed ^ splitmix64(((uint64_t)idx << 1) | (uint64_t)e));
}

/* ---- steps -------------------------------------------------------------------------- */

/* Counts one step against the step limit (all that happens when nothing is recorded). */
static bool tick(sim *s, int64_t now)
{
    if (++s->steps > s->max_steps) {
        fail(s, SIM_ERR_TOO_MANY_STEPS,
             "the run needs more than %zu steps (stopped at t=%lld ms); shorten the scenario or "
             "set until_ms",
             s->max_steps, (long long)now);
        return false;
    }
    return true;
}

static bool record(sim *s, const sim_step *st)
{
    if (!tick(s, st->t_ms))
        return false;
    sim_trace *t = s->trace;
    if (!t)
        return true;
    if (t->count == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        sim_step *ns = realloc(t->steps, ncap * sizeof *ns);
        if (!ns) {
            fail(s, SIM_ERR_NOMEM, "out of memory growing the trace to %zu steps", ncap);
            return false;
        }
        t->steps = ns;
        t->cap = ncap;
    }
    t->steps[t->count++] = *st;
    return true;
}

static void step_base(const sim *s, sim_step *st, int64_t now, int e, sim_step_kind kind)
{
    memset(st, 0, sizeof *st);
    st->t_ms = now;
    st->endpoint = e;
    st->kind = kind;
    st->fault = -1;
    st->conn = -1;
    st->state_before = st->state_after = s->ep[e].state;
    if (s->trace) {
        tcp_ep_vars(&s->ep[0], &st->vars[0]);
        tcp_ep_vars(&s->ep[1], &st->vars[1]);
    }
}

static const char *const RULE_DROP =
    "network: the segment is lost (a scenario fault drops it); it occupies sequence space "
    "(SYN, FIN or data), so the sender's retransmission timer will notice";
static const char *const RULE_DROP_BARE =
    "network: the segment is lost (a scenario fault drops it); it occupies no sequence space "
    "(an ACK or RST without data, SYN or FIN), so it is never retransmitted: what it said "
    "arrives only if a later segment repeats it";
static const char *const RULE_INJECT =
    "network: a crafted segment (scenario inject) arrives as if sent by the peer";

const char *sim_drop_rule(const tcp_segment *seg)
{
    return tcp_seg_len(seg) > 0 ? RULE_DROP : RULE_DROP_BARE;
}

const char *sim_inject_rule(void)
{
    return RULE_INJECT;
}

/* Queues a segment arrival. Arrival times are bounded by SIM_MAX_TIME_MS so that no time
 * (arrival + latency + extra, a timer deadline) can overflow int64: each hop may add up to
 * 2^54 ms, and an exchange that never settles (an ACK war) makes up to SIM_MAX_STEPS hops. */
static bool schedule(sim *s, int64_t now, sim_item *it)
{
    if (it->t > SIM_MAX_TIME_MS) {
        fail(s, SIM_ERR_INVALID,
             "simulated time would pass 2^62 ms (a segment sent at t=%lld ms would arrive at "
             "t=%lld ms); lower network.latency_ms or the faults' extra_ms, or set until_ms",
             (long long)now, (long long)it->t);
        return false;
    }
    it->key = s->order++;
    return heap_push(s, it);
}

/* Send steps for the segments in s->out, then hand each to the network. */
static bool do_sends(sim *s, int64_t now, int e)
{
    const sim_scenario *sc = s->sc;
    for (;;) {
        tcp_output *out = &s->out;
        for (size_t i = 0; i < out->nsegs; i++) {
            const tcp_out_seg *os = &out->segs[i];
            int acting = -1;
            for (size_t f = 0; f < sc->fault_count; f++) {
                const sim_fault *fl = &sc->faults[f];
                if (fl->from != e || fl->flags != os->seg.flags)
                    continue;
                s->fault_matches[f]++;
                if (acting < 0 && (fl->nth == 0 || s->fault_matches[f] == fl->nth))
                    acting = (int)f;
            }
            sim_step st;
            if (!s->trace) {
                if (!tick(s, now))
                    return false;
            } else {
                step_base(s, &st, now, e, SIM_STEP_SEND);
                st.has_segment = true;
                st.seg = os->seg;
                st.retransmission = os->retransmission;
                st.fault = acting;
                st.rule = os->rule;
                st.vars[e].snd_nxt = os->snd_nxt_after;
                if (!record(s, &st))
                    return false;
            }
            sim_item it = {.t = now + sc->latency_ms,
                           .kind = IT_SEGMENT,
                           .to = (uint8_t)(1 - e),
                           .seg = os->seg};
            sim_fault_action act = acting >= 0 ? sc->faults[acting].action : SIM_FAULT_DELAY;
            int64_t extra = acting >= 0 ? sc->faults[acting].extra_ms : 0;
            if (acting >= 0 && act == SIM_FAULT_DROP) {
                if (!s->trace) {
                    if (!tick(s, now))
                        return false;
                    continue;
                }
                step_base(s, &st, now, e, SIM_STEP_DROP);
                st.has_segment = true;
                st.seg = os->seg;
                st.fault = acting;
                if (tcp_seg_len(&os->seg) > 0)
                    st.rule = RULE_DROP;
                else
                    st.rule = RULE_DROP_BARE;
                st.vars[e].snd_nxt = os->snd_nxt_after;
                if (!record(s, &st))
                    return false;
                continue;
            }
            if (act == SIM_FAULT_DELAY)
                it.t += extra;
            if (!schedule(s, now, &it))
                return false;
            if (acting >= 0 && act == SIM_FAULT_DUPLICATE) {
                it.t += extra;
                it.duplicate = true;
                if (!schedule(s, now, &it))
                    return false;
            }
        }
        if (!out->more)
            return true;
        tcp_ep_pump(&s->ep[e], now, out);
    }
}

static void fill_from_out(sim *s, sim_step *st, int e)
{
    const tcp_output *out = &s->out;
    st->state_before = out->state_before;
    st->state_after = s->ep[e].state;
    st->rule = out->rule;
    st->error = out->error;
    st->signal = out->signal;
    if (out->nsegs > 0)
        st->vars[e].snd_nxt = out->snd_nxt_first;
}

/* The endpoint always holds the ISS its next connection will use; when one is taken,
 * the next one is computed. */
static void after_iss(sim *s, int e)
{
    if (s->out.iss_used) {
        s->iss_index[e]++;
        tcp_ep_set_next_iss(&s->ep[e], iss_for(s->sc, e, s->iss_index[e]));
    }
}

static bool deliver(sim *s, int64_t now, int to, const tcp_segment *seg, bool dup)
{
    tcp_ep_segment(&s->ep[to], now, seg, &s->out);
    after_iss(s, to);
    if (!s->trace)
        return tick(s, now) && do_sends(s, now, to);
    sim_step st;
    step_base(s, &st, now, to, SIM_STEP_RECEIVE);
    st.has_segment = true;
    st.seg = *seg;
    st.duplicate = dup;
    fill_from_out(s, &st, to);
    return record(s, &st) && do_sends(s, now, to);
}

static bool run_event(sim *s, int64_t now, const sim_event *ev)
{
    int e = ev->endpoint;
    if (ev->inject) {
        if (!s->trace)
            return tick(s, now) && deliver(s, now, e, &ev->seg, false);
        sim_step st;
        step_base(s, &st, now, e, SIM_STEP_INJECT);
        st.has_segment = true;
        st.seg = ev->seg;
        st.rule = RULE_INJECT;
        return record(s, &st) && deliver(s, now, e, &ev->seg, false);
    }
    tcp_ep_call(&s->ep[e], now, ev->call, ev->bytes, &s->out);
    after_iss(s, e);
    if (!s->trace)
        return tick(s, now) && do_sends(s, now, e);
    sim_step st;
    step_base(s, &st, now, e, SIM_STEP_CALL);
    st.call = ev->call;
    st.bytes = ev->call == TCP_CALL_SEND ? ev->bytes : 0;
    fill_from_out(s, &st, e);
    return record(s, &st) && do_sends(s, now, e);
}

static bool run_timer(sim *s, int64_t now, int e)
{
    tcp_timer kind = tcp_ep_timeout(&s->ep[e], now, &s->out);
    if (kind == TCP_TIMER_NONE)
        return true;
    if (!s->trace)
        return tick(s, now) && do_sends(s, now, e);
    sim_step st;
    step_base(s, &st, now, e, SIM_STEP_TIMEOUT);
    st.timer = kind == TCP_TIMER_TIME_WAIT ? SIM_TIMER_TIME_WAIT : SIM_TIMER_RETRANSMISSION;
    fill_from_out(s, &st, e);
    return record(s, &st) && do_sends(s, now, e);
}

/* A timer that changed (armed, moved or stopped) takes a new order key. Only the
 * endpoint an input went to can have changed its timers. */
static void refresh_timer(sim *s, int e)
{
    int64_t at = -1;
    tcp_timer kind = TCP_TIMER_NONE;
    if (!tcp_ep_next_deadline(&s->ep[e], &at, &kind))
        at = -1;
    if (at != s->timer_at[e] || kind != s->timer_kind[e]) {
        s->timer_at[e] = at;
        s->timer_kind[e] = kind;
        s->timer_key[e] = s->order++;
    }
}

sim_status sim_run(sim *s, const sim_scenario *sc, sim_trace *trace, char *msg, size_t msg_size)
{
    if (msg && msg_size > 0)
        msg[0] = '\0';
    s->status = SIM_OK;
    s->msg = msg;
    s->msg_size = msg_size;
    s->sc = sc;
    s->trace = trace;
    s->steps = 0;
    s->n = 0;
    s->order = 0;
    if (trace) {
        trace->count = 0;
        trace->end_ms = 0;
        memset(trace->final, 0, sizeof trace->final);
        trace->multi = false;
        trace->nconns = 0;
    }
    s->last_multi = sc->multi;
    if (sc->multi) {
        if (!s->lq && !(s->lq = listenq_new()))
            return fail(s, SIM_ERR_NOMEM, "out of memory for the listen queues");
        return listenq_run(s->lq, sc, trace, s->max_steps, msg, msg_size);
    }
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        tcp_config cfg = {.mss = sc->ep[e].mss,
                          .wnd = sc->ep[e].wnd,
                          .rto_ms = sc->rto_ms,
                          .msl_ms = sc->msl_ms,
                          .max_retries = sc->max_retries};
        tcp_ep_init(&s->ep[e], &cfg);
        s->timer_at[e] = -1;
        s->timer_kind[e] = TCP_TIMER_NONE;
        s->timer_key[e] = 0;
        s->iss_index[e] = 0;
    }
    if (validate(s, sc) != SIM_OK)
        return s->status;
    for (int e = 0; e < SIM_ENDPOINTS; e++)
        tcp_ep_set_next_iss(&s->ep[e], iss_for(sc, e, 0));
    memset(s->fault_matches, 0, sc->fault_count * sizeof s->fault_matches[0]);
    for (size_t i = 0; i < sc->event_count; i++) {
        sim_item it = {
            .t = sc->events[i].at_ms, .key = s->order++, .kind = IT_EVENT, .index = (uint32_t)i};
        if (!heap_push(s, &it))
            return s->status;
    }
    int64_t last_t = 0;
    for (;;) {
        /* the next happening: heap top or one of the timers, by (time, key) */
        int which = -1; /* -1 none, 0/1 timer of that endpoint, 2 heap */
        int64_t t = 0;
        uint32_t key = 0;
        if (s->n > 0) {
            which = 2;
            t = s->heap[0].t;
            key = s->heap[0].key;
        }
        for (int e = 0; e < SIM_ENDPOINTS; e++) {
            if (s->timer_at[e] < 0)
                continue;
            if (which < 0 || s->timer_at[e] < t || (s->timer_at[e] == t && s->timer_key[e] < key)) {
                which = e;
                t = s->timer_at[e];
                key = s->timer_key[e];
            }
        }
        if (which < 0 || (sc->has_until && t > sc->until_ms))
            break;
        last_t = t;
        bool ok;
        int touched = which;
        if (which == 2) {
            sim_item it;
            heap_pop(s, &it);
            if (it.kind == IT_EVENT) {
                touched = sc->events[it.index].endpoint;
                ok = run_event(s, t, &sc->events[it.index]);
            } else {
                touched = it.to;
                ok = deliver(s, t, it.to, &it.seg, it.duplicate);
            }
        } else {
            ok = run_timer(s, t, which);
        }
        if (!ok)
            return s->status;
        refresh_timer(s, touched);
    }
    if (trace) {
        trace->end_ms = sc->has_until ? sc->until_ms : last_t;
        sim_final(s, trace->final);
    }
    return SIM_OK;
}
