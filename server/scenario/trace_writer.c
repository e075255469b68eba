/*
 * trace_writer.c — the trace JSON written straight into a growable buffer.
 *
 * Owns: the buffer growth (and its optional cap), RFC 8259 string escaping (as jansson's
 * json_dumps does it), a hand-rolled decimal formatter, and the member order of the trace JSON (see
 * scenario_json.c's file-top comment for what each member means).
 * Does not: build or read jansson values, allocate per step, or decide anything about the
 * trace's content: every name comes from the engine's *_name() functions, every member is
 * written exactly when trace_to_json_full writes it.
 *
 * Cost model: one buffer, reserved up front from the step count (about 1 KiB a step), so
 * a typical trace is written with a single malloc; the hot loop appends literal member
 * names with memcpy and numbers with a 20-byte scratch formatter.
 */
#include "trace_writer.h"

#include "../util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_zh.h"

/* A generous size estimate per step and for the envelope: reserving it up front means the
 * buffer is normally allocated once (growth still handles anything longer). */
#define STEP_ESTIMATE     1024
#define ENVELOPE_ESTIMATE 512
/* Writers reserve a little more than they write (a number: 20 bytes; an escape: 7 more
 * than the rest of its string), so under a cap the buffer may hold this much past it; the
 * text itself is held to the cap by trace_writer_finish. */
#define CAP_SLACK 32

void trace_writer_init(trace_writer *w)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->failed = false;
    w->max_len = 0;
    w->too_big = false;
}

void trace_writer_limit(trace_writer *w, size_t max_len)
{
    w->max_len = max_len;
}

bool trace_writer_too_big(const trace_writer *w)
{
    return w->too_big || (w->max_len && w->len > w->max_len);
}

void trace_writer_cleanup(trace_writer *w)
{
    if (!w)
        return;
    free(w->buf);
    trace_writer_init(w);
}

/* Grows the buffer so that `extra` more bytes plus the NUL fit. */
static int grow(trace_writer *w, size_t extra)
{
    if (w->failed)
        return -1;
    if (extra > SIZE_MAX / 2 - w->len - 1) {
        w->failed = true;
        return -1;
    }
    size_t want = w->len + extra + 1;
    if (w->max_len && want > w->max_len + 1 + CAP_SLACK) {
        w->failed = true;
        w->too_big = true;
        return -1;
    }
    size_t cap = w->cap ? w->cap : 256;
    while (cap < want)
        cap *= 2;
    if (w->max_len && cap > w->max_len + 1 + CAP_SLACK) /* the cap bounds the allocation too */
        cap = w->max_len + 1 + CAP_SLACK;
    char *p = realloc(w->buf, cap);
    if (!p) {
        w->failed = true;
        return -1;
    }
    w->buf = p;
    w->cap = cap;
    return 0;
}

/* Where `n` more bytes (and a NUL after them) can be written, or NULL once failed. The
 * fast path is one comparison; the caller advances w->len by what it wrote. */
static inline char *at(trace_writer *w, size_t n)
{
    if (w->cap - w->len > n && !w->failed)
        return w->buf + w->len;
    return grow(w, n) == 0 ? w->buf + w->len : NULL;
}

static inline void put(trace_writer *w, const char *s, size_t n)
{
    char *p = at(w, n);
    if (!p)
        return;
    memcpy(p, s, n);
    w->len += n;
}

/* A string literal's bytes without its NUL (a constant-size memcpy: inlined). */
#define LIT(w, s) put((w), (s), sizeof(s) - 1)

int trace_writer_reserve(trace_writer *w, size_t extra)
{
    if (w->max_len && !w->failed && extra > w->max_len + CAP_SLACK - w->len)
        extra = w->max_len + CAP_SLACK - w->len;
    return at(w, extra) ? 0 : -1;
}

void trace_writer_raw(trace_writer *w, const char *s, size_t n)
{
    put(w, s, n);
}

/* 1 for the bytes a JSON string can carry as they are (printable ASCII but '"' and '\\');
 * control characters, '"', '\\' and every byte >= 0x80 take the slow path. */
