/*
 * tcp.h — one TCP endpoint: the RFC 9293 TCB and its state machine (public types).
 *
 * Owns: the state enumeration and its RFC 9293 spellings, segment flags, the segment
 * record, the TCB variables visible to the rest of the program, and the user calls.
 * Does not: touch a clock, a socket, a file, JSON or SQLite. Time, ISNs and randomness
 * are inputs; the simulated network that carries segments lives in sim.h.
 */
#ifndef TCPLAB_ENGINE_TCP_H
#define TCPLAB_ENGINE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The eleven states of RFC 9293 §3.3.2, Figure 5. Order is part of the contract
 * (tests and tables index by it). */
typedef enum tcp_state {
    TCP_CLOSED = 0,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RECEIVED,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
    TCP_STATE_COUNT
} tcp_state;

/* RFC 9293 spelling ("SYN-SENT", "SYN-RECEIVED", "TIME-WAIT", ...). Never NULL for a
 * valid state; "?" for an out-of-range value. */
const char *tcp_state_name(tcp_state s);
/* Parses an RFC 9293 spelling (exact, case-sensitive). Returns false if unknown. */
bool tcp_state_from_name(const char *name, tcp_state *out);

/* Control flags, with their wire bit values (RFC 9293 §3.1). */
enum {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_FLAGS_ALL = 0x1f
};

/* Canonical flag order for display and JSON: SYN, ACK, FIN, RST, PSH. */
#define TCP_FLAG_NAME_COUNT 5
extern const uint8_t tcp_flag_order[TCP_FLAG_NAME_COUNT];
const char *tcp_flag_name(uint8_t single_flag); /* "SYN"...; NULL if not one flag */
bool tcp_flag_from_name(const char *name, uint8_t *out);

/* One segment as the simulation carries it. `len` is the number of data octets only
 * (SEG.LEN in RFC terms additionally counts SYN and FIN; see tcp_seg_len()). */
typedef struct tcp_segment {
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint32_t len;
    uint32_t wnd;
} tcp_segment;

/* SEG.LEN of RFC 9293 §3.3.1: data octets plus one for SYN and one for FIN. */
static inline uint32_t tcp_seg_len(const tcp_segment *s)
{
    return s->len + ((s->flags & TCP_SYN) ? 1u : 0u) + ((s->flags & TCP_FIN) ? 1u : 0u);
}

/* User calls (RFC 9293 §3.10.1–3.10.5), plus `crash`: the host reboots and the TCB
 * vanishes without a word on the wire. */
typedef enum tcp_call {
    TCP_CALL_LISTEN = 0, /* passive OPEN */
    TCP_CALL_CONNECT,    /* active OPEN */
    TCP_CALL_SEND,       /* SEND n octets */
    TCP_CALL_CLOSE,
    TCP_CALL_ABORT, /* sends RST where §3.10.5 says so */
    TCP_CALL_CRASH,
    TCP_CALL_COUNT
} tcp_call;

const char *tcp_call_name(tcp_call c); /* "listen", "connect", ... */
bool tcp_call_from_name(const char *name, tcp_call *out);

/* The TCB variables shown to students and written into traces (RFC 9293 §3.3.1).
 * For a CLOSED endpoint these are the values of its last connection (zero if none). */
typedef struct tcp_vars {
    tcp_state state;
    uint32_t iss, irs;
    uint32_t snd_una, snd_nxt, snd_wnd;
    uint32_t rcv_nxt, rcv_wnd;
} tcp_vars;

#endif
