/*
 * tcp.c — one TCP endpoint: the RFC 9293 TCB and its state machine, as a pure function.
 *
 * Owns: the names in tcp.h, and everything declared in tcp_endpoint.h: user calls
 * (§3.10.1–3.10.5), SEGMENT ARRIVES (§3.10.7) in the RFC's order, the retransmission and
 * TIME-WAIT timers (§3.10.8, RFC 6298 style backoff), out-of-order holding (SHLD-31), and a
 * listening endpoint's SYN cookie reply and rebuild (RFC 4987 §3.6; when is listenq.c's call).
 * Does not: read a clock, pick ISNs, allocate, print, or know about the other endpoint.
 * Inputs are (now_ms, call | segment | timer); outputs go into a fixed tcp_output.
 *
 * ---------------------------------------------------------------------------------------
 * STATE DIAGRAM (RFC 9293 §3.3.2, Figure 5) — every arrow and the function that makes it
 *
 *                               +---------+ ---------\      active OPEN
 *                               |  CLOSED |            \    -----------
 *                               +---------+<---------\   \   create TCB
 *                                 |     ^              \   \  snd SYN
 *                    passive OPEN |     |   CLOSE        \   \
 *                    ------------ |     | ----------       \   \
 *                     create TCB  |     | delete TCB         \   \
 *                                 V     |                      \   \
 *             rcv RST (note 1)  +---------+            CLOSE    |    \
 *          -------------------->|  LISTEN |          ---------- |     |
 *         /                     +---------+          delete TCB |     |
 *        /           rcv SYN      |     |     SEND              |     |
 *       /           -----------   |     |    -------            |     V
 *   +--------+      snd SYN,ACK  /       \   snd SYN          +--------+
 *   |        |<-----------------           ------------------>|        |
 *   |  SYN   |                    rcv SYN                     |  SYN   |
 *   |  RCVD  |<-----------------------------------------------|  SENT  |
 *   |        |                  snd SYN,ACK                   |        |
 *   |        |------------------           -------------------|        |
 *   +--------+   rcv ACK of SYN  \       /  rcv SYN,ACK       +--------+
 *      |         --------------   |     |   -----------
 *      |                x         |     |     snd ACK
 *      |                          V     V
 *      |  CLOSE                 +---------+
 *      | -------                |  ESTAB  |
 *      | snd FIN                +---------+
 *      |                 CLOSE    |     |    rcv FIN
 *      V                -------   |     |    -------
 *   +---------+         snd FIN  /       \   snd ACK         +---------+
 *   |  FIN    |<----------------          ------------------>|  CLOSE  |
 *   | WAIT-1  |------------------                            |   WAIT  |
 *   +---------+          rcv FIN  \                          +---------+
 *     | rcv ACK of FIN   -------   |                          CLOSE  |
 *     | --------------   snd ACK   |                         ------- |
 *     V        x                   V                         snd FIN V
 *   +---------+               +---------+                    +---------+
 *   |FINWAIT-2|               | CLOSING |                    | LAST-ACK|
 *   +---------+               +---------+                    +---------+
 *     |              rcv ACK of FIN |                 rcv ACK of FIN |
 *     |  rcv FIN     -------------- |    Timeout=2MSL -------------- |
 *     |  -------            x       V    ------------        x       V
 *      \ snd ACK              +---------+delete TCB          +---------+
 *        -------------------->|TIME-WAIT|------------------->| CLOSED  |
 *                             +---------+                    +---------+
 *
 *   CLOSED   -> LISTEN        passive OPEN            call_listen()
 *   CLOSED   -> SYN-SENT      active OPEN, snd SYN    call_connect() -> open_active()
 *   LISTEN   -> CLOSED        CLOSE                   call_close()
 *   LISTEN   -> SYN-SENT      SEND (or active OPEN)   call_send()/call_connect() -> open_active()
 *   LISTEN   -> SYN-RECEIVED  rcv SYN, snd SYN,ACK    seg_listen()
 *   SYN-SENT -> CLOSED        CLOSE                   call_close()
 *   SYN-SENT -> SYN-RECEIVED  rcv SYN, snd SYN,ACK    seg_syn_sent()     (simultaneous open)
 *   SYN-SENT -> ESTABLISHED   rcv SYN,ACK, snd ACK    seg_syn_sent()
 *   SYN-RCVD -> LISTEN        rcv RST (passive only)  seg_rst()          (note 1, MUST-11)
 *   SYN-RCVD -> ESTABLISHED   rcv ACK of SYN          seg_ack()
 *   SYN-RCVD -> FIN-WAIT-1    CLOSE, snd FIN          call_close()
 *   ESTAB    -> FIN-WAIT-1    CLOSE, snd FIN          call_close()       (FIN after queued data)
 *   ESTAB    -> CLOSE-WAIT    rcv FIN, snd ACK        seg_fin()
 *   FIN-W-1  -> FIN-WAIT-2    rcv ACK of FIN          seg_ack()
 *   FIN-W-1  -> CLOSING       rcv FIN, snd ACK        seg_fin()
 *   FIN-W-1  -> TIME-WAIT     rcv FIN + ACK of FIN    seg_ack() then seg_fin()  (note 2)
 *   FIN-W-2  -> TIME-WAIT     rcv FIN, snd ACK        seg_fin()
 *   CLOSE-W  -> LAST-ACK      CLOSE, snd FIN          call_close()
 *   CLOSING  -> TIME-WAIT     rcv ACK of FIN          seg_ack()
 *   LAST-ACK -> CLOSED        rcv ACK of FIN          seg_ack()
 *   TIME-WAIT-> CLOSED        timeout 2MSL            tcp_ep_timeout()
 *   LISTEN   -> ESTABLISHED   rcv ACK with a SYN cookie tcp_ep_syn_cookie_open() (RFC 4987 §3.6)
 * Not drawn in Figure 5 (note 3 and §3.10): any state -> CLOSED on an acceptable RST
 * (seg_rst(), seg_syn_sent()), ABORT (call_abort()), crash (call_crash()), retransmission
 * retries exhausted (tcp_ep_timeout()); SYN-RECEIVED(passive) -> LISTEN on a SYN (seg_other()).
 * Every change goes through set_state(), which records it in the output.
 *
 * INVARIANTS (asserted by check_invariants() on entry to every public tcp_ep_* call that
 * changes the TCB, so a violation left by one input is caught at the next)
 *   I1  In every state but CLOSED and LISTEN: SND.UNA =< SND.NXT (sequence space).
 *   I2  CLOSED and LISTEN run no timer; TIME-WAIT runs only the TIME-WAIT timer; every
 *       other state never runs the TIME-WAIT timer.
 *   I3  Once a SYN has been received (SYN-RECEIVED onwards, and TIME-WAIT):
 *       RCV.NXT == IRS + 1 + data octets accepted + (1 if the peer's FIN was accepted).
 *   I4  Outside CLOSED, LISTEN and TIME-WAIT the retransmission timer runs exactly when
 *       something we sent is unacknowledged (SND.UNA != SND.NXT).
 *   I5  When our FIN has been sent: SND.NXT == FIN seq + 1 and no data waits unsent.
 *   I6  At most TCP_HOLD_MAX held segments, each beginning after RCV.NXT.
 *
 * SIMPLIFICATIONS (each one said out loud, because this is a teaching tool)
 *   - Data is byte-counted (no payload). The receiver's application reads at once, so
 *     RCV.WND is constant. Every data segment is ACKed at once: no delayed ACK (Linux
 *     delays ACKs; RFC 9293 §3.8.6.3 recommends them, SHLD-18, and bounds the delay at
 *     0.5 s, MUST-40). No Nagle, no congestion control.
 *   - RST processing follows RFC 5961 §3 and SYN processing RFC 5961 §4 as RFC 9293 adopts
 *     them; the RFC 5961 §5 ACK range check (MAY-12) is not done. No zero-window probes:
 *     facing a window of 0, queued data and the FIN wait (the window never reopens here).
 *   - Text or FIN carried on a SYN is not processed (dropped; the sender retransmits).
 *   - Retransmission sends only the earliest unacknowledged segment (SYN, SYN+ACK, up to
 *     MSS data octets from SND.UNA, or the FIN). RTO doubles on each expiry (capped at
 *     2^30 ms) and returns to rto_ms when new data is acknowledged.
 *   - Figure 7, line 6 (simultaneous open): in SYN-RECEIVED the peer's SYN,ACK
 *     (SEG.SEQ=IRS, SEG.LEN=1, RCV.NXT=IRS+1) fails Table 6, and §3.10.7.4 then says to ACK
 *     and drop it (its trimming applies only to acceptable segments); that literal reading
 *     also completes the open, one exchange of ACKs later. The figure shows the SYN,ACK
 *     completing the open at once, and the engine follows the figure: a segment without
 *     text or FIN whose only part before RCV.NXT is an already received SYN, and whose ACK
 *     acknowledges something new, is processed as an empty segment at RCV.NXT. Without a
 *     new ACK it is an old duplicate: Table 6 rejects it and we ACK. With text or FIN the
 *     SYN is kept, so the fourth step (challenge ACK, or LISTEN) applies.
 */
