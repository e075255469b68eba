/*
 * analyze.c — the passive observer behind analyze.h.
 *
 * Owns: the connection table (a chained hash of four-tuples, newest connection of a tuple
 * first), the per-endpoint record of what the capture has shown (state, TCB variables, the
 * last few transmissions for retransmission intervals, what the endpoint owes: an ACK, a
 * challenge ACK, a reset), the two steps made of every segment, and the observations.
 *
 * How a segment from A to B is read:
 *   send step (A): why A sent it. A SYN from CLOSED is an active OPEN; a FIN is a CLOSE
 *     (§3.10.4) in the state A was in; a RST from a synchronized state is an ABORT (§3.10.5)
 *     unless A owed a reset; data at SND.NXT is a SEND (§3.10.2); an ACK answers what A
 *     received last (data, an unacceptable segment, a challenge). Sequence space sent before
 *     is a retransmission (§3.10.8). The ACK field tells A's RCV.NXT.
 *   receive step (B): SEGMENT ARRIVES (§3.10.7) in the RFC's order, with the engine's rule
 *     texts (server/engine/tcp.c), so state changes follow Figure 5 exactly as simulated.
 *   The server's state before the first SYN is not in the capture: its receive step waits
 *     for the server's first answer (SYN,ACK: it was listening; RST: nothing listened, the
 *     earlier steps are corrected to CLOSED; another SYN: no answer, a "drop" step).
 *   A connection seen without its SYN starts ESTABLISHED on both sides (inferred), or, from
 *     a SYN,ACK, SYN-RECEIVED and SYN-SENT.
 * What a capture at one point cannot show is said, not guessed: the capture point's time is
 * both the send and the receive time; timers, user calls without segments and TIME-WAIT's end
 * do not appear.
 *
 * Does not: allocate per segment except to grow the selected trace and the tables, or read
 * anything but its arguments.
 */
#include "analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/seq.h"

/* ---- rule texts: the engine's (server/engine/tcp.c), character for character ------------ */

#define R_OPEN_ACTIVE                                                                              \
    "RFC 9293 §3.10.1: active OPEN in CLOSED → create TCB, send SYN, enter SYN-SENT"
#define R_SYN_RTX    "RFC 9293 §3.10.8: retransmission timeout → send the SYN again"
#define R_SYNACK_RTX "RFC 9293 §3.10.8: retransmission timeout → send the SYN,ACK again"
#define R_FIN_RTX    "RFC 9293 §3.10.8: retransmission timeout → send the FIN again"
#define R_DATA_RTX                                                                                 \
    "RFC 9293 §3.10.8: retransmission timeout → send the segment at the front of the "          \
    "retransmission queue (from SND.UNA) again"
#define R_SYNACK_LISTEN                                                                            \
    "RFC 9293 §3.10.7.2: LISTEN answers the SYN with <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
#define R_SYNACK_SIMUL "RFC 9293 §3.10.7.3: simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
#define R_HS_ACK                                                                                   \
    "RFC 9293 §3.10.7.3: the third segment of the handshake <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> " \
    "acknowledges the SYN,ACK"
#define R_DATA_PSH                                                                                 \
    "RFC 9293 §3.10.2: data segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK,PSH>; PSH because it "     \
    "empties the send queue (§3.9.1.2, MUST-61)"
#define R_DATA                                                                                     \
    "RFC 9293 §3.10.2: segmentize the SEND, at most MSS octets within the peer's window, "        \
    "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_CLOSE_EST                                                                                \
    "RFC 9293 §3.10.4: CLOSE in ESTABLISHED → FIN after all queued data, enter FIN-WAIT-1"
#define R_CLOSE_CW                                                                                 \
    "RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT → FIN after all queued data, enter LAST-ACK"
#define R_CLOSE_SR                                                                                 \
    "RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED, nothing pending → send FIN, enter FIN-WAIT-1"
#define R_ABORT                                                                                      \
    "RFC 9293 §3.10.5: ABORT → send <SEQ=SND.NXT><CTL=RST>, flush all queues, delete TCB, enter " \
    "CLOSED"
#define R_RST_FOR_ACK "RFC 9293 §3.10.7.1: reset for a segment with ACK: <SEQ=SEG.ACK><CTL=RST>"
#define R_RST_FOR_NOACK                                                                            \
    "RFC 9293 §3.10.7.1: reset for a segment without ACK: "                                       \
    "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
#define R_RST_LISTEN "RFC 9293 §3.10.7.2: LISTEN answers an ACK with <SEQ=SEG.ACK><CTL=RST>"
#define R_RST_SS_BADACK                                                                            \
    "RFC 9293 §3.10.7.3: reset for an unacceptable ACK in SYN-SENT: <SEQ=SEG.ACK><CTL=RST>"
#define R_RST_SR_BADACK                                                                            \
    "RFC 9293 §3.10.7.4 fifth: reset for an unacceptable ACK in SYN-RECEIVED: "                   \
    "<SEQ=SEG.ACK><CTL=RST>"
#define R_ACK_DATA                                                                                 \
    "RFC 9293 §3.10.7.4: acknowledge the data/FIN at once <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_ACK_OOO                                                                                  \
    "RFC 9293 §3.10.7.4: ACK for an out-of-order segment (it repeats RCV.NXT: a duplicate ACK)"
#define R_ACK_UNACC                                                                                \
    "RFC 9293 §3.10.7.4 first: ACK for an unacceptable segment "                                  \
    "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_ACK_TW                                                                                   \
    "RFC 9293 §3.10.7.4: TIME-WAIT acknowledges the retransmitted FIN "                           \
    "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_CHAL_SYN "RFC 5961 §4 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_CHAL_RST "RFC 5961 §3 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
#define R_ACK_UNSENT                                                                               \
    "RFC 9293 §3.10.7.4 fifth: ACK in reply to an ACK of unsent data "                            \
    "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"

#define R_CLOSED_RST "RFC 9293 §3.10.7.1: CLOSED, incoming RST → discard it"
#define R_CLOSED_ACK                                                                               \
    "RFC 9293 §3.10.7.1: CLOSED, segment with ACK → discard it, send <SEQ=SEG.ACK><CTL=RST>"
#define R_CLOSED_NOACK                                                                             \
    "RFC 9293 §3.10.7.1: CLOSED, segment without ACK → discard it, send "                       \
    "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
#define R_LISTEN_RST "RFC 9293 §3.10.7.2: LISTEN, first check for a RST → ignore it"
#define R_LISTEN_ACK                                                                               \
    "RFC 9293 §3.10.7.2: LISTEN, second check for an ACK → any ACK is bad here; send "          \
    "<SEQ=SEG.ACK><CTL=RST>"
#define R_LISTEN_SYN                                                                               \
    "RFC 9293 §3.10.7.2: LISTEN, SYN → IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, select ISS, send "       \
    "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter SYN-RECEIVED"
#define R_LISTEN_OTHER  "RFC 9293 §3.10.7.2: LISTEN, fourth: no SYN, RST or ACK → drop the segment"
#define R_SS_BADACK_RST "RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK on a RST → drop it"
#define R_SS_BADACK                                                                                \
    "RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK (SEG.ACK =< ISS or > SND.NXT) → send "      \
    "<SEQ=SEG.ACK><CTL=RST>, discard the segment"
#define R_SS_RST                                                                                   \
    "RFC 9293 §3.10.7.3: SYN-SENT, RST with an acceptable ACK → signal \"error: connection "    \
    "reset\" (sockets report it as \"connection refused\"), enter CLOSED"
#define R_SS_RST_NOACK "RFC 9293 §3.10.7.3: SYN-SENT, RST without ACK → drop it"
#define R_SS_NOSYN     "RFC 9293 §3.10.7.3: SYN-SENT, fifth: neither SYN nor RST → drop the segment"
#define R_SS_SYNACK                                                                                \
    "RFC 9293 §3.10.7.3: SYN-SENT, acceptable ACK with SYN → IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, "  \
    "SND.UNA=SEG.ACK, enter ESTABLISHED, ACK the SYN,ACK"
#define R_SS_SYN                                                                                    \
    "RFC 9293 §3.10.7.3: SYN-SENT, SYN without ACK (simultaneous open, MUST-10) → IRS=SEG.SEQ, " \
    "RCV.NXT=SEG.SEQ+1, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter SYN-RECEIVED"
#define R_RST_CHAL                                                                                 \
    "RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST in the window but not at RCV.NXT → send a "  \
    "challenge ACK, drop the RST"
