/*
 * listenq.c — a listening server, its SYN and accept queues, and many clients (listenq.h).
 *
 * Owns: the connection table (a four-tuple each, found through an open-addressing hash of
 * the client address and port: the server's are the same for all), the listening socket,
 * the two queue counts, SYN cookie making and checking, and the event loop of such a run.
 * Does not: decide anything a TCB does (every state change is tcp.c's, through
 * tcp_endpoint.h), format JSON, read a clock, or keep globals.
 *
 * Ordering, as sim.c: scenario events are keyed by their index; segment arrivals, timer
 * deadlines and the next copy of a repeated inject take increasing keys as they are
 * scheduled; the next happening is the smallest (time, key). Timers live in the same heap:
 * a timer that is armed or moved pushes an entry with a new key after the segments its
 * event sent, and an entry whose key is no longer its end's is stale and skipped.
 *
 * Steps, as sim.c (the call/receive/timeout/inject step, then one send step per segment,
 * each followed by a drop step if it is lost), and each names its connection (sim_step.conn)
 * and the queue lengths after it. vars[] are the connection's client end and server end; a
 * connection whose server has no TCB for it shows the listening socket's state there
 * (LISTEN, or CLOSED when nothing listens). A segment the server sends to a spoofed source
 * is followed by a drop step: no host there answers.
 *
 * ISS: a client's from its `iss` list as sim.c does (the first client with no list draws
 * from the seed exactly as the one client of sim.c does); the server's list serves each
 * new server end in turn.
 *
 * SYN cookies follow RFC 4987 §3.6's layout: the top 5 bits are a 64-second counter mod 32,
 * the next 3 an index into a table of 4 MSS values, the low 24 a keyed hash (splitmix64,
 * keyed by the seed; a real stack uses SipHash with a secret) of the four-tuple, the
 * client's ISN and the counter. A cookie is valid for the counter it was made in and the one
 * after (up to 128 s).
 *
 * Allocation: the heap, the connection table and the trace grow (realloc, doubling); the
 * hash is allocated once.
 */
#include "listenq.h"

#include <stdarg.h>
#include <stdio.h> /* vsnprintf/snprintf into fixed buffers only */
#include <stdlib.h>
#include <string.h>

#include "seq.h"
#include "tcp_endpoint.h"

enum { IT_EVENT = 0, IT_SEGMENT = 1, IT_TIMER = 2 };
enum { Q_NONE = 0, Q_SYN, Q_ACCEPT, Q_ACCEPTED };

#define LQ_SLOTS       (2 * SIM_MAX_CONNS) /* power of two */
#define COOKIE_TICK_MS 64000

typedef struct lq_item {
    int64_t t;
    uint32_t key;
    uint32_t index; /* IT_EVENT: event index; else the connection */
    uint32_t rep;   /* IT_EVENT: copy number of a repeated inject */
    tcp_segment seg;
    uint8_t kind;
    uint8_t to; /* IT_SEGMENT: receiving end; IT_TIMER: whose timer */
    bool duplicate;
} lq_item;

typedef struct lq_end {
    tcp_endpoint ep;
    int64_t timer_at; /* -1: none */
    tcp_timer timer_kind;
    uint32_t timer_key;
} lq_end;

typedef struct lq_conn {
    uint32_t addr;
    uint16_t port;
    int client; /* index into sc->clients; -1: a spoofed source */
    int queue;  /* Q_* */
    bool accepted_ever;
    uint32_t accept_order; /* FIFO position in the accept queue */
    size_t iss_index;      /* the client end's ISNs used */
    lq_end end[SIM_ENDPOINTS];
    char name[SIM_NAME_MAX];
} lq_conn;

struct listenq {
    lq_item *heap;
    size_t n, cap;
    lq_conn *conns;
    size_t nconns, conns_cap;
    uint32_t *slots; /* LQ_SLOTS entries: connection index + 1, 0 = empty */
    tcp_endpoint listener;
    uint32_t backlog, syn_backlog, syn_count, accept_count, accept_seq;
    size_t server_iss_index;
    uint32_t order;
    uint32_t fault_matches[SIM_MAX_FAULTS];
    const sim_scenario *sc;
    sim_trace *trace;
    size_t steps, max_steps;
    sim_status status;
    char *msg;
    size_t msg_size;
    tcp_output out;
    sim_queue note_full;    /* for the next step finish_input records */
    bool note_cookie_open;  /* that step rebuilt a connection from a cookie */
    bool note_cookie_reply; /* the SYN,ACK it sends carries a cookie */
};

/* ---- rules of the listen queues (whole literals: rules_zh.c has each one) ---------------- */

static const char *const RULE_SYNQ_FULL =
    "listen queue (Linux; RFC 9293 leaves a full queue open): the SYN queue is full and SYN "
    "cookies are off (tcp_syncookies=0) → drop the SYN without a reply; the client's "
    "retransmission timer will send it again";
static const char *const RULE_ACCEPTQ_FULL_SYN =
    "listen queue (Linux; RFC 9293 leaves a full queue open): the accept queue is full → drop "
    "the SYN without a reply, SYN cookies or not; the client's retransmission timer will send "
    "it again";
static const char *const RULE_ACCEPTQ_FULL_ACK =
    "listen queue (Linux, tcp_abort_on_overflow=0; RFC 9293 leaves it open): this ACK would "
    "complete the handshake but the accept queue is full → drop it and stay in SYN-RECEIVED; "
    "the client already believes ESTABLISHED, and the SYN,ACK timer will send the SYN,ACK "
    "again";
static const char *const RULE_ACCEPTQ_FULL_COOKIE =
    "listen queue (Linux): the ACK carries a valid SYN cookie but the accept queue is full → "
    "drop it; no state was kept, so nothing is resent: the client believes ESTABLISHED until "
    "its own data or FIN is retransmitted and brings the cookie again";
