/*
 * test_sim_figures.c — RFC 9293 Figures 6–13 reproduced segment for segment by the
 * simulator. TCP Peer A is the client, B the server; ISNs are the figures' (A=100, B=300;
 * Figures 9, 10, 12, 13 start from "send 300, receive 100": A's ISS 99, B's ISS 299).
 * Latency 50 ms, RTO 1000 ms, MSL 1000 ms. Each expected trace was written from the figure
 * and §3.10 by hand; "(line N)" marks the figure's lines.
 * Note: data segments carry PSH (RFC 9293 MUST-61, PUSH is not a user option here); the
 * figures print only <CTL=ACK><DATA>, leaving other bits out "in the interest of clarity".
 */
#include "test_tcp_fixture.h"

TEST(figure6_basic_three_way_handshake)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_SEND, 10);
    CHECK_TRACE(&sc, "t=0 server call listen CLOSED->LISTEN\n" /* 1 */
                     "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n" /* 2 */
                     "t=50 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n" /* 3 */
                     "t=100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                     "t=100 client send <SEQ=101><ACK=301><CTL=ACK>\n" /* 4 */
                     "t=150 server recv <SEQ=101><ACK=301><CTL=ACK> SYN-RECEIVED->ESTABLISHED\n"
                     "t=200 client call send 10 ESTABLISHED->ESTABLISHED\n"
                     "t=200 client send <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>\n" /* 5 */
                     "t=250 server recv <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> "
                     "ESTABLISHED->ESTABLISHED\n"
                     "t=250 server send <SEQ=301><ACK=111><CTL=ACK>\n"
                     "t=300 client recv <SEQ=301><ACK=111><CTL=ACK> ESTABLISHED->ESTABLISHED\n");
}

TEST(figure7_simultaneous_open)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_CONNECT, 0);
    /* Both SYNs cross in the network; each side goes SYN-SENT -> SYN-RECEIVED ->
     * ESTABLISHED and no segment beyond the figure's four is sent. */
    CHECK_TRACE(&sc,
                "t=0 client call connect CLOSED->SYN-SENT\n"
                "t=0 client send <SEQ=100><CTL=SYN>\n" /* 2 */
                "t=0 server call connect CLOSED->SYN-SENT\n"
                "t=0 server send <SEQ=300><CTL=SYN>\n"                         /* 3 */
                "t=50 server recv <SEQ=100><CTL=SYN> SYN-SENT->SYN-RECEIVED\n" /* 4 */
                "t=50 server send <SEQ=300><ACK=101><CTL=SYN,ACK>\n"           /* 6 */
                "t=50 client recv <SEQ=300><CTL=SYN> SYN-SENT->SYN-RECEIVED\n" /* 3 */
                "t=50 client send <SEQ=100><ACK=301><CTL=SYN,ACK>\n"           /* 5 */
                "t=100 client recv <SEQ=300><ACK=101><CTL=SYN,ACK> SYN-RECEIVED->ESTABLISHED\n"
                "t=100 server recv <SEQ=100><ACK=301><CTL=SYN,ACK> SYN-RECEIVED->ESTABLISHED\n");
}

