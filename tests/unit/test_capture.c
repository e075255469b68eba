/*
 * test_capture.c — tcplab analyze's pipeline (server/capture/): the real-stack fixtures of
 * tests/fixtures/captures (recorded by record.sh there, see its README) checked step by step,
 * captures built here packet by packet for each observation and each kind of bad input, the
 * link types of decode.c, and the rule texts (each one the engine's, or a "capture:" text).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/capture/capture.h"
#include "../../server/capture/decode.h"
#include "../../server/scenario/rules_zh.h"
#include "testlib.h"

#define FIX "tests/fixtures/captures/"

/* "c>:CLOSED>SYN-SENT s<:LISTEN>SYN-RECEIVED ...": endpoint, kind, states of every step. */
static char *step_string(const sim_trace *t)
{
    size_t cap = t->count * 40 + 1;
    char *s = calloc(1, cap);
    size_t n = 0;
    for (size_t i = 0; s && i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        char kind = st->kind == SIM_STEP_SEND ? '>' : st->kind == SIM_STEP_RECEIVE ? '<' : 'x';
        n += (size_t)snprintf(s + n, cap - n, "%s%c%c:%s>%s", i ? " " : "",
                              st->endpoint == SIM_CLIENT ? 'c' : 's', kind,
                              tcp_state_name(st->state_before), tcp_state_name(st->state_after));
    }
    return s;
}

static char *obs_string(const analyze *an)
{
    static char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < analyze_observation_count(an); i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "",
                              analyze_obs_name(analyze_observation_at(an, i)->kind));
    return buf;
}

/* Every rule is one of the engine's (its Chinese text exists, rules_zh.h) or a capture's own. */
static void check_rules(const sim_trace *t)
{
    for (size_t i = 0; i < t->count; i++) {
        const char *r = t->steps[i].rule;
        if (!r || (strncmp(r, "capture: ", 9) && !rules_zh_lookup(r)))
            testlib_fail(__FILE__, __LINE__, "step %zu: rule not the engine's: %s", i + 1,
                         r ? r : "(null)");
    }
}

static void check_fixture(const char *file, const char *want_steps, const char *want_obs)
{
    capture_result res;
    if (capture_analyze_file(file, NULL, &res) != 0) {
        testlib_fail(__FILE__, __LINE__, "%s: %s", file, res.message);
        capture_result_cleanup(&res);
        return;
    }
    char *got = step_string(analyze_trace(res.an));
    if (!got || strcmp(got, want_steps))
        testlib_fail(__FILE__, __LINE__, "%s:\n  got:      %s\n  expected: %s", file,
                     got ? got : "(null)", want_steps);
    free(got);
    CHECK_EQ_STR(obs_string(res.an), want_obs);
    check_rules(analyze_trace(res.an));
    CHECK_EQ_INT(analyze_connection_count(res.an), 1);
    capture_result_cleanup(&res);
}

#define HS                                                                                         \
    "c>:CLOSED>SYN-SENT s<:LISTEN>SYN-RECEIVED s>:SYN-RECEIVED>SYN-RECEIVED "                      \
    "c<:SYN-SENT>ESTABLISHED c>:ESTABLISHED>ESTABLISHED s<:SYN-RECEIVED>ESTABLISHED"

TEST(capture_fixture_handshake)
{
    check_fixture(FIX "handshake.pcap", HS, "");
    capture_result res;
    CHECK(capture_analyze_file(FIX "handshake.pcap", NULL, &res) == 0);
    const sim_trace *t = analyze_trace(res.an);
    /* the TCB the capture determines: ISS/IRS from the SYNs, SND/RCV from the ACKs */
    const tcp_vars *c = &t->final[SIM_CLIENT], *s = &t->final[SIM_SERVER];
    CHECK_EQ_INT(c->iss, t->steps[0].seg.seq);
    CHECK_EQ_INT(s->irs, c->iss);
    CHECK_EQ_INT(s->iss, t->steps[2].seg.seq);
    CHECK_EQ_INT(c->irs, s->iss);
    CHECK_EQ_INT(c->snd_nxt, c->iss + 1);
    CHECK_EQ_INT(s->snd_una, s->iss + 1);
    CHECK_EQ_INT(c->rcv_nxt, s->iss + 1);
    CHECK_EQ_STR(res.link_type, "EN10MB");
    CHECK(res.bad_checksums > 0); /* veth hands the capture unfinished checksums: counted */
    capture_result_cleanup(&res);
}