#include "tcp_endpoint.h"

#include <assert.h>
#include <string.h>

#include "seq.h"

/* ---- names ------------------------------------------------------------------------ */

static const char *const state_names[TCP_STATE_COUNT] = {
    "CLOSED",     "LISTEN",     "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",  "LAST-ACK",     "TIME-WAIT",
};

const char *tcp_state_name(tcp_state s)
{
    if ((int)s < 0 || s >= TCP_STATE_COUNT)
        return "?";
    return state_names[s];
}

bool tcp_state_from_name(const char *name, tcp_state *out)
{
    if (!name)
        return false;
    for (int i = 0; i < TCP_STATE_COUNT; i++) {
        if (strcmp(name, state_names[i]) == 0) {
            if (out)
                *out = (tcp_state)i;
            return true;
        }
    }
    return false;
}

const uint8_t tcp_flag_order[TCP_FLAG_NAME_COUNT] = {TCP_SYN, TCP_ACK, TCP_FIN, TCP_RST, TCP_PSH};

const char *tcp_flag_name(uint8_t f)
{
    switch (f) {
    case TCP_SYN:
        return "SYN";
    case TCP_ACK:
        return "ACK";
    case TCP_FIN:
        return "FIN";
    case TCP_RST:
        return "RST";
    case TCP_PSH:
        return "PSH";
    default:
        return NULL;
    }
}

bool tcp_flag_from_name(const char *name, uint8_t *out)
{
    if (!name)
        return false;
    for (int i = 0; i < TCP_FLAG_NAME_COUNT; i++) {
        if (strcmp(name, tcp_flag_name(tcp_flag_order[i])) == 0) {
            if (out)
                *out = tcp_flag_order[i];
            return true;
        }
    }
    return false;
}

static const char *const call_names[TCP_CALL_COUNT] = {"listen", "connect", "send",
                                                       "close",  "abort",   "crash"};

const char *tcp_call_name(tcp_call c)
{
    if ((int)c < 0 || c >= TCP_CALL_COUNT)
        return "?";
    return call_names[c];
}

bool tcp_call_from_name(const char *name, tcp_call *out)
{
    if (!name)
        return false;
    for (int i = 0; i < TCP_CALL_COUNT; i++) {
        if (strcmp(name, call_names[i]) == 0) {
            if (out)
                *out = (tcp_call)i;
            return true;
        }
    }
    return false;
}

/* ---- user-visible strings (RFC 9293 wording) --------------------------------------- */

#define ERR_EXISTS    "connection already exists"
#define ERR_NOT_EXIST "connection does not exist"
#define ERR_CLOSING   "connection closing"
#define SIG_RESET     "connection reset"
#define SIG_REFUSED   "connection refused"
#define SIG_CLOSING   "connection closing"
#define SIG_TIMEOUT   "connection timed out"

#define RTO_CAP_MS (1u << 30)

/* ---- invariants ------------------------------------------------------------------- */

static inline bool synchronized_or_rcvd(tcp_state s)
{
    return s >= TCP_SYN_RECEIVED;
}

static void check_invariants(const tcp_endpoint *ep)
{
    tcp_state s = ep->state;
    (void)s;
    /* I1 */
    assert(s == TCP_CLOSED || s == TCP_LISTEN || seq_leq(ep->snd_una, ep->snd_nxt));
    /* I2 */
    assert(!((s == TCP_CLOSED || s == TCP_LISTEN) && (ep->rtx_at >= 0 || ep->tw_at >= 0)));
    assert(!(s == TCP_TIME_WAIT && (ep->rtx_at >= 0 || ep->tw_at < 0)));
    assert(s == TCP_TIME_WAIT || ep->tw_at < 0);
    /* I3 */
    assert(!synchronized_or_rcvd(s) ||
           ep->rcv_nxt == ep->irs + 1u + ep->rcv_data + (ep->fin_received ? 1u : 0u));
    /* I4 */
    assert(s == TCP_CLOSED || s == TCP_LISTEN || s == TCP_TIME_WAIT ||
           ((ep->rtx_at >= 0) == (ep->snd_una != ep->snd_nxt)));
    /* I5 */
    assert(!ep->fin_sent || (ep->snd_nxt == ep->fin_seq + 1u && ep->unsent == 0));
    /* I6 */
    assert(ep->nheld <= TCP_HOLD_MAX);
    for (size_t i = 0; i < ep->nheld; i++)
        assert(seq_gt(ep->held[i].seq, ep->rcv_nxt));
}

/* ---- output helpers ------------------------------------------------------------- */

static void out_begin(const tcp_endpoint *ep, tcp_output *out)
{
    out->state_before = ep->state;
    out->rule = NULL;
    out->error = NULL;
    out->signal = NULL;
    out->nsegs = 0;
    out->more = false;
    out->ntransitions = 0;
    out->iss_used = false;
    out->snd_nxt_first = ep->snd_nxt;
}

static void note(tcp_output *out, const char *rule)
{
    out->rule = rule;
}

/* The ONE place where the state changes. */
static void set_state(tcp_endpoint *ep, tcp_output *out, tcp_state to, const char *rule)
{
    if (out->ntransitions == TCP_OUT_MAX_TRANSITIONS) {
        memmove(&out->transitions[0], &out->transitions[1],
                sizeof out->transitions[0] * (TCP_OUT_MAX_TRANSITIONS - 1));
        out->ntransitions--;
    }
    out->transitions[out->ntransitions].from = ep->state;
    out->transitions[out->ntransitions].to = to;
    out->transitions[out->ntransitions].rule = rule;
    out->ntransitions++;
    out->rule = rule;
    ep->state = to;
    if (to == TCP_CLOSED || to == TCP_LISTEN) {
        /* delete the TCB: queues flushed, timers off; the variables stay for display */
        ep->rtx_at = -1;
        ep->tw_at = -1;
        ep->unsent = 0;
        ep->nheld = 0;
        ep->fin_queued = false;
        ep->close_pending = false;
    }
    if (to == TCP_TIME_WAIT) {
        ep->rtx_at = -1; /* "turn off the other timers" */
    }
}

/* Returns false (and sets out->more) when the output is full. */
/* How a segment relates to SND.NXT: E_CTL leaves it (ACK, RST, a SYN,ACK resent in
 * simultaneous open), E_NEW has just advanced it over this segment, E_RTX is a resend. */
enum { E_CTL = 0, E_NEW, E_RTX };