static const unsigned char plain[256] = {
    ['\x20'] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,    ['\''] = 1, ['('] = 1,
    [')'] = 1,    ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1,    ['/'] = 1,  ['0'] = 1,
    ['1'] = 1,    ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,    ['7'] = 1,  ['8'] = 1,
    ['9'] = 1,    [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1,    ['?'] = 1,  ['@'] = 1,
    ['A'] = 1,    ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,    ['G'] = 1,  ['H'] = 1,
    ['I'] = 1,    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,    ['O'] = 1,  ['P'] = 1,
    ['Q'] = 1,    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,    ['W'] = 1,  ['X'] = 1,
    ['Y'] = 1,    ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1,    ['`'] = 1,  ['a'] = 1,
    ['b'] = 1,    ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,    ['h'] = 1,  ['i'] = 1,
    ['j'] = 1,    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,    ['p'] = 1,  ['q'] = 1,
    ['r'] = 1,    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,    ['x'] = 1,  ['y'] = 1,
    ['z'] = 1,    ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1, ['\x7f'] = 1,
};

/* Room is reserved for the unescaped length plus quotes; an escape (up to 6 bytes for one
 * input byte) re-reserves for the rest. */
static void put_string(trace_writer *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) {
        w->failed = true;
        return;
    }
    size_t n = strlen(s);
    char *p = at(w, n + 2);
    if (!p)
        return;
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    *p++ = '"';
    while (q < end) {
        /* the longest plain run, copied at once */
        const unsigned char *run = q;
        while (q < end && plain[*q])
            q++;
        if (q > run) {
            memcpy(p, run, (size_t)(q - run));
            p += q - run;
            if (q == end)
                break;
        }
        unsigned c = *q;
        if (c >= 0x80) {
            size_t k = utf8_seq_len((const char *)q, (size_t)(end - q));
            if (!k) {
                w->failed = true;
                return;
            }
            memcpy(p, q, k);
            p += k;
            q += k;
            continue;
        }
        w->len = (size_t)(p - w->buf);
        p = at(w, 6 + (size_t)(end - q) + 1);
        if (!p)
            return;
        *p++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *p++ = (char)c;
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default: /* another control character: \u00XX, upper-case hex as jansson writes it */
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xF];
        }
        q++;
    }
    *p++ = '"';
    w->len = (size_t)(p - w->buf);
}

void trace_writer_string(trace_writer *w, const char *s)
{
    put_string(w, s);
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* Decimal digits straight into the buffer (at most 20 for 2^64-1), two at a time. */
static inline void put_u64(trace_writer *w, unsigned long long u)
{
    char *p = at(w, 20);
    if (!p)
        return;
    size_t n = 1;
    unsigned long long x = u;
    for (; x >= 10000; x /= 10000)
        n += 4;
    n += x >= 1000 ? 3 : x >= 100 ? 2 : x >= 10 ? 1 : 0;
    char *q = p + n;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        q -= 2;
        memcpy(q, digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        q -= 2;
        memcpy(q, digit_pairs + 2 * u, 2);
    } else {
        *--q = (char)('0' + u);
    }
    w->len += n;
}

static inline void put_int(trace_writer *w, long long v)
{
    if (v < 0) {
        LIT(w, "-");
        put_u64(w, 0ull - (unsigned long long)v); /* LLONG_MIN too */
    } else {
        put_u64(w, (unsigned long long)v);
    }
}

void trace_writer_int(trace_writer *w, long long v)
{
    put_int(w, v);
}

/* ---- the trace ----------------------------------------------------------------------- */

static void write_flags(trace_writer *w, uint8_t flags)
{
    LIT(w, "[");
    bool first = true;
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++) {
        if (!(flags & tcp_flag_order[i]))
            continue;
        if (!first)
            LIT(w, ",");
        first = false;
        put_string(w, tcp_flag_name(tcp_flag_order[i]));
    }
    LIT(w, "]");
}

/* VARS = {"state","iss","irs","snd_una","snd_nxt","snd_wnd","rcv_nxt","rcv_wnd"} */
static void write_vars(trace_writer *w, const tcp_vars *v)
{
    LIT(w, "{\"state\":");
    put_string(w, tcp_state_name(v->state));
    LIT(w, ",\"iss\":");
    put_int(w, v->iss);
    LIT(w, ",\"irs\":");
    put_int(w, v->irs);
    LIT(w, ",\"snd_una\":");
    put_int(w, v->snd_una);
    LIT(w, ",\"snd_nxt\":");
    put_int(w, v->snd_nxt);
    LIT(w, ",\"snd_wnd\":");
    put_int(w, v->snd_wnd);
    LIT(w, ",\"rcv_nxt\":");
    put_int(w, v->rcv_nxt);
    LIT(w, ",\"rcv_wnd\":");
    put_int(w, v->rcv_wnd);
    LIT(w, "}");
}