#define R_RST_OUT                                                                                  \
    "RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST outside the receive window → drop it silently"
#define R_RST_SR_PASSIVE                                                                           \
    "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from a passive OPEN, RST at RCV.NXT → return to "  \
    "LISTEN (MUST-11), the user is not told"
#define R_RST_SR_ACTIVE                                                                            \
    "RFC 9293 §3.10.7.4 second: SYN-RECEIVED from an active OPEN, RST at RCV.NXT → signal "     \
    "\"connection refused\", enter CLOSED"
#define R_RST_EST                                                                                  \
    "RFC 9293 §3.10.7.4 second: RST at RCV.NXT in ESTABLISHED/FIN-WAIT/CLOSE-WAIT → signal "    \
    "\"connection reset\", flush queues, enter CLOSED"
#define R_RST_LATE                                                                                 \
    "RFC 9293 §3.10.7.4 second: RST at RCV.NXT in CLOSING/LAST-ACK/TIME-WAIT → enter CLOSED, "  \
    "delete the TCB"
#define R_UNACC                                                                                    \
    "RFC 9293 §3.10.7.4 first: segment not acceptable (Table 6; an old duplicate or outside the " \
    "window) → send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop it"
#define R_TW_FIN                                                                                   \
    "RFC 9293 §3.10.7.4 fifth: TIME-WAIT, the peer's FIN retransmitted → acknowledge it and "   \
    "restart the 2MSL timer"
#define R_SR_SYN                                                                                     \
    "RFC 9293 §3.10.7.4 fourth: SYN-RECEIVED from a passive OPEN, SYN in the window → return to " \
    "LISTEN"
#define R_SYN_CHAL                                                                                 \
    "RFC 9293 §3.10.7.4 fourth (RFC 5961 §4): SYN in a synchronized state → send a challenge " \
    "ACK, drop the segment"
#define R_OOO                                                                                       \
    "RFC 9293 §3.10.7.4 first: in the window but beyond RCV.NXT → hold it for later processing " \
    "(SHLD-31) and ACK RCV.NXT at once (MAY-13)"
#define R_NOACK "RFC 9293 §3.10.7.4 fifth: the ACK bit is off → drop the segment"
#define R_SR_EST                                                                                   \
    "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, SND.UNA < SEG.ACK =< SND.NXT (our SYN is "           \
    "acknowledged) → enter ESTABLISHED"
#define R_SR_BADACK                                                                                \
    "RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, unacceptable ACK → send <SEQ=SEG.ACK><CTL=RST>, "  \
    "drop the segment"
#define R_ACK_UNSENT_IN                                                                             \
    "RFC 9293 §3.10.7.4 fifth: SEG.ACK > SND.NXT acknowledges something not yet sent → send an " \
    "ACK, drop the segment"
#define R_ACK_NEW                                                                                  \
    "RFC 9293 §3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT → SND.UNA=SEG.ACK; acknowledged "   \
    "segments leave the retransmission queue"
#define R_ACK_DUP "RFC 9293 §3.10.7.4 fifth: SEG.ACK =< SND.UNA is a duplicate ACK → ignore it"
#define R_FW1_FW2 "RFC 9293 §3.10.7.4 fifth: FIN-WAIT-1, our FIN is acknowledged → enter FIN-WAIT-2"
#define R_CLOSING_TW                                                                               \
    "RFC 9293 §3.10.7.4 fifth: CLOSING, the ACK acknowledges our FIN → enter TIME-WAIT, start " \
    "the 2MSL timer"
#define R_CLOSING_NO                                                                               \
    "RFC 9293 §3.10.7.4 fifth: CLOSING, our FIN not acknowledged → ignore the segment"
#define R_LASTACK                                                                                  \
    "RFC 9293 §3.10.7.4 fifth: LAST-ACK, our FIN is acknowledged → delete the TCB, enter CLOSED"
#define R_TEXT                                                                                     \
    "RFC 9293 §3.10.7.4 seventh: data in order → RCV.NXT advances over it; ACK at once "        \
    "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (no delayed ACK here)"
#define R_TEXT_AFTER_FIN                                                                           \
    "RFC 9293 §3.10.7.4 seventh: text after the peer's FIN cannot be valid → ignore it"
#define R_FIN_EST                                                                                  \
    "RFC 9293 §3.10.7.4 eighth: ESTABLISHED, FIN → RCV.NXT over the FIN, ACK it, signal "       \
    "\"connection closing\", enter CLOSE-WAIT"
#define R_FIN_FW1                                                                                   \
    "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN while our FIN is not yet acked → ACK it, enter " \
    "CLOSING (simultaneous close)"
#define R_FIN_FW1_ACKED                                                                              \
    "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN arrives with the ACK of our FIN → ACK it, enter " \
    "TIME-WAIT, start the 2MSL timer (Fig 5 note 2)"
#define R_FIN_FW2                                                                                  \
    "RFC 9293 §3.10.7.4 eighth: FIN-WAIT-2, FIN → ACK it, enter TIME-WAIT, start the 2MSL timer"
#define R_FIN_TW "RFC 9293 §3.10.7.4 eighth: TIME-WAIT, FIN → ACK it, restart the 2MSL timer"
#define R_FIN_OTHER                                                                                \
    "RFC 9293 §3.10.7.4 eighth: FIN in CLOSE-WAIT/CLOSING/LAST-ACK → ACK it, remain in the state"
#define R_FIG7                                                                                     \
    "RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "            \
    "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; TCP Lab "       \
    "follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our SYN → ESTABLISHED, " \
    "and no segment is sent"

/* What only a capture can say (no RFC rule applies); see analyze_rule_texts in the tests. */
#define C_INFERRED                                                                                 \
    "capture: the connection was open before the capture started; this endpoint's state is "       \
    "inferred from the segment"
#define C_NO_ANSWER                                                                                \
    "capture: nothing in the capture answers this segment (lost or dropped after the capture "     \
    "point, or nobody answered)"
#define C_UNEXPECTED                                                                               \
    "capture: the RFC would not send this segment in this state (seen on the wire as it is)"
#define C_PLAIN_ACK                                                                                \
    "capture: an ACK with nothing new to acknowledge (a window update, a keep-alive or a "         \
    "delayed ACK)"

#define SIG_RESET   "connection reset"
#define SIG_REFUSED "connection refused"
#define SIG_CLOSING "connection closing"

/* ---- per-endpoint and per-connection records --------------------------------------------- */

enum owe {
    OWE_NONE = 0,
    OWE_HS_ACK,
    OWE_DATA,
    OWE_OOO,
    OWE_UNACC,
    OWE_TW_FIN,
    OWE_CHAL_SYN,
    OWE_CHAL_RST,
    OWE_UNSENT
};
enum owe_rst { RST_NONE = 0, RST_FOR_ACK, RST_FOR_NOACK, RST_LISTEN, RST_SS_BADACK, RST_SR_BADACK };

#define SENT_RING 4

typedef struct sent_rec {
    uint32_t seq, end; /* sequence space [seq, end) */
    int64_t t_us;
    uint64_t packet;
} sent_rec;

typedef struct side {
    tcp_vars v;
    bool sent_any;    /* a segment from this endpoint was seen */
    bool synack_sent; /* its SYN,ACK was seen */
    bool passive;
    bool fin_sent, fin_rcvd;
    uint32_t fin_seq;
    int wscale;      /* advertised on its SYN, -1 none */
    uint32_t hi_end; /* end of the highest sequence space seen sent (valid when sent_any) */
    uint32_t last_ack;
    bool ack_valid;
    bool hole; /* sequence space [hole_lo, hole_hi) was skipped in the capture */
    uint32_t hole_lo, hole_hi;
    int syn_sends;
    int64_t syn_last_us, syn_gap_us;
    bool linear_reported;
    sent_rec sent[SENT_RING];
    unsigned sent_pos;
    uint8_t owe, owe_rst;
} side;

typedef struct seg_in {
    tcp_segment seg; /* flags limited to the five the engine knows; wnd scaled */
    uint8_t raw_flags;
    uint16_t raw_wnd;
    int wscale;
    bool fastopen;
    uint64_t number;
    int64_t t_us;
} seg_in;

typedef struct pend_seg {
    uint32_t seq, ack, len, wnd;
    uint8_t flags;
    uint64_t number;
    int64_t t_us;
} pend_seg;

