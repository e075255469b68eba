/*
 * rules_zh_queues.c — the listen-queue rules in Simplified Chinese (rules_zh_queues.h).
 *
 * Owns: the table below, sorted by strcmp of the English (test_rules_zh.c checks the merged
 * order), and its lookup. Written as rules_zh.c's texts are: a teacher's Chinese, RFC section
 * references, state names and segment notation verbatim; 半连接队列 for the SYN queue and
 * 全连接队列 for the accept queue, the terms Chinese courses and interviews use; Linux names
 * (tcp_syncookies, inet_csk_listen_stop) and errno names kept as they are.
 * Does not: build any text at run time.
 */
#include "rules_zh_queues.h"

#include <stdlib.h>
#include <string.h>

typedef struct pair {
    const char *en, *zh;
} pair;

// clang-format off
static const pair table[] = {
    {"RFC 4987 §3.6 (Linux tcp_syncookies=1): LISTEN, SYN while the SYN queue is full → answer "
     "with a SYN cookie and keep no state: the listener stays in LISTEN and the SYN queue does "
     "not grow",
     "RFC 4987 §3.6（Linux，tcp_syncookies=1）：LISTEN 状态下半连接队列已满，又来了一个 SYN → "
     "用 SYN cookie 作答，不保存任何状态：监听套接字仍处于 LISTEN，半连接队列不会变长"},
    {"RFC 4987 §3.6: LISTEN, an ACK whose SEG.ACK-1 is a valid cookie for this four-tuple → "
     "rebuild the TCB from it (ISS=SEG.ACK-1, IRS=SEG.SEQ-1, the MSS from the cookie; no window "
     "scale, SACK or timestamps), enter ESTABLISHED, queue it for accept()",
     "RFC 4987 §3.6：LISTEN 状态下收到一个 ACK，它的 SEG.ACK-1 正是发给这个四元组的有效 cookie → "
     "据此重建 TCB（ISS=SEG.ACK-1，IRS=SEG.SEQ-1，MSS 取自 cookie；没有窗口扩大、SACK 和时间戳），"
     "进入 ESTABLISHED，放进全连接队列等待 accept()"},
    {"RFC 4987 §3.6: SYN,ACK <SEQ=cookie><ACK=SEG.SEQ+1>: the ISS is the cookie (a time counter, "
     "the MSS as one of 4 values and a keyed hash of the four-tuple and SEG.SEQ); what a cookie "
     "cannot carry is lost: window scale, SACK-permitted, timestamps and any other MSS",
     "RFC 4987 §3.6：SYN,ACK <SEQ=cookie><ACK=SEG.SEQ+1>：ISS 就是 cookie（由时间计数、4 个可选值之一"
     "表示的 MSS，以及对四元组和 SEG.SEQ 计算的带密钥哈希拼成）；cookie 装不下的信息就丢了："
     "窗口扩大因子、SACK-permitted、时间戳，以及这 4 个值以外的 MSS"},
    {"accept(): take the oldest connection off the accept queue; the application now has a "
     "socket for it (RFC 9293 has no accept: there a passive OPEN stands for one connection)",
     "accept()：从全连接队列中取出最早完成握手的连接，应用程序从此有了这个连接的套接字"
     "（RFC 9293 中没有 accept：在那里，一次被动打开只对应一个连接）"},
    {"accept(): the accept queue is empty → a non-blocking accept() fails with EAGAIN (a "
     "blocking one would wait for the next completed handshake)",
     "accept()：全连接队列是空的 → 非阻塞的 accept() 返回 EAGAIN 错误（阻塞的 accept() 则会"
     "一直等到下一次握手完成）"},
    {"accept(): the socket is not listening → the call fails (EINVAL)",
     "accept()：这个套接字不在监听 → 调用失败（EINVAL）"},
    {"close() of the listening socket: a connection still in its SYN queue or accept queue is "
     "aborted (Linux inet_csk_listen_stop; RST where RFC 9293 §3.10.5 sends one)",
     "关闭监听套接字（close()）：还在半连接队列或全连接队列里的连接一律中止（Linux 的 "
     "inet_csk_listen_stop；凡是 RFC 9293 §3.10.5 规定要发 RST 的，就发 RST）"},
    {"listen queue (Linux): the ACK carries a valid SYN cookie but the accept queue is full → "
     "drop it; no state was kept, so nothing is resent: the client believes ESTABLISHED until "
     "its own data or FIN is retransmitted and brings the cookie again",
     "监听队列（Linux 的做法）：这个 ACK 带着有效的 SYN cookie，但全连接队列已满 → 丢弃它；"
     "服务器没有保存任何状态，所以不会重发任何东西：客户端一直以为连接处于 ESTABLISHED，"
     "直到它重传自己的数据或 FIN，把 cookie 再带过来一次"},
    {"listen queue (Linux, tcp_abort_on_overflow=0; RFC 9293 leaves it open): this ACK would "
     "complete the handshake but the accept queue is full → drop it and stay in SYN-RECEIVED; "
     "the client already believes ESTABLISHED, and the SYN,ACK timer will send the SYN,ACK again",
     "监听队列（Linux 的做法，tcp_abort_on_overflow=0；RFC 9293 对此未作规定）：这个 ACK 本可以"
     "完成握手，但全连接队列已满 → 丢弃它，仍停在 SYN-RECEIVED；客户端这时已经认为连接处于 "
     "ESTABLISHED，服务器的 SYN,ACK 定时器超时后会重发 SYN,ACK"},
    {"listen queue (Linux; RFC 9293 leaves a full queue open): the SYN queue is full and SYN "
     "cookies are off (tcp_syncookies=0) → drop the SYN without a reply; the client's "
     "retransmission timer will send it again",
     "监听队列（Linux 的做法；队列满了怎么办，RFC 9293 没有规定）：半连接队列已满，又没有开启 "
     "SYN cookie（tcp_syncookies=0）→ 丢弃这个 SYN，不作任何应答；客户端的重传定时器超时后会"
     "再发一次"},
    {"listen queue (Linux; RFC 9293 leaves a full queue open): the accept queue is full → drop "
     "the SYN without a reply, SYN cookies or not; the client's retransmission timer will send "
     "it again",
     "监听队列（Linux 的做法；队列满了怎么办，RFC 9293 没有规定）：全连接队列已满 → 丢弃这个 "
     "SYN，不作应答，开没开 SYN cookie 都一样；客户端的重传定时器超时后会再发一次"},
    {"network: sent to a spoofed source address (RFC 4987 §2.1): no host there answers, so the "
     "segment is lost and the half-open connection waits for its timer",
     "网络：报文段发往一个伪造的源地址（RFC 4987 §2.1）：那里没有主机应答，报文段石沉大海，"
     "这个半连接只能等自己的定时器超时"},
    {"the server's application has not accept()ed this connection: it has no socket to call on "
     "yet",
     "服务器的应用程序还没有 accept() 这个连接，手里还没有它的套接字，无从调用"},

};
// clang-format on

#define TABLE_SIZE (sizeof table / sizeof table[0])

static int cmp_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const pair *)elem)->en);
}

const char *rules_zh_queues_lookup(const char *en)
{
    if (!en)
        return NULL;
    const pair *p = bsearch(en, table, TABLE_SIZE, sizeof table[0], cmp_key);
    return p ? p->zh : NULL;
}

size_t rules_zh_queues_count(void)
{
    return TABLE_SIZE;
}

bool rules_zh_queues_at(size_t i, const char **en, const char **zh)
{
    if (i >= TABLE_SIZE)
        return false;
    if (en)
        *en = table[i].en;
    if (zh)
        *zh = table[i].zh;
    return true;
}
