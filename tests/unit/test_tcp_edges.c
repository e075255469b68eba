/*
 * test_tcp_edges.c — every edge of RFC 9293 Figure 5, one test each: a fixture puts the
 * endpoint in the edge's source state (built at t=0, our ISS 100, the peer's ISS 300),
 * one input arrives at t=1000, and EXACTLY the expected segments come out and the whole
 * TCB (variables and both timers, RTO 1000 ms, MSL 1000 ms) is compared.
 *
 *   1  CLOSED       -> LISTEN        passive OPEN
 *   2  CLOSED       -> SYN-SENT      active OPEN / snd SYN
 *   3  LISTEN       -> CLOSED        CLOSE
 *   4  LISTEN       -> SYN-RECEIVED  rcv SYN / snd SYN,ACK
 *   5  LISTEN       -> SYN-SENT      SEND / snd SYN
 *   6  SYN-SENT     -> CLOSED        CLOSE
 *   7  SYN-SENT     -> SYN-RECEIVED  rcv SYN / snd SYN,ACK
 *   8  SYN-SENT     -> ESTABLISHED   rcv SYN,ACK / snd ACK
 *   9  SYN-RECEIVED -> LISTEN        rcv RST (note 1: passive OPEN only)
 *  10  SYN-RECEIVED -> ESTABLISHED   rcv ACK of SYN / x
 *  11  SYN-RECEIVED -> FIN-WAIT-1    CLOSE / snd FIN
 *  12  ESTABLISHED  -> FIN-WAIT-1    CLOSE / snd FIN
 *  13  ESTABLISHED  -> CLOSE-WAIT    rcv FIN / snd ACK
 *  14  FIN-WAIT-1   -> FIN-WAIT-2    rcv ACK of FIN / x
 *  15  FIN-WAIT-1   -> CLOSING       rcv FIN / snd ACK
 *  16  FIN-WAIT-2   -> TIME-WAIT     rcv FIN / snd ACK
 *  17  CLOSE-WAIT   -> LAST-ACK      CLOSE / snd FIN
 *  18  CLOSING      -> TIME-WAIT     rcv ACK of FIN / x
 *  19  LAST-ACK     -> CLOSED        rcv ACK of FIN / x
 *  20  TIME-WAIT    -> CLOSED        Timeout=2MSL / delete TCB
 *  N2  FIN-WAIT-1   -> TIME-WAIT     rcv FIN and ACK of our FIN (note 2)
 * Plus the edges §3.10 adds: abort and crash (test_tcp_matrix.c covers RST and SYN).
 */
#include "test_tcp_fixture.h"

static tcp_output out;

static void in(tcp_endpoint *ep, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
    tcp_segment s = fx_seg(seq, ack, flags, len);
    tcp_ep_segment(ep, FX_T0, &s, &out);
}

static void call(tcp_endpoint *ep, tcp_call c, uint32_t bytes)
{
    tcp_ep_call(ep, FX_T0, c, bytes, &out);
}

#define NOVARS "iss=0 irs=0 una=0 nxt=0 snd.wnd=0 rcv=0"

TEST(edge01_closed_passive_open_listen)
{
    tcp_endpoint ep;
    fx_closed(&ep);
    call(&ep, TCP_CALL_LISTEN, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep), "LISTEN " NOVARS " rtx=-1 tw=-1");
    CHECK(out.error == NULL && out.rule && strstr(out.rule, "§3.10.1"));
}

TEST(edge02_closed_active_open_syn_sent)
{
    tcp_endpoint ep;
    fx_closed(&ep);
    call(&ep, TCP_CALL_CONNECT, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=100><CTL=SYN>");
    CHECK_EQ_STR(fx_state(&ep),
                 "SYN-SENT iss=100 irs=0 una=100 nxt=101 snd.wnd=0 rcv=0 rtx=2000 tw=-1");
    CHECK(out.iss_used);
    CHECK_EQ_INT(out.ntransitions, 1);
}

TEST(edge03_listen_close_closed)
{
    tcp_endpoint ep;
    fx_listen(&ep);
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep), "CLOSED " NOVARS " rtx=-1 tw=-1");
}

