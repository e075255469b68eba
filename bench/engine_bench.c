/*
 * engine_bench.c — how fast the engine runs a whole TCP lifecycle, and what it allocates.
 *
 * One lifecycle = one sim_run of: listen, connect (3-way handshake), 1 KiB client → server,
 * both close at once (simultaneous close, Figure 13), both TIME-WAIT timers expire. The
 * same sim is reused for every run. Prints lifecycles/s with recording off (trace NULL)
 * and on (a reused trace), per second of CPU time, and allocations per lifecycle once warm; malloc,
 * realloc and calloc are counted by wrapping them at link time (-Wl,--wrap=..., see the Makefile
 * rule). usage: build/bench_engine [N [off]]   (default 2,000,000 runs with recording off; "off":
 * only the recording-off loop, for `perf stat`)
 * Then one listen-queue run: a 1,000-connection SYN flood (1,000 spoofed SYNs, one a
 * millisecond, against a listener whose SYN queue holds 1,024, plus one real client; every
 * half-open connection retransmits its SYN,ACK until its retries run out): its run time with
 * recording off and on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../server/engine/sim.h"

static unsigned long long n_alloc;

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t a, size_t b);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t a, size_t b);

void *__wrap_malloc(size_t n)
{
    n_alloc++;
    return __real_malloc(n);
}
void *__wrap_realloc(void *p, size_t n)
{
    n_alloc++;
    return __real_realloc(p, n);
}
void *__wrap_calloc(size_t a, size_t b)
{
    n_alloc++;
    return __real_calloc(a, b);
}

/* CPU time of this process: on a shared, loaded machine wall time mostly measures the
 * other processes. (Single-threaded, so CPU time = time spent running the engine.) */
static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void lifecycle(sim_scenario *sc)
{
    sim_scenario_defaults(sc);
    sc->ep[SIM_CLIENT].iss[0] = 100;
    sc->ep[SIM_CLIENT].iss_count = 1;
    sc->ep[SIM_SERVER].iss[0] = 300;
    sc->ep[SIM_SERVER].iss_count = 1;
    static const struct {
        int64_t at;
        int ep;
        tcp_call call;
        uint32_t bytes;
    } ev[] = {
        {0, SIM_SERVER, TCP_CALL_LISTEN, 0},    {0, SIM_CLIENT, TCP_CALL_CONNECT, 0},
        {200, SIM_CLIENT, TCP_CALL_SEND, 1024}, {400, SIM_CLIENT, TCP_CALL_CLOSE, 0},
        {400, SIM_SERVER, TCP_CALL_CLOSE, 0},
    };
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
        sim_event *e = &sc->events[sc->event_count++];
        memset(e, 0, sizeof *e);
        e->at_ms = ev[i].at;
        e->endpoint = ev[i].ep;
        e->call = ev[i].call;
        e->bytes = ev[i].bytes;
    }
}

/* The 1,000-connection SYN flood (listen queues, sim_scenario.multi). */
static void syn_flood(sim_scenario *sc)
{
    sim_scenario_defaults(sc);
    sc->multi = true;
    sc->client_count = 1;
    memcpy(sc->clients[0].name, "client", sizeof "client");
    sc->clients[0].addr = 0x0a000002u;
    sc->clients[0].port = 49152;
    sc->clients[0].ep = sc->ep[SIM_CLIENT];
    sc->ep[SIM_SERVER].iss[0] = 300;
    sc->ep[SIM_SERVER].iss_count = 1;
    sim_event *e = &sc->events[0];
    memset(e, 0, 3 * sizeof *e);
    e[0] = (sim_event){.at_ms = 0,
                       .endpoint = SIM_SERVER,
                       .client = -1,
                       .call = TCP_CALL_LISTEN,
                       .backlog = 128,
                       .syn_backlog = 1024};
    e[1] = (sim_event){.at_ms = 0,
                       .inject = true,
                       .endpoint = SIM_SERVER,
                       .client = 0,
                       .seg = {.seq = 7000, .flags = TCP_SYN, .wnd = 65535},
                       .has_from = true,
                       .from_addr = 0xc6336407u, /* 198.51.100.7 */
                       .from_port = 1024,
                       .repeat = 1000,
                       .every_ms = 1};
    e[2] = (sim_event){.at_ms = 500, .endpoint = SIM_CLIENT, .client = 0, .call = TCP_CALL_CONNECT};
    sc->event_count = 3;
}

