/*
 * sim.h — two TCP endpoints ("client", "server") joined by a simulated network.
 *
 * Owns: the scenario as plain C data (what the JSON codec in server/scenario/ fills in),
 * the deterministic event queue, faults (drop / delay / duplicate), injected segments,
 * timers, and the trace: one step per call, send, receive, drop, timeout or inject.
 * Does not: parse or print JSON, read a clock, allocate per segment, or keep globals.
 * The same scenario always yields the same trace (time, ISNs and randomness are inputs).
 * A scenario with listen queues (sim_scenario.multi: one listening server, many clients) is
 * run by listenq.h behind the same sim_run; its trace also names each step's connection.
 *
 * Ordering contract: events are ordered by time; at equal times, scenario events come in
 * the order they were listed, then segment arrivals and timer expiries in the order they
 * were scheduled (i.e. the order segments were sent).
 */
#ifndef TCPLAB_ENGINE_SIM_H
#define TCPLAB_ENGINE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp.h"

enum { SIM_CLIENT = 0, SIM_SERVER = 1, SIM_ENDPOINTS = 2 };
const char *sim_endpoint_name(int endpoint); /* "client" / "server" */

/* accept(): a call of the listening socket (listen queues only), not of a TCB, so it is no
 * tcp_call; sim_event.call and sim_step.call hold it as SIM_CALL_ACCEPT. */
#define SIM_CALL_ACCEPT ((tcp_call)TCP_CALL_COUNT)
const char *sim_call_name(tcp_call c); /* tcp_call_name(c), or "accept" */
bool sim_call_from_name(const char *name, tcp_call *out);

/* Bounds: a run never exceeds these; past one, sim_run fails with a clear error. */
#define SIM_MAX_EVENTS     1000
#define SIM_MAX_FAULTS     100
#define SIM_MAX_ISS        16
#define SIM_MAX_STEPS      100000
#define SIM_MAX_SEND_BYTES 1000000000u        /* one send call */
#define SIM_MAX_TIME_MS    ((int64_t)1 << 62) /* added: no segment arrives later (ms) */
#define SIM_MAX_CLIENTS    64                 /* entries in `clients` */
#define SIM_MAX_CONNS      4096               /* four-tuples one listen-queue run may see */
#define SIM_MAX_REPEAT     4096               /* copies of one repeated inject */
#define SIM_NAME_MAX       32                 /* a connection's name, NUL included */

typedef enum sim_fault_action {
    SIM_FAULT_DROP = 0,
    SIM_FAULT_DELAY,
    SIM_FAULT_DUPLICATE
} sim_fault_action;

/* Acts on segments sent by `from` whose flag set equals `flags` exactly. `nth` picks the
 * n-th such segment (1-based); 0 means every one. With listen queues (sim_scenario.multi)
 * `client` narrows SIM_CLIENT to one entry of `clients` (-1: any client). */
typedef struct sim_fault {
    sim_fault_action action;
    int from;
    int client;
    uint8_t flags;
    uint32_t nth;
    int64_t extra_ms; /* delay: added latency; duplicate: the copy arrives this much later */
} sim_fault;

typedef struct sim_event {
    int64_t at_ms;
    bool inject;     /* false: a user call; true: a crafted segment */
    int endpoint;    /* call: who calls; inject: who receives ("to") */
    tcp_call call;   /* when !inject */
    uint32_t bytes;  /* TCP_CALL_SEND */
    tcp_segment seg; /* when inject */
    /* With listen queues (sim_scenario.multi) only: */
    int client;           /* SIM_CLIENT: which entry of `clients`; SIM_SERVER: the connection a
                             call acts on (-1: the listening socket); inject: see has_from */
    uint32_t backlog;     /* TCP_CALL_LISTEN: accept-queue capacity (0: SIM_DEFAULT_BACKLOG) */
    uint32_t syn_backlog; /* TCP_CALL_LISTEN: SYN-queue capacity (0: the backlog) */
    bool has_from;        /* inject to the server from from_addr:from_port (else from client) */
    uint32_t from_addr;   /* IPv4, host byte order */
    uint16_t from_port;
    uint32_t repeat;   /* inject: copies (0 or 1: one); copy k comes from from_port + k ... */
    uint32_t every_ms; /* ... at at_ms + k * every_ms */
} sim_event;