TEST(edge04_listen_rcv_syn_syn_received)
{
    tcp_endpoint ep;
    fx_listen(&ep);
    in(&ep, 300, 0, TCP_SYN, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=100><ACK=301><CTL=SYN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "SYN-RECEIVED iss=100 irs=300 una=100 nxt=101 snd.wnd=65535 rcv=301 rtx=2000 "
                 "tw=-1");
    CHECK(ep.passive);
}

TEST(edge05_listen_send_syn_sent_data_waits)
{
    tcp_endpoint ep;
    fx_listen(&ep);
    call(&ep, TCP_CALL_SEND, 10);
    CHECK(out.error == NULL);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=100><CTL=SYN>");
    CHECK_EQ_STR(fx_state(&ep),
                 "SYN-SENT iss=100 irs=0 una=100 nxt=101 snd.wnd=0 rcv=0 rtx=2000 tw=-1");
    /* the queued data leaves right after the handshake's ACK */
    in(&ep, 300, 101, TCP_SYN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out),
                 "<SEQ=101><ACK=301><CTL=ACK> <SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=111 snd.wnd=65535 rcv=301 rtx=2000 "
                 "tw=-1");
}

TEST(edge06_syn_sent_close_closed)
{
    tcp_endpoint ep;
    fx_syn_sent(&ep);
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSED iss=100 irs=0 una=100 nxt=101 snd.wnd=0 rcv=0 rtx=-1 tw=-1");
}

TEST(edge07_syn_sent_rcv_syn_syn_received)
{
    tcp_endpoint ep;
    fx_syn_sent(&ep);
    in(&ep, 300, 0, TCP_SYN, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=100><ACK=301><CTL=SYN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "SYN-RECEIVED iss=100 irs=300 una=100 nxt=101 snd.wnd=65535 rcv=301 rtx=1000 "
                 "tw=-1");
    CHECK(!ep.passive);
}

