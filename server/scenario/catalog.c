/*
 * catalog.c — the 17 built-in scenarios (names fixed by /work/notes/catalog.md).
 *
 * Owns: each built-in's name, title, one-paragraph explanation and its scenario JSON text
 * in the issue #2 contract. Numbers follow RFC 9293's figures: client (A) ISS 100, server
 * (B) ISS 300, one-way latency 50 ms, RTO 1 s, MSL 120 s (TIME-WAIT = 2 MSL = 240 s; the
 * run ends when nothing is pending), 5 retries. Figures 9 and 10 use client ISS 99 and
 * server ISS 299 so that B "sends 300, receives 100" as in the figure.
 * Does not: parse or run the scenarios (scenario_json.h, sim.h); tests/unit/test_catalog.c
 * holds each one's hand-derived expected trace.
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
     "\n  ]\n}\n"},

    {"server-closes-first", "Server closes first",
     "After the handshake (RFC 9293 Figure 6) the server's application closes first, so the roles "
     "of Figure 12 swap: the server sends FIN and goes FIN-WAIT-1 → FIN-WAIT-2, the client goes "
     "to CLOSE-WAIT and, when its application closes, to LAST-ACK. The side that closes first is "
     "the one that ends in TIME-WAIT (§3.6): here the server holds the connection for 2 MSL "
     "after acknowledging the client's FIN, while the client reaches CLOSED as soon as that ACK "
     "arrives.",
     "{\n  \"title\": \"Server closes first\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "server", "close") ",\n" EV(400, "client", "close") "\n  ]\n}\n"},

    {"half-close", "Half-close: the server keeps sending",
     "CLOSE means only \"I have no more data to send\" (RFC 9293 §3.6, §3.6.1 Half-Closed "
     "Connections). The client closes after the handshake and reaches FIN-WAIT-2, but it can "
     "still receive: the server, in CLOSE-WAIT, sends 100 more bytes, which the client "
     "acknowledges (ACK=401). Only when the server's application closes does its FIN go out "
     "(LAST-ACK); the client acknowledges it and enters TIME-WAIT.",
     "{\n  \"title\": \"Half-close\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "close") ",\n" SEND(400, "server", 100) ",\n" EV(600, "server", "close")
     "\n  ]\n}\n"},

    {"simultaneous-open", "Simultaneous open",
     "Both endpoints call connect at the same moment (RFC 9293 §3.5, Figure 7; supporting this "
     "is MUST-10). Each is in SYN-SENT when the other's SYN arrives, so each moves to "
     "SYN-RECEIVED and answers with SYN,ACK <SEQ=ISS><ACK=RCV.NXT> (§3.10.7.3). When those "
     "SYN,ACKs arrive, their SYN is an old octet already received and is trimmed off "
     "(§3.10.7.4), and their acceptable ACK moves each side to ESTABLISHED — with no further "
     "segment, exactly as in Figure 7.",
     "{\n  \"title\": \"Simultaneous open\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "client", "connect") ",\n" EV(0, "server", "connect")
     "\n  ]\n}\n"},

    {"simultaneous-close", "Simultaneous close",
     "Both applications close at the same moment (RFC 9293 §3.6, Figure 13). Each side sends FIN "
     "from ESTABLISHED and enters FIN-WAIT-1; each then receives the other's FIN before its own "
     "has been acknowledged, so it goes to CLOSING and acknowledges the FIN. When the ACKs of "
     "the FINs arrive both move to TIME-WAIT, and both wait 2 MSL before CLOSED.",
     "{\n  \"title\": \"Simultaneous close\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "close") ",\n" EV(200, "server", "close") "\n  ]\n}\n"},

    {"lost-syn", "Lost SYN",
     "The network drops the client's first SYN. Nothing comes back, so the client's retransmission "
     "timer (RFC 9293 §3.8.1, RFC 6298; 1 s here) expires and the SYN is sent again with the "
     "same sequence number 100 — a retransmission reuses the ISN, it does not pick a new one. "
     "The retransmitted SYN gets through and the handshake completes as in Figure 6, one RTO "
     "late.",
     "{\n  \"title\": \"Lost SYN\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"SYN\"], \"nth\": 1}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") "\n  ]\n}\n"},

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
     "\n  ]\n}\n"},

    {"lost-third-ack", "Lost third ACK",
     "The handshake's final ACK is dropped: the client is ESTABLISHED (it received an acceptable "
     "SYN,ACK, RFC 9293 §3.10.7.3) but the server is still SYN-RECEIVED. The client sends 10 "
     "bytes; every segment after the SYN carries ACK, so the data segment's acceptable ACK "
     "completes the server's handshake (§3.10.7.4, fifth step: SYN-RECEIVED → ESTABLISHED) and "
     "its data is then accepted and acknowledged. No retransmission is needed.",
     "{\n  \"title\": \"Lost third ACK\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"ACK\"], \"nth\": 1}") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     SEND(200, "client", 10) "\n  ]\n}\n"},

    {"lost-fin", "Lost FIN",
     "The client's FIN is dropped. A FIN occupies one sequence number, so it is covered by the "
     "retransmission timer like data (RFC 9293 §3.6, §3.8.1): after one RTO the client, still in "
     "FIN-WAIT-1, sends the same FIN <SEQ=101> again. Then the close proceeds as in Figure 12: "
     "the server goes to CLOSE-WAIT and later LAST-ACK, the client to FIN-WAIT-2 and TIME-WAIT.",
     "{\n  \"title\": \"Lost FIN\",\n  " ISS_AB "  "
     NET("{\"action\": \"drop\", \"from\": \"client\", \"flags\": [\"ACK\", \"FIN\"], \"nth\": 1}")
     "  " TIMERS "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect")
     ",\n" EV(200, "client", "close") ",\n" EV(1500, "server", "close") "\n  ]\n}\n"},

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
     EV(200, "client", "close") ",\n" EV(400, "server", "close") "\n  ]\n}\n"},

    {"connection-refused", "Connection refused",
     "The client connects to a port where nothing listens. The server side has no connection "
     "(CLOSED), and a CLOSED endpoint answers every segment except a RST with a RST (RFC 9293 "
     "§3.5.2 group 1, §3.10.7.1): the SYN carries no ACK, so the reset is <SEQ=0><ACK=101>"
     "<CTL=RST,ACK> (ACK = SEG.SEQ + SEG.LEN, the SYN counting one). In SYN-SENT that RST "
     "acknowledges the SYN, so it is acceptable: the client goes to CLOSED and its user is told "
     "\"connection reset\" (§3.10.7.3) — which sockets APIs report as \"Connection refused\" "
     "(ECONNREFUSED).",
     "{\n  \"title\": \"Connection refused\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "client", "connect") "\n  ]\n}\n"},

    {"abort-rst", "Abort with RST",
     "After the handshake the client's application calls ABORT (RFC 9293 §3.10.5): in "
     "ESTABLISHED a reset <SEQ=SND.NXT><CTL=RST> is sent, queued data is discarded and the "
     "connection is CLOSED at once — no FIN exchange and no TIME-WAIT. The RST's sequence "
     "number equals the server's RCV.NXT, so the server accepts it (§3.10.7.4, second step, RFC "
     "5961 §3), goes to CLOSED and tells its user \"connection reset\".",
     "{\n  \"title\": \"Abort with RST\",\n  " ISS_AB "  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "abort") "\n  ]\n}\n"},

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
     EV(1000, "server", "listen") "\n  ]\n}\n"},

    {"half-open-data", "Half-open connection: data meets RST",
     "RFC 9293 §3.5.1, Figure 10. The client crashes and loses its TCB; the server, still "
     "ESTABLISHED (send 300, receive 100), sends 10 bytes <SEQ=300><ACK=100>. For the client no "
     "such connection exists (CLOSED), so it answers with a reset taking its sequence number from "
     "the segment's ACK: <SEQ=100><CTL=RST> (§3.5.2 group 1, §3.10.7.1). That RST is in the "
     "server's window at RCV.NXT, so the server aborts: CLOSED, \"connection reset\".",
     "{\n  \"title\": \"Half-open connection: data meets RST\",\n"
     "  \"client\": {\"iss\": 99},\n  \"server\": {\"iss\": 299},\n  " NET("") "  " TIMERS
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") ",\n"
     EV(200, "client", "crash") ",\n" SEND(300, "server", 10) "\n  ]\n}\n"},

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
     "\"ack\": 0, \"len\": 0}}\n  ]\n}\n"},

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
     "\"ack\": 0, \"len\": 0}}\n  ]\n}\n"},

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
     "  \"events\": [\n" EV(0, "server", "listen") ",\n" EV(0, "client", "connect") "\n  ]\n}\n"},
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

const catalog_entry *catalog_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < catalog_count(); i++)
        if (!strcmp(entries[i].name, name))
            return &entries[i];
    return NULL;
}
