/*
 * test_tcp_audit.c — regressions found by an audit of the engine against RFC 9293 §3.10
 * (Event Processing). Each test: a fixture (test_tcp_fixture.h: our ISS 100, the peer's
 * ISS 300, RTO 1000 ms, MSL 1000 ms) puts the endpoint in a state, inputs arrive at
 * t=1000, EXACTLY the expected segments come out and the whole TCB is compared.
 * Owns: these regressions only. Does not: repeat the matrix, edge or figure tests.
 */
#include "test_tcp_fixture.h"

static tcp_output out;

static void in_w(tcp_endpoint *ep, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len,
                 uint32_t wnd)
{
    tcp_segment s = fx_seg(seq, ack, flags, len);
    s.wnd = wnd;
    tcp_ep_segment(ep, FX_T0, &s, &out);
}

static void call(tcp_endpoint *ep, tcp_call c, uint32_t bytes)
{
    tcp_ep_call(ep, FX_T0, c, bytes, &out);
}

/* RFC 9293 §3.10.4 ESTABLISHED: "Queue this until all preceding SENDs have been
 * segmentized, then form a FIN segment and send it. In any case, enter FIN-WAIT-1".
 * §3.10.7.4 fifth, CLOSING: "In addition to the processing for the ESTABLISHED state, if
 * the ACK acknowledges our FIN, then enter the TIME-WAIT state". If the peer's FIN
 * arrives while our data and FIN still wait for window (FIN-WAIT-1 -> CLOSING), the
 * queued data and then the FIN must still go out as the peer's ACKs open the window;
 * the connection must not stay in CLOSING forever. */
TEST(audit_closing_sends_data_and_fin_queued_before_close)
{
    tcp_endpoint ep;
    fx_established(&ep);
    in_w(&ep, 301, 101, TCP_ACK, 0, 10); /* the peer's window shrinks to 10 octets */
    call(&ep, TCP_CALL_SEND, 30);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK><LEN=10>");
    call(&ep, TCP_CALL_CLOSE, 0); /* 20 octets and the FIN wait for window */
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-1 iss=100 irs=300 una=101 nxt=111 snd.wnd=10 rcv=301 rtx=2000 tw=-1");
    /* the peer closes too, before acknowledging our data */
    in_w(&ep, 301, 101, TCP_FIN | TCP_ACK, 0, 10);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=111><ACK=302><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSING iss=100 irs=300 una=101 nxt=111 snd.wnd=10 rcv=302 rtx=2000 tw=-1");
    /* the peer acknowledges the first 10 octets: the next 10 may go */
    in_w(&ep, 302, 111, TCP_ACK, 0, 10);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=111><ACK=302><CTL=ACK><LEN=10>");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSING iss=100 irs=300 una=111 nxt=121 snd.wnd=10 rcv=302 rtx=2000 tw=-1");
    in_w(&ep, 302, 121, TCP_ACK, 0, 11); /* room for the last 10 octets and the FIN */
    CHECK_EQ_STR(fx_segs(&out),
                 "<SEQ=121><ACK=302><CTL=ACK,PSH><LEN=10> <SEQ=131><ACK=302><CTL=FIN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "CLOSING iss=100 irs=300 una=121 nxt=132 snd.wnd=11 rcv=302 rtx=2000 tw=-1");
    in_w(&ep, 302, 132, TCP_ACK, 0, 11);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "TIME-WAIT iss=100 irs=300 una=132 nxt=132 snd.wnd=11 rcv=302 rtx=-1 tw=3000");
}

/* RFC 9293 §3.10.7.4 fourth (RFC 5961 §4): "if the SYN bit is set, irrespective of the
 * sequence number, TCP endpoints MUST send a "challenge ACK" ... After sending the
 * acknowledgment, TCP implementations MUST drop the unacceptable segment and stop
 * processing further." An old SYN (SEG.SEQ = IRS) that carries a FIN or text passes
 * Table 6 (its last octet is at RCV.NXT or later) and reaches that step: it must not
 * close the connection or deliver data. (The engine trims an already received SYN only
 * when nothing is left after it: the Figure 7 SYN,ACK; tcp.c SIMPLIFICATIONS.) */
TEST(audit_established_old_syn_with_fin_gets_challenge_ack)
{
    tcp_endpoint ep;
    fx_established(&ep);
    in_w(&ep, 300, 101, TCP_SYN | TCP_FIN | TCP_ACK, 0, 65535);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK(out.signal == NULL);
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
}

TEST(audit_established_old_syn_with_text_gets_challenge_ack)
{
    tcp_endpoint ep;
    fx_established(&ep);
    in_w(&ep, 300, 101, TCP_SYN | TCP_ACK, 10, 65535);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
}

