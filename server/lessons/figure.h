/*
 * figure.h — the <figure class="tl-scenario"> of docs/dom.md: a ladder diagram, the
 * Figure 5 state diagram, an empty player, the text table of steps and the trace JSON.
 *
 * Owns: turning a ```scenario block (a built-in name or inline scenario JSON) or an
 * already-run trace into that figure's HTML.
 * Does not: know Markdown (server/lessons/markdown.c calls it), draw (svg.h), or keep
 * state between calls. Safe to call from several threads at once.
 */
#ifndef TCPLAB_LESSONS_FIGURE_H
#define TCPLAB_LESSONS_FIGURE_H

#include <stddef.h>

#include "../engine/sim.h"

/* A figure shows at most this many steps; a block whose trace is longer is an error. */
#define FIGURE_MAX_STEPS 400

/* The figure for a ```scenario block: `src` (len bytes, need not be NUL-terminated) is a
 * built-in name or inline scenario JSON. Returns malloc'ed HTML, or NULL with a one-line
 * reason in err (the caller prefixes file:line). `locale` is "en" or "zh-CN". */
char *figure_render_block(const char *src, size_t len, int figure_no, const char *locale, char *err,
                          size_t err_size);

/* Flags of figure_render_block_flags. FIGURE_DIAGRAM_LARGE: the figure starts with its
 * state diagram large (data-diagram="large", docs/dom.md), as ```scenario large asks. */
#define FIGURE_DIAGRAM_LARGE 1u

/* figure_render_block with FIGURE_* flags. */
char *figure_render_block_flags(const char *src, size_t len, int figure_no, const char *locale,
                                unsigned flags, char *err, size_t err_size);

/* The same for an already-run trace (the playground). NULL only on allocation failure. */
char *figure_render_trace(const sim_trace *t, const char *title, int figure_no, const char *locale);

/* Added: as figure_render_trace, with the built-in's name for data-scenario (NULL or ""
 * for none). */
char *figure_render_trace_named(const sim_trace *t, const char *title, const char *scenario_name,
                                int figure_no, const char *locale);

/* Added: runs a scenario given as a built-in name or inline JSON (as figure_render_block
 * accepts) into `trace` (initialised by the caller). On success returns 0 and, when
 * non-NULL, sets *title_out to a malloc'ed title and *name_out to the built-in name (static)
 * or NULL. On failure returns -1 with a one-line reason in err. */
int figure_run_source(const char *src, size_t len, sim_trace *trace, char **title_out,
                      const char **name_out, char *err, size_t err_size);

#endif