static void write_pair(trace_writer *w, const tcp_vars v[SIM_ENDPOINTS])
{
    LIT(w, "{\"client\":");
    write_vars(w, &v[SIM_CLIENT]);
    LIT(w, ",\"server\":");
    write_vars(w, &v[SIM_SERVER]);
    LIT(w, "}");
}

static void write_segment(trace_writer *w, const tcp_segment *g)
{
    LIT(w, "{\"seq\":");
    put_int(w, g->seq);
    LIT(w, ",\"ack\":");
    put_int(w, g->ack);
    LIT(w, ",\"flags\":");
    write_flags(w, g->flags);
    LIT(w, ",\"len\":");
    put_int(w, g->len);
    LIT(w, ",\"wnd\":");
    put_int(w, g->wnd);
    LIT(w, "}");
}

/* One step, members in the order step_json (scenario_json.c) sets them. */
static void write_step(trace_writer *w, const sim_trace *t, const sim_step *st, size_t index,
                       const sim_scenario *sc, bool with_rule_zh)
{
    LIT(w, "{\"step\":");
    put_int(w, (long long)index + 1);
    LIT(w, ",\"t_ms\":");
    put_int(w, st->t_ms);
    LIT(w, ",\"endpoint\":");
    put_string(w, sim_endpoint_name(st->endpoint));
    if (t->multi) {
        LIT(w, ",\"conn\":");
        put_string(w, sim_trace_conn_name(t, st->conn));
    }
    LIT(w, ",\"kind\":");
    put_string(w, sim_step_kind_name(st->kind));
    if (st->kind == SIM_STEP_CALL) {
        LIT(w, ",\"call\":");
        put_string(w, sim_call_name(st->call));
        if (st->call == TCP_CALL_SEND) {
            LIT(w, ",\"bytes\":");
            put_int(w, st->bytes);
        }
    }
    if (st->has_segment) {
        LIT(w, ",\"segment\":");
        write_segment(w, &st->seg);
    }
    if (st->retransmission)
        LIT(w, ",\"retransmission\":true");
    if (st->duplicate)
        LIT(w, ",\"duplicate\":true");
    if (st->kind == SIM_STEP_SEND && st->fault >= 0) {
        LIT(w, ",\"fault\":{\"index\":");
        put_int(w, st->fault);
        if (sc && (size_t)st->fault < sc->fault_count) {
            const sim_fault *sf = &sc->faults[st->fault];
            LIT(w, ",\"action\":");
            put_string(w, sim_fault_action_name(sf->action));
            if (sf->action != SIM_FAULT_DROP) {
                LIT(w, ",\"extra_ms\":");
                put_int(w, sf->extra_ms);
            }
        }
        LIT(w, "}");
    }
    if (st->kind == SIM_STEP_TIMEOUT && sim_timer_name(st->timer)) {
        LIT(w, ",\"timer\":");
        put_string(w, sim_timer_name(st->timer));
    }
    LIT(w, ",\"state_before\":");
    put_string(w, tcp_state_name(st->state_before));
    LIT(w, ",\"state_after\":");
    put_string(w, tcp_state_name(st->state_after));
    LIT(w, ",\"rule\":");
    put_string(w, st->rule ? st->rule : "");
    const char *zh = with_rule_zh ? rules_zh_lookup(st->rule) : NULL;
    if (zh) {
        LIT(w, ",\"rule_zh\":");
        put_string(w, zh);
    }
    if (st->error) {
        LIT(w, ",\"error\":");
        put_string(w, st->error);
    }
    if (st->signal) {
        LIT(w, ",\"signal\":");
        put_string(w, st->signal);
    }
    if (st->queue_full) {
        LIT(w, ",\"queue_full\":");
        put_string(w, sim_queue_name(st->queue_full));
    }
    if (st->syn_cookie)
        LIT(w, ",\"syn_cookie\":true");
    LIT(w, ",\"tcb\":");
    write_pair(w, st->vars);
    if (t->multi) {
        LIT(w, ",\"queues\":{\"syn\":");
        put_int(w, st->syn_queue);
        LIT(w, ",\"accept\":");
        put_int(w, st->accept_queue);
        LIT(w, "}");
    }
    LIT(w, "}");
}

