/*
 * scenario_json.h — the scenario and trace JSON contract (docs/scenario.md), via jansson.
 *
 * Owns: turning scenario JSON into a sim_scenario with precise, JSON-pointer-named errors,
 * and turning a sim_trace into the trace JSON. This is the only place the contract's
 * field names are spelled.
 * Does not: run the engine (the caller calls sim_run), do I/O, or know about HTTP.
 */
#ifndef TCPLAB_SCENARIO_JSON_H
#define TCPLAB_SCENARIO_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "../engine/sim.h"

#define SCENARIO_MAX_ERRORS 16

typedef struct scenario_error {
    char pointer[128]; /* RFC 6901 JSON pointer, e.g. "/events/3/call"; "" for the root */
    char detail[256];  /* e.g. "unknown call \"connet\"" */
} scenario_error;

typedef struct scenario_errors {
    scenario_error items[SCENARIO_MAX_ERRORS];
    size_t count;   /* errors kept (at most SCENARIO_MAX_ERRORS) */
    bool malformed; /* true: the text was not JSON at all (detail has line:column) */
    size_t dropped; /* further errors found but not kept (beyond SCENARIO_MAX_ERRORS) */
} scenario_errors;

/* Writes every error as "POINTER: DETAIL\n" (just "DETAIL\n" for the root) into buf,
 * NUL-terminated and truncated to `size`; returns the length it needed (like snprintf). */
size_t scenario_errors_format(const scenario_errors *errs, char *buf, size_t size);

/* [{"pointer": "...", "detail": "..."}, ...]. New reference; NULL on OOM. */
json_t *scenario_errors_to_json(const scenario_errors *errs);

/* Parses scenario JSON text. Returns 0 and fills *out on success; on failure returns -1
 * and fills *errs (malformed JSON: one error, pointer "", detail "line L, column C: ...";
 * invalid scenario: every problem found, each with its pointer). Unknown fields are
 * errors. `out` is always left initialised (defaults) so it can be reused. */
int scenario_parse(const char *text, size_t len, sim_scenario *out, scenario_errors *errs);

/* The same, from an already-parsed JSON value (borrowed, not stolen). */
int scenario_from_json(const json_t *root, sim_scenario *out, scenario_errors *errs);

/* Converts a scenario back to JSON, every field explicit except: "iss" when the ISNs come
 * from "seed", "nth" when a fault acts on every match, "until_ms" when unset; "title" and
 * "description" are not kept in a sim_scenario. scenario_from_json of the result gives the
 * same scenario. New reference; NULL on OOM. */
json_t *scenario_to_json(const sim_scenario *sc);

/* The trace JSON (docs/scenario.md): {"steps": [...], "final": {...}}. New reference; NULL on OOM.
 * Step members are listed at the top of scenario_json.c. */
json_t *trace_to_json(const sim_trace *t);
/* The same, with the scenario that produced the trace (may be NULL): a send step a fault
 * acted on then also names the fault's "action" and "extra_ms", not only its "index". */
json_t *trace_to_json_full(const sim_trace *t, const sim_scenario *sc);
/* Added: the same; with `with_rule_zh`, each step whose rule has a Simplified Chinese text
 * (rules_zh.h) also gets "rule_zh" right after "rule" (which stays English). Without it,
 * exactly trace_to_json_full. */
json_t *trace_to_json_opts(const sim_trace *t, const sim_scenario *sc, bool with_rule_zh);

/* A readable two-column ladder (time, arrows, SEQ/ACK/flags, states). Caller frees with
 * free(); NULL on OOM. */
char *trace_to_text(const sim_trace *t);
/* The same, naming fault actions (sc may be NULL). */
char *trace_to_text_full(const sim_trace *t, const sim_scenario *sc);

#endif
