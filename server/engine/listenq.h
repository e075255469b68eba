/*
 * listenq.h — one listening server with a SYN queue and an accept queue, and many clients:
 * how sim_run runs a scenario with listen queues (sim_scenario.multi).
 *
 * Owns: the connections of such a run, each a four-tuple (client address and port, the
 * server's address and port) with a client end and a server end (two tcp_endpoints); the
 * listening socket (a tcp_endpoint in LISTEN) with its backlog; the SYN queue (server ends
 * in SYN-RECEIVED, at most syn_backlog) and the accept queue (handshakes complete, not yet
 * accept()ed, at most backlog); demultiplexing of arriving segments by four-tuple; SYN
 * cookies (RFC 4987 §3.6); sources an inject names with `from` (spoofed: no host there
 * answers); the event queue, timers, faults and step recording of such a run, with the
 * same ordering contract as sim.h.
 * Does not: decide anything a TCB does (tcp.c does, through tcp_endpoint.h), parse JSON,
 * read a clock, or keep globals. The same scenario always gives the same trace.
 *
 * What a full queue does is left open by RFC 9293; this module does what Linux does, and
 * each such step's rule says so: a SYN meeting a full SYN queue is dropped, or answered
 * with a cookie when syn_cookies is on (tcp_syncookies=1); a SYN meeting a full accept
 * queue is dropped, cookies or not; the ACK that would complete a handshake while the
 * accept queue is full is dropped (tcp_abort_on_overflow=0), so the client is ESTABLISHED
 * while the server's SYN,ACK timer resends. The accept queue holds `backlog` connections
 * (Linux admits one more: sk_acceptq_is_full tests >). A connection that leaves
 * SYN-RECEIVED for CLOSED or LISTEN (RST, retries exhausted) leaves the SYN queue; one
 * reset while waiting in the accept queue leaves it too (Linux keeps it for accept(),
 * whose first read then fails).
 */
#ifndef TCPLAB_ENGINE_LISTENQ_H
#define TCPLAB_ENGINE_LISTENQ_H

#include <stddef.h>

#include "sim.h"

typedef struct listenq listenq;

/* NULL on allocation failure; listenq_free(NULL) is a no-op. */
listenq *listenq_new(void);
void listenq_free(listenq *q);

/* Runs `sc` (sc->multi) as sim_run does (same contract: trace may be NULL, msg names the
 * problem); max_steps as sim_set_max_steps. */
sim_status listenq_run(listenq *q, const sim_scenario *sc, sim_trace *trace, size_t max_steps,
                       char *msg, size_t msg_size);

/* The two ends of the first client's connection after the last run (zeros if none). */
void listenq_final(const listenq *q, tcp_vars out[SIM_ENDPOINTS]);

#endif
