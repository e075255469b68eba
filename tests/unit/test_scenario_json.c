/* test_scenario_json.c — the scenario JSON codec (server/scenario/scenario_json.c):
 * accepted input, defaults, every class of error with its JSON pointer, hostile input,
 * round trips, and the trace JSON / text renderings of a hand-built trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "testlib.h"

static sim_scenario sc; /* large: keep off the stack */
static scenario_errors errs;

static int parse(const char *text)
{
    return scenario_parse(text, strlen(text), &sc, &errs);
}

/* True if some error has exactly this pointer and its detail contains `needle`. */
static bool has_error(const char *pointer, const char *needle)
{
    for (size_t i = 0; i < errs.count; i++)
        if (!strcmp(errs.items[i].pointer, pointer) && strstr(errs.items[i].detail, needle))
            return true;
    return false;
}

static void dump_errors(void)
{
    for (size_t i = 0; i < errs.count; i++)
        fprintf(stderr, "    error: %s: %s\n", errs.items[i].pointer, errs.items[i].detail);
}

#define CHECK_ERR(ptr, needle)                                                                     \
    do {                                                                                           \
        if (!has_error(ptr, needle)) {                                                             \
            dump_errors();                                                                         \
            testlib_fail(__FILE__, __LINE__, "expected error at %s containing \"%s\"", ptr,        \
                         needle);                                                                  \
        }                                                                                          \
    } while (0)

static const char *contract_example =
    "{ \"title\": \"optional\", \"client\": {\"iss\": 100}, \"server\": {\"iss\": [300, 400]},\n"
    "  \"network\": {\"latency_ms\": 50, \"faults\": [{\"action\": \"drop\", \"from\": \"server\", "
    "\"flags\": [\"SYN\",\"ACK\"], \"nth\": 1}]},\n"
    "  \"timers\": {\"rto_ms\": 1000, \"msl_ms\": 120000, \"max_retries\": 5},\n"
    "  \"events\": [ {\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\"},\n"
    "              {\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"connect\"},\n"
    "              {\"at_ms\": 300, \"endpoint\": \"client\", \"call\": \"send\", \"bytes\": 10},\n"
    "              {\"at_ms\": 500, \"endpoint\": \"client\", \"call\": \"close\"},\n"
    "              {\"at_ms\": 20, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": "
    "90, "
    "\"ack\": 0, \"len\": 0}} ],\n"
    "  \"until_ms\": 600000 }";

TEST(scenario_parses_contract_example)
{
    CHECK_EQ_INT(parse(contract_example), 0);
    dump_errors();
    CHECK_EQ_INT(errs.count, 0);
    CHECK_EQ_INT(sc.ep[SIM_CLIENT].iss_count, 1);
    CHECK_EQ_INT(sc.ep[SIM_CLIENT].iss[0], 100);
    CHECK_EQ_INT(sc.ep[SIM_SERVER].iss_count, 2);
    CHECK_EQ_INT(sc.ep[SIM_SERVER].iss[1], 400);
    CHECK_EQ_INT(sc.latency_ms, 50);
    CHECK_EQ_INT(sc.fault_count, 1);
    CHECK_EQ_INT(sc.faults[0].action, SIM_FAULT_DROP);
    CHECK_EQ_INT(sc.faults[0].from, SIM_SERVER);
    CHECK_EQ_INT(sc.faults[0].flags, TCP_SYN | TCP_ACK);
    CHECK_EQ_INT(sc.faults[0].nth, 1);
    CHECK_EQ_INT(sc.rto_ms, 1000);
    CHECK_EQ_INT(sc.msl_ms, 120000);
    CHECK_EQ_INT(sc.max_retries, 5);
    CHECK_EQ_INT(sc.event_count, 5);
    CHECK_EQ_INT(sc.events[2].call, TCP_CALL_SEND);
    CHECK_EQ_INT(sc.events[2].bytes, 10);
    CHECK_EQ_INT(sc.events[2].at_ms, 300);
    CHECK(sc.events[4].inject);
    CHECK_EQ_INT(sc.events[4].endpoint, SIM_SERVER);
    CHECK_EQ_INT(sc.events[4].seg.flags, TCP_SYN);
    CHECK_EQ_INT(sc.events[4].seg.seq, 90);
    CHECK_EQ_INT(sc.events[4].seg.wnd, 65535);
    CHECK(sc.has_until);
    CHECK_EQ_INT(sc.until_ms, 600000);
}

