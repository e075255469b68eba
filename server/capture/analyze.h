/*
 * analyze.h — a capture's TCP connections explained: segments in, RFC 9293 trace out.
 *
 * Owns: finding every connection (by four-tuple, IPv4 and IPv6; a new SYN after a connection
 * closed starts a new one), and, for each, following both endpoints as a passive observer:
 * every captured segment becomes a "send" step of the endpoint that sent it and a "receive"
 * step of the one it was sent to, each with both endpoints' state before and after, the
 * RFC 9293 rule that applied (the engine's own rule texts, so the lessons' Chinese texts
 * and the player work unchanged) and the TCB variables the capture determines (ISS, IRS,
 * SND.UNA, SND.NXT, SND.WND, RCV.NXT, RCV.WND; windows scaled when both SYNs agreed on it).
 * Also the observations: what the RFC would not have done or what the capture cannot tell
 * (analyze_obs_kind), each with its packet and step.
 * Does not: read files or bytes (pcap_read.h, decode.h feed it), write JSON (capture.h), or
 * run the engine: the engine simulates both ends; here both ends are watched. Pure: no
 * clock, no I/O; the same packets always give the same result.
 *
 * The trace is kept for one connection only (the selected one): memory is the steps of that
 * connection plus a fixed record per connection.
 */
#ifndef TCPLAB_CAPTURE_ANALYZE_H
#define TCPLAB_CAPTURE_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/sim.h"
#include "decode.h"

typedef enum analyze_obs_kind {
    ANALYZE_OBS_ALREADY_OPEN = 0, /* no SYN seen: states before this segment inferred */
    ANALYZE_OBS_RST_ACK_ABORT,    /* an abort's RST carries an ACK (Linux), §3.10.5 has none */
    ANALYZE_OBS_SYN_LINEAR,       /* SYN retransmitted at a constant interval */
    ANALYZE_OBS_RETRANSMISSION,   /* sequence space sent again; interval since the last time */
    ANALYZE_OBS_CHALLENGE_ACK,    /* RFC 5961 ACK for an in-window SYN or RST */
    ANALYZE_OBS_DATA_AFTER_FIN,   /* data beyond the sender's FIN */
    ANALYZE_OBS_CAPTURE_LOST,     /* the peer acknowledges sequence space never captured */
    ANALYZE_OBS_TFO,              /* TCP Fast Open: data on a SYN */
    ANALYZE_OBS_NO_ANSWER,        /* a SYN nobody answered in the capture */
    ANALYZE_OBS_COUNT
} analyze_obs_kind;

/* "already-open", "rst-ack-abort", "syn-linear-backoff", "retransmission", "challenge-ack",
 * "data-after-fin", "capture-lost", "tfo-data", "no-answer". */
const char *analyze_obs_name(analyze_obs_kind k);

typedef struct analyze_observation {
    analyze_obs_kind kind;
    uint32_t connection; /* 1-based connection id */
    uint64_t packet;     /* the packet it concerns */
    size_t step;         /* 1-based step of the selected connection's trace, 0 if another */
    int endpoint;        /* SIM_CLIENT / SIM_SERVER: whose segment it concerns */
    int64_t a_ms, b_ms;  /* retransmission: interval, -1; syn-linear: the two intervals */
    uint64_t ref_packet; /* retransmission: the packet sent before (0 if unknown) */
    uint32_t n1, n2;     /* capture-lost: peer's ACK, last seen end; tfo-data: octets */
} analyze_observation;

/* The observation in words (en, or zh-CN when `zh`), into buf (NUL-terminated). */
void analyze_obs_text(const analyze_observation *o, bool zh, char *buf, size_t buf_size);

typedef struct analyze_connection {
    uint32_t id; /* 1-based, in order of the first packet */
    uint8_t family;
    uint8_t addr[SIM_ENDPOINTS][16]; /* client (who sent the first SYN) and server */
    uint16_t port[SIM_ENDPOINTS];
    uint64_t packets, first_packet, last_packet;
    int64_t first_t_us, last_t_us;
    bool syn_seen;                  /* the client's SYN is in the capture */
    bool inferred;                  /* states at the start are inferred (no SYN seen) */
    tcp_state state[SIM_ENDPOINTS]; /* after the last packet */
    uint64_t data_bytes[SIM_ENDPOINTS];
    uint32_t observations;
} analyze_connection;

typedef struct analyze analyze;

typedef enum analyze_status {
    ANALYZE_OK = 0,
    ANALYZE_ERR_NOMEM,
    ANALYZE_ERR_TOO_MANY_CONNECTIONS /* more than max_connections */
} analyze_status;

/* A new analysis that keeps the trace of connection `selected` (1-based; 0: no trace) and
 * allows at most `max_connections` connections (0: no limit). NULL when out of memory. */
analyze *analyze_new(uint32_t selected, size_t max_connections);
void analyze_free(analyze *a); /* NULL is a no-op */

/* One TCP segment, packet `number`, captured at t_us (callers keep t_us non-decreasing). */
analyze_status analyze_packet(analyze *a, uint64_t number, int64_t t_us, const decode_tcp *p);

/* Ends the analysis (settles what waited for a later packet). Call once, after the last. */
analyze_status analyze_finish(analyze *a);

/* The selected connection's trace (empty if it has none), and the packet of each step
 * (analyze_step_packets(a)[i] for trace->steps[i]). */
const sim_trace *analyze_trace(const analyze *a);
const uint64_t *analyze_step_packets(const analyze *a);

size_t analyze_connection_count(const analyze *a);
const analyze_connection *analyze_connection_at(const analyze *a, size_t i);

/* Observations are kept up to ANALYZE_MAX_OBSERVATIONS; the rest are only counted. */
#define ANALYZE_MAX_OBSERVATIONS 10000
size_t analyze_observation_count(const analyze *a);
const analyze_observation *analyze_observation_at(const analyze *a, size_t i);
size_t analyze_observations_dropped(const analyze *a);

/* Bytes the analysis holds (connection records, their index, the trace, the observations):
 * it grows with the connections seen and the selected trace, not with the packets. */
size_t analyze_memory(const analyze *a);

#endif
