/* test_pcap_write.c — the capture writer (server/capture/pcap_write.h): packet layout, the IP
 * and TCP checksums recomputed here independently (32-bit words, folded once at the end),
 * the pcap file around the packets, and the limits. */
#include <stdlib.h>
#include <string.h>

#include "../../server/capture/pcap_write.h"
#include "../../server/engine/sim.h"
#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "testlib.h"

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* An independent Internet checksum check: the ones'-complement sum of the covered octets,
 * checksum field included, is 0xffff exactly when the checksum is right. Sums 32-bit
 * big-endian words in a 64-bit accumulator and folds at the end (the writer sums 16-bit
 * words). `pre` is the pseudo-header, already laid out as octets. */
static const uint8_t NO_PSEUDO[1]; /* the IPv4 header has no pseudo-header */

static int sum_is_ffff(const uint8_t *pre, size_t pre_len, const uint8_t *p, size_t n)
{
    uint8_t buf[65536 + 64];
    if (pre_len + n + 4 > sizeof buf)
        return 0;
    memcpy(buf, pre, pre_len);
    memcpy(buf + pre_len, p, n);
    size_t len = pre_len + n;
    while (len % 4)
        buf[len++] = 0;
    uint64_t s = 0;
    for (size_t i = 0; i < len; i += 4)
        s += be32(buf + i);
    while (s >> 16)
        s = (s >> 16) + (s & 0xffff);
    return s == 0xffff;
}

static int tcp4_ok(const uint8_t *ip, size_t len)
{
    uint8_t pre[12] = {0};
    memcpy(pre, ip + 12, 8);
    pre[9] = 6;
    pre[10] = (uint8_t)((len - 20) >> 8);
    pre[11] = (uint8_t)(len - 20);
    return sum_is_ffff(pre, sizeof pre, ip + 20, len - 20);
}

static int tcp6_ok(const uint8_t *ip, size_t len)
{
    uint8_t pre[40] = {0};
    memcpy(pre, ip + 8, 32);
    size_t tl = len - 40;
    pre[34] = (uint8_t)(tl >> 8);
    pre[35] = (uint8_t)tl;
    pre[39] = 6;
    return sum_is_ffff(pre, sizeof pre, ip + 40, tl);
}

TEST(pcap_write_ipv4_syn_layout_and_checksums)
{
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    tcp_segment seg = {.seq = 100, .ack = 0, .flags = TCP_SYN, .len = 0, .wnd = 65535};
    uint8_t pkt[128];
    size_t n = pcap_write_packet(&o, SIM_CLIENT, &seg, 1400, 7, 0, pkt, sizeof pkt);
    CHECK_EQ_INT(n, 44); /* 20 IP + 20 TCP + 4 MSS option */
    CHECK_EQ_INT(pkt[0], 0x45);
    CHECK_EQ_INT(be16(pkt + 2), 44);
    CHECK_EQ_INT(be16(pkt + 4), 7);
    CHECK_EQ_INT(pkt[6], 0x40); /* DF */
    CHECK_EQ_INT(pkt[8], 64);
    CHECK_EQ_INT(pkt[9], 6);
    CHECK(!memcmp(pkt + 12, (const uint8_t[]){192, 0, 2, 1}, 4));
    CHECK(!memcmp(pkt + 16, (const uint8_t[]){198, 51, 100, 1}, 4));
    CHECK(sum_is_ffff(NO_PSEUDO, 0, pkt, 20)); /* IPv4 header checksum */
    const uint8_t *t = pkt + 20;
    CHECK_EQ_INT(be16(t), PCAP_WRITE_CLIENT_PORT);
    CHECK_EQ_INT(be16(t + 2), PCAP_WRITE_SERVER_PORT);
    CHECK_EQ_INT(be32(t + 4), 100);
    CHECK_EQ_INT(be32(t + 8), 0);
    CHECK_EQ_INT(t[12] >> 4, 6); /* data offset: 6 words */
    CHECK_EQ_INT(t[13], 0x02);
    CHECK_EQ_INT(be16(t + 14), 65535);
    CHECK_EQ_INT(t[20], 2);
    CHECK_EQ_INT(t[21], 4);
    CHECK_EQ_INT(be16(t + 22), 1400);
    CHECK(tcp4_ok(pkt, n));
}

