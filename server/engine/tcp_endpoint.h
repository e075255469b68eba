/*
 * tcp_endpoint.h — one TCP endpoint as a pure function of its inputs (the engine API).
 *
 * Owns: the TCB of one endpoint (RFC 9293 §3.3.1) and the calls that drive it: a user
 * call, an arriving segment, a timer expiry. Each call fills a fixed-size tcp_output
 * (no malloc) with what happened: the state changes, the segments to put on the wire,
 * the rule that applied, and the user-visible error or signal.
 * Does not: read a clock, choose ISNs, carry segments, allocate, or do any I/O. Time and
 * the next ISS are inputs; the simulated network that joins two endpoints is sim.h.
 * The state machine and its invariants are documented at the top of tcp.c.
 */
#ifndef TCPLAB_ENGINE_TCP_ENDPOINT_H
#define TCPLAB_ENGINE_TCP_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp.h"

/* Per-endpoint parameters. Zero fields are NOT defaulted here: the caller passes real
 * values (sim.c copies them from the scenario). */
typedef struct tcp_config {
    uint32_t mss;         /* largest data segment, octets (default 1460) */
    uint32_t wnd;         /* RCV.WND advertised, constant (the application reads at once) */
    uint32_t rto_ms;      /* initial retransmission timeout */
    uint32_t msl_ms;      /* maximum segment lifetime; TIME-WAIT lasts 2 x msl_ms */
    uint32_t max_retries; /* retransmissions before "connection timed out" */
} tcp_config;

typedef enum tcp_timer {
    TCP_TIMER_NONE = 0,
    TCP_TIMER_RETRANSMISSION, /* same values as sim_timer */
    TCP_TIMER_TIME_WAIT
} tcp_timer;

/* Out-of-order segments held for later (RFC 9293 SHLD-31). */
#define TCP_HOLD_MAX 16
/* Segments one tcp_output can carry; more are produced by tcp_ep_pump(). */
#define TCP_OUT_MAX_SEGS        16
#define TCP_OUT_MAX_TRANSITIONS 4

typedef struct tcp_out_seg {
    tcp_segment seg;
    bool retransmission;
    uint32_t snd_nxt_after; /* SND.NXT right after this segment left */
    const char *rule;       /* static string: why this segment was sent */
} tcp_out_seg;

typedef struct tcp_transition {
    tcp_state from, to;
    const char *rule;
} tcp_transition;

/* What one input did. Filled (after being cleared) by every tcp_ep_* entry point. */
typedef struct tcp_output {
    tcp_state state_before;
    const char *rule;   /* the rule that decided this input (static, never NULL after a call) */
    const char *error;  /* a refused call: "connection does not exist", ...; else NULL */
    const char *signal; /* told to the user: "connection reset", ...; else NULL */
    tcp_out_seg segs[TCP_OUT_MAX_SEGS];
    size_t nsegs;
    bool more; /* segments remain to be sent: call tcp_ep_pump() */
    tcp_transition transitions[TCP_OUT_MAX_TRANSITIONS];
    size_t ntransitions;    /* if more happened, the last ones are kept */
    bool iss_used;          /* the ISS given by tcp_ep_set_next_iss() was consumed */
    uint32_t snd_nxt_first; /* SND.NXT before the first segment of this output left */
} tcp_output;

/* The TCB. Plain data so that callers can embed it; touch it only through tcp_ep_*. */
typedef struct tcp_endpoint {
    tcp_config cfg;
    tcp_state state;
    bool passive;       /* reached SYN-RECEIVED from LISTEN (MUST-11) */
    bool syn_acked;     /* our SYN has been acknowledged */
    bool close_pending; /* CLOSE in SYN-RECEIVED with data queued (RFC 9293 §3.10.4) */
    bool fin_queued;    /* CLOSE accepted: FIN goes after the queued data */
    bool fin_sent;
    bool fin_received;
    uint32_t fin_seq; /* sequence number of our FIN when fin_sent */
    uint32_t iss, irs;
    uint32_t snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2;
    uint32_t rcv_nxt, rcv_wnd;
    uint32_t rcv_data; /* data octets accepted, modulo 2^32 (invariant I3) */
    uint64_t unsent;   /* octets SENT by the user, not yet segmentized */
    uint32_t next_iss;
    int64_t rtx_at;   /* retransmission deadline, -1 when stopped */
    uint32_t rto_cur; /* current RTO (doubles on expiry) */
    uint32_t retries; /* retransmissions since the last new ACK */
    int64_t tw_at;    /* TIME-WAIT deadline, -1 when stopped */
    tcp_segment held[TCP_HOLD_MAX];
    size_t nheld;
} tcp_endpoint;

/* A CLOSED endpoint with all variables zero. `cfg` is copied. */
void tcp_ep_init(tcp_endpoint *ep, const tcp_config *cfg);
/* The ISS to use the next time a connection is created (SYN-SENT or SYN-RECEIVED from
 * LISTEN). out->iss_used tells the caller it was taken. */
void tcp_ep_set_next_iss(tcp_endpoint *ep, uint32_t iss);

/* A user call at time `now` (RFC 9293 §3.10.1–3.10.5; crash: the TCB vanishes). `bytes`
 * is used by TCP_CALL_SEND only. A refused call leaves the state unchanged and sets
 * out->error. */
void tcp_ep_call(tcp_endpoint *ep, int64_t now, tcp_call call, uint32_t bytes, tcp_output *out);
/* A segment arrives (RFC 9293 §3.10.7). */
void tcp_ep_segment(tcp_endpoint *ep, int64_t now, const tcp_segment *seg, tcp_output *out);
/* The earliest timer is due (now >= its deadline): fire it (RFC 9293 §3.10.8). Returns the
 * timer that fired (TCP_TIMER_NONE if none was due: out is then just cleared). */
tcp_timer tcp_ep_timeout(tcp_endpoint *ep, int64_t now, tcp_output *out);
/* Continue sending after an output came back with out->more set. */
void tcp_ep_pump(tcp_endpoint *ep, int64_t now, tcp_output *out);

/* SYN cookies (RFC 4987 §3.6), for a listening socket whose SYN queue is full (listenq.c
 * decides when). _reply: a LISTEN endpoint answers the SYN `syn` with
 * <SEQ=cookie><ACK=SEG.SEQ+1><CTL=SYN,ACK> and keeps no state: it stays LISTEN, its
 * variables untouched. _open: a LISTEN endpoint rebuilds the connection from the final
 * ACK `ack`, whose SEG.ACK-1 the caller has checked to be a cookie it issued: ISS=SEG.ACK-1,
 * IRS=SEG.SEQ-1, SND.UNA=SND.NXT=SEG.ACK, RCV.NXT=SEG.SEQ, the MSS the cookie encodes
 * (`mss`, if below the configured one), enter ESTABLISHED; text or FIN on that ACK is then
 * processed as in ESTABLISHED. */
void tcp_ep_syn_cookie_reply(tcp_endpoint *ep, const tcp_segment *syn, uint32_t cookie,
                             tcp_output *out);
void tcp_ep_syn_cookie_open(tcp_endpoint *ep, int64_t now, const tcp_segment *ack, uint32_t mss,
                            tcp_output *out);

/* The earliest pending deadline; false when no timer runs. */
bool tcp_ep_next_deadline(const tcp_endpoint *ep, int64_t *at, tcp_timer *kind);
void tcp_ep_vars(const tcp_endpoint *ep, tcp_vars *v);

#endif