TEST(capture_fixture_client_first_close)
{
    const char *want = HS " c>:ESTABLISHED>ESTABLISHED s<:ESTABLISHED>ESTABLISHED "
                          "s>:ESTABLISHED>ESTABLISHED c<:ESTABLISHED>ESTABLISHED "
                          "c>:ESTABLISHED>FIN-WAIT-1 s<:ESTABLISHED>CLOSE-WAIT "
                          "s>:CLOSE-WAIT>CLOSE-WAIT c<:FIN-WAIT-1>FIN-WAIT-2 "
                          "s>:CLOSE-WAIT>LAST-ACK c<:FIN-WAIT-2>TIME-WAIT "
                          "c>:TIME-WAIT>TIME-WAIT s<:LAST-ACK>CLOSED";
    check_fixture(FIX "client-first-close.pcap", want, "");
    check_fixture(FIX "client-first-close.pcapng", want, ""); /* the same packets as pcapng */
}

TEST(capture_fixture_server_first_close)
{
    check_fixture(FIX "server-first-close.pcap",
                  HS " s>:ESTABLISHED>ESTABLISHED c<:ESTABLISHED>ESTABLISHED "
                     "c>:ESTABLISHED>ESTABLISHED s<:ESTABLISHED>ESTABLISHED "
                     "s>:ESTABLISHED>FIN-WAIT-1 c<:ESTABLISHED>CLOSE-WAIT "
                     "c>:CLOSE-WAIT>CLOSE-WAIT s<:FIN-WAIT-1>FIN-WAIT-2 "
                     "c>:CLOSE-WAIT>LAST-ACK s<:FIN-WAIT-2>TIME-WAIT "
                     "s>:TIME-WAIT>TIME-WAIT c<:LAST-ACK>CLOSED",
                  "");
}

TEST(capture_fixture_half_close)
{
    /* the server still sends in CLOSE-WAIT; the client receives it in FIN-WAIT-2 */
    check_fixture(FIX "half-close.pcap",
                  HS " c>:ESTABLISHED>ESTABLISHED s<:ESTABLISHED>ESTABLISHED "
                     "s>:ESTABLISHED>ESTABLISHED c<:ESTABLISHED>ESTABLISHED "
                     "c>:ESTABLISHED>FIN-WAIT-1 s<:ESTABLISHED>CLOSE-WAIT "
                     "s>:CLOSE-WAIT>CLOSE-WAIT c<:FIN-WAIT-1>FIN-WAIT-2 "
                     "s>:CLOSE-WAIT>CLOSE-WAIT c<:FIN-WAIT-2>FIN-WAIT-2 "
                     "c>:FIN-WAIT-2>FIN-WAIT-2 s<:CLOSE-WAIT>CLOSE-WAIT "
                     "s>:CLOSE-WAIT>LAST-ACK c<:FIN-WAIT-2>TIME-WAIT "
                     "c>:TIME-WAIT>TIME-WAIT s<:LAST-ACK>CLOSED",
                  "");
}

TEST(capture_fixture_refused)
{
    /* nothing listened: the server's state is CLOSED from the start, its RST,ACK is
     * §3.10.7.1's reset for a segment without ACK */
    check_fixture(FIX "refused.pcap",
                  "c>:CLOSED>SYN-SENT s<:CLOSED>CLOSED s>:CLOSED>CLOSED c<:SYN-SENT>CLOSED", "");
    capture_result res;
    CHECK(capture_analyze_file(FIX "refused.pcap", NULL, &res) == 0);
    const sim_trace *t = analyze_trace(res.an);
    CHECK_EQ_STR(t->steps[2].rule, "RFC 9293 §3.10.7.1: reset for a segment without ACK: "
                                   "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>");
    CHECK_EQ_INT(t->steps[0].vars[SIM_SERVER].state, TCP_CLOSED);
    CHECK_EQ_STR(t->steps[3].signal, "connection reset");
    capture_result_cleanup(&res);
}

TEST(capture_fixture_abort)
{
    check_fixture(FIX "abort.pcap",
                  HS " c>:ESTABLISHED>ESTABLISHED s<:ESTABLISHED>ESTABLISHED "
                     "s>:ESTABLISHED>ESTABLISHED c<:ESTABLISHED>ESTABLISHED "
                     "c>:ESTABLISHED>CLOSED s<:ESTABLISHED>CLOSED",
                  "rst-ack-abort");
}