TEST(scenario_defaults_for_minimal)
{
    CHECK_EQ_INT(parse("{\"events\": []}"), 0);
    CHECK_EQ_INT(sc.latency_ms, 50);
    CHECK_EQ_INT(sc.rto_ms, 1000);
    CHECK_EQ_INT(sc.msl_ms, 120000);
    CHECK_EQ_INT(sc.max_retries, 5);
    CHECK_EQ_INT(sc.ep[0].mss, 1460);
    CHECK_EQ_INT(sc.ep[1].wnd, 65535);
    CHECK_EQ_INT(sc.ep[0].iss_count, 0);
    CHECK(!sc.has_until);
    CHECK_EQ_INT(sc.event_count, 0);
    CHECK_EQ_INT(parse("{\"events\": [], \"seed\": 42, \"client\": {\"mss\": 536, \"wnd\": 1000}, "
                       "\"description\": \"d\"}"),
                 0);
    CHECK_EQ_INT(sc.seed, 42);
    CHECK_EQ_INT(sc.ep[0].mss, 536);
    CHECK_EQ_INT(sc.ep[0].wnd, 1000);
}

TEST(scenario_error_unknown_call_pointer)
{
    CHECK_EQ_INT(
        parse("{\"events\": [{\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\"},"
              "{\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"connect\"},"
              "{\"at_ms\": 1, \"endpoint\": \"client\", \"call\": \"close\"},"
              "{\"at_ms\": 2, \"endpoint\": \"client\", \"call\": \"connet\"}]}"),
        -1);
    CHECK(!errs.malformed);
    CHECK_EQ_INT(errs.count, 1);
    CHECK_EQ_STR(errs.items[0].pointer, "/events/3/call");
    CHECK_EQ_STR(errs.items[0].detail, "unknown call \"connet\"");
    char buf[512];
    scenario_errors_format(&errs, buf, sizeof buf);
    CHECK_EQ_STR(buf, "/events/3/call: unknown call \"connet\"\n");
    /* a failed parse leaves defaults behind */
    CHECK_EQ_INT(sc.event_count, 0);
}

TEST(scenario_error_every_problem_reported)
{
    CHECK_EQ_INT(
        parse("{\"client\": {\"iss\": -1, \"color\": \"red\"},"
              " \"server\": {\"iss\": [1, 4294967296]},"
              " \"network\": {\"latency_ms\": \"fast\", \"faults\": ["
              "   {\"action\": \"drop\", \"from\": \"router\", \"flags\": [\"SYN\", \"SYN\"], "
              "\"nth\": 0},"
              "   {\"action\": \"delay\", \"from\": \"client\", \"flags\": [\"SYNN\"]},"
              "   {\"action\": \"duplicate\", \"from\": \"client\", \"flags\": [\"ACK\"], "
              "\"extra_ms\": 0},"
              "   {\"action\": \"drop\", \"from\": \"client\", \"flags\": [], \"extra_ms\": 5},"
              "   {\"action\": \"explode\", \"from\": \"client\", \"flags\": [\"ACK\"]}]},"
              " \"timers\": {\"rto_ms\": 0, \"max_retries\": 1.5},"
              " \"until_ms\": -5,"
              " \"extra\": true,"
              " \"events\": ["
              "   {\"at_ms\": -1, \"endpoint\": \"server\", \"call\": \"listen\"},"
              "   {\"at_ms\": 0, \"endpoint\": \"nobody\", \"call\": \"listen\", \"bytes\": 5},"
              "   {\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"send\"},"
              "   {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": "
              "4294967296}}"
              " ]}"),
        -1);
    CHECK(errs.count >= 16 || errs.dropped == 0);
    CHECK_ERR("/client/iss", "out of range: -1");
    CHECK_ERR("/client/color", "unknown field");
    CHECK_ERR("/server/iss/1", "out of range: 4294967296 (must be 0..4294967295)");
    CHECK_ERR("/network/latency_ms", "must be an integer, got a string");
    CHECK_ERR("/network/faults/0/from", "unknown endpoint \"router\"");
    CHECK_ERR("/network/faults/0/flags/1", "duplicate flag \"SYN\"");
    CHECK_ERR("/network/faults/0/nth", "out of range: 0");
    CHECK_ERR("/network/faults/1/flags/0", "unknown flag \"SYNN\"");
    CHECK_ERR("/network/faults/1/extra_ms", "missing");
    CHECK_ERR("/network/faults/2/extra_ms", "out of range: 0");
    CHECK_ERR("/network/faults/3/extra_ms", "only valid with action delay or duplicate");
    CHECK_ERR("/network/faults/3/flags", "at least one flag");
    /* 16 errors are kept; the rest are counted */
    CHECK_EQ_INT(errs.count, SCENARIO_MAX_ERRORS);
    CHECK(errs.dropped > 0);
}