static bool emit(tcp_endpoint *ep, tcp_output *out, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint32_t len, int how, const char *rule)
{
    if (out->nsegs == TCP_OUT_MAX_SEGS) {
        out->more = true;
        return false;
    }
    if (out->nsegs == 0)
        out->snd_nxt_first = how == E_NEW ? seq : ep->snd_nxt;
    tcp_out_seg *o = &out->segs[out->nsegs++];
    o->seg.seq = seq;
    o->seg.ack = (flags & TCP_ACK) ? ack : 0;
    o->seg.flags = flags;
    o->seg.len = len;
    o->seg.wnd = (flags & TCP_RST) && !(flags & TCP_ACK) ? 0 : ep->rcv_wnd;
    o->retransmission = how == E_RTX;
    o->rule = rule;
    o->snd_nxt_after = ep->snd_nxt; /* callers advance SND.NXT before emitting */
    return true;
}

static void send_ack(tcp_endpoint *ep, tcp_output *out, const char *rule)
{
    emit(ep, out, ep->snd_nxt, ep->rcv_nxt, TCP_ACK, 0, E_CTL, rule);
}

static void rtx_start_if_stopped(tcp_endpoint *ep, int64_t now)
{
    if (ep->rtx_at < 0)
        ep->rtx_at = now + ep->rto_cur;
}

static void tw_start(tcp_endpoint *ep, int64_t now)
{
    ep->tw_at = now + 2 * (int64_t)ep->cfg.msl_ms;
}

static uint32_t take_iss(tcp_endpoint *ep, tcp_output *out)
{
    out->iss_used = true;
    return ep->next_iss;
}

/* A fresh TCB for a new connection (keeps cfg and next_iss). */
static void tcb_reset(tcp_endpoint *ep)
{
    ep->passive = false;
    ep->syn_acked = false;
    ep->close_pending = false;
    ep->fin_queued = false;
    ep->fin_sent = false;
    ep->fin_received = false;
    ep->fin_seq = 0;
    ep->iss = ep->irs = 0;
    ep->snd_una = ep->snd_nxt = ep->snd_wnd = ep->snd_wl1 = ep->snd_wl2 = 0;
    ep->rcv_nxt = 0;
    ep->rcv_wnd = ep->cfg.wnd;
    ep->rcv_data = 0;
    ep->unsent = 0;
    ep->rtx_at = -1;
    ep->tw_at = -1;
    ep->rto_cur = ep->cfg.rto_ms;
    ep->retries = 0;
    ep->nheld = 0;
}

/* ---- sending data and FIN ------------------------------------------------------------ */

static bool can_send_data(tcp_state s)
{
    /* CLOSING too: FIN-WAIT-1 -> CLOSING can happen while data and our FIN still wait for
     * the peer's window (§3.10.4: the FIN follows all preceding SENDs). */
    return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT_1 || s == TCP_CLOSING ||
           s == TCP_LAST_ACK;
}

/* Segmentize queued data within the peer's window, then the FIN if CLOSE was accepted. */
static void output(tcp_endpoint *ep, int64_t now, tcp_output *out)
{
    if (!can_send_data(ep->state))
        return;
    uint32_t wnd_end = ep->snd_una + ep->snd_wnd;
    while (ep->unsent > 0) {
        uint32_t usable = seq_gt(wnd_end, ep->snd_nxt) ? wnd_end - ep->snd_nxt : 0;
        uint64_t n = ep->unsent;
        if (n > ep->cfg.mss)
            n = ep->cfg.mss;
        if (n > usable)
            n = usable;
        if (n == 0)
            return; /* window full: the next ACK continues */
        if (out->nsegs == TCP_OUT_MAX_SEGS) {
            out->more = true;
            return;
        }
        bool last = (n == ep->unsent);
        uint32_t seq = ep->snd_nxt;
        ep->snd_nxt += (uint32_t)n;
        ep->unsent -= n;
        emit(ep, out, seq, ep->rcv_nxt, (uint8_t)(TCP_ACK | (last ? TCP_PSH : 0)), (uint32_t)n,
             E_NEW,
             last ? "RFC 9293 §3.10.2: data segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK,PSH>; PSH "
                    "because it empties the send queue (§3.9.1.2, MUST-61)"
                  : "RFC 9293 §3.10.2: segmentize the SEND, at most MSS octets within the "
                    "peer's window, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
        rtx_start_if_stopped(ep, now);
    }
    if (ep->fin_queued && !ep->fin_sent) {
        uint32_t usable = seq_gt(wnd_end, ep->snd_nxt) ? wnd_end - ep->snd_nxt : 0;
        if (usable == 0)
            return;
        if (out->nsegs == TCP_OUT_MAX_SEGS) {
            out->more = true;
            return;
        }
        ep->fin_seq = ep->snd_nxt;
        ep->fin_sent = true;
        ep->snd_nxt += 1;
        emit(ep, out, ep->fin_seq, ep->rcv_nxt, TCP_FIN | TCP_ACK, 0, E_NEW,
             "RFC 9293 §3.10.4: CLOSE → after all queued data, send <SEQ=SND.NXT><ACK=RCV.NXT>"
             "<CTL=FIN,ACK>; the FIN occupies one sequence number");
        rtx_start_if_stopped(ep, now);
    }
}

/* ---- user calls --------------------------------------------------------------------- */

static void open_active(tcp_endpoint *ep, int64_t now, tcp_output *out, const char *rule)
{
    uint32_t next = ep->next_iss;
    tcb_reset(ep);
    ep->next_iss = next;
    ep->iss = take_iss(ep, out);
    ep->snd_una = ep->iss;
    ep->snd_nxt = ep->iss + 1;
    set_state(ep, out, TCP_SYN_SENT, rule);
    emit(ep, out, ep->iss, 0, TCP_SYN, 0, E_NEW,
         "RFC 9293 §3.10.1: active OPEN sends <SEQ=ISS><CTL=SYN>; SND.UNA=ISS, SND.NXT=ISS+1");
    rtx_start_if_stopped(ep, now);
}

static void call_listen(tcp_endpoint *ep, tcp_output *out)
{
    if (ep->state != TCP_CLOSED) {
        out->error = ERR_EXISTS;
        note(out, "RFC 9293 §3.10.1: OPEN on an existing connection → \"error: connection "
                  "already exists\"");
        return;
    }
    uint32_t next = ep->next_iss;
    tcb_reset(ep);
    ep->next_iss = next;
    set_state(ep, out, TCP_LISTEN,
              "RFC 9293 §3.10.1: passive OPEN in CLOSED → create TCB, enter LISTEN");
}

static void call_connect(tcp_endpoint *ep, int64_t now, tcp_output *out)
{
    if (ep->state == TCP_CLOSED) {
        open_active(ep, now, out,
                    "RFC 9293 §3.10.1: active OPEN in CLOSED → create TCB, send SYN, enter "
                    "SYN-SENT");
    } else if (ep->state == TCP_LISTEN) {
        open_active(ep, now, out,
                    "RFC 9293 §3.10.1: active OPEN in LISTEN → change the connection from "
                    "passive to active, send SYN, enter SYN-SENT");
    } else {
        out->error = ERR_EXISTS;
        note(out, "RFC 9293 §3.10.1: OPEN on an existing connection → \"error: connection "
                  "already exists\"");
    }
}

static void call_send(tcp_endpoint *ep, int64_t now, uint32_t bytes, tcp_output *out)
{
    switch (ep->state) {
    case TCP_CLOSED:
        out->error = ERR_NOT_EXIST;
        note(out, "RFC 9293 §3.10.2: SEND in CLOSED → \"error: connection does not exist\"");
        return;
    case TCP_LISTEN:
        open_active(ep, now, out,
                    "RFC 9293 §3.10.2: SEND in LISTEN → change to active, send SYN, enter "
                    "SYN-SENT; the data waits for ESTABLISHED");
        ep->unsent += bytes;
        return;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        if (ep->close_pending) {
            out->error = ERR_CLOSING;
            note(out, "RFC 9293 §3.10.2: SEND after CLOSE → \"error: connection closing\"");
            return;
        }
        ep->unsent += bytes;
        note(out, "RFC 9293 §3.10.2: SEND in SYN-SENT/SYN-RECEIVED → queue the data for "
                  "transmission after entering ESTABLISHED");
        return;
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        ep->unsent += bytes;
        note(out, "RFC 9293 §3.10.2: SEND in ESTABLISHED/CLOSE-WAIT → segmentize the buffer "
                  "and send it with a piggybacked ACK (ACK=RCV.NXT)");
        output(ep, now, out);
        return;
    default:
        out->error = ERR_CLOSING;
        note(out, "RFC 9293 §3.10.2: SEND in FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT "
                  "→ \"error: connection closing\"");
        return;
    }
}

static void call_close(tcp_endpoint *ep, int64_t now, tcp_output *out)
{
    switch (ep->state) {
    case TCP_CLOSED:
        out->error = ERR_NOT_EXIST;
        note(out, "RFC 9293 §3.10.4: CLOSE in CLOSED → \"error: connection does not exist\"");
        return;
    case TCP_LISTEN:
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.4: CLOSE in LISTEN → delete TCB, enter "
                  "CLOSED");
        return;
    case TCP_SYN_SENT:
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.4: CLOSE in SYN-SENT → delete TCB, enter "
                  "CLOSED (nothing is sent)");
        return;
    case TCP_SYN_RECEIVED:
        if (ep->close_pending) {
            out->error = ERR_CLOSING;
            note(out, "RFC 9293 §3.10.4: second CLOSE → \"error: connection closing\"");
            return;
        }
        if (ep->unsent > 0) {
            ep->close_pending = true;
            note(out, "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED with data pending → queue the "
                      "CLOSE for processing after entering ESTABLISHED");
            return;
        }
        ep->fin_queued = true;
        set_state(ep, out, TCP_FIN_WAIT_1,
                  "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED, nothing pending → send FIN, enter "
                  "FIN-WAIT-1");
        output(ep, now, out);
        return;
    case TCP_ESTABLISHED:
        ep->fin_queued = true;
        set_state(ep, out, TCP_FIN_WAIT_1,
                  "RFC 9293 §3.10.4: CLOSE in ESTABLISHED → FIN after all queued data, enter "
                  "FIN-WAIT-1");
        output(ep, now, out);
        return;
    case TCP_CLOSE_WAIT:
        ep->fin_queued = true;
        set_state(ep, out, TCP_LAST_ACK,
                  "RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT → FIN after all queued data, enter "
                  "LAST-ACK");
        output(ep, now, out);
        return;
    default:
        out->error = ERR_CLOSING;
        note(out, "RFC 9293 §3.10.4: CLOSE in FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT → "
                  "\"error: connection closing\" (no second FIN)");
        return;
    }
}

