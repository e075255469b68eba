/*
 * fuzz_scenario.c — libFuzzer harness: scenario JSON → engine run → trace JSON and text.
 *
 * The input is scenario JSON text (what POST /api/v1/simulations takes, without the
 * {"scenario": NAME} form, which the request harness covers). Each input goes through
 * scenario_parse, the error formatters, sim_run with a trace, the fast trace writer (with and
 * without "rule_zh") and the text ladder. Oracles besides the sanitizers:
 *   - the writer's text equals json_dumps(trace_to_json_opts(...), JSON_COMPACT) (the
 *     contract of trace_writer.h), for traces up to DIFF_MAX_STEPS steps;
 *   - scenario_to_json → scenario_from_json accepts the scenario again and gives the same
 *     JSON (the round trip scenario_json.h promises).
 * Does not: reach HTTP or the store.
 */
#include "fuzz_common.h"

#include "../../server/engine/sim.h"
#include "../../server/scenario/scenario_json.h"
#include "../../server/scenario/trace_writer.h"

#include <jansson.h>

#define DIFF_MAX_STEPS 4000 /* jansson's tree per step is slow; the writer runs on every trace */

static sim *g_sim;
static sim_scenario g_sc, g_sc2; /* large: static */
static scenario_errors g_errs;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_sim = sim_new();
    if (!g_sim)
        abort();
    return 0;
}

static void check_writer(const sim_trace *t, const sim_scenario *sc, bool zh)
{
    size_t len = 0;
    char *got = zh ? trace_writer_json_opts(t, sc, true, &len) : trace_writer_json(t, sc, &len);
    if (t->count <= DIFF_MAX_STEPS) {
        json_t *j = trace_to_json_opts(t, sc, zh);
        char *want = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        FUZZ_CHECK(!want == !got, "trace writer and jansson disagree on failing");
        if (want && got) {
            FUZZ_CHECK(len == strlen(want), "trace writer length differs from jansson");
            FUZZ_CHECK(strcmp(got, want) == 0, "trace writer text differs from jansson");
        }
        free(want);
    }
    free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[4096];
    if (scenario_parse((const char *)data, size, &g_sc, &g_errs) != 0) {
        FUZZ_CHECK(g_errs.count > 0, "scenario_parse failed without an error");
        scenario_errors_format(&g_errs, buf, sizeof buf);
        json_decref(scenario_errors_to_json(&g_errs));
        return 0;
    }

    /* Round trip: the scenario as JSON parses back to the same scenario. */
    json_t *j = scenario_to_json(&g_sc);
    if (j) {
        int rc = scenario_from_json(j, &g_sc2, &g_errs);
        if (rc != 0) {
            scenario_errors_format(&g_errs, buf, sizeof buf);
            fprintf(stderr, "round trip refused: %s\n", buf);
        }
        FUZZ_CHECK(rc == 0, "scenario_to_json gave JSON scenario_from_json refuses");
        json_t *j2 = scenario_to_json(&g_sc2);
        if (j2) {
            char *a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
            char *b = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
            if (a && b)
                FUZZ_CHECK(strcmp(a, b) == 0, "scenario JSON round trip changed the scenario");
            free(a);
            free(b);
        }
        json_decref(j2);
    }
    json_decref(j);

    sim_trace t;
    sim_trace_init(&t);
    char msg[256];
    sim_status st = sim_run(g_sim, &g_sc, &t, msg, sizeof msg);
    if (st == SIM_OK) {
        check_writer(&t, &g_sc, false);
        check_writer(&t, &g_sc, true);
        free(trace_to_text_full(&t, &g_sc));
    } else {
        FUZZ_CHECK(memchr(msg, '\0', sizeof msg) != NULL, "sim_run message not terminated");
    }
    sim_trace_cleanup(&t);
    return 0;
}