TEST(scenario_error_events_and_timers)
{
    CHECK_EQ_INT(
        parse("{\"timers\": {\"rto_ms\": 0, \"max_retries\": 1.5, \"msl_ms\": 1e20},"
              " \"until_ms\": -5, \"extra\": true,"
              " \"events\": ["
              "   {\"at_ms\": -1, \"endpoint\": \"server\", \"call\": \"listen\"},"
              "   {\"at_ms\": 0, \"endpoint\": \"nobody\", \"call\": \"listen\", \"bytes\": 5},"
              "   {\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"send\"},"
              "   {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": "
              "4294967296}},"
              "   {\"endpoint\": \"client\", \"call\": \"close\", \"inject\": {\"to\": \"server\", "
              "\"flags\": [], \"seq\": 1}},"
              "   {\"at_ms\": 9007199254740993, \"endpoint\": \"client\", \"call\": 7}"
              " ]}"),
        -1);
    CHECK_ERR("/timers/rto_ms", "out of range: 0 (must be 1..3600000)");
    CHECK_ERR("/timers/max_retries", "must be an integer, got 1.5");
    CHECK_ERR("/timers/msl_ms", "out of range: 1e+20");
    CHECK_ERR("/until_ms", "out of range: -5");
    CHECK_ERR("/extra", "unknown field");
    CHECK_ERR("/events/0/at_ms", "out of range: -1");
    CHECK_ERR("/events/1/endpoint", "unknown endpoint \"nobody\"");
    CHECK_ERR("/events/1/bytes", "only valid with call \"send\"");
    CHECK_ERR("/events/2/bytes", "missing");
    CHECK_ERR("/events/3/inject/seq", "out of range: 4294967296");
    CHECK_ERR("/events/4/at_ms", "missing");
    CHECK_ERR("/events/4/endpoint", "not allowed in an inject event");
    CHECK_ERR("/events/5/at_ms", "out of range: 9007199254740993");
    CHECK_ERR("/events/5/call", "must be a string, got an integer");
    CHECK_EQ_INT(parse("{\"events\": [{\"at_ms\": 0, \"inject\": {\"ttl\": 1}}]}"), -1);
    CHECK_ERR("/events/0/inject/ttl", "unknown field");
    CHECK_ERR("/events/0/inject/to", "missing");
    CHECK_ERR("/events/0/inject/flags", "missing");
    CHECK_ERR("/events/0/inject/seq", "missing");
}

TEST(scenario_error_wrong_root_and_members)
{
    CHECK_EQ_INT(parse("[]"), -1);
    CHECK_EQ_STR(errs.items[0].pointer, "");
    CHECK(strstr(errs.items[0].detail, "must be an object, got an array") != NULL);
    CHECK_EQ_INT(parse("{}"), -1);
    CHECK_ERR("/events", "missing");
    CHECK_EQ_INT(parse("{\"events\": {}}"), -1);
    CHECK_ERR("/events", "must be an array, got an object");
    CHECK_EQ_INT(parse("{\"events\": [5, null]}"), -1);
    CHECK_ERR("/events/0", "must be an object, got an integer");
    CHECK_ERR("/events/1", "must be an object, got null");
    CHECK_EQ_INT(parse("{\"events\": [], \"client\": {\"iss\": []}, \"server\": {\"iss\": \"x\"}}"),
                 -1);
    CHECK_ERR("/client/iss", "must not be an empty list");
    CHECK_ERR("/server/iss", "must be an integer or a list of integers");
    CHECK_EQ_INT(
        parse(
            "{\"events\": [], \"client\": {\"iss\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}}"),
        -1);
    CHECK_ERR("/client/iss", "too many entries: 17 (at most 16)");
    CHECK_EQ_INT(parse("{\"events\": [], \"title\": 5, \"network\": [], \"timers\": null}"), -1);
    CHECK_ERR("/title", "must be a string");
    CHECK_ERR("/network", "must be an object, got an array");
    CHECK_ERR("/timers", "must be an object, got null");
}

