/*
 * test_sim_behaviour.c — the simulator beyond the RFC figures: retransmission timer
 * (RTO doubling, max retries → "connection timed out"), TIME-WAIT 2MSL and its restart,
 * sequence wraparound, faults (drop / delay / duplicate / nth), the step bound, ISS
 * selection, until_ms, validation, and determinism. Expected traces written by hand
 * (latency 50, RTO 1000, MSL 1000, max_retries 3 unless a test says otherwise).
 */
#include "test_tcp_fixture.h"

#define HS_100_300                                                                                 \
    "t=0 server call listen CLOSED->LISTEN\n"                                                      \
    "t=0 client call connect CLOSED->SYN-SENT\n"                                                   \
    "t=0 client send <SEQ=100><CTL=SYN>\n"                                                         \
    "t=50 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n"                                   \
    "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"                                           \
    "t=100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"                    \
    "t=100 client send <SEQ=101><ACK=301><CTL=ACK>\n"                                              \
    "t=150 server recv <SEQ=101><ACK=301><CTL=ACK> SYN-RECEIVED->ESTABLISHED\n"

static void handshake(sim_scenario *sc)
{
    fx_scenario(sc, 100, 300);
    fx_ev(sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
}

TEST(timer_syn_rto_doubles_then_connection_timed_out)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_SYN, 0, 0); /* nobody hears any SYN */
    CHECK_TRACE(&sc, "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"
                     "t=0 client drop <SEQ=100><CTL=SYN>\n"
                     "t=1000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                     "t=1000 client send <SEQ=100><CTL=SYN> rtx\n"
                     "t=1000 client drop <SEQ=100><CTL=SYN>\n"
                     "t=3000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                     "t=3000 client send <SEQ=100><CTL=SYN> rtx\n"
                     "t=3000 client drop <SEQ=100><CTL=SYN>\n"
                     "t=7000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                     "t=7000 client send <SEQ=100><CTL=SYN> rtx\n"
                     "t=7000 client drop <SEQ=100><CTL=SYN>\n"
                     "t=15000 client timeout retransmission SYN-SENT->CLOSED "
                     "signal=connection timed out\n");
}

TEST(timer_lost_syn_is_retransmitted)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_SYN, 1, 0);
    CHECK_TRACE(&sc, "t=0 server call listen CLOSED->LISTEN\n"
                     "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"
                     "t=0 client drop <SEQ=100><CTL=SYN>\n"
                     "t=1000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                     "t=1000 client send <SEQ=100><CTL=SYN> rtx\n"
                     "t=1050 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=1050 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"
                     "t=1100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                     "t=1100 client send <SEQ=101><ACK=301><CTL=ACK>\n"
                     "t=1150 server recv <SEQ=101><ACK=301><CTL=ACK> "
                     "SYN-RECEIVED->ESTABLISHED\n");
}

/* The SYN,ACK is lost: at t=1050 the server's timer (armed at 50) fires before the
 * client's retransmitted SYN (sent at 1000) arrives; that SYN is then an old duplicate. */
TEST(timer_lost_syn_ack_both_sides_retransmit)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_SERVER, TCP_SYN | TCP_ACK, 1, 0);
    CHECK_TRACE(&sc, "t=0 server call listen CLOSED->LISTEN\n"
                     "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"
                     "t=50 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"
                     "t=50 server drop <SEQ=300><ACK=101><CTL=SYN,ACK>\n"
                     "t=1000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                     "t=1000 client send <SEQ=100><CTL=SYN> rtx\n"
                     "t=1050 server timeout retransmission SYN-RECEIVED->SYN-RECEIVED\n"
                     "t=1050 server send <SEQ=300><ACK=101><CTL=SYN,ACK> rtx\n"
                     "t=1050 server recv <SEQ=100><CTL=SYN> SYN-RECEIVED->SYN-RECEIVED\n"
                     "t=1050 server send <SEQ=301><ACK=101><CTL=ACK>\n"
                     "t=1100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                     "t=1100 client send <SEQ=101><ACK=301><CTL=ACK>\n"
                     "t=1100 client recv <SEQ=301><ACK=101><CTL=ACK> "
                     "ESTABLISHED->ESTABLISHED\n"
                     "t=1150 server recv <SEQ=101><ACK=301><CTL=ACK> "
                     "SYN-RECEIVED->ESTABLISHED\n");
}