TEST(figure8_recovery_from_old_duplicate_syn)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    sc.ep[SIM_SERVER].iss[1] = 400;
    sc.ep[SIM_SERVER].iss_count = 2;
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    fx_inject(&sc, 10, SIM_SERVER, fx_seg(90, 0, TCP_SYN, 0));
    fx_fault(&sc, SIM_FAULT_DELAY, SIM_CLIENT, TCP_SYN, 1, 200); /* line 2: "..." */
    CHECK_TRACE(&sc, "t=0 server call listen CLOSED->LISTEN\n"   /* 1 */
                     "t=0 client call connect CLOSED->SYN-SENT\n"
                     "t=0 client send <SEQ=100><CTL=SYN>\n"   /* 2 */
                     "t=10 server inject <SEQ=90><CTL=SYN>\n" /* 3 */
                     "t=10 server recv <SEQ=90><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=10 server send <SEQ=300><ACK=91><CTL=SYN,ACK>\n" /* 4 */
                     "t=60 client recv <SEQ=300><ACK=91><CTL=SYN,ACK> SYN-SENT->SYN-SENT\n"
                     "t=60 client send <SEQ=91><CTL=RST>\n" /* 5 */
                     "t=110 server recv <SEQ=91><CTL=RST> SYN-RECEIVED->LISTEN\n"
                     "t=250 server recv <SEQ=100><CTL=SYN> LISTEN->SYN-RECEIVED\n" /* 6 */
                     "t=250 server send <SEQ=400><ACK=101><CTL=SYN,ACK>\n"         /* 7 */
                     "t=300 client recv <SEQ=400><ACK=101><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"
                     "t=300 client send <SEQ=101><ACK=401><CTL=ACK>\n" /* 8 */
                     "t=350 server recv <SEQ=101><ACK=401><CTL=ACK> SYN-RECEIVED->ESTABLISHED\n");
}

/* "send 300, receive 100": A (ISS 99) and B (ISS 299) are ESTABLISHED at t=150. */
#define HANDSHAKE_99_299                                                                           \
    "t=0 server call listen CLOSED->LISTEN\n"                                                      \
    "t=0 client call connect CLOSED->SYN-SENT\n"                                                   \
    "t=0 client send <SEQ=99><CTL=SYN>\n"                                                          \
    "t=50 server recv <SEQ=99><CTL=SYN> LISTEN->SYN-RECEIVED\n"                                    \
    "t=50 server send <SEQ=299><ACK=100><CTL=SYN,ACK>\n"                                           \
    "t=100 client recv <SEQ=299><ACK=100><CTL=SYN,ACK> SYN-SENT->ESTABLISHED\n"                    \
    "t=100 client send <SEQ=100><ACK=300><CTL=ACK>\n"                                              \
    "t=150 server recv <SEQ=100><ACK=300><CTL=ACK> SYN-RECEIVED->ESTABLISHED\n"