TEST(scenario_error_pointer_escaping)
{
    CHECK_EQ_INT(parse("{\"events\": [], \"a/b~c\": 1}"), -1);
    CHECK_EQ_STR(errs.items[0].pointer, "/a~1b~0c");
    /* a very long unknown key: the pointer is truncated, not overflowed */
    char big[2000];
    strcpy(big, "{\"events\": [], \"");
    size_t n = strlen(big);
    for (int i = 0; i < 600; i++)
        big[n++] = (i % 3) ? 'k' : '/';
    strcpy(big + n, "\": 1}");
    CHECK_EQ_INT(parse(big), -1);
    CHECK_EQ_INT(errs.count, 1);
    CHECK(strlen(errs.items[0].pointer) < sizeof errs.items[0].pointer);
    /* unknown call names with quotes and control characters are escaped in the message */
    CHECK_EQ_INT(
        parse("{\"events\": [{\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"a\\\"b\\n\"}]}"),
        -1);
    CHECK_EQ_STR(errs.items[0].detail, "unknown call \"a\\\"b?\"");
}

TEST(scenario_too_many_events)
{
    size_t cap = 64 * (SIM_MAX_EVENTS + 2);
    char *t = malloc(cap);
    size_t n = (size_t)snprintf(t, cap, "{\"events\": [");
    for (int i = 0; i < SIM_MAX_EVENTS + 1; i++)
        n += (size_t)snprintf(t + n, cap - n,
                              "%s{\"at_ms\": %d, \"endpoint\": \"client\", \"call\": \"close\"}",
                              i ? "," : "", i);
    snprintf(t + n, cap - n, "]}");
    CHECK_EQ_INT(parse(t), -1);
    CHECK_ERR("/events", "too many events: 1001 (at most 1000)");
    /* exactly the limit is fine */
    n = (size_t)snprintf(t, cap, "{\"events\": [");
    for (int i = 0; i < SIM_MAX_EVENTS; i++)
        n += (size_t)snprintf(t + n, cap - n,
                              "%s{\"at_ms\": %d, \"endpoint\": \"client\", \"call\": \"close\"}",
                              i ? "," : "", i);
    snprintf(t + n, cap - n, "]}");
    CHECK_EQ_INT(parse(t), 0);
    CHECK_EQ_INT(sc.event_count, SIM_MAX_EVENTS);
    free(t);
}

TEST(scenario_malformed_json_line_column)
{
    CHECK_EQ_INT(parse("{\n  \"events\": [\n    {\"at_ms\": 0,,}\n  ]\n}"), -1);
    CHECK(errs.malformed);
    CHECK_EQ_INT(errs.count, 1);
    CHECK_EQ_STR(errs.items[0].pointer, "");
    CHECK(strncmp(errs.items[0].detail, "line 3, column ", 15) == 0);
    /* duplicate members are rejected (JSON_REJECT_DUPLICATES) */
    CHECK_EQ_INT(parse("{\"events\": [], \"events\": []}"), -1);
    CHECK(errs.malformed);
    CHECK(strstr(errs.items[0].detail, "duplicate") != NULL);
    /* empty input, NULL text */
    CHECK_EQ_INT(parse(""), -1);
    CHECK(errs.malformed);
    CHECK_EQ_INT(scenario_parse(NULL, 0, &sc, &errs), -1);
    CHECK(errs.malformed);
}