TEST(capture_fixture_lost_final_ack)
{
    /* the client's ACKs of the server's FIN never left its namespace (blackhole route): the
     * server retransmits its FIN until the route is back */
    check_fixture(FIX "lost-final-ack.pcap",
                  HS " c>:ESTABLISHED>ESTABLISHED s<:ESTABLISHED>ESTABLISHED "
                     "s>:ESTABLISHED>ESTABLISHED c<:ESTABLISHED>ESTABLISHED "
                     "c>:ESTABLISHED>FIN-WAIT-1 s<:ESTABLISHED>CLOSE-WAIT "
                     "s>:CLOSE-WAIT>CLOSE-WAIT c<:FIN-WAIT-1>FIN-WAIT-2 "
                     "s>:CLOSE-WAIT>LAST-ACK s>:LAST-ACK>LAST-ACK s>:LAST-ACK>LAST-ACK "
                     "c<:FIN-WAIT-2>TIME-WAIT c<:TIME-WAIT>TIME-WAIT c<:TIME-WAIT>TIME-WAIT "
                     "c>:TIME-WAIT>TIME-WAIT s<:LAST-ACK>CLOSED",
                  "retransmission retransmission");
    capture_result res;
    CHECK(capture_analyze_file(FIX "lost-final-ack.pcap", NULL, &res) == 0);
    const analyze_observation *o = analyze_observation_at(res.an, 0);
    CHECK(o && o->a_ms >= 200 && o->a_ms < 2000); /* Linux's RTO: at least 200 ms */
    CHECK(o && o->endpoint == SIM_SERVER);
    capture_result_cleanup(&res);
}

TEST(capture_fixture_simultaneous_close)
{
    /* both FINs crossed (each waited in a slow egress queue behind its own data): each end
     * receives the other's FIN in FIN-WAIT-1 → CLOSING → TIME-WAIT */
    check_fixture(
        FIX "simultaneous-close.pcap",
        HS " s>:ESTABLISHED>ESTABLISHED c>:ESTABLISHED>ESTABLISHED s>:ESTABLISHED>ESTABLISHED "
           "s>:ESTABLISHED>FIN-WAIT-1 c>:ESTABLISHED>ESTABLISHED s<:FIN-WAIT-1>FIN-WAIT-1 "
           "s>:FIN-WAIT-1>FIN-WAIT-1 c>:ESTABLISHED>FIN-WAIT-1 s<:FIN-WAIT-1>FIN-WAIT-1 "
           "s>:FIN-WAIT-1>FIN-WAIT-1 c<:FIN-WAIT-1>FIN-WAIT-1 c>:FIN-WAIT-1>FIN-WAIT-1 "
           "s<:FIN-WAIT-1>CLOSING s<:CLOSING>CLOSING s>:CLOSING>CLOSING "
           "c<:FIN-WAIT-1>FIN-WAIT-1 c>:FIN-WAIT-1>FIN-WAIT-1 s<:CLOSING>CLOSING "
           "c<:FIN-WAIT-1>CLOSING c<:CLOSING>CLOSING c<:CLOSING>CLOSING c<:CLOSING>TIME-WAIT "
           "c>:TIME-WAIT>TIME-WAIT s<:CLOSING>TIME-WAIT",
        "");
}

TEST(capture_fixture_ipv6_linux_cooked)
{
    check_fixture(FIX "handshake-ipv6-any.pcap", HS, "");
    capture_result res;
    CHECK(capture_analyze_file(FIX "handshake-ipv6-any.pcap", NULL, &res) == 0);
    CHECK_EQ_STR(res.link_type, "LINUX_SLL2");
    CHECK_EQ_INT(analyze_connection_at(res.an, 0)->family, 6);
    capture_result_cleanup(&res);
}

/* ---- captures built here ------------------------------------------------------------- */

typedef struct builder {
    pcap_t *dead;
    pcap_dumper_t *d;
    FILE *f;
    char *buf;
    size_t len;
} builder;

static void b_open(builder *b, int linktype, int snaplen)
{
    memset(b, 0, sizeof *b);
    b->dead = pcap_open_dead(linktype, snaplen);
    b->f = open_memstream(&b->buf, &b->len);
    b->d = pcap_dump_fopen(b->dead, b->f);
}

