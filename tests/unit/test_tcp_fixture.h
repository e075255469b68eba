/*
 * test_tcp_fixture.h — fixtures for the engine tests (test_tcp_*.c, test_sim_*.c).
 *
 * Owns: endpoints put into each of the eleven states through the real API with known
 * numbers (our ISS 100, the peer's ISS 300, RTO 1000 ms, MSL 1000 ms so TIME-WAIT is
 * 2000 ms), segment builders, and renderers that print segments in RFC notation
 * (<SEQ=101><ACK=301><CTL=ACK>) and traces one step per line.
 * Does not: test anything by itself. Static functions only (one copy per test file).
 */
#ifndef TCPLAB_TEST_TCP_FIXTURE_H
#define TCPLAB_TEST_TCP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/engine/seq.h"
#include "../../server/engine/sim.h"
#include "../../server/engine/tcp_endpoint.h"
#include "testlib.h"

#define FX_ISS 100u /* ours */
#define FX_IRS 300u /* the peer's */
#define FX_T0  1000 /* fixtures are built at t=0; the tested input arrives at FX_T0 */

static inline tcp_segment fx_seg(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
    tcp_segment s = {.seq = seq, .ack = ack, .flags = flags, .len = len, .wnd = 65535};
    return s;
}

/* "<SEQ=100><ACK=301><CTL=SYN,ACK><LEN=10>" (ACK only when the ACK bit is set, LEN only
 * when > 0), flags in the order RFC 9293's figures write them: SYN, FIN, RST, ACK, PSH
 * ("SYN,ACK", "FIN,ACK", "RST,ACK"), not the JSON's canonical order. */
static inline void fx_fmt_seg(char *buf, size_t n, const tcp_segment *s)
{
    static const uint8_t rfc_order[] = {TCP_SYN, TCP_FIN, TCP_RST, TCP_ACK, TCP_PSH};
    char ctl[32] = "";
    for (int i = 0; i < 5; i++) {
        if (s->flags & rfc_order[i]) {
            if (ctl[0])
                strcat(ctl, ",");
            strcat(ctl, tcp_flag_name(rfc_order[i]));
        }
    }
    int k = snprintf(buf, n, "<SEQ=%u>", s->seq);
    if (s->flags & TCP_ACK)
        k += snprintf(buf + k, n - (size_t)k, "<ACK=%u>", s->ack);
    k += snprintf(buf + k, n - (size_t)k, "<CTL=%s>", ctl);
    if (s->len)
        snprintf(buf + k, n - (size_t)k, "<LEN=%u>", s->len);
}

/* All segments of an output, space separated ("" when none). */
static inline const char *fx_segs(const tcp_output *out)
{
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; i < out->nsegs; i++) {
        char one[128];
        fx_fmt_seg(one, sizeof one, &out->segs[i].seg);
        if (i)
            strcat(buf, " ");
        strcat(buf, one);
    }
    return buf;
}

static inline tcp_config fx_config(void)
{
    tcp_config c = {.mss = 1460, .wnd = 65535, .rto_ms = 1000, .msl_ms = 1000, .max_retries = 3};
    return c;
}

static inline void fx_in(tcp_endpoint *ep, const tcp_segment *s)
{
    tcp_output out;
    tcp_ep_segment(ep, 0, s, &out);
}

static inline void fx_call(tcp_endpoint *ep, tcp_call c)
{
    tcp_output out;
    tcp_ep_call(ep, 0, c, 0, &out);
}

