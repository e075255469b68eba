/* test_trace_writer.c — server/scenario/trace_writer.c must write exactly the bytes of
 * json_dumps(trace_to_json_full(t, sc), JSON_COMPACT): over every built-in (with and without
 * the scenario), scenarios with faults, injected segments, refused calls and signals,
 * hand-built traces with hostile strings and out-of-range enums, and a seeded fuzz of
 * random steps. Also the string escaper and integer formatter on their own. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "../../server/scenario/trace_writer.h"
#include "testlib.h"

static sim_scenario tw_sc; /* large: keep off the stack */
static scenario_errors tw_errs;

/* jansson's text for the trace, or NULL when trace_to_json fails */
static char *reference(const sim_trace *t, const sim_scenario *sc, bool zh)
{
    json_t *j = trace_to_json_opts(t, sc, zh);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

/* Compares the writer with jansson (without, then with the "rule_zh" members); on a
 * difference reports where. */
static void check_same_zh(const char *what, const sim_trace *t, const sim_scenario *sc, bool zh)
{
    char *want = reference(t, sc, zh);
    size_t len = 0;
    char *got = zh ? trace_writer_json_opts(t, sc, true, &len) : trace_writer_json(t, sc, &len);
    if (!want || !got) {
        if (want || got)
            testlib_fail(__FILE__, __LINE__, "%s%s: jansson %s, writer %s", what,
                         zh ? " (rule_zh)" : "", want ? "wrote it" : "failed",
                         got ? "wrote it" : "failed");
    } else if (len != strlen(want) || strcmp(got, want) != 0) {
        size_t i = 0;
        while (got[i] && got[i] == want[i])
            i++;
        size_t from = i > 60 ? i - 60 : 0;
        testlib_fail(
            __FILE__, __LINE__,
            "%s%s: differs at byte %zu (len %zu vs %zu)\n  got:  ...%.120s\n  want: ...%.120s",
            what, zh ? " (rule_zh)" : "", i, len, strlen(want), got + from, want + from);
    }
    free(want);
    free(got);
}

static void check_same(const char *what, const sim_trace *t, const sim_scenario *sc)
{
    check_same_zh(what, t, sc, false);
    check_same_zh(what, t, sc, true);
}

/* Parses and runs `json`, then compares both variants (without and with the scenario). */
static void check_scenario(const char *what, const char *json)
{
    sim_trace t;
    sim_trace_init(&t);
    int rc = scenario_parse(json, strlen(json), &tw_sc, &tw_errs);
    if (rc != 0) {
        testlib_fail(__FILE__, __LINE__, "%s: does not parse: %s: %s", what,
                     tw_errs.count ? tw_errs.items[0].pointer : "",
                     tw_errs.count ? tw_errs.items[0].detail : "");
        return;
    }
    sim *s = sim_new();
    char msg[256] = "";
    CHECK(s != NULL);
    sim_status st = s ? sim_run(s, &tw_sc, &t, msg, sizeof msg) : SIM_ERR_NOMEM;
    sim_free(s);
    if (st != SIM_OK) {
        testlib_fail(__FILE__, __LINE__, "%s: does not run: %s", what, msg);
    } else {
        CHECK(t.count > 0);
        check_same(what, &t, NULL);
        check_same(what, &t, &tw_sc);
    }
    sim_trace_cleanup(&t);
}

TEST(trace_writer_matches_jansson_on_every_builtin)
{
    CHECK(catalog_count() >= 17);
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        check_scenario(e->name, e->json);
    }
}