/* Segments on their way to an endpoint: delivered (a receive step) once that endpoint's own
 * next segment shows it had them, see deliver_ready. */
#define INFLIGHT 6

typedef struct inflight {
    seg_in q[INFLIGHT];
    unsigned head, count;
} inflight;

typedef struct conn {
    analyze_connection info;
    inflight to[SIM_ENDPOINTS];
    side s[SIM_ENDPOINTS];
    bool scaling;      /* both SYNs carried a window scale option */
    bool pend;         /* the server's receive step of the client's SYN waits */
    pend_seg pending;  /* that SYN */
    bool assumed;      /* the server's LISTEN is assumed (nothing from it yet) */
    size_t pend_first; /* first trace step since the server's state was assumed */
    int64_t t0_us;
    uint32_t next; /* hash chain: index + 1 of the next connection, 0 ends */
} conn;

#define CONN_BLOCK 256

struct analyze {
    uint32_t selected;
    size_t max_conns;
    conn **blocks; /* connections in blocks of CONN_BLOCK: never moved once made */
    size_t nconns, nblocks;
    uint32_t *buckets; /* index + 1 of the newest connection in the bucket, 0 empty */
    size_t nbuckets;
    sim_trace trace;
    uint64_t *packets;
    analyze_observation *obs;
    size_t nobs, capobs, obs_dropped;
    bool failed;
};

static inline conn *conn_at(const analyze *a, size_t i)
{
    return &a->blocks[i / CONN_BLOCK][i % CONN_BLOCK];
}

/* ---- names and texts ---------------------------------------------------------------- */

static const char *const obs_names[ANALYZE_OBS_COUNT] = {
    "already-open",   "rst-ack-abort", "syn-linear-backoff", "retransmission", "challenge-ack",
    "data-after-fin", "capture-lost",  "tfo-data",           "no-answer",
};

const char *analyze_obs_name(analyze_obs_kind k)
{
    return (unsigned)k < ANALYZE_OBS_COUNT ? obs_names[k] : "?";
}

void analyze_obs_text(const analyze_observation *o, bool zh, char *buf, size_t n)
{
    const char *who =
        o->endpoint == SIM_CLIENT ? (zh ? "客户端" : "client") : (zh ? "服务器" : "server");
    const char *peer =
        o->endpoint == SIM_CLIENT ? (zh ? "服务器" : "server") : (zh ? "客户端" : "client");
    switch (o->kind) {
    case ANALYZE_OBS_ALREADY_OPEN:
        snprintf(buf, n,
                 zh ? "抓包开始时这个连接已经打开：没有看到客户端的 "
                      "SYN，这个报文段之前两端的状态是从它推断出来的（标为推断）。"
                    : "The capture started after this connection was opened: the client's SYN "
                      "is not in it, so both endpoints' states before this segment are inferred "
                      "from it.");
        break;
    case ANALYZE_OBS_RST_ACK_ABORT:
        snprintf(
            buf, n,
            zh ? "%s中止连接：复位报文段带着 ACK（RST,ACK），这是 Linux 的做法；RFC 9293 §3.10.5 "
                 "的 ABORT 发送不带 ACK 的 <SEQ=SND.NXT><CTL=RST>。"
               : "The %s aborts: its reset carries an ACK (RST,ACK), as Linux sends it; "
                 "ABORT in RFC 9293 §3.10.5 sends <SEQ=SND.NXT><CTL=RST> without one.",
            who);
        break;
    case ANALYZE_OBS_SYN_LINEAR:
        snprintf(buf, n,
                 zh ? "SYN 以固定间隔重传（%lld 毫秒，又是 %lld 毫秒）：RFC 6298 §5.5 "
                      "要求每次超时后把重传超时时间加倍。"
                    : "The SYN is retransmitted at a constant interval (%lld ms, then %lld ms): "
                      "RFC 6298 §5.5 doubles the retransmission timeout after each expiry.",
                 (long long)o->a_ms, (long long)o->b_ms);
        break;
    case ANALYZE_OBS_RETRANSMISSION:
        if (o->ref_packet)
            snprintf(buf, n,
                     zh ? "%s重传：这段序号空间在 %lld 毫秒前（第 %llu 个包）已经发过一次（RFC "
                          "9293 §3.10.8 重传超时，或快速重传）。"
                        : "A retransmission by the %s: this sequence space was sent %lld ms "
                          "earlier (packet %llu); a retransmission timeout (RFC 9293 §3.10.8) "
                          "or a fast retransmit.",
                     who, (long long)o->a_ms, (unsigned long long)o->ref_packet);
        else
            snprintf(buf, n,
                     zh ? "%s重传：这段序号空间之前已经发过（更早的那次发送不在抓包里）。"
                        : "A retransmission by the %s: this sequence space was sent before "
                          "(the earlier transmission is not in the capture).",
                     who);
        break;
    case ANALYZE_OBS_CHALLENGE_ACK:
        snprintf(
            buf, n,
            zh ? "%s发出挑战 ACK（RFC 5961，RFC 9293 已采纳）：收到落在窗口内、却不正好在 RCV.NXT "
                 "的 SYN 或 RST 时，不照办，而是回一个 ACK，让真正的对端用正确的序号再来。"
               : "A challenge ACK from the %s (RFC 5961, adopted by RFC 9293): an in-window "
                 "SYN, or a RST not exactly at RCV.NXT, is answered with an ACK instead of "
                 "being acted on, so that the real peer can answer with the right number.",
            who);
        break;
    case ANALYZE_OBS_DATA_AFTER_FIN:
        snprintf(buf, n,
                 zh ? "%s在 FIN 之后还发数据：发送方的数据必须在它的 FIN 之前；按 RFC 9293 "
                      "§3.10.7.4 第七步，对端 FIN 之后到达的数据会被忽略。"
                    : "Data from the %s after its FIN: a sender's data must come before its "
                      "FIN; RFC 9293 §3.10.7.4 (seventh step) ignores text after the peer's FIN.",
                 who);
        break;
    case ANALYZE_OBS_CAPTURE_LOST:
        snprintf(
            buf, n,
            zh ? "抓包漏掉了报文：%s确认到 "
                 "%u，超过了抓包看到的%s发出的最后序号（%u）；中间的报文段发出去了，但没被抓到。"
               : "Packets the capture lost: the %s acknowledges up to %u, beyond the last "
                 "sequence number the capture saw from the %s (%u); the segments in between "
                 "were sent but not captured.",
            peer, o->n1, who, o->n2);
        break;
    case ANALYZE_OBS_TFO:
        if (zh)
            snprintf(
                buf, n,
                "TCP 快速打开（RFC 7413）：%s的 SYN 上带了 %u 字节数据。RFC 9293 把 SYN "
                "上的数据暂存到进入 ESTABLISHED 之后再交给应用；TCP Lab 的引擎不模拟这种情况。",
                who, o->n1);
        else
            snprintf(buf, n,
                     "TCP Fast Open (RFC 7413): %u data octets ride on the %s's SYN. RFC 9293 "
                     "holds text on a SYN until ESTABLISHED; TCP Lab's engine does not model it.",
                     o->n1, who);
        break;
    case ANALYZE_OBS_NO_ANSWER:
        snprintf(buf, n,
                 zh ? "抓包里没有人应答这个 "
                      "SYN：它在抓包点之后丢失或被丢弃（例如防火墙），或者对方根本没有应答。"
                    : "Nothing in the capture answers this SYN: it was lost or dropped after the "
                      "capture point (a firewall, say), or nobody answered.");
        break;
    default:
        snprintf(buf, n, "?");
        break;
    }
}

/* ---- tables ------------------------------------------------------------------------- */

analyze *analyze_new(uint32_t selected, size_t max_connections)
{
    analyze *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->selected = selected;
    a->max_conns = max_connections;
    a->nbuckets = 1024;
    a->buckets = calloc(a->nbuckets, sizeof *a->buckets);
    if (!a->buckets) {
        free(a);
        return NULL;
    }
    sim_trace_init(&a->trace);
    return a;
}

void analyze_free(analyze *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nblocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    free(a->buckets);
    free(a->packets);
    free(a->obs);
    sim_trace_cleanup(&a->trace);
    free(a);
}

