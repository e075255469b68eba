/*
 * catalog.c — the built-in scenarios (names fixed by docs/catalog.md).
 *
 * Owns: each built-in's name, title, one-paragraph explanation and its scenario JSON text
 * as scenario JSON, then its Simplified Chinese title and explanation (the same
 * facts; RFC state and flag names stay in English, as Chinese textbooks write them).
 * Numbers follow RFC 9293's figures: client (A) ISS 100, server (B) ISS 300, one-way latency 50 ms,
 * RTO 1 s, MSL 120 s (TIME-WAIT = 2 MSL = 240 s; the run ends when nothing is pending), 5 retries.
 * Figures 9 and 10 use client ISS 99 and server ISS 299 so that B "sends 300, receives 100" as in
 * the figure. Does not: parse or run the scenarios (scenario_json.h, sim.h);
 * tests/unit/test_catalog.c holds each one's hand-derived expected trace.
 */
#include "catalog.h"

#include <string.h>

/* Shared JSON fragments. The table is laid out by hand (one JSON line per source line). */
// clang-format off
#define TIMERS "\"timers\": {\"rto_ms\": 1000, \"msl_ms\": 120000, \"max_retries\": 5},\n"
#define ISS_AB "\"client\": {\"iss\": 100},\n  \"server\": {\"iss\": 300},\n"
#define EV(t, who, call) "    {\"at_ms\": " #t ", \"endpoint\": \"" who "\", \"call\": \"" call "\"}"
#define SEND(t, who, n) "    {\"at_ms\": " #t ", \"endpoint\": \"" who "\", \"call\": \"send\", \"bytes\": " #n "}"
#define NET(faults) "\"network\": {\"latency_ms\": 50, \"faults\": [" faults "]},\n"