static void b_close(builder *b)
{
    pcap_dump_close(b->d); /* closes the memstream: buf/len final */
    pcap_close(b->dead);
}

static void b_raw(builder *b, int64_t t_ms, const uint8_t *p, uint32_t caplen, uint32_t len)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(t_ms / 1000);
    h.ts.tv_usec = (suseconds_t)((t_ms % 1000) * 1000);
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *)b->d, &h, p);
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

/* An Ethernet + IPv4 + TCP packet, 10.0.0.<from+1> → 10.0.0.<2-from>, client port 40000,
 * server port 80 (from: 0 client, 1 server); returns its length. */
static uint32_t tcp4(uint8_t *p, int from, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len,
                     const uint8_t *opts, uint32_t optlen)
{
    memset(p, 0, 14 + 20 + 20 + optlen + len);
    put16(p + 12, 0x0800);
    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    put16(ip + 2, 20 + 20 + optlen + len);
    ip[8] = 64;
    ip[9] = 6;
    ip[12] = 10, ip[15] = (uint8_t)(from + 1);
    ip[16] = 10, ip[19] = (uint8_t)(2 - from);
    uint8_t *t = ip + 20;
    put16(t, from ? 80 : 40000);
    put16(t + 2, from ? 40000 : 80);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
    t[13] = flags;
    put16(t + 14, 65535);
    if (optlen)
        memcpy(t + 20, opts, optlen);
    return 14 + 20 + 20 + optlen + len;
}

static void seg(builder *b, int64_t t_ms, int from, uint32_t seq, uint32_t ack, uint8_t flags,
                uint32_t len)
{
    uint8_t p[2048];
    uint32_t n = tcp4(p, from, seq, ack, flags, len, NULL, 0);
    b_raw(b, t_ms, p, n, n);
}

#define C   0
#define S   1
#define SYN TCP_SYN
#define ACK TCP_ACK
#define FIN TCP_FIN
#define RST TCP_RST
#define PSH TCP_PSH

static void handshake(builder *b)
{
    seg(b, 0, C, 100, 0, SYN, 0);
    seg(b, 1, S, 300, 101, SYN | ACK, 0);
    seg(b, 2, C, 101, 301, ACK, 0);
}

/* Analyses the built capture; returns 0 and fills res (cleaned by the caller) or -1. */
static int b_analyze(builder *b, const capture_options *o, capture_result *res)
{
    b_close(b);
    int rc = capture_analyze_memory(b->buf, b->len, o, res);
    free(b->buf);
    return rc;
}

TEST(capture_observation_challenge_ack)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    seg(&b, 10, C, 5000, 0, SYN, 0);  /* a SYN in the window of an open connection */
    seg(&b, 11, S, 301, 101, ACK, 0); /* answered by a challenge ACK (RFC 5961 §4) */
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    CHECK_EQ_STR(obs_string(res.an), "challenge-ack");
    const sim_trace *t = analyze_trace(res.an);
    CHECK_EQ_STR(t->steps[t->count - 2].rule,
                 "RFC 5961 §4 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>");
    check_rules(t);
    capture_result_cleanup(&res);
}

TEST(capture_observation_syn_linear_and_no_answer)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    for (int i = 0; i < 4; i++)
        seg(&b, i * 3000, C, 100, 0, SYN, 0); /* every 3 s: not doubling */
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    const char *o = obs_string(res.an);
    CHECK(strstr(o, "syn-linear-backoff") != NULL);
    CHECK(strstr(o, "retransmission") != NULL);
    CHECK(strstr(o, "no-answer") != NULL);
    char *steps = step_string(analyze_trace(res.an));
    /* each unanswered SYN becomes a "drop" step when the next one (or the end) shows it */
    CHECK_EQ_STR(steps, "c>:CLOSED>SYN-SENT cx:SYN-SENT>SYN-SENT c>:SYN-SENT>SYN-SENT "
                        "cx:SYN-SENT>SYN-SENT c>:SYN-SENT>SYN-SENT cx:SYN-SENT>SYN-SENT "
                        "c>:SYN-SENT>SYN-SENT cx:SYN-SENT>SYN-SENT");
    free(steps);
    capture_result_cleanup(&res);
}