TEST(trace_writer_matches_jansson_on_faults_injects_errors_signals)
{
    /* every fault action (delay and duplicate carry extra_ms), retransmissions */
    check_scenario("faults",
                   "{\"client\":{\"iss\":4294967295},\"server\":{\"iss\":[0,7]},"
                   "\"network\":{\"latency_ms\":20,\"faults\":["
                   "{\"action\":\"drop\",\"from\":\"client\",\"flags\":[\"SYN\"],\"nth\":1},"
                   "{\"action\":\"delay\",\"from\":\"server\",\"flags\":[\"SYN\",\"ACK\"],"
                   "\"extra_ms\":300},"
                   "{\"action\":\"duplicate\",\"from\":\"client\",\"flags\":[\"ACK\"],"
                   "\"extra_ms\":5}]},"
                   "\"timers\":{\"rto_ms\":200,\"msl_ms\":1000,\"max_retries\":3},"
                   "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
                   "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
                   "{\"at_ms\":2000,\"endpoint\":\"client\",\"call\":\"send\",\"bytes\":3000},"
                   "{\"at_ms\":3000,\"endpoint\":\"client\",\"call\":\"close\"},"
                   "{\"at_ms\":3100,\"endpoint\":\"server\",\"call\":\"close\"}]}");
    /* injected segments (PSH, RST, FIN), a refused call (error), reset/refused signals */
    check_scenario(
        "injects",
        "{\"client\":{\"iss\":100},\"server\":{\"iss\":300},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"send\",\"bytes\":1},"
        "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
        "{\"at_ms\":1,\"endpoint\":\"client\",\"call\":\"connect\"},"
        "{\"at_ms\":10,\"inject\":{\"to\":\"server\",\"flags\":[\"SYN\",\"ACK\",\"FIN\","
        "\"RST\",\"PSH\"],\"seq\":4294967295,\"ack\":0,\"len\":65535,\"wnd\":0}},"
        "{\"at_ms\":20,\"endpoint\":\"server\",\"call\":\"listen\"},"
        "{\"at_ms\":30,\"inject\":{\"to\":\"server\",\"flags\":[\"SYN\"],\"seq\":9,"
        "\"ack\":0,\"len\":0}},"
        "{\"at_ms\":400,\"inject\":{\"to\":\"client\",\"flags\":[\"RST\"],\"seq\":301,"
        "\"ack\":0,\"len\":0}},"
        "{\"at_ms\":500,\"endpoint\":\"server\",\"call\":\"abort\"},"
        "{\"at_ms\":600,\"endpoint\":\"client\",\"call\":\"crash\"},"
        "{\"at_ms\":700,\"endpoint\":\"client\",\"call\":\"close\"}]}");
    /* the benchmark's scenario: handshake, 10 bytes, close from both sides, TIME-WAIT */
    check_scenario("bench",
                   "{\"client\":{\"iss\":1000},\"server\":{\"iss\":5000},"
                   "\"network\":{\"latency_ms\":20},"
                   "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
                   "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
                   "{\"at_ms\":100,\"endpoint\":\"client\",\"call\":\"send\",\"bytes\":10},"
                   "{\"at_ms\":200,\"endpoint\":\"client\",\"call\":\"close\"},"
                   "{\"at_ms\":300,\"endpoint\":\"server\",\"call\":\"close\"}],"
                   "\"until_ms\":600000}");
    /* no events at all: an empty steps array */
    sim_trace t;
    sim_trace_init(&t);
    t.end_ms = 0;
    check_same("empty", &t, NULL);
}

/* A trace built by hand: strings the engine never produces, enums out of range, a fault
 * index beyond the scenario's faults, negative and extreme numbers. */
TEST(trace_writer_matches_jansson_on_hand_built_steps)
{
    static const char *const rules[] = {
        "",
        "plain",
        "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f",
        "ctl \x01\x02\x1f\x7f end",
        "UTF-8 \xc2\xa7 \xe2\x86\x92 \xf0\x9f\x98\x80 \xe4\xb8\xad",
    };
    sim_trace t;
    sim_trace_init(&t);
    sim_step steps[12];
    memset(steps, 0, sizeof steps);
    for (size_t i = 0; i < 12; i++) {
        sim_step *s = &steps[i];
        s->t_ms = i == 3 ? -5 : i == 4 ? INT64_MAX : (int64_t)i * 1000;
        s->endpoint = (int)(i % 3);       /* 2 → "?" */
        s->kind = (sim_step_kind)(i % 7); /* 6 → "?" */
        s->call = (tcp_call)(i % (TCP_CALL_COUNT + 1));
        s->bytes = i == 2 ? UINT32_MAX : (uint32_t)i;
        s->has_segment = i % 2;
        s->seg.seq = UINT32_MAX - (uint32_t)i;
        s->seg.ack = (uint32_t)i;
        s->seg.flags = (uint8_t)(i * 5 % 32);
        s->seg.len = (uint32_t)i * 100;
        s->seg.wnd = 65535;
        s->retransmission = i % 3 == 1;
        s->duplicate = i % 4 == 2;
        s->fault = (int)i % 4 - 1;     /* -1, 0, 1, 2 */
        s->timer = (sim_timer)(i % 4); /* 3 → no name: no member */
        s->state_before = (tcp_state)i;
        s->state_after = (tcp_state)(i + 1);
        s->rule = i == 7 ? NULL : rules[i % 5];
        s->error = i % 5 == 3 ? "connection already exists" : NULL;
        s->signal = i % 4 == 1 ? rules[(i + 2) % 5] : NULL;
        for (int e = 0; e < SIM_ENDPOINTS; e++) {
            s->vars[e].state = (tcp_state)(i + (size_t)e);
            s->vars[e].iss = UINT32_MAX;
            s->vars[e].irs = 0;
            s->vars[e].snd_una = (uint32_t)i;
            s->vars[e].snd_nxt = 1000000000u;
            s->vars[e].snd_wnd = 65535;
            s->vars[e].rcv_nxt = 42;
            s->vars[e].rcv_wnd = 1;
        }
    }
    t.steps = steps;
    t.count = 12;
    t.cap = 12;
    t.final[0] = steps[0].vars[0];
    t.final[1] = steps[11].vars[1];
    t.end_ms = INT64_MIN;
    sim_scenario_defaults(&tw_sc);
    tw_sc.fault_count = 2; /* index 2 is beyond: no action/extra_ms */
    tw_sc.faults[0].action = SIM_FAULT_DELAY;
    tw_sc.faults[0].extra_ms = 123;
    tw_sc.faults[1].action = SIM_FAULT_DROP;
    check_same("hand-built", &t, NULL);
    check_same("hand-built with scenario", &t, &tw_sc);
    tw_sc.faults[1].action = (sim_fault_action)9; /* "?" */
    check_same("unknown action", &t, &tw_sc);

    /* a string jansson refuses (invalid UTF-8): both fail */
    static const char *const bad[] = {"\xff",         "\xc0\x80",         "\xe0\x80\x80",
                                      "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x86",
                                      "ok \x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        steps[5].rule = bad[i];
        char *got = trace_writer_json(&t, NULL, NULL);
        char *want = reference(&t, NULL, false);
        CHECK(got == NULL);
        CHECK(want == NULL);
        free(got);
        free(want);
    }
}

