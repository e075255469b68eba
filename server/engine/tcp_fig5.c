/*
 * tcp_fig5.c — the tables of tcp_fig5.h, transcribed from RFC 9293 §3.3.2 and Figure 5.
 *
 * Owns: constant data only. Does not: compute anything. Edge order follows the figure
 * from top to bottom; the descriptions paraphrase the RFC's list of state meanings, each
 * followed by its Simplified Chinese translation (for the zh-CN state diagram tooltips).
 */
#include "tcp_fig5.h"

const tcp_fig5_state tcp_fig5_states[TCP_STATE_COUNT] = {
    {TCP_CLOSED, "CLOSED", "No connection state at all: a fictional state meaning there is no TCB.",
     "根本没有连接状态：这是一个虚构的状态，表示不存在 TCB。"},
    {TCP_LISTEN, "LISTEN", "Waiting for a connection request from any remote TCP peer and port.",
     "等待来自任意远端 TCP 对端和端口的连接请求。"},
    {TCP_SYN_SENT, "SYN-SENT",
     "Waiting for a matching connection request after having sent a connection request.",
     "已发出连接请求，正在等待与之匹配的连接请求。"},
    {TCP_SYN_RECEIVED, "SYN-RECEIVED",
     "Waiting for the acknowledgment of our connection request after having both received "
     "and sent a connection request.",
     "已经收到并发出了连接请求，正在等待对方确认我方的连接请求。"},
    {TCP_ESTABLISHED, "ESTABLISHED",
     "An open connection: data received can be delivered to the user; the normal state of "
     "the data transfer phase.",
     "连接已打开：收到的数据可以交付给用户；这是数据传输阶段的正常状态。"},
    {TCP_FIN_WAIT_1, "FIN-WAIT-1",
     "Waiting for a connection termination request from the remote peer, or for the "
     "acknowledgment of the termination request we sent.",
     "正在等待远端的连接终止请求，或者等待对方确认我方已发出的终止请求。"},
    {TCP_FIN_WAIT_2, "FIN-WAIT-2",
     "Waiting for a connection termination request from the remote peer (ours has been "
     "acknowledged).",
     "正在等待远端的连接终止请求（我方的终止请求已被确认）。"},
    {TCP_CLOSE_WAIT, "CLOSE-WAIT",
     "Waiting for a connection termination request from the local user (the peer has "
     "already sent its FIN).",
     "正在等待本地用户发出连接终止请求（对端已经发来了 FIN）。"},
    {TCP_CLOSING, "CLOSING",
     "Waiting for the remote peer to acknowledge our connection termination request (both "
     "sides sent FIN at about the same time).",
     "正在等待远端确认我方的连接终止请求（双方几乎同时发出了 FIN）。"},
    {TCP_LAST_ACK, "LAST-ACK",
     "Waiting for the acknowledgment of the termination request we sent, which itself "
     "acknowledged the peer's termination request.",
     "正在等待对方确认我方先前发出的终止请求"
     "（我方这个请求中已经包含了对对端终止请求的确认）。"},
    {TCP_TIME_WAIT, "TIME-WAIT",
     "Waiting for enough time (2 MSL) to pass to be sure the peer received the "
     "acknowledgment of its termination request and that delayed segments of this "
     "connection cannot disturb a new one.",
     "等待足够长的时间（2 MSL），以确保对端已收到对其终止请求的确认，"
     "并确保本连接迟到的报文段不会干扰新的连接。"},
};
const size_t tcp_fig5_state_count = TCP_STATE_COUNT;

#define NOTE1                                                                                      \
    "Note 1: the transition from SYN-RECEIVED to LISTEN on receiving a RST is conditional on "     \
    "having reached SYN-RECEIVED after a passive OPEN."

const tcp_fig5_edge tcp_fig5_edges[] = {
    {TCP_CLOSED, TCP_LISTEN, "passive OPEN", "create TCB", NULL},
    {TCP_CLOSED, TCP_SYN_SENT, "active OPEN", "create TCB, snd SYN", NULL},
    {TCP_LISTEN, TCP_CLOSED, "CLOSE", "delete TCB", NULL},
    {TCP_LISTEN, TCP_SYN_RECEIVED, "rcv SYN", "snd SYN,ACK", NULL},
    {TCP_LISTEN, TCP_SYN_SENT, "SEND", "snd SYN", NULL},
    {TCP_SYN_SENT, TCP_CLOSED, "CLOSE", "delete TCB", NULL},
    {TCP_SYN_SENT, TCP_SYN_RECEIVED, "rcv SYN", "snd SYN,ACK", NULL},
    {TCP_SYN_SENT, TCP_ESTABLISHED, "rcv SYN,ACK", "snd ACK", NULL},
    {TCP_SYN_RECEIVED, TCP_LISTEN, "rcv RST", "", NOTE1},
    {TCP_SYN_RECEIVED, TCP_ESTABLISHED, "rcv ACK of SYN", "", NULL},
    {TCP_SYN_RECEIVED, TCP_FIN_WAIT_1, "CLOSE", "snd FIN", NULL},
    {TCP_ESTABLISHED, TCP_FIN_WAIT_1, "CLOSE", "snd FIN", NULL},
    {TCP_ESTABLISHED, TCP_CLOSE_WAIT, "rcv FIN", "snd ACK", NULL},
    {TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, "rcv ACK of FIN", "", NULL},
    {TCP_FIN_WAIT_1, TCP_CLOSING, "rcv FIN", "snd ACK", NULL},
    {TCP_CLOSE_WAIT, TCP_LAST_ACK, "CLOSE", "snd FIN", NULL},
    {TCP_FIN_WAIT_2, TCP_TIME_WAIT, "rcv FIN", "snd ACK", NULL},
    {TCP_CLOSING, TCP_TIME_WAIT, "rcv ACK of FIN", "", NULL},
    {TCP_LAST_ACK, TCP_CLOSED, "rcv ACK of FIN", "", NULL},
    {TCP_TIME_WAIT, TCP_CLOSED, "Timeout=2MSL", "delete TCB", NULL},
};
const size_t tcp_fig5_edge_count = sizeof tcp_fig5_edges / sizeof tcp_fig5_edges[0];

const tcp_fig5_edge tcp_fig5_note_edges[] = {
    {TCP_FIN_WAIT_1, TCP_TIME_WAIT, "rcv FIN, ACK of FIN", "snd ACK",
     "Note 2: the figure omits a transition from FIN-WAIT-1 to TIME-WAIT if a FIN is received "
     "and the local FIN is also acknowledged."},
};
const size_t tcp_fig5_note_edge_count = sizeof tcp_fig5_note_edges / sizeof tcp_fig5_note_edges[0];
