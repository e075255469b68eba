/* test_listenq.c — listen queues and SYN cookies (server/engine/listenq.c, tcp.c's cookie entry
 * points), in the smoltcp style: an endpoint or a listener in a known state, one input, then
 * exactly the segments that come out and the whole state after, compared.
 *
 * The TCB-level tests drive tcp_ep_syn_cookie_reply/_open directly; the listener-level ones run
 * small scenarios through sim_run and compare every step of the trace, rendered one line each:
 * "T CONN END KIND [SEGMENT] BEFORE>AFTER syn=N acc=N [full=Q] [cookie]". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "test_tcp_fixture.h"

/* ---- TCB level -------------------------------------------------------------------------- */

static void listening(tcp_endpoint *ep)
{
    tcp_config cfg = fx_config();
    tcp_output out;
    tcp_ep_init(ep, &cfg);
    tcp_ep_set_next_iss(ep, 777);
    tcp_ep_call(ep, 0, TCP_CALL_LISTEN, 0, &out);
}

TEST(cookie_reply_sends_one_syn_ack_and_keeps_no_state)
{
    tcp_endpoint ep, before;
    listening(&ep);
    before = ep;
    tcp_output out;
    tcp_segment syn = fx_seg(FX_IRS, 0, TCP_SYN, 0);
    tcp_ep_syn_cookie_reply(&ep, &syn, 0x0312abcdu, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=51555277><ACK=301><CTL=SYN,ACK>");
    CHECK_EQ_INT(out.nsegs, 1);
    CHECK_EQ_INT(out.segs[0].seg.wnd, 65535);
    CHECK(!out.segs[0].retransmission);
    CHECK_EQ_INT(out.ntransitions, 0);
    CHECK(!out.iss_used);
    CHECK(out.error == NULL && out.signal == NULL);
    CHECK(strstr(out.rule, "RFC 4987 §3.6") != NULL);
    CHECK(strstr(out.segs[0].rule, "window scale, SACK-permitted, timestamps") != NULL);
    /* the whole TCB is byte for byte what it was: no state kept */
    CHECK(memcmp(&ep, &before, offsetof(tcp_endpoint, held)) == 0);
    int64_t at;
    tcp_timer kind;
    CHECK(!tcp_ep_next_deadline(&ep, &at, &kind));
}

TEST(cookie_open_rebuilds_established_from_the_ack)
{
    tcp_endpoint ep;
    listening(&ep);
    tcp_output out;
    uint32_t cookie = 0x0312abcdu;
    tcp_segment ack = fx_seg(FX_IRS + 1, cookie + 1, TCP_ACK, 0);
    ack.wnd = 4000;
    tcp_ep_syn_cookie_open(&ep, FX_T0, &ack, 536, &out);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_INT(out.ntransitions, 1);
    CHECK_EQ_INT(out.transitions[0].from, TCP_LISTEN);
    CHECK_EQ_INT(out.transitions[0].to, TCP_ESTABLISHED);
    tcp_vars v;
    tcp_ep_vars(&ep, &v);
    CHECK_EQ_INT(v.state, TCP_ESTABLISHED);
    CHECK_EQ_INT(v.iss, cookie);
    CHECK_EQ_INT(v.irs, FX_IRS);
    CHECK_EQ_INT(v.snd_una, cookie + 1);
    CHECK_EQ_INT(v.snd_nxt, cookie + 1);
    CHECK_EQ_INT(v.snd_wnd, 4000);
    CHECK_EQ_INT(v.rcv_nxt, FX_IRS + 1);
    CHECK_EQ_INT(v.rcv_wnd, 65535);
    CHECK_EQ_INT(ep.cfg.mss, 536); /* the MSS the cookie encoded, below the configured 1460 */
    CHECK(ep.passive && ep.syn_acked);
    int64_t at;
    tcp_timer kind;
    CHECK(!tcp_ep_next_deadline(&ep, &at, &kind)); /* nothing outstanding */
    /* it is a working connection: data in is acknowledged at once */
    tcp_segment data = fx_seg(FX_IRS + 1, cookie + 1, TCP_ACK | TCP_PSH, 10);
    tcp_ep_segment(&ep, FX_T0 + 1, &data, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=51555278><ACK=311><CTL=ACK>");
}

TEST(cookie_open_with_data_on_the_ack_takes_the_data_too)
{
    tcp_endpoint ep;
    listening(&ep);
    tcp_output out;
    tcp_segment ack = fx_seg(FX_IRS + 1, 1001, TCP_ACK | TCP_PSH, 5);
    tcp_ep_syn_cookie_open(&ep, FX_T0, &ack, 1460, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=1001><ACK=306><CTL=ACK>");
    CHECK(strstr(out.rule, "rebuild the TCB") != NULL); /* the step keeps the cookie's rule */
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    CHECK_EQ_INT(ep.rcv_nxt, FX_IRS + 6);
}

/* ---- listener level: scenarios through sim_run ------------------------------------------ */

static char *render(const sim_trace *t)
{
    size_t cap = 256 + t->count * 160, n = 0;
    char *buf = malloc(cap);
    buf[0] = '\0';
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        char seg[96] = "";
        if (st->has_segment) {
            seg[0] = ' ';
            fx_fmt_seg(seg + 1, sizeof seg - 1, &st->seg);
        }
        n += (size_t)snprintf(buf + n, cap - n, "%lld %s %s %s%s %s>%s syn=%u acc=%u%s%s%s\n",
                              (long long)st->t_ms, sim_trace_conn_name(t, st->conn),
                              sim_endpoint_name(st->endpoint), sim_step_kind_name(st->kind), seg,
                              tcp_state_name(st->state_before), tcp_state_name(st->state_after),
                              st->syn_queue, st->accept_queue, st->queue_full ? " full=" : "",
                              st->queue_full ? sim_queue_name(st->queue_full) : "",
                              st->syn_cookie ? " cookie" : "");
    }
    return buf;
}

/* Runs scenario JSON; returns the rendered trace (caller frees) and fills *t. */
static char *run_json(const char *json, sim_trace *t)
{
    static sim_scenario sc;
    scenario_errors errs;
    if (scenario_parse(json, strlen(json), &sc, &errs) != 0) {
        char msg[512];
        scenario_errors_format(&errs, msg, sizeof msg);
        testlib_fail(__FILE__, __LINE__, "scenario does not parse: %s", msg);
        return strdup("");
    }
    sim *s = sim_new();
    char msg[256];
    sim_trace_init(t);
    if (sim_run(s, &sc, t, msg, sizeof msg) != SIM_OK)
        testlib_fail(__FILE__, __LINE__, "run failed: %s", msg);
    sim_free(s);
    return render(t);
}

/* A listener with a SYN queue of 1, then two clients' SYNs: the second is dropped. */
TEST(listener_syn_queue_full_drops_the_syn_and_sends_nothing)
{
    const char *json =
        "{\"clients\":[{\"name\":\"a\",\"addr\":\"10.0.0.2\",\"port\":1000,\"iss\":100},"
        "{\"name\":\"b\",\"addr\":\"10.0.0.3\",\"port\":1000,\"iss\":200}],"
        "\"server\":{\"iss\":300},\"timers\":{\"max_retries\":0},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\",\"backlog\":4,"
        "\"syn_backlog\":1},"
        "{\"at_ms\":0,\"endpoint\":\"a\",\"call\":\"connect\"},"
        "{\"at_ms\":5,\"endpoint\":\"b\",\"call\":\"connect\"}],\"until_ms\":120}";
    sim_trace t;
    char *got = run_json(json, &t);
    CHECK_EQ_STR(got, "0 listener server call CLOSED>LISTEN syn=0 acc=0\n"
                      "0 a client call CLOSED>SYN-SENT syn=0 acc=0\n"
                      "0 a client send <SEQ=100><CTL=SYN> SYN-SENT>SYN-SENT syn=0 acc=0\n"
                      "5 b client call CLOSED>SYN-SENT syn=0 acc=0\n"
                      "5 b client send <SEQ=200><CTL=SYN> SYN-SENT>SYN-SENT syn=0 acc=0\n"
                      "50 a server receive <SEQ=100><CTL=SYN> LISTEN>SYN-RECEIVED syn=1 acc=0\n"
                      "50 a server send <SEQ=300><ACK=101><CTL=SYN,ACK> "
                      "SYN-RECEIVED>SYN-RECEIVED syn=1 acc=0\n"
                      "55 b server receive <SEQ=200><CTL=SYN> LISTEN>LISTEN syn=1 acc=0 full=syn\n"
                      "100 a client receive <SEQ=300><ACK=101><CTL=SYN,ACK> "
                      "SYN-SENT>ESTABLISHED syn=1 acc=0\n"
                      "100 a client send <SEQ=101><ACK=301><CTL=ACK> "
                      "ESTABLISHED>ESTABLISHED syn=1 acc=0\n");
    CHECK(strstr(t.steps[7].rule, "the SYN queue is full") != NULL);
    CHECK_EQ_INT(t.nconns, 2);
    CHECK_EQ_INT(t.conns[1].final[SIM_SERVER].state, TCP_LISTEN); /* b: no TCB on the server */
    CHECK_EQ_INT(t.listener.syn_queue, 1);
    free(got);
    sim_trace_cleanup(&t);
}

TEST(listener_accept_queue_full_drops_the_final_ack_then_lets_it_in)
{
    const catalog_entry *e = catalog_find("listen-backlog");
    CHECK(e != NULL);
    if (!e)
        return;
    sim_trace t;
    char *got = run_json(e->json, &t);
    /* c3's ACK at 170 ms: dropped, no segment out, c3's server end stays SYN-RECEIVED */
    CHECK(strstr(got, "170 c3 server receive <SEQ=401><ACK=701><CTL=ACK> "
                      "SYN-RECEIVED>SYN-RECEIVED syn=1 acc=2 full=accept\n"
                      "500 c1 server call ESTABLISHED>ESTABLISHED syn=1 acc=1\n"
                      "1070 c3 server timeout SYN-RECEIVED>SYN-RECEIVED syn=1 acc=1\n"
                      "1070 c3 server send <SEQ=700><ACK=401><CTL=SYN,ACK> "
                      "SYN-RECEIVED>SYN-RECEIVED syn=1 acc=1\n"
                      "1120 c3 client receive <SEQ=700><ACK=401><CTL=SYN,ACK> "
                      "ESTABLISHED>ESTABLISHED syn=1 acc=1\n"
                      "1120 c3 client send <SEQ=401><ACK=701><CTL=ACK> "
                      "ESTABLISHED>ESTABLISHED syn=1 acc=1\n"
                      "1170 c3 server receive <SEQ=401><ACK=701><CTL=ACK> "
                      "SYN-RECEIVED>ESTABLISHED syn=0 acc=2\n"
                      "1500 c2 server call ESTABLISHED>ESTABLISHED syn=0 acc=1\n"
                      "1600 c3 server call ESTABLISHED>ESTABLISHED syn=0 acc=0\n") != NULL);
    for (size_t i = 0; i < t.count; i++)
        if (t.steps[i].queue_full)
            CHECK(strstr(t.steps[i].rule, "tcp_abort_on_overflow=0") != NULL);
    CHECK_EQ_INT(t.nconns, 3);
    for (size_t i = 0; i < 3; i++) {
        CHECK(t.conns[i].accepted);
        CHECK_EQ_INT(t.conns[i].final[SIM_CLIENT].state, TCP_ESTABLISHED);
        CHECK_EQ_INT(t.conns[i].final[SIM_SERVER].state, TCP_ESTABLISHED);
    }
    free(got);
    sim_trace_cleanup(&t);
}

TEST(syn_flood_keeps_the_real_client_out_until_it_times_out)
{
    sim_trace t;
    char *got = run_json(catalog_find("syn-flood")->json, &t);
    CHECK(strstr(got, "150 client server receive <SEQ=100><CTL=SYN> LISTEN>LISTEN syn=4 acc=0 "
                      "full=syn\n") != NULL);
    CHECK(strstr(got, "40 198.51.100.7:1028 server receive <SEQ=7000><CTL=SYN> LISTEN>LISTEN "
                      "syn=4 acc=0 full=syn\n") != NULL);
    /* the SYN,ACK to a spoofed address is sent, then lost: nobody answers */
    CHECK(strstr(got, "0 198.51.100.7:1024 server send <SEQ=300><ACK=7001><CTL=SYN,ACK> "
                      "SYN-RECEIVED>SYN-RECEIVED syn=1 acc=0\n"
                      "0 198.51.100.7:1024 server drop <SEQ=300><ACK=7001><CTL=SYN,ACK> "
                      "SYN-RECEIVED>SYN-RECEIVED syn=1 acc=0\n") != NULL);
    const sim_step *last = &t.steps[t.count - 1];
    CHECK_EQ_INT(last->t_ms, 15100);
    CHECK_EQ_STR(last->signal, "connection timed out");
    CHECK_EQ_INT(t.final[SIM_CLIENT].state, TCP_CLOSED);
    CHECK_EQ_INT(t.nconns, 7);
    for (size_t i = 1; i < t.nconns; i++)
        CHECK(t.conns[i].spoofed);
    free(got);
    sim_trace_cleanup(&t);
}

TEST(syn_cookies_answer_a_full_queue_and_rebuild_from_the_ack)
{
    sim_trace t;
    char *got = run_json(catalog_find("syn-flood-cookies")->json, &t);
    /* the real client's SYN: a cookie SYN,ACK, no state (LISTEN stays, SYN queue stays 4) */
    const char *want = "150 client server receive <SEQ=100><CTL=SYN> LISTEN>LISTEN syn=4 acc=0\n"
                       "150 client server send <SEQ=61986144><ACK=101><CTL=SYN,ACK> "
                       "LISTEN>LISTEN syn=4 acc=0 cookie\n"
                       "200 client client receive <SEQ=61986144><ACK=101><CTL=SYN,ACK> "
                       "SYN-SENT>ESTABLISHED syn=4 acc=0\n"
                       "200 client client send <SEQ=101><ACK=61986145><CTL=ACK> "
                       "ESTABLISHED>ESTABLISHED syn=4 acc=0\n"
                       "250 client server receive <SEQ=101><ACK=61986145><CTL=ACK> "
                       "LISTEN>ESTABLISHED syn=4 acc=1 cookie\n";
    CHECK(strstr(got, want) != NULL);
    /* the cookie's layout (RFC 4987 §3.6): counter 0 in the top 5 bits, MSS index 3 (1460) */
    CHECK_EQ_INT(61986144u >> 27, 0);
    CHECK_EQ_INT((61986144u >> 24) & 7u, 3);
    CHECK_EQ_INT(t.conns[0].final[SIM_SERVER].iss, 61986144u);
    CHECK(t.conns[0].accepted);
    CHECK_EQ_INT(t.conns[0].final[SIM_SERVER].rcv_nxt, 201); /* the 100 bytes arrived */
    free(got);
    sim_trace_cleanup(&t);
}

/* An ACK with a cookie that was never issued, or one too old, meets LISTEN's rule: RST. */
TEST(syn_cookie_forged_or_expired_is_answered_with_rst)
{
    const char *forged =
        "{\"server\":{\"iss\":300,\"syn_cookies\":true},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
        "{\"at_ms\":10,\"inject\":{\"to\":\"server\",\"flags\":[\"ACK\"],\"seq\":101,"
        "\"ack\":61986145}}]}";
    sim_trace t;
    char *got = run_json(forged, &t);
    /* the ACK syn-flood-cookies' client sends: same four-tuple (the one-client form's
     * 10.0.0.2:49152), same client ISN, same seed, within the cookie's two counters: valid */
    CHECK(strstr(got, "10 client server receive <SEQ=101><ACK=61986145><CTL=ACK> "
                      "LISTEN>ESTABLISHED syn=0 acc=1 cookie\n") != NULL);
    free(got);
    sim_trace_cleanup(&t);
    const char *wrong =
        "{\"server\":{\"iss\":300,\"syn_cookies\":true},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
        "{\"at_ms\":10,\"inject\":{\"to\":\"server\",\"flags\":[\"ACK\"],\"seq\":101,"
        "\"ack\":61986146}}]}";
    got = run_json(wrong, &t);
    CHECK(strstr(got, "10 client server receive <SEQ=101><ACK=61986146><CTL=ACK> "
                      "LISTEN>LISTEN syn=0 acc=0\n"
                      "10 client server send <SEQ=61986146><CTL=RST> LISTEN>LISTEN syn=0 "
                      "acc=0\n") != NULL);
    free(got);
    sim_trace_cleanup(&t);
    const char *expired =
        "{\"server\":{\"iss\":300,\"syn_cookies\":true},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
        "{\"at_ms\":128000,\"inject\":{\"to\":\"server\",\"flags\":[\"ACK\"],\"seq\":101,"
        "\"ack\":61986145}}]}";
    got = run_json(expired, &t);
    CHECK(strstr(got, "LISTEN>LISTEN syn=0 acc=0\n128000 client server send "
                      "<SEQ=61986145><CTL=RST>") != NULL);
    free(got);
    sim_trace_cleanup(&t);
}

TEST(accept_on_an_empty_queue_fails_and_calls_need_an_accepted_connection)
{
    const char *json =
        "{\"client\":{\"iss\":100},\"server\":{\"iss\":300},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\",\"backlog\":1},"
        "{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"accept\"},"
        "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
        "{\"at_ms\":200,\"endpoint\":\"server\",\"call\":\"send\",\"bytes\":10,"
        "\"conn\":\"client\"},"
        "{\"at_ms\":300,\"endpoint\":\"server\",\"call\":\"accept\"},"
        "{\"at_ms\":400,\"endpoint\":\"server\",\"call\":\"send\",\"bytes\":10,"
        "\"conn\":\"client\"}],\"until_ms\":1000}";
    sim_trace t;
    char *got = run_json(json, &t);
    CHECK_EQ_STR(t.steps[1].error, "no connection waiting (EAGAIN)");
    CHECK_EQ_INT(t.steps[1].conn, SIM_CONN_LISTENER);
    CHECK(strstr(got, "200 client server call ESTABLISHED>ESTABLISHED syn=0 acc=1\n"
                      "300 client server call ESTABLISHED>ESTABLISHED syn=0 acc=0\n"
                      "400 client server call ESTABLISHED>ESTABLISHED syn=0 acc=0\n"
                      "400 client server send <SEQ=301><ACK=101><CTL=ACK,PSH><LEN=10>") != NULL);
    for (size_t i = 0; i < t.count; i++)
        if (t.steps[i].t_ms == 200 && t.steps[i].kind == SIM_STEP_CALL)
            CHECK_EQ_STR(t.steps[i].error, "connection not accepted");
    free(got);
    sim_trace_cleanup(&t);
}

TEST(closing_the_listener_aborts_what_waits_in_its_queues)
{
    const char *json =
        "{\"client\":{\"iss\":100},\"server\":{\"iss\":300},"
        "\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\",\"backlog\":1},"
        "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
        "{\"at_ms\":200,\"endpoint\":\"server\",\"call\":\"close\"}]}";
    sim_trace t;
    char *got = run_json(json, &t);
    CHECK(strstr(got, "200 listener server call LISTEN>CLOSED syn=0 acc=1\n"
                      "200 client server call ESTABLISHED>CLOSED syn=0 acc=0\n"
                      "200 client server send <SEQ=301><CTL=RST> CLOSED>CLOSED syn=0 acc=0\n"
                      "250 client client receive <SEQ=301><CTL=RST> ESTABLISHED>CLOSED syn=0 "
                      "acc=0\n") != NULL);
    CHECK_EQ_INT(t.listener.state, TCP_CLOSED);
    CHECK_EQ_STR(t.steps[t.count - 1].signal, "connection reset");
    free(got);
    sim_trace_cleanup(&t);
}

/* Recording off must not change the run: same final variables, no allocation needed. */
TEST(listen_queue_runs_are_the_same_with_and_without_a_trace)
{
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        static sim_scenario sc;
        scenario_errors errs;
        CHECK(scenario_parse(e->json, strlen(e->json), &sc, &errs) == 0);
        if (!sc.multi)
            continue;
        sim *s = sim_new();
        sim_trace t;
        sim_trace_init(&t);
        CHECK(sim_run(s, &sc, &t, NULL, 0) == SIM_OK);
        tcp_vars off[SIM_ENDPOINTS];
        CHECK(sim_run(s, &sc, NULL, NULL, 0) == SIM_OK);
        sim_final(s, off);
        CHECK(memcmp(off, t.final, sizeof off) == 0);
        /* the scenario written back as JSON runs to the same trace */
        json_t *j = scenario_to_json(&sc);
        char *text = json_dumps(j, JSON_COMPACT);
        static sim_scenario sc2;
        CHECK(scenario_parse(text, strlen(text), &sc2, &errs) == 0);
        sim_trace t2;
        sim_trace_init(&t2);
        CHECK(sim_run(s, &sc2, &t2, NULL, 0) == SIM_OK);
        char *a = trace_to_text_full(&t, &sc), *b = trace_to_text_full(&t2, &sc2);
        CHECK_EQ_STR(b, a);
        free(a);
        free(b);
        free(text);
        json_decref(j);
        sim_trace_cleanup(&t);
        sim_trace_cleanup(&t2);
        sim_free(s);
    }
}

static void expect_error(const char *json, const char *pointer, const char *detail_part)
{
    static sim_scenario sc;
    scenario_errors errs;
    if (scenario_parse(json, strlen(json), &sc, &errs) == 0) {
        testlib_fail(__FILE__, __LINE__, "expected an error at %s, the scenario parsed", pointer);
        return;
    }
    for (size_t i = 0; i < errs.count; i++)
        if (!strcmp(errs.items[i].pointer, pointer) && strstr(errs.items[i].detail, detail_part))
            return;
    char msg[1024];
    scenario_errors_format(&errs, msg, sizeof msg);
    testlib_fail(__FILE__, __LINE__, "expected %s: ...%s..., got:\n%s", pointer, detail_part, msg);
}

TEST(listen_queue_scenario_errors_name_their_pointer)
{
    expect_error("{\"client\":{},\"clients\":[{\"name\":\"a\",\"addr\":\"10.0.0.2\",\"port\":1}],"
                 "\"events\":[]}",
                 "/clients", "either client");
    expect_error("{\"clients\":[{\"name\":\"a\",\"addr\":\"10.0.0.2\",\"port\":1},"
                 "{\"name\":\"a\",\"addr\":\"10.0.0.3\",\"port\":1}],\"events\":[]}",
                 "/clients/1/name", "also the name");
    expect_error("{\"clients\":[{\"name\":\"a\",\"addr\":\"10.0.0.256\",\"port\":1}],"
                 "\"events\":[]}",
                 "/clients/0/addr", "not an IPv4 address");
    expect_error("{\"clients\":[{\"name\":\"a\",\"addr\":\"10.0.0.2\",\"port\":1}],"
                 "\"events\":[{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"}]}",
                 "/events/0/endpoint", "unknown endpoint");
    expect_error("{\"events\":[{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"listen\","
                 "\"backlog\":2}]}",
                 "/events/0/backlog", "server's call");
    expect_error("{\"events\":[{\"at_ms\":0,\"inject\":{\"to\":\"server\",\"flags\":[\"SYN\"],"
                 "\"seq\":1,\"repeat\":3}}]}",
                 "/events/0/inject/repeat", "only valid with");
    expect_error("{\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"send\","
                 "\"bytes\":1,\"backlog\":1}]}",
                 "/events/0/backlog", "server's call");
    expect_error("{\"events\":[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"accept\"},"
                 "{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"send\",\"bytes\":1}]}",
                 "/events/1/call", "needs \"conn\"");
    expect_error("{\"events\":[{\"at_ms\":0,\"inject\":{\"to\":\"client\",\"flags\":[\"SYN\"],"
                 "\"seq\":1,\"from\":{\"addr\":\"1.2.3.4\",\"port\":5}}}]}",
                 "/events/0/inject/from", "only valid with");
}