TEST(pcap_write_server_data_segment_payload_and_flags)
{
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    tcp_segment seg = {
        .seq = 301, .ack = 111, .flags = TCP_ACK | TCP_PSH | TCP_FIN, .len = 30, .wnd = 1000};
    uint8_t pkt[256];
    size_t n = pcap_write_packet(&o, SIM_SERVER, &seg, 1460, 1, 24, pkt, sizeof pkt);
    CHECK_EQ_INT(n, 70); /* no option without SYN */
    CHECK(!memcmp(pkt + 12, (const uint8_t[]){198, 51, 100, 1}, 4));
    const uint8_t *t = pkt + 20;
    CHECK_EQ_INT(be16(t), PCAP_WRITE_SERVER_PORT);
    CHECK_EQ_INT(be16(t + 2), PCAP_WRITE_CLIENT_PORT);
    CHECK_EQ_INT(be32(t + 8), 111);
    CHECK_EQ_INT(t[12] >> 4, 5);
    CHECK_EQ_INT(t[13], 0x19); /* ACK | PSH | FIN at their wire bits */
    CHECK_EQ_INT(be16(t + 14), 1000);
    /* stream offset 24: 'y', 'z', then 'a' again */
    CHECK_EQ_INT(t[20], 'y');
    CHECK_EQ_INT(t[21], 'z');
    CHECK_EQ_INT(t[22], 'a');
    CHECK_EQ_INT(t[49], 'a' + (24 + 29) % 26);
    CHECK(sum_is_ffff(NO_PSEUDO, 0, pkt, 20));
    CHECK(tcp4_ok(pkt, n));
}

TEST(pcap_write_odd_length_checksum)
{
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    for (uint32_t len = 0; len < 40; len++) {
        tcp_segment seg = {
            .seq = 0xfffffff0u, .ack = 0xffffffffu, .flags = TCP_ACK, .len = len, .wnd = 65535};
        uint8_t pkt[128];
        size_t n =
            pcap_write_packet(&o, SIM_CLIENT, &seg, 1460, (uint16_t)len, len, pkt, sizeof pkt);
        CHECK_EQ_INT(n, 40 + len);
        CHECK(tcp4_ok(pkt, n));
        CHECK(sum_is_ffff(NO_PSEUDO, 0, pkt, 20));
    }
}