TEST(scenario_hostile_input_never_crashes)
{
    /* deep nesting */
    size_t depth = 100000;
    char *t = malloc(depth * 2 + 32);
    memset(t, '[', depth);
    memset(t + depth, ']', depth);
    t[2 * depth] = '\0';
    CHECK_EQ_INT(parse(t), -1);
    CHECK(errs.malformed);
    strcpy(t, "{\"events\": ");
    size_t n = strlen(t);
    memset(t + n, '{', depth);
    t[n + depth] = '\0';
    CHECK_EQ_INT(parse(t), -1);
    free(t);
    /* huge numbers: integer beyond 2^64, real overflow */
    CHECK_EQ_INT(parse("{\"events\": [{\"at_ms\": 18446744073709551616, \"endpoint\": \"client\", "
                       "\"call\": \"connect\"}]}"),
                 -1);
    CHECK(!errs.malformed);
    CHECK_ERR("/events/0/at_ms", "out of range");
    CHECK_EQ_INT(
        parse(
            "{\"events\": [{\"at_ms\": 1e400, \"endpoint\": \"client\", \"call\": \"connect\"}]}"),
        -1);
    CHECK(errs.malformed);
    /* in the big-integer fallback, ordinary integers still work */
    CHECK_EQ_INT(parse("{\"seed\": 99999999999999999999999, \"events\": [{\"at_ms\": 5, "
                       "\"endpoint\": \"client\", \"call\": \"send\", \"bytes\": 3}]}"),
                 -1);
    CHECK_EQ_INT(errs.count, 1);
    CHECK_ERR("/seed", "out of range");
    /* invalid UTF-8, embedded NUL */
    CHECK_EQ_INT(parse("{\"events\": [], \"title\": \"\xff\xfe\"}"), -1);
    CHECK(errs.malformed);
    static const char nul[] = "{\"events\": []}\0garbage";
    CHECK_EQ_INT(scenario_parse(nul, sizeof nul - 1, &sc, &errs), -1);
    CHECK(errs.malformed);
    CHECK_EQ_INT(parse("{\"events\": [], \"title\": \"a\\u0000b\"}"), -1);
    CHECK(errs.malformed);
}

TEST(scenario_round_trip)
{
    CHECK_EQ_INT(parse(contract_example), 0);
    json_t *j = scenario_to_json(&sc);
    CHECK(j != NULL);
    char *a = json_dumps(j, JSON_COMPACT);
    static sim_scenario sc2;
    CHECK_EQ_INT(scenario_from_json(j, &sc2, &errs), 0);
    dump_errors();
    json_t *j2 = scenario_to_json(&sc2);
    char *b = json_dumps(j2, JSON_COMPACT);
    CHECK_EQ_STR(a, b);
    CHECK(strstr(a, "\"faults\":[{\"action\":\"drop\",\"from\":\"server\",\"flags\":[\"SYN\","
                    "\"ACK\"],\"nth\":1}]") != NULL);
    CHECK(strstr(a, "\"inject\":{\"to\":\"server\",\"flags\":[\"SYN\"],\"seq\":90,\"ack\":0,"
                    "\"len\":0,\"wnd\":65535}") != NULL);
    free(a);
    free(b);
    json_decref(j);
    json_decref(j2);
}

/* A small hand-built trace: connect, SYN sent and dropped, timeout, retransmission. */
static void build_trace(sim_trace *t)
{
    sim_trace_init(t);
    static sim_step steps[4];
    memset(steps, 0, sizeof steps);
    for (int i = 0; i < 4; i++) {
        steps[i].endpoint = SIM_CLIENT;
        steps[i].fault = -1;
        steps[i].state_before = steps[i].state_after = TCP_SYN_SENT;
        steps[i].rule = "rule";
        steps[i].vars[SIM_CLIENT].state = TCP_SYN_SENT;
        steps[i].vars[SIM_CLIENT].iss = 100;
        steps[i].vars[SIM_CLIENT].snd_una = 100;
        steps[i].vars[SIM_CLIENT].snd_nxt = 101;
        steps[i].vars[SIM_SERVER].state = TCP_LISTEN;
    }
    steps[0].kind = SIM_STEP_CALL;
    steps[0].call = TCP_CALL_CONNECT;
    steps[0].state_before = TCP_CLOSED;
    steps[1].kind = SIM_STEP_SEND;
    steps[1].has_segment = true;
    steps[1].seg = (tcp_segment){.seq = 100, .ack = 0, .flags = TCP_SYN, .len = 0, .wnd = 65535};
    steps[1].fault = 0;
    steps[2].kind = SIM_STEP_DROP;
    steps[2].has_segment = true;
    steps[2].seg = steps[1].seg;
    steps[3].kind = SIM_STEP_TIMEOUT;
    steps[3].timer = SIM_TIMER_RETRANSMISSION;
    steps[3].t_ms = 1000;
    steps[3].signal = "connection timed out";
    steps[3].state_after = TCP_CLOSED;
    t->steps = steps;
    t->count = t->cap = 4;
    t->final[SIM_CLIENT].state = TCP_CLOSED;
    t->final[SIM_SERVER].state = TCP_LISTEN;
    t->end_ms = 1000;
}