typedef struct sim_endpoint_config {
    uint32_t iss[SIM_MAX_ISS]; /* used by successive connections, in order */
    size_t iss_count;          /* 0: ISNs come from the scenario's seed */
    uint32_t mss;              /* default 1460 */
    uint32_t wnd;              /* receive window advertised, default 65535 */
} sim_endpoint_config;

#define SIM_DEFAULT_BACKLOG 128 /* Linux's SOMAXCONN before 5.4 */

/* One client of a listen-queue scenario: a name for the trace, its address and port (the
 * server is server_addr:server_port), and its endpoint settings. */
typedef struct sim_client_config {
    char name[SIM_NAME_MAX];
    uint32_t addr; /* IPv4, host byte order */
    uint16_t port;
    sim_endpoint_config ep;
} sim_client_config;

typedef struct sim_scenario {
    sim_endpoint_config ep[SIM_ENDPOINTS];
    int64_t latency_ms; /* one-way, default 50 */
    sim_fault faults[SIM_MAX_FAULTS];
    size_t fault_count;
    uint32_t rto_ms;      /* default 1000 */
    uint32_t msl_ms;      /* default 120000 (RFC 9293 §3.4.2) */
    uint32_t max_retries; /* default 5 */
    sim_event events[SIM_MAX_EVENTS];
    size_t event_count;
    bool has_until;
    int64_t until_ms;
    uint64_t seed; /* default 0 */
    /* Listen queues (listenq.h). false: two endpoints, ep[] and the code in sim.c. true: a
     * listening server (ep[SIM_SERVER]) with a SYN queue and an accept queue, and the
     * clients below (at least one), demultiplexed by four-tuple. */
    bool multi;
    sim_client_config clients[SIM_MAX_CLIENTS];
    size_t client_count;
    uint32_t server_addr; /* default 10.0.0.1 */
    uint16_t server_port; /* default 80 */
    bool syn_cookies;     /* RFC 4987 §3.6 when the SYN queue is full */
} sim_scenario;

/* Fills every field with the defaults above (no events, no faults, no ISS list). */
void sim_scenario_defaults(sim_scenario *sc);

typedef enum sim_step_kind {
    SIM_STEP_CALL = 0,
    SIM_STEP_SEND,
    SIM_STEP_RECEIVE,
    SIM_STEP_DROP,
    SIM_STEP_TIMEOUT,
    SIM_STEP_INJECT
} sim_step_kind;
const char *sim_step_kind_name(sim_step_kind k); /* "call", "send", ... */

typedef enum sim_timer {
    SIM_TIMER_NONE = 0,
    SIM_TIMER_RETRANSMISSION,
    SIM_TIMER_TIME_WAIT
} sim_timer;
const char *sim_timer_name(sim_timer t); /* "retransmission", "time-wait"; NULL for NONE */
const char *sim_fault_action_name(sim_fault_action a); /* "drop", "delay", "duplicate" */
/* The rule of a drop step for a segment a fault drops, and of an inject step (static). */
const char *sim_drop_rule(const tcp_segment *seg);
const char *sim_inject_rule(void);

typedef enum sim_queue { SIM_QUEUE_NONE = 0, SIM_QUEUE_SYN, SIM_QUEUE_ACCEPT } sim_queue;
const char *sim_queue_name(sim_queue q); /* "syn", "accept"; NULL for NONE */

/* One line of the trace. `rule`, `error` and `signal` point to static strings (never
 * freed); `error` and `signal` are NULL when absent. */
typedef struct sim_step {
    int64_t t_ms;
    int endpoint;
    sim_step_kind kind;
    tcp_call call;    /* SIM_STEP_CALL */
    uint32_t bytes;   /* SIM_STEP_CALL with TCP_CALL_SEND */
    bool has_segment; /* send, receive, drop, inject */
    tcp_segment seg;
    bool retransmission; /* SIM_STEP_SEND: a retransmitted segment */
    bool duplicate;      /* SIM_STEP_RECEIVE: the copy made by a duplicate fault */
    int fault;           /* SIM_STEP_SEND: index into scenario faults that acted, or -1 */
    sim_timer timer;     /* SIM_STEP_TIMEOUT */
    tcp_state state_before, state_after; /* of `endpoint` (for drop: the sender) */
    const char
        *rule; /* e.g. "RFC 9293 §3.10.7.3: SYN-SENT, acceptable ACK with SYN → ESTABLISHED" */
    const char *error;  /* a call refused: e.g. "connection already exists" */
    const char *signal; /* told to the user: "connection reset", "connection refused", ... */
    tcp_vars vars[SIM_ENDPOINTS]; /* both endpoints' TCB variables after this step */
    /* listen queues only: the connection this step belongs to (index into sim_trace.conns,
     * SIM_CONN_LISTENER for the listening socket; -1 without listen queues) and the queue
     * lengths after the step. vars[] are the two ends of that connection. */
    int conn;
    uint32_t syn_queue, accept_queue;
    sim_queue queue_full; /* a receive the listening socket dropped: which queue was full */
    bool syn_cookie;      /* a SYN,ACK carrying a cookie, or the receive a cookie rebuilt from */
} sim_step;

