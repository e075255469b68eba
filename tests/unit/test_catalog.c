/* test_catalog.c — every built-in scenario (server/scenario/catalog.c) parses, runs, and
 * produces exactly the trace derived BY HAND from RFC 9293 (not copied from the engine).
 *
 * Compact step format, one line per step:
 *   T kind endpoint DETAIL BEFORE->AFTER [fault] [rtx] [dup] [signal=...] [error=...]
 * where DETAIL is the call ("connect", "send(10)"), the timer ("retransmission",
 * "time-wait") or, for segment steps, "FLAGS SEQ ACK LEN" (flags in canonical order).
 * For a drop the endpoint is the sender. The last line is "final CLIENT SERVER".
 * Every FIN processed in the eighth step signals "connection closing" (§3.10.7.4); a FIN
 * retransmitted into TIME-WAIT is ACKed again and restarts 2 MSL (§3.10.7.4, TIME-WAIT),
 * with no second "connection closing".
 * Conventions used in the derivations: latency 50 ms, RTO 1000 ms doubling per retry,
 * 2 MSL = 240000 ms, no delayed ACKs, ACK field 0 when the ACK flag is off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "testlib.h"

static void flags_str(char *out, size_t size, uint8_t flags)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++)
        if (flags & tcp_flag_order[i])
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "",
                                  tcp_flag_name(tcp_flag_order[i]));
    if (n == 0)
        snprintf(out, size, "-");
}

/* Renders the trace in the compact format; caller frees. */
static char *compact(const sim_trace *t)
{
    size_t cap = 256 * (t->count + 2), n = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        char detail[96];
        if (st->kind == SIM_STEP_CALL && st->call == TCP_CALL_SEND)
            snprintf(detail, sizeof detail, "send(%u)", st->bytes);
        else if (st->kind == SIM_STEP_CALL)
            snprintf(detail, sizeof detail, "%s", tcp_call_name(st->call));
        else if (st->kind == SIM_STEP_TIMEOUT)
            snprintf(detail, sizeof detail, "%s",
                     sim_timer_name(st->timer) ? sim_timer_name(st->timer) : "?");
        else {
            char fl[40];
            flags_str(fl, sizeof fl, st->seg.flags);
            snprintf(detail, sizeof detail, "%s %u %u %u", fl, st->seg.seq, st->seg.ack,
                     st->seg.len);
        }
        n += (size_t)snprintf(s + n, cap - n, "%lld %s %s %s %s->%s", (long long)st->t_ms,
                              sim_step_kind_name(st->kind), sim_endpoint_name(st->endpoint), detail,
                              tcp_state_name(st->state_before), tcp_state_name(st->state_after));
        if (st->kind == SIM_STEP_SEND && st->fault >= 0)
            n += (size_t)snprintf(s + n, cap - n, " fault");
        if (st->retransmission)
            n += (size_t)snprintf(s + n, cap - n, " rtx");
        if (st->duplicate)
            n += (size_t)snprintf(s + n, cap - n, " dup");
        if (st->signal)
            n += (size_t)snprintf(s + n, cap - n, " signal=%s", st->signal);
        if (st->error)
            n += (size_t)snprintf(s + n, cap - n, " error=%s", st->error);
        n += (size_t)snprintf(s + n, cap - n, "\n");
    }
    snprintf(s + n, cap - n, "final %s %s\n", tcp_state_name(t->final[SIM_CLIENT].state),
             tcp_state_name(t->final[SIM_SERVER].state));
    return s;
}

/* Runs a built-in; returns its compact trace (NULL and a failure recorded on error). */
static char *run_builtin(const char *name)
{
    const catalog_entry *e = catalog_find(name);
    if (!e) {
        testlib_fail(__FILE__, __LINE__, "no built-in named %s", name);
        return NULL;
    }
    static sim_scenario sc;
    static scenario_errors errs;
    if (scenario_parse(e->json, strlen(e->json), &sc, &errs) != 0) {
        testlib_fail(__FILE__, __LINE__, "%s: %s: %s", name, errs.items[0].pointer,
                     errs.items[0].detail);
        return NULL;
    }
    sim *s = sim_new();
    sim_trace t;
    sim_trace_init(&t);
    char msg[256] = "";
    sim_status st = sim_run(s, &sc, &t, msg, sizeof msg);
    char *out = NULL;
    if (st != SIM_OK)
        testlib_fail(__FILE__, __LINE__, "%s: sim_run failed: %s", name, msg);
    else
        out = compact(&t);
    sim_trace_cleanup(&t);
    sim_free(s);
    return out;
}