TEST(pcap_write_ipv6_layout_and_checksum)
{
    pcap_write_opts o;
    pcap_write_defaults(&o, true);
    tcp_segment seg = {.seq = 300, .ack = 101, .flags = TCP_SYN | TCP_ACK, .len = 0, .wnd = 4096};
    uint8_t pkt[128];
    size_t n = pcap_write_packet(&o, SIM_SERVER, &seg, 536, 0, 0, pkt, sizeof pkt);
    CHECK_EQ_INT(n, 64); /* 40 IPv6 + 24 TCP */
    CHECK_EQ_INT(pkt[0] >> 4, 6);
    CHECK_EQ_INT(be16(pkt + 4), 24);
    CHECK_EQ_INT(pkt[6], 6);
    CHECK_EQ_INT(pkt[7], 64);
    static const uint8_t srv[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    CHECK(!memcmp(pkt + 8, srv, 16));
    CHECK_EQ_INT(be16(pkt + 40 + 22), 536);
    CHECK(tcp6_ok(pkt, n));
}

TEST(pcap_write_packet_refuses_what_does_not_fit)
{
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    uint8_t *pkt = malloc(PCAP_WRITE_SNAPLEN);
    CHECK(pkt != NULL);
    if (!pkt)
        return;
    tcp_segment seg = {.flags = TCP_ACK, .len = 65495, .wnd = 1};
    CHECK_EQ_INT(pcap_write_packet(&o, SIM_CLIENT, &seg, 1460, 0, 0, pkt, PCAP_WRITE_SNAPLEN),
                 65535);
    CHECK(tcp4_ok(pkt, 65535));
    seg.len = 65496; /* one octet over an IPv4 datagram */
    CHECK_EQ_INT(pcap_write_packet(&o, SIM_CLIENT, &seg, 1460, 0, 0, pkt, PCAP_WRITE_SNAPLEN), 0);
    seg.len = 10; /* buffer too small */
    CHECK_EQ_INT(pcap_write_packet(&o, SIM_CLIENT, &seg, 1460, 0, 0, pkt, 49), 0);
    pcap_write_defaults(&o, true);
    seg.len = 65515; /* IPv6: 65535 octets after the fixed header */
    CHECK_EQ_INT(pcap_write_packet(&o, SIM_CLIENT, &seg, 1460, 0, 0, pkt, PCAP_WRITE_SNAPLEN),
                 65575);
    CHECK(tcp6_ok(pkt, 65575));
    free(pkt);
}

/* Runs built-in `name` into `t` (with `sc` its scenario). */
static int run_builtin(const char *name, sim_scenario *sc, sim_trace *t)
{
    const catalog_entry *e = catalog_find(name);
    scenario_errors errs;
    if (!e || scenario_parse(e->json, strlen(e->json), sc, &errs) != 0)
        return -1;
    sim *s = sim_new();
    char msg[200];
    int rc = s && sim_run(s, sc, t, msg, sizeof msg) == SIM_OK ? 0 : -1;
    sim_free(s);
    return rc;
}

/* Every built-in: the file is a pcap of LINKTYPE_RAW, one record per send/inject step in
 * trace order with ts = t_ms, and every record's SEQ/ACK/flags/length are the step's. */
TEST(pcap_write_every_builtin_matches_its_trace)
{
    static sim_scenario sc;
    for (size_t c = 0; c < catalog_count(); c++) {
        const char *name = catalog_at(c)->name;
        sim_trace t;
        sim_trace_init(&t);
        if (run_builtin(name, &sc, &t) != 0) {
            testlib_fail(__FILE__, __LINE__, "%s does not run", name);
            sim_trace_cleanup(&t);
            continue;
        }
        pcap_write_opts o;
        pcap_write_defaults(&o, c % 2 == 1);
        char *f = NULL, msg[200];
        size_t len = 0;
        CHECK_EQ_INT(pcap_write_trace(&t, &sc, &o, &f, &len, msg, sizeof msg), PCAP_WRITE_OK);
        CHECK_EQ_INT(len, pcap_write_file_size(&t, &o));
        const uint8_t *p = (const uint8_t *)f;
        if (!f || len < PCAP_WRITE_FILE_HEADER) {
            sim_trace_cleanup(&t);
            free(f);
            continue;
        }
        CHECK_EQ_INT(le32(p), 0xa1b2c3d4u); /* microsecond pcap, written little-endian */
        CHECK_EQ_INT(le32(p + 20), 101);    /* LINKTYPE_RAW */
        CHECK_EQ_INT(le32(p + 16), PCAP_WRITE_SNAPLEN);
        size_t off = PCAP_WRITE_FILE_HEADER, records = 0;
        for (size_t i = 0; i < t.count; i++) {
            const sim_step *st = &t.steps[i];
            if (!st->has_segment || (st->kind != SIM_STEP_SEND && st->kind != SIM_STEP_INJECT))
                continue;
            records++;
            if (off + PCAP_WRITE_RECORD_HEADER > len) {
                testlib_fail(__FILE__, __LINE__, "%s: file ends before step %zu", name, i + 1);
                break;
            }
            const uint8_t *r = p + off;
            uint32_t caplen = le32(r + 8);
            CHECK_EQ_INT((int64_t)le32(r) * 1000 + le32(r + 4) / 1000, st->t_ms);
            CHECK_EQ_INT(caplen, le32(r + 12));
            const uint8_t *ip = r + PCAP_WRITE_RECORD_HEADER;
            size_t iph = o.ipv6 ? 40 : 20;
            const uint8_t *tcp = ip + iph;
            CHECK_EQ_INT(be32(tcp + 4), st->seg.seq);
            CHECK_EQ_INT(be32(tcp + 8), st->seg.ack);
            CHECK_EQ_INT(tcp[13], st->seg.flags);
            CHECK_EQ_INT(be16(tcp + 14), st->seg.wnd);
            CHECK_EQ_INT(caplen - iph - (size_t)(tcp[12] >> 4) * 4, st->seg.len);
            int from = st->kind == SIM_STEP_SEND ? st->endpoint : 1 - st->endpoint;
            uint16_t port[SIM_ENDPOINTS] = {o.ep[SIM_CLIENT].port, o.ep[SIM_SERVER].port};
            uint32_t mss = sc.ep[from].mss;
            if (t.multi) { /* each connection its own four-tuple (pcap_write.h) */
                port[SIM_CLIENT] = t.conns[st->conn].port;
                port[SIM_SERVER] = t.server_port;
                if (from == SIM_CLIENT)
                    mss = (size_t)st->conn < sc.client_count ? sc.clients[st->conn].ep.mss : 1460;
                const uint8_t *src = ip + (o.ipv6 ? 8 + 12 : 12);
                CHECK_EQ_INT(be32(src),
                             from == SIM_CLIENT ? t.conns[st->conn].addr : t.server_addr);
            }
            CHECK_EQ_INT(be16(tcp), port[from]);
            CHECK_EQ_INT(be16(tcp + 2), port[1 - from]);
            if (st->seg.flags & TCP_SYN)
                CHECK_EQ_INT(be16(tcp + 22), mss);
            CHECK(o.ipv6 ? tcp6_ok(ip, caplen) : tcp4_ok(ip, caplen));
            off += PCAP_WRITE_RECORD_HEADER + caplen;
        }
        CHECK_EQ_INT(off, len);
        CHECK_EQ_INT(records, pcap_write_packet_count(&t));
        free(f);
        sim_trace_cleanup(&t);
    }
}

TEST(pcap_write_limit_and_bad_steps)
{
    static sim_scenario sc;
    sim_trace t;
    sim_trace_init(&t);
    CHECK_EQ_INT(run_builtin("handshake-and-close", &sc, &t), 0);
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    uint64_t size = pcap_write_file_size(&t, &o);
    CHECK(size > PCAP_WRITE_FILE_HEADER);
    char *f = (char *)1, msg[200];
    size_t len = 99;
    o.max_bytes = (size_t)size - 1;
    CHECK_EQ_INT(pcap_write_trace(&t, &sc, &o, &f, &len, msg, sizeof msg), PCAP_WRITE_TOO_BIG);
    CHECK(f == NULL);
    CHECK_EQ_INT(len, 0);
    CHECK(strstr(msg, "limit") != NULL);
    o.max_bytes = (size_t)size; /* exactly the limit is allowed */
    CHECK_EQ_INT(pcap_write_trace(&t, &sc, &o, &f, &len, msg, sizeof msg), PCAP_WRITE_OK);
    free(f);

    /* a step at a time a pcap timestamp cannot hold, named by its number */
    size_t k = 0;
    while (k < t.count && t.steps[k].kind != SIM_STEP_SEND)
        k++;
    CHECK(k < t.count);
    if (k < t.count) {
        int64_t keep = t.steps[k].t_ms;
        t.steps[k].t_ms = ((int64_t)1 << 32) * 1000;
        o.max_bytes = 0;
        CHECK_EQ_INT(pcap_write_trace(&t, &sc, &o, &f, &len, msg, sizeof msg), PCAP_WRITE_INVALID);
        char want[32];
        snprintf(want, sizeof want, "step %zu:", k + 1);
        CHECK(strstr(msg, want) == msg);
        t.steps[k].t_ms = keep;
        t.steps[k].seg.len = 65535; /* too large for one IPv4 datagram */
        CHECK_EQ_INT(pcap_write_trace(&t, &sc, &o, &f, &len, msg, sizeof msg), PCAP_WRITE_INVALID);
        CHECK(strstr(msg, "IP datagram") != NULL);
    }
    sim_trace_cleanup(&t);
}

TEST(pcap_write_empty_trace_is_a_bare_header)
{
    sim_trace t;
    sim_trace_init(&t);
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    char *f = NULL;
    size_t len = 0;
    CHECK_EQ_INT(pcap_write_trace(&t, NULL, &o, &f, &len, NULL, 0), PCAP_WRITE_OK);
    CHECK_EQ_INT(len, PCAP_WRITE_FILE_HEADER);
    CHECK_EQ_INT(pcap_write_packet_count(&t), 0);
    free(f);
}