TEST(capture_observation_doubling_syn_is_not_linear)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    seg(&b, 0, C, 100, 0, SYN, 0);
    seg(&b, 1000, C, 100, 0, SYN, 0);
    seg(&b, 3000, C, 100, 0, SYN, 0);
    seg(&b, 7000, C, 100, 0, SYN, 0);
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    CHECK(strstr(obs_string(res.an), "syn-linear") == NULL);
    capture_result_cleanup(&res);
}

TEST(capture_observation_already_open_and_lost)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    seg(&b, 0, C, 1000, 5000, ACK | PSH, 100); /* no SYN: opened before the capture */
    seg(&b, 1, S, 5000, 1100, ACK, 0);
    seg(&b, 2, C, 1200, 5000, ACK | PSH, 100); /* 1100..1200 was not captured */
    seg(&b, 3, S, 5000, 1300, ACK, 0);         /* ... but the server acknowledges it */
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    const char *o = obs_string(res.an);
    CHECK(strstr(o, "already-open") != NULL);
    CHECK(strstr(o, "capture-lost") != NULL);
    const analyze_connection *c = analyze_connection_at(res.an, 0);
    CHECK(c->inferred);
    CHECK(!c->syn_seen);
    CHECK_EQ_INT(c->port[SIM_CLIENT], 40000); /* the ephemeral port is the client's */
    CHECK_EQ_INT(analyze_trace(res.an)->steps[0].state_before, TCP_ESTABLISHED);
    capture_result_cleanup(&res);
}

TEST(capture_observation_tfo_and_data_after_fin)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    uint8_t p[256];
    uint8_t tfo[] = {34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1}; /* Fast Open cookie + 2 NOPs */
    uint32_t n = tcp4(p, C, 100, 0, SYN, 20, tfo, sizeof tfo);
    b_raw(&b, 0, p, n, n);
    seg(&b, 1, S, 300, 121, SYN | ACK, 0);
    seg(&b, 2, C, 121, 301, ACK | FIN, 0);
    seg(&b, 3, C, 122, 301, ACK | PSH, 10); /* data after the FIN */
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    const char *o = obs_string(res.an);
    CHECK(strstr(o, "tfo-data") != NULL);
    CHECK(strstr(o, "data-after-fin") != NULL);
    capture_result_cleanup(&res);
}

TEST(capture_new_connection_on_the_same_tuple)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    seg(&b, 3, C, 101, 301, ACK | RST, 0);
    seg(&b, 10, C, 9000, 0, SYN, 0); /* the same ports again: a second connection */
    seg(&b, 11, S, 7000, 9001, SYN | ACK, 0);
    capture_result res;
    capture_options opt = {2, 0, 0};
    CHECK(b_analyze(&b, &opt, &res) == 0);
    CHECK_EQ_INT(analyze_connection_count(res.an), 2);
    CHECK_EQ_INT(analyze_trace(res.an)->steps[0].seg.seq, 9000);
    capture_result_cleanup(&res);
}

static capture_error error_of(builder *b, const capture_options *o, uint64_t *packet, char *msg)
{
    capture_result res;
    b_analyze(b, o, &res);
    *packet = res.packet;
    strcpy(msg, res.message);
    capture_result_cleanup(&res);
    return res.error;
}