static void call_abort(tcp_endpoint *ep, tcp_output *out)
{
    switch (ep->state) {
    case TCP_CLOSED:
        out->error = ERR_NOT_EXIST;
        note(out, "RFC 9293 §3.10.5: ABORT in CLOSED → \"error: connection does not exist\"");
        return;
    case TCP_LISTEN:
    case TCP_SYN_SENT:
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.5: ABORT in LISTEN/SYN-SENT → delete "
                  "TCB, enter CLOSED, nothing is sent");
        return;
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT: {
        uint32_t seq = ep->snd_nxt;
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.5: ABORT → send <SEQ=SND.NXT><CTL=RST>, flush all queues, "
                  "delete TCB, enter CLOSED");
        emit(ep, out, seq, 0, TCP_RST, 0, E_CTL,
             "RFC 9293 §3.10.5: ABORT sends a reset <SEQ=SND.NXT><CTL=RST>");
        return;
    }
    default:
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.5: ABORT in CLOSING/LAST-ACK/TIME-WAIT → "
                  "\"ok\", delete TCB, enter CLOSED, nothing is sent");
        return;
    }
}

static void call_crash(tcp_endpoint *ep, tcp_output *out)
{
    if (ep->state == TCP_CLOSED) {
        note(out, "crash: the host reboots; there was no TCB, nothing changes");
        return;
    }
    set_state(ep, out, TCP_CLOSED,
              "crash: the host reboots and the TCB vanishes without a segment (the peer learns "
              "only when it next hears from this host, RFC 9293 §3.5.1)");
}

/* ---- SEGMENT ARRIVES ---------------------------------------------------------------- */

/* §3.10.7.1 (and any state with no TCB): answer anything but a RST with a RST. */
static void seg_closed(tcp_endpoint *ep, const tcp_segment *s, tcp_output *out)
{
    if (s->flags & TCP_RST) {
        note(out, "RFC 9293 §3.10.7.1: CLOSED, incoming RST → discard it");
        return;
    }
    if (s->flags & TCP_ACK) {
        note(out, "RFC 9293 §3.10.7.1: CLOSED, segment with ACK → discard it, send "
                  "<SEQ=SEG.ACK><CTL=RST>");
        emit(ep, out, s->ack, 0, TCP_RST, 0, E_CTL,
             "RFC 9293 §3.10.7.1: reset for a segment with ACK: <SEQ=SEG.ACK><CTL=RST>");
    } else {
        note(out, "RFC 9293 §3.10.7.1: CLOSED, segment without ACK → discard it, send "
                  "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>");
        emit(ep, out, 0, s->seq + tcp_seg_len(s), TCP_RST | TCP_ACK, 0, E_CTL,
             "RFC 9293 §3.10.7.1: reset for a segment without ACK: "
             "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>");
    }
}

static void seg_listen(tcp_endpoint *ep, int64_t now, const tcp_segment *s, tcp_output *out)
{
    if (s->flags & TCP_RST) {
        note(out, "RFC 9293 §3.10.7.2: LISTEN, first check for a RST → ignore it");
        return;
    }
    if (s->flags & TCP_ACK) {
        note(out, "RFC 9293 §3.10.7.2: LISTEN, second check for an ACK → any ACK is bad here; "
                  "send <SEQ=SEG.ACK><CTL=RST>");
        emit(ep, out, s->ack, 0, TCP_RST, 0, E_CTL,
             "RFC 9293 §3.10.7.2: LISTEN answers an ACK with <SEQ=SEG.ACK><CTL=RST>");
        return;
    }
    if (s->flags & TCP_SYN) {
        uint32_t next = ep->next_iss;
        tcb_reset(ep);
        ep->next_iss = next;
        ep->passive = true;
        ep->irs = s->seq;
        ep->rcv_nxt = s->seq + 1;
        ep->iss = take_iss(ep, out);
        ep->snd_una = ep->iss;
        ep->snd_nxt = ep->iss + 1;
        ep->snd_wnd = s->wnd;
        ep->snd_wl1 = s->seq;
        ep->snd_wl2 = 0;
        set_state(ep, out, TCP_SYN_RECEIVED,
                  "RFC 9293 §3.10.7.2: LISTEN, SYN → IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, select ISS, "
                  "send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter SYN-RECEIVED");
        emit(ep, out, ep->iss, ep->rcv_nxt, TCP_SYN | TCP_ACK, 0, E_NEW,
             "RFC 9293 §3.10.7.2: LISTEN answers the SYN with <SEQ=ISS><ACK=RCV.NXT>"
             "<CTL=SYN,ACK>");
        rtx_start_if_stopped(ep, now);
        return;
    }
    note(out, "RFC 9293 §3.10.7.2: LISTEN, fourth: no SYN, RST or ACK → drop the segment");
}