/* Builders: each leaves `ep` in the named state. */
static inline void fx_closed(tcp_endpoint *ep)
{
    tcp_config c = fx_config();
    tcp_ep_init(ep, &c);
    tcp_ep_set_next_iss(ep, FX_ISS);
}
static inline void fx_listen(tcp_endpoint *ep)
{
    fx_closed(ep);
    fx_call(ep, TCP_CALL_LISTEN);
}
static inline void fx_syn_sent(tcp_endpoint *ep) /* SND.UNA 100, SND.NXT 101 */
{
    fx_closed(ep);
    fx_call(ep, TCP_CALL_CONNECT);
}
static inline void fx_syn_received(tcp_endpoint *ep) /* passive; RCV.NXT 301, SND.NXT 101 */
{
    fx_listen(ep);
    tcp_segment s = fx_seg(FX_IRS, 0, TCP_SYN, 0);
    fx_in(ep, &s);
}
static inline void fx_syn_received_active(tcp_endpoint *ep) /* simultaneous open */
{
    fx_syn_sent(ep);
    tcp_segment s = fx_seg(FX_IRS, 0, TCP_SYN, 0);
    fx_in(ep, &s);
}
static inline void fx_established(tcp_endpoint *ep) /* SND 101/101, RCV.NXT 301 */
{
    fx_syn_sent(ep);
    tcp_segment s = fx_seg(FX_IRS, FX_ISS + 1, TCP_SYN | TCP_ACK, 0);
    fx_in(ep, &s);
}
static inline void fx_fin_wait_1(tcp_endpoint *ep) /* our FIN 101 sent: SND.NXT 102 */
{
    fx_established(ep);
    fx_call(ep, TCP_CALL_CLOSE);
}
static inline void fx_fin_wait_2(tcp_endpoint *ep)
{
    fx_fin_wait_1(ep);
    tcp_segment s = fx_seg(301, 102, TCP_ACK, 0);
    fx_in(ep, &s);
}
static inline void fx_close_wait(tcp_endpoint *ep) /* peer's FIN 301: RCV.NXT 302 */
{
    fx_established(ep);
    tcp_segment s = fx_seg(301, 101, TCP_FIN | TCP_ACK, 0);
    fx_in(ep, &s);
}
static inline void fx_closing(tcp_endpoint *ep) /* both FINs sent, ours not acked */
{
    fx_fin_wait_1(ep);
    tcp_segment s = fx_seg(301, 101, TCP_FIN | TCP_ACK, 0);
    fx_in(ep, &s);
}
static inline void fx_last_ack(tcp_endpoint *ep)
{
    fx_close_wait(ep);
    fx_call(ep, TCP_CALL_CLOSE);
}
static inline void fx_time_wait(tcp_endpoint *ep) /* TIME-WAIT until t=2000 */
{
    fx_fin_wait_2(ep);
    tcp_segment s = fx_seg(301, 102, TCP_FIN | TCP_ACK, 0);
    fx_in(ep, &s);
}

typedef void (*fx_builder)(tcp_endpoint *);
static const fx_builder fx_by_state[TCP_STATE_COUNT] = {
    fx_closed,     fx_listen,     fx_syn_sent, fx_syn_received, fx_established, fx_fin_wait_1,
    fx_fin_wait_2, fx_close_wait, fx_closing,  fx_last_ack,     fx_time_wait,
};

/* The whole visible state: "STATE una=.. nxt=.. rcv=.. rtx=.. tw=.." (timers as absolute
 * ms or -1). */
static inline const char *fx_state(const tcp_endpoint *ep)
{
    static char buf[256];
    tcp_vars v;
    tcp_ep_vars(ep, &v);
    snprintf(buf, sizeof buf, "%s iss=%u irs=%u una=%u nxt=%u snd.wnd=%u rcv=%u rtx=%lld tw=%lld",
             tcp_state_name(v.state), v.iss, v.irs, v.snd_una, v.snd_nxt, v.snd_wnd, v.rcv_nxt,
             (long long)ep->rtx_at, (long long)ep->tw_at);
    return buf;
}

/* One line per trace step:
 *   "t=0 client call connect CLOSED->SYN-SENT"
 *   "t=0 client send <SEQ=100><CTL=SYN>"              (" rtx", " dup", " fault=N")
 *   "t=50 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED"
 *   "t=1000 client timeout retransmission SYN-SENT->SYN-SENT"
 * then " !error" / " signal=..." when present. Returned buffer is malloc'd: free it. */