/* Seeded random steps (xorshift): many combinations of optional members. */
TEST(trace_writer_matches_jansson_on_random_steps)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    static const char *const texts[] = {"",
                                        "RFC 9293 \xc2\xa7"
                                        "3.10.7.3: SYN-SENT \xe2\x86\x92 x",
                                        "connection reset", "a\"b\\c\n", NULL};
    sim_step *steps = calloc(200, sizeof *steps);
    CHECK(steps != NULL);
    if (!steps)
        return;
    for (int round = 0; round < 50; round++) {
        size_t n = RND() % 200;
        for (size_t i = 0; i < n; i++) {
            sim_step *s = &steps[i];
            s->t_ms = (int64_t)(RND() % 1000000) - 1000;
            s->endpoint = (int)(RND() % 2);
            s->kind = (sim_step_kind)(RND() % 6);
            s->call = (tcp_call)(RND() % TCP_CALL_COUNT);
            s->bytes = (uint32_t)RND();
            s->has_segment = RND() % 2;
            s->seg.seq = (uint32_t)RND();
            s->seg.ack = (uint32_t)RND();
            s->seg.flags = (uint8_t)(RND() % 32);
            s->seg.len = (uint32_t)(RND() % 70000);
            s->seg.wnd = (uint32_t)(RND() % 70000);
            s->retransmission = RND() % 2;
            s->duplicate = RND() % 2;
            s->fault = (int)(RND() % 4) - 1;
            s->timer = (sim_timer)(RND() % 3);
            s->state_before = (tcp_state)(RND() % TCP_STATE_COUNT);
            s->state_after = (tcp_state)(RND() % TCP_STATE_COUNT);
            s->rule = texts[RND() % 4];
            s->error = texts[RND() % 5];
            s->signal = texts[RND() % 5];
            for (int e = 0; e < SIM_ENDPOINTS; e++) {
                s->vars[e].state = (tcp_state)(RND() % TCP_STATE_COUNT);
                s->vars[e].iss = (uint32_t)RND();
                s->vars[e].irs = (uint32_t)RND();
                s->vars[e].snd_una = (uint32_t)RND();
                s->vars[e].snd_nxt = (uint32_t)RND();
                s->vars[e].snd_wnd = (uint32_t)RND();
                s->vars[e].rcv_nxt = (uint32_t)RND();
                s->vars[e].rcv_wnd = (uint32_t)RND();
            }
        }
        sim_trace t;
        memset(&t, 0, sizeof t);
        t.steps = steps;
        t.count = n;
        t.cap = 200;
        t.end_ms = (int64_t)RND() / 2;
        sim_scenario_defaults(&tw_sc);
        tw_sc.fault_count = 2;
        tw_sc.faults[0].action = SIM_FAULT_DUPLICATE;
        tw_sc.faults[0].extra_ms = (int64_t)(RND() % 100);
        check_same("random", &t, NULL);
        check_same("random with scenario", &t, &tw_sc);
    }