static void handshake_99_299(sim_scenario *sc)
{
    fx_scenario(sc, 99, 299);
    fx_ev(sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
}

TEST(figure9_half_open_connection_discovery)
{
    static sim_scenario sc;
    handshake_99_299(&sc);
    sc.ep[SIM_CLIENT].iss[1] = 400;
    sc.ep[SIM_CLIENT].iss_count = 2;
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_CRASH, 0);
    fx_ev(&sc, 300, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    sc.has_until = true;
    sc.until_ms = 1340; /* stop after line 7 */
    CHECK_TRACE(&sc, HANDSHAKE_99_299
                "t=200 client call crash ESTABLISHED->CLOSED\n" /* 1,2 */
                "t=300 client call connect CLOSED->SYN-SENT\n"
                "t=300 client send <SEQ=400><CTL=SYN>\n" /* 3 */
                "t=350 server recv <SEQ=400><CTL=SYN> ESTABLISHED->ESTABLISHED\n"
                "t=350 server send <SEQ=300><ACK=100><CTL=ACK>\n" /* 4 */
                "t=400 client recv <SEQ=300><ACK=100><CTL=ACK> SYN-SENT->SYN-SENT\n"
                "t=400 client send <SEQ=100><CTL=RST>\n" /* 5 */
                "t=450 server recv <SEQ=100><CTL=RST> ESTABLISHED->CLOSED "
                "signal=connection reset\n" /* 6 */
                "t=1300 client timeout retransmission SYN-SENT->SYN-SENT\n"
                "t=1300 client send <SEQ=400><CTL=SYN> rtx\n"); /* 7 */
}

TEST(figure10_active_side_causes_half_open_discovery)
{
    static sim_scenario sc;
    handshake_99_299(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_CRASH, 0);
    fx_ev(&sc, 300, SIM_SERVER, TCP_CALL_SEND, 10);
    CHECK_TRACE(&sc, HANDSHAKE_99_299
                "t=200 client call crash ESTABLISHED->CLOSED\n" /* 1 */
                "t=300 server call send 10 ESTABLISHED->ESTABLISHED\n"
                "t=300 server send <SEQ=300><ACK=100><CTL=ACK,PSH><LEN=10>\n" /* 2 */
                "t=350 client recv <SEQ=300><ACK=100><CTL=ACK,PSH><LEN=10> CLOSED->CLOSED\n"
                "t=350 client send <SEQ=100><CTL=RST>\n" /* 3 */
                "t=400 server recv <SEQ=100><CTL=RST> ESTABLISHED->CLOSED "
                "signal=connection reset\n");
}

TEST(figure11_old_duplicate_syn_resets_two_passive_sockets)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300); /* X = 300 (B's ISS), Z = 500 (the old SYN) */
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_LISTEN, 0);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_inject(&sc, 10, SIM_SERVER, fx_seg(500, 0, TCP_SYN, 0));
    CHECK_TRACE(&sc, "t=0 client call listen CLOSED->LISTEN\n" /* 1 */
                     "t=0 server call listen CLOSED->LISTEN\n"
                     "t=10 server inject <SEQ=500><CTL=SYN>\n" /* 2 */
                     "t=10 server recv <SEQ=500><CTL=SYN> LISTEN->SYN-RECEIVED\n"
                     "t=10 server send <SEQ=300><ACK=501><CTL=SYN,ACK>\n" /* 3 */
                     "t=60 client recv <SEQ=300><ACK=501><CTL=SYN,ACK> LISTEN->LISTEN\n"
                     "t=60 client send <SEQ=501><CTL=RST>\n"                         /* 4 */
                     "t=110 server recv <SEQ=501><CTL=RST> SYN-RECEIVED->LISTEN\n"); /* 5 */
}

TEST(figure12_normal_close_sequence)
{
    static sim_scenario sc;
    handshake_99_299(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 400, SIM_SERVER, TCP_CALL_CLOSE, 0);
    CHECK_TRACE(&sc, HANDSHAKE_99_299 /* 1 */
                "t=200 client call close ESTABLISHED->FIN-WAIT-1\n"
                "t=200 client send <SEQ=100><ACK=300><CTL=FIN,ACK>\n" /* 2 */
                "t=250 server recv <SEQ=100><ACK=300><CTL=FIN,ACK> ESTABLISHED->CLOSE-WAIT "
                "signal=connection closing\n"
                "t=250 server send <SEQ=300><ACK=101><CTL=ACK>\n" /* 3 */
                "t=300 client recv <SEQ=300><ACK=101><CTL=ACK> FIN-WAIT-1->FIN-WAIT-2\n"
                "t=400 server call close CLOSE-WAIT->LAST-ACK\n"
                "t=400 server send <SEQ=300><ACK=101><CTL=FIN,ACK>\n" /* 4 */
                "t=450 client recv <SEQ=300><ACK=101><CTL=FIN,ACK> FIN-WAIT-2->TIME-WAIT "
                "signal=connection closing\n"
                "t=450 client send <SEQ=101><ACK=301><CTL=ACK>\n" /* 5 */
                "t=500 server recv <SEQ=101><ACK=301><CTL=ACK> LAST-ACK->CLOSED\n"
                "t=2450 client timeout time-wait TIME-WAIT->CLOSED\n"); /* 6 */
}

