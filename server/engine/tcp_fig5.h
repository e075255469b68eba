/*
 * tcp_fig5.h — RFC 9293 §3.3.2 as data: the eleven states with a one-sentence meaning each,
 * and every edge drawn in Figure 5 ("TCP Connection State Diagram").
 *
 * Owns: the tables tcp_fig5_states[] (indexed by tcp_state; meanings in English and
 * Simplified Chinese) and tcp_fig5_edges[] (the
 * figure's arrows, in reading order, top to bottom), plus tcp_fig5_note_edges[]: the one
 * transition the figure's Note 2 says it omits.
 * Does not: drive the engine (server/engine/tcp.c decides transitions by §3.10), draw, or
 * know JSON. Figure 5 is a summary ("must not be taken as the total specification"): the
 * RST-driven transitions of Note 3 and all error handling are deliberately not listed.
 */
#ifndef TCPLAB_ENGINE_TCP_FIG5_H
#define TCPLAB_ENGINE_TCP_FIG5_H

#include "tcp.h"

typedef struct tcp_fig5_state {
    tcp_state state;
    const char *name;           /* RFC 9293 spelling, same as tcp_state_name() */
    const char *description;    /* one sentence, after §3.3.2 */
    const char *description_zh; /* added: the same sentence in Simplified Chinese */
} tcp_fig5_state;

typedef struct tcp_fig5_edge {
    tcp_state from, to;
    const char *event;  /* the label above the bar in the figure, e.g. "rcv SYN" */
    const char *action; /* the label below the bar, e.g. "snd SYN,ACK"; "" for the figure's
                           "x" (no action) or no label at all */
    const char *note;   /* NULL, or the RFC note that qualifies this edge ("Note 1: ...") */
} tcp_fig5_edge;

/* The 11 states, tcp_fig5_states[i].state == i. */
extern const tcp_fig5_state tcp_fig5_states[TCP_STATE_COUNT];
extern const size_t tcp_fig5_state_count; /* == TCP_STATE_COUNT */

/* Every arrow of Figure 5 (20 of them). */
extern const tcp_fig5_edge tcp_fig5_edges[];
extern const size_t tcp_fig5_edge_count;

/* Transitions the notes under Figure 5 name but the figure does not draw (Note 2:
 * FIN-WAIT-1 → TIME-WAIT on a FIN that also acknowledges our FIN). */
extern const tcp_fig5_edge tcp_fig5_note_edges[];
extern const size_t tcp_fig5_note_edge_count;

#endif