TEST(trace_json_members)
{
    sim_trace t;
    build_trace(&t);
    CHECK_EQ_INT(parse("{\"network\": {\"faults\": [{\"action\": \"drop\", \"from\": \"client\", "
                       "\"flags\": [\"SYN\"]}]}, \"events\": []}"),
                 0);
    json_t *j = trace_to_json_full(&t, &sc);
    CHECK(j != NULL);
    char *s = json_dumps(j, JSON_COMPACT);
    CHECK(
        strstr(
            s,
            "{\"step\":1,\"t_ms\":0,\"endpoint\":\"client\",\"kind\":\"call\",\"call\":\"connect\","
            "\"state_before\":\"CLOSED\",\"state_after\":\"SYN-SENT\",\"rule\":\"rule\",\"tcb\":{"
            "\"client\":"
            "{\"state\":\"SYN-SENT\",\"iss\":100,\"irs\":0,\"snd_una\":100,\"snd_nxt\":101,\"snd_"
            "wnd\":0,"
            "\"rcv_nxt\":0,\"rcv_wnd\":0},\"server\":{\"state\":\"LISTEN\"") != NULL);
    CHECK(strstr(s, "\"kind\":\"send\",\"segment\":{\"seq\":100,\"ack\":0,\"flags\":[\"SYN\"],"
                    "\"len\":0,\"wnd\":65535},"
                    "\"fault\":{\"index\":0,\"action\":\"drop\"}") != NULL);
    CHECK(strstr(s, "\"kind\":\"drop\",\"segment\"") != NULL);
    CHECK(strstr(
              s,
              "\"kind\":\"timeout\",\"timer\":\"retransmission\",\"state_before\":\"SYN-SENT\","
              "\"state_after\":\"CLOSED\",\"rule\":\"rule\",\"signal\":\"connection timed out\"") !=
          NULL);
    CHECK(strstr(s, "\"final\":{\"client\":{\"state\":\"CLOSED\"") != NULL);
    CHECK(strstr(s, "\"end_ms\":1000") != NULL);
    free(s);
    json_decref(j);
    /* without the scenario, the fault is named by index only */
    j = trace_to_json(&t);
    s = json_dumps(j, JSON_COMPACT);
    CHECK(strstr(s, "\"fault\":{\"index\":0}") != NULL);
    free(s);
    json_decref(j);
}

TEST(trace_json_flag_order_canonical)
{
    sim_trace t;
    build_trace(&t);
    t.steps[1].seg.flags = TCP_PSH | TCP_RST | TCP_FIN | TCP_ACK | TCP_SYN;
    json_t *j = trace_to_json(&t);
    char *s = json_dumps(j, JSON_COMPACT);
    CHECK(strstr(s, "\"flags\":[\"SYN\",\"ACK\",\"FIN\",\"RST\",\"PSH\"]") != NULL);
    free(s);
    json_decref(j);
}

