/*
 * check.h — engine-backed grading, pure functions: a student's ladder against the
 * engine's trace (trace checking) and a challenge goal over a trace (predicates).
 *
 * Owns: the student-ladder format, the goal predicate language, and the result JSON of
 * both. Does not: run the engine (callers pass the trace), touch HTTP or SQLite.
 * Errors in the input are appended to a scenario_errors list with RFC 6901 pointers
 * relative to the request body (e.g. "/steps/2/seq", "/goal/never/state/is").
 *
 * LADDER: an array of lines, each the student's claim about one segment the endpoints
 * SEND, in order (the engine's send steps, retransmissions included, injected segments
 * excluded): {"endpoint": "client"|"server" (the sender), "flags": ["SYN","ACK"] (or a
 * string "SYN,ACK"), "seq": N, "ack": N (checked only when ACK is set), "len": N
 * (optional, data octets), "state_after": "SYN-SENT" (optional: the sender's state
 * once the segment is sent)}. Line i is compared with the i-th send step.
 *
 * GOAL: an object with any of "reach": P (some step satisfies P), "never": P (no step
 * does), "final": P (the end of the run does); a bare predicate means {"reach": P}.
 * Predicates P:
 *   {"all": [P, ...]}  {"any": [P, ...]}  {"not": P}
 *   {"state": {"endpoint": E, "is": STATE}}          E's state after the step is STATE
 *   {"state_visited": {"endpoint": E, "is": STATE}}  E has been in STATE at or before it
 *   {"segment": {"from": E, "flags": [...], "kind": "send"|"receive"|"drop",
 *                "retransmission": true|false}}     this step is such a segment (all
 *                                                    members optional; kind default send;
 *                                                    flags is the exact set)
 * The grade names the first step where the goal failed: the first step satisfying a
 * `never`, or the last step when a `reach`/`final` was not met.
 */
#ifndef TCPLAB_GRADING_CHECK_H
#define TCPLAB_GRADING_CHECK_H

#include <jansson.h>
#include <stdbool.h>

#include "../engine/sim.h"
#include "../scenario/scenario_json.h"

/* Appends one error (pointer printf-style) to errs; keeps at most SCENARIO_MAX_ERRORS. */
void check_error(scenario_errors *errs, const char *detail, const char *ptr_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Only checks the ladder's shape (every line's members), appending errors. 0 or -1. */
int check_ladder_validate(const json_t *ladder, const char *ptr, scenario_errors *errs);

/* Grades `ladder` (array, borrowed; its pointer prefix is `ptr`, e.g. "/steps") against
 * trace `t`. Returns {"score", "points", "max_points", "lines": [...], "feedback"}, or
 * NULL with errs filled when the ladder is malformed (or on OOM with errs empty). */
json_t *check_trace(const sim_trace *t, const json_t *ladder, const char *ptr,
                    scenario_errors *errs);

/* Validates a goal (borrowed) whose pointer prefix is `ptr` ("/goal"). 0 or -1 (errs). */
int check_goal_validate(const json_t *goal, const char *ptr, scenario_errors *errs);

/* Evaluates a validated goal over `t`: {"passed", "score", "failed_step" (1-based or
 * null), "reason", "reached_step"?}. NULL on OOM. */
json_t *check_goal(const json_t *goal, const sim_trace *t);

#endif