/* Figure 7, line 6, with data queued in SYN-RECEIVED (RFC 9293 §3.10.2: "queue the data for
 * transmission after entering ESTABLISHED"): the SYN,ACK that completes the open lets the
 * queued octets go out in the same step, so the rule for that step must not say that
 * nothing is sent. Without queued data nothing goes out, and the rule says so. Neither
 * rule may call the SYN "trimmed": the SYN,ACK fails Table 6 (SEG.SEQ=300, SEG.LEN=1,
 * RCV.NXT=301) and §3.10.7.4 trims only acceptable segments. */
TEST(audit_simultaneous_open_rule_says_queued_data_goes_out)
{
    tcp_endpoint ep;
    fx_syn_received_active(&ep);
    call(&ep, TCP_CALL_SEND, 10);
    CHECK_EQ_STR(fx_segs(&out), "");
    in_w(&ep, 300, 101, TCP_SYN | TCP_ACK, 0, 65535);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>");
    CHECK(strstr(out.rule, "Figure 7") != NULL);
    CHECK(strstr(out.rule, "nothing") == NULL);
    CHECK(strstr(out.rule, "queued") != NULL);
    CHECK(strstr(out.rule, "trimmed") == NULL);
    CHECK(out.ntransitions == 1 && out.transitions[0].rule == out.rule);

    fx_syn_received_active(&ep);
    in_w(&ep, 300, 101, TCP_SYN | TCP_ACK, 0, 65535);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK(strstr(out.rule, "Figure 7") != NULL);
    CHECK(strstr(out.rule, "Table 6") != NULL);
    CHECK(strstr(out.rule, "trimmed") == NULL);
    CHECK(strstr(out.rule, "queued") == NULL);
}

/* MUST-61 ("A sender's final data segment ... the TCP implementation MUST set the PSH
 * flag", when PUSH is not a user option) is in RFC 9293 §3.9.1.2, not §3.9.1 (SEND). */
TEST(audit_psh_rule_cites_section_3_9_1_2)
{
    tcp_endpoint ep;
    fx_established(&ep);
    call(&ep, TCP_CALL_SEND, 10);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10>");
    CHECK(strstr(out.segs[0].rule, "§3.9.1.2, MUST-61") != NULL);
}

/* Figure 7, line 6, with data AND a CLOSE queued in SYN-RECEIVED (§3.10.4 SYN-RECEIVED:
 * with data pending, "queue for processing after entering ESTABLISHED state"). The peer's
 * SYN,ACK completes the open; in that one step the queued octets and then the FIN go out
 * and the endpoint passes on to FIN-WAIT-1. The transition that completes the open names
 * Figure 7 and says that what was queued goes out now, and so does the step's rule, which
 * also names the queued CLOSE and FIN-WAIT-1; neither may say that nothing is sent, nor
 * call the SYN "trimmed". */
TEST(audit_simultaneous_open_queued_data_and_fin_go_out_with_the_open)
{
    tcp_endpoint ep;
    fx_syn_received_active(&ep);
    call(&ep, TCP_CALL_SEND, 10);
    CHECK_EQ_STR(fx_segs(&out), "");
    call(&ep, TCP_CALL_CLOSE, 0);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_STR(fx_state(&ep),
                 "SYN-RECEIVED iss=100 irs=300 una=100 nxt=101 snd.wnd=65535 rcv=301 rtx=1000 "
                 "tw=-1");
    in_w(&ep, 300, 101, TCP_SYN | TCP_ACK, 0, 65535);
    CHECK_EQ_STR(fx_segs(&out),
                 "<SEQ=101><ACK=301><CTL=ACK,PSH><LEN=10> <SEQ=111><ACK=301><CTL=FIN,ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "FIN-WAIT-1 iss=100 irs=300 una=101 nxt=112 snd.wnd=65535 rcv=301 rtx=2000 "
                 "tw=-1");
    CHECK(out.ntransitions >= 1);
    const tcp_transition *open = &out.transitions[0];
    CHECK(open->from == TCP_SYN_RECEIVED && open->to == TCP_ESTABLISHED);
    CHECK(strstr(open->rule, "Figure 7") != NULL);
    CHECK(strstr(open->rule, "goes out now") != NULL);
    CHECK(strstr(open->rule, "no segment is sent") == NULL);
    CHECK(strstr(open->rule, "nothing") == NULL);
    CHECK(strstr(open->rule, "trimmed") == NULL);
    CHECK(strstr(out.rule, "Figure 7") != NULL);
    CHECK(strstr(out.rule, "Table 6") != NULL);
    CHECK(strstr(out.rule, "CLOSE queued in SYN-RECEIVED") != NULL);
    CHECK(strstr(out.rule, "FIN-WAIT-1") != NULL);
    CHECK(strstr(out.rule, "no segment is sent") == NULL);
    CHECK(strstr(out.rule, "trimmed") == NULL);
}