#undef RND
    free(steps);
}

TEST(trace_writer_strings_and_integers)
{
    /* every single byte 0x01..0x7f, escaped as jansson escapes it */
    for (int c = 1; c < 0x80; c++) {
        char s[4] = {'a', (char)c, 'b', 0};
        json_t *j = json_string(s);
        char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(j);
        trace_writer w;
        trace_writer_init(&w);
        trace_writer_string(&w, s);
        char *got = trace_writer_finish(&w, NULL);
        CHECK_EQ_STR(got, want);
        free(got);
        free(want);
    }
    static const long long nums[] = {0, 1, -1, 9, 10, 99, 100, 4294967295LL, LLONG_MAX, LLONG_MIN};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "%lld", nums[i]);
        trace_writer w;
        trace_writer_init(&w);
        trace_writer_int(&w, nums[i]);
        size_t len = 0;
        char *got = trace_writer_finish(&w, &len);
        CHECK_EQ_STR(got, want);
        CHECK_EQ_INT(len, strlen(want));
        free(got);
    }
    /* nothing written: "" (not NULL); NULL string: failure, and the writer is reusable */
    trace_writer w;
    trace_writer_init(&w);
    char *empty = trace_writer_finish(&w, NULL);
    CHECK_EQ_STR(empty, "");
    free(empty);
    trace_writer_raw(&w, "x", 1);
    trace_writer_string(&w, NULL);
    CHECK(trace_writer_finish(&w, NULL) == NULL);
    CHECK(w.buf == NULL && w.len == 0 && !w.failed);
    trace_writer_cleanup(&w);
    trace_writer_cleanup(NULL);
}

/* trace_writer_limit: a text that fits is written whole; one byte over is refused, and
 * writing stops a few bytes past the cap, which also bounds the allocation. */
TEST(trace_writer_limit_caps_text_and_allocation)
{
    const catalog_entry *e = catalog_find("handshake-and-close");
    CHECK(e != NULL);
    if (!e)
        return;
    sim_trace t;
    sim_trace_init(&t);
    CHECK(scenario_parse(e->json, strlen(e->json), &tw_sc, &tw_errs) == 0);
    sim *s = sim_new();
    CHECK(s && sim_run(s, &tw_sc, &t, NULL, 0) == SIM_OK);
    size_t full_len = 0;
    char *full = trace_writer_json(&t, NULL, &full_len);
    CHECK(full != NULL && full_len > 1000);

    trace_writer w;
    trace_writer_init(&w);
    trace_writer_limit(&w, full_len);
    trace_writer_trace(&w, &t, NULL);
    CHECK(!w.failed && !trace_writer_too_big(&w) && w.cap <= full_len + 33);
    size_t len = 0;
    char *got = trace_writer_finish(&w, &len);
    CHECK(got && len == full_len && !memcmp(got, full, len));
    free(got);
    CHECK(w.max_len == 0); /* finish leaves the writer as trace_writer_init does */

    trace_writer_limit(&w, full_len - 1);
    trace_writer_trace(&w, &t, NULL);
    CHECK(trace_writer_too_big(&w) && w.cap <= full_len + 32);
    CHECK(trace_writer_finish(&w, NULL) == NULL);
    CHECK(w.buf == NULL && !w.failed);

    trace_writer_limit(&w, full_len / 2); /* writing stops soon after the cap */
    trace_writer_trace(&w, &t, NULL);
    CHECK(w.failed && w.too_big && w.len <= full_len / 2 + 32 && w.cap <= full_len / 2 + 33);
    CHECK(trace_writer_finish(&w, NULL) == NULL);

    /* the step limit: a run past it stops with SIM_ERR_TOO_MANY_STEPS naming the limit */
    char msg[256] = "";
    sim_set_max_steps(s, 5);
    CHECK(sim_max_steps(s) == 5);
    CHECK(sim_run(s, &tw_sc, &t, msg, sizeof msg) == SIM_ERR_TOO_MANY_STEPS);
    CHECK(strstr(msg, "more than 5 steps") != NULL);
    sim_set_max_steps(s, 0);
    CHECK(sim_max_steps(s) == SIM_MAX_STEPS);
    CHECK(sim_run(s, &tw_sc, &t, NULL, 0) == SIM_OK);
    sim_free(s);
    free(full);
    sim_trace_cleanup(&t);
}