/* The handshake's third segment is lost; the server retransmits its SYN,ACK, which the
 * client (ESTABLISHED) answers as an old duplicate: that ACK completes the handshake. */
TEST(timer_lost_third_ack_recovered_by_syn_ack_retransmission)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_ACK, 1, 0);
    CHECK_TRACE(&sc, "t=0 server call listen CLOSED->LISTEN\n"
                     "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"
                     "t=50 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"
                     "t=100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                     "t=100 client send <SEQ=101><ACK=301><CTL=ACK>\n"
                     "t=100 client drop <SEQ=101><ACK=301><CTL=ACK>\n"
                     "t=1050 server timeout retransmission SYN-RECEIVED->SYN-RECEIVED\n"
                     "t=1050 server send <SEQ=300><ACK=101><CTL=SYN,ACK> rtx\n"
                     "t=1100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> "
                     "ESTABLISHED->ESTABLISHED\n"
                     "t=1100 client send <SEQ=101><ACK=301><CTL=ACK>\n"
                     "t=1150 server recv <SEQ=101><ACK=301><CTL=ACK> "
                     "SYN-RECEIVED->ESTABLISHED\n");
}

/* Figure 12 with the last ACK lost: LAST-ACK retransmits its FIN into TIME-WAIT, which
 * ACKs again and restarts 2MSL (1450 + 2000 = 3450). */
TEST(timer_time_wait_restarts_on_retransmitted_fin)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 400, SIM_SERVER, TCP_CALL_CLOSE, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_ACK, 2, 0); /* 1st is the handshake's */
    CHECK_TRACE(&sc, HS_100_300
                "t=200 client call close ESTABLISHED->FIN-WAIT-1\n"
                "t=200 client send <SEQ=101><ACK=301><CTL=FIN,ACK>\n"
                "t=250 server recv <SEQ=101><ACK=301><CTL=FIN,ACK> ESTABLISHED->CLOSE-WAIT "
                "signal=connection closing\n"
                "t=250 server send <SEQ=301><ACK=102><CTL=ACK>\n"
                "t=300 client recv <SEQ=301><ACK=102><CTL=ACK> FIN-WAIT-1->FIN-WAIT-2\n"
                "t=400 server call close CLOSE-WAIT->LAST-ACK\n"
                "t=400 server send <SEQ=301><ACK=102><CTL=FIN,ACK>\n"
                "t=450 client recv <SEQ=301><ACK=102><CTL=FIN,ACK> FIN-WAIT-2->TIME-WAIT "
                "signal=connection closing\n"
                "t=450 client send <SEQ=102><ACK=302><CTL=ACK>\n"
                "t=450 client drop <SEQ=102><ACK=302><CTL=ACK>\n"
                "t=1400 server timeout retransmission LAST-ACK->LAST-ACK\n"
                "t=1400 server send <SEQ=301><ACK=102><CTL=FIN,ACK> rtx\n"
                "t=1450 client recv <SEQ=301><ACK=102><CTL=FIN,ACK> TIME-WAIT->TIME-WAIT\n"
                "t=1450 client send <SEQ=102><ACK=302><CTL=ACK>\n"
                "t=1500 server recv <SEQ=102><ACK=302><CTL=ACK> LAST-ACK->CLOSED\n"
                "t=3450 client timeout time-wait TIME-WAIT->CLOSED\n");
}

TEST(timer_lost_fin_and_data_retransmission_resets_rto)
{
    static sim_scenario sc;
    handshake(&sc);
    sc.max_retries = 5;
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 10);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_ACK | TCP_PSH, 0, 0); /* every copy, ... */
    sc.has_until = true;
    sc.until_ms = 3300;
    CHECK_TRACE(&sc, HS_100_300 "t=200 client call send 10 ESTABLISHED->ESTABLISHED\n"
                                "t=200 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n"
                                "t=200 client drop <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n"
                                "t=1200 client timeout retransmission ESTABLISHED->ESTABLISHED\n"
                                "t=1200 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> rtx\n"
                                "t=1200 client drop <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n"
                                "t=3200 client timeout retransmission ESTABLISHED->ESTABLISHED\n"
                                "t=3200 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> rtx\n"
                                "t=3200 client drop <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n");
    /* with only the first copy lost, the ACK of new data returns the RTO to 1000 */
    sc.faults[0].nth = 1;
    sc.until_ms = 100000;
    fx_ev(&sc, 5000, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_FIN | TCP_ACK, 1, 0);
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    CHECK(txt && strstr(txt, "t=1250 server recv <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>"));
    CHECK(txt && strstr(txt, "t=5000 client drop <SEQ=111><ACK=301><CTL=FIN,ACK>\n"
                             "t=6000 client timeout retransmission FIN-WAIT-1->FIN-WAIT-1\n"
                             "t=6000 client send <SEQ=111><ACK=301><CTL=FIN,ACK> rtx\n"));
    free(txt);
    sim_trace_cleanup(&t);
}