static uint32_t tuple_hash(const decode_tcp *p)
{
    /* symmetric: both directions of a connection meet in one bucket */
    uint32_t h1 = 2166136261u, h2 = 2166136261u;
    size_t n = p->family == 4 ? 4 : 16;
    for (size_t i = 0; i < n; i++) {
        h1 = (h1 ^ p->src[i]) * 16777619u;
        h2 = (h2 ^ p->dst[i]) * 16777619u;
    }
    h1 = (h1 ^ p->sport) * 16777619u;
    h2 = (h2 ^ p->dport) * 16777619u;
    return (h1 ^ h2) * 2654435761u + p->family;
}

/* Which endpoint of `c` sent p: SIM_CLIENT, SIM_SERVER, or -1 if p is not c's. */
static int direction(const conn *c, const decode_tcp *p)
{
    size_t n = p->family == 4 ? 4 : 16;
    if (c->info.family != p->family)
        return -1;
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        int o = 1 - e;
        if (c->info.port[e] == p->sport && c->info.port[o] == p->dport &&
            !memcmp(c->info.addr[e], p->src, n) && !memcmp(c->info.addr[o], p->dst, n))
            return e;
    }
    return -1;
}

static int rehash(analyze *a)
{
    size_t nb = a->nbuckets * 2;
    uint32_t *b = calloc(nb, sizeof *b);
    if (!b)
        return -1;
    /* oldest first, so that each chain ends up newest first again */
    for (size_t i = 0; i < a->nconns; i++) {
        conn *c = conn_at(a, i);
        decode_tcp k;
        memset(&k, 0, sizeof k);
        k.family = c->info.family;
        memcpy(k.src, c->info.addr[0], 16);
        memcpy(k.dst, c->info.addr[1], 16);
        k.sport = c->info.port[0];
        k.dport = c->info.port[1];
        size_t h = tuple_hash(&k) & (nb - 1);
        c->next = b[h];
        b[h] = (uint32_t)i + 1;
    }
    free(a->buckets);
    a->buckets = b;
    a->nbuckets = nb;
    return 0;
}

/* ---- the trace -------------------------------------------------------------------------- */

static bool selected(const analyze *a, const conn *c)
{
    return a->selected && c->info.id == a->selected;
}

static void fill_vars(const conn *c, tcp_vars out[SIM_ENDPOINTS])
{
    for (int e = 0; e < SIM_ENDPOINTS; e++)
        out[e] = c->s[e].v;
}

/* Appends a step to the selected trace (no-op for the others). Returns its 1-based number,
 * 0 when not recorded. */
static size_t add_step(analyze *a, conn *c, int64_t t_us, uint64_t number, int endpoint,
                       sim_step_kind kind, const tcp_segment *seg, bool rtx, tcp_state before,
                       tcp_state after, const char *rule, const char *signal)
{
    if (!selected(a, c) || a->failed)
        return 0;
    sim_trace *t = &a->trace;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        sim_step *s = realloc(t->steps, cap * sizeof *s);
        if (!s) {
            a->failed = true;
            return 0;
        }
        t->steps = s;
        uint64_t *p = realloc(a->packets, cap * sizeof *p);
        if (!p) {
            a->failed = true;
            return 0;
        }
        a->packets = p;
        t->cap = cap;
    }
    sim_step *st = &t->steps[t->count];
    memset(st, 0, sizeof *st);
    st->t_ms = (t_us - c->t0_us) / 1000;
    st->endpoint = endpoint;
    st->kind = kind;
    st->has_segment = seg != NULL;
    if (seg)
        st->seg = *seg;
    st->retransmission = rtx && kind == SIM_STEP_SEND;
    st->fault = -1;
    st->state_before = before;
    st->state_after = after;
    st->rule = rule;
    st->signal = signal;
    fill_vars(c, st->vars);
    a->packets[t->count] = number;
    t->count++;
    t->end_ms = st->t_ms;
    fill_vars(c, t->final);
    return t->count;
}

static void observe(analyze *a, conn *c, analyze_obs_kind kind, uint64_t packet, size_t step,
                    int endpoint, const analyze_observation *extra)
{
    c->info.observations++;
    if (a->nobs >= ANALYZE_MAX_OBSERVATIONS) {
        a->obs_dropped++;
        return;
    }
    if (a->nobs == a->capobs) {
        size_t cap = a->capobs ? a->capobs * 2 : 32;
        analyze_observation *o = realloc(a->obs, cap * sizeof *o);
        if (!o) {
            a->failed = true;
            return;
        }
        a->obs = o;
        a->capobs = cap;
    }
    analyze_observation *o = &a->obs[a->nobs++];
    if (extra)
        *o = *extra;
    else
        memset(o, 0, sizeof *o);
    o->kind = kind;
    o->connection = c->info.id;
    o->packet = packet;
    o->step = step;
    o->endpoint = endpoint;
}

/* ---- the observer ----------------------------------------------------------------------- */

static bool synchronized(tcp_state s)
{
    return s >= TCP_SYN_RECEIVED;
}

/* The window as this endpoint means it: scaled except on a SYN (RFC 7323 §2.2). */
static uint32_t scaled_wnd(const conn *c, int from, uint16_t raw, bool syn)
{
    if (syn || !c->scaling || c->s[from].wscale <= 0)
        return raw;
    return (uint32_t)raw << c->s[from].wscale;
}

static void remember_sent(side *s, uint32_t seq, uint32_t end, int64_t t_us, uint64_t packet)
{
    sent_rec *r = &s->sent[s->sent_pos % SENT_RING];
    r->seq = seq;
    r->end = end;
    r->t_us = t_us;
    r->packet = packet;
    s->sent_pos++;
}

/* The latest earlier transmission covering `seq`, or NULL. */
static sent_rec *find_sent(side *s, uint32_t seq)
{
    unsigned n = s->sent_pos < SENT_RING ? s->sent_pos : SENT_RING;
    for (unsigned k = 1; k <= n; k++) {
        sent_rec *r = &s->sent[(s->sent_pos - k) % SENT_RING];
        if (seq_leq(r->seq, seq) && seq_lt(seq, r->end))
            return r;
    }
    return NULL;
}

/* A retransmission of [seq, end): its observation, with the interval since the last time. */
static void note_rtx(analyze *a, conn *c, int from, uint32_t seq, uint32_t end, const seg_in *g,
                     size_t step)
{
    side *s = &c->s[from];
    analyze_observation x;
    memset(&x, 0, sizeof x);
    x.a_ms = -1;
    x.b_ms = -1;
    sent_rec *r = find_sent(s, seq);
    if (r) {
        x.a_ms = (g->t_us - r->t_us) / 1000;
        x.ref_packet = r->packet;
        r->t_us = g->t_us;
        r->packet = g->number;
    } else {
        remember_sent(s, seq, end, g->t_us, g->number);
    }
    observe(a, c, ANALYZE_OBS_RETRANSMISSION, g->number, step, from, &x);
}