static const char *const RULE_ACCEPT =
    "accept(): take the oldest connection off the accept queue; the application now has a "
    "socket for it (RFC 9293 has no accept: there a passive OPEN stands for one connection)";
static const char *const RULE_ACCEPT_EMPTY =
    "accept(): the accept queue is empty → a non-blocking accept() fails with EAGAIN (a "
    "blocking one would wait for the next completed handshake)";
static const char *const RULE_ACCEPT_NOT_LISTENING =
    "accept(): the socket is not listening → the call fails (EINVAL)";
static const char *const RULE_NOT_ACCEPTED =
    "the server's application has not accept()ed this connection: it has no socket to call on "
    "yet";
static const char *const RULE_LISTENER_CLOSED =
    "close() of the listening socket: a connection still in its SYN queue or accept queue is "
    "aborted (Linux inet_csk_listen_stop; RST where RFC 9293 §3.10.5 sends one)";
static const char *const RULE_SPOOFED =
    "network: sent to a spoofed source address (RFC 4987 §2.1): no host there answers, so "
    "the segment is lost and the half-open connection waits for its timer";
#define ERR_NOT_ACCEPTED "connection not accepted"
#define ERR_NO_WAITING   "no connection waiting (EAGAIN)"
#define ERR_NOT_LISTEN   "socket not listening (EINVAL)"

/* ---- life cycle ------------------------------------------------------------------------ */

listenq *listenq_new(void)
{
    listenq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->slots = calloc(LQ_SLOTS, sizeof q->slots[0]);
    if (!q->slots) {
        free(q);
        return NULL;
    }
    return q;
}

void listenq_free(listenq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->conns);
    free(q->slots);
    free(q);
}

void listenq_final(const listenq *q, tcp_vars out[SIM_ENDPOINTS])
{
    if (!q || q->nconns == 0) {
        memset(out, 0, sizeof(tcp_vars) * SIM_ENDPOINTS);
        return;
    }
    for (int e = 0; e < SIM_ENDPOINTS; e++)
        tcp_ep_vars(&q->conns[0].end[e].ep, &out[e]);
}