/* ISS 2^32 - 16: the SYN, 3000 octets and the FIN cross 2^32. */
TEST(wraparound_iss_near_2_pow_32)
{
    static sim_scenario sc;
    fx_scenario(&sc, 0xFFFFFFF0u, 300);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 3000);
    fx_ev(&sc, 400, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    sc.has_until = true;
    sc.until_ms = 500;
    CHECK_TRACE(&sc,
                "t=0 server call listen CLOSED->LISTEN\n"
                "t=0 client call connect CLOSED->SYN-SENT\n"
                "t=0 client send <SEQ=4294967280><CTL=SYN>\n"
                "t=50 server recv <SEQ=4294967280><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                "t=50 server send <SEQ=300><ACK=4294967281><CTL=SYN,ACK>\n"
                "t=100 client recv <SEQ=300><ACK=4294967281><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                "t=100 client send <SEQ=4294967281><ACK=301><CTL=ACK>\n"
                "t=150 server recv <SEQ=4294967281><ACK=301><CTL=ACK> SYN-RECEIVED->ESTABLISHED\n"
                "t=200 client call send 3000 ESTABLISHED->ESTABLISHED\n"
                "t=200 client send <SEQ=4294967281><ACK=301><CTL=ACK><LEN=1460>\n"
                "t=200 client send <SEQ=1445><ACK=301><CTL=ACK><LEN=1460>\n"
                "t=200 client send <SEQ=2905><ACK=301><CTL=ACK,PSH><LEN=80>\n"
                "t=250 server recv <SEQ=4294967281><ACK=301><CTL=ACK><LEN=1460> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=1445><CTL=ACK>\n"
                "t=250 server recv <SEQ=1445><ACK=301><CTL=ACK><LEN=1460> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=2905><CTL=ACK>\n"
                "t=250 server recv <SEQ=2905><ACK=301><CTL=ACK,PSH><LEN=80> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=2985><CTL=ACK>\n"
                "t=300 client recv <SEQ=301><ACK=1445><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                "t=300 client recv <SEQ=301><ACK=2905><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                "t=300 client recv <SEQ=301><ACK=2985><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                "t=400 client call close ESTABLISHED->FIN-WAIT-1\n"
                "t=400 client send <SEQ=2985><ACK=301><CTL=FIN,ACK>\n"
                "t=450 server recv <SEQ=2985><ACK=301><CTL=FIN,ACK> ESTABLISHED->CLOSE-WAIT "
                "signal=connection closing\n"
                "t=450 server send <SEQ=301><ACK=2986><CTL=ACK>\n"
                "t=500 client recv <SEQ=301><ACK=2986><CTL=ACK> FIN-WAIT-1->FIN-WAIT-2\n");
}

TEST(window_limits_data_in_flight)
{
    static sim_scenario sc;
    handshake(&sc);
    sc.ep[SIM_SERVER].wnd = 2000; /* the client may have 2000 octets unacknowledged */
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 3000);
    sc.has_until = true;
    sc.until_ms = 300;
    CHECK_TRACE(&sc, HS_100_300
                "t=200 client call send 3000 ESTABLISHED->ESTABLISHED\n"
                "t=200 client send <SEQ=101><ACK=301><CTL=ACK><LEN=1460>\n"
                "t=200 client send <SEQ=1561><ACK=301><CTL=ACK><LEN=540>\n"
                "t=250 server recv <SEQ=101><ACK=301><CTL=ACK><LEN=1460> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=1561><CTL=ACK>\n"
                "t=250 server recv <SEQ=1561><ACK=301><CTL=ACK><LEN=540> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=2101><CTL=ACK>\n"
                "t=300 client recv <SEQ=301><ACK=1561><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                /* SND.UNA 1561 + SND.WND 2000 - SND.NXT 2101 = 1460 usable; 1000 remain */
                "t=300 client send <SEQ=2101><ACK=301><CTL=ACK,PSH><LEN=1000>\n"
                "t=300 client recv <SEQ=301><ACK=2101><CTL=ACK> ESTABLISHED->ESTABLISHED\n");
}

