/*
 * test_tcp_matrix.c — state × segment matrix (after FreeBSD's tcp-testsuite): for each of
 * the eleven states, what a RST, a SYN, an acceptable ACK, an unacceptable ACK and an
 * in-window FIN do. Every cell states the segment, the state after, EXACTLY the segments
 * sent in reply, and the signal to the user; the reason is in the comment.
 *
 * Fixtures (test_tcp_fixture.h): our ISS 100, the peer's ISS 300.
 *   state        SND.UNA SND.NXT RCV.NXT
 *   SYN-SENT       100     101     -
 *   SYN-RECEIVED   100     101    301   (from a passive OPEN)
 *   ESTABLISHED    101     101    301
 *   FIN-WAIT-1     101     102    301
 *   FIN-WAIT-2     102     102    301
 *   CLOSE-WAIT     101     101    302
 *   CLOSING        101     102    302
 *   LAST-ACK       101     102    302
 *   TIME-WAIT      102     102    302
 * "bad ACK" acknowledges 1000 octets never sent (SEG.ACK > SND.NXT, or =< ISS).
 */
#include "test_tcp_fixture.h"

#define R TCP_RST
#define S TCP_SYN
#define A TCP_ACK
#define F TCP_FIN

typedef struct cell {
    tcp_state state;
    const char *what;
    uint32_t seq, ack;
    uint8_t flags;
    tcp_state after;
    const char *reply;
    const char *signal;
} cell;

