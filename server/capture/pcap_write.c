/*
 * pcap_write.c — a simulated trace as a classic pcap file (see pcap_write.h for the format,
 * the choice of pcap over pcapng and where the capture is taken).
 *
 * Owns: the packet layout (IPv4/IPv6 header, TCP header with the MSS option on SYN, the
 * payload pattern), the Internet checksum (RFC 1071) over the IPv4 header and over the TCP
 * pseudo-header + segment, and the one libpcap dump per call into a memory stream (fmemopen)
 * over one buffer of the file's size, computed before the first byte.
 * Does not: parse capture files (pcap_read.c), run the engine, or touch a file or socket.
 */
#include "pcap_write.h"

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP4_HEADER   20u
#define IP6_HEADER   40u
#define TCP_HEADER   20u
#define TCP_MSS_OPT  4u
#define IP_MAX       65535u /* IPv4 total length; IPv6 payload length */
#define DEFAULT_MSS  1460u
#define IPPROTO_TCP_ 6u

void pcap_write_defaults(pcap_write_opts *o, bool ipv6)
{
    memset(o, 0, sizeof *o);
    o->ipv6 = ipv6;
    if (ipv6) {
        static const uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        memcpy(o->ep[SIM_CLIENT].addr, c6, 16);
        memcpy(o->ep[SIM_SERVER].addr, s6, 16);
    } else {
        static const uint8_t c4[4] = {192, 0, 2, 1};
        static const uint8_t s4[4] = {198, 51, 100, 1};
        memcpy(o->ep[SIM_CLIENT].addr, c4, 4);
        memcpy(o->ep[SIM_SERVER].addr, s4, 4);
    }
    o->ep[SIM_CLIENT].port = PCAP_WRITE_CLIENT_PORT;
    o->ep[SIM_SERVER].port = PCAP_WRITE_SERVER_PORT;
}

/* The step's packet, if it has one: its sender and segment. */
static bool step_packet(const sim_step *st, int *from)
{
    if (!st->has_segment || st->endpoint < 0 || st->endpoint >= SIM_ENDPOINTS)
        return false;
    if (st->kind == SIM_STEP_SEND) {
        *from = st->endpoint;
        return true;
    }
    if (st->kind == SIM_STEP_INJECT) { /* arrives at `endpoint`, as if from the other one */
        *from = 1 - st->endpoint;
        return true;
    }
    return false;
}

size_t pcap_write_packet_count(const sim_trace *t)
{
    size_t n = 0;
    int from;
    for (size_t i = 0; i < t->count; i++)
        if (step_packet(&t->steps[i], &from))
            n++;
    return n;
}

/* The IP packet length of `seg`, or 0 when its data does not fit in one datagram. */
static size_t packet_len(bool ipv6, const tcp_segment *seg)
{
    size_t tcp = TCP_HEADER + ((seg->flags & TCP_SYN) ? TCP_MSS_OPT : 0) + (size_t)seg->len;
    if (ipv6)
        return tcp <= IP_MAX ? IP6_HEADER + tcp : 0;
    return IP4_HEADER + tcp <= IP_MAX ? IP4_HEADER + tcp : 0;
}