static inline char *fx_trace_text(const sim_trace *t)
{
    size_t cap = 256 + t->count * 200;
    char *buf = malloc(cap);
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        char seg[128] = "";
        if (st->has_segment)
            fx_fmt_seg(seg, sizeof seg, &st->seg);
        char line[400];
        int n = snprintf(line, sizeof line, "t=%lld %s ", (long long)st->t_ms,
                         sim_endpoint_name(st->endpoint));
        switch (st->kind) {
        case SIM_STEP_CALL:
            n += snprintf(line + n, sizeof line - (size_t)n, "call %s", tcp_call_name(st->call));
            if (st->call == TCP_CALL_SEND)
                n += snprintf(line + n, sizeof line - (size_t)n, " %u", st->bytes);
            n += snprintf(line + n, sizeof line - (size_t)n, " %s->%s",
                          tcp_state_name(st->state_before), tcp_state_name(st->state_after));
            break;
        case SIM_STEP_SEND:
            n += snprintf(line + n, sizeof line - (size_t)n, "send %s%s", seg,
                          st->retransmission ? " rtx" : "");
            break;
        case SIM_STEP_RECEIVE:
            n += snprintf(line + n, sizeof line - (size_t)n, "recv %s%s %s->%s", seg,
                          st->duplicate ? " dup" : "", tcp_state_name(st->state_before),
                          tcp_state_name(st->state_after));
            break;
        case SIM_STEP_DROP:
            n += snprintf(line + n, sizeof line - (size_t)n, "drop %s", seg);
            break;
        case SIM_STEP_TIMEOUT:
            n += snprintf(line + n, sizeof line - (size_t)n, "timeout %s %s->%s",
                          sim_timer_name(st->timer), tcp_state_name(st->state_before),
                          tcp_state_name(st->state_after));
            break;
        case SIM_STEP_INJECT:
            n += snprintf(line + n, sizeof line - (size_t)n, "inject %s", seg);
            break;
        }
        if (st->error)
            n += snprintf(line + n, sizeof line - (size_t)n, " !%s", st->error);
        if (st->signal)
            n += snprintf(line + n, sizeof line - (size_t)n, " signal=%s", st->signal);
        snprintf(line + n, sizeof line - (size_t)n, "\n");
        size_t ln = strlen(line);
        if (k + ln + 1 > cap) {
            cap = (k + ln + 1) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + k, line, ln + 1);
        k += ln;
    }
    return buf;
}

/* A scenario with the RFC figures' numbers: latency 50, RTO 1000, MSL 1000, 3 retries. */
static inline void fx_scenario(sim_scenario *sc, uint32_t client_iss, uint32_t server_iss)
{
    sim_scenario_defaults(sc);
    sc->ep[SIM_CLIENT].iss[0] = client_iss;
    sc->ep[SIM_CLIENT].iss_count = 1;
    sc->ep[SIM_SERVER].iss[0] = server_iss;
    sc->ep[SIM_SERVER].iss_count = 1;
    sc->msl_ms = 1000;
    sc->max_retries = 3;
}

static inline void fx_ev(sim_scenario *sc, int64_t at, int ep, tcp_call call, uint32_t bytes)
{
    sim_event *e = &sc->events[sc->event_count++];
    memset(e, 0, sizeof *e);
    e->at_ms = at;
    e->endpoint = ep;
    e->call = call;
    e->bytes = bytes;
}

static inline void fx_inject(sim_scenario *sc, int64_t at, int to, tcp_segment seg)
{
    sim_event *e = &sc->events[sc->event_count++];
    memset(e, 0, sizeof *e);
    e->at_ms = at;
    e->endpoint = to;
    e->inject = true;
    e->seg = seg;
}

static inline void fx_fault(sim_scenario *sc, sim_fault_action a, int from, uint8_t flags,
                            uint32_t nth, int64_t extra)
{
    sim_fault *f = &sc->faults[sc->fault_count++];
    f->action = a;
    f->from = from;
    f->flags = flags;
    f->nth = nth;
    f->extra_ms = extra;
}

/* Runs sc and returns its trace text (malloc'd), or NULL on error (message printed). */
static inline char *fx_run(const sim_scenario *sc, sim_trace *t)
{
    sim *s = sim_new();
    char msg[256];
    sim_status st = sim_run(s, sc, t, msg, sizeof msg);
    sim_free(s);
    if (st != SIM_OK) {
        printf("    sim_run: %s\n", msg);
        return NULL;
    }
    return fx_trace_text(t);
}

#define CHECK_TRACE(sc, expected)                                                                  \
    do {                                                                                           \
        sim_trace t_;                                                                              \
        sim_trace_init(&t_);                                                                       \
        char *got_ = fx_run((sc), &t_);                                                            \
        CHECK_EQ_STR(got_, (expected));                                                            \
        free(got_);                                                                                \
        sim_trace_cleanup(&t_);                                                                    \
    } while (0)

#endif
