/*
 * rules_zh.c — the Simplified Chinese texts of the engine's rules (see rules_zh.h).
 *
 * Owns: the table below, sorted by strcmp of the English (bsearch relies on it;
 * tests/unit/test_rules_zh.c checks the order), and the lookup.
 * Does not: build any text at run time. Every rule the engine emits is one complete string
 * literal: tcp.c and sim.c pick between whole literals (a ternary in output() and in seg_fin(),
 * the Figure 7 texts that replace a transition's and a step's rule) but never formats one
 * from parts, so an exact-match table covers them all. Should a rule ever be formatted at run time,
 * it needs its own entry point here (pattern + arguments) and its own case in the coverage test.
 *
 * How the Chinese is written (keep new entries in the same style): as a teacher would say
 * it to a student, in the terms of the Chinese lessons, lessons/SLUG.zh-CN.md (报文段, 序号,
 * 确认号, 挑战 ACK, 同时打开, 同时关闭, 定时器, 复位, 丢弃); state names in RFC spelling
 * (SYN-RECEIVED); "RFC 9293 §3.10.7.4" and every other section reference verbatim, the §3.10.7.4
 * steps as 第一步 … 第八步; segment notation such as <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, variable
 * expressions (SND.UNA < SEG.ACK =< SND.NXT), requirement tags (MUST-11) and the quoted
 * error/signal texts ("connection reset") verbatim, the last followed by their Chinese
 * meaning, because the trace's "error"/"signal" members stay English.
 */
#include "rules_zh.h"

#include "rules_zh_queues.h"

#include <stdlib.h>
#include <string.h>

typedef struct rules_zh_pair {
    const char *en, *zh;
} rules_zh_pair;