/* The sender's half of a segment. */
static void on_send(analyze *a, conn *c, int from, const seg_in *g)
{
    side *s = &c->s[from];
    side *peer = &c->s[1 - from];
    const tcp_segment *seg = &g->seg;
    uint8_t f = seg->flags;
    bool syn = f & TCP_SYN, ack = f & TCP_ACK, fin = f & TCP_FIN, rst = f & TCP_RST;
    tcp_state before = s->v.state;
    const char *rule = NULL;
    bool rtx = false;
    uint32_t end = seg->seq + tcp_seg_len(seg);
    int rtx_kind = 0; /* 1: this segment repeats sequence space */
    bool linear = false, aborted = false;
    int64_t gap_prev = 0, gap_now = 0;

    if (ack) {
        /* the ACK field is the sender's RCV.NXT; a peer acknowledging beyond what the capture
         * saw from it means the capture missed the peer's segments */
        if (!s->ack_valid || seq_geq(seg->ack, s->last_ack)) {
            s->last_ack = seg->ack;
            s->ack_valid = true;
            if (synchronized(s->v.state) && seq_gt(seg->ack, s->v.rcv_nxt))
                s->v.rcv_nxt = seg->ack;
        }
    }
    s->v.rcv_wnd = seg->wnd;

    if (rst) {
        if (s->owe_rst == RST_FOR_NOACK) {
            rule = R_RST_FOR_NOACK;
        } else if (s->owe_rst == RST_FOR_ACK) {
            rule = R_RST_FOR_ACK;
        } else if (s->owe_rst == RST_LISTEN) {
            rule = R_RST_LISTEN;
        } else if (s->owe_rst == RST_SS_BADACK) {
            rule = R_RST_SS_BADACK;
        } else if (s->owe_rst == RST_SR_BADACK) {
            rule = R_RST_SR_BADACK;
        } else if (synchronized(s->v.state) && s->v.state != TCP_TIME_WAIT) {
            rule = R_ABORT;
            aborted = true;
            s->v.state = TCP_CLOSED;
        } else if (s->v.state == TCP_SYN_SENT) {
            rule = C_UNEXPECTED;
            s->v.state = TCP_CLOSED;
        } else {
            rule =
                s->v.state == TCP_CLOSED ? (ack ? R_RST_FOR_NOACK : R_RST_FOR_ACK) : C_UNEXPECTED;
        }
        s->owe_rst = RST_NONE;
        s->owe = OWE_NONE;
    } else if (syn && !ack) {
        if (s->v.state == TCP_SYN_SENT && seg->seq == s->v.iss) {
            rule = R_SYN_RTX;
            rtx = true;
            rtx_kind = 1;
            gap_now = g->t_us - s->syn_last_us;
            gap_prev = s->syn_gap_us;
            if (s->syn_sends >= 2 && !s->linear_reported && gap_prev > 0 &&
                gap_now * 2 < gap_prev * 3) {
                linear = true;
                s->linear_reported = true;
            }
            s->syn_gap_us = gap_now;
        } else {
            rule = s->v.state == TCP_CLOSED ? R_OPEN_ACTIVE : C_UNEXPECTED;
            s->v.state = TCP_SYN_SENT;
            s->v.iss = seg->seq;
            s->v.snd_una = seg->seq;
            s->v.snd_nxt = seg->seq + 1 + seg->len;
            s->syn_gap_us = 0;
        }
        s->syn_sends++;
        s->syn_last_us = g->t_us;
    } else if (syn && ack) {
        if (synchronized(s->v.state) && s->v.iss == seg->seq && s->synack_sent) {
            rule = R_SYNACK_RTX;
            rtx = true;
            rtx_kind = 1;
        } else if (s->v.state == TCP_SYN_RECEIVED) {
            rule = s->passive ? R_SYNACK_LISTEN : R_SYNACK_SIMUL;
            if (!s->passive && s->v.iss != seg->seq)
                rule = C_UNEXPECTED;
            s->v.iss = seg->seq;
            s->v.snd_una = seg->seq;
            s->v.snd_nxt = seg->seq + 1;
        } else {
            rule = C_UNEXPECTED;
        }
        s->synack_sent = true;
    } else {
        bool fin_new = false, data_rtx = false;
        if (seg->len > 0) {
            if (s->fin_sent && seq_geq(seg->seq, s->fin_seq)) {
                observe(a, c, ANALYZE_OBS_DATA_AFTER_FIN, g->number,
                        selected(a, c) ? a->trace.count + 1 : 0, from, NULL);
                rule = C_UNEXPECTED;
            } else if (s->sent_any && seq_lt(seg->seq, s->hi_end)) {
                rule = R_DATA_RTX;
                data_rtx = true;
                rtx = true;
                rtx_kind = 1;
            } else {
                rule = (f & TCP_PSH) ? R_DATA_PSH : R_DATA;
                if (!synchronized(s->v.state) || s->v.state == TCP_FIN_WAIT_1 ||
                    s->v.state == TCP_FIN_WAIT_2 || s->v.state == TCP_CLOSING ||
                    s->v.state == TCP_LAST_ACK || s->v.state == TCP_TIME_WAIT)
                    rule = C_UNEXPECTED;
            }
            uint32_t dend = seg->seq + seg->len;
            if (seq_gt(dend, s->v.snd_nxt) && !s->fin_sent)
                s->v.snd_nxt = dend;
        }
        if (fin) {
            uint32_t fseq = seg->seq + seg->len;
            if (s->fin_sent && fseq == s->fin_seq) {
                if (seg->len == 0 || data_rtx) {
                    rule = R_FIN_RTX;
                    rtx = true;
                    rtx_kind = 1;
                }
            } else if (!s->fin_sent) {
                fin_new = true;
                s->fin_sent = true;
                s->fin_seq = fseq;
                s->v.snd_nxt = fseq + 1;
                switch (s->v.state) {
                case TCP_ESTABLISHED:
                    s->v.state = TCP_FIN_WAIT_1;
                    rule = R_CLOSE_EST;
                    break;
                case TCP_CLOSE_WAIT:
                    s->v.state = TCP_LAST_ACK;
                    rule = R_CLOSE_CW;
                    break;
                case TCP_SYN_RECEIVED:
                    s->v.state = TCP_FIN_WAIT_1;
                    rule = R_CLOSE_SR;
                    break;
                default:
                    rule = C_UNEXPECTED;
                    break;
                }
            }
        }
        if (!rule) {
            /* an ACK alone: what did the sender owe? */
            switch (s->owe) {
            case OWE_HS_ACK:
                rule = R_HS_ACK;
                break;
            case OWE_DATA:
                rule = R_ACK_DATA;
                break;
            case OWE_OOO:
                rule = R_ACK_OOO;
                break;
            case OWE_UNACC:
                rule = R_ACK_UNACC;
                break;
            case OWE_TW_FIN:
                rule = R_ACK_TW;
                break;
            case OWE_CHAL_SYN:
                rule = R_CHAL_SYN;
                break;
            case OWE_CHAL_RST:
                rule = R_CHAL_RST;
                break;
            case OWE_UNSENT:
                rule = R_ACK_UNSENT;
                break;
            default:
                rule = ack ? C_PLAIN_ACK : C_UNEXPECTED;
                break;
            }
        }
        (void)fin_new;
        if (s->owe == OWE_CHAL_SYN || s->owe == OWE_CHAL_RST)
            observe(a, c, ANALYZE_OBS_CHALLENGE_ACK, g->number,
                    selected(a, c) ? a->trace.count + 1 : 0, from, NULL);
        s->owe = OWE_NONE;
    }

    uint32_t start_seq = seg->seq;
    if (!rst && s->sent_any && !syn) {
        if (!s->hole && seq_gt(seg->seq, s->hi_end)) {
            s->hole = true;
            s->hole_lo = s->hi_end;
            s->hole_hi = seg->seq;
        } else if (s->hole && seq_leq(seg->seq, s->hole_lo) && seq_gt(end, s->hole_lo)) {
            s->hole = false; /* sent again, and captured this time */
        }
    }
    if (!rst && ack && peer->hole && seq_gt(seg->ack, peer->hole_lo)) {
        analyze_observation x;
        memset(&x, 0, sizeof x);
        x.n1 = seg->ack;
        x.n2 = peer->hole_lo;
        observe(a, c, ANALYZE_OBS_CAPTURE_LOST, g->number, selected(a, c) ? a->trace.count + 1 : 0,
                1 - from, &x);
        peer->hole = false;
    }
    if (!rst) {
        if (!s->sent_any || seq_gt(end, s->hi_end))
            s->hi_end = end;
        if (rtx_kind == 0 && end != seg->seq)
            remember_sent(s, start_seq, end, g->t_us, g->number);
    }
    if (!rst && ack && peer->sent_any && seq_gt(seg->ack, peer->hi_end) &&
        synchronized(s->v.state)) {
        analyze_observation x;
        memset(&x, 0, sizeof x);
        x.n1 = seg->ack;
        x.n2 = peer->hi_end;
        observe(a, c, ANALYZE_OBS_CAPTURE_LOST, g->number, selected(a, c) ? a->trace.count + 1 : 0,
                1 - from, &x);
        peer->hi_end = seg->ack;
        if (seq_gt(seg->ack, peer->v.snd_nxt))
            peer->v.snd_nxt = seg->ack;
    }
    s->sent_any = true;
    c->info.data_bytes[from] += seg->len;

    size_t step = add_step(a, c, g->t_us, g->number, from, SIM_STEP_SEND, seg, rtx, before,
                           s->v.state, rule, NULL);
    if (rtx_kind)
        note_rtx(a, c, from, seg->seq, end == seg->seq ? seg->seq + 1 : end, g, step);
    if (rst && ack && aborted)
        observe(a, c, ANALYZE_OBS_RST_ACK_ABORT, g->number, step, from, NULL);
    if (syn && seg->len > 0)
        observe(a, c, ANALYZE_OBS_TFO, g->number, step, from,
                &(analyze_observation){.n1 = seg->len});
    if (linear)
        observe(a, c, ANALYZE_OBS_SYN_LINEAR, g->number, step, from,
                &(analyze_observation){.a_ms = gap_prev / 1000, .b_ms = gap_now / 1000});
}

