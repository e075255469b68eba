/*
 * test_scenario_audit.c — regression tests from the robustness audit of the scenario JSON
 * contract (server/scenario/scenario_json.c): inputs that once gave wrong or unusable
 * errors.
 * Does not: repeat the contract's ordinary cases (test_scenario_json.c has those).
 */
#include "testlib.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/scenario_json.h"

/* true when s is valid UTF-8 (jansson refuses to build a string otherwise) */
static bool valid_utf8(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

/* An unknown member whose name is long enough that its pointer is cut: the cut must not
 * split a multi-byte character, or the error cannot be sent as JSON (the API used to answer
 * 422 with an empty "errors" list). Every cut position, for 2-, 3- and 4-byte characters,
 * at the root and inside an event. */
TEST(scenario_audit_long_unknown_key_pointer_is_utf8)
{
    static const char *const chars[] = {"\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"};
    static const char *const fmts[] = {"{\"events\": [], \"%s\": 1}",
                                       "{\"events\": [{\"at_ms\": 0, \"endpoint\": \"client\", "
                                       "\"call\": \"connect\", \"%s\": 1}]}"};
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    CHECK(sc && errs);
    if (!sc || !errs) {
        free(sc);
        free(errs);
        return;
    }
    for (size_t f = 0; f < 2; f++) {
        for (size_t c = 0; c < 3; c++) {
            for (size_t pre = 100; pre < 130; pre++) {
                char key[200], text[400];
                memset(key, 'a', pre);
                key[pre] = '\0';
                strcat(key, chars[c]);
                strcat(key, "zz");
                snprintf(text, sizeof text, fmts[f], key);
                CHECK_EQ_INT(scenario_parse(text, strlen(text), sc, errs), -1);
                CHECK_EQ_INT(errs->count, 1);
                if (errs->count != 1)
                    continue;
                CHECK(strstr(errs->items[0].detail, "unknown field") != NULL);
                if (!valid_utf8(errs->items[0].pointer)) {
                    testlib_fail(__FILE__, __LINE__,
                                 "pointer not UTF-8 (prefix %zu, char %zu, fmt %zu)", pre, c, f);
                    continue;
                }
                json_t *j = scenario_errors_to_json(errs);
                CHECK(j != NULL);
                CHECK_EQ_INT(json_array_size(j), 1);
                json_decref(j);
            }
        }
    }
    free(sc);
    free(errs);
}

/* Two ESTABLISHED endpoints (made with injected segments, so no timer is pending) whose
 * views disagree answer each other's ACKs forever (an ACK war). With the longest latency
 * every hop adds 2^53 ms, so simulated time used to overflow int64 after ~1000 hops (UBSan:
 * signed integer overflow in sim.c; without it, negative times). It must stop with an error
 * naming the time bound instead. */
static const char ACK_WAR[] =
    "{\"client\": {\"iss\": 100}, \"server\": {\"iss\": 300},"
    " \"network\": {\"latency_ms\": %s},"
    " \"events\": ["
    "  {\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\"},"
    "  {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": 100}},"
    "  {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"ACK\"], \"seq\": 101, "
    "\"ack\": 301}},"
    "  {\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"connect\"},"
    "  {\"at_ms\": 0, \"inject\": {\"to\": \"client\", \"flags\": [\"SYN\", \"ACK\"], \"seq\": "
    "300, "
    "\"ack\": 101}},"
    "  {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"ACK\"], \"seq\": 101, "
    "\"ack\": 301, \"len\": 10}}"
    " ]}";

static sim_status run_text(const char *text, bool with_trace, char *msg, size_t msg_size,
                           int64_t *last_t)
{
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    sim *s = sim_new();
    sim_status st = SIM_ERR_NOMEM;
    sim_trace tr;
    sim_trace_init(&tr);
    if (sc && errs && s) {
        CHECK_EQ_INT(scenario_parse(text, strlen(text), sc, errs), 0);
        st = sim_run(s, sc, with_trace ? &tr : NULL, msg, msg_size);
        *last_t = tr.count ? tr.steps[tr.count - 1].t_ms : 0;
        for (size_t i = 1; i < tr.count; i++)
            if (tr.steps[i].t_ms < tr.steps[i - 1].t_ms) {
                testlib_fail(__FILE__, __LINE__, "time goes back at step %zu", i + 1);
                break;
            }
    }
    sim_trace_cleanup(&tr);
    sim_free(s);
    free(errs);
    free(sc);
    return st;
}

TEST(scenario_audit_ack_war_at_max_latency_stops_at_time_bound)
{
    char text[2048], msg[256];
    int64_t last = 0;
    snprintf(text, sizeof text, ACK_WAR, "9007199254740992");
    for (int with_trace = 0; with_trace < 2; with_trace++) {
        msg[0] = '\0';
        CHECK_EQ_INT(run_text(text, with_trace, msg, sizeof msg, &last), SIM_ERR_INVALID);
        if (!strstr(msg, "2^62"))
            testlib_fail(__FILE__, __LINE__, "message does not name the time bound: %s", msg);
    }
    /* a short latency: the same war ends at the step bound, as before */
    snprintf(text, sizeof text, ACK_WAR, "50");
    CHECK_EQ_INT(run_text(text, true, msg, sizeof msg, &last), SIM_ERR_TOO_MANY_STEPS);
    CHECK(strstr(msg, "100000 steps") != NULL);
}