TEST(trace_text_ladder)
{
    sim_trace t;
    build_trace(&t);
    CHECK_EQ_INT(parse("{\"network\": {\"faults\": [{\"action\": \"drop\", \"from\": \"client\", "
                       "\"flags\": [\"SYN\"]}]}, \"events\": []}"),
                 0);
    char *s = trace_to_text_full(&t, &sc);
    CHECK(s != NULL);
    CHECK(strstr(s, "connect()") != NULL);
    CHECK(strstr(s, "── SEQ=100 <SYN> LEN=0 ──") != NULL);
    CHECK(strstr(s, "▶") != NULL);
    CHECK(strstr(s, "✕ lost") != NULL);
    CHECK(strstr(s, "fault: drop") != NULL);
    CHECK(strstr(s, "retransmission timeout") != NULL);
    CHECK(strstr(s, "signal: connection timed out") != NULL);
    CHECK(strstr(s, "client: SYN-SENT → CLOSED") != NULL);
    CHECK(strstr(s, "final (t=1000 ms): client CLOSED, server LISTEN") != NULL);
    free(s);
}

/* Deterministic mutation fuzz: every built-in's JSON with bytes flipped, inserted, deleted
 * or digits replaced. Whatever parses is also run and rendered. Nothing may crash (ASan). */
static uint64_t fuzz_state = 0x9E3779B97F4A7C15ull;
static uint64_t fuzz_next(void)
{
    uint64_t z = (fuzz_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

TEST(scenario_mutation_fuzz)
{
    static const char pool[] = "{}[]\",:0123456789-+.eE \\u\xff\x80tfn";
    static const char *digits[] = {"0",         "-1",    "4294967296", "1e300", "9007199254740993",
                                   "1.5",       "\"x\"", "null",       "[]",    "{}",
                                   "1000000000"};
    sim *s = sim_new();
    size_t parsed = 0, rounds = 3000;
    const char *env = getenv("TCPLAB_FUZZ_ROUNDS"); /* longer runs by hand */
    if (env && atol(env) > 0)
        rounds = (size_t)atol(env);
    for (size_t round = 0; round < rounds; round++) {
        const catalog_entry *e = catalog_at(round % catalog_count());
        size_t len = strlen(e->json), cap = len + 128;
        char *buf = malloc(cap);
        memcpy(buf, e->json, len + 1);
        int edits = 1 + (int)(fuzz_next() % 3);
        for (int k = 0; k < edits && len > 0 && len + 32 < cap; k++) {
            size_t at = (size_t)(fuzz_next() % len);
            switch (fuzz_next() % 4) {
            case 0:
                buf[at] = pool[fuzz_next() % (sizeof pool - 1)];
                break;
            case 1:
                memmove(buf + at, buf + at + 1, len - at); /* moves the NUL too */
                len--;
                break;
            case 2:
                memmove(buf + at + 1, buf + at, len - at + 1);
                buf[at] = pool[fuzz_next() % (sizeof pool - 1)];
                len++;
                break;
            default: {
                /* replace a run of digits with a nasty value (at most 16 bytes longer) */
                while (at < len && (buf[at] < '0' || buf[at] > '9'))
                    at++;
                if (at == len)
                    break;
                size_t end = at;
                while (end < len && buf[end] >= '0' && buf[end] <= '9')
                    end++;
                const char *d = digits[fuzz_next() % (sizeof digits / sizeof digits[0])];
                size_t dl = strlen(d);
                memmove(buf + at + dl, buf + end, len - end + 1);
                memcpy(buf + at, d, dl);
                len = len - (end - at) + dl;
            }
            }
        }
        if (scenario_parse(buf, len, &sc, &errs) == 0) {
            parsed++;
            sim_trace t;
            sim_trace_init(&t);
            char msg[256];
            if (sim_run(s, &sc, &t, msg, sizeof msg) == SIM_OK) {
                json_t *j = trace_to_json_full(&t, &sc);
                CHECK(j != NULL);
                json_decref(j);
                char *txt = trace_to_text_full(&t, &sc);
                CHECK(txt != NULL);
                free(txt);
            }
            sim_trace_cleanup(&t);
        } else {
            CHECK(errs.count >= 1);
            char out[4096];
            scenario_errors_format(&errs, out, sizeof out);
            json_t *j = scenario_errors_to_json(&errs);
            CHECK(j != NULL);
            json_decref(j);
        }
        free(buf);
    }
    CHECK(parsed > 100); /* the fuzz reaches the engine, not only the parser */
    sim_free(s);
}