/* Table 6 with the receiver's window as the capture knows it. */
static bool acceptable(const side *b, uint32_t seq, uint32_t slen)
{
    uint32_t wnd = b->v.rcv_wnd ? b->v.rcv_wnd : 0;
    uint32_t lo = b->v.rcv_nxt, hi = lo + wnd;
    if (!b->sent_any)
        hi = lo + 65535; /* nothing heard from it: a window is assumed */
    if (slen == 0)
        return hi == lo ? seq == lo : seq_in_range(seq, lo, hi);
    if (hi == lo)
        return false;
    return seq_in_range(seq, lo, hi) || seq_in_range(seq + slen - 1, lo, hi);
}

typedef struct rcv_out {
    const char *rule;
    const char *signal;
    bool transitioned;
} rcv_out;

static void set_state(side *b, rcv_out *o, tcp_state to, const char *rule)
{
    b->v.state = to;
    o->rule = rule;
    o->transitioned = true;
}

static void note(rcv_out *o, const char *rule)
{
    o->rule = rule;
}

/* SEGMENT ARRIVES in a synchronized state (and SYN-RECEIVED), §3.10.7.4. */
static void rcv_other(analyze *a, conn *c, int to, const seg_in *g, rcv_out *o)
{
    side *b = &c->s[to];
    tcp_segment s = g->seg;
    uint8_t f = s.flags;
    if (f & TCP_RST) {
        if (s.seq != b->v.rcv_nxt) {
            if (acceptable(b, s.seq, 0) && b->v.rcv_wnd > 0) {
                note(o, R_RST_CHAL);
                b->owe = OWE_CHAL_RST;
            } else {
                note(o, R_RST_OUT);
            }
            return;
        }
        switch (b->v.state) {
        case TCP_SYN_RECEIVED:
            if (b->passive) {
                set_state(b, o, TCP_LISTEN, R_RST_SR_PASSIVE);
            } else {
                o->signal = SIG_REFUSED;
                set_state(b, o, TCP_CLOSED, R_RST_SR_ACTIVE);
            }
            return;
        case TCP_ESTABLISHED:
        case TCP_FIN_WAIT_1:
        case TCP_FIN_WAIT_2:
        case TCP_CLOSE_WAIT:
            o->signal = SIG_RESET;
            set_state(b, o, TCP_CLOSED, R_RST_EST);
            return;
        default:
            set_state(b, o, TCP_CLOSED, R_RST_LATE);
            return;
        }
    }
    bool syn_trimmed = false;
    if ((f & TCP_SYN) && seq_lt(s.seq, b->v.rcv_nxt) && s.len == 0 && !(f & TCP_FIN)) {
        s.flags &= (uint8_t)~TCP_SYN;
        s.seq += 1;
        syn_trimmed = true;
    }
    uint32_t slen = tcp_seg_len(&s);
    bool ok = acceptable(b, s.seq, slen);
    if (ok && syn_trimmed && slen == 0)
        ok = (s.flags & TCP_ACK) && seq_lt(b->v.snd_una, s.ack) && seq_leq(s.ack, b->v.snd_nxt);
    if (!ok) {
        if (b->v.state == TCP_TIME_WAIT && (g->seg.flags & TCP_FIN) &&
            g->seg.seq + tcp_seg_len(&g->seg) == b->v.rcv_nxt) {
            note(o, R_TW_FIN);
            b->owe = OWE_TW_FIN;
            return;
        }
        note(o, R_UNACC);
        b->owe = OWE_UNACC;
        return;
    }
    if (s.flags & TCP_SYN) {
        if (b->v.state == TCP_SYN_RECEIVED && b->passive) {
            set_state(b, o, TCP_LISTEN, R_SR_SYN);
            return;
        }
        note(o, R_SYN_CHAL);
        b->owe = OWE_CHAL_SYN;
        return;
    }
    if (seq_lt(s.seq, b->v.rcv_nxt)) {
        uint32_t d = b->v.rcv_nxt - s.seq;
        s.len = d > s.len ? 0 : s.len - d;
        s.seq = b->v.rcv_nxt;
    }
    if (s.seq != b->v.rcv_nxt && (s.len > 0 || (s.flags & TCP_FIN))) {
        note(o, R_OOO);
        b->owe = OWE_OOO;
        return;
    }
    /* fifth: the ACK field */
    if (!(s.flags & TCP_ACK)) {
        note(o, R_NOACK);
        return;
    }
    bool fw2_now = false;
    if (b->v.state == TCP_SYN_RECEIVED) {
        if (seq_lt(b->v.snd_una, s.ack) && seq_leq(s.ack, b->v.snd_nxt)) {
            b->v.snd_wnd = s.wnd;
            set_state(b, o, TCP_ESTABLISHED, syn_trimmed ? R_FIG7 : R_SR_EST);
        } else {
            note(o, R_SR_BADACK);
            b->owe_rst = RST_SR_BADACK;
            return;
        }
    }
    if (seq_gt(s.ack, b->v.snd_nxt)) {
        note(o, R_ACK_UNSENT_IN);
        b->owe = OWE_UNSENT;
        return;
    }
    if (seq_lt(b->v.snd_una, s.ack)) {
        b->v.snd_una = s.ack;
        if (!o->transitioned)
            note(o, R_ACK_NEW);
    } else if (!o->transitioned) {
        note(o, R_ACK_DUP);
    }
    b->v.snd_wnd = s.wnd;
    bool fin_acked = b->fin_sent && b->v.snd_una == b->fin_seq + 1u;
    switch (b->v.state) {
    case TCP_FIN_WAIT_1:
        if (fin_acked) {
            set_state(b, o, TCP_FIN_WAIT_2, R_FW1_FW2);
            fw2_now = true;
        }
        break;
    case TCP_CLOSING:
        if (fin_acked) {
            set_state(b, o, TCP_TIME_WAIT, R_CLOSING_TW);
        } else {
            note(o, R_CLOSING_NO);
            return;
        }
        break;
    case TCP_LAST_ACK:
        if (fin_acked) {
            set_state(b, o, TCP_CLOSED, R_LASTACK);
            return;
        }
        break;
    default:
        break;
    }
    if (s.seq != b->v.rcv_nxt)
        return;
    /* seventh: text */
    if (s.len > 0) {
        if (b->v.state == TCP_ESTABLISHED || b->v.state == TCP_FIN_WAIT_1 ||
            b->v.state == TCP_FIN_WAIT_2) {
            b->v.rcv_nxt += s.len;
            b->owe = OWE_DATA;
            if (!o->transitioned)
                note(o, R_TEXT);
        } else {
            note(o, R_TEXT_AFTER_FIN);
            if (!c->s[1 - to].fin_sent || !seq_geq(g->seg.seq, c->s[1 - to].fin_seq))
                observe(a, c, ANALYZE_OBS_DATA_AFTER_FIN, g->number,
                        selected(a, c) ? a->trace.count + 1 : 0, 1 - to, NULL);
            return;
        }
    }
    /* eighth: FIN */
    if ((s.flags & TCP_FIN) && s.seq + s.len == b->v.rcv_nxt) {
        b->owe = OWE_DATA;
        if (b->fin_rcvd) {
            note(o, b->v.state == TCP_TIME_WAIT ? R_FIN_TW : R_FIN_OTHER);
            return;
        }
        b->v.rcv_nxt += 1;
        b->fin_rcvd = true;
        o->signal = SIG_CLOSING;
        switch (b->v.state) {
        case TCP_SYN_RECEIVED:
        case TCP_ESTABLISHED:
            set_state(b, o, TCP_CLOSE_WAIT, R_FIN_EST);
            break;
        case TCP_FIN_WAIT_1:
            set_state(b, o, TCP_CLOSING, R_FIN_FW1);
            break;
        case TCP_FIN_WAIT_2:
            set_state(b, o, TCP_TIME_WAIT, fw2_now ? R_FIN_FW1_ACKED : R_FIN_FW2);
            break;
        case TCP_TIME_WAIT:
            note(o, R_FIN_TW);
            break;
        default:
            note(o, R_FIN_OTHER);
            break;
        }
    }
}