TEST(capture_bad_input_names_the_packet)
{
    builder b;
    uint64_t pk;
    char msg[256];
    uint8_t p[256];

    /* not a capture */
    capture_result res;
    CHECK(capture_analyze_memory("GIF89a this is not a capture", 28, NULL, &res) != 0);
    CHECK_EQ_INT(res.error, CAPTURE_ERR_NOT_CAPTURE);
    CHECK(strstr(res.message, "not a pcap or pcapng file") != NULL);
    capture_result_cleanup(&res);
    CHECK(capture_analyze_memory("", 0, NULL, &res) != 0);
    CHECK_EQ_INT(res.error, CAPTURE_ERR_NOT_CAPTURE);
    capture_result_cleanup(&res);

    /* snaplen cut into the TCP header */
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    uint32_t n = tcp4(p, C, 101, 301, ACK, 0, NULL, 0);
    b_raw(&b, 5, p, 40, n);
    CHECK_EQ_INT(error_of(&b, NULL, &pk, msg), CAPTURE_ERR_SNAPLEN);
    CHECK_EQ_INT(pk, 4);
    CHECK(strstr(msg, "packet 4: ") == msg);

    /* snaplen cut only the payload: fine, its length comes from the IP header */
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    n = tcp4(p, C, 101, 301, ACK | PSH, 100, NULL, 0);
    b_raw(&b, 5, p, 64, n);
    b_close(&b);
    CHECK(capture_analyze_memory(b.buf, b.len, NULL, &res) == 0);
    CHECK_EQ_INT(res.snaplen_cut, 1);
    CHECK_EQ_INT(analyze_connection_at(res.an, 0)->data_bytes[SIM_CLIENT], 100);
    capture_result_cleanup(&res);
    free(b.buf);

    /* a packet shorter than its IP header says */
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    n = tcp4(p, C, 101, 301, ACK | PSH, 10, NULL, 0);
    b_raw(&b, 5, p, n - 5, n - 5);
    CHECK_EQ_INT(error_of(&b, NULL, &pk, msg), CAPTURE_ERR_TRUNCATED_PACKET);
    CHECK_EQ_INT(pk, 4);

    /* an IP fragment */
    b_open(&b, DLT_EN10MB, 65535);
    n = tcp4(p, C, 100, 0, SYN, 0, NULL, 0);
    p[14 + 6] = 0x20; /* more fragments */
    b_raw(&b, 0, p, n, n);
    CHECK_EQ_INT(error_of(&b, NULL, &pk, msg), CAPTURE_ERR_FRAGMENT);
    CHECK_EQ_INT(pk, 1);

    /* timestamps going backwards */
    b_open(&b, DLT_EN10MB, 65535);
    seg(&b, 100, C, 100, 0, SYN, 0);
    seg(&b, 50, S, 300, 101, SYN | ACK, 0);
    CHECK_EQ_INT(error_of(&b, NULL, &pk, msg), CAPTURE_ERR_TIME_BACKWARDS);
    CHECK_EQ_INT(pk, 2);

    /* a TCP data offset beyond the segment */
    b_open(&b, DLT_EN10MB, 65535);
    n = tcp4(p, C, 100, 0, SYN, 0, NULL, 0);
    p[14 + 20 + 12] = 0xF0;
    b_raw(&b, 0, p, n, n);
    CHECK_EQ_INT(error_of(&b, NULL, &pk, msg), CAPTURE_ERR_MALFORMED);
    CHECK_EQ_INT(pk, 1);

    /* a file cut inside a packet record */
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    b_close(&b);
    CHECK(capture_analyze_memory(b.buf, b.len - 10, NULL, &res) != 0);
    CHECK_EQ_INT(res.error, CAPTURE_ERR_TRUNCATED_FILE);
    CHECK_EQ_INT(res.packet, 3);
    capture_result_cleanup(&res);
    free(b.buf);
}

TEST(capture_skips_and_counts)
{
    builder b;
    b_open(&b, DLT_EN10MB, 65535);
    uint8_t p[256];
    uint32_t n = tcp4(p, C, 100, 0, SYN, 0, NULL, 0);
    b_raw(&b, 0, p, n, n);
    p[14 + 9] = 17; /* UDP */
    b_raw(&b, 0, p, n, n);
    memset(p, 0, 60);
    put16(p + 12, 0x0806); /* ARP */
    b_raw(&b, 0, p, 60, 60);
    capture_result res;
    CHECK(b_analyze(&b, NULL, &res) == 0);
    CHECK_EQ_INT(res.packets, 3);
    CHECK_EQ_INT(res.tcp_packets, 1);
    CHECK_EQ_INT(res.non_tcp, 2);
    CHECK_EQ_INT(res.bad_checksums, 1); /* the builder leaves the checksum 0 */
    capture_result_cleanup(&res);
}