/* Text and FIN of an in-order segment that starts at RCV.NXT (seventh and eighth steps),
 * also used by SYN-SENT for text that came with the SYN,ACK. Sets *need_ack. */
static void seg_text(tcp_endpoint *ep, const tcp_segment *s, bool *need_ack, tcp_output *out)
{
    if (s->len > 0) {
        if (ep->state == TCP_ESTABLISHED || ep->state == TCP_FIN_WAIT_1 ||
            ep->state == TCP_FIN_WAIT_2) {
            ep->rcv_nxt += s->len;
            ep->rcv_data += s->len;
            *need_ack = true;
            if (!out->ntransitions)
                note(out, "RFC 9293 §3.10.7.4 seventh: data in order → RCV.NXT advances over it; "
                          "ACK at once <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (no delayed ACK here)");
        } else {
            note(out, "RFC 9293 §3.10.7.4 seventh: text after the peer's FIN cannot be valid → "
                      "ignore it");
            return; /* the FIN cannot follow ignored text */
        }
    }
}

static void seg_fin(tcp_endpoint *ep, int64_t now, bool fw2_this_segment, tcp_output *out)
{
    ep->rcv_nxt += 1;
    ep->fin_received = true;
    out->signal = SIG_CLOSING;
    switch (ep->state) {
    case TCP_SYN_RECEIVED:
    case TCP_ESTABLISHED:
        set_state(ep, out, TCP_CLOSE_WAIT,
                  "RFC 9293 §3.10.7.4 eighth: ESTABLISHED, FIN → RCV.NXT over the FIN, ACK it, "
                  "signal \"connection closing\", enter CLOSE-WAIT");
        break;
    case TCP_FIN_WAIT_1:
        set_state(ep, out, TCP_CLOSING,
                  "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN while our FIN is not yet acked → "
                  "ACK it, enter CLOSING (simultaneous close)");
        break;
    case TCP_FIN_WAIT_2:
        set_state(ep, out, TCP_TIME_WAIT,
                  fw2_this_segment
                      ? "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN arrives with the ACK of our "
                        "FIN → ACK it, enter TIME-WAIT, start the 2MSL timer (Fig 5 note 2)"
                      : "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-2, FIN → ACK it, enter TIME-WAIT, "
                        "start the 2MSL timer");
        tw_start(ep, now);
        break;
    case TCP_TIME_WAIT:
        tw_start(ep, now);
        note(out, "RFC 9293 §3.10.7.4 eighth: TIME-WAIT, FIN → ACK it, restart the 2MSL timer");
        break;
    default: /* CLOSE-WAIT, CLOSING, LAST-ACK: a second FIN cannot be in order */
        note(out, "RFC 9293 §3.10.7.4 eighth: FIN in CLOSE-WAIT/CLOSING/LAST-ACK → remain");
        break;
    }
}

/* The fifth step (ACK field) for the synchronized states and SYN-RECEIVED. Returns false
 * when processing of this segment stops here. */
static bool seg_ack(tcp_endpoint *ep, int64_t now, const tcp_segment *s, bool *fw2_now,
                    tcp_output *out)
{
    if (!(s->flags & TCP_ACK)) {
        note(out, "RFC 9293 §3.10.7.4 fifth: the ACK bit is off → drop the segment");
        return false;
    }
    if (ep->state == TCP_SYN_RECEIVED) {
        if (seq_lt(ep->snd_una, s->ack) && seq_leq(s->ack, ep->snd_nxt)) {
            ep->snd_wnd = s->wnd;
            ep->snd_wl1 = s->seq;
            ep->snd_wl2 = s->ack;
            set_state(ep, out, TCP_ESTABLISHED,
                      "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, SND.UNA < SEG.ACK =< SND.NXT (our "
                      "SYN is acknowledged) → enter ESTABLISHED");
            if (ep->close_pending) {
                ep->close_pending = false;
                ep->fin_queued = true;
                set_state(ep, out, TCP_FIN_WAIT_1,
                          "RFC 9293 §3.10.4: the CLOSE queued in SYN-RECEIVED is processed now: "
                          "FIN after the queued data, enter FIN-WAIT-1");
            }
        } else {
            note(out, "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, unacceptable ACK → send "
                      "<SEQ=SEG.ACK><CTL=RST>, drop the segment");
            emit(ep, out, s->ack, 0, TCP_RST, 0, E_CTL,
                 "RFC 9293 §3.10.7.4 fifth: reset for an unacceptable ACK in SYN-RECEIVED: "
                 "<SEQ=SEG.ACK><CTL=RST>");
            return false;
        }
    }
    if (seq_gt(s->ack, ep->snd_nxt)) {
        note(out, "RFC 9293 §3.10.7.4 fifth: SEG.ACK > SND.NXT acknowledges something not yet "
                  "sent → send an ACK, drop the segment");
        send_ack(ep, out,
                 "RFC 9293 §3.10.7.4 fifth: ACK in reply to an ACK of unsent data "
                 "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
        return false;
    }
    if (seq_lt(ep->snd_una, s->ack)) {
        ep->snd_una = s->ack;
        if (!ep->syn_acked && seq_gt(ep->snd_una, ep->iss))
            ep->syn_acked = true;
        ep->rto_cur = ep->cfg.rto_ms;
        ep->retries = 0;
        ep->rtx_at = (ep->snd_una == ep->snd_nxt) ? -1 : now + ep->rto_cur;
        if (!out->ntransitions)
            note(out, "RFC 9293 §3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT → SND.UNA=SEG.ACK; "
                      "acknowledged segments leave the retransmission queue");
    } else if (!out->ntransitions) {
        note(out, "RFC 9293 §3.10.7.4 fifth: SEG.ACK =< SND.UNA is a duplicate ACK → ignore it");
    }
    if (seq_leq(ep->snd_una, s->ack) &&
        (seq_lt(ep->snd_wl1, s->seq) || (ep->snd_wl1 == s->seq && seq_leq(ep->snd_wl2, s->ack)))) {
        ep->snd_wnd = s->wnd;
        ep->snd_wl1 = s->seq;
        ep->snd_wl2 = s->ack;
    }
    bool fin_acked = ep->fin_sent && ep->snd_una == ep->fin_seq + 1u;
    switch (ep->state) {
    case TCP_FIN_WAIT_1:
        if (fin_acked) {
            set_state(ep, out, TCP_FIN_WAIT_2,
                      "RFC 9293 §3.10.7.4 fifth: FIN-WAIT-1, our FIN is acknowledged → enter "
                      "FIN-WAIT-2");
            *fw2_now = true;
        }
        break;
    case TCP_CLOSING:
        if (fin_acked) {
            set_state(ep, out, TCP_TIME_WAIT,
                      "RFC 9293 §3.10.7.4 fifth: CLOSING, the ACK acknowledges our FIN → enter "
                      "TIME-WAIT, start the 2MSL timer");
            tw_start(ep, now);
        } else {
            note(out, "RFC 9293 §3.10.7.4 fifth: CLOSING, our FIN not acknowledged → ignore the "
                      "segment");
            output(ep, now, out); /* its ACK may have opened the window for queued data/FIN */
            return false;
        }
        break;
    case TCP_LAST_ACK:
        if (fin_acked) {
            set_state(ep, out, TCP_CLOSED,
                      "RFC 9293 §3.10.7.4 fifth: LAST-ACK, our FIN is acknowledged → delete the "
                      "TCB, enter CLOSED");
            return false;
        }
        break;
    default:
        break;
    }
    return true;
}

/* Fifth to eighth steps on a segment that begins exactly at RCV.NXT. */
static bool seg_in_order(tcp_endpoint *ep, int64_t now, const tcp_segment *s, bool *need_ack,
                         tcp_output *out)
{
    bool fw2_now = false;
    if (!seg_ack(ep, now, s, &fw2_now, out))
        return false;
    if (s->seq != ep->rcv_nxt)
        return true; /* a pure ACK ahead of RCV.NXT: its ACK field was all it carried */
    seg_text(ep, s, need_ack, out);
    if ((s->flags & TCP_FIN) && s->seq + s->len == ep->rcv_nxt) {
        if (ep->fin_received) {
            /* The peer's FIN was already accepted, so this one is bogus (a valid peer sends
             * one FIN). RCV.NXT stays past the first FIN; ACK it and remain (eighth step). */
            *need_ack = true;
            if (ep->state == TCP_TIME_WAIT) {
                tw_start(ep, now);
                note(out, "RFC 9293 §3.10.7.4 eighth: TIME-WAIT, FIN → ACK it, remain, restart "
                          "the 2MSL timer");
            } else {
                note(out, "RFC 9293 §3.10.7.4 eighth: FIN in CLOSE-WAIT/CLOSING/LAST-ACK → ACK "
                          "it, remain in the state");
            }
        } else {
            seg_fin(ep, now, fw2_now, out);
            *need_ack = true;
        }
    }
    return true;
}

/* Held segments whose turn has come (RCV.NXT reached them). */
static void drain_held(tcp_endpoint *ep, int64_t now, bool *need_ack, tcp_output *out)
{
    bool progress = true;
    while (progress && ep->nheld > 0 && ep->state != TCP_CLOSED) {
        progress = false;
        for (size_t i = 0; i < ep->nheld; i++) {
            tcp_segment h = ep->held[i];
            if (seq_gt(h.seq, ep->rcv_nxt))
                continue;
            ep->held[i] = ep->held[--ep->nheld];
            progress = true;
            uint32_t old = ep->rcv_nxt - h.seq;
            uint32_t end = h.seq + tcp_seg_len(&h);
            if (seq_leq(end, ep->rcv_nxt))
                break;    /* entirely old by now */
            h.len -= old; /* old <= len: the FIN is the last octet and is new */
            h.seq = ep->rcv_nxt;
            seg_in_order(ep, now, &h, need_ack, out);
            break;
        }
    }
}

static void seg_rst(tcp_endpoint *ep, const tcp_segment *s, tcp_output *out)
{
    if (s->seq != ep->rcv_nxt) {
        if (ep->rcv_wnd > 0 && seq_in_range(s->seq, ep->rcv_nxt, ep->rcv_nxt + ep->rcv_wnd)) {
            note(out, "RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST in the window but not at "
                      "RCV.NXT → send a challenge ACK, drop the RST");
            send_ack(ep, out, "RFC 5961 §3 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
        } else {
            note(out, "RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST outside the receive window → "
                      "drop it silently");
        }
        return;
    }
    switch (ep->state) {
    case TCP_SYN_RECEIVED:
        if (ep->passive) {
            set_state(ep, out, TCP_LISTEN,
                      "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from a passive OPEN, RST at RCV.NXT "
                      "→ return to LISTEN (MUST-11), the user is not told");
        } else {
            out->signal = SIG_REFUSED;
            set_state(ep, out, TCP_CLOSED,
                      "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from an active OPEN, RST at "
                      "RCV.NXT → signal \"connection refused\", enter CLOSED");
        }
        return;
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        out->signal = SIG_RESET;
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.7.4 second: RST at RCV.NXT in ESTABLISHED/FIN-WAIT/CLOSE-WAIT → "
                  "signal \"connection reset\", flush queues, enter CLOSED");
        return;
    default: /* CLOSING, LAST-ACK, TIME-WAIT */
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.7.4 second: RST at RCV.NXT in CLOSING/LAST-ACK/TIME-WAIT → enter "
                  "CLOSED, delete the TCB");
        return;
    }
}

