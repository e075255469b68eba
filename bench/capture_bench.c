/*
 * capture_bench.c — how fast a finished trace becomes a pcap file (server/capture/pcap_write.c).
 *
 * Two figures, per second of CPU time of this process: (1) one large trace — a client sending
 * 20 MB in 1460-octet segments, every one ACKed (≈ 14,000 data packets, ≈ 28,000 packets in
 * all) — written again and again: packets/s and MB/s of file; (2) every built-in written in
 * turn, as the HTTP answer to ?format=pcap does: files/s. The engine's run is not timed.
 * usage: build/bench_capture [SECONDS_EACH]   (default 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../server/capture/pcap_write.h"
#include "../server/engine/sim.h"
#include "../server/scenario/catalog.h"
#include "../server/scenario/scenario_json.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const char *json, sim_scenario *sc, sim_trace *t)
{
    scenario_errors errs;
    char msg[256];
    if (scenario_parse(json, strlen(json), sc, &errs) != 0)
        return -1;
    sim *s = sim_new();
    int rc = s && sim_run(s, sc, t, msg, sizeof msg) == SIM_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "capture_bench: %s\n", msg);
    sim_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    if (secs <= 0)
        secs = 2.0;
    static sim_scenario sc;
    sim_trace big;
    sim_trace_init(&big);
    const char *bulk =
        "{\"client\":{\"iss\":1000},\"server\":{\"iss\":5000},\"events\":["
        "{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
        "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
        "{\"at_ms\":200,\"endpoint\":\"client\",\"call\":\"send\",\"bytes\":20000000},"
        "{\"at_ms\":400,\"endpoint\":\"client\",\"call\":\"close\"}]}";
    if (run(bulk, &sc, &big) != 0)
        return 1;
    pcap_write_opts o;
    pcap_write_defaults(&o, false);
    size_t packets = pcap_write_packet_count(&big);
    uint64_t size = pcap_write_file_size(&big, &o);
    long n = 0;
    double t0 = cpu_now(), t1 = t0;
    while (t1 - t0 < secs) {
        char *f = NULL;
        size_t len = 0;
        if (pcap_write_trace(&big, &sc, &o, &f, &len, NULL, 0) != PCAP_WRITE_OK)
            return 1;
        free(f);
        n++;
        t1 = cpu_now();
    }
    double dt = t1 - t0;
    printf(
        "capture: large trace (%zu packets, %.1f MB file): %.0f packets/s, %.0f MB/s  (%ld files, "
        "%.2f s CPU)\n",
        packets, (double)size / 1e6, (double)packets * (double)n / dt,
        (double)size * (double)n / dt / 1e6, n, dt);
    sim_trace_cleanup(&big);

    size_t nb = catalog_count();
    sim_trace *traces = calloc(nb, sizeof *traces);
    sim_scenario *scs = calloc(nb, sizeof *scs);
    if (!traces || !scs)
        return 1;
    for (size_t i = 0; i < nb; i++) {
        sim_trace_init(&traces[i]);
        if (run(catalog_at(i)->json, &scs[i], &traces[i]) != 0)
            return 1;
    }
    n = 0;
    t0 = cpu_now();
    t1 = t0;
    while (t1 - t0 < secs) {
        for (size_t i = 0; i < nb; i++) {
            char *f = NULL;
            size_t len = 0;
            if (pcap_write_trace(&traces[i], &scs[i], &o, &f, &len, NULL, 0) != PCAP_WRITE_OK)
                return 1;
            free(f);
            n++;
        }
        t1 = cpu_now();
    }
    dt = t1 - t0;
    printf("capture: every built-in in turn (%zu): %.0f files/s, %.1f us per file  (%.2f s CPU)\n",
           nb, (double)n / dt, dt / (double)n * 1e6, dt);
    for (size_t i = 0; i < nb; i++)
        sim_trace_cleanup(&traces[i]);
    free(traces);
    free(scs);
    return 0;
}
