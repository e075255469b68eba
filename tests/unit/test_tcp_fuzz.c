/*
 * test_tcp_fuzz.c — deterministic random inputs against the engine: from every state,
 * thousands of segments (flags, sequence and acknowledgment numbers near and far from the
 * TCB's), calls and timer expiries. The invariants I1–I6 (asserted at every tcp_ep_* entry)
 * must hold throughout; every output must carry a rule; segments must obey the basics
 * (a RST never carries data, every non-RST segment after a SYN-SENT's SYN carries ACK).
 * Then random scenarios with faults and injected segments through sim_run: each must
 * succeed and run twice identically. Runs under ASan/UBSan in `make test`.
 */
#include "test_tcp_fixture.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
    uint64_t x = (rng_state += 0x9E3779B97F4A7C15ull);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((x ^ (x >> 31)) >> 16);
}

static uint32_t near(uint32_t base)
{
    switch (rnd() % 4) {
    case 0:
        return base;
    case 1:
        return base + rnd() % 5 - 2;
    case 2:
        return base + rnd() % 70000 - 35000;
    default:
        return rnd() * 65537u;
    }
}

static void check_output(const tcp_endpoint *ep, const tcp_output *out)
{
    CHECK(out->rule != NULL);
    for (size_t i = 0; i < out->nsegs; i++) {
        const tcp_segment *s = &out->segs[i].seg;
        if (s->flags & TCP_RST) {
            CHECK(s->len == 0);
            CHECK(!(s->flags & (TCP_SYN | TCP_FIN)));
        } else if (!(s->flags & TCP_SYN) || (s->flags & TCP_ACK)) {
            CHECK(s->flags & TCP_ACK);
        }
        CHECK(s->len <= ep->cfg.mss);
    }
}

TEST(fuzz_segments_calls_timers_from_every_state)
{
    rng_state = 1;
    for (int round = 0; round < 400; round++) {
        for (int st = 0; st < TCP_STATE_COUNT; st++) {
            tcp_endpoint ep;
            tcp_output out;
            fx_by_state[st](&ep);
            int64_t now = FX_T0;
            for (int k = 0; k < 12; k++) {
                uint32_t r = rnd() % 10;
                now += rnd() % 3 == 0 ? (int64_t)(rnd() % 5000) : 0;
                if (r < 7) {
                    tcp_segment s;
                    s.flags = (uint8_t)(rnd() & TCP_FLAGS_ALL);
                    s.seq = near(ep.rcv_nxt ? ep.rcv_nxt : FX_IRS);
                    s.ack = near(ep.snd_nxt);
                    s.len = rnd() % 3 == 0 ? rnd() % 3000 : 0;
                    s.wnd = rnd() % 4 == 0 ? rnd() % 3000 : 65535;
                    if (rnd() % 20 == 0)
                        ep.rcv_wnd = 0; /* Table 6 zero-window rows */
                    tcp_ep_segment(&ep, now, &s, &out);
                } else if (r < 9) {
                    tcp_ep_call(&ep, now, (tcp_call)(rnd() % TCP_CALL_COUNT), 1 + rnd() % 5000,
                                &out);
                } else {
                    int64_t at;
                    tcp_timer kind;
                    if (tcp_ep_next_deadline(&ep, &at, &kind))
                        now = at;
                    tcp_ep_timeout(&ep, now, &out);
                    if (!out.rule)
                        continue; /* nothing was due */
                }
                check_output(&ep, &out);
                while (out.more) {
                    tcp_ep_pump(&ep, now, &out);
                    check_output(&ep, &out);
                }
            }
            /* one more entry: asserts the invariants on the final TCB */
            tcp_ep_pump(&ep, now, &out);
        }
    }
}

TEST(fuzz_random_scenarios_run_and_repeat)
{
    rng_state = 99;
    static sim_scenario sc;
    sim *s = sim_new();
    sim_trace t1, t2;
    sim_trace_init(&t1);
    sim_trace_init(&t2);
    for (int round = 0; round < 300; round++) {
        sim_scenario_defaults(&sc);
        sc.seed = rnd();
        sc.msl_ms = 1000;
        sc.rto_ms = 200 + rnd() % 1000;
        sc.max_retries = rnd() % 6;
        sc.latency_ms = rnd() % 100;
        if (rnd() % 2) {
            sc.ep[0].iss[0] = 0xFFFFFF00u + rnd() % 256;
            sc.ep[0].iss_count = 1;
        }
        sc.ep[rnd() % 2].wnd = rnd() % 10 == 0 ? 0 : 500 + rnd() % 5000;
        sc.ep[rnd() % 2].mss = 100 + rnd() % 1400;
        size_t nev = 2 + rnd() % 10;
        for (size_t i = 0; i < nev; i++) {
            int64_t at = i < 2 ? 0 : (int64_t)(rnd() % 3000);
            int e = (int)(rnd() % 2);
            if (i == 0)
                fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
            else if (i == 1)
                fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
            else if (rnd() % 5 == 0)
                fx_inject(&sc, at, e,
                          fx_seg(rnd() % 1000, rnd() % 1000, (uint8_t)(rnd() & TCP_FLAGS_ALL),
                                 rnd() % 3 ? 0 : rnd() % 100));
            else
                fx_ev(&sc, at, e, (tcp_call)(rnd() % TCP_CALL_COUNT), 1 + rnd() % 20000);
        }
        size_t nf = rnd() % 4;
        static const uint8_t fl[] = {TCP_SYN,           TCP_SYN | TCP_ACK, TCP_ACK,
                                     TCP_ACK | TCP_PSH, TCP_FIN | TCP_ACK, TCP_RST};
        for (size_t i = 0; i < nf; i++)
            fx_fault(&sc, (sim_fault_action)(rnd() % 3), (int)(rnd() % 2), fl[rnd() % 6], rnd() % 4,
                     1 + rnd() % 500);
        char msg[256];
        sim_status a = sim_run(s, &sc, &t1, msg, sizeof msg);
        sim_status b = sim_run(s, &sc, &t2, msg, sizeof msg);
        CHECK_EQ_INT(a, SIM_OK);
        CHECK_EQ_INT(b, SIM_OK);
        CHECK(t1.count == t2.count &&
              memcmp(t1.steps, t2.steps, t1.count * sizeof t1.steps[0]) == 0);
        for (size_t i = 0; i < t1.count; i++) {
            CHECK(t1.steps[i].rule != NULL);
            CHECK(i == 0 || t1.steps[i].t_ms >= t1.steps[i - 1].t_ms);
        }
    }
    sim_trace_cleanup(&t1);
    sim_trace_cleanup(&t2);
    sim_free(s);
}