static void seg_syn_sent(tcp_endpoint *ep, int64_t now, const tcp_segment *s, tcp_output *out)
{
    bool ack = (s->flags & TCP_ACK) != 0;
    if (ack && (seq_leq(s->ack, ep->iss) || seq_gt(s->ack, ep->snd_nxt))) {
        if (s->flags & TCP_RST) {
            note(out, "RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK on a RST → drop it");
        } else {
            note(out,
                 "RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK (SEG.ACK =< ISS or > SND.NXT) "
                 "→ send <SEQ=SEG.ACK><CTL=RST>, discard the segment");
            emit(ep, out, s->ack, 0, TCP_RST, 0, E_CTL,
                 "RFC 9293 §3.10.7.3: reset for an unacceptable ACK in SYN-SENT: "
                 "<SEQ=SEG.ACK><CTL=RST>");
        }
        return;
    }
    if (s->flags & TCP_RST) {
        if (ack) {
            out->signal = SIG_RESET;
            set_state(ep, out, TCP_CLOSED,
                      "RFC 9293 §3.10.7.3: SYN-SENT, RST with an acceptable ACK → signal \"error: "
                      "connection reset\" (sockets report it as \"connection refused\"), enter "
                      "CLOSED");
        } else {
            note(out, "RFC 9293 §3.10.7.3: SYN-SENT, RST without ACK → drop it");
        }
        return;
    }
    if (!(s->flags & TCP_SYN)) {
        note(out, "RFC 9293 §3.10.7.3: SYN-SENT, fifth: neither SYN nor RST → drop the segment");
        return;
    }
    ep->irs = s->seq;
    ep->rcv_nxt = s->seq + 1;
    if (ack) {
        ep->snd_una = s->ack;
        ep->syn_acked = true;
    }
    if (ep->syn_acked) {
        ep->snd_wnd = s->wnd;
        ep->snd_wl1 = s->seq;
        ep->snd_wl2 = s->ack;
        ep->rto_cur = ep->cfg.rto_ms;
        ep->retries = 0;
        ep->rtx_at = (ep->snd_una == ep->snd_nxt) ? -1 : now + ep->rto_cur;
        set_state(ep, out, TCP_ESTABLISHED,
                  "RFC 9293 §3.10.7.3: SYN-SENT, acceptable ACK with SYN → IRS=SEG.SEQ, "
                  "RCV.NXT=SEG.SEQ+1, SND.UNA=SEG.ACK, enter ESTABLISHED, ACK the SYN,ACK");
        bool need_ack = false;
        tcp_segment rest = *s;
        rest.seq = s->seq + 1;
        rest.flags &= (uint8_t)~TCP_SYN;
        /* text on a SYN,ACK: continue at the sixth step (not produced by this simulator) */
        if (rest.len > 0 && rest.len <= ep->rcv_wnd)
            seg_text(ep, &rest, &need_ack, out);
        if ((rest.flags & TCP_FIN) && rest.seq + rest.len == ep->rcv_nxt)
            seg_fin(ep, now, E_CTL, out);
        send_ack(ep, out,
                 "RFC 9293 §3.10.7.3: the third segment of the handshake "
                 "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> acknowledges the SYN,ACK");
        output(ep, now, out);
        return;
    }
    ep->snd_wnd = s->wnd;
    ep->snd_wl1 = s->seq;
    ep->snd_wl2 = s->ack;
    set_state(ep, out, TCP_SYN_RECEIVED,
              "RFC 9293 §3.10.7.3: SYN-SENT, SYN without ACK (simultaneous open, MUST-10) → "
              "IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter "
              "SYN-RECEIVED");
    emit(ep, out, ep->iss, ep->rcv_nxt, TCP_SYN | TCP_ACK, 0, E_CTL,
         "RFC 9293 §3.10.7.3: simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>");
}