static const catalog_entry entries[] = {
    {"handshake-and-close", "Handshake, data, and close",
     "The client opens with a three-way handshake (RFC 9293 §3.5, Figure 6): SYN <SEQ=100>, "
     "SYN,ACK <SEQ=300><ACK=101>, ACK <SEQ=101><ACK=301>. It sends 10 bytes, which the server "
     "acknowledges at once (ACK=111). The client closes first (§3.6, Figure 12): its FIN takes it "
     "to FIN-WAIT-1, the server's ACK of the FIN to FIN-WAIT-2, while the server sits in "
     "CLOSE-WAIT until its application closes too. The server's FIN moves it to LAST-ACK; the "
     "client acknowledges it and waits in TIME-WAIT for 2 MSL (§3.4.2, §3.10.8) before CLOSED, "
     "so that a lost final ACK can still be repeated and old segments die out.",
     "{\n  \"title\": \"Handshake, data, and close\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     SEND(200, "client", 10) ",\n" EV(400, "client", "close") ",\n" EV(600, "server", "close")
     "\n  ]\n}\n",
     "握手、传输数据与关闭",
     "客户端以三次握手打开连接（RFC 9293 §3.5，图 6）：SYN <SEQ=100>，SYN,ACK <SEQ=300><ACK=101>，"
     "ACK <SEQ=101><ACK=301>。随后它发送 10 字节数据，服务器立即确认（ACK=111）。"
     "客户端先关闭（§3.6，图 12）：发出 FIN 后进入 FIN-WAIT-1，收到服务器对这个 FIN 的确"
     "认后进入 FIN-WAIT-2；服务器则停在 CLOSE-WAIT，直到它的应用程序也关闭。"
     "服务器发出 FIN 后进入 LAST-ACK；客户端确认这个 FIN，然后在 TIME-WAIT 中等待 2 MSL（§3.4.2，"
     "§3.10.8）才进入 CLOSED——这样，万一最后的 ACK 丢失还可以重发，网络中残留的旧报文段也"
     "有时间消亡。"},

    {"server-closes-first", "Server closes first",
     "After the handshake (RFC 9293 Figure 6) the server's application closes first, so the roles "
     "of Figure 12 swap: the server sends FIN and goes FIN-WAIT-1 → FIN-WAIT-2, the client goes "
     "to CLOSE-WAIT and, when its application closes, to LAST-ACK. The side that closes first is "
     "the one that ends in TIME-WAIT (§3.6): here the server holds the connection for 2 MSL "
     "after acknowledging the client's FIN, while the client reaches CLOSED as soon as that ACK "
     "arrives.",
     "{\n  \"title\": \"Server closes first\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "server", "close") ",\n" EV(400, "client", "close") "\n  ]\n}\n",
     "服务器先关闭",
     "握手（RFC 9293 图 6）之后，服务器的应用程序先关闭，于是图 12 中的角色互换："
     "服务器发出 FIN，依次经过 FIN-WAIT-1 → FIN-WAIT-2；客户端进入 CLOSE-WAIT，"
     "等它的应用程序也关闭时再进入 LAST-ACK。先关闭的一方就是最终进入 TIME-WAIT 的一方（§3.6）："
     "这里是服务器在确认客户端的 FIN 之后还要把连接保留 2 MSL，而客户端一收到这个 ACK 就"
     "进入 CLOSED。"},

    {"half-close", "Half-close: the server keeps sending",
     "CLOSE means only \"I have no more data to send\" (RFC 9293 §3.6, §3.6.1 Half-Closed "
     "Connections). The client closes after the handshake and reaches FIN-WAIT-2, but it can "
     "still receive: the server, in CLOSE-WAIT, sends 100 more bytes, which the client "
     "acknowledges (ACK=401). Only when the server's application closes does its FIN go out "
     "(LAST-ACK); the client acknowledges it and enters TIME-WAIT.",
     "{\n  \"title\": \"Half-close\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "close") ",\n" SEND(400, "server", 100) ",\n" EV(600, "server", "close")
     "\n  ]\n}\n",
     "半关闭：服务器继续发送",
     "CLOSE 的意思只是“我没有更多数据要发送了”（RFC 9293 §3.6，§3.6.1 半关闭连接）。"
     "客户端在握手后关闭，进入 FIN-WAIT-2，但它仍然可以接收：处于 CLOSE-WAIT 的服务器又发"
     "送了 100 字节，客户端予以确认（ACK=401）。直到服务器的应用程序也关闭，"
     "它的 FIN 才发出（LAST-ACK）；客户端确认这个 FIN，进入 TIME-WAIT。"},

    {"simultaneous-open", "Simultaneous open",
     "Both endpoints call connect at the same moment (RFC 9293 §3.5, Figure 7; supporting this "
     "is MUST-10). Each is in SYN-SENT when the other's SYN arrives, so each moves to "
     "SYN-RECEIVED and answers with SYN,ACK <SEQ=ISS><ACK=RCV.NXT> (§3.10.7.3). When those "
     "SYN,ACKs arrive, their SYN is an octet already received, so they fail Table 6 "
     "(§3.10.7.4): read literally, each side would ACK and drop the SYN,ACK, and those ACKs "
     "would complete the open one trip later. TCP Lab follows Figure 7 instead: the "
     "SYN,ACK's ACK of our SYN moves each side to ESTABLISHED, with no further segment.",
     "{\n  \"title\": \"Simultaneous open\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "client", "connect") ",\n" EV(0, "server", "connect")
     "\n  ]\n}\n",
     "同时打开",
     "两端在同一时刻调用 connect（RFC 9293 §3.5，图 7；必须支持这种情况，见 MUST-10）。"
     "对方的 SYN 到达时，双方都处于 SYN-SENT，于是都进入 SYN-RECEIVED，"
     "并回应 SYN,ACK <SEQ=ISS><ACK=RCV.NXT>（§3.10.7.3）。"
     "这两个 SYN,ACK 到达时，其中的 SYN 占用的是早已收到的序号，所以通不过表 6 的检查"
     "（§3.10.7.4）：按条文字面，双方都应回一个 ACK 并丢弃这个 SYN,ACK，再由这两个 ACK "
     "晚一趟完成打开。TCP Lab 按图 7 处理：SYN,ACK 中对我方 SYN 的确认使双方各自进入 "
     "ESTABLISHED，不再发送任何报文段。"},

    {"simultaneous-close", "Simultaneous close",
     "Both applications close at the same moment (RFC 9293 §3.6, Figure 13). Each side sends FIN "
     "from ESTABLISHED and enters FIN-WAIT-1; each then receives the other's FIN before its own "
     "has been acknowledged, so it goes to CLOSING and acknowledges the FIN. When the ACKs of "
     "the FINs arrive both move to TIME-WAIT, and both wait 2 MSL before CLOSED.",
     "{\n  \"title\": \"Simultaneous close\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "close") ",\n" EV(200, "server", "close") "\n  ]\n}\n",
     "同时关闭",
     "两端的应用程序在同一时刻关闭（RFC 9293 §3.6，图 13）。双方都从 ESTABLISHED 发出 FIN，"
     "进入 FIN-WAIT-1；随后各自在自己的 FIN 被确认之前就收到了对方的 FIN，于是进入 CLOSING，"
     "并确认这个 FIN。对各自 FIN 的确认到达后，双方都进入 TIME-WAIT，都要等待 2 MSL 才进"
     "入 CLOSED。"},

    {"lost-syn", "Lost SYN",
     "The network drops the client's first SYN. Nothing comes back, so the client's retransmission "
     "timer (RFC 9293 §3.8.1, RFC 6298; 1 s here) expires and the SYN is sent again with the "
     "same sequence number 100 — a retransmission reuses the ISN, it does not pick a new one. "
     "The retransmitted SYN gets through and the handshake completes as in Figure 6, one RTO "
     "late.",
     "{\n  \"title\": \"Lost SYN\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"SYN\"], \"nth\": 1}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") "\n  ]\n}\n",
     "SYN 丢失",
     "网络丢弃了客户端的第一个 SYN。没有任何回应，于是客户端的重传定时器（RFC 9293 §3.8.1，"
     "RFC 6298；这里为 1 秒）超时，SYN 以相同的序列号 100 再次发出——重传沿用原来的 ISN，"
     "不会另选一个新的。重传的 SYN 顺利到达，握手按图 6 完成，只是晚了一个 RTO。"},

    {"lost-syn-ack", "Lost SYN,ACK",
     "The server's SYN,ACK is dropped. Both sides have a retransmission timer running (RFC 9293 "
     "§3.8.1): the client for its SYN, the server for its SYN,ACK. The client's fires first and "
     "it repeats the SYN; the server's fires at the same moment the repeated SYN arrives, so it "
     "repeats the SYN,ACK. The repeated SYN is an old duplicate to the server in SYN-RECEIVED: "
     "it lies wholly before RCV.NXT, is not acceptable, and draws an empty ACK "
     "<SEQ=SND.NXT><ACK=RCV.NXT> (§3.10.7.4). The retransmitted SYN,ACK, sent just before that "
     "ACK, reaches the client first and completes its handshake; the empty ACK then arrives in "
     "ESTABLISHED as a duplicate ACK and is ignored. The client's ACK completes the server's side.",
     "{\n  \"title\": \"Lost SYN,ACK\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"server\", \"flags\": [\"SYN\", \"ACK\"], \"nth\": 1}")
     "  " TIMERS "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect")
     "\n  ]\n}\n",
     "SYN,ACK 丢失",
     "服务器的 SYN,ACK 被丢弃。两端各有一个重传定时器在运行（RFC 9293 §3.8.1）："
     "客户端的用于 SYN，服务器的用于 SYN,ACK。客户端的定时器先超时，于是重发 SYN；"
     "服务器的定时器恰好在重发的 SYN 到达的同一时刻超时，于是重发 SYN,ACK。对处于 SYN-RECEIVED "
     "的服务器来说，重发的 SYN 是一个旧的重复报文段：它完全落在 RCV.NXT 之前，"
     "不可接受，只会引出一个空的 ACK <SEQ=SND.NXT><ACK=RCV.NXT>（§3.10.7.4）。"
     "重传的 SYN,ACK 比这个 ACK 早一点发出，先到达客户端，完成了客户端一侧的握手；"
     "随后那个空的 ACK 到达已处于 ESTABLISHED 的客户端，作为重复 ACK 被忽略。"
     "客户端的 ACK 则完成了服务器一侧的握手。"},

    {"lost-third-ack", "Lost third ACK",
     "The handshake's final ACK is dropped: the client is ESTABLISHED (it received an acceptable "
     "SYN,ACK, RFC 9293 §3.10.7.3) but the server is still SYN-RECEIVED. The client sends 10 "
     "bytes; every segment after the SYN carries ACK, so the data segment's acceptable ACK "
     "completes the server's handshake (§3.10.7.4, fifth step: SYN-RECEIVED → ESTABLISHED) and "
     "its data is then accepted and acknowledged. No retransmission is needed.",
     "{\n  \"title\": \"Lost third ACK\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"ACK\"], \"nth\": 1}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     SEND(200, "client", 10) "\n  ]\n}\n",
     "第三次握手的 ACK 丢失",
     "握手的最后一个 ACK 被丢弃：客户端已经进入 ESTABLISHED（它收到了可接受的 SYN,ACK，"
     "RFC 9293 §3.10.7.3），服务器却仍处于 SYN-RECEIVED。客户端发送 10 字节数据；"
     "SYN 之后的每个报文段都带 ACK，所以数据报文段中可接受的 ACK 就完成了服务器一侧的握手"
     "（§3.10.7.4 第五步：SYN-RECEIVED → ESTABLISHED），随后其中的数据被接受并得到确认。"
     "整个过程不需要任何重传。"},

    {"lost-fin", "Lost FIN",
     "The client's FIN is dropped. A FIN occupies one sequence number, so it is covered by the "
     "retransmission timer like data (RFC 9293 §3.6, §3.8.1): after one RTO the client, still in "
     "FIN-WAIT-1, sends the same FIN <SEQ=101> again. Then the close proceeds as in Figure 12: "
     "the server goes to CLOSE-WAIT and later LAST-ACK, the client to FIN-WAIT-2 and TIME-WAIT.",
     "{\n  \"title\": \"Lost FIN\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"ACK\", \"FIN\"], \"nth\": 1}")
     "  " TIMERS "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect")
     ",\n" EV(200, "client", "close") ",\n" EV(1500, "server", "close") "\n  ]\n}\n",
     "FIN 丢失",
     "客户端的 FIN 被丢弃。FIN 占用一个序列号，所以它和数据一样受重传定时器保护（RFC 9293 "
     "§3.6，§3.8.1）：一个 RTO 之后，仍处于 FIN-WAIT-1 的客户端再次发出同一个 FIN <SEQ=101>。"
     "此后的关闭过程与图 12 相同：服务器进入 CLOSE-WAIT，之后进入 LAST-ACK；"
     "客户端进入 FIN-WAIT-2，然后进入 TIME-WAIT。"},

    {"lost-final-ack", "Lost final ACK",
     "The last ACK of the teardown (the client's ACK of the server's FIN) is dropped. The client "
     "is already in TIME-WAIT; the server, in LAST-ACK, retransmits its FIN when its timer "
     "expires. This is why TIME-WAIT exists (RFC 9293 §3.6, §3.10.7.4): the only thing that can "
     "arrive in TIME-WAIT is a retransmission of the remote FIN — the client acknowledges it "
     "again and restarts the 2 MSL timeout. The second ACK gets through and the server reaches "
     "CLOSED.",
     "{\n  \"title\": \"Lost final ACK\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"ACK\"], \"nth\": 2}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "close") ",\n" EV(400, "server", "close") "\n  ]\n}\n",
     "最后一个 ACK 丢失",
     "四次挥手的最后一个 ACK（客户端对服务器 FIN 的确认）被丢弃。客户端已经处于 TIME-WAIT；"
     "处于 LAST-ACK 的服务器在定时器超时后重传它的 FIN。这正是 TIME-WAIT 存在的原因（RFC "
     "9293 §3.6，§3.10.7.4）：在 TIME-WAIT 中唯一可能到达的就是对端 FIN 的重传——客户端再"
     "次确认它，并重新开始 2 MSL 的计时。第二个 ACK 顺利到达，服务器进入 CLOSED。"},

    {"connection-refused", "Connection refused",
     "The client connects to a port where nothing listens. The server side has no connection "
     "(CLOSED), and a CLOSED endpoint answers every segment except a RST with a RST (RFC 9293 "
     "§3.5.2 group 1, §3.10.7.1): the SYN carries no ACK, so the reset is <SEQ=0><ACK=101>"
     "<CTL=RST,ACK> (ACK = SEG.SEQ + SEG.LEN, the SYN counting one). In SYN-SENT that RST "
     "acknowledges the SYN, so it is acceptable: the client goes to CLOSED and its user is told "
     "\"connection reset\" (§3.10.7.3) — which sockets APIs report as \"Connection refused\" "
     "(ECONNREFUSED).",
     "{\n  \"title\": \"Connection refused\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "client", "connect") "\n  ]\n}\n",
     "连接被拒绝",
     "客户端连接一个没有任何程序监听的端口。服务器一侧没有连接（CLOSED），而处于 CLOSED "
     "的端点对除 RST 以外的任何报文段都回以 RST（RFC 9293 §3.5.2 第 1 种情况，"
     "§3.10.7.1）：SYN 不带 ACK，所以复位报文段是 <SEQ=0><ACK=101><CTL=RST,ACK>（ACK = SEG.SEQ "
     "+ SEG.LEN，SYN 占一个序号）。在 SYN-SENT 状态下，这个 RST 确认了客户端的 SYN，"
     "因而是可接受的：客户端进入 CLOSED，并通知用户“connection reset”（连接被重置，"
     "§3.10.7.3）——套接字 API 把它报告为“Connection refused”（ECONNREFUSED，"
     "连接被拒绝）。"},

    {"abort-rst", "Abort with RST",
     "After the handshake the client's application calls ABORT (RFC 9293 §3.10.5): in "
     "ESTABLISHED a reset <SEQ=SND.NXT><CTL=RST> is sent, queued data is discarded and the "
     "connection is CLOSED at once — no FIN exchange and no TIME-WAIT. The RST's sequence "
     "number equals the server's RCV.NXT, so the server accepts it (§3.10.7.4, second step, RFC "
     "5961 §3), goes to CLOSED and tells its user \"connection reset\".",
     "{\n  \"title\": \"Abort with RST\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "abort") "\n  ]\n}\n",
     "用 RST 异常终止",
     "握手之后，客户端的应用程序调用 ABORT（RFC 9293 §3.10.5）：在 ESTABLISHED 状态下发出"
     "复位报文段 <SEQ=SND.NXT><CTL=RST>，丢弃排队的数据，连接立即进入 CLOSED——没有 FIN 交"
     "换，也没有 TIME-WAIT。这个 RST 的序列号等于服务器的 RCV.NXT，所以服务器接受它（§3.10.7.4 "
     "第二步，RFC 5961 §3），进入 CLOSED，并通知它的用户“connection reset”（连接被重置）。"},

    {"half-open-discovery", "Half-open connection discovery",
     "RFC 9293 §3.5.1, Figure 9. The client crashes and loses its TCB while the server stays "
     "ESTABLISHED (send 300, receive 100). The rebooted client opens again with SYN <SEQ=400>. "
     "A SYN in a synchronized state draws a challenge ACK <SEQ=300><ACK=100><CTL=ACK> "
     "(§3.10.7.4, RFC 5961 §4). That ACK acknowledges nothing the client sent (100 =< ISS), so "
     "the client in SYN-SENT resets it: <SEQ=100><CTL=RST> (§3.10.7.3). The RST is exactly at "
     "the server's RCV.NXT, so the server aborts (\"connection reset\"). The client's SYN "
     "retransmission then finds the server listening again and the handshake of Figure 6 "
     "succeeds.",
     "{\n  \"title\": \"Half-open connection discovery\",\n"
     "  \"client\": {\"iss\": [99, 400]},\n  \"server\": {\"iss\": [299, 600]},\n  " NET("") "  "
     TIMERS "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "crash") ",\n" EV(300, "client", "connect") ",\n"
     EV(1000, "server", "listen") "\n  ]\n}\n",
     "发现半开连接",
     "RFC 9293 §3.5.1，图 9。客户端崩溃，丢失了 TCB，而服务器仍处于 ESTABLISHED（发送 300，"
     "接收 100）。重启后的客户端以 SYN <SEQ=400> 重新打开连接。在同步状态下收到 SYN，"
     "会引出一个挑战 ACK <SEQ=300><ACK=100><CTL=ACK>（§3.10.7.4，RFC 5961 §4）。"
     "这个 ACK 确认的并不是客户端发出过的任何东西（100 =< ISS），于是处于 SYN-SENT 的客户"
     "端用 <SEQ=100><CTL=RST> 复位它（§3.10.7.3）。这个 RST 恰好位于服务器的 RCV.NXT，"
     "服务器于是中止连接（“connection reset”）。随后客户端重传的 SYN 发现服务器又在监听了，"
     "图 6 的握手顺利完成。"},

    {"half-open-data", "Half-open connection: data meets RST",
     "RFC 9293 §3.5.1, Figure 10. The client crashes and loses its TCB; the server, still "
     "ESTABLISHED (send 300, receive 100), sends 10 bytes <SEQ=300><ACK=100>. For the client no "
     "such connection exists (CLOSED), so it answers with a reset taking its sequence number from "
     "the segment's ACK: <SEQ=100><CTL=RST> (§3.5.2 group 1, §3.10.7.1). That RST is in the "
     "server's window at RCV.NXT, so the server aborts: CLOSED, \"connection reset\".",
     "{\n  \"title\": \"Half-open connection: data meets RST\",\n"
     "  \"client\": {\"iss\": 99},\n  \"server\": {\"iss\": 299},\n  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "crash") ",\n" SEND(300, "server", 10) "\n  ]\n}\n",
     "半开连接：数据遇上 RST",
     "RFC 9293 §3.5.1，图 10。客户端崩溃，丢失了 TCB；仍处于 ESTABLISHED（发送 300，"
     "接收 100）的服务器发出 10 字节数据 <SEQ=300><ACK=100>。对客户端来说根本不存在这条连"
     "接（CLOSED），所以它回以复位报文段，序列号取自该报文段的确认号：<SEQ=100><CTL=RST>（§3.5.2 "
     "第 1 种情况，§3.10.7.1）。这个 RST 落在服务器的窗口内、恰好位于 RCV.NXT，"
     "于是服务器中止连接：进入 CLOSED，报告“connection reset”（连接被重置）。"},

    {"old-duplicate-syn", "Old duplicate SYN",
     "RFC 9293 §3.5, Figure 8: why the handshake has three segments. An old duplicate SYN "
     "<SEQ=90> (injected) reaches the listening server before the client's real SYN, which the "
     "network delays. The server answers it with SYN,ACK <SEQ=300><ACK=91>. The client in "
     "SYN-SENT sees an ACK of something it never sent (91 =< ISS 100) and replies "
     "<SEQ=91><CTL=RST> (§3.10.7.3). The server, whose SYN-RECEIVED came from a passive OPEN, "
     "returns to LISTEN (§3.5.3) — then the real SYN arrives and the handshake completes with the "
     "server's next ISN, 400.",
     "{\n  \"title\": \"Old duplicate SYN\",\n"
     "  \"client\": {\"iss\": 100},\n  \"server\": {\"iss\": [300, 400]},\n  "
     NET("{\"action\": \"delay\", \"from\": \"client\", \"flags\": [\"SYN\"], \"nth\": 1, "
         "\"extra_ms\": 200}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     "    {\"at_ms\": 20, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": 90, "
     "\"ack\": 0, \"len\": 0}}\n  ]\n}\n",
     "旧的重复 SYN",
     "RFC 9293 §3.5，图 8：握手为什么需要三个报文段。一个旧的重复 SYN <SEQ=90>（人为注入）"
     "先于客户端真正的 SYN 到达正在监听的服务器——真正的 SYN 被网络延迟了。服务器用 SYN,ACK "
     "<SEQ=300><ACK=91> 回应它。处于 SYN-SENT 的客户端发现这个 ACK 确认的是自己从未发出过"
     "的东西（91 =< ISS 100），于是回复 <SEQ=91><CTL=RST>（§3.10.7.3）。服务器的 SYN-RECEIVED "
     "来自被动打开，因此它回到 LISTEN（§3.5.3）——接着真正的 SYN 到达，握手以服务器的下一"
     "个 ISN 400 完成。"},

    {"old-duplicate-syn-passive", "Old duplicate SYN on two listeners",
     "RFC 9293 §3.5, Figure 11. Both endpoints are passive (LISTEN). An old duplicate SYN "
     "<SEQ=90> arrives at the server, which moves to SYN-RECEIVED and answers "
     "<SEQ=300><ACK=91><CTL=SYN,ACK>. A listener receiving any ACK must answer with a reset "
     "<SEQ=SEG.ACK><CTL=RST> (§3.10.7.2), so the client sends <SEQ=91><CTL=RST> and stays in "
     "LISTEN. The RST is exactly at the server's RCV.NXT and its SYN-RECEIVED came from LISTEN, "
     "so it returns to LISTEN (§3.5.3). Both end as they began.",
     "{\n  \"title\": \"Old duplicate SYN on two listeners\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "client", "listen") ",\n" EV(0, "server", "listen") ",\n"
     "    {\"at_ms\": 20, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": 90, "
     "\"ack\": 0, \"len\": 0}}\n  ]\n}\n",
     "两个监听端上的旧重复 SYN",
     "RFC 9293 §3.5，图 11。两端都是被动打开（LISTEN）。一个旧的重复 SYN <SEQ=90> 到达服"
     "务器，服务器进入 SYN-RECEIVED，并回应 <SEQ=300><ACK=91><CTL=SYN,ACK>。"
     "处于 LISTEN 的一方收到任何 ACK 都必须以复位报文段 <SEQ=SEG.ACK><CTL=RST> 回应（§3.10.7.2），"
     "所以客户端发出 <SEQ=91><CTL=RST>，自己仍留在 LISTEN。这个 RST 恰好位于服务器的 RCV.NXT，"
     "而服务器的 SYN-RECEIVED 是从 LISTEN 进入的，所以它回到 LISTEN（§3.5.3）。"
     "两端最终都回到了起始状态。"},

    {"syn-retries-exhausted", "SYN retries exhausted",
     "Every SYN the client sends is lost (think of a firewall that silently drops them). The "
     "retransmission timer (RFC 9293 §3.8.1, RFC 6298 §5.5) doubles after each expiry: the SYN "
     "is repeated at 1, 3, 7, 15 and 31 s. After max_retries (5) retransmissions the next expiry "
     "(at 63 s) gives up: the connection is CLOSED and the user is told \"connection timed out\" "
     "(§3.8.3, excessive retransmissions). Note: for a SYN, RFC 9293 requires R2 to allow at "
     "least 3 minutes of retransmission (MUST-23); this lab gives up after about a minute only "
     "so that the whole story fits on one page.",
     "{\n  \"title\": \"SYN retries exhausted\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"SYN\"]}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") "\n  ]\n}\n",
     "SYN 重传次数耗尽",
     "客户端发出的每一个 SYN 都丢失了（可以想象一个默默丢弃 SYN 的防火墙）。"
     "重传定时器（RFC 9293 §3.8.1，RFC 6298 §5.5）每超时一次就加倍：SYN 分别在第 1、"
     "3、7、15 和 31 秒重传。重传达到 max_retries（5）次之后，下一次超时（第 63 秒）"
     "就放弃：连接进入 CLOSED，用户收到“connection timed out”（连接超时）的通知（§3.8.3，"
     "重传次数过多）。注意：对 SYN 而言，RFC 9293 要求 R2 至少允许 3 分钟的重传（MUST-23）；"
     "本实验大约一分钟后就放弃，只是为了让整个过程能在一页之内展示完。"},
    {"listen-backlog", "Accept queue full, then drained by accept()",
     "Three clients connect to one listener whose listen() asked for backlog 2: the accept queue "
     "(completed handshakes the application has not yet accept()ed) holds 2, the SYN queue "
     "(connections in SYN-RECEIVED) 8. Each SYN gets its own SYN-RECEIVED connection, found again "
     "by its four-tuple. c1's and c2's ACKs complete their handshakes and fill the accept queue. "
     "c3's ACK arrives while it is full: RFC 9293 says nothing about a full queue, and TCP Lab does "
     "what Linux does with tcp_abort_on_overflow=0: drop the ACK. c3 already believes it is "
     "ESTABLISHED, while the server keeps it in SYN-RECEIVED and resends its SYN,ACK when the "
     "timer expires (1,070 ms). By then accept() has taken c1 off the queue, so c3's repeated ACK "
     "gets in; two more accept() calls drain the queue.",
     "{\n  \"title\": \"Accept queue full, then drained by accept()\",\n"
     "  \"clients\": [\n"
     "    {\"name\": \"c1\", \"addr\": \"10.0.0.2\", \"port\": 40001, \"iss\": 100},\n"
     "    {\"name\": \"c2\", \"addr\": \"10.0.0.3\", \"port\": 40002, \"iss\": 200},\n"
     "    {\"name\": \"c3\", \"addr\": \"10.0.0.4\", \"port\": 40003, \"iss\": 400}\n  ],\n"
     "  \"server\": {\"iss\": [300, 500, 700]},\n  " NET("") "  " TIMERS
     "  \"events\": [\n"
     "    {\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\", \"backlog\": 2, \"syn_backlog\": 8},\n"
     EV(0, "c1", "connect") ",\n" EV(10, "c2", "connect") ",\n" EV(20, "c3", "connect") ",\n"
     EV(500, "server", "accept") ",\n" EV(1500, "server", "accept") ",\n" EV(1600, "server", "accept")
     "\n  ]\n}\n",
     "全连接队列满了，再由 accept() 取空",
     "三个客户端连接同一个监听套接字，它调用 listen() 时给的 backlog 是 2：全连接队列（已经完成握手、"
     "但应用程序还没有 accept() 的连接）最多放 2 个，半连接队列（处于 SYN-RECEIVED 的连接）最多放 8 个。"
     "每个 SYN 都会建立一个自己的 SYN-RECEIVED 连接，之后的报文段按四元组找到它。c1 和 c2 的 ACK "
     "完成了握手，把全连接队列占满。c3 的 ACK 到达时队列已满：RFC 9293 没有规定队列满了怎么办，"
     "TCP Lab 按 Linux 在 tcp_abort_on_overflow=0 时的做法，把这个 ACK 丢掉。c3 这时已经认为自己处于 "
     "ESTABLISHED，服务器却仍让它停在 SYN-RECEIVED，等定时器超时（1070 ms）再重发 SYN,ACK。"
     "到那时 accept() 已经取走了 c1，c3 重发的 ACK 就能进入队列；后面再调用两次 accept()，队列就取空了。"},

    {"syn-flood", "SYN flood: the SYN queue fills and a real client's SYN is dropped",
     "An attacker sends SYNs from a spoofed address (RFC 4987 §2.1), one source port after another. "
     "Each one takes a place in the listener's SYN queue (4 places here): the server answers with a "
     "SYN,ACK that no host receives, and the half-open connection stays in SYN-RECEIVED, "
     "retransmitting its SYN,ACK, until its timer gives up. Once the queue is full, further SYNs are "
     "dropped without a reply (what Linux does when tcp_syncookies is off; RFC 9293 leaves it "
     "open). The real client's SYN at 100 ms meets the full queue, and so do its retransmissions at "
     "1.1, 3.1 and 7.1 s; the spoofed entries time out only at 15 s, and by 15.1 s the client has "
     "given up: \"connection timed out\". A few SYNs a second are enough to keep a server's queue full.",
     "{\n  \"title\": \"SYN flood\",\n  \"client\": {\"iss\": 100},\n  \"server\": {\"iss\": 300},\n"
     "  " NET("") "  \"timers\": {\"rto_ms\": 1000, \"msl_ms\": 120000, \"max_retries\": 3},\n"
     "  \"events\": [\n"
     "    {\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\", \"backlog\": 8, \"syn_backlog\": 4},\n"
     "    {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": 7000, "
     "\"from\": {\"addr\": \"198.51.100.7\", \"port\": 1024}, \"repeat\": 6, \"every_ms\": 10}},\n"
     EV(100, "client", "connect") "\n  ]\n}\n",
     "SYN 洪泛：半连接队列被占满，真正客户端的 SYN 被丢弃",
     "攻击者用伪造的源地址（RFC 4987 §2.1）发送 SYN，每次换一个源端口。每个 SYN 都在监听套接字的"
     "半连接队列里占一个位置（这里一共 4 个）：服务器回复的 SYN,ACK 没有任何主机收到，这个半连接"
     "就停在 SYN-RECEIVED，不断重发 SYN,ACK，直到定时器放弃为止。队列一满，后来的 SYN 都被直接"
     "丢弃、不作应答（这是 Linux 在 tcp_syncookies 关闭时的做法；RFC 9293 对此未作规定）。"
     "真正的客户端在 100 ms 发出的 SYN 碰上满队列，它在 1.1 s、3.1 s 和 7.1 s 的重传也一样；"
     "伪造的半连接要到 15 s 才超时，而客户端在 15.1 s 已经放弃：“connection timed out”（连接超时）。"
     "每秒只要几个 SYN，就足以让服务器的半连接队列一直是满的。"},

    {"syn-flood-cookies", "The same SYN flood, answered with SYN cookies",
     "The flood of syn-flood again, with SYN cookies on (Linux tcp_syncookies; RFC 4987 §3.6: "
     "RFC 9293 §7 names SYN flooding and leaves the defence to implementations). The "
     "first four spoofed SYNs fill the SYN queue as before; from then on the listener answers every "
     "SYN with a SYN,ACK whose sequence number is a cookie: a time counter, the MSS (one of 4 "
     "values) and a keyed hash of the four-tuple and the client's ISN. It keeps no state, so the "
     "queue does not grow. The real client's SYN gets such a SYN,ACK; its ACK brings the cookie "
     "back (SEG.ACK-1), the listener checks it and rebuilds the connection straight into "
     "ESTABLISHED and the accept queue. What the cookie cannot carry is lost: window scaling, "
     "SACK-permitted and timestamps (and any MSS but those 4). The client sends 100 bytes and "
     "accept() hands the connection to the application, while the spoofed entries still time out.",
     "{\n  \"title\": \"SYN flood with SYN cookies\",\n  \"client\": {\"iss\": 100},\n"
     "  \"server\": {\"iss\": 300, \"syn_cookies\": true},\n"
     "  " NET("") "  \"timers\": {\"rto_ms\": 1000, \"msl_ms\": 120000, \"max_retries\": 3},\n"
     "  \"events\": [\n"
     "    {\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\", \"backlog\": 8, \"syn_backlog\": 4},\n"
     "    {\"at_ms\": 0, \"inject\": {\"to\": \"server\", \"flags\": [\"SYN\"], \"seq\": 7000, "
     "\"from\": {\"addr\": \"198.51.100.7\", \"port\": 1024}, \"repeat\": 6, \"every_ms\": 10}},\n"
     EV(100, "client", "connect") ",\n" SEND(300, "client", 100) ",\n" EV(400, "server", "accept")
     "\n  ]\n}\n",
     "同样的 SYN 洪泛，用 SYN cookie 应对",
     "还是 syn-flood 里的洪泛，这次开启了 SYN cookie（Linux 的 tcp_syncookies；RFC 4987 §3.6。"
     "RFC 9293 §7 提到了 SYN 洪泛，但把防御留给各个实现）。"
     "前四个伪造的 SYN 照样占满半连接队列；此后监听套接字对每个 SYN 都回复一个 SYN,ACK，"
     "它的序号就是 cookie：由时间计数、MSS（4 个可选值之一）以及对四元组和客户端 ISN 计算的"
     "带密钥哈希拼成。服务器不保存任何状态，所以队列不会变长。真正的客户端收到这样的 SYN,ACK，"
     "它回的 ACK 把 cookie 带了回来（SEG.ACK-1），监听套接字校验通过后据此重建连接，直接进入 "
     "ESTABLISHED 并放进全连接队列。cookie 装不下的信息就丢了：窗口扩大因子、SACK-permitted "
     "和时间戳（以及这 4 个值以外的 MSS）。客户端发送 100 字节，accept() 把连接交给应用程序；"
     "伪造的半连接则照样等到超时。"},
};

// clang-format on

size_t catalog_count(void)
{
    return sizeof entries / sizeof entries[0];
}

const catalog_entry *catalog_at(size_t i)
{
    return i < catalog_count() ? &entries[i] : NULL;
}

const char *catalog_title(const catalog_entry *e, const char *locale)
{
    return locale && !strcmp(locale, "zh-CN") && e->title_zh ? e->title_zh : e->title;
}

const char *catalog_summary(const catalog_entry *e, const char *locale)
{
    return locale && !strcmp(locale, "zh-CN") && e->summary_zh ? e->summary_zh : e->summary;
}

const catalog_entry *catalog_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < catalog_count(); i++)
        if (!strcmp(entries[i].name, name))
            return &entries[i];
    return NULL;
}