/* Compares line by line so a mismatch names the first differing step. */
static void expect_trace(const char *file, int line, const char *name, const char *expected)
{
    char *got = run_builtin(name);
    if (!got)
        return;
    if (strcmp(got, expected) != 0) {
        const char *g = got, *x = expected;
        int step = 1;
        while (*g && *x) {
            const char *ge = strchr(g, '\n'), *xe = strchr(x, '\n');
            size_t gl = ge ? (size_t)(ge - g) : strlen(g), xl = xe ? (size_t)(xe - x) : strlen(x);
            if (gl != xl || memcmp(g, x, gl) != 0)
                break;
            g += gl + (ge ? 1 : 0);
            x += xl + (xe ? 1 : 0);
            step++;
        }
        testlib_fail(
            file, line,
            "%s: first difference at line %d\n--- expected (RFC 9293, by hand)\n%s--- engine\n%s",
            name, step, expected, got);
    }
    free(got);
}
#define EXPECT_TRACE(name, text) expect_trace(__FILE__, __LINE__, name, text)

/* The handshake of Figure 6 with A=100, B=300, from listen/connect at 0. */
#define HANDSHAKE                                                                                  \
    "0 call server listen CLOSED->LISTEN\n"                                                        \
    "0 call client connect CLOSED->SYN-SENT\n"                                                     \
    "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT\n"                                               \
    "50 receive server SYN 100 0 0 LISTEN->SYN-RECEIVED\n"                                         \
    "50 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED\n"                                \
    "100 receive client SYN,ACK 300 101 0 SYN-SENT->ESTABLISHED\n"                                 \
    "100 send client ACK 101 301 0 ESTABLISHED->ESTABLISHED\n"                                     \
    "150 receive server ACK 101 301 0 SYN-RECEIVED->ESTABLISHED\n"

TEST(catalog_names_exact_and_complete)
{
    static const char *names[] = {"handshake-and-close",
                                  "server-closes-first",
                                  "half-close",
                                  "simultaneous-open",
                                  "simultaneous-close",
                                  "lost-syn",
                                  "lost-syn-ack",
                                  "lost-third-ack",
                                  "lost-fin",
                                  "lost-final-ack",
                                  "connection-refused",
                                  "abort-rst",
                                  "half-open-discovery",
                                  "half-open-data",
                                  "old-duplicate-syn",
                                  "old-duplicate-syn-passive",
                                  "syn-retries-exhausted",
                                  "listen-backlog",
                                  "syn-flood",
                                  "syn-flood-cookies"};
    CHECK_EQ_INT(catalog_count(), sizeof names / sizeof names[0]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const catalog_entry *e = catalog_find(names[i]);
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK_EQ_STR(catalog_at(i)->name, names[i]);
        CHECK(strlen(e->title) > 3);
        CHECK(strstr(e->summary, "RFC 9293") != NULL);
    }
    CHECK(catalog_find("nope") == NULL);
    CHECK(catalog_find(NULL) == NULL);
    CHECK(catalog_at(catalog_count()) == NULL);
}

TEST(catalog_all_parse_and_run)
{
    static sim_scenario sc;
    static scenario_errors errs;
    sim *s = sim_new();
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        int rc = scenario_parse(e->json, strlen(e->json), &sc, &errs);
        if (rc != 0)
            testlib_fail(__FILE__, __LINE__, "%s does not parse: %s: %s", e->name,
                         errs.items[0].pointer, errs.items[0].detail);
        sim_trace t;
        sim_trace_init(&t);
        char msg[256] = "";
        if (rc == 0 && sim_run(s, &sc, &t, msg, sizeof msg) != SIM_OK)
            testlib_fail(__FILE__, __LINE__, "%s does not run: %s", e->name, msg);
        if (rc == 0) {
            CHECK(t.count > 0);
            json_t *j = trace_to_json_full(&t, &sc);
            CHECK(j != NULL);
            json_decref(j);
            char *txt = trace_to_text_full(&t, &sc);
            CHECK(txt != NULL);
            free(txt);
        }
        sim_trace_cleanup(&t);
    }
    sim_free(s);
}

