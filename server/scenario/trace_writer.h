/*
 * trace_writer.h — the trace JSON (docs/scenario.md) written straight as text (the fast path).
 *
 * Owns: a growable text buffer (trace_writer) and the compact serialisation of a
 * sim_trace into it, byte for byte what json_dumps(trace_to_json_full(t, sc), JSON_COMPACT)
 * gives (jansson 2.14: members in insertion order, no spaces, strings escaped per RFC 8259
 * with only '"', '\\' and control characters escaped, \u00XX in upper case, non-ASCII UTF-8
 * as is). tests/unit/test_trace_writer.c holds the two to that over every built-in and the
 * fault/inject/error/signal cases, with and without the optional "rule_zh" members
 * (trace_to_json_opts): the member names here mirror the contract spelled in
 * scenario_json.c, and that test is what keeps the two spellings in step.
 * Does not: build a jansson tree, allocate per step (only the buffer grows, geometrically),
 * run the engine, or know about HTTP.
 */
#ifndef TCPLAB_SCENARIO_TRACE_WRITER_H
#define TCPLAB_SCENARIO_TRACE_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "../engine/sim.h"

/* A growable text buffer (NUL-terminated by trace_writer_finish). _init/_cleanup. After any
 * allocation failure (or a string that is not valid UTF-8, which json_string() would refuse too)
 * `failed` is set and every further write is ignored; trace_writer_finish then returns NULL. */
typedef struct trace_writer {
    char *buf;  /* malloc'ed; NULL until the first write */
    size_t len; /* bytes written, excluding the NUL */
    size_t cap; /* bytes allocated */
    bool failed;
    size_t max_len; /* 0: no limit; else the text may not be longer (trace_writer_limit) */
    bool too_big;   /* failed because the text would have been longer than max_len */
} trace_writer;

void trace_writer_init(trace_writer *w);

/* Caps the text at `max_len` bytes (0: no cap; set it before the first write). Writing
 * stops (failed, too_big, further writes ignored) a few bytes past the cap at most, so no
 * more than max_len + 33 bytes are ever allocated, and trace_writer_finish returns NULL for
 * a text longer than max_len. The cap is cleared by trace_writer_finish and
 * trace_writer_cleanup, as the rest of the writer is. */
void trace_writer_limit(trace_writer *w, size_t max_len);

/* True once the text is known to be over the cap (call before trace_writer_finish, which
 * resets the writer). */
bool trace_writer_too_big(const trace_writer *w);
void trace_writer_cleanup(trace_writer *w); /* frees the buffer; safe on NULL */

/* Makes room for `extra` more bytes (one allocation instead of several; a hint: with a cap,
 * no more than the cap is reserved and that is no failure). Returns 0, or -1 (and sets
 * failed) when out of memory. */
int trace_writer_reserve(trace_writer *w, size_t extra);

/* Appends `n` bytes as they are (the caller guarantees they are JSON text). */
void trace_writer_raw(trace_writer *w, const char *s, size_t n);

/* Appends `s` as a JSON string literal, quotes included. NULL or invalid UTF-8 marks the
 * writer failed (as json_string() returning NULL makes trace_to_json fail). */
void trace_writer_string(trace_writer *w, const char *s);

/* Appends a signed integer in decimal. */
void trace_writer_int(trace_writer *w, long long v);

/* Appends the trace JSON {"steps":[...],"final":{...},"end_ms":N}. `sc` (may be NULL) is
 * the scenario that produced the trace, as for trace_to_json_full: with it, a fault's
 * "action"/"extra_ms" are written too. */
void trace_writer_trace(trace_writer *w, const sim_trace *t, const sim_scenario *sc);

/* Added: the same; with `with_rule_zh`, each step whose rule has a Simplified Chinese text
 * (rules_zh.h) also gets "rule_zh" right after "rule": the bytes of
 * json_dumps(trace_to_json_opts(t, sc, with_rule_zh), JSON_COMPACT). */
void trace_writer_trace_opts(trace_writer *w, const sim_trace *t, const sim_scenario *sc,
                             bool with_rule_zh);

/* Hands over the text: returns the malloc'ed, NUL-terminated buffer (caller frees) and its
 * length in *len (may be NULL), and leaves `w` empty (initialised). NULL if the writer
 * failed (the buffer is then freed). */
char *trace_writer_finish(trace_writer *w, size_t *len);

/* The whole trace as compact JSON text: json_dumps(trace_to_json_full(t, sc), JSON_COMPACT)
 * without the tree. Caller frees; NULL on OOM (or an invalid string in the trace). */
char *trace_writer_json(const sim_trace *t, const sim_scenario *sc, size_t *len);
/* Added: the same with the "rule_zh" members (see trace_writer_trace_opts). */
char *trace_writer_json_opts(const sim_trace *t, const sim_scenario *sc, bool with_rule_zh,
                             size_t *len);

#endif