static void bench_flood(void)
{
    sim_scenario *sc = malloc(sizeof *sc);
    sim *s = sim_new();
    sim_trace t;
    sim_trace_init(&t);
    char msg[256];
    if (!sc || !s)
        return;
    syn_flood(sc);
    if (sim_run(s, sc, &t, msg, sizeof msg) != SIM_OK) {
        fprintf(stderr, "engine_bench: flood: %s\n", msg);
        exit(1);
    }
    size_t steps = t.count, conns = t.nconns;
    int runs = 50;
    double t0 = now_s();
    for (int i = 0; i < runs; i++)
        sim_run(s, sc, NULL, NULL, 0);
    double off = (now_s() - t0) / runs;
    t0 = now_s();
    for (int i = 0; i < runs; i++)
        sim_run(s, sc, &t, NULL, 0);
    double on = (now_s() - t0) / runs;
    printf("engine: SYN flood, %zu connections, %zu steps: %.2f ms per run recording off, %.2f ms "
           "recording on (%d runs each, CPU time)\n",
           conns, steps, off * 1e3, on * 1e3, runs);
    sim_trace_cleanup(&t);
    sim_free(s);
    free(sc);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    if (n < 1)
        n = 1;
    sim_scenario *sc = malloc(sizeof *sc);
    sim *s = sim_new();
    sim_trace trace;
    if (!sc || !s)
        return 1;
    sim_trace_init(&trace);
    lifecycle(sc);
    char msg[256];

    /* check once that the lifecycle is what it claims to be */
    if (sim_run(s, sc, &trace, msg, sizeof msg) != SIM_OK) {
        fprintf(stderr, "engine_bench: %s\n", msg);
        return 1;
    }
    size_t steps = trace.count;
    if (trace.final[SIM_CLIENT].state != TCP_CLOSED ||
        trace.final[SIM_SERVER].state != TCP_CLOSED) {
        fprintf(stderr, "engine_bench: the lifecycle did not end CLOSED on both sides\n");
        return 1;
    }

    /* recording off: warm up, then count */
    sim_run(s, sc, NULL, NULL, 0);
    unsigned long long a0 = n_alloc;
    double t0 = now_s(), w0 = wall_s();
    for (long i = 0; i < n; i++) {
        if (sim_run(s, sc, NULL, msg, sizeof msg) != SIM_OK) {
            fprintf(stderr, "engine_bench: %s\n", msg);
            return 1;
        }
    }
    double t_off = now_s() - t0;
    double w_off = wall_s() - w0;
    unsigned long long allocs_off = n_alloc - a0;
    if (argc > 2 && strcmp(argv[2], "off") == 0) {
        printf("engine: recording off: %.0f lifecycles/s (CPU time; %.0f by wall clock), %.3f "
               "allocations per lifecycle\n",
               n / t_off, n / w_off, (double)allocs_off / (double)n);
        return allocs_off == 0 ? 0 : 1;
    }

    /* recording on, the trace reused (its step array stays allocated) */
    long n_on = n / 4 > 0 ? n / 4 : 1;
    a0 = n_alloc;
    t0 = now_s();
    for (long i = 0; i < n_on; i++)
        sim_run(s, sc, &trace, NULL, 0);
    double t_on = now_s() - t0;
    unsigned long long allocs_on = n_alloc - a0;

    /* recording on with a fresh trace each time (what an HTTP request does) */
    long n_fresh = n / 20 > 0 ? n / 20 : 1;
    a0 = n_alloc;
    t0 = now_s();
    for (long i = 0; i < n_fresh; i++) {
        sim_trace t;
        sim_trace_init(&t);
        sim_run(s, sc, &t, NULL, 0);
        sim_trace_cleanup(&t);
    }
    double t_fresh = now_s() - t0;
    unsigned long long allocs_fresh = n_alloc - a0;

    printf("engine: one lifecycle = handshake, 1 KiB, simultaneous close, 2 x TIME-WAIT "
           "expiry = %zu steps\n",
           steps);
    printf("engine: rates are per second of CPU time of this process (recording off by wall "
           "clock: %.0f lifecycles/s; load average matters)\n",
           n / w_off);
    printf("engine: recording off:          %10.0f lifecycles/s  (%ld runs, %.3f s, "
           "%.1f ns/step)\n",
           n / t_off, n, t_off, t_off * 1e9 / ((double)n * (double)steps));
    printf("engine: recording on (reused):  %10.0f lifecycles/s  (%ld runs, %.3f s)\n", n_on / t_on,
           n_on, t_on);
    printf("engine: recording on (fresh):   %10.0f lifecycles/s  (%ld runs, %.3f s)\n",
           n_fresh / t_fresh, n_fresh, t_fresh);
    printf("engine: allocations per lifecycle, warm: recording off %.3f, on (reused trace) "
           "%.3f, on (fresh trace) %.3f\n",
           (double)allocs_off / (double)n, (double)allocs_on / (double)n_on,
           (double)allocs_fresh / (double)n_fresh);
    sim_trace_cleanup(&trace);
    sim_free(s);
    free(sc);
    bench_flood();
    return allocs_off == 0 ? 0 : 1;
}