TEST(fault_duplicate_and_delay)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 10);
    fx_fault(&sc, SIM_FAULT_DUPLICATE, SIM_CLIENT, TCP_ACK | TCP_PSH, 1, 30);
    fx_fault(&sc, SIM_FAULT_DELAY, SIM_SERVER, TCP_ACK, 2, 100); /* the 2nd ACK: of the copy */
    CHECK_TRACE(&sc, HS_100_300
                "t=200 client call send 10 ESTABLISHED->ESTABLISHED\n"
                "t=200 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n"
                "t=250 server recv <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=111><CTL=ACK>\n"
                "t=280 server recv <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> dup "
                "ESTABLISHED->ESTABLISHED\n"
                "t=280 server send <SEQ=301><ACK=111><CTL=ACK>\n"
                "t=300 client recv <SEQ=301><ACK=111><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                "t=430 client recv <SEQ=301><ACK=111><CTL=ACK> ESTABLISHED->ESTABLISHED\n");
    /* the send steps name the fault that acted on them */
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    free(txt);
    int seen = 0;
    for (size_t i = 0; i < t.count; i++) {
        if (t.steps[i].kind != SIM_STEP_SEND)
            continue;
        if (t.steps[i].fault >= 0) {
            seen++;
            CHECK(t.steps[i].t_ms == 200 || t.steps[i].t_ms == 280);
        }
    }
    CHECK_EQ_INT(seen, 2);
    sim_trace_cleanup(&t);
}

TEST(connection_refused_and_abort)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0); /* nobody listens */
    CHECK_TRACE(&sc, "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"
                     "t=50 server recv <SEQ=100><CTL=SYN> CLOSED->CLOSED\n"
                     "t=50 server send <SEQ=0><ACK=101><CTL=RST,ACK>\n"
                     "t=100 client recv <SEQ=0><ACK=101><CTL=RST,ACK> SYN-SENT->CLOSED "
                     "signal=connection reset\n");
    handshake(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_ABORT, 0);
    fx_ev(&sc, 300, SIM_CLIENT, TCP_CALL_SEND, 5);
    CHECK_TRACE(&sc,
                HS_100_300 "t=200 client call abort ESTABLISHED->CLOSED\n"
                           "t=200 client send <SEQ=101><CTL=RST>\n"
                           "t=250 server recv <SEQ=101><CTL=RST> ESTABLISHED->CLOSED "
                           "signal=connection reset\n"
                           "t=300 client call send 5 CLOSED->CLOSED !connection does not exist\n");
}

TEST(iss_list_then_plus_64000_and_seeded)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 10, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 20, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 30, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 40, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 50, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_SYN, 0, 0);
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    CHECK(txt && strstr(txt, "t=0 client send <SEQ=100><CTL=SYN>"));
    CHECK(txt && strstr(txt, "t=20 client send <SEQ=64100><CTL=SYN>"));
    CHECK(txt && strstr(txt, "t=40 client send <SEQ=128100><CTL=SYN>"));
    free(txt);
    /* no list: ISNs from the seed, the same each run, different for another seed */
    sc.ep[SIM_CLIENT].iss_count = 0;
    sc.seed = 42;
    char *a = fx_run(&sc, &t);
    char *b = fx_run(&sc, &t);
    CHECK(a && b && strcmp(a, b) == 0);
    sc.seed = 43;
    char *c = fx_run(&sc, &t);
    CHECK(a && c && strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
    sim_trace_cleanup(&t);
}

TEST(until_ms_bounds_the_run)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_SYN, 0, 0);
    sc.has_until = true;
    sc.until_ms = 2999; /* the second retransmission (t=3000) does not run */
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    CHECK_EQ_STR(txt, "t=0 client call connect CLOSED->SYN-SENT\n"
                      "t=0 client send <SEQ=100><CTL=SYN>\n"
                      "t=0 client drop <SEQ=100><CTL=SYN>\n"
                      "t=1000 client timeout retransmission SYN-SENT->SYN-SENT\n"
                      "t=1000 client send <SEQ=100><CTL=SYN> rtx\n"
                      "t=1000 client drop <SEQ=100><CTL=SYN>\n");
    CHECK_EQ_INT(t.end_ms, 2999);
    CHECK_EQ_INT(t.final[SIM_CLIENT].state, TCP_SYN_SENT);
    free(txt);
    sim_trace_cleanup(&t);
}