uint64_t pcap_write_file_size(const sim_trace *t, const pcap_write_opts *o)
{
    uint64_t n = PCAP_WRITE_FILE_HEADER;
    int from;
    for (size_t i = 0; i < t->count; i++) {
        if (!step_packet(&t->steps[i], &from))
            continue;
        size_t len = packet_len(o->ipv6, &t->steps[i].seg);
        if (len == 0)
            return 0;
        n += PCAP_WRITE_RECORD_HEADER + len;
    }
    return n;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The ones'-complement sum of `n` octets as 16-bit big-endian words (RFC 1071), added to
 * `sum`; an odd last octet is padded with zero. Not folded. */
static uint64_t sum16(uint64_t sum, const uint8_t *p, size_t n)
{
    for (; n >= 2; p += 2, n -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

size_t pcap_write_packet(const pcap_write_opts *o, int from, const tcp_segment *seg, uint32_t mss,
                         uint16_t ip_id, uint32_t offset, uint8_t *buf, size_t cap)
{
    if (from < 0 || from >= SIM_ENDPOINTS)
        return 0;
    return pcap_write_packet_between(o->ipv6, &o->ep[from], &o->ep[1 - from], seg, mss, ip_id,
                                     offset, buf, cap);
}

size_t pcap_write_packet_between(bool ipv6, const pcap_write_endpoint *src,
                                 const pcap_write_endpoint *dst, const tcp_segment *seg,
                                 uint32_t mss, uint16_t ip_id, uint32_t offset, uint8_t *buf,
                                 size_t cap)
{
    size_t len = packet_len(ipv6, seg);
    if (len == 0 || len > cap)
        return 0;
    size_t ip = ipv6 ? IP6_HEADER : IP4_HEADER;
    size_t opt = (seg->flags & TCP_SYN) ? TCP_MSS_OPT : 0;
    size_t tcp_len = len - ip;
    memset(buf, 0, ip + TCP_HEADER + opt);

    uint64_t pseudo = 0;
    if (ipv6) {
        buf[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
        put16(buf + 4, (uint32_t)tcp_len);
        buf[6] = IPPROTO_TCP_;
        buf[7] = 64; /* hop limit */
        memcpy(buf + 8, src->addr, 16);
        memcpy(buf + 24, dst->addr, 16);
        pseudo = sum16(pseudo, buf + 8, 32);
        pseudo += (uint32_t)tcp_len; /* upper-layer length (32 bits; < 2^16 here) */
        pseudo += IPPROTO_TCP_;
    } else {
        buf[0] = 0x45; /* version 4, header length 5 words */
        put16(buf + 2, (uint32_t)len);
        put16(buf + 4, ip_id);
        buf[6] = 0x40; /* DF */
        buf[8] = 64;   /* TTL */
        buf[9] = IPPROTO_TCP_;
        memcpy(buf + 12, src->addr, 4);
        memcpy(buf + 16, dst->addr, 4);
        put16(buf + 10, fold(sum16(0, buf, IP4_HEADER)));
        pseudo = sum16(pseudo, buf + 12, 8);
        pseudo += IPPROTO_TCP_;
        pseudo += (uint32_t)tcp_len;
    }

    uint8_t *t = buf + ip;
    put16(t, src->port);
    put16(t + 2, dst->port);
    put32(t + 4, seg->seq);
    put32(t + 8, seg->ack);
    t[12] = (uint8_t)(((TCP_HEADER + opt) / 4) << 4);
    t[13] = (uint8_t)(seg->flags & TCP_FLAGS_ALL);
    put16(t + 14, seg->wnd > 0xffff ? 0xffff : seg->wnd);
    if (opt) {
        t[20] = 2; /* kind: maximum segment size (RFC 9293 §3.2) */
        t[21] = 4;
        put16(t + 22, mss > 0xffff ? 0xffff : mss);
    }
    /* the letters from stream offset `offset` on: one period, then the filled prefix doubled
     * (its length stays a multiple of 26, so the period continues) */
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
    uint8_t *data = t + TCP_HEADER + opt;
    size_t len_data = seg->len, k = len_data < 26 ? len_data : 26;
    memcpy(data, letters + offset % 26u, k);
    while (k < len_data) {
        size_t n = k < len_data - k ? k : len_data - k;
        memcpy(data + k, data, n);
        k += n;
    }
    put16(t + 16, fold(sum16(pseudo, t, tcp_len)));
    return len;
}

/* One endpoint's address as the file carries it: IPv4 as it is; with IPv6, the documentation
 * prefix 2001:db8::/96 followed by the 32 bits of the IPv4 address. */
static void put_addr(pcap_write_endpoint *e, bool ipv6, uint32_t addr, uint16_t port)
{
    memset(e->addr, 0, sizeof e->addr);
    uint8_t *a = e->addr;
    if (ipv6) {
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = 0xb8;
        a += 12;
    }
    put32(a, addr);
    e->port = port;
}

/* The two ends of the step's packet: those of `o`, or, in a listen-queue trace, the step's
 * own connection (the client or injected source's address and port, the trace's server). */
static void step_ends(const sim_trace *t, const pcap_write_opts *o, const sim_step *st,
                      pcap_write_endpoint ends[SIM_ENDPOINTS])
{
    ends[SIM_CLIENT] = o->ep[SIM_CLIENT];
    ends[SIM_SERVER] = o->ep[SIM_SERVER];
    if (!t->multi || st->conn < 0 || (size_t)st->conn >= t->nconns)
        return;
    const sim_conn_info *c = &t->conns[st->conn];
    put_addr(&ends[SIM_CLIENT], o->ipv6, c->addr, c->port);
    put_addr(&ends[SIM_SERVER], o->ipv6, t->server_addr, t->server_port);
}

/* The MSS option a SYN from `from` carries: that endpoint's scenario setting (a listen-queue
 * client's own; an injected source's: the default). */
static uint32_t step_mss(const sim_scenario *sc, const sim_step *st, int from)
{
    if (!sc)
        return DEFAULT_MSS;
    if (!sc->multi || from == SIM_SERVER)
        return sc->ep[from].mss;
    if (st->conn >= 0 && (size_t)st->conn < sc->client_count)
        return sc->clients[st->conn].ep.mss;
    return DEFAULT_MSS;
}

__attribute__((format(printf, 3, 4))) static void say(char *msg, size_t msg_size, const char *fmt,
                                                      ...)
{
    if (!msg || !msg_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_size, fmt, ap);
    va_end(ap);
}

pcap_write_status pcap_write_trace(const sim_trace *t, const sim_scenario *sc,
                                   const pcap_write_opts *o, char **out, size_t *out_len, char *msg,
                                   size_t msg_size)
{
    *out = NULL;
    *out_len = 0;
    if (msg && msg_size)
        msg[0] = '\0';
    /* every check before the first byte: a refused file is never half written */
    int from;
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        if (!step_packet(st, &from))
            continue;
        if (packet_len(o->ipv6, &st->seg) == 0) {
            say(msg, msg_size,
                "step %zu: a segment of %llu data octets does not fit in one IP datagram", i + 1,
                (unsigned long long)st->seg.len);
            return PCAP_WRITE_INVALID;
        }
        if (st->t_ms < 0 || st->t_ms / 1000 > (int64_t)UINT32_MAX) {
            say(msg, msg_size,
                "step %zu: t_ms = %llu is beyond what a pcap timestamp holds (2^32 seconds)", i + 1,
                (unsigned long long)st->t_ms);
            return PCAP_WRITE_INVALID;
        }
    }
    uint64_t size = pcap_write_file_size(t, o);
    if (o->max_bytes && size > o->max_bytes) {
        say(msg, msg_size, "the capture would be %llu bytes, more than the limit of %llu bytes",
            (unsigned long long)size, (unsigned long long)o->max_bytes);
        return PCAP_WRITE_TOO_BIG;
    }

    uint8_t *pkt = malloc(PCAP_WRITE_SNAPLEN);
    pcap_t *pd = pcap_open_dead(DLT_RAW, (int)PCAP_WRITE_SNAPLEN);
    /* the file's size is known: one buffer of exactly that (+1 for the NUL fmemopen may add) */
    char *buf = pd && pkt && size < SIZE_MAX ? malloc((size_t)size + 1) : NULL;
    FILE *f = buf ? fmemopen(buf, (size_t)size + 1, "w") : NULL;
    pcap_dumper_t *d = f ? pcap_dump_fopen(pd, f) : NULL;
    if (!d) {
        if (f)
            fclose(f);
        free(buf);
        free(pkt);
        if (pd)
            pcap_close(pd);
        say(msg, msg_size, "out of memory writing the capture");
        return PCAP_WRITE_NOMEM;
    }
    uint16_t ip_id[SIM_ENDPOINTS] = {1, 1};
    for (size_t i = 0; i < t->count; i++) {
        const sim_step *st = &t->steps[i];
        if (!step_packet(st, &from))
            continue;
        pcap_write_endpoint ends[SIM_ENDPOINTS];
        step_ends(t, o, st, ends);
        uint32_t mss = step_mss(sc, st, from);
        /* the payload pattern counts from the sender's ISS + 1 (its first data octet) */
        uint32_t offset = st->seg.seq - st->vars[from].iss - 1u;
        size_t len = pcap_write_packet_between(o->ipv6, &ends[from], &ends[1 - from], &st->seg, mss,
                                               ip_id[from]++, offset, pkt, PCAP_WRITE_SNAPLEN);
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = (time_t)(st->t_ms / 1000);
        h.ts.tv_usec = (suseconds_t)(st->t_ms % 1000) * 1000;
        h.caplen = (bpf_u_int32)len;
        h.len = (bpf_u_int32)len;
        pcap_dump((u_char *)d, &h, pkt);
    }
    bool failed = pcap_dump_flush(d) != 0 || pcap_dump_ftell64(d) != (int64_t)size;
    pcap_dump_close(d); /* closes the memory stream */
    pcap_close(pd);
    free(pkt);
    if (failed) {
        free(buf);
        say(msg, msg_size, "out of memory writing the capture");
        return PCAP_WRITE_NOMEM;
    }
    *out = buf;
    *out_len = (size_t)size;
    return PCAP_WRITE_OK;
}