/* Table 6 of RFC 9293 §3.10.7.4. */
static bool acceptable(const tcp_endpoint *ep, uint32_t seq, uint32_t slen)
{
    uint32_t lo = ep->rcv_nxt, hi = ep->rcv_nxt + ep->rcv_wnd;
    if (slen == 0)
        return ep->rcv_wnd == 0 ? seq == lo : seq_in_range(seq, lo, hi);
    if (ep->rcv_wnd == 0)
        return false;
    return seq_in_range(seq, lo, hi) || seq_in_range(seq + slen - 1, lo, hi);
}

static void seg_other(tcp_endpoint *ep, int64_t now, const tcp_segment *in, tcp_output *out)
{
    if (in->flags & TCP_RST) {
        seg_rst(ep, in, out);
        return;
    }
    tcp_segment s = *in;
    bool syn_trimmed = false;
    if ((s.flags & TCP_SYN) && seq_lt(s.seq, ep->rcv_nxt) && s.len == 0 && !(s.flags & TCP_FIN)) {
        /* the SYN lies before RCV.NXT: already received. Only a bare SYN is set aside (see
         * SIMPLIFICATIONS: Figure 7); with text or FIN it meets the fourth step (RFC 5961 §4). */
        s.flags &= (uint8_t)~TCP_SYN;
        s.seq += 1;
        syn_trimmed = true;
    }
    uint32_t slen = tcp_seg_len(&s);
    bool ok = acceptable(ep, s.seq, slen);
    if (ok && syn_trimmed && slen == 0)
        ok = (s.flags & TCP_ACK) && seq_lt(ep->snd_una, s.ack) && seq_leq(s.ack, ep->snd_nxt);
    if (!ok) {
        if (ep->state == TCP_TIME_WAIT && (in->flags & TCP_FIN) &&
            in->seq + tcp_seg_len(in) == ep->rcv_nxt) {
            tw_start(ep, now);
            note(out, "RFC 9293 §3.10.7.4 fifth: TIME-WAIT, the peer's FIN retransmitted → "
                      "acknowledge it and restart the 2MSL timer");
            send_ack(ep, out,
                     "RFC 9293 §3.10.7.4: TIME-WAIT acknowledges the retransmitted FIN "
                     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
            return;
        }
        note(out, "RFC 9293 §3.10.7.4 first: segment not acceptable (Table 6; an old duplicate "
                  "or outside the window) → send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop it");
        send_ack(ep, out,
                 "RFC 9293 §3.10.7.4 first: ACK for an unacceptable segment "
                 "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
        return;
    }
    if (s.flags & TCP_SYN) {
        if (ep->state == TCP_SYN_RECEIVED && ep->passive) {
            set_state(ep, out, TCP_LISTEN,
                      "RFC 9293 §3.10.7.4 fourth: SYN-RECEIVED from a passive OPEN, SYN in the "
                      "window → return to LISTEN");
            return;
        }
        note(out, "RFC 9293 §3.10.7.4 fourth (RFC 5961 §4): SYN in a synchronized state → send a "
                  "challenge ACK, drop the segment");
        send_ack(ep, out, "RFC 5961 §4 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
        return;
    }
    /* trim to the window: the part before RCV.NXT and the part beyond RCV.NXT+RCV.WND */
    if (seq_lt(s.seq, ep->rcv_nxt)) {
        uint32_t d = ep->rcv_nxt - s.seq;
        s.len -= d;
        s.seq = ep->rcv_nxt;
    }
    uint32_t wnd_end = ep->rcv_nxt + ep->rcv_wnd;
    if (seq_gt(s.seq + s.len, wnd_end)) {
        s.len = wnd_end - s.seq;
        s.flags &= (uint8_t)~TCP_FIN;
    } else if ((s.flags & TCP_FIN) && s.seq + s.len == wnd_end) {
        s.flags &= (uint8_t)~TCP_FIN;
    }
    bool need_ack = false;
    if (s.seq != ep->rcv_nxt && (s.len > 0 || (s.flags & TCP_FIN))) {
        bool dup = false;
        for (size_t i = 0; i < ep->nheld; i++)
            if (ep->held[i].seq == s.seq && tcp_seg_len(&ep->held[i]) >= tcp_seg_len(&s))
                dup = true;
        if (!dup && ep->nheld < TCP_HOLD_MAX)
            ep->held[ep->nheld++] = s;
        note(out, "RFC 9293 §3.10.7.4 first: in the window but beyond RCV.NXT → hold it for "
                  "later processing (SHLD-31) and ACK RCV.NXT at once (MAY-13)");
        send_ack(ep, out,
                 "RFC 9293 §3.10.7.4: ACK for an out-of-order segment (it repeats "
                 "RCV.NXT: a duplicate ACK)");
        return;
    }
    if (!seg_in_order(ep, now, &s, &need_ack, out))
        return;
    /* Figure 7, line 6: the SYN,ACK's ACK completed the open (see SIMPLIFICATIONS). Its
     * rule says whether anything queued for ESTABLISHED went out in the same step; when a
     * CLOSE was queued in SYN-RECEIVED, FIN-WAIT-1 follows and the step's rule says that. */
    static const char fig7_quiet[] =
        "RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
        "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; "
        "TCP Lab follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our "
        "SYN → ESTABLISHED, and no segment is sent";
    static const char fig7_queued[] =
        "RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
        "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; "
        "TCP Lab follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our "
        "SYN → ESTABLISHED, and what was queued for ESTABLISHED (data, FIN) goes out now";
    static const char fig7_close[] =
        "RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
        "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; "
        "TCP Lab follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our "
        "SYN → ESTABLISHED, and the CLOSE queued in SYN-RECEIVED is processed now "
        "(§3.10.4): the queued data, then the FIN, enter FIN-WAIT-1";
    tcp_transition *fig7 = NULL;
    for (size_t i = 0; syn_trimmed && i < out->ntransitions; i++)
        if (out->transitions[i].from == TCP_SYN_RECEIVED &&
            out->transitions[i].to == TCP_ESTABLISHED)
            fig7 = &out->transitions[i];
    bool fig7_last = fig7 && fig7 == &out->transitions[out->ntransitions - 1];
    if (fig7) {
        fig7->rule = fig7_quiet;
        out->rule = fig7_quiet;
        if (!fig7_last)
            out->rule = fig7_close;
    }
    drain_held(ep, now, &need_ack, out);
    size_t before = out->nsegs;
    output(ep, now, out);
    if (fig7 && out->nsegs > before) {
        if (fig7->rule == fig7_quiet)
            fig7->rule = fig7_queued;
        if (out->rule == fig7_quiet)
            out->rule = fig7_queued;
    }
    if (need_ack && out->nsegs == before && ep->state != TCP_CLOSED)
        send_ack(ep, out,
                 "RFC 9293 §3.10.7.4: acknowledge the data/FIN at once "
                 "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
}

/* ---- public entry points ---------------------------------------------------------------- */

void tcp_ep_init(tcp_endpoint *ep, const tcp_config *cfg)
{
    assert(ep && cfg);
    memset(ep, 0, offsetof(tcp_endpoint, held)); /* held[] is only read below nheld */
    ep->nheld = 0;
    ep->cfg = *cfg;
    tcb_reset(ep);
    ep->state = TCP_CLOSED;
}

void tcp_ep_set_next_iss(tcp_endpoint *ep, uint32_t iss)
{
    ep->next_iss = iss;
}

void tcp_ep_call(tcp_endpoint *ep, int64_t now, tcp_call call, uint32_t bytes, tcp_output *out)
{
    assert(ep && out);
    check_invariants(ep);
    out_begin(ep, out);
    switch (call) {
    case TCP_CALL_LISTEN:
        call_listen(ep, out);
        break;
    case TCP_CALL_CONNECT:
        call_connect(ep, now, out);
        break;
    case TCP_CALL_SEND:
        call_send(ep, now, bytes, out);
        break;
    case TCP_CALL_CLOSE:
        call_close(ep, now, out);
        break;
    case TCP_CALL_ABORT:
        call_abort(ep, out);
        break;
    case TCP_CALL_CRASH:
        call_crash(ep, out);
        break;
    default:
        assert(!"unknown call");
        break;
    }
}

void tcp_ep_segment(tcp_endpoint *ep, int64_t now, const tcp_segment *seg, tcp_output *out)
{
    assert(ep && seg && out);
    check_invariants(ep);
    out_begin(ep, out);
    switch (ep->state) {
    case TCP_CLOSED:
        seg_closed(ep, seg, out);
        break;
    case TCP_LISTEN:
        seg_listen(ep, now, seg, out);
        break;
    case TCP_SYN_SENT:
        seg_syn_sent(ep, now, seg, out);
        break;
    default:
        seg_other(ep, now, seg, out);
        break;
    }
}

/* ---- SYN cookies (RFC 4987 §3.6; listenq.c decides when) ---------------------------- */

void tcp_ep_syn_cookie_reply(tcp_endpoint *ep, const tcp_segment *syn, uint32_t cookie,
                             tcp_output *out)
{
    assert(ep && syn && out && ep->state == TCP_LISTEN);
    check_invariants(ep);
    out_begin(ep, out);
    note(out, "RFC 4987 §3.6 (Linux tcp_syncookies=1): LISTEN, SYN while the SYN queue is full → "
              "answer with a SYN cookie and keep no state: the listener stays in LISTEN and "
              "the SYN queue does not grow");
    emit(ep, out, cookie, syn->seq + 1, TCP_SYN | TCP_ACK, 0, E_CTL,
         "RFC 4987 §3.6: SYN,ACK <SEQ=cookie><ACK=SEG.SEQ+1>: the ISS is the cookie (a time "
         "counter, the MSS as one of 4 values and a keyed hash of the four-tuple and SEG.SEQ); "
         "what a cookie cannot carry is lost: window scale, SACK-permitted, timestamps and any "
         "other MSS");
}

void tcp_ep_syn_cookie_open(tcp_endpoint *ep, int64_t now, const tcp_segment *ack, uint32_t mss,
                            tcp_output *out)
{
    assert(ep && ack && out && ep->state == TCP_LISTEN);
    check_invariants(ep);
    out_begin(ep, out);
    uint32_t next = ep->next_iss;
    tcb_reset(ep);
    ep->next_iss = next;
    if (mss > 0 && mss < ep->cfg.mss)
        ep->cfg.mss = mss;
    ep->passive = true;
    ep->syn_acked = true;
    ep->iss = ack->ack - 1;
    ep->irs = ack->seq - 1;
    ep->snd_una = ep->snd_nxt = ack->ack;
    ep->rcv_nxt = ack->seq;
    ep->snd_wnd = ack->wnd;
    ep->snd_wl1 = ack->seq;
    ep->snd_wl2 = ack->ack;
    static const char rule[] =
        "RFC 4987 §3.6: LISTEN, an ACK whose SEG.ACK-1 is a valid cookie for this four-tuple → "
        "rebuild the TCB from it (ISS=SEG.ACK-1, IRS=SEG.SEQ-1, the MSS from the cookie; no "
        "window scale, SACK or timestamps), enter ESTABLISHED, queue it for accept()";
    set_state(ep, out, TCP_ESTABLISHED, rule);
    if (ack->len > 0 || (ack->flags & TCP_FIN)) {
        seg_other(ep, now, ack, out);
        out->rule = rule;
    }
}

/* The earliest unacknowledged segment, sent again. */
static void retransmit(tcp_endpoint *ep, tcp_output *out)
{
    if (!ep->syn_acked && ep->snd_una == ep->iss) {
        if (ep->state == TCP_SYN_SENT)
            emit(ep, out, ep->iss, 0, TCP_SYN, 0, E_RTX,
                 "RFC 9293 §3.10.8: retransmission timeout → send the SYN again");
        else
            emit(ep, out, ep->iss, ep->rcv_nxt, TCP_SYN | TCP_ACK, 0, E_RTX,
                 "RFC 9293 §3.10.8: retransmission timeout → send the SYN,ACK again");
        return;
    }
    if (ep->fin_sent && ep->snd_una == ep->fin_seq) {
        emit(ep, out, ep->fin_seq, ep->rcv_nxt, TCP_FIN | TCP_ACK, 0, E_RTX,
             "RFC 9293 §3.10.8: retransmission timeout → send the FIN again");
        return;
    }
    uint32_t data_end = ep->fin_sent ? ep->fin_seq : ep->snd_nxt;
    uint32_t n = data_end - ep->snd_una;
    bool all = true;
    if (n > ep->cfg.mss) {
        n = ep->cfg.mss;
        all = false;
    }
    emit(ep, out, ep->snd_una, ep->rcv_nxt, (uint8_t)(TCP_ACK | (all ? TCP_PSH : 0)), n, E_RTX,
         "RFC 9293 §3.10.8: retransmission timeout → send the segment at the front of the "
         "retransmission queue (from SND.UNA) again");
}

tcp_timer tcp_ep_timeout(tcp_endpoint *ep, int64_t now, tcp_output *out)
{
    assert(ep && out);
    check_invariants(ep);
    out_begin(ep, out);
    int64_t at;
    tcp_timer kind;
    if (!tcp_ep_next_deadline(ep, &at, &kind) || at > now)
        return TCP_TIMER_NONE;
    if (kind == TCP_TIMER_TIME_WAIT) {
        set_state(ep, out, TCP_CLOSED,
                  "RFC 9293 §3.10.8: the TIME-WAIT timeout (2 MSL) expires → delete the TCB, "
                  "enter CLOSED");
    } else if (ep->retries >= ep->cfg.max_retries) {
        out->signal = SIG_TIMEOUT;
        set_state(ep, out, TCP_CLOSED,
                  "retransmission timeout after max_retries retransmissions → give up: signal "
                  "\"connection timed out\", enter CLOSED (RFC 9293 §3.8.3 R2, RFC 1122 "
                  "§4.2.3.5)");
    } else {
        note(out, "RFC 9293 §3.10.8 / RFC 6298 §5: retransmission timeout → retransmit the "
                  "earliest unacknowledged segment, double the RTO, restart the timer");
        retransmit(ep, out);
        ep->retries++;
        ep->rto_cur = ep->rto_cur >= RTO_CAP_MS / 2 ? RTO_CAP_MS : ep->rto_cur * 2;
        ep->rtx_at = now + ep->rto_cur;
    }
    return kind;
}

void tcp_ep_pump(tcp_endpoint *ep, int64_t now, tcp_output *out)
{
    assert(ep && out);
    check_invariants(ep);
    out_begin(ep, out);
    note(out, "RFC 9293 §3.10.2: continue segmentizing queued data");
    output(ep, now, out);
}

bool tcp_ep_next_deadline(const tcp_endpoint *ep, int64_t *at, tcp_timer *kind)
{
    if (ep->tw_at >= 0) {
        *at = ep->tw_at;
        *kind = TCP_TIMER_TIME_WAIT;
        return true;
    }
    if (ep->rtx_at >= 0) {
        *at = ep->rtx_at;
        *kind = TCP_TIMER_RETRANSMISSION;
        return true;
    }
    *kind = TCP_TIMER_NONE;
    return false;
}

void tcp_ep_vars(const tcp_endpoint *ep, tcp_vars *v)
{
    v->state = ep->state;
    v->iss = ep->iss;
    v->irs = ep->irs;
    v->snd_una = ep->snd_una;
    v->snd_nxt = ep->snd_nxt;
    v->snd_wnd = ep->snd_wnd;
    v->rcv_nxt = ep->rcv_nxt;
    v->rcv_wnd = ep->rcv_wnd;
}
