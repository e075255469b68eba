/*
 * analyze_bench.c — `make bench` figure for tcplab analyze: packets analysed per second on a
 * 100,000-packet capture of many short connections (target >= 1,000,000/s on one core),
 * and the memory it takes.
 *
 * Builds the capture in memory with libpcap (pcap_open_dead + pcap_dump on a memory stream):
 * CONNS connections one after another, each SYN, SYN,ACK, ACK, a request, its ACK, a reply,
 * FIN,ACK, ACK, FIN,ACK, ACK (10 packets), client ports cycling. Then runs the whole
 * analysis (reader, decoder, observer, not the JSON) ROUNDS times, the trace kept for
 * connection 1 as the API does, and prints the best round. Memory: what the analysis holds
 * (analyze_memory): it grows with the connections seen, not with the packets.
 * usage: build/bench_analyze [ROUNDS]
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../server/capture/capture.h"

#define PACKETS 100000

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

static void packet(pcap_dumper_t *d, int64_t t_us, int from, unsigned cport, uint32_t seq,
                   uint32_t ack, uint8_t flags, unsigned len)
{
    uint8_t p[14 + 20 + 20 + 100];
    memset(p, 0, sizeof p);
    put16(p + 12, 0x0800);
    uint8_t *ip = p + 14, *t = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, 40 + len);
    ip[8] = 64;
    ip[9] = 6;
    ip[12] = 10, ip[15] = (uint8_t)(from ? 2 : 1);
    ip[16] = 10, ip[19] = (uint8_t)(from ? 1 : 2);
    put16(t, from ? 80 : cport);
    put16(t + 2, from ? cport : 80);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = 0x50;
    t[13] = flags;
    put16(t + 14, 65535);
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(t_us / 1000000);
    h.ts.tv_usec = (suseconds_t)(t_us % 1000000);
    h.caplen = h.len = 54 + len;
    pcap_dump((u_char *)d, &h, p);
}

/* A capture of PACKETS packets over `conns` distinct connections (client ports cycle). */
static char *build(unsigned conns, size_t *len)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    pcap_dumper_t *d = pcap_dump_fopen(dead, f);
    int64_t t = 0;
    for (unsigned i = 0; i < PACKETS / 10; i++) {
        unsigned port = 10000 + i % conns;
        uint32_t c = 1000 + i * 7919u, s = 5000000 + i * 104729u;
        packet(d, t += 10, 0, port, c, 0, 0x02, 0);
        packet(d, t += 10, 1, port, s, c + 1, 0x12, 0);
        packet(d, t += 10, 0, port, c + 1, s + 1, 0x10, 0);
        packet(d, t += 10, 0, port, c + 1, s + 1, 0x18, 40);
        packet(d, t += 10, 1, port, s + 1, c + 41, 0x10, 0);
        packet(d, t += 10, 1, port, s + 1, c + 41, 0x18, 100);
        packet(d, t += 10, 0, port, c + 41, s + 101, 0x11, 0);
        packet(d, t += 10, 1, port, s + 101, c + 42, 0x10, 0);
        packet(d, t += 10, 1, port, s + 101, c + 42, 0x11, 0);
        packet(d, t += 10, 0, port, c + 42, s + 102, 0x10, 0);
    }
    pcap_dump_close(d);
    pcap_close(dead);
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1)
        rounds = 1;
    size_t len;
    char *cap = build(10000, &len);
    double best = 1e9;
    capture_options opt = {1, 0, SIZE_MAX};
    for (int r = 0; r < rounds; r++) {
        capture_result res;
        double t0 = now_s();
        if (capture_analyze_memory(cap, len, &opt, &res) != 0) {
            fprintf(stderr, "bench_analyze: %s\n", res.message);
            return 1;
        }
        double dt = now_s() - t0;
        if (res.packets != PACKETS || analyze_connection_count(res.an) != PACKETS / 10) {
            fprintf(stderr, "bench_analyze: unexpected analysis (%llu packets, %zu connections)\n",
                    (unsigned long long)res.packets, analyze_connection_count(res.an));
            return 1;
        }
        capture_result_cleanup(&res);
        if (dt < best)
            best = dt;
    }
    printf("capture analysis: %d packets (%d short connections, %.1f MiB pcap): %.0f packets/s "
           "(best of %d; target >= 1000000 on one core)\n",
           PACKETS, PACKETS / 10, (double)len / 1048576.0, PACKETS / best, rounds);
    free(cap);

    /* memory: what the analysis holds (one record per connection seen, the selected trace) */
    cap = build(10000, &len);
    capture_result res;
    capture_analyze_memory(cap, len, &opt, &res);
    printf("capture memory: %zu connections, %d packets: the analysis holds %zu KiB (%zu bytes a "
           "connection)\n",
           analyze_connection_count(res.an), PACKETS, analyze_memory(res.an) / 1024,
           analyze_memory(res.an) / analyze_connection_count(res.an));
    capture_result_cleanup(&res);
    free(cap);
    return 0;
}