/* The receiver's half of a segment. */
static void on_receive(analyze *a, conn *c, int to, const seg_in *g)
{
    side *b = &c->s[to];
    const tcp_segment *s = &g->seg;
    uint8_t f = s->flags;
    tcp_state before = b->v.state;
    rcv_out o = {NULL, NULL, false};
    switch (b->v.state) {
    case TCP_CLOSED:
        if (f & TCP_RST) {
            note(&o, R_CLOSED_RST);
        } else if (f & TCP_ACK) {
            note(&o, R_CLOSED_ACK);
            b->owe_rst = RST_FOR_ACK;
        } else {
            note(&o, R_CLOSED_NOACK);
            b->owe_rst = RST_FOR_NOACK;
        }
        break;
    case TCP_LISTEN:
        if (f & TCP_RST) {
            note(&o, R_LISTEN_RST);
        } else if (f & TCP_ACK) {
            note(&o, R_LISTEN_ACK);
            b->owe_rst = RST_LISTEN;
        } else if (f & TCP_SYN) {
            b->passive = true;
            b->v.irs = s->seq;
            b->v.rcv_nxt = s->seq + 1;
            b->v.snd_wnd = s->wnd;
            set_state(b, &o, TCP_SYN_RECEIVED, R_LISTEN_SYN);
        } else {
            note(&o, R_LISTEN_OTHER);
        }
        break;
    case TCP_SYN_SENT: {
        bool ack = f & TCP_ACK;
        if (ack && (seq_leq(s->ack, b->v.iss) || seq_gt(s->ack, b->v.snd_nxt))) {
            if (f & TCP_RST) {
                note(&o, R_SS_BADACK_RST);
            } else {
                note(&o, R_SS_BADACK);
                b->owe_rst = RST_SS_BADACK;
            }
        } else if (f & TCP_RST) {
            if (ack) {
                o.signal = SIG_RESET;
                set_state(b, &o, TCP_CLOSED, R_SS_RST);
            } else {
                note(&o, R_SS_RST_NOACK);
            }
        } else if (!(f & TCP_SYN)) {
            note(&o, R_SS_NOSYN);
        } else {
            b->v.irs = s->seq;
            b->v.rcv_nxt = s->seq + 1;
            b->v.snd_wnd = s->wnd;
            if (ack) {
                b->v.snd_una = s->ack;
                set_state(b, &o, TCP_ESTABLISHED, R_SS_SYNACK);
                b->owe = OWE_HS_ACK;
            } else {
                set_state(b, &o, TCP_SYN_RECEIVED, R_SS_SYN);
            }
        }
        break;
    }
    default:
        rcv_other(a, c, to, g, &o);
        break;
    }
    add_step(a, c, g->t_us, g->number, to, SIM_STEP_RECEIVE, s, false, before, b->v.state,
             o.rule ? o.rule : C_UNEXPECTED, o.signal);
}

/* ---- segments in flight ------------------------------------------------------------------ */

/* Hands the oldest segment on its way to `to` over to it, as received at t_us. */
static void deliver_head(analyze *a, conn *c, int to, int64_t t_us)
{
    inflight *f = &c->to[to];
    seg_in g = f->q[f->head % INFLIGHT];
    f->head++;
    f->count--;
    if (g.t_us < t_us)
        g.t_us = t_us;
    on_receive(a, c, to, &g);
}

/* A segment that carries sequence space (SYN, data, FIN) is received when its receiver's
 * next segment shows it: before `to` sends `next` (NULL: the capture ended), everything it
 * had received by then is delivered, in order, except that a segment which would be next in
 * sequence (SEG.SEQ = RCV.NXT) and which `next`'s ACK field does not yet cover had not
 * arrived (its FIN, say, crossed `next` on the wire), nor had anything before a `next`
 * without ACK (a SYN sent again: the SYN,ACK was not there): it and those behind it wait.
 * Before a RST everything is delivered. So two
 * FINs that crossed give a simultaneous close wherever the capture was taken. */
static void deliver_ready(analyze *a, conn *c, int to, const seg_in *next, int64_t t_us)
{
    inflight *f = &c->to[to];
    while (f->count) {
        const seg_in *x = &f->q[f->head % INFLIGHT];
        uint32_t end = x->seg.seq + tcp_seg_len(&x->seg);
        bool unseen = next && !(next->seg.flags & TCP_RST) && end != x->seg.seq &&
                      !(x->seg.flags & TCP_RST) &&
                      (!(next->seg.flags & TCP_ACK) ||
                       (synchronized(c->s[to].v.state) && x->seg.seq == c->s[to].v.rcv_nxt &&
                        seq_lt(next->seg.ack, end)));
        if (unseen)
            break;
        deliver_head(a, c, to, t_us);
    }
}

static void send_inflight(analyze *a, conn *c, int to, const seg_in *g)
{
    inflight *f = &c->to[to];
    if (f->count == INFLIGHT)
        deliver_head(a, c, to, g->t_us);
    f->q[(f->head + f->count) % INFLIGHT] = *g;
    f->count++;
    /* what asks for no answer (an ACK alone, a RST) arrives as captured, unless a segment
     * still on its way is ahead of it */
    while (f->count) {
        const seg_in *x = &f->q[f->head % INFLIGHT];
        if (tcp_seg_len(&x->seg) != 0)
            break;
        deliver_head(a, c, to, x->t_us);
    }
}

/* The server's receive step of the client's SYN, now that the server's next move (or the
 * client's) tells what it was: how = 1 listening (SYN,ACK), 2 nothing listened (RST), 3 it
 * opened too (a SYN of its own: simultaneous open; the client's SYN arrives after it left),
 * 0 no answer. */
static void resolve_pending(analyze *a, conn *c, int how)
{
    if (!c->pend)
        return;
    c->pend = false;
    seg_in g;
    memset(&g, 0, sizeof g);
    g.seg.seq = c->pending.seq;
    g.seg.ack = c->pending.ack;
    g.seg.len = c->pending.len;
    g.seg.wnd = c->pending.wnd;
    g.seg.flags = c->pending.flags;
    g.number = c->pending.number;
    g.t_us = c->pending.t_us;
    side *srv = &c->s[SIM_SERVER];
    if ((how == 2 || how == 3) && c->assumed) {
        srv->v.state = TCP_CLOSED;
        if (selected(a, c))
            for (size_t i = c->pend_first; i < a->trace.count; i++) {
                sim_step *st = &a->trace.steps[i];
                st->vars[SIM_SERVER].state = TCP_CLOSED;
                if (st->endpoint == SIM_SERVER) {
                    st->state_before = TCP_CLOSED;
                    st->state_after = TCP_CLOSED;
                }
            }
    }
    if (how == 0) {
        size_t step =
            add_step(a, c, g.t_us, g.number, SIM_CLIENT, SIM_STEP_DROP, &g.seg, false,
                     c->s[SIM_CLIENT].v.state, c->s[SIM_CLIENT].v.state, C_NO_ANSWER, NULL);
        observe(a, c, ANALYZE_OBS_NO_ANSWER, g.number, step, SIM_CLIENT, NULL);
        return;
    }
    c->assumed = false;
    if (how == 3) {
        /* simultaneous open: the server's own SYN left before the client's arrived */
        inflight *f = &c->to[SIM_SERVER];
        f->q[(f->head + f->count) % INFLIGHT] = g;
        f->count++;
        return;
    }
    on_receive(a, c, SIM_SERVER, &g);
}

/* A connection seen without its first SYN: both endpoints' states and variables inferred. */
static void infer_open(conn *c, int from, const decode_tcp *p, uint32_t wnd)
{
    side *s = &c->s[from], *b = &c->s[1 - from];
    c->info.inferred = true;
    bool syn = p->flags & TCP_SYN, ack = p->flags & TCP_ACK;
    if (syn && ack) {
        s->v.state = TCP_SYN_RECEIVED;
        s->passive = true;
        s->v.irs = p->ack - 1;
        s->v.rcv_nxt = p->ack;
        b->v.state = TCP_SYN_SENT;
        b->v.iss = p->ack - 1;
        b->v.snd_una = p->ack - 1;
        b->v.snd_nxt = p->ack;
        b->sent_any = true;
        b->hi_end = p->ack;
        return;
    }
    s->v.state = TCP_ESTABLISHED;
    b->v.state = TCP_ESTABLISHED;
    s->v.snd_una = p->seq;
    s->v.snd_nxt = p->seq;
    s->hi_end = p->seq;
    s->sent_any = true;
    s->v.rcv_wnd = wnd;
    b->v.rcv_nxt = p->seq;
    b->v.rcv_wnd = 65535;
    b->v.snd_wnd = wnd;
    if (ack) {
        s->v.rcv_nxt = p->ack;
        b->v.snd_una = p->ack;
        b->v.snd_nxt = p->ack;
        b->hi_end = p->ack;
        b->sent_any = true;
    }
}