TEST(step_bound_too_many_steps_with_and_without_trace)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, SIM_MAX_SEND_BYTES);
    sim *s = sim_new();
    char msg[200];
    sim_trace t;
    sim_trace_init(&t);
    CHECK_EQ_INT(sim_run(s, &sc, &t, msg, sizeof msg), SIM_ERR_TOO_MANY_STEPS);
    CHECK(strstr(msg, "100000") != NULL);
    CHECK_EQ_INT(sim_run(s, &sc, NULL, msg, sizeof msg), SIM_ERR_TOO_MANY_STEPS);
    CHECK(strstr(msg, "steps") != NULL);
    /* the same sim runs a small scenario fine afterwards */
    handshake(&sc);
    CHECK_EQ_INT(sim_run(s, &sc, &t, msg, sizeof msg), SIM_OK);
    CHECK_EQ_INT(t.count, 8);
    sim_trace_cleanup(&t);
    sim_free(s);
}

TEST(validation_names_the_bad_field)
{
    static sim_scenario sc;
    handshake(&sc);
    sc.events[1].endpoint = 5;
    sim *s = sim_new();
    char msg[200];
    CHECK_EQ_INT(sim_run(s, &sc, NULL, msg, sizeof msg), SIM_ERR_INVALID);
    CHECK(strstr(msg, "events[1].endpoint") != NULL);
    handshake(&sc);
    fx_ev(&sc, 10, SIM_CLIENT, TCP_CALL_SEND, 0);
    CHECK_EQ_INT(sim_run(s, &sc, NULL, msg, sizeof msg), SIM_ERR_INVALID);
    CHECK(strstr(msg, "events[2].bytes") != NULL);
    handshake(&sc);
    sc.events[0].at_ms = -1;
    CHECK_EQ_INT(sim_run(s, &sc, NULL, msg, sizeof msg), SIM_ERR_INVALID);
    CHECK(strstr(msg, "events[0].at_ms") != NULL);
    sim_free(s);
    sim_free(NULL);
    sim_trace_cleanup(NULL);
}

TEST(determinism_same_scenario_same_trace)
{
    static sim_scenario sc;
    handshake(&sc);
    sc.ep[SIM_CLIENT].iss_count = 0;
    sc.ep[SIM_SERVER].iss_count = 0;
    sc.seed = 7;
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 5000);
    fx_ev(&sc, 300, SIM_SERVER, TCP_CALL_SEND, 700);
    fx_ev(&sc, 400, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 400, SIM_SERVER, TCP_CALL_CLOSE, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_ACK, 3, 0);
    fx_fault(&sc, SIM_FAULT_DUPLICATE, SIM_SERVER, TCP_ACK | TCP_PSH, 0, 5);
    sim *s = sim_new();
    sim_trace t1, t2;
    sim_trace_init(&t1);
    sim_trace_init(&t2);
    CHECK_EQ_INT(sim_run(s, &sc, &t1, NULL, 0), SIM_OK);
    CHECK_EQ_INT(sim_run(s, &sc, &t2, NULL, 0), SIM_OK);
    CHECK_EQ_INT(t1.count, t2.count);
    CHECK(t1.count == t2.count && memcmp(t1.steps, t2.steps, t1.count * sizeof t1.steps[0]) == 0);
    CHECK_EQ_INT(t1.final[0].state, TCP_CLOSED);
    CHECK_EQ_INT(t1.final[1].state, TCP_CLOSED);
    tcp_vars f[SIM_ENDPOINTS];
    CHECK_EQ_INT(sim_run(s, &sc, NULL, NULL, 0), SIM_OK);
    sim_final(s, f);
    CHECK(memcmp(f, t1.final, sizeof f) == 0);
    sim_trace_cleanup(&t1);
    sim_trace_cleanup(&t2);
    sim_free(s);
}