static const cell matrix[] = {
    /* CLOSED (§3.10.7.1): a RST is discarded; anything else draws a RST built from it */
    {TCP_CLOSED, "RST", 300, 0, R, TCP_CLOSED, "", NULL},
    {TCP_CLOSED, "SYN", 300, 0, S, TCP_CLOSED, "<SEQ=0><ACK=301><CTL=RST,ACK>", NULL},
    {TCP_CLOSED, "ACK", 300, 101, A, TCP_CLOSED, "<SEQ=101><CTL=RST>", NULL},
    {TCP_CLOSED, "bad ACK", 300, 1101, A, TCP_CLOSED, "<SEQ=1101><CTL=RST>", NULL},
    {TCP_CLOSED, "FIN", 300, 101, F | A, TCP_CLOSED, "<SEQ=101><CTL=RST>", NULL},

    /* LISTEN (§3.10.7.2): RST ignored; any ACK is bad → <SEQ=SEG.ACK><CTL=RST>; SYN opens */
    {TCP_LISTEN, "RST", 300, 0, R, TCP_LISTEN, "", NULL},
    {TCP_LISTEN, "SYN", 300, 0, S, TCP_SYN_RECEIVED, "<SEQ=100><ACK=301><CTL=SYN,ACK>", NULL},
    {TCP_LISTEN, "ACK", 300, 101, A, TCP_LISTEN, "<SEQ=101><CTL=RST>", NULL},
    {TCP_LISTEN, "bad ACK", 300, 1101, A, TCP_LISTEN, "<SEQ=1101><CTL=RST>", NULL},
    {TCP_LISTEN, "FIN", 300, 101, F | A, TCP_LISTEN, "<SEQ=101><CTL=RST>", NULL},

    /* SYN-SENT (§3.10.7.3): RST without ACK dropped; SYN → simultaneous open; an
     * acceptable ACK without SYN is dropped; a bad ACK draws <SEQ=SEG.ACK><CTL=RST>; a FIN
     * is not processed (SEG.SEQ cannot be validated) */
    {TCP_SYN_SENT, "RST", 300, 0, R, TCP_SYN_SENT, "", NULL},
    {TCP_SYN_SENT, "SYN", 300, 0, S, TCP_SYN_RECEIVED, "<SEQ=100><ACK=301><CTL=SYN,ACK>", NULL},
    {TCP_SYN_SENT, "ACK", 300, 101, A, TCP_SYN_SENT, "", NULL},
    {TCP_SYN_SENT, "bad ACK", 300, 1101, A, TCP_SYN_SENT, "<SEQ=1101><CTL=RST>", NULL},
    {TCP_SYN_SENT, "FIN", 300, 101, F | A, TCP_SYN_SENT, "", NULL},

    /* SYN-RECEIVED, passive (§3.10.7.4): RST at RCV.NXT → LISTEN; SYN in window → LISTEN;
     * ACK of our SYN → ESTABLISHED; bad ACK → <SEQ=SEG.ACK><CTL=RST>; FIN,ACK acking our
     * SYN → ESTABLISHED then CLOSE-WAIT */
    {TCP_SYN_RECEIVED, "RST", 301, 0, R, TCP_LISTEN, "", NULL},
    {TCP_SYN_RECEIVED, "SYN", 301, 0, S, TCP_LISTEN, "", NULL},
    {TCP_SYN_RECEIVED, "ACK", 301, 101, A, TCP_ESTABLISHED, "", NULL},
    {TCP_SYN_RECEIVED, "bad ACK", 301, 1101, A, TCP_SYN_RECEIVED, "<SEQ=1101><CTL=RST>", NULL},
    {TCP_SYN_RECEIVED, "FIN", 301, 101, F | A, TCP_CLOSE_WAIT, "<SEQ=101><ACK=302><CTL=ACK>",
     "connection closing"},

    /* ESTABLISHED: RST → CLOSED "connection reset"; SYN → challenge ACK (RFC 5961 §4);
     * ACK of unsent data → ACK and drop; FIN → CLOSE-WAIT */
    {TCP_ESTABLISHED, "RST", 301, 0, R, TCP_CLOSED, "", "connection reset"},
    {TCP_ESTABLISHED, "SYN", 301, 0, S, TCP_ESTABLISHED, "<SEQ=101><ACK=301><CTL=ACK>", NULL},
    {TCP_ESTABLISHED, "ACK", 301, 101, A, TCP_ESTABLISHED, "", NULL},
    {TCP_ESTABLISHED, "bad ACK", 301, 1101, A, TCP_ESTABLISHED, "<SEQ=101><ACK=301><CTL=ACK>",
     NULL},
    {TCP_ESTABLISHED, "FIN", 301, 101, F | A, TCP_CLOSE_WAIT, "<SEQ=101><ACK=302><CTL=ACK>",
     "connection closing"},

    /* FIN-WAIT-1: ACK of our FIN → FIN-WAIT-2; FIN without it → CLOSING */
    {TCP_FIN_WAIT_1, "RST", 301, 0, R, TCP_CLOSED, "", "connection reset"},
    {TCP_FIN_WAIT_1, "SYN", 301, 0, S, TCP_FIN_WAIT_1, "<SEQ=102><ACK=301><CTL=ACK>", NULL},
    {TCP_FIN_WAIT_1, "ACK", 301, 102, A, TCP_FIN_WAIT_2, "", NULL},
    {TCP_FIN_WAIT_1, "bad ACK", 301, 1102, A, TCP_FIN_WAIT_1, "<SEQ=102><ACK=301><CTL=ACK>", NULL},
    {TCP_FIN_WAIT_1, "FIN", 301, 101, F | A, TCP_CLOSING, "<SEQ=102><ACK=302><CTL=ACK>",
     "connection closing"},

    /* FIN-WAIT-2: FIN → TIME-WAIT */
    {TCP_FIN_WAIT_2, "RST", 301, 0, R, TCP_CLOSED, "", "connection reset"},
    {TCP_FIN_WAIT_2, "SYN", 301, 0, S, TCP_FIN_WAIT_2, "<SEQ=102><ACK=301><CTL=ACK>", NULL},
    {TCP_FIN_WAIT_2, "ACK", 301, 102, A, TCP_FIN_WAIT_2, "", NULL},
    {TCP_FIN_WAIT_2, "bad ACK", 301, 1102, A, TCP_FIN_WAIT_2, "<SEQ=102><ACK=301><CTL=ACK>", NULL},
    {TCP_FIN_WAIT_2, "FIN", 301, 102, F | A, TCP_TIME_WAIT, "<SEQ=102><ACK=302><CTL=ACK>",
     "connection closing"},

    /* CLOSE-WAIT: a second FIN at RCV.NXT is ACKed, the state remains */
    {TCP_CLOSE_WAIT, "RST", 302, 0, R, TCP_CLOSED, "", "connection reset"},
    {TCP_CLOSE_WAIT, "SYN", 302, 0, S, TCP_CLOSE_WAIT, "<SEQ=101><ACK=302><CTL=ACK>", NULL},
    {TCP_CLOSE_WAIT, "ACK", 302, 101, A, TCP_CLOSE_WAIT, "", NULL},
    {TCP_CLOSE_WAIT, "bad ACK", 302, 1101, A, TCP_CLOSE_WAIT, "<SEQ=101><ACK=302><CTL=ACK>", NULL},
    {TCP_CLOSE_WAIT, "FIN", 302, 101, F | A, TCP_CLOSE_WAIT, "<SEQ=101><ACK=302><CTL=ACK>", NULL},

    /* CLOSING: RST → CLOSED without a signal; ACK of our FIN → TIME-WAIT; a segment whose
     * ACK does not cover our FIN is ignored (fifth step) — no reply */
    {TCP_CLOSING, "RST", 302, 0, R, TCP_CLOSED, "", NULL},
    {TCP_CLOSING, "SYN", 302, 0, S, TCP_CLOSING, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_CLOSING, "ACK", 302, 102, A, TCP_TIME_WAIT, "", NULL},
    {TCP_CLOSING, "bad ACK", 302, 1102, A, TCP_CLOSING, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_CLOSING, "FIN", 302, 101, F | A, TCP_CLOSING, "", NULL},

    /* LAST-ACK: ACK of our FIN → CLOSED */
    {TCP_LAST_ACK, "RST", 302, 0, R, TCP_CLOSED, "", NULL},
    {TCP_LAST_ACK, "SYN", 302, 0, S, TCP_LAST_ACK, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_LAST_ACK, "ACK", 302, 102, A, TCP_CLOSED, "", NULL},
    {TCP_LAST_ACK, "bad ACK", 302, 1102, A, TCP_LAST_ACK, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_LAST_ACK, "FIN", 302, 101, F | A, TCP_LAST_ACK, "<SEQ=102><ACK=302><CTL=ACK>", NULL},

    /* TIME-WAIT: RST → CLOSED; SYN → challenge ACK (no timestamps, so no RFC 6191 reuse);
     * FIN → ACK and restart 2MSL */
    {TCP_TIME_WAIT, "RST", 302, 0, R, TCP_CLOSED, "", NULL},
    {TCP_TIME_WAIT, "SYN", 302, 0, S, TCP_TIME_WAIT, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_TIME_WAIT, "ACK", 302, 102, A, TCP_TIME_WAIT, "", NULL},
    {TCP_TIME_WAIT, "bad ACK", 302, 1102, A, TCP_TIME_WAIT, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
    {TCP_TIME_WAIT, "FIN", 302, 102, F | A, TCP_TIME_WAIT, "<SEQ=102><ACK=302><CTL=ACK>", NULL},
};

TEST(matrix_state_by_segment)
{
    size_t n = sizeof matrix / sizeof matrix[0];
    CHECK_EQ_INT(n, 5 * TCP_STATE_COUNT);
    for (size_t i = 0; i < n; i++) {
        const cell *c = &matrix[i];
        tcp_endpoint ep;
        tcp_output out;
        fx_by_state[c->state](&ep);
        CHECK_EQ_INT(ep.state, c->state);
        tcp_segment s = fx_seg(c->seq, c->ack, c->flags, 0);
        tcp_ep_segment(&ep, FX_T0, &s, &out);
        char seg[128];
        fx_fmt_seg(seg, sizeof seg, &s);
        if (ep.state != c->after || strcmp(fx_segs(&out), c->reply) != 0 ||
            (out.signal == NULL) != (c->signal == NULL) ||
            (c->signal && strcmp(out.signal, c->signal) != 0)) {
            testlib_fail(__FILE__, __LINE__,
                         "%s + %s %s: got %s, reply \"%s\", signal %s; expected %s, \"%s\", %s",
                         tcp_state_name(c->state), c->what, seg, tcp_state_name(ep.state),
                         fx_segs(&out), out.signal ? out.signal : "-", tcp_state_name(c->after),
                         c->reply, c->signal ? c->signal : "-");
        }
        CHECK(out.rule != NULL);
        CHECK_EQ_INT(out.state_before, c->state);
    }
}

/* RFC 5961 §3 as RFC 9293 adopts it: a RST in the window but not at RCV.NXT draws a
 * challenge ACK; outside the window it is dropped silently. */
TEST(matrix_rst_sequence_checks)
{
    tcp_endpoint ep;
    tcp_output out;
    fx_established(&ep);
    tcp_segment s = fx_seg(302, 0, TCP_RST, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    s = fx_seg(301 + 65535, 0, TCP_RST, 0); /* first sequence number past the window */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    s = fx_seg(300, 0, TCP_RST, 0); /* just before RCV.NXT */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "");
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    /* SYN-SENT: a RST whose ACK is acceptable closes, "connection reset" (§3.10.7.3) */
    fx_syn_sent(&ep);
    s = fx_seg(0, 101, TCP_RST | TCP_ACK, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_INT(ep.state, TCP_CLOSED);
    CHECK_EQ_STR(out.signal, "connection reset");
    CHECK_EQ_STR(fx_segs(&out), "");
    /* ...and one with an unacceptable ACK is dropped */
    fx_syn_sent(&ep);
    s = fx_seg(0, 100, TCP_RST | TCP_ACK, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_INT(ep.state, TCP_SYN_SENT);
    CHECK_EQ_STR(fx_segs(&out), "");
}

/* Table 6: old duplicates and segments beyond the window draw <SEQ=SND.NXT><ACK=RCV.NXT>. */
TEST(matrix_sequence_acceptability)
{
    tcp_endpoint ep;
    tcp_output out;
    fx_established(&ep);
    tcp_segment s = fx_seg(291, 101, TCP_ACK, 10); /* 291..300: all already received */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_STR(fx_state(&ep),
                 "ESTABLISHED iss=100 irs=300 una=101 nxt=101 snd.wnd=65535 rcv=301 rtx=-1 tw=-1");
    s = fx_seg(301 + 65535, 101, TCP_ACK, 10); /* beyond the window */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    s = fx_seg(296, 101, TCP_ACK, 10); /* straddles RCV.NXT: only 301..305 are new */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=306><CTL=ACK>");
    CHECK_EQ_INT(ep.rcv_nxt, 306);
    /* a retransmitted SYN,ACK in ESTABLISHED (our third ACK was lost) is an old duplicate:
     * it is ACKed again, which completes the peer's handshake */
    fx_established(&ep);
    s = fx_seg(300, 101, TCP_SYN | TCP_ACK, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    /* a retransmitted SYN in SYN-RECEIVED is an old duplicate as well */
    fx_syn_received(&ep);
    s = fx_seg(300, 0, TCP_SYN, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_INT(ep.state, TCP_SYN_RECEIVED);
}

/* Out-of-order data is held (SHLD-31) and delivered when the gap fills. */
TEST(matrix_out_of_order_held_then_delivered)
{
    tcp_endpoint ep;
    tcp_output out;
    fx_established(&ep);
    tcp_segment s = fx_seg(311, 101, TCP_ACK, 10);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>"); /* duplicate ACK */
    CHECK_EQ_INT(ep.nheld, 1);
    s = fx_seg(321, 101, TCP_FIN | TCP_ACK, 0);
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=301><CTL=ACK>");
    CHECK_EQ_INT(ep.state, TCP_ESTABLISHED);
    s = fx_seg(301, 101, TCP_ACK, 10); /* fills the gap: 301..320 and the FIN at 321 */
    tcp_ep_segment(&ep, FX_T0, &s, &out);
    CHECK_EQ_STR(fx_segs(&out), "<SEQ=101><ACK=322><CTL=ACK>"); /* one ACK for all (MUST-59) */
    CHECK_EQ_INT(ep.state, TCP_CLOSE_WAIT);
    CHECK_EQ_INT(ep.nheld, 0);
    CHECK_EQ_STR(out.signal, "connection closing");
}