/* Listen queues: "listener" and "connections", as multi_json in scenario_json.c. */
static void write_multi(trace_writer *w, const sim_trace *t)
{
    char addr[16];
    const sim_listener_info *l = &t->listener;
    sim_format_addr(t->server_addr, addr);
    LIT(w, ",\"listener\":{\"addr\":");
    put_string(w, addr);
    LIT(w, ",\"port\":");
    put_int(w, t->server_port);
    LIT(w, ",\"state\":");
    put_string(w, tcp_state_name(l->state));
    LIT(w, ",\"backlog\":");
    put_int(w, l->backlog);
    LIT(w, ",\"syn_backlog\":");
    put_int(w, l->syn_backlog);
    LIT(w, ",\"syn_queue\":");
    put_int(w, l->syn_queue);
    LIT(w, ",\"accept_queue\":");
    put_int(w, l->accept_queue);
    LIT(w, "},\"connections\":[");
    for (size_t i = 0; i < t->nconns && !w->failed; i++) {
        const sim_conn_info *c = &t->conns[i];
        if (i)
            LIT(w, ",");
        LIT(w, "{\"name\":");
        put_string(w, c->name);
        sim_format_addr(c->addr, addr);
        LIT(w, ",\"addr\":");
        put_string(w, addr);
        LIT(w, ",\"port\":");
        put_int(w, c->port);
        if (c->spoofed)
            LIT(w, ",\"spoofed\":true");
        else
            LIT(w, ",\"spoofed\":false");
        if (c->accepted)
            LIT(w, ",\"accepted\":true");
        else
            LIT(w, ",\"accepted\":false");
        LIT(w, ",\"client\":");
        write_vars(w, &c->final[SIM_CLIENT]);
        LIT(w, ",\"server\":");
        write_vars(w, &c->final[SIM_SERVER]);
        LIT(w, "}");
    }
    LIT(w, "]");
}

void trace_writer_trace_opts(trace_writer *w, const sim_trace *t, const sim_scenario *sc,
                             bool with_rule_zh)
{
    if (t->count <= (SIZE_MAX - ENVELOPE_ESTIMATE) / STEP_ESTIMATE / 2)
        trace_writer_reserve(w, t->count * STEP_ESTIMATE + ENVELOPE_ESTIMATE);
    LIT(w, "{\"steps\":[");
    for (size_t i = 0; i < t->count && !w->failed; i++) {
        if (i)
            LIT(w, ",");
        write_step(w, t, &t->steps[i], i, sc, with_rule_zh);
    }
    LIT(w, "],\"final\":");
    write_pair(w, t->final);
    LIT(w, ",\"end_ms\":");
    put_int(w, t->end_ms);
    if (t->multi)
        write_multi(w, t);
    LIT(w, "}");
}

void trace_writer_trace(trace_writer *w, const sim_trace *t, const sim_scenario *sc)
{
    trace_writer_trace_opts(w, t, sc, false);
}

char *trace_writer_finish(trace_writer *w, size_t *len)
{
    if (!w->failed && !w->buf)
        at(w, 0); /* nothing written: still hand back "" */
    if (trace_writer_too_big(w))
        w->failed = w->too_big = true;
    if (w->failed) {
        trace_writer_cleanup(w);
        return NULL;
    }
    char *out = w->buf;
    out[w->len] = '\0';
    if (len)
        *len = w->len;
    trace_writer_init(w);
    return out;
}

char *trace_writer_json_opts(const sim_trace *t, const sim_scenario *sc, bool with_rule_zh,
                             size_t *len)
{
    trace_writer w;
    trace_writer_init(&w);
    trace_writer_trace_opts(&w, t, sc, with_rule_zh);
    return trace_writer_finish(&w, len);
}

char *trace_writer_json(const sim_trace *t, const sim_scenario *sc, size_t *len)
{
    return trace_writer_json_opts(t, sc, false, len);
}