TEST(catalog_handshake_and_close)
{
    EXPECT_TRACE(
        "handshake-and-close", HANDSHAKE
        "200 call client send(10) ESTABLISHED->ESTABLISHED\n"
        "200 send client ACK,PSH 101 301 10 ESTABLISHED->ESTABLISHED\n"
        "250 receive server ACK,PSH 101 301 10 ESTABLISHED->ESTABLISHED\n"
        "250 send server ACK 301 111 0 ESTABLISHED->ESTABLISHED\n"
        "300 receive client ACK 301 111 0 ESTABLISHED->ESTABLISHED\n"
        "400 call client close ESTABLISHED->FIN-WAIT-1\n"
        "400 send client ACK,FIN 111 301 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "450 receive server ACK,FIN 111 301 0 ESTABLISHED->CLOSE-WAIT signal=connection closing\n"
        "450 send server ACK 301 112 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "500 receive client ACK 301 112 0 FIN-WAIT-1->FIN-WAIT-2\n"
        "600 call server close CLOSE-WAIT->LAST-ACK\n"
        "600 send server ACK,FIN 301 112 0 LAST-ACK->LAST-ACK\n"
        "650 receive client ACK,FIN 301 112 0 FIN-WAIT-2->TIME-WAIT signal=connection closing\n"
        "650 send client ACK 112 302 0 TIME-WAIT->TIME-WAIT\n"
        "700 receive server ACK 112 302 0 LAST-ACK->CLOSED\n"
        "240650 timeout client time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_server_closes_first)
{
    EXPECT_TRACE(
        "server-closes-first", HANDSHAKE
        "200 call server close ESTABLISHED->FIN-WAIT-1\n"
        "200 send server ACK,FIN 301 101 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "250 receive client ACK,FIN 301 101 0 ESTABLISHED->CLOSE-WAIT signal=connection closing\n"
        "250 send client ACK 101 302 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "300 receive server ACK 101 302 0 FIN-WAIT-1->FIN-WAIT-2\n"
        "400 call client close CLOSE-WAIT->LAST-ACK\n"
        "400 send client ACK,FIN 101 302 0 LAST-ACK->LAST-ACK\n"
        "450 receive server ACK,FIN 101 302 0 FIN-WAIT-2->TIME-WAIT signal=connection closing\n"
        "450 send server ACK 302 102 0 TIME-WAIT->TIME-WAIT\n"
        "500 receive client ACK 302 102 0 LAST-ACK->CLOSED\n"
        "240450 timeout server time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_half_close)
{
    EXPECT_TRACE(
        "half-close", HANDSHAKE
        "200 call client close ESTABLISHED->FIN-WAIT-1\n"
        "200 send client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "250 receive server ACK,FIN 101 301 0 ESTABLISHED->CLOSE-WAIT signal=connection closing\n"
        "250 send server ACK 301 102 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "300 receive client ACK 301 102 0 FIN-WAIT-1->FIN-WAIT-2\n"
        "400 call server send(100) CLOSE-WAIT->CLOSE-WAIT\n"
        "400 send server ACK,PSH 301 102 100 CLOSE-WAIT->CLOSE-WAIT\n"
        "450 receive client ACK,PSH 301 102 100 FIN-WAIT-2->FIN-WAIT-2\n"
        "450 send client ACK 102 401 0 FIN-WAIT-2->FIN-WAIT-2\n"
        "500 receive server ACK 102 401 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "600 call server close CLOSE-WAIT->LAST-ACK\n"
        "600 send server ACK,FIN 401 102 0 LAST-ACK->LAST-ACK\n"
        "650 receive client ACK,FIN 401 102 0 FIN-WAIT-2->TIME-WAIT signal=connection closing\n"
        "650 send client ACK 102 402 0 TIME-WAIT->TIME-WAIT\n"
        "700 receive server ACK 102 402 0 LAST-ACK->CLOSED\n"
        "240650 timeout client time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_simultaneous_open)
{
    /* Figure 7: the SYN,ACKs fail Table 6 (their SYN octets are old); as in the figure, their
     * ACKs complete both sides. */
    EXPECT_TRACE("simultaneous-open",
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
                 "0 call server connect CLOSED->SYN-SENT\n"
                 "0 send server SYN 300 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 100 0 0 SYN-SENT->SYN-RECEIVED\n"
                 "50 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "50 receive client SYN 300 0 0 SYN-SENT->SYN-RECEIVED\n"
                 "50 send client SYN,ACK 100 301 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "100 receive client SYN,ACK 300 101 0 SYN-RECEIVED->ESTABLISHED\n"
                 "100 receive server SYN,ACK 100 301 0 SYN-RECEIVED->ESTABLISHED\n"
                 "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_simultaneous_close)
{
    /* Figure 13. */
    EXPECT_TRACE(
        "simultaneous-close", HANDSHAKE
        "200 call client close ESTABLISHED->FIN-WAIT-1\n"
        "200 send client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "200 call server close ESTABLISHED->FIN-WAIT-1\n"
        "200 send server ACK,FIN 301 101 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "250 receive server ACK,FIN 101 301 0 FIN-WAIT-1->CLOSING signal=connection closing\n"
        "250 send server ACK 302 102 0 CLOSING->CLOSING\n"
        "250 receive client ACK,FIN 301 101 0 FIN-WAIT-1->CLOSING signal=connection closing\n"
        "250 send client ACK 102 302 0 CLOSING->CLOSING\n"
        "300 receive client ACK 302 102 0 CLOSING->TIME-WAIT\n"
        "300 receive server ACK 102 302 0 CLOSING->TIME-WAIT\n"
        "240300 timeout client time-wait TIME-WAIT->CLOSED\n"
        "240300 timeout server time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_lost_syn)
{
    EXPECT_TRACE("lost-syn", "0 call server listen CLOSED->LISTEN\n"
                             "0 call client connect CLOSED->SYN-SENT\n"
                             "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault\n"
                             "0 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
                             "1000 timeout client retransmission SYN-SENT->SYN-SENT\n"
                             "1000 send client SYN 100 0 0 SYN-SENT->SYN-SENT rtx\n"
                             "1050 receive server SYN 100 0 0 LISTEN->SYN-RECEIVED\n"
                             "1050 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                             "1100 receive client SYN,ACK 300 101 0 SYN-SENT->ESTABLISHED\n"
                             "1100 send client ACK 101 301 0 ESTABLISHED->ESTABLISHED\n"
                             "1150 receive server ACK 101 301 0 SYN-RECEIVED->ESTABLISHED\n"
                             "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_lost_syn_ack)
{
    /* At 1050 the server's timer (scheduled at 50) precedes the arrival of the repeated SYN
     * (scheduled at 1000). That SYN (SEQ=100, SEG.LEN=1) lies wholly before RCV.NXT=101:
     * not acceptable (Table 6) → <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (§3.10.7.4). It is sent
     * after the repeated SYN,ACK, so at 1100 the client is already ESTABLISHED and treats it
     * as a duplicate ACK (SEG.ACK =< SND.UNA: ignored, fifth step). */
    EXPECT_TRACE("lost-syn-ack",
                 "0 call server listen CLOSED->LISTEN\n"
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 100 0 0 LISTEN->SYN-RECEIVED\n"
                 "50 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED fault\n"
                 "50 drop server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "1000 timeout client retransmission SYN-SENT->SYN-SENT\n"
                 "1000 send client SYN 100 0 0 SYN-SENT->SYN-SENT rtx\n"
                 "1050 timeout server retransmission SYN-RECEIVED->SYN-RECEIVED\n"
                 "1050 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED rtx\n"
                 "1050 receive server SYN 100 0 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "1050 send server ACK 301 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "1100 receive client SYN,ACK 300 101 0 SYN-SENT->ESTABLISHED\n"
                 "1100 send client ACK 101 301 0 ESTABLISHED->ESTABLISHED\n"
                 "1100 receive client ACK 301 101 0 ESTABLISHED->ESTABLISHED\n"
                 "1150 receive server ACK 101 301 0 SYN-RECEIVED->ESTABLISHED\n"
                 "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_lost_third_ack)
{
    EXPECT_TRACE("lost-third-ack",
                 "0 call server listen CLOSED->LISTEN\n"
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 100 0 0 LISTEN->SYN-RECEIVED\n"
                 "50 send server SYN,ACK 300 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "100 receive client SYN,ACK 300 101 0 SYN-SENT->ESTABLISHED\n"
                 "100 send client ACK 101 301 0 ESTABLISHED->ESTABLISHED fault\n"
                 "100 drop client ACK 101 301 0 ESTABLISHED->ESTABLISHED\n"
                 "200 call client send(10) ESTABLISHED->ESTABLISHED\n"
                 "200 send client ACK,PSH 101 301 10 ESTABLISHED->ESTABLISHED\n"
                 "250 receive server ACK,PSH 101 301 10 SYN-RECEIVED->ESTABLISHED\n"
                 "250 send server ACK 301 111 0 ESTABLISHED->ESTABLISHED\n"
                 "300 receive client ACK 301 111 0 ESTABLISHED->ESTABLISHED\n"
                 "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_lost_fin)
{
    EXPECT_TRACE(
        "lost-fin", HANDSHAKE
        "200 call client close ESTABLISHED->FIN-WAIT-1\n"
        "200 send client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1 fault\n"
        "200 drop client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "1200 timeout client retransmission FIN-WAIT-1->FIN-WAIT-1\n"
        "1200 send client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1 rtx\n"
        "1250 receive server ACK,FIN 101 301 0 ESTABLISHED->CLOSE-WAIT signal=connection closing\n"
        "1250 send server ACK 301 102 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "1300 receive client ACK 301 102 0 FIN-WAIT-1->FIN-WAIT-2\n"
        "1500 call server close CLOSE-WAIT->LAST-ACK\n"
        "1500 send server ACK,FIN 301 102 0 LAST-ACK->LAST-ACK\n"
        "1550 receive client ACK,FIN 301 102 0 FIN-WAIT-2->TIME-WAIT signal=connection closing\n"
        "1550 send client ACK 102 302 0 TIME-WAIT->TIME-WAIT\n"
        "1600 receive server ACK 102 302 0 LAST-ACK->CLOSED\n"
        "241550 timeout client time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_lost_final_ack)
{
    /* The FIN retransmitted into TIME-WAIT is ACKed again and 2 MSL restarts at 1450. */
    EXPECT_TRACE(
        "lost-final-ack", HANDSHAKE
        "200 call client close ESTABLISHED->FIN-WAIT-1\n"
        "200 send client ACK,FIN 101 301 0 FIN-WAIT-1->FIN-WAIT-1\n"
        "250 receive server ACK,FIN 101 301 0 ESTABLISHED->CLOSE-WAIT signal=connection closing\n"
        "250 send server ACK 301 102 0 CLOSE-WAIT->CLOSE-WAIT\n"
        "300 receive client ACK 301 102 0 FIN-WAIT-1->FIN-WAIT-2\n"
        "400 call server close CLOSE-WAIT->LAST-ACK\n"
        "400 send server ACK,FIN 301 102 0 LAST-ACK->LAST-ACK\n"
        "450 receive client ACK,FIN 301 102 0 FIN-WAIT-2->TIME-WAIT signal=connection closing\n"
        "450 send client ACK 102 302 0 TIME-WAIT->TIME-WAIT fault\n"
        "450 drop client ACK 102 302 0 TIME-WAIT->TIME-WAIT\n"
        "1400 timeout server retransmission LAST-ACK->LAST-ACK\n"
        "1400 send server ACK,FIN 301 102 0 LAST-ACK->LAST-ACK rtx\n"
        "1450 receive client ACK,FIN 301 102 0 TIME-WAIT->TIME-WAIT\n"
        "1450 send client ACK 102 302 0 TIME-WAIT->TIME-WAIT\n"
        "1500 receive server ACK 102 302 0 LAST-ACK->CLOSED\n"
        "241450 timeout client time-wait TIME-WAIT->CLOSED\n"
        "final CLOSED CLOSED\n");
}

TEST(catalog_connection_refused)
{
    /* §3.10.7.3: RST with an acceptable ACK in SYN-SENT: signal "error: connection reset"
     * (sockets APIs report it as ECONNREFUSED). */
    EXPECT_TRACE("connection-refused",
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 100 0 0 CLOSED->CLOSED\n"
                 "50 send server ACK,RST 0 101 0 CLOSED->CLOSED\n"
                 "100 receive client ACK,RST 0 101 0 SYN-SENT->CLOSED signal=connection reset\n"
                 "final CLOSED CLOSED\n");
}

TEST(catalog_abort_rst)
{
    EXPECT_TRACE("abort-rst", HANDSHAKE
                 "200 call client abort ESTABLISHED->CLOSED\n"
                 "200 send client RST 101 0 0 CLOSED->CLOSED\n"
                 "250 receive server RST 101 0 0 ESTABLISHED->CLOSED signal=connection reset\n"
                 "final CLOSED CLOSED\n");
}

TEST(catalog_half_open_discovery)
{
    /* Figure 9 with A ISS 99 then 400, B ISS 299 then 600. */
    EXPECT_TRACE("half-open-discovery",
                 "0 call server listen CLOSED->LISTEN\n"
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 99 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 99 0 0 LISTEN->SYN-RECEIVED\n"
                 "50 send server SYN,ACK 299 100 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "100 receive client SYN,ACK 299 100 0 SYN-SENT->ESTABLISHED\n"
                 "100 send client ACK 100 300 0 ESTABLISHED->ESTABLISHED\n"
                 "150 receive server ACK 100 300 0 SYN-RECEIVED->ESTABLISHED\n"
                 "200 call client crash ESTABLISHED->CLOSED\n"
                 "300 call client connect CLOSED->SYN-SENT\n"
                 "300 send client SYN 400 0 0 SYN-SENT->SYN-SENT\n"
                 "350 receive server SYN 400 0 0 ESTABLISHED->ESTABLISHED\n"
                 "350 send server ACK 300 100 0 ESTABLISHED->ESTABLISHED\n"
                 "400 receive client ACK 300 100 0 SYN-SENT->SYN-SENT\n"
                 "400 send client RST 100 0 0 SYN-SENT->SYN-SENT\n"
                 "450 receive server RST 100 0 0 ESTABLISHED->CLOSED signal=connection reset\n"
                 "1000 call server listen CLOSED->LISTEN\n"
                 "1300 timeout client retransmission SYN-SENT->SYN-SENT\n"
                 "1300 send client SYN 400 0 0 SYN-SENT->SYN-SENT rtx\n"
                 "1350 receive server SYN 400 0 0 LISTEN->SYN-RECEIVED\n"
                 "1350 send server SYN,ACK 600 401 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "1400 receive client SYN,ACK 600 401 0 SYN-SENT->ESTABLISHED\n"
                 "1400 send client ACK 401 601 0 ESTABLISHED->ESTABLISHED\n"
                 "1450 receive server ACK 401 601 0 SYN-RECEIVED->ESTABLISHED\n"
                 "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_half_open_data)
{
    /* Figure 10 with A ISS 99, B ISS 299. */
    EXPECT_TRACE("half-open-data",
                 "0 call server listen CLOSED->LISTEN\n"
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 99 0 0 SYN-SENT->SYN-SENT\n"
                 "50 receive server SYN 99 0 0 LISTEN->SYN-RECEIVED\n"
                 "50 send server SYN,ACK 299 100 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "100 receive client SYN,ACK 299 100 0 SYN-SENT->ESTABLISHED\n"
                 "100 send client ACK 100 300 0 ESTABLISHED->ESTABLISHED\n"
                 "150 receive server ACK 100 300 0 SYN-RECEIVED->ESTABLISHED\n"
                 "200 call client crash ESTABLISHED->CLOSED\n"
                 "300 call server send(10) ESTABLISHED->ESTABLISHED\n"
                 "300 send server ACK,PSH 300 100 10 ESTABLISHED->ESTABLISHED\n"
                 "350 receive client ACK,PSH 300 100 10 CLOSED->CLOSED\n"
                 "350 send client RST 100 0 0 CLOSED->CLOSED\n"
                 "400 receive server RST 100 0 0 ESTABLISHED->CLOSED signal=connection reset\n"
                 "final CLOSED CLOSED\n");
}

TEST(catalog_old_duplicate_syn)
{
    /* Figure 8: the real SYN is delayed 200 ms so the old one (SEQ=90) arrives first. */
    EXPECT_TRACE("old-duplicate-syn",
                 "0 call server listen CLOSED->LISTEN\n"
                 "0 call client connect CLOSED->SYN-SENT\n"
                 "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault\n"
                 "20 inject server SYN 90 0 0 LISTEN->LISTEN\n"
                 "20 receive server SYN 90 0 0 LISTEN->SYN-RECEIVED\n"
                 "20 send server SYN,ACK 300 91 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "70 receive client SYN,ACK 300 91 0 SYN-SENT->SYN-SENT\n"
                 "70 send client RST 91 0 0 SYN-SENT->SYN-SENT\n"
                 "120 receive server RST 91 0 0 SYN-RECEIVED->LISTEN\n"
                 "250 receive server SYN 100 0 0 LISTEN->SYN-RECEIVED\n"
                 "250 send server SYN,ACK 400 101 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "300 receive client SYN,ACK 400 101 0 SYN-SENT->ESTABLISHED\n"
                 "300 send client ACK 101 401 0 ESTABLISHED->ESTABLISHED\n"
                 "350 receive server ACK 101 401 0 SYN-RECEIVED->ESTABLISHED\n"
                 "final ESTABLISHED ESTABLISHED\n");
}

TEST(catalog_old_duplicate_syn_passive)
{
    /* Figure 11 with Z = 90, X = 300. */
    EXPECT_TRACE("old-duplicate-syn-passive",
                 "0 call client listen CLOSED->LISTEN\n"
                 "0 call server listen CLOSED->LISTEN\n"
                 "20 inject server SYN 90 0 0 LISTEN->LISTEN\n"
                 "20 receive server SYN 90 0 0 LISTEN->SYN-RECEIVED\n"
                 "20 send server SYN,ACK 300 91 0 SYN-RECEIVED->SYN-RECEIVED\n"
                 "70 receive client SYN,ACK 300 91 0 LISTEN->LISTEN\n"
                 "70 send client RST 91 0 0 LISTEN->LISTEN\n"
                 "120 receive server RST 91 0 0 SYN-RECEIVED->LISTEN\n"
                 "final LISTEN LISTEN\n");
}

TEST(catalog_syn_retries_exhausted)
{
    EXPECT_TRACE(
        "syn-retries-exhausted",
        "0 call server listen CLOSED->LISTEN\n"
        "0 call client connect CLOSED->SYN-SENT\n"
        "0 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault\n"
        "0 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "1000 timeout client retransmission SYN-SENT->SYN-SENT\n"
        "1000 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault rtx\n"
        "1000 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "3000 timeout client retransmission SYN-SENT->SYN-SENT\n"
        "3000 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault rtx\n"
        "3000 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "7000 timeout client retransmission SYN-SENT->SYN-SENT\n"
        "7000 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault rtx\n"
        "7000 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "15000 timeout client retransmission SYN-SENT->SYN-SENT\n"
        "15000 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault rtx\n"
        "15000 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "31000 timeout client retransmission SYN-SENT->SYN-SENT\n"
        "31000 send client SYN 100 0 0 SYN-SENT->SYN-SENT fault rtx\n"
        "31000 drop client SYN 100 0 0 SYN-SENT->SYN-SENT\n"
        "63000 timeout client retransmission SYN-SENT->CLOSED signal=connection timed out\n"
        "final CLOSED LISTEN\n");
}