static sim_status fail(listenq *q, sim_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static sim_status fail(listenq *q, sim_status st, const char *fmt, ...)
{
    if (q->status == SIM_OK) {
        q->status = st;
        if (q->msg && q->msg_size > 0) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(q->msg, q->msg_size, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

/* ---- validation ------------------------------------------------------------------------ */

static bool client_call_ok(tcp_call c)
{
    return c == TCP_CALL_CONNECT || c == TCP_CALL_SEND || c == TCP_CALL_CLOSE ||
           c == TCP_CALL_ABORT || c == TCP_CALL_CRASH;
}

static bool server_call_ok(tcp_call c, bool on_connection)
{
    if (on_connection)
        return c == TCP_CALL_SEND || c == TCP_CALL_CLOSE || c == TCP_CALL_ABORT;
    return c == TCP_CALL_LISTEN || c == SIM_CALL_ACCEPT || c == TCP_CALL_CLOSE ||
           c == TCP_CALL_ABORT;
}

static sim_status validate(listenq *q, const sim_scenario *sc)
{
    if (sc->client_count == 0 || sc->client_count > SIM_MAX_CLIENTS)
        return fail(q, SIM_ERR_INVALID, "clients: %zu clients, 1..%d allowed", sc->client_count,
                    SIM_MAX_CLIENTS);
    if (sc->event_count > SIM_MAX_EVENTS)
        return fail(q, SIM_ERR_INVALID, "events: %zu events, at most %d allowed", sc->event_count,
                    SIM_MAX_EVENTS);
    if (sc->fault_count > SIM_MAX_FAULTS)
        return fail(q, SIM_ERR_INVALID, "network.faults: %zu faults, at most %d allowed",
                    sc->fault_count, SIM_MAX_FAULTS);
    if (sc->latency_ms < 0 || sc->latency_ms > ((int64_t)1 << 53))
        return fail(q, SIM_ERR_INVALID, "network.latency_ms: %lld is out of range 0..2^53",
                    (long long)sc->latency_ms);
    if (sc->has_until && sc->until_ms < 0)
        return fail(q, SIM_ERR_INVALID, "until_ms: %lld is negative", (long long)sc->until_ms);
    if (sc->ep[SIM_SERVER].iss_count > SIM_MAX_ISS || sc->ep[SIM_SERVER].mss == 0)
        return fail(q, SIM_ERR_INVALID, "server: iss list too long or mss 0");
    for (size_t i = 0; i < sc->client_count; i++) {
        const sim_client_config *c = &sc->clients[i];
        if (c->ep.iss_count > SIM_MAX_ISS || c->ep.mss == 0)
            return fail(q, SIM_ERR_INVALID, "clients[%zu]: iss list too long or mss 0", i);
        if (c->addr == sc->server_addr && c->port == sc->server_port)
            return fail(q, SIM_ERR_INVALID, "clients[%zu]: has the server's address and port", i);
        for (size_t j = 0; j < i; j++)
            if (sc->clients[j].addr == c->addr && sc->clients[j].port == c->port)
                return fail(q, SIM_ERR_INVALID,
                            "clients[%zu]: the same address and port as clients[%zu]", i, j);
    }
    for (size_t i = 0; i < sc->fault_count; i++) {
        const sim_fault *f = &sc->faults[i];
        if ((f->from != SIM_CLIENT && f->from != SIM_SERVER) ||
            (f->action != SIM_FAULT_DROP && f->action != SIM_FAULT_DELAY &&
             f->action != SIM_FAULT_DUPLICATE) ||
            f->extra_ms < 0 || f->extra_ms > ((int64_t)1 << 53) ||
            (f->from == SIM_CLIENT && f->client >= (int)sc->client_count))
            return fail(q, SIM_ERR_INVALID, "network.faults[%zu]: out of range", i);
    }
    for (size_t i = 0; i < sc->event_count; i++) {
        const sim_event *ev = &sc->events[i];
        if (ev->at_ms < 0 || ev->at_ms > ((int64_t)1 << 53))
            return fail(q, SIM_ERR_INVALID, "events[%zu].at_ms: %lld is out of range 0..2^53", i,
                        (long long)ev->at_ms);
        if (ev->endpoint != SIM_CLIENT && ev->endpoint != SIM_SERVER)
            return fail(q, SIM_ERR_INVALID, "events[%zu].endpoint: %d is not client or server", i,
                        ev->endpoint);
        bool has_client = ev->client >= 0 && ev->client < (int)sc->client_count;
        if (ev->endpoint == SIM_CLIENT && !has_client)
            return fail(q, SIM_ERR_INVALID, "events[%zu]: names no client", i);
        if (ev->endpoint == SIM_SERVER && ev->client >= (int)sc->client_count)
            return fail(q, SIM_ERR_INVALID, "events[%zu]: names no client", i);
        if (ev->inject) {
            if (ev->seg.flags & ~TCP_FLAGS_ALL)
                return fail(q, SIM_ERR_INVALID, "events[%zu].inject.flags: unknown bits 0x%x", i,
                            (unsigned)ev->seg.flags);
            if (ev->repeat > SIM_MAX_REPEAT ||
                (ev->repeat > 1 && (!ev->has_from || ev->endpoint != SIM_SERVER)) ||
                (ev->has_from &&
                 (uint32_t)ev->from_port + (ev->repeat ? ev->repeat - 1 : 0) > 65535u) ||
                ev->every_ms > (1u << 30))
                return fail(q, SIM_ERR_INVALID,
                            "events[%zu].inject: repeat needs from, at most %d copies, ports "
                            "up to 65535",
                            i, SIM_MAX_REPEAT);
            continue;
        }
        bool ok = ev->endpoint == SIM_CLIENT ? client_call_ok(ev->call)
                                             : server_call_ok(ev->call, ev->client >= 0);
        if (!ok)
            return fail(q, SIM_ERR_INVALID,
                        "events[%zu].call: \"%s\" is not a call the %s can make with listen "
                        "queues",
                        i, sim_call_name(ev->call),
                        ev->endpoint == SIM_CLIENT ? "client"
                        : ev->client >= 0          ? "server on a connection"
                                                   : "listening socket");
        if (ev->call == TCP_CALL_SEND && (ev->bytes == 0 || ev->bytes > SIM_MAX_SEND_BYTES))
            return fail(q, SIM_ERR_INVALID, "events[%zu].bytes: %u is out of range 1..%u", i,
                        ev->bytes, SIM_MAX_SEND_BYTES);
    }
    return SIM_OK;
}

/* ---- heap ------------------------------------------------------------------------------ */

static bool item_before(const lq_item *a, const lq_item *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static bool heap_push(listenq *q, const lq_item *it)
{
    if (q->n == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 64;
        lq_item *nh = realloc(q->heap, ncap * sizeof *nh);
        if (!nh) {
            fail(q, SIM_ERR_NOMEM, "out of memory growing the event queue to %zu entries", ncap);
            return false;
        }
        q->heap = nh;
        q->cap = ncap;
    }
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!item_before(it, &q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = *it;
    return true;
}

static void heap_pop(listenq *q, lq_item *top)
{
    *top = q->heap[0];
    lq_item last = q->heap[--q->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && item_before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!item_before(&q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (q->n > 0)
        q->heap[i] = last;
}

/* ---- ISS and cookies ------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* sim.c's rule: the list in order, then +64000 each; without a list, from the seed. */
static uint32_t iss_from(const sim_endpoint_config *c, uint64_t seed, uint64_t salt, size_t idx)
{
    if (c->iss_count > 0) {
        if (idx < c->iss_count)
            return c->iss[idx];
        return c->iss[c->iss_count - 1] + (uint32_t)(64000u * (uint32_t)(idx - c->iss_count + 1));
    }
    return (uint32_t)splitmix64(seed ^ splitmix64(((uint64_t)idx << 1) | salt));
}

static uint32_t client_iss(const listenq *q, int client, size_t idx)
{
    /* client 0 draws as sim.c's client (salt 0); client k > 0 as a further stream */
    uint64_t salt = client == 0 ? 0 : (uint64_t)(client + 1) << 40;
    return iss_from(&q->sc->clients[client].ep, q->sc->seed, salt, idx);
}

static uint32_t server_iss(const listenq *q, size_t idx)
{
    return iss_from(&q->sc->ep[SIM_SERVER], q->sc->seed, 1, idx);
}

static const uint32_t cookie_mss[4] = {536, 1300, 1440, 1460}; /* Linux's msstab */

static uint32_t cookie_make(const listenq *q, const lq_conn *c, uint32_t client_isn,
                            uint32_t counter, uint32_t mss_index)
{
    const sim_scenario *sc = q->sc;
    uint64_t h = splitmix64(sc->seed ^ 0x636f6f6b6965ull);
    h = splitmix64(h ^ (((uint64_t)c->addr << 16) | c->port));
    h = splitmix64(h ^ (((uint64_t)sc->server_addr << 16) | sc->server_port));
    h = splitmix64(h ^ client_isn ^ ((uint64_t)counter << 32) ^ ((uint64_t)mss_index << 40));
    return ((counter & 31u) << 27) | ((mss_index & 7u) << 24) | (uint32_t)(h & 0xffffffu);
}

static uint32_t conn_mss_index(const listenq *q, const lq_conn *c)
{
    uint32_t mss = c->client >= 0 ? q->sc->clients[c->client].ep.mss : 1460;
    uint32_t idx = 0;
    for (uint32_t i = 0; i < 4; i++)
        if (cookie_mss[i] <= mss)
            idx = i;
    return idx;
}

/* Is SEG.ACK-1 a cookie made for this four-tuple and SEG.SEQ-1 at most one counter ago? */
static bool cookie_check(const listenq *q, const lq_conn *c, int64_t now, const tcp_segment *s,
                         uint32_t *mss)
{
    uint32_t isn = s->ack - 1, client_isn = s->seq - 1;
    uint32_t m = (isn >> 24) & 7u;
    if (m >= 4)
        return false;
    uint32_t counter = (uint32_t)(now / COOKIE_TICK_MS);
    for (uint32_t age = 0; age < 2 && age <= counter; age++) {
        uint32_t tc = counter - age;
        if (((isn >> 27) & 31u) == (tc & 31u) && cookie_make(q, c, client_isn, tc, m) == isn) {
            *mss = cookie_mss[m];
            return true;
        }
    }
    return false;
}

/* ---- connections ----------------------------------------------------------------------- */

static uint32_t slot_of(uint32_t addr, uint16_t port)
{
    return (uint32_t)(splitmix64(((uint64_t)addr << 16) | port) & (LQ_SLOTS - 1));
}

static int conn_find(const listenq *q, uint32_t addr, uint16_t port)
{
    for (uint32_t i = slot_of(addr, port);; i = (i + 1) & (LQ_SLOTS - 1)) {
        uint32_t v = q->slots[i];
        if (v == 0)
            return -1;
        const lq_conn *c = &q->conns[v - 1];
        if (c->addr == addr && c->port == port)
            return (int)(v - 1);
    }
}

static tcp_config cfg_of(const sim_scenario *sc, const sim_endpoint_config *ep)
{
    return (tcp_config){.mss = ep->mss,
                        .wnd = ep->wnd,
                        .rto_ms = sc->rto_ms,
                        .msl_ms = sc->msl_ms,
                        .max_retries = sc->max_retries};
}

/* The server end of a connection without a TCB: a copy of the listening socket. */
static void server_end_idle(listenq *q, lq_conn *c)
{
    tcp_config cfg = cfg_of(q->sc, &q->sc->ep[SIM_SERVER]);
    tcp_ep_init(&c->end[SIM_SERVER].ep, &cfg);
    if (q->listener.state == TCP_LISTEN) {
        tcp_output scratch;
        tcp_ep_call(&c->end[SIM_SERVER].ep, 0, TCP_CALL_LISTEN, 0, &scratch);
    }
}

static int conn_add(listenq *q, uint32_t addr, uint16_t port, int client)
{
    if (q->nconns == SIM_MAX_CONNS) {
        fail(q, SIM_ERR_INVALID,
             "more than %d connections (four-tuples) in one run; inject fewer sources",
             SIM_MAX_CONNS);
        return -1;
    }
    if (q->nconns == q->conns_cap) {
        size_t ncap = q->conns_cap ? q->conns_cap * 2 : 16;
        lq_conn *nc = realloc(q->conns, ncap * sizeof *nc);
        if (!nc) {
            fail(q, SIM_ERR_NOMEM, "out of memory growing the connection table to %zu", ncap);
            return -1;
        }
        q->conns = nc;
        q->conns_cap = ncap;
    }
    int idx = (int)q->nconns++;
    lq_conn *c = &q->conns[idx];
    memset(c, 0, offsetof(lq_conn, end));
    c->addr = addr;
    c->port = port;
    c->client = client;
    c->queue = Q_NONE;
    const sim_scenario *sc = q->sc;
    tcp_config ccfg = cfg_of(sc, client >= 0 ? &sc->clients[client].ep : &sc->ep[SIM_CLIENT]);
    tcp_ep_init(&c->end[SIM_CLIENT].ep, &ccfg);
    if (client >= 0)
        tcp_ep_set_next_iss(&c->end[SIM_CLIENT].ep, client_iss(q, client, 0));
    server_end_idle(q, c);
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        c->end[e].timer_at = -1;
        c->end[e].timer_kind = TCP_TIMER_NONE;
        c->end[e].timer_key = 0;
    }
    if (client >= 0) {
        snprintf(c->name, sizeof c->name, "%s", sc->clients[client].name);
    } else {
        snprintf(c->name, sizeof c->name, "%u.%u.%u.%u:%u", (unsigned)(addr >> 24),
                 (unsigned)(addr >> 16) & 255u, (unsigned)(addr >> 8) & 255u, (unsigned)addr & 255u,
                 (unsigned)port);
    }
    uint32_t i = slot_of(addr, port);
    while (q->slots[i] != 0)
        i = (i + 1) & (LQ_SLOTS - 1);
    q->slots[i] = (uint32_t)idx + 1;
    return idx;
}

/* ---- steps ----------------------------------------------------------------------------- */

static bool tick(listenq *q, int64_t now)
{
    if (++q->steps > q->max_steps) {
        fail(q, SIM_ERR_TOO_MANY_STEPS,
             "the run needs more than %zu steps (stopped at t=%lld ms); shorten the scenario or "
             "set until_ms",
             q->max_steps, (long long)now);
        return false;
    }
    return true;
}

static bool record(listenq *q, sim_step *st)
{
    if (!tick(q, st->t_ms))
        return false;
    sim_trace *t = q->trace;
    if (!t)
        return true;
    st->syn_queue = q->syn_count;
    st->accept_queue = q->accept_count;
    if (t->count == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        sim_step *ns = realloc(t->steps, ncap * sizeof *ns);
        if (!ns) {
            fail(q, SIM_ERR_NOMEM, "out of memory growing the trace to %zu steps", ncap);
            return false;
        }
        t->steps = ns;
        t->cap = ncap;
    }
    t->steps[t->count++] = *st;
    return true;
}

static void step_base(const listenq *q, sim_step *st, int64_t now, int c, int e, sim_step_kind kind)
{
    memset(st, 0, sizeof *st);
    st->t_ms = now;
    st->endpoint = e;
    st->kind = kind;
    st->fault = -1;
    st->conn = c;
    if (c >= 0) {
        const lq_conn *cn = &q->conns[c];
        st->state_before = st->state_after = cn->end[e].ep.state;
        tcp_ep_vars(&cn->end[SIM_CLIENT].ep, &st->vars[SIM_CLIENT]);
        tcp_ep_vars(&cn->end[SIM_SERVER].ep, &st->vars[SIM_SERVER]);
    } else {
        st->state_before = st->state_after = q->listener.state;
        tcp_ep_vars(&q->listener, &st->vars[SIM_SERVER]);
    }
}

static void fill_from_out(const listenq *q, sim_step *st, tcp_state now_state, int e)
{
    const tcp_output *out = &q->out;
    st->state_before = out->state_before;
    st->state_after = now_state;
    st->rule = out->rule;
    st->error = out->error;
    st->signal = out->signal;
    if (out->nsegs > 0)
        st->vars[e].snd_nxt = out->snd_nxt_first;
}

/* An output in which nothing is sent and nothing changes; the caller sets its rule. */
static void out_only(listenq *q, tcp_state st, uint32_t snd_nxt, const char *error)
{
    tcp_output *o = &q->out;
    o->state_before = st;
    o->rule = NULL;
    o->error = error;
    o->signal = NULL;
    o->nsegs = 0;
    o->more = false;
    o->ntransitions = 0;
    o->iss_used = false;
    o->snd_nxt_first = snd_nxt;
}

static bool schedule(listenq *q, int64_t now, lq_item *it)
{
    if (it->t > SIM_MAX_TIME_MS) {
        fail(q, SIM_ERR_INVALID,
             "simulated time would pass 2^62 ms (a segment sent at t=%lld ms would arrive at "
             "t=%lld ms); lower network.latency_ms or the faults' extra_ms, or set until_ms",
             (long long)now, (long long)it->t);
        return false;
    }
    it->key = q->order++;
    return heap_push(q, it);
}

/* Send steps for the segments in q->out from end `e` of connection `c`, then the network. */
static bool do_sends(listenq *q, int64_t now, int c, int e)
{
    const sim_scenario *sc = q->sc;
    for (;;) {
        tcp_output *out = &q->out;
        for (size_t i = 0; i < out->nsegs; i++) {
            const tcp_out_seg *os = &out->segs[i];
            const lq_conn *cn = &q->conns[c];
            int acting = -1;
            for (size_t f = 0; f < sc->fault_count; f++) {
                const sim_fault *fl = &sc->faults[f];
                if (fl->from != e || fl->flags != os->seg.flags)
                    continue;
                if (e == SIM_CLIENT && fl->client >= 0 && fl->client != cn->client)
                    continue;
                q->fault_matches[f]++;
                if (acting < 0 && (fl->nth == 0 || q->fault_matches[f] == fl->nth))
                    acting = (int)f;
            }
            bool nobody = e == SIM_SERVER && cn->client < 0;
            sim_step st;
            if (!q->trace) {
                if (!tick(q, now))
                    return false;
            } else {
                step_base(q, &st, now, c, e, SIM_STEP_SEND);
                st.has_segment = true;
                st.seg = os->seg;
                st.retransmission = os->retransmission;
                st.fault = acting;
                st.rule = os->rule;
                st.syn_cookie = q->note_cookie_reply;
                st.vars[e].snd_nxt = os->snd_nxt_after;
                if (!record(q, &st))
                    return false;
            }
            sim_fault_action act = acting >= 0 ? sc->faults[acting].action : SIM_FAULT_DELAY;
            int64_t extra = acting >= 0 ? sc->faults[acting].extra_ms : 0;
            if ((acting >= 0 && act == SIM_FAULT_DROP) || nobody) {
                if (!q->trace) {
                    if (!tick(q, now))
                        return false;
                    continue;
                }
                step_base(q, &st, now, c, e, SIM_STEP_DROP);
                st.has_segment = true;
                st.seg = os->seg;
                st.fault = acting >= 0 && act == SIM_FAULT_DROP ? acting : -1;
                if (st.fault >= 0)
                    st.rule = sim_drop_rule(&os->seg);
                else
                    st.rule = RULE_SPOOFED;
                st.vars[e].snd_nxt = os->snd_nxt_after;
                if (!record(q, &st))
                    return false;
                continue;
            }
            lq_item it = {.t = now + sc->latency_ms + (act == SIM_FAULT_DELAY ? extra : 0),
                          .kind = IT_SEGMENT,
                          .to = (uint8_t)(1 - e),
                          .index = (uint32_t)c,
                          .seg = os->seg};
            if (!schedule(q, now, &it))
                return false;
            if (acting >= 0 && act == SIM_FAULT_DUPLICATE) {
                it.t += extra;
                it.duplicate = true;
                if (!schedule(q, now, &it))
                    return false;
            }
        }
        if (!out->more)
            return true;
        tcp_ep_pump(&q->conns[c].end[e].ep, now, out);
    }
}

/* An end whose timer changed (armed, moved or stopped) takes a new key; an armed one gets
 * a heap entry with it. */
static bool refresh_timer(listenq *q, int c, int e)
{
    lq_end *en = &q->conns[c].end[e];
    int64_t at = -1;
    tcp_timer kind = TCP_TIMER_NONE;
    if (!tcp_ep_next_deadline(&en->ep, &at, &kind))
        at = -1;
    if (at == en->timer_at && kind == en->timer_kind)
        return true;
    en->timer_at = at;
    en->timer_kind = kind;
    en->timer_key = q->order++;
    if (at < 0)
        return true;
    lq_item it = {
        .t = at, .key = en->timer_key, .kind = IT_TIMER, .index = (uint32_t)c, .to = (uint8_t)e};
    return heap_push(q, &it);
}

/* The queue a connection's server end belongs in, after an input changed it. */
static void update_queue(listenq *q, lq_conn *c)
{
    tcp_state s = c->end[SIM_SERVER].ep.state;
    bool gone = s == TCP_CLOSED || s == TCP_LISTEN;
    switch (c->queue) {
    case Q_SYN:
        if (s == TCP_SYN_RECEIVED)
            return;
        q->syn_count--;
        c->queue = Q_NONE;
        if (!gone) {
            c->queue = Q_ACCEPT;
            c->accept_order = q->accept_seq++;
            q->accept_count++;
        }
        return;
    case Q_ACCEPT:
        if (gone) {
            q->accept_count--;
            c->queue = Q_NONE;
        }
        return;
    case Q_ACCEPTED: /* the application's socket, until a new connection reuses the tuple */
        return;
    default:
        if (s == TCP_SYN_RECEIVED) {
            c->queue = Q_SYN;
            q->syn_count++;
        } else if (!gone) {
            c->queue = Q_ACCEPT; /* rebuilt from a SYN cookie */
            c->accept_order = q->accept_seq++;
            q->accept_count++;
        }
        return;
    }
}

static void after_client_iss(listenq *q, lq_conn *c)
{
    if (q->out.iss_used && c->client >= 0) {
        c->iss_index++;
        tcp_ep_set_next_iss(&c->end[SIM_CLIENT].ep, client_iss(q, c->client, c->iss_index));
    }
}

/* What an input was, for its step: a call (ev), an arriving segment, or a timer. */
typedef struct input {
    sim_step_kind kind;
    const sim_event *ev;    /* SIM_STEP_CALL */
    const tcp_segment *seg; /* SIM_STEP_RECEIVE */
    bool duplicate;
    tcp_timer timer; /* SIM_STEP_TIMEOUT */
} input;

/* Records the step for an input to end `e` of connection `c` (already processed into q->out:
 * the variables shown are those after it, as in sim.c), then sends and re-keys the timer. */
static bool finish_input(listenq *q, int64_t now, int c, int e, const input *in)
{
    if (q->trace) {
        sim_step st;
        step_base(q, &st, now, c, e, in->kind);
        if (in->kind == SIM_STEP_CALL) {
            st.call = in->ev->call;
            st.bytes = in->ev->call == TCP_CALL_SEND ? in->ev->bytes : 0;
        } else if (in->kind == SIM_STEP_RECEIVE) {
            st.has_segment = true;
            st.seg = *in->seg;
            st.duplicate = in->duplicate;
        } else {
            st.timer =
                in->timer == TCP_TIMER_TIME_WAIT ? SIM_TIMER_TIME_WAIT : SIM_TIMER_RETRANSMISSION;
        }
        fill_from_out(q, &st, q->conns[c].end[e].ep.state, e);
        st.queue_full = q->note_full;
        st.syn_cookie = q->note_cookie_open;
        if (!record(q, &st))
            return false;
    } else if (!tick(q, now)) {
        return false;
    }
    q->note_full = SIM_QUEUE_NONE;
    q->note_cookie_open = false;
    bool ok = do_sends(q, now, c, e) && refresh_timer(q, c, e);
    q->note_cookie_reply = false;
    return ok;
}

static bool deliver_client(listenq *q, int64_t now, int c, const tcp_segment *seg, bool dup)
{
    lq_conn *cn = &q->conns[c];
    tcp_ep_segment(&cn->end[SIM_CLIENT].ep, now, seg, &q->out);
    after_client_iss(q, cn);
    input in = {.kind = SIM_STEP_RECEIVE, .seg = seg, .duplicate = dup};
    return finish_input(q, now, c, SIM_CLIENT, &in);
}

/* Does this ACK complete the handshake of a server end in SYN-RECEIVED? (RFC 9293
 * §3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT) */
static bool completes_handshake(const tcp_endpoint *ep, const tcp_segment *s)
{
    if ((s->flags & (TCP_ACK | TCP_SYN | TCP_RST)) != TCP_ACK)
        return false;
    tcp_vars v;
    tcp_ep_vars(ep, &v);
    return seq_lt(v.snd_una, s->ack) && seq_leq(s->ack, v.snd_nxt);
}

/* A segment arrives at the server from connection `c`: its TCB if it has one, else the
 * listening socket with its queues. */
static bool deliver_server(listenq *q, int64_t now, int c, const tcp_segment *seg, bool dup)
{
    lq_conn *cn = &q->conns[c];
    lq_end *sv = &cn->end[SIM_SERVER];
    tcp_state before = sv->ep.state;
    bool syn_only = (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
    bool ack_only = (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_ACK;
    if (before != TCP_CLOSED && before != TCP_LISTEN) {
        if (before == TCP_SYN_RECEIVED && q->accept_count >= q->backlog &&
            completes_handshake(&sv->ep, seg)) {
            out_only(q, before, sv->ep.snd_nxt, NULL);
            q->out.rule = RULE_ACCEPTQ_FULL_ACK;
            q->note_full = SIM_QUEUE_ACCEPT;
        } else {
            tcp_ep_segment(&sv->ep, now, seg, &q->out);
        }
    } else {
        /* no TCB for this four-tuple: the listening socket decides */
        if (cn->queue == Q_ACCEPTED)
            cn->queue = Q_NONE; /* a new connection on a four-tuple whose last one was accepted */
        if (before != q->listener.state) {
            server_end_idle(q, cn);
            before = sv->ep.state;
        }
        uint32_t mss = 0;
        if (before != TCP_LISTEN) {
            tcp_ep_segment(&sv->ep, now, seg, &q->out);
        } else if (syn_only && q->accept_count >= q->backlog) {
            out_only(q, before, sv->ep.snd_nxt, NULL);
            q->out.rule = RULE_ACCEPTQ_FULL_SYN;
            q->note_full = SIM_QUEUE_ACCEPT;
        } else if (syn_only && q->syn_count >= q->syn_backlog) {
            q->note_cookie_reply = q->sc->syn_cookies;
            if (q->sc->syn_cookies) {
                tcp_ep_syn_cookie_reply(&sv->ep, seg,
                                        cookie_make(q, cn, seg->seq,
                                                    (uint32_t)(now / COOKIE_TICK_MS),
                                                    conn_mss_index(q, cn)),
                                        &q->out);
            } else {
                out_only(q, before, sv->ep.snd_nxt, NULL);
                q->out.rule = RULE_SYNQ_FULL;
                q->note_full = SIM_QUEUE_SYN;
            }
        } else if (ack_only && q->sc->syn_cookies && cookie_check(q, cn, now, seg, &mss)) {
            q->note_cookie_open = true;
            if (q->accept_count >= q->backlog) {
                out_only(q, before, sv->ep.snd_nxt, NULL);
                q->out.rule = RULE_ACCEPTQ_FULL_COOKIE;
                q->note_full = SIM_QUEUE_ACCEPT;
            } else {
                tcp_ep_syn_cookie_open(&sv->ep, now, seg, mss, &q->out);
            }
        } else {
            tcp_ep_set_next_iss(&sv->ep, server_iss(q, q->server_iss_index));
            tcp_ep_segment(&sv->ep, now, seg, &q->out);
            if (q->out.iss_used)
                q->server_iss_index++;
        }
    }
    update_queue(q, cn);
    input in = {.kind = SIM_STEP_RECEIVE, .seg = seg, .duplicate = dup};
    return finish_input(q, now, c, SIM_SERVER, &in);
}

/* ---- events ---------------------------------------------------------------------------- */

/* The listening socket's own call: its step, then what it does to the connections. */
static bool listener_call(listenq *q, int64_t now, const sim_event *ev)
{
    sim_step st;
    tcp_state before = q->listener.state;
    if (ev->call == SIM_CALL_ACCEPT) {
        int best = -1;
        if (before == TCP_LISTEN)
            for (size_t i = 0; i < q->nconns; i++)
                if (q->conns[i].queue == Q_ACCEPT &&
                    (best < 0 || q->conns[i].accept_order < q->conns[best].accept_order))
                    best = (int)i;
        if (best < 0) {
            out_only(q, before, 0, before == TCP_LISTEN ? ERR_NO_WAITING : ERR_NOT_LISTEN);
            if (before == TCP_LISTEN)
                q->out.rule = RULE_ACCEPT_EMPTY;
            else
                q->out.rule = RULE_ACCEPT_NOT_LISTENING;
            if (!q->trace)
                return tick(q, now);
            step_base(q, &st, now, SIM_CONN_LISTENER, SIM_SERVER, SIM_STEP_CALL);
            st.call = ev->call;
            st.rule = q->out.rule;
            st.error = q->out.error;
            return record(q, &st);
        }
        lq_conn *cn = &q->conns[best];
        cn->queue = Q_ACCEPTED;
        cn->accepted_ever = true;
        q->accept_count--;
        if (!q->trace)
            return tick(q, now);
        step_base(q, &st, now, best, SIM_SERVER, SIM_STEP_CALL);
        st.call = ev->call;
        st.rule = RULE_ACCEPT;
        return record(q, &st);
    }
    tcp_ep_call(&q->listener, now, ev->call, 0, &q->out);
    if (ev->call == TCP_CALL_LISTEN && q->out.error == NULL) {
        q->backlog = ev->backlog ? ev->backlog : SIM_DEFAULT_BACKLOG;
        q->syn_backlog = ev->syn_backlog ? ev->syn_backlog : q->backlog;
    }
    if (q->trace) {
        step_base(q, &st, now, SIM_CONN_LISTENER, SIM_SERVER, SIM_STEP_CALL);
        st.call = ev->call;
        st.state_before = q->out.state_before;
        st.state_after = q->listener.state;
        st.rule = q->out.rule;
        st.error = q->out.error;
        if (!record(q, &st))
            return false;
    } else if (!tick(q, now)) {
        return false;
    }
    if (q->listener.state == before)
        return true;
    /* the listening socket opened or closed: the idle server ends follow it; close or
     * abort aborts every connection still queued */
    for (size_t i = 0; i < q->nconns; i++) {
        lq_conn *cn = &q->conns[i];
        tcp_state s = cn->end[SIM_SERVER].ep.state;
        if (s == TCP_CLOSED || s == TCP_LISTEN) {
            server_end_idle(q, cn);
            continue;
        }
        if (cn->queue != Q_SYN && cn->queue != Q_ACCEPT)
            continue;
        static const sim_event abort_ev = {.call = TCP_CALL_ABORT};
        tcp_ep_call(&cn->end[SIM_SERVER].ep, now, TCP_CALL_ABORT, 0, &q->out);
        update_queue(q, cn);
        q->out.rule = RULE_LISTENER_CLOSED;
        input in = {.kind = SIM_STEP_CALL, .ev = &abort_ev};
        if (!finish_input(q, now, (int)i, SIM_SERVER, &in))
            return false;
        server_end_idle(q, &q->conns[i]);
    }
    return true;
}

static bool run_event(listenq *q, int64_t now, const sim_event *ev, uint32_t index, uint32_t rep)
{
    const sim_scenario *sc = q->sc;
    if (ev->inject) {
        int c;
        if (ev->endpoint == SIM_CLIENT) {
            c = ev->client;
        } else {
            uint32_t addr = ev->has_from ? ev->from_addr : sc->clients[ev->client].addr;
            uint16_t port =
                ev->has_from ? (uint16_t)(ev->from_port + rep) : sc->clients[ev->client].port;
            c = conn_find(q, addr, port);
            if (c < 0 && (c = conn_add(q, addr, port, -1)) < 0)
                return false;
        }
        if (q->trace) {
            sim_step st;
            step_base(q, &st, now, c, ev->endpoint, SIM_STEP_INJECT);
            st.has_segment = true;
            st.seg = ev->seg;
            st.rule = sim_inject_rule();
            if (!record(q, &st))
                return false;
        } else if (!tick(q, now)) {
            return false;
        }
        bool ok = ev->endpoint == SIM_CLIENT ? deliver_client(q, now, c, &ev->seg, false)
                                             : deliver_server(q, now, c, &ev->seg, false);
        if (ok && rep + 1 < ev->repeat) {
            lq_item it = {
                .t = now + ev->every_ms, .kind = IT_EVENT, .index = index, .rep = rep + 1};
            ok = schedule(q, now, &it);
        }
        return ok;
    }
    if (ev->endpoint == SIM_SERVER && ev->client < 0)
        return listener_call(q, now, ev);
    int c = ev->client; /* the clients' connections are the first entries */
    int e = ev->endpoint;
    lq_conn *cn = &q->conns[c];
    if (e == SIM_SERVER && cn->queue != Q_ACCEPTED) {
        out_only(q, cn->end[e].ep.state, cn->end[e].ep.snd_nxt, ERR_NOT_ACCEPTED);
        q->out.rule = RULE_NOT_ACCEPTED;
    } else {
        tcp_ep_call(&cn->end[e].ep, now, ev->call, ev->bytes, &q->out);
        if (e == SIM_CLIENT)
            after_client_iss(q, cn);
        else
            update_queue(q, cn);
    }
    input in = {.kind = SIM_STEP_CALL, .ev = ev};
    return finish_input(q, now, c, e, &in);
}

static bool run_timer(listenq *q, int64_t now, int c, int e)
{
    lq_conn *cn = &q->conns[c];
    tcp_timer kind = tcp_ep_timeout(&cn->end[e].ep, now, &q->out);
    if (kind == TCP_TIMER_NONE)
        return refresh_timer(q, c, e);
    if (e == SIM_SERVER)
        update_queue(q, cn);
    input in = {.kind = SIM_STEP_TIMEOUT, .timer = kind};
    return finish_input(q, now, c, e, &in);
}

/* ---- the run --------------------------------------------------------------------------- */

static bool finish_trace(listenq *q, int64_t end_ms)
{
    sim_trace *t = q->trace;
    t->multi = true;
    t->end_ms = end_ms;
    t->server_addr = q->sc->server_addr;
    t->server_port = q->sc->server_port;
    if (q->nconns > t->conns_cap) {
        sim_conn_info *nc = realloc(t->conns, q->nconns * sizeof *nc);
        if (!nc) {
            fail(q, SIM_ERR_NOMEM, "out of memory for the trace's %zu connections", q->nconns);
            return false;
        }
        t->conns = nc;
        t->conns_cap = q->nconns;
    }
    t->nconns = q->nconns;
    for (size_t i = 0; i < q->nconns; i++) {
        const lq_conn *c = &q->conns[i];
        sim_conn_info *ci = &t->conns[i];
        memcpy(ci->name, c->name, sizeof ci->name);
        ci->addr = c->addr;
        ci->port = c->port;
        ci->spoofed = c->client < 0;
        ci->accepted = c->accepted_ever;
        for (int e = 0; e < SIM_ENDPOINTS; e++)
            tcp_ep_vars(&c->end[e].ep, &ci->final[e]);
    }
    t->listener = (sim_listener_info){.state = q->listener.state,
                                      .backlog = q->backlog,
                                      .syn_backlog = q->syn_backlog,
                                      .syn_queue = q->syn_count,
                                      .accept_queue = q->accept_count};
    listenq_final(q, t->final);
    return true;
}

sim_status listenq_run(listenq *q, const sim_scenario *sc, sim_trace *trace, size_t max_steps,
                       char *msg, size_t msg_size)
{
    if (msg && msg_size > 0)
        msg[0] = '\0';
    memset(q->slots, 0, LQ_SLOTS * sizeof q->slots[0]);
    q->status = SIM_OK;
    q->msg = msg;
    q->msg_size = msg_size;
    q->sc = sc;
    q->trace = trace;
    q->steps = 0;
    q->max_steps = max_steps;
    q->n = 0;
    q->order = 0;
    q->nconns = 0;
    q->backlog = SIM_DEFAULT_BACKLOG;
    q->syn_backlog = SIM_DEFAULT_BACKLOG;
    q->syn_count = q->accept_count = q->accept_seq = 0;
    q->server_iss_index = 0;
    tcp_config lcfg = cfg_of(sc, &sc->ep[SIM_SERVER]);
    tcp_ep_init(&q->listener, &lcfg);
    if (validate(q, sc) != SIM_OK)
        return q->status;
    memset(q->fault_matches, 0, sc->fault_count * sizeof q->fault_matches[0]);
    for (size_t i = 0; i < sc->client_count; i++)
        if (conn_add(q, sc->clients[i].addr, sc->clients[i].port, (int)i) < 0)
            return q->status;
    for (size_t i = 0; i < sc->event_count; i++) {
        lq_item it = {
            .t = sc->events[i].at_ms, .key = q->order++, .kind = IT_EVENT, .index = (uint32_t)i};
        if (!heap_push(q, &it))
            return q->status;
    }
    int64_t last_t = 0;
    while (q->n > 0) {
        if (sc->has_until && q->heap[0].t > sc->until_ms)
            break;
        lq_item it;
        heap_pop(q, &it);
        bool ok = true;
        if (it.kind == IT_TIMER) {
            const lq_end *en = &q->conns[it.index].end[it.to];
            if (en->timer_key != it.key || en->timer_at != it.t)
                continue; /* stale: the timer moved or stopped since */
            last_t = it.t;
            ok = run_timer(q, it.t, (int)it.index, it.to);
        } else if (it.kind == IT_EVENT) {
            last_t = it.t;
            ok = run_event(q, it.t, &sc->events[it.index], it.index, it.rep);
        } else {
            last_t = it.t;
            ok = it.to == SIM_CLIENT
                     ? deliver_client(q, it.t, (int)it.index, &it.seg, it.duplicate)
                     : deliver_server(q, it.t, (int)it.index, &it.seg, it.duplicate);
        }
        if (!ok)
            return q->status;
    }
    if (trace && !finish_trace(q, sc->has_until ? sc->until_ms : last_t))
        return q->status;
    return SIM_OK;
}