TEST(edge08_syn_sent_rcv_syn_ack_established)
{
    tcp_endpoint ep;
    fx_syn_sent(&ep);
    in(&ep, 300, 101, TCP_SYN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
    CHECK(strstr(out.rule, "§3.10.7.3") != NULL);
}

TEST(edge09_syn_received_rcv_rst_listen_passive_only)
{
    tcp_endpoint ep;
    fx_syn_received(&ep);
    in(&ep, 301, 0, TCP_RST, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "LISTEN iss=100 irs=300 una=100 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
    CHECK(out.signal == NULL); /* "The user need not be informed." */
    /* reached from an active OPEN: CLOSED, "connection refused" (MUST-11) */
    fx_syn_received_active(&ep);
    in(&ep, 301, 0, TCP_RST, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_INT(ep.state, TCP_CLOSED);
    CHECK_EQ_STR(out.signal, "connection refused");
}

TEST(edge10_syn_received_rcv_ack_of_syn_established)
{
    tcp_endpoint ep;
    fx_syn_received(&ep);
    in(&ep, 301, 101, TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
}

TEST(edge11_syn_received_close_fin_wait_1)
{
    tcp_endpoint ep;
    fx_syn_received(&ep);
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=FIN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-1 iss=100 irs=300 una=100 nxt=102 snd.wnd=65535 rcv=301 rtx=1000 tw=-1");
    /* the ACK of SYN and FIN together: FIN-WAIT-2 */
    in(&ep, 301, 102, TCP_ACK, 0);
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-2 iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
}

TEST(edge12_established_close_fin_wait_1)
{
    tcp_endpoint ep;
    fx_established(&ep);
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=FIN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-1 iss=100 irs=300 una=101 nxt=102 snd.wnd=65535 rcv=301 rtx=2000 tw=-1");
}

TEST(edge13_established_rcv_fin_close_wait)
{
    tcp_endpoint ep;
    fx_established(&ep);
    in(&ep, 301, 101, TCP_FIN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=302><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSE-WAIT iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=302 rtx=-1 tw=-1");
    CHECK_EQ_STR(out.signal, "connection closing");
}

TEST(edge14_fin_wait_1_rcv_ack_of_fin_fin_wait_2)
{
    tcp_endpoint ep;
    fx_fin_wait_1(&ep);
    in(&ep, 301, 102, TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-2 iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
}

TEST(edge15_fin_wait_1_rcv_fin_closing)
{
    tcp_endpoint ep;
    fx_fin_wait_1(&ep);
    in(&ep, 301, 101, TCP_FIN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=102><ACK=302><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSING iss=100 irs=300 una=101 nxt=102 snd.wnd=65535 rcv=302 rtx=1000 tw=-1");
}

TEST(edge16_fin_wait_2_rcv_fin_time_wait)
{
    tcp_endpoint ep;
    fx_fin_wait_2(&ep);
    in(&ep, 301, 102, TCP_FIN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=102><ACK=302><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "TIME-WAIT iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=302 rtx=-1 tw=3000");
}

TEST(edge17_close_wait_close_last_ack)
{
    tcp_endpoint ep;
    fx_close_wait(&ep);
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=302><CTL=FIN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "LAST-ACK iss=100 irs=300 una=101 nxt=102 snd.wnd=65535 rcv=302 rtx=2000 tw=-1");
}

TEST(edge18_closing_rcv_ack_of_fin_time_wait)
{
    tcp_endpoint ep;
    fx_closing(&ep);
    in(&ep, 302, 102, TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "TIME-WAIT iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=302 rtx=-1 tw=3000");
}

TEST(edge19_last_ack_rcv_ack_of_fin_closed)
{
    tcp_endpoint ep;
    fx_last_ack(&ep);
    in(&ep, 302, 102, TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSED iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=302 rtx=-1 tw=-1");
}

TEST(edge20_time_wait_2msl_timeout_closed)
{
    tcp_endpoint ep;
    fx_time_wait(&ep); /* entered at t=0: 2 x MSL = 2000 ms */
    CHECK_EQ_INT(tcp_ep_timeout(&ep, 1999, &out), TCP_TIMER_NONE);
    CHECK_EQ_INT(ep.state, TCP_TIME_WAIT);
    CHECK_EQ_INT(tcp_ep_timeout(&ep, 2000, &out), TCP_TIMER_TIME_WAIT);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSED iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=302 rtx=-1 tw=-1");
}

TEST(edge_note2_fin_wait_1_rcv_fin_and_ack_time_wait)
{
    tcp_endpoint ep;
    fx_fin_wait_1(&ep);
    in(&ep, 301, 102, TCP_FIN | TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=102><ACK=302><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "TIME-WAIT iss=100 irs=300 una=102 nxt=102 snd.wnd=65535 rcv=302 rtx=-1 tw=3000");
    CHECK_EQ_INT(out.state_before, TCP_FIN_WAIT_1);
    CHECK_EQ_INT(out.ntransitions, 2); /* FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT */
    CHECK(strstr(out.rule, "note 2") != NULL);
}

/* ---- §3.10.5 ABORT and the crash call, from every state -------------------------------- */

TEST(abort_from_every_state)
{
    static const struct {
        const char *segs, *error;
    } want[TCP_STATE_COUNT] = {
        [TCP_CLOSED] = {"", "connection does not exist"},
        [TCP_LISTEN] = {"", NULL},
        [TCP_SYN_SENT] = {"", NULL},
        [TCP_SYN_RECEIVED] = {"<SEQ=101><CTL=RST>", NULL},
        [TCP_ESTABLISHED] = {"<SEQ=101><CTL=RST>", NULL},
        [TCP_FIN_WAIT_1] = {"<SEQ=102><CTL=RST>", NULL},
        [TCP_FIN_WAIT_2] = {"<SEQ=102><CTL=RST>", NULL},
        [TCP_CLOSE_WAIT] = {"<SEQ=101><CTL=RST>", NULL},
        [TCP_CLOSING] = {"", NULL},
        [TCP_LAST_ACK] = {"", NULL},
        [TCP_TIME_WAIT] = {"", NULL},
    };
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        tcp_endpoint ep;
        fx_by_state[s](&ep);
        CHECK_EQ_INT(ep.state, s);
        call(&ep, TCP_CALL_ABORT, 0);
        CHECK_EQ_STR(fx_segs(&out), want[s].segs);
        CHECK_EQ_INT(ep.state, TCP_CLOSED);
        CHECK(ep.rtx_at < 0 && ep.tw_at < 0);
        CHECK((out.error == NULL) == (want[s].error == NULL));
        if (want[s].error)
            CHECK_EQ_STR(out.error, want[s].error);
    }
}

TEST(crash_from_every_state_is_silent)
{
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        tcp_endpoint ep;
        fx_by_state[s](&ep);
        call(&ep, TCP_CALL_CRASH, 0);
        CHECK_EQ_STR(fx_segs(&out), "");
        CHECK_EQ_INT(ep.state, TCP_CLOSED);
        CHECK(ep.rtx_at < 0 && ep.tw_at < 0);
        CHECK(out.error == NULL && out.signal == NULL);
    }
}

/* §3.10.1, §3.10.2, §3.10.4: which calls each state refuses, and with what words. */
TEST(calls_refused_per_state)
{
    static const struct {
        const char *connect, *send, *close;
    } want[TCP_STATE_COUNT] = {
        [TCP_CLOSED] = {NULL, "connection does not exist", "connection does not exist"},
        [TCP_LISTEN] = {NULL, NULL, NULL},
        [TCP_SYN_SENT] = {"connection already exists", NULL, NULL},
        [TCP_SYN_RECEIVED] = {"connection already exists", NULL, NULL},
        [TCP_ESTABLISHED] = {"connection already exists", NULL, NULL},
        [TCP_FIN_WAIT_1] = {"connection already exists", "connection closing",
                            "connection closing"},
        [TCP_FIN_WAIT_2] = {"connection already exists", "connection closing",
                            "connection closing"},
        [TCP_CLOSE_WAIT] = {"connection already exists", NULL, NULL},
        [TCP_CLOSING] = {"connection already exists", "connection closing", "connection closing"},
        [TCP_LAST_ACK] = {"connection already exists", "connection closing", "connection closing"},
        [TCP_TIME_WAIT] = {"connection already exists", "connection closing", "connection closing"},
    };
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        const char *got[3];
        tcp_call calls[3] = {TCP_CALL_CONNECT, TCP_CALL_SEND, TCP_CALL_CLOSE};
        const char *exp[3] = {want[s].connect, want[s].send, want[s].close};
        for (int c = 0; c < 3; c++) {
            tcp_endpoint ep;
            fx_by_state[s](&ep);
            call(&ep, calls[c], 10);
            got[c] = out.error;
            if (exp[c]) {
                CHECK_EQ_STR(got[c], exp[c]);
                CHECK_EQ_INT(ep.state, s); /* a refused call changes nothing */
                CHECK_EQ_STR(fx_segs(&out), "");
            } else if (got[c]) {
                testlib_fail(__FILE__, __LINE__, "%s: %s refused: %s", tcp_state_name(s),
                             tcp_call_name(calls[c]), got[c]);
            }
        }
    }
    /* LISTEN: a second listen is refused too */
    tcp_endpoint ep;
    fx_listen(&ep);
    call(&ep, TCP_CALL_LISTEN, 0);
    CHECK_EQ_STR(out.error, "connection already exists");
}

TEST(close_in_syn_received_with_data_waits_for_established)
{
    tcp_endpoint ep;
    fx_syn_received(&ep);
    call(&ep, TCP_CALL_SEND, 10);
    CHECK_EQ_STR(fx_segs(&out), "");
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_INT(ep.state, TCP_SYN_RECEIVED);
    in(&ep, 301, 101, TCP_ACK, 0);
    CHECK_EQ_STR(fx_segs(&out),
                 "<SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> <SEQ=111><ACK=301><CTL=FIN,ACK>");
    CHECK_EQ_INT(ep.state, TCP_FIN_WAIT_1);
    CHECK_EQ_INT(out.ntransitions, 2);
}

/* Figure 7, line 6: SYN-RECEIVED (active) gets the peer's SYN,ACK; its SYN lies before
 * RCV.NXT (Table 6 rejects it), yet, as the figure shows, the ACK of our SYN makes it
 * ESTABLISHED with nothing sent. */
TEST(edge07b_simultaneous_open_syn_ack_in_syn_received)
{
    tcp_endpoint ep;
    tcp_output out2;
    fx_syn_received_active(&ep);
    tcp_segment s = fx_seg(300, 101, TCP_SYN | TCP_ACK, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out2);
    CHECK_EQ_STR(fx_segs(&out2), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
    CHECK(strstr(out2.rule, "Figure 7") != NULL);
    /* the same segment again is an old duplicate now: ACK it */
    tcp_ep_segment(&ep, FX_T0, &s, &out2);
    CHECK_EQ_STR(fx_segs(&out2), "<SEQ=101><ACK=301><CTL=ACK>");
}