TEST(names_round_trip)
{
    for (int i = 0; i < TCP_STATE_COUNT; i++) {
        tcp_state s;
        CHECK(tcp_state_from_name(tcp_state_name((tcp_state)i), &s) && (int)s == i);
    }
    CHECK_EQ_STR(tcp_state_name(TCP_SYN_RECEIVED), "SYN-RECEIVED");
    CHECK_EQ_STR(tcp_state_name((tcp_state)99), "?");
    CHECK(!tcp_state_from_name("SYN_RECV", NULL));
    for (int i = 0; i < TCP_CALL_COUNT; i++) {
        tcp_call c;
        CHECK(tcp_call_from_name(tcp_call_name((tcp_call)i), &c) && (int)c == i);
    }
    uint8_t f;
    CHECK(tcp_flag_from_name("PSH", &f) && f == TCP_PSH);
    CHECK(tcp_flag_name(TCP_SYN | TCP_ACK) == NULL);
    CHECK_EQ_STR(sim_step_kind_name(SIM_STEP_INJECT), "inject");
    CHECK_EQ_STR(sim_timer_name(SIM_TIMER_TIME_WAIT), "time-wait");
    CHECK(sim_timer_name(SIM_TIMER_NONE) == NULL);
    CHECK_EQ_STR(sim_endpoint_name(SIM_SERVER), "server");
    sim_scenario sc;
    sim_scenario_defaults(&sc);
    CHECK_EQ_INT(sc.ep[0].mss, 1460);
    CHECK_EQ_INT(sc.ep[1].wnd, 65535);
    CHECK_EQ_INT(sc.latency_ms, 50);
    CHECK_EQ_INT(sc.rto_ms, 1000);
    CHECK_EQ_INT(sc.msl_ms, 120000);
    CHECK_EQ_INT(sc.max_retries, 5);
}

/* One SEND of 50 segments: more than one tcp_output holds (TCP_OUT_MAX_SEGS), so the sim
 * pumps; every send step records SND.NXT right after its own segment. */
TEST(many_segments_from_one_send_call)
{
    static sim_scenario sc;
    handshake(&sc);
    sc.ep[SIM_CLIENT].mss = 100;
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 5000);
    sc.has_until = true;
    sc.until_ms = 200;
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    free(txt);
    size_t sends = 0;
    uint32_t expect_seq = 101;
    for (size_t i = 0; i < t.count; i++) {
        const sim_step *st = &t.steps[i];
        if (st->t_ms != 200)
            continue;
        if (st->kind == SIM_STEP_CALL) {
            CHECK_EQ_INT(st->vars[SIM_CLIENT].snd_nxt, 101); /* nothing has left yet */
            continue;
        }
        CHECK_EQ_INT(st->kind, SIM_STEP_SEND);
        CHECK_EQ_INT(st->seg.seq, expect_seq);
        CHECK_EQ_INT(st->seg.len, 100);
        expect_seq += 100;
        CHECK_EQ_INT(st->vars[SIM_CLIENT].snd_nxt, expect_seq);
        CHECK_EQ_INT(st->seg.flags, sends == 49 ? (TCP_ACK | TCP_PSH) : TCP_ACK);
        sends++;
    }
    CHECK_EQ_INT(sends, 50);
    CHECK_EQ_INT(t.final[SIM_CLIENT].snd_nxt, 5101);
    sim_trace_cleanup(&t);
}

/* A delay fault reorders two data segments: the second is held and ACKed with a
 * duplicate ACK; when the first arrives, one ACK covers both. */
TEST(reordered_data_is_held_then_acked_together)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 2000);
    fx_fault(&sc, SIM_FAULT_DELAY, SIM_CLIENT, TCP_ACK, 2, 20); /* 1st ACK-only: handshake */
    CHECK_TRACE(&sc, HS_100_300
                "t=200 client call send 2000 ESTABLISHED->ESTABLISHED\n"
                "t=200 client send <SEQ=101><ACK=301><CTL=ACK><LEN=1460>\n"
                "t=200 client send <SEQ=1561><ACK=301><CTL=ACK,PSH><LEN=540>\n"
                "t=250 server recv <SEQ=1561><ACK=301><CTL=ACK,PSH><LEN=540> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=250 server send <SEQ=301><ACK=101><CTL=ACK>\n"
                "t=270 server recv <SEQ=101><ACK=301><CTL=ACK><LEN=1460> "
                "ESTABLISHED->ESTABLISHED\n"
                "t=270 server send <SEQ=301><ACK=2101><CTL=ACK>\n"
                "t=300 client recv <SEQ=301><ACK=101><CTL=ACK> ESTABLISHED->ESTABLISHED\n"
                "t=320 client recv <SEQ=301><ACK=2101><CTL=ACK> ESTABLISHED->ESTABLISHED\n");
}