static conn *new_conn(analyze *a, const decode_tcp *p, int64_t t_us, uint64_t number,
                      analyze_status *st)
{
    if (a->max_conns && a->nconns >= a->max_conns) {
        *st = ANALYZE_ERR_TOO_MANY_CONNECTIONS;
        return NULL;
    }
    if (a->nconns == a->nblocks * CONN_BLOCK) {
        conn **bl = realloc(a->blocks, (a->nblocks + 1) * sizeof *bl);
        if (!bl) {
            *st = ANALYZE_ERR_NOMEM;
            return NULL;
        }
        a->blocks = bl;
        bl[a->nblocks] = malloc(CONN_BLOCK * sizeof **bl);
        if (!bl[a->nblocks]) {
            *st = ANALYZE_ERR_NOMEM;
            return NULL;
        }
        a->nblocks++;
    }
    if (a->nconns * 2 >= a->nbuckets && rehash(a) != 0) {
        *st = ANALYZE_ERR_NOMEM;
        return NULL;
    }
    conn *c = conn_at(a, a->nconns);
    memset(c, 0, sizeof *c);
    c->info.id = (uint32_t)a->nconns + 1;
    c->info.family = p->family;
    /* the client sent the first SYN; without one, the endpoint on the higher (ephemeral) port */
    bool src_is_client;
    if ((p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
        src_is_client = true;
    else if ((p->flags & TCP_SYN) && (p->flags & TCP_ACK))
        src_is_client = false;
    else
        src_is_client = p->sport >= p->dport;
    int cl = src_is_client ? 0 : 1;
    memcpy(c->info.addr[SIM_CLIENT], cl == 0 ? p->src : p->dst, 16);
    memcpy(c->info.addr[SIM_SERVER], cl == 0 ? p->dst : p->src, 16);
    c->info.port[SIM_CLIENT] = cl == 0 ? p->sport : p->dport;
    c->info.port[SIM_SERVER] = cl == 0 ? p->dport : p->sport;
    c->info.first_packet = number;
    c->info.first_t_us = t_us;
    c->t0_us = t_us;
    for (int e = 0; e < SIM_ENDPOINTS; e++) {
        c->s[e].wscale = -1;
        c->s[e].v.state = TCP_CLOSED;
    }
    size_t h = tuple_hash(p) & (a->nbuckets - 1);
    c->next = a->buckets[h];
    a->buckets[h] = (uint32_t)a->nconns + 1;
    a->nconns++;
    return c;
}

analyze_status analyze_packet(analyze *a, uint64_t number, int64_t t_us, const decode_tcp *p)
{
    if (a->failed)
        return ANALYZE_ERR_NOMEM;
    size_t h = tuple_hash(p) & (a->nbuckets - 1);
    conn *c = NULL;
    int from = -1;
    for (uint32_t i = a->buckets[h]; i; i = conn_at(a, i - 1)->next) {
        from = direction(conn_at(a, i - 1), p);
        if (from >= 0) {
            c = conn_at(a, i - 1);
            break;
        }
    }
    bool syn_only = (p->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
    if (c && syn_only) {
        /* a new connection on the same four-tuple: the old one is over */
        const side *cl = &c->s[SIM_CLIENT];
        tcp_state cs = cl->v.state, ss = c->s[SIM_SERVER].v.state;
        bool over = (cs == TCP_CLOSED || cs == TCP_TIME_WAIT) &&
                    (ss == TCP_CLOSED || ss == TCP_TIME_WAIT || ss == TCP_LISTEN);
        if (from == SIM_CLIENT && over &&
            !(cl->sent_any && cs == TCP_CLOSED && !cl->fin_sent && cl->syn_sends > 0 &&
              p->seq == cl->v.iss))
            c = NULL;
    }
    analyze_status st = ANALYZE_OK;
    bool fresh = false;
    if (!c) {
        c = new_conn(a, p, t_us, number, &st);
        if (!c)
            return st;
        from = direction(c, p);
        fresh = true;
    }
    c->info.packets++;
    c->info.last_packet = number;
    c->info.last_t_us = t_us;
    if (p->flags & TCP_SYN) {
        c->s[from].wscale = p->wscale;
        c->scaling = c->s[0].wscale >= 0 && c->s[1].wscale >= 0;
    }

    seg_in g;
    memset(&g, 0, sizeof g);
    g.seg.seq = p->seq;
    g.seg.ack = (p->flags & TCP_ACK) ? p->ack : 0;
    g.seg.flags = p->flags & TCP_FLAGS_ALL;
    g.seg.len = p->payload_len;
    g.seg.wnd = scaled_wnd(c, from, p->window, p->flags & TCP_SYN);
    g.raw_flags = p->flags;
    g.raw_wnd = p->window;
    g.fastopen = p->fastopen;
    g.number = number;
    g.t_us = t_us;

    if (fresh) {
        if (syn_only) {
            c->info.syn_seen = true;
            c->s[SIM_SERVER].v.state = TCP_LISTEN; /* assumed until the server answers */
            c->assumed = true;
        } else {
            infer_open(c, from, p, g.seg.wnd);
        }
    }

    /* the server's first answer settles its receive step of the SYN */
    if (c->pend) {
        if (from == SIM_SERVER)
            resolve_pending(a, c, (p->flags & TCP_RST) ? 2 : syn_only ? 3 : 1);
        else
            resolve_pending(a, c, 0);
    }
    if (fresh && c->info.inferred) {
        size_t step = selected(a, c) ? a->trace.count + 1 : 0;
        observe(a, c, ANALYZE_OBS_ALREADY_OPEN, number, step, from, NULL);
    }

    int to = 1 - from;
    deliver_ready(a, c, from, &g, t_us);
    if (c->assumed && to == SIM_SERVER && syn_only)
        c->pend_first = a->trace.count;
    on_send(a, c, from, &g);
    if (c->assumed && to == SIM_SERVER && syn_only) {
        c->pend = true;
        c->pending.seq = g.seg.seq;
        c->pending.ack = g.seg.ack;
        c->pending.len = g.seg.len;
        c->pending.wnd = g.seg.wnd;
        c->pending.flags = g.seg.flags;
        c->pending.number = number;
        c->pending.t_us = t_us;
    } else {
        send_inflight(a, c, to, &g);
    }
    for (int e = 0; e < SIM_ENDPOINTS; e++)
        c->info.state[e] = c->s[e].v.state;
    return a->failed ? ANALYZE_ERR_NOMEM : ANALYZE_OK;
}

analyze_status analyze_finish(analyze *a)
{
    for (size_t i = 0; i < a->nconns; i++) {
        conn *c = conn_at(a, i);
        resolve_pending(a, c, 0);
        for (int e = 0; e < SIM_ENDPOINTS; e++)
            deliver_ready(a, c, e, NULL, c->info.last_t_us);
        for (int e = 0; e < SIM_ENDPOINTS; e++)
            c->info.state[e] = c->s[e].v.state;
        if (selected(a, c))
            fill_vars(c, a->trace.final);
    }
    return a->failed ? ANALYZE_ERR_NOMEM : ANALYZE_OK;
}

const sim_trace *analyze_trace(const analyze *a)
{
    return &a->trace;
}

const uint64_t *analyze_step_packets(const analyze *a)
{
    return a->packets;
}

size_t analyze_connection_count(const analyze *a)
{
    return a->nconns;
}

const analyze_connection *analyze_connection_at(const analyze *a, size_t i)
{
    return i < a->nconns ? &conn_at(a, i)->info : NULL;
}

size_t analyze_observation_count(const analyze *a)
{
    return a->nobs;
}

const analyze_observation *analyze_observation_at(const analyze *a, size_t i)
{
    return i < a->nobs ? &a->obs[i] : NULL;
}

size_t analyze_observations_dropped(const analyze *a)
{
    return a->obs_dropped;
}

size_t analyze_memory(const analyze *a)
{
    return sizeof *a + a->nblocks * (CONN_BLOCK * sizeof(conn) + sizeof(conn *)) +
           a->nbuckets * sizeof *a->buckets + a->trace.cap * (sizeof(sim_step) + sizeof(uint64_t)) +
           a->capobs * sizeof(analyze_observation);
}