#define SIM_CONN_LISTENER (-2)

/* A connection (a four-tuple) of a listen-queue run, as the trace names it. */
typedef struct sim_conn_info {
    char name[SIM_NAME_MAX]; /* the client's name, or "ADDR:PORT" for an injected source */
    uint32_t addr;
    uint16_t port;
    bool spoofed;  /* an injected source address: no host there answers */
    bool accepted; /* the server's application accept()ed it */
    tcp_vars final[SIM_ENDPOINTS];
} sim_conn_info;

/* The listening socket at the end of a listen-queue run. */
typedef struct sim_listener_info {
    tcp_state state;
    uint32_t backlog, syn_backlog;
    uint32_t syn_queue, accept_queue;
} sim_listener_info;

/* A growable array of steps. _init/_cleanup; the array is owned by the trace. */
typedef struct sim_trace {
    sim_step *steps;
    size_t count, cap;
    tcp_vars final[SIM_ENDPOINTS];
    int64_t end_ms; /* simulated time when the run stopped */
    /* listen queues only (multi): every connection seen, in order of first appearance
     * (the clients first, in their order); final[] is then the first client's connection */
    bool multi;
    sim_conn_info *conns;
    size_t nconns, conns_cap;
    sim_listener_info listener;
    uint32_t server_addr;
    uint16_t server_port;
} sim_trace;

void sim_trace_init(sim_trace *t);
/* The name a step's connection goes by: "listener" for SIM_CONN_LISTENER, the connection's
 * name, "?" for anything else. */
const char *sim_trace_conn_name(const sim_trace *t, int conn);
/* "A.B.C.D" of an IPv4 address in host byte order (out: at least 16 bytes). */
void sim_format_addr(uint32_t addr, char out[16]);
void sim_trace_cleanup(sim_trace *t); /* safe on an initialised, empty or NULL trace */

typedef enum sim_status {
    SIM_OK = 0,
    SIM_ERR_TOO_MANY_STEPS, /* the run would exceed the step limit (sim_set_max_steps) */
    SIM_ERR_NOMEM,
    SIM_ERR_INVALID /* the scenario breaks a documented bound (message says which) */
} sim_status;

/* A reusable simulator. sim_new returns NULL on allocation failure; sim_free(NULL) is a
 * no-op. One sim runs one scenario at a time; it is not shared between threads. */
typedef struct sim sim;
sim *sim_new(void);
void sim_free(sim *s);

/* The most steps a run of `s` may make (sim_new: SIM_MAX_STEPS). A front end that answers
 * strangers sets a lower one; 0 or anything above SIM_MAX_STEPS means SIM_MAX_STEPS. Every
 * segment sent, received or dropped is a step, so this also bounds the segments (and the
 * work) of a run, whatever the byte counts of its sends. */
void sim_set_max_steps(sim *s, size_t max_steps);
size_t sim_max_steps(const sim *s);

/* Runs `sc` to completion: until `until_ms` if set, else until no event or timer is
 * pending. With `trace` non-NULL every step is appended to it (the trace must be
 * initialised; it is cleared first); with NULL nothing is recorded and, once the sim has
 * warmed up, nothing is allocated. On failure returns non-OK and, when `msg` is non-NULL,
 * writes a one-line explanation into it (at most msg_size bytes, NUL-terminated). */
sim_status sim_run(sim *s, const sim_scenario *sc, sim_trace *trace, char *msg, size_t msg_size);

/* Final TCB variables of the last run (valid after sim_run, also without a trace). */
void sim_final(const sim *s, tcp_vars out[SIM_ENDPOINTS]);

#endif