TEST(capture_limits)
{
    builder b;
    uint64_t pk;
    char msg[256];
    capture_options o = {0, 3, 0};
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    seg(&b, 5, C, 101, 301, ACK | FIN, 0);
    CHECK_EQ_INT(error_of(&b, &o, &pk, msg), CAPTURE_ERR_TOO_MANY_PACKETS);
    CHECK_EQ_INT(pk, 4);
    CHECK(strstr(msg, "more than 3 packets") != NULL);

    capture_options o2 = {0, 0, 1};
    b_open(&b, DLT_EN10MB, 65535);
    seg(&b, 0, C, 100, 0, SYN, 0);
    uint8_t p[128];
    uint32_t n = tcp4(p, C, 100, 0, SYN, 0, NULL, 0);
    p[14 + 20 + 1] = 81; /* another server port: another connection */
    b_raw(&b, 1, p, n, n);
    CHECK_EQ_INT(error_of(&b, &o2, &pk, msg), CAPTURE_ERR_TOO_MANY_CONNECTIONS);
    CHECK_EQ_INT(pk, 2);
    CHECK(strstr(msg, "more than 1 TCP connections") != NULL);

    capture_options o3 = {5, 0, 0};
    b_open(&b, DLT_EN10MB, 65535);
    handshake(&b);
    CHECK_EQ_INT(error_of(&b, &o3, &pk, msg), CAPTURE_ERR_NO_SUCH_CONNECTION);
}

/* ---- link types ---------------------------------------------------------------------------- */

TEST(capture_decode_link_types)
{
    uint8_t eth[128], p[160];
    uint32_t n = tcp4(eth, C, 7, 0, SYN, 0, NULL, 0);
    const uint8_t *ip = eth + 14;
    uint32_t iplen = n - 14;
    decode_tcp t;
    char why[128];

    CHECK_EQ_INT(decode_packet(DLT_EN10MB, eth, n, n, &t, why, sizeof why), DECODE_TCP);
    CHECK_EQ_INT(t.seq, 7);
    CHECK_EQ_INT(t.sport, 40000);

    /* 802.1Q and 802.1ad tags */
    memcpy(p, eth, 12);
    put16(p + 12, 0x88A8);
    put16(p + 16, 0x8100);
    put16(p + 20, 0x0800);
    memcpy(p + 22, ip, iplen);
    CHECK_EQ_INT(decode_packet(DLT_EN10MB, p, 22 + iplen, 22 + iplen, &t, why, sizeof why),
                 DECODE_TCP);
    CHECK_EQ_INT(t.dport, 80);

    /* Linux cooked v1: protocol at 14 */
    memset(p, 0, 16);
    put16(p + 14, 0x0800);
    memcpy(p + 16, ip, iplen);
    CHECK_EQ_INT(decode_packet(DLT_LINUX_SLL, p, 16 + iplen, 16 + iplen, &t, why, sizeof why),
                 DECODE_TCP);

    /* raw IP */
    CHECK_EQ_INT(decode_packet(DLT_RAW, ip, iplen, iplen, &t, why, sizeof why), DECODE_TCP);

    /* BSD loopback: AF_INET in host order (NULL), network order (LOOP) */
    memset(p, 0, 4);
    p[0] = 2;
    memcpy(p + 4, ip, iplen);
    CHECK_EQ_INT(decode_packet(DLT_NULL, p, 4 + iplen, 4 + iplen, &t, why, sizeof why), DECODE_TCP);
    memset(p, 0, 4);
    p[3] = 2;
    CHECK_EQ_INT(decode_packet(DLT_LOOP, p, 4 + iplen, 4 + iplen, &t, why, sizeof why), DECODE_TCP);

    /* an unknown link type is named */
    CHECK_EQ_INT(decode_packet(147, eth, n, n, &t, why, sizeof why), DECODE_UNSUPPORTED);
    CHECK(strstr(why, "147") != NULL);

    /* options: MSS, window scale, SACK permitted, timestamps */
    uint8_t opts[] = {2, 4, 0x05, 0xB4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    n = tcp4(p, C, 7, 0, SYN, 0, opts, sizeof opts);
    CHECK_EQ_INT(decode_packet(DLT_EN10MB, p, n, n, &t, why, sizeof why), DECODE_TCP);
    CHECK_EQ_INT(t.mss, 1460);
    CHECK_EQ_INT(t.wscale, 7);
    CHECK(t.sack_permitted);
    CHECK(t.has_timestamps);
    CHECK_EQ_INT(t.tsecr, 2);

    /* a bad option length ends the walk, not the segment */
    uint8_t bad[] = {2, 40, 0, 0};
    n = tcp4(p, C, 7, 0, SYN, 0, bad, sizeof bad);
    CHECK_EQ_INT(decode_packet(DLT_EN10MB, p, n, n, &t, why, sizeof why), DECODE_TCP);
    CHECK_EQ_INT(t.mss, -1);
}