TEST(figure13_simultaneous_close_sequence)
{
    static sim_scenario sc;
    handshake_99_299(&sc);
    fx_ev(&sc, 200, SIM_CLIENT, TCP_CALL_CLOSE, 0);
    fx_ev(&sc, 200, SIM_SERVER, TCP_CALL_CLOSE, 0);
    CHECK_TRACE(&sc, HANDSHAKE_99_299 /* 1 */
                "t=200 client call close ESTABLISHED->FIN-WAIT-1\n"
                "t=200 client send <SEQ=100><ACK=300><CTL=FIN,ACK>\n" /* 2 */
                "t=200 server call close ESTABLISHED->FIN-WAIT-1\n"
                "t=200 server send <SEQ=300><ACK=100><CTL=FIN,ACK>\n" /* 2 */
                "t=250 server recv <SEQ=100><ACK=300><CTL=FIN,ACK> FIN-WAIT-1->CLOSING "
                "signal=connection closing\n"
                "t=250 server send <SEQ=301><ACK=101><CTL=ACK>\n" /* 3 */
                "t=250 client recv <SEQ=300><ACK=100><CTL=FIN,ACK> FIN-WAIT-1->CLOSING "
                "signal=connection closing\n"
                "t=250 client send <SEQ=101><ACK=301><CTL=ACK>\n" /* 3 */
                "t=300 client recv <SEQ=301><ACK=101><CTL=ACK> CLOSING->TIME-WAIT\n"
                "t=300 server recv <SEQ=101><ACK=301><CTL=ACK> CLOSING->TIME-WAIT\n" /* 4 */
                "t=2300 client timeout time-wait TIME-WAIT->CLOSED\n"
                "t=2300 server timeout time-wait TIME-WAIT->CLOSED\n");
}

/* The variables each step records are the RFC's: check Figure 6's numbers directly. */
TEST(figure6_tcb_variables_per_step)
{
    static sim_scenario sc;
    fx_scenario(&sc, 100, 300);
    fx_ev(&sc, 0, SIM_SERVER, TCP_CALL_LISTEN, 0);
    fx_ev(&sc, 0, SIM_CLIENT, TCP_CALL_CONNECT, 0);
    sim_trace t;
    sim_trace_init(&t);
    char *txt = fx_run(&sc, &t);
    CHECK(txt != NULL);
    free(txt);
    CHECK_EQ_INT(t.count, 8);
    if (t.count == 8) {
        /* step 2: the client's call; SND.NXT moves when the SYN leaves (step 3) */
        CHECK_EQ_INT(t.steps[1].vars[SIM_CLIENT].iss, 100);
        CHECK_EQ_INT(t.steps[1].vars[SIM_CLIENT].snd_una, 100);
        CHECK_EQ_INT(t.steps[1].vars[SIM_CLIENT].snd_nxt, 100);
        CHECK_EQ_INT(t.steps[2].vars[SIM_CLIENT].snd_nxt, 101);
        /* step 4: the server got the SYN: IRS=100, RCV.NXT=101, ISS=300 */
        CHECK_EQ_INT(t.steps[3].vars[SIM_SERVER].irs, 100);
        CHECK_EQ_INT(t.steps[3].vars[SIM_SERVER].rcv_nxt, 101);
        CHECK_EQ_INT(t.steps[4].vars[SIM_SERVER].snd_nxt, 301);
        /* last step: both established, everything acknowledged */
        const tcp_vars *c = &t.steps[7].vars[SIM_CLIENT], *s = &t.steps[7].vars[SIM_SERVER];
        CHECK_EQ_INT(c->state, TCP_ESTABLISHED);
        CHECK_EQ_INT(s->state, TCP_ESTABLISHED);
        CHECK_EQ_INT(c->snd_una, 101);
        CHECK_EQ_INT(c->rcv_nxt, 301);
        CHECK_EQ_INT(s->snd_una, 301);
        CHECK_EQ_INT(s->rcv_nxt, 101);
        CHECK_EQ_INT(t.final[SIM_CLIENT].irs, 300);
        CHECK_EQ_INT(t.end_ms, 150);
        CHECK(t.steps[0].rule != NULL && strstr(t.steps[0].rule, "§3.10.1") != NULL);
    }
    sim_trace_cleanup(&t);
}