/* A dropped segment's rule says what recovers it. A SYN, FIN or data occupies sequence
 * space and waits on the sender's retransmission queue (RFC 9293 §3.4, §3.8.1); a pure ACK
 * or a RST does not and is never retransmitted: only a later segment from the peer draws
 * another (here the server's retransmitted SYN,ACK draws a second ACK). */
TEST(fault_drop_rule_depends_on_sequence_space)
{
    static sim_scenario sc;
    handshake(&sc);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_SERVER, TCP_SYN | TCP_ACK, 1, 0);
    fx_fault(&sc, SIM_FAULT_DROP, SIM_CLIENT, TCP_ACK, 1, 0);
    sim_trace t;
    sim_trace_init(&t);
    char *text = fx_run(&sc, &t);
    CHECK(text != NULL);
    free(text);
    size_t drops = 0;
    for (size_t i = 0; i < t.count; i++) {
        const sim_step *st = &t.steps[i];
        if (st->kind != SIM_STEP_DROP)
            continue;
        drops++;
        if (st->seg.flags & TCP_SYN) {
            CHECK(strstr(st->rule, "retransmission timer") != NULL);
        } else {
            CHECK(strstr(st->rule, "retransmission timer will notice") == NULL);
            CHECK(strstr(st->rule, "never retransmitted") != NULL);
        }
    }
    CHECK_EQ_INT(drops, 2);
    sim_trace_cleanup(&t);
}

/* The differential run's case, end to end: client and server connect at 0, the client
 * sends 10 octets at 10 ms (queued in SYN-SENT, §3.10.2), latency 50 ms. At 100 ms each
 * side gets the other's SYN,ACK in SYN-RECEIVED. The client's data leaves in that same
 * step, so the rule of the client's receive step says so; the server has nothing queued,
 * and its rule says that no segment is sent. Segments and states as in Figure 7. */
TEST(simultaneous_open_rule_says_what_the_step_sends)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 10, SIM_CLIENT, TCP_CALL_SEND, 10);
    sim_trace t;
    sim_trace_init(&t);
    char *text = fx_run(&sc, &t);
    CHECK_EQ_STR(text, "t=0 client call connect CLOSED->SYN-SENT\n"
                       "t=0 client send <SEQ=100><CTL=SYN>\n"
                       "t=0 server call connect CLOSED->SYN-SENT\n"
                       "t=0 server send <SEQ=300><CTL=SYN>\n"
                       "t=10 client call send 10 SYN-SENT->SYN-SENT\n"
                       "t=50 server recv <SEQ=100><CTL=SYN> SYN-SENT->SYN-RECEIVED\n"
                       "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"
                       "t=50 client recv <SEQ=300><CTL=SYN> SYN-SENT->SYN-RECEIVED\n"
                       "t=50 client send <SEQ=100><ACK=301><CTL=SYN,ACK>\n"
                       "t=100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> "
                       "SYN-RECEIVED->ESTABLISHED\n"
                       "t=100 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n"
                       "t=100 server recv <SEQ=100><ACK=301><CTL=SYN,ACK> "
                       "SYN-RECEIVED->ESTABLISHED\n"
                       "t=150 server recv <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> "
                       "ESTABLISHED->ESTABLISHED\n"
                       "t=150 server send <SEQ=301><ACK=111><CTL=ACK>\n"
                       "t=200 client recv <SEQ=301><ACK=111><CTL=ACK> ESTABLISHED->ESTABLISHED\n");
    free(text);
    size_t opens = 0;
    for (size_t i = 0; i < t.count; i++) {
        const sim_step *st = &t.steps[i];
        if (st->kind != SIM_STEP_RECEIVE || st->state_before != TCP_SYN_RECEIVED)
            continue;
        opens++;
        CHECK(strstr(st->rule, "Figure 7") != NULL);
        CHECK(strstr(st->rule, "nothing more to send") == NULL);
        CHECK(strstr(st->rule, "trimmed") == NULL);
        if (st->endpoint == SIM_CLIENT) {
            CHECK(strstr(st->rule, "goes out now") != NULL);
            CHECK(i + 1 < t.count && t.steps[i + 1].kind == SIM_STEP_SEND &&
                  t.steps[i + 1].seg.len == 10);
        } else {
            CHECK(strstr(st->rule, "no segment is sent") != NULL);
        }
    }
    CHECK(opens == 2);
    sim_trace_cleanup(&t);
}
