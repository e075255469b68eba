/*
 * svg.h — server-rendered SVG diagrams of engine traces.
 *
 * Owns: the ladder (sequence) diagram of a sim_trace and the RFC 9293 Figure 5 state
 * diagram with the states/edges a trace visits marked "tl-visited" (layout after the RFC's
 * ASCII figure, edges from server/engine/tcp_fig5.h); XML escaping.
 * Does not: run the engine, parse JSON, choose colours (every colour comes from CSS classes
 * and currentColor, so both colour schemes and print work), or emit inline style.
 * Output is deterministic: the same trace always gives the same bytes.
 */
#ifndef TCPLAB_LESSONS_SVG_H
#define TCPLAB_LESSONS_SVG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "../engine/sim.h"
#include "../util/strbuf.h"

/* Newly allocated escaped copy of `s` (NULL on OOM). */
char *svg_escape(const char *s);

/* `locale` is "en" or "zh-CN" (anything else: English). `id_prefix` makes element ids unique
 * on a page (e.g. "scn-3"); it must be [A-Za-z0-9-]. Both return malloc'ed SVG markup, or
 * NULL on allocation failure. */
char *svg_ladder(const sim_trace *t, const char *title, const char *id_prefix, const char *locale);
char *svg_state_diagram(const sim_trace *t, const char *id_prefix, const char *locale);

/* The same, appended to a buffer. */
void svg_ladder_to(strbuf *b, const sim_trace *t, const char *title, const char *id_prefix,
                   const char *locale);
void svg_state_diagram_to(strbuf *b, const sim_trace *t, const char *id_prefix, const char *locale);

/* "SYN,ACK" in canonical order into out (at least 24 bytes); "" for no flags. */
void svg_flags_text(unsigned flags, char *out, size_t out_size);

#endif