static const rules_zh_pair table[] = {
    {"RFC 5961 §3 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 5961 §3 的挑战 ACK：<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 5961 §4 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 5961 §4 的挑战 ACK：<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.1: OPEN on an existing connection → \"error: connection already exists\"",
     "RFC 9293 §3.10.1：对已经存在的连接再次调用 OPEN → 报错“error: connection already "
     "exists”（连接已存在）"},
    {"RFC 9293 §3.10.1: active OPEN in CLOSED → create TCB, send SYN, enter SYN-SENT",
     "RFC 9293 §3.10.1：在 CLOSED 状态下主动打开 → 建立 TCB，发出 SYN，进入 SYN-SENT"},
    {"RFC 9293 §3.10.1: active OPEN in LISTEN → change the connection from passive to "
     "active, send SYN, enter SYN-SENT",
     "RFC 9293 §3.10.1：在 LISTEN 状态下主动打开 → 把连接由被动打开改为主动打开，发出 SYN，"
     "进入 SYN-SENT"},
    {"RFC 9293 §3.10.1: active OPEN sends <SEQ=ISS><CTL=SYN>; SND.UNA=ISS, SND.NXT=ISS+1",
     "RFC 9293 §3.10.1：主动打开发出 <SEQ=ISS><CTL=SYN>；令 SND.UNA=ISS，SND.NXT=ISS+1"},
    {"RFC 9293 §3.10.1: passive OPEN in CLOSED → create TCB, enter LISTEN",
     "RFC 9293 §3.10.1：在 CLOSED 状态下被动打开 → 建立 TCB，进入 LISTEN"},
    {"RFC 9293 §3.10.2: SEND after CLOSE → \"error: connection closing\"",
     "RFC 9293 §3.10.2：调用过 CLOSE 之后又调用 SEND → 报错“error: connection "
     "closing”（连接正在关闭）"},
    {"RFC 9293 §3.10.2: SEND in CLOSED → \"error: connection does not exist\"",
     "RFC 9293 §3.10.2：在 CLOSED 状态下调用 SEND → 报错“error: connection does not "
     "exist”（连接不存在）"},
    {"RFC 9293 §3.10.2: SEND in ESTABLISHED/CLOSE-WAIT → segmentize the buffer and send it "
     "with a piggybacked ACK (ACK=RCV.NXT)",
     "RFC 9293 §3.10.2：在 ESTABLISHED/CLOSE-WAIT 状态下调用 SEND → "
     "把缓冲区里的数据分成报文段发出，并捎带 ACK（ACK=RCV.NXT）"},
    {"RFC 9293 §3.10.2: SEND in FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT → \"error: "
     "connection closing\"",
     "RFC 9293 §3.10.2：在 FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT 状态下调用 SEND "
     "→ 报错“error: connection closing”（连接正在关闭）"},
    {"RFC 9293 §3.10.2: SEND in LISTEN → change to active, send SYN, enter SYN-SENT; the "
     "data waits for ESTABLISHED",
     "RFC 9293 §3.10.2：在 LISTEN 状态下调用 SEND → 转为主动打开，发出 SYN，进入 SYN-SENT；"
     "数据要等进入 ESTABLISHED 之后才发送"},
    {"RFC 9293 §3.10.2: SEND in SYN-SENT/SYN-RECEIVED → queue the data for transmission "
     "after entering ESTABLISHED",
     "RFC 9293 §3.10.2：在 SYN-SENT/SYN-RECEIVED 状态下调用 SEND → 数据先排队，进入 "
     "ESTABLISHED 之后再发送"},
    {"RFC 9293 §3.10.2: continue segmentizing queued data",
     "RFC 9293 §3.10.2：继续把排队的数据分成报文段发送"},
    {"RFC 9293 §3.10.2: data segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK,PSH>; PSH because it "
     "empties the send queue (§3.9.1.2, MUST-61)",
     "RFC 9293 §3.10.2：数据报文段 <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK,PSH>；置 PSH "
     "是因为发完它发送队列就空了（§3.9.1.2，MUST-61）"},
    {"RFC 9293 §3.10.2: segmentize the SEND, at most MSS octets within the peer's window, "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 9293 §3.10.2：把 SEND 的数据分段发送，每段最多 MSS 字节，且不超出对端的窗口："
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.4: CLOSE in CLOSE-WAIT → FIN after all queued data, enter LAST-ACK",
     "RFC 9293 §3.10.4：在 CLOSE-WAIT 状态下调用 CLOSE → 排队的数据全部发出后再发 FIN，进入 "
     "LAST-ACK"},
    {"RFC 9293 §3.10.4: CLOSE in CLOSED → \"error: connection does not exist\"",
     "RFC 9293 §3.10.4：在 CLOSED 状态下调用 CLOSE → 报错“error: connection does not "
     "exist”（连接不存在）"},
    {"RFC 9293 §3.10.4: CLOSE in ESTABLISHED → FIN after all queued data, enter FIN-WAIT-1",
     "RFC 9293 §3.10.4：在 ESTABLISHED 状态下调用 CLOSE → 排队的数据全部发出后再发 FIN，进入 "
     "FIN-WAIT-1"},
    {"RFC 9293 §3.10.4: CLOSE in FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT → \"error: "
     "connection closing\" (no second FIN)",
     "RFC 9293 §3.10.4：在 FIN-WAIT-1/FIN-WAIT-2/CLOSING/LAST-ACK/TIME-WAIT 状态下调用 CLOSE "
     "→ 报错“error: connection closing”（连接正在关闭），不会再发第二个 FIN"},
    {"RFC 9293 §3.10.4: CLOSE in LISTEN → delete TCB, enter CLOSED",
     "RFC 9293 §3.10.4：在 LISTEN 状态下调用 CLOSE → 删除 TCB，进入 CLOSED"},
    {"RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED with data pending → queue the CLOSE for "
     "processing after entering ESTABLISHED",
     "RFC 9293 §3.10.4：在 SYN-RECEIVED 状态下调用 CLOSE，但还有数据没发 → 先把 CLOSE 排队，"
     "等进入 ESTABLISHED 之后再处理"},
    {"RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED, nothing pending → send FIN, enter FIN-WAIT-1",
     "RFC 9293 §3.10.4：在 SYN-RECEIVED 状态下调用 CLOSE，且没有待发的数据 → 发出 FIN，进入 "
     "FIN-WAIT-1"},
    {"RFC 9293 §3.10.4: CLOSE in SYN-SENT → delete TCB, enter CLOSED (nothing is sent)",
     "RFC 9293 §3.10.4：在 SYN-SENT 状态下调用 CLOSE → 删除 TCB，进入 CLOSED（什么也不发送）"},
    {"RFC 9293 §3.10.4: CLOSE → after all queued data, send "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>; the FIN occupies one sequence number",
     "RFC 9293 §3.10.4：CLOSE → 排队的数据全部发出之后，发送 "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>；FIN 要占用一个序号"},
    {"RFC 9293 §3.10.4: second CLOSE → \"error: connection closing\"",
     "RFC 9293 §3.10.4：再次调用 CLOSE → 报错“error: connection closing”（连接正在关闭）"},
    {"RFC 9293 §3.10.4: the CLOSE queued in SYN-RECEIVED is processed now: FIN after the "
     "queued data, enter FIN-WAIT-1",
     "RFC 9293 §3.10.4：现在处理在 SYN-RECEIVED 时排队的 CLOSE：排队的数据发完之后发 FIN，"
     "进入 FIN-WAIT-1"},
    {"RFC 9293 §3.10.5: ABORT in CLOSED → \"error: connection does not exist\"",
     "RFC 9293 §3.10.5：在 CLOSED 状态下调用 ABORT → 报错“error: connection does not "
     "exist”（连接不存在）"},
    {"RFC 9293 §3.10.5: ABORT in CLOSING/LAST-ACK/TIME-WAIT → \"ok\", delete TCB, enter "
     "CLOSED, nothing is sent",
     "RFC 9293 §3.10.5：在 CLOSING/LAST-ACK/TIME-WAIT 状态下调用 ABORT → 返回“ok”，删除 TCB，"
     "进入 CLOSED，什么也不发送"},
    {"RFC 9293 §3.10.5: ABORT in LISTEN/SYN-SENT → delete TCB, enter CLOSED, nothing is sent",
     "RFC 9293 §3.10.5：在 LISTEN/SYN-SENT 状态下调用 ABORT → 删除 TCB，进入 CLOSED，"
     "什么也不发送"},
    {"RFC 9293 §3.10.5: ABORT sends a reset <SEQ=SND.NXT><CTL=RST>",
     "RFC 9293 §3.10.5：ABORT 发出复位报文段 <SEQ=SND.NXT><CTL=RST>"},
    {"RFC 9293 §3.10.5: ABORT → send <SEQ=SND.NXT><CTL=RST>, flush all queues, delete TCB, "
     "enter CLOSED",
     "RFC 9293 §3.10.5：ABORT → 发送 <SEQ=SND.NXT><CTL=RST>，清空所有队列，删除 TCB，进入 "
     "CLOSED"},
    {"RFC 9293 §3.10.7.1: CLOSED, incoming RST → discard it",
     "RFC 9293 §3.10.7.1：CLOSED 状态下收到 RST → 直接丢弃"},
    {"RFC 9293 §3.10.7.1: CLOSED, segment with ACK → discard it, send <SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.1：CLOSED 状态下收到带 ACK 的报文段 → 丢弃它，并回复 "
     "<SEQ=SEG.ACK><CTL=RST>"},
    {"RFC 9293 §3.10.7.1: CLOSED, segment without ACK → discard it, send "
     "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>",
     "RFC 9293 §3.10.7.1：CLOSED 状态下收到不带 ACK 的报文段 → 丢弃它，并回复 "
     "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"},
    {"RFC 9293 §3.10.7.1: reset for a segment with ACK: <SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.1：针对带 ACK 的报文段回复的复位：<SEQ=SEG.ACK><CTL=RST>"},
    {"RFC 9293 §3.10.7.1: reset for a segment without ACK: "
     "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>",
     "RFC 9293 §3.10.7.1：针对不带 ACK 的报文段回复的复位："
     "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"},
    {"RFC 9293 §3.10.7.2: LISTEN answers an ACK with <SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.2：LISTEN 用 <SEQ=SEG.ACK><CTL=RST> 回应 ACK"},
    {"RFC 9293 §3.10.7.2: LISTEN answers the SYN with <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
     "RFC 9293 §3.10.7.2：LISTEN 用 <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> 回应 SYN"},
    {"RFC 9293 §3.10.7.2: LISTEN, SYN → IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, select ISS, send "
     "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter SYN-RECEIVED",
     "RFC 9293 §3.10.7.2：LISTEN 状态下收到 SYN → 记下 IRS=SEG.SEQ，令 RCV.NXT=SEG.SEQ+1，"
     "选定 ISS，发送 <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>，进入 SYN-RECEIVED"},
    {"RFC 9293 §3.10.7.2: LISTEN, first check for a RST → ignore it",
     "RFC 9293 §3.10.7.2：LISTEN 状态，第一步检查 RST → 收到 RST 一律忽略"},
    {"RFC 9293 §3.10.7.2: LISTEN, fourth: no SYN, RST or ACK → drop the segment",
     "RFC 9293 §3.10.7.2：LISTEN 状态，第四步：既没有 SYN，也没有 RST 或 ACK → 丢弃该报文段"},
    {"RFC 9293 §3.10.7.2: LISTEN, second check for an ACK → any ACK is bad here; send "
     "<SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.2：LISTEN 状态，第二步检查 ACK → 此时收到任何 ACK 都不对，回复 "
     "<SEQ=SEG.ACK><CTL=RST>"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, RST with an acceptable ACK → signal \"error: connection "
     "reset\" (sockets report it as \"connection refused\"), enter CLOSED",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到带可接受 ACK 的 RST → 通知应用程序“error: "
     "connection reset”（套接字接口把它报告为“connection refused”，即连接被拒绝），进入 "
     "CLOSED"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, RST without ACK → drop it",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到不带 ACK 的 RST → 丢弃"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, SYN without ACK (simultaneous open, MUST-10) → "
     "IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, enter "
     "SYN-RECEIVED",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到不带 ACK 的 SYN（同时打开，MUST-10）→ 记下 "
     "IRS=SEG.SEQ，令 RCV.NXT=SEG.SEQ+1，发送 <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>，进入 "
     "SYN-RECEIVED"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, acceptable ACK with SYN → IRS=SEG.SEQ, "
     "RCV.NXT=SEG.SEQ+1, SND.UNA=SEG.ACK, enter ESTABLISHED, ACK the SYN,ACK",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到带可接受 ACK 的 SYN → 记下 IRS=SEG.SEQ，令 "
     "RCV.NXT=SEG.SEQ+1、SND.UNA=SEG.ACK，进入 ESTABLISHED，并回 ACK 确认这个 SYN,ACK"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, fifth: neither SYN nor RST → drop the segment",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态，第五步：既没有 SYN 也没有 RST → 丢弃该报文段"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK (SEG.ACK =< ISS or > SND.NXT) → send "
     "<SEQ=SEG.ACK><CTL=RST>, discard the segment",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到不可接受的 ACK（SEG.ACK =< ISS 或 SEG.ACK > "
     "SND.NXT）→ 回复 <SEQ=SEG.ACK><CTL=RST>，丢弃该报文段"},
    {"RFC 9293 §3.10.7.3: SYN-SENT, unacceptable ACK on a RST → drop it",
     "RFC 9293 §3.10.7.3：SYN-SENT 状态下收到 RST，但它的 ACK 不可接受 → 丢弃"},
    {"RFC 9293 §3.10.7.3: reset for an unacceptable ACK in SYN-SENT: <SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.3：SYN-SENT 针对不可接受的 ACK 回复的复位：<SEQ=SEG.ACK><CTL=RST>"},
    {"RFC 9293 §3.10.7.3: simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
     "RFC 9293 §3.10.7.3：同时打开：<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"},
    {"RFC 9293 §3.10.7.3: the third segment of the handshake "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> acknowledges the SYN,ACK",
     "RFC 9293 §3.10.7.3：三次握手的第三个报文段 <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>，"
     "确认对方的 SYN,ACK"},
    {"RFC 9293 §3.10.7.4 eighth: ESTABLISHED, FIN → RCV.NXT over the FIN, ACK it, signal "
     "\"connection closing\", enter CLOSE-WAIT",
     "RFC 9293 §3.10.7.4 第八步：ESTABLISHED 状态下收到 FIN → RCV.NXT 越过这个 FIN，回 ACK "
     "确认，通知应用程序“connection closing”（连接正在关闭），进入 CLOSE-WAIT"},
    {"RFC 9293 §3.10.7.4 eighth: FIN in CLOSE-WAIT/CLOSING/LAST-ACK → ACK it, remain in the "
     "state",
     "RFC 9293 §3.10.7.4 第八步：在 CLOSE-WAIT/CLOSING/LAST-ACK 状态下收到 FIN → 回 ACK "
     "确认，状态保持不变"},
    {"RFC 9293 §3.10.7.4 eighth: FIN in CLOSE-WAIT/CLOSING/LAST-ACK → remain",
     "RFC 9293 §3.10.7.4 第八步：在 CLOSE-WAIT/CLOSING/LAST-ACK 状态下收到 FIN → 状态保持不变"},
    {"RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN arrives with the ACK of our FIN → ACK it, "
     "enter TIME-WAIT, start the 2MSL timer (Fig 5 note 2)",
     "RFC 9293 §3.10.7.4 第八步：FIN-WAIT-1 状态下，对端的 FIN 与对我方 FIN 的确认一起到达 → "
     "回 ACK 确认，进入 TIME-WAIT，启动 2MSL 定时器（图 5 注 2）"},
    {"RFC 9293 §3.10.7.4 eighth: FIN-WAIT-1, FIN while our FIN is not yet acked → ACK it, "
     "enter CLOSING (simultaneous close)",
     "RFC 9293 §3.10.7.4 第八步：FIN-WAIT-1 状态下收到 FIN，而我方的 FIN 还没有被确认 → 回 "
     "ACK 确认，进入 CLOSING（同时关闭）"},
    {"RFC 9293 §3.10.7.4 eighth: FIN-WAIT-2, FIN → ACK it, enter TIME-WAIT, start the 2MSL "
     "timer",
     "RFC 9293 §3.10.7.4 第八步：FIN-WAIT-2 状态下收到 FIN → 回 ACK 确认，进入 TIME-WAIT，"
     "启动 2MSL 定时器"},
    {"RFC 9293 §3.10.7.4 eighth: TIME-WAIT, FIN → ACK it, remain, restart the 2MSL timer",
     "RFC 9293 §3.10.7.4 第八步：TIME-WAIT 状态下收到 FIN → 回 ACK 确认，留在 TIME-WAIT，"
     "并重新启动 2MSL 定时器"},
    {"RFC 9293 §3.10.7.4 eighth: TIME-WAIT, FIN → ACK it, restart the 2MSL timer",
     "RFC 9293 §3.10.7.4 第八步：TIME-WAIT 状态下收到 FIN → 回 ACK 确认，重新启动 2MSL 定时器"},
    {"RFC 9293 §3.10.7.4 fifth: ACK in reply to an ACK of unsent data "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 9293 §3.10.7.4 第五步：对方确认了还没发出的数据，回一个 ACK："
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.7.4 fifth: CLOSING, our FIN not acknowledged → ignore the segment",
     "RFC 9293 §3.10.7.4 第五步：CLOSING 状态下，我方的 FIN 仍未被确认 → 忽略该报文段"},
    {"RFC 9293 §3.10.7.4 fifth: CLOSING, the ACK acknowledges our FIN → enter TIME-WAIT, "
     "start the 2MSL timer",
     "RFC 9293 §3.10.7.4 第五步：CLOSING 状态下，这个 ACK 确认了我方的 FIN → 进入 TIME-WAIT，"
     "启动 2MSL 定时器"},
    {"RFC 9293 §3.10.7.4 fifth: FIN-WAIT-1, our FIN is acknowledged → enter FIN-WAIT-2",
     "RFC 9293 §3.10.7.4 第五步：FIN-WAIT-1 状态下，我方的 FIN 已被确认 → 进入 FIN-WAIT-2"},
    {"RFC 9293 §3.10.7.4 fifth: LAST-ACK, our FIN is acknowledged → delete the TCB, enter "
     "CLOSED",
     "RFC 9293 §3.10.7.4 第五步：LAST-ACK 状态下，我方的 FIN 已被确认 → 删除 TCB，进入 CLOSED"},
    {"RFC 9293 §3.10.7.4 fifth: SEG.ACK =< SND.UNA is a duplicate ACK → ignore it",
     "RFC 9293 §3.10.7.4 第五步：SEG.ACK =< SND.UNA，这是一个重复 ACK → 忽略"},
    {"RFC 9293 §3.10.7.4 fifth: SEG.ACK > SND.NXT acknowledges something not yet sent → send "
     "an ACK, drop the segment",
     "RFC 9293 §3.10.7.4 第五步：SEG.ACK > SND.NXT，确认了还没发出的东西 → 回一个 ACK，"
     "丢弃该报文段"},
    {"RFC 9293 §3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT → SND.UNA=SEG.ACK; acknowledged "
     "segments leave the retransmission queue",
     "RFC 9293 §3.10.7.4 第五步：SND.UNA < SEG.ACK =< SND.NXT → 令 SND.UNA=SEG.ACK；"
     "已被确认的报文段移出重传队列"},
    {"RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, SND.UNA < SEG.ACK =< SND.NXT (our SYN is "
     "acknowledged) → enter ESTABLISHED",
     "RFC 9293 §3.10.7.4 第五步：SYN-RECEIVED 状态下，SND.UNA < SEG.ACK =< SND.NXT（我方的 "
     "SYN 已被确认）→ 进入 ESTABLISHED"},
    {"RFC 9293 §3.10.7.4 fifth: SYN-RECEIVED, unacceptable ACK → send "
     "<SEQ=SEG.ACK><CTL=RST>, drop the segment",
     "RFC 9293 §3.10.7.4 第五步：SYN-RECEIVED 状态下收到不可接受的 ACK → 回复 "
     "<SEQ=SEG.ACK><CTL=RST>，丢弃该报文段"},
    {"RFC 9293 §3.10.7.4 fifth: TIME-WAIT, the peer's FIN retransmitted → acknowledge it and "
     "restart the 2MSL timer",
     "RFC 9293 §3.10.7.4 第五步：TIME-WAIT 状态下，对端重传了它的 FIN → 再确认一次，"
     "并重新启动 2MSL 定时器"},
    {"RFC 9293 §3.10.7.4 fifth: reset for an unacceptable ACK in SYN-RECEIVED: "
     "<SEQ=SEG.ACK><CTL=RST>",
     "RFC 9293 §3.10.7.4 第五步：SYN-RECEIVED 针对不可接受的 ACK 回复的复位："
     "<SEQ=SEG.ACK><CTL=RST>"},
    {"RFC 9293 §3.10.7.4 fifth: the ACK bit is off → drop the segment",
     "RFC 9293 §3.10.7.4 第五步：ACK 标志位没有置位 → 丢弃该报文段"},
    {"RFC 9293 §3.10.7.4 first: ACK for an unacceptable segment "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 9293 §3.10.7.4 第一步：针对不可接受的报文段回复的 ACK："
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.7.4 first: in the window but beyond RCV.NXT → hold it for later "
     "processing (SHLD-31) and ACK RCV.NXT at once (MAY-13)",
     "RFC 9293 §3.10.7.4 第一步：落在窗口内，但在 RCV.NXT 之后 → "
     "先暂存起来留待以后处理（SHLD-31），并立即回 ACK 确认 RCV.NXT（MAY-13）"},
    {"RFC 9293 §3.10.7.4 first: segment not acceptable (Table 6; an old duplicate or outside "
     "the window) → send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop it",
     "RFC 9293 §3.10.7.4 第一步：报文段不可接受（见表 6：旧的重复报文段，或者落在窗口之外）→ "
     "回复 <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>，然后丢弃它"},
    {"RFC 9293 §3.10.7.4 fourth (RFC 5961 §4): SYN in a synchronized state → send a "
     "challenge ACK, drop the segment",
     "RFC 9293 §3.10.7.4 第四步（RFC 5961 §4）：在同步状态下收到 SYN → 回复挑战 ACK，"
     "丢弃该报文段"},
    {"RFC 9293 §3.10.7.4 fourth: SYN-RECEIVED from a passive OPEN, SYN in the window → "
     "return to LISTEN",
     "RFC 9293 §3.10.7.4 第四步：由被动打开进入的 SYN-RECEIVED 收到窗口内的 SYN → 退回 LISTEN"},
    {"RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST in the window but not at RCV.NXT → send a "
     "challenge ACK, drop the RST",
     "RFC 9293 §3.10.7.4 第二步（RFC 5961 §3）：RST 落在窗口内，但 SEQ 不等于 RCV.NXT → "
     "回复挑战 ACK，丢弃这个 RST"},
    {"RFC 9293 §3.10.7.4 second (RFC 5961 §3): RST outside the receive window → drop it "
     "silently",
     "RFC 9293 §3.10.7.4 第二步（RFC 5961 §3）：RST 落在接收窗口之外 → 静默丢弃"},
    {"RFC 9293 §3.10.7.4 second: RST at RCV.NXT in CLOSING/LAST-ACK/TIME-WAIT → enter "
     "CLOSED, delete the TCB",
     "RFC 9293 §3.10.7.4 第二步：在 CLOSING/LAST-ACK/TIME-WAIT 状态下收到 SEQ 恰好等于 "
     "RCV.NXT 的 RST → 进入 CLOSED，删除 TCB"},
    {"RFC 9293 §3.10.7.4 second: RST at RCV.NXT in ESTABLISHED/FIN-WAIT/CLOSE-WAIT → signal "
     "\"connection reset\", flush queues, enter CLOSED",
     "RFC 9293 §3.10.7.4 第二步：在 ESTABLISHED/FIN-WAIT/CLOSE-WAIT 状态下收到 SEQ 恰好等于 "
     "RCV.NXT 的 RST → 通知应用程序“connection reset”（连接被重置），清空队列，进入 CLOSED"},
    {"RFC 9293 §3.10.7.4 second: SYN-RECEIVED from a passive OPEN, RST at RCV.NXT → return "
     "to LISTEN (MUST-11), the user is not told",
     "RFC 9293 §3.10.7.4 第二步：由被动打开进入的 SYN-RECEIVED 收到 SEQ 恰好等于 RCV.NXT 的 "
     "RST → 退回 LISTEN（MUST-11），不通知应用程序"},
    {"RFC 9293 §3.10.7.4 second: SYN-RECEIVED from an active OPEN, RST at RCV.NXT → signal "
     "\"connection refused\", enter CLOSED",
     "RFC 9293 §3.10.7.4 第二步：由主动打开进入的 SYN-RECEIVED 收到 SEQ 恰好等于 RCV.NXT 的 "
     "RST → 通知应用程序“connection refused”（连接被拒绝），进入 CLOSED"},
    {"RFC 9293 §3.10.7.4 seventh: data in order → RCV.NXT advances over it; ACK at once "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (no delayed ACK here)",
     "RFC 9293 §3.10.7.4 第七步：数据按序到达 → RCV.NXT 前移越过这些数据；立即回 ACK "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>（这里不做延迟确认）"},
    {"RFC 9293 §3.10.7.4 seventh: text after the peer's FIN cannot be valid → ignore it",
     "RFC 9293 §3.10.7.4 第七步：对端发出 FIN 之后不可能再有有效的数据 → 忽略"},
    {"RFC 9293 §3.10.7.4: ACK for an out-of-order segment (it repeats RCV.NXT: a duplicate "
     "ACK)",
     "RFC 9293 §3.10.7.4：针对乱序报文段回复的 ACK（确认号仍是 RCV.NXT，也就是重复 ACK）"},
    {"RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
     "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; TCP Lab "
     "follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our SYN → "
     "ESTABLISHED, and no segment is sent",
     "RFC 9293 §3.10.7.4：SYN-RECEIVED 状态下收到对端的 SYN,ACK，它通不过表 6 的可接受性检查"
     "（其中的 SYN 位于 SEG.SEQ=IRS，在 RCV.NXT 之前），按条文字面应当回一个 ACK 并丢弃它；"
     "TCP Lab 按图 7（同时打开，第 6 行）处理：它的 ACK 确认了我方的 SYN → 进入 "
     "ESTABLISHED，不发送任何报文段"},
    {"RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
     "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; TCP Lab "
     "follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our SYN → "
     "ESTABLISHED, and the CLOSE queued in SYN-RECEIVED is processed now (§3.10.4): the "
     "queued data, then the FIN, enter FIN-WAIT-1",
     "RFC 9293 §3.10.7.4：SYN-RECEIVED 状态下收到对端的 SYN,ACK，它通不过表 6 的可接受性检查"
     "（其中的 SYN 位于 SEG.SEQ=IRS，在 RCV.NXT 之前），按条文字面应当回一个 ACK 并丢弃它；"
     "TCP Lab 按图 7（同时打开，第 6 行）处理：它的 ACK 确认了我方的 SYN → 进入 "
     "ESTABLISHED，在 SYN-RECEIVED 中排队的 CLOSE 现在得到处理（§3.10.4）：先发排队的数据，"
     "再发 FIN，进入 FIN-WAIT-1"},
    {"RFC 9293 §3.10.7.4: SYN-RECEIVED, the peer's SYN,ACK fails Table 6 (its SYN, at "
     "SEG.SEQ=IRS, lies before RCV.NXT), so a literal reading ACKs it and drops it; TCP Lab "
     "follows Figure 7 (simultaneous open, line 6): its ACK acknowledges our SYN → "
     "ESTABLISHED, and what was queued for ESTABLISHED (data, FIN) goes out now",
     "RFC 9293 §3.10.7.4：SYN-RECEIVED 状态下收到对端的 SYN,ACK，它通不过表 6 的可接受性检查"
     "（其中的 SYN 位于 SEG.SEQ=IRS，在 RCV.NXT 之前），按条文字面应当回一个 ACK 并丢弃它；"
     "TCP Lab 按图 7（同时打开，第 6 行）处理：它的 ACK 确认了我方的 SYN → 进入 "
     "ESTABLISHED，原先排队等待 ESTABLISHED 的内容（数据、FIN）在这一步发出"},
    {"RFC 9293 §3.10.7.4: TIME-WAIT acknowledges the retransmitted FIN "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 9293 §3.10.7.4：TIME-WAIT 确认对端重传的 FIN：<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.7.4: acknowledge the data/FIN at once "
     "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
     "RFC 9293 §3.10.7.4：立即确认收到的数据/FIN：<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"},
    {"RFC 9293 §3.10.8 / RFC 6298 §5: retransmission timeout → retransmit the earliest "
     "unacknowledged segment, double the RTO, restart the timer",
     "RFC 9293 §3.10.8 / RFC 6298 §5：重传超时 → 重传最早的未确认报文段，RTO 加倍，"
     "重新启动定时器"},
    {"RFC 9293 §3.10.8: retransmission timeout → send the FIN again",
     "RFC 9293 §3.10.8：重传超时 → 重发 FIN"},
    {"RFC 9293 §3.10.8: retransmission timeout → send the SYN again",
     "RFC 9293 §3.10.8：重传超时 → 重发 SYN"},
    {"RFC 9293 §3.10.8: retransmission timeout → send the SYN,ACK again",
     "RFC 9293 §3.10.8：重传超时 → 重发 SYN,ACK"},
    {"RFC 9293 §3.10.8: retransmission timeout → send the segment at the front of the "
     "retransmission queue (from SND.UNA) again",
     "RFC 9293 §3.10.8：重传超时 → 重发重传队列最前面的报文段（从 SND.UNA 开始）"},
    {"RFC 9293 §3.10.8: the TIME-WAIT timeout (2 MSL) expires → delete the TCB, enter CLOSED",
     "RFC 9293 §3.10.8：TIME-WAIT 定时器（2 MSL）到期 → 删除 TCB，进入 CLOSED"},
    {"crash: the host reboots and the TCB vanishes without a segment (the peer learns only "
     "when it next hears from this host, RFC 9293 §3.5.1)",
     "崩溃：主机重启，TCB 凭空消失，"
     "一个报文段也不发（对端要等下次再收到这台主机的报文段时才会知道，RFC 9293 §3.5.1）"},
    {"crash: the host reboots; there was no TCB, nothing changes",
     "崩溃：主机重启；本来就没有 TCB，什么也不会改变"},
    {"network: a crafted segment (scenario inject) arrives as if sent by the peer",
     "网络：一个伪造的报文段（场景中的 inject）到达，看起来就像是对端发来的"},
    {"network: the segment is lost (a scenario fault drops it); it occupies no sequence space "
     "(an ACK or RST without data, SYN or FIN), so it is never retransmitted: what it said "
     "arrives only if a later segment repeats it",
     "网络：报文段丢失（场景设置的故障把它丢掉了）；它不占序号空间（不带数据、SYN 或 FIN 的 "
     "ACK 或 RST），所以永远不会被重传：它携带的信息只有等后面的报文段再次带上才能送达"},
    {"network: the segment is lost (a scenario fault drops it); it occupies sequence space "
     "(SYN, FIN or data), so the sender's retransmission timer will notice",
     "网络：报文段丢失（场景设置的故障把它丢掉了）；它占用序号空间（SYN、FIN 或数据），"
     "所以发送方的重传定时器会发现这一点"},
    {"retransmission timeout after max_retries retransmissions → give up: signal \"connection "
     "timed out\", enter CLOSED (RFC 9293 §3.8.3 R2, RFC 1122 §4.2.3.5)",
     "已经重传了 max_retries 次，重传定时器再次超时 → 放弃：通知应用程序“connection timed "
     "out”（连接超时），进入 CLOSED（RFC 9293 §3.8.3 R2，RFC 1122 §4.2.3.5）"},
};

#define TABLE_SIZE (sizeof table / sizeof table[0])

static int cmp_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const rules_zh_pair *)elem)->en);
}

const char *rules_zh_lookup(const char *en)
{
    if (!en)
        return NULL;
    const rules_zh_pair *p = bsearch(en, table, TABLE_SIZE, sizeof table[0], cmp_key);
    return p ? p->zh : rules_zh_queues_lookup(en);
}

size_t rules_zh_count(void)
{
    return TABLE_SIZE + rules_zh_queues_count();
}

/* Entry i of the two sorted tables merged in strcmp order (a walk: for tests and tools). */
bool rules_zh_at(size_t i, const char **en, const char **zh)
{
    if (i >= rules_zh_count())
        return false;
    size_t a = 0, b = 0;
    for (;;) {
        const char *qen = NULL, *qzh = NULL;
        bool have_b = rules_zh_queues_at(b, &qen, &qzh);
        bool take_a = a < TABLE_SIZE && (!have_b || strcmp(table[a].en, qen) < 0);
        if (i-- == 0) {
            if (en)
                *en = take_a ? table[a].en : qen;
            if (zh)
                *zh = take_a ? table[a].zh : qzh;
            return true;
        }
        if (take_a)
            a++;
        else
            b++;
    }
}
