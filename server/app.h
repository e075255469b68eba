/*
 * app.h — what every HTTP handler can reach: configuration and the long-lived services.
 * Built once by `tcplab serve` (server/cli/cmd_serve.c) before the first request, torn
 * down after the last; read-only while serving (services do their own locking).
 * Each area adds its own field here and nothing else.
 */
#ifndef TCPLAB_APP_H
#define TCPLAB_APP_H

#include <stdint.h>

/* What one simulation answered over HTTP may cost (anyone may ask, signed in or not): the
 * engine's step limit for such runs (every segment is a step; the CLI keeps SIM_MAX_STEPS)
 * and the most bytes of trace text written into one answer (enforced while writing, so a
 * client that never reads pins at most this much). Documented in static/openapi.json
 * (info.description, #limits) and the README. The largest built-in is 24 steps, 23 KB. */
#define APP_SIM_MAX_STEPS       2000
#define APP_SIM_MAX_TRACE_BYTES (1024u * 1024)
/* The most bytes of one capture answered as a pcap (format=pcap, server/web/api_capture.c):
 * 2000 full 1460-octet segments fit; larger mss and data may not (422 max_capture_bytes). */
#define APP_SIM_MAX_CAPTURE_BYTES (4u * 1024 * 1024)

/* Saving without signing in (POST /api/v1/simulations?save=true): at most
 * APP_ANON_SAVES_PER_WINDOW saves per client address per APP_ANON_SAVE_WINDOW_S seconds
 * (429, Retry-After), a saved scenario of at most APP_ANON_SAVE_MAX_BYTES (422), at most
 * APP_ANON_SAVES_MAX anonymous saves in all (507), each kept APP_ANON_SAVE_DAYS days
 * (older ones are purged as new anonymous saves come in). Signed-in saves are kept. */
#define APP_ANON_SAVES_PER_WINDOW 10
#define APP_ANON_SAVE_WINDOW_S    60
#define APP_ANON_SAVE_MAX_BYTES   (32u * 1024)
#define APP_ANON_SAVES_MAX        10000
#define APP_ANON_SAVE_DAYS        30

/* Saving a capture without signing in (POST /api/v1/captures?save=true): the same rate per
 * address (one budget with saved simulations) and the same APP_ANON_SAVE_DAYS; a file of
 * at most APP_ANON_CAPTURE_MAX_BYTES (422) and at most APP_ANON_CAPTURES_MAX anonymous
 * captures in all (507). Signed-in saves may be as large as an upload and are kept. */
#define APP_ANON_CAPTURE_MAX_BYTES (1024u * 1024)
#define APP_ANON_CAPTURES_MAX      1000

struct store;
struct lessons_set;
struct sim_cache;
struct metrics;
struct static_files;

typedef struct app {
    /* configuration */
    const char *bind;
    uint16_t port;
    const char *db_path;
    const char *static_dir;
    const char *lessons_dir;
    int quiet;
    /* services */
    struct store *store;               /* server/store/ */
    struct lessons_set *lessons;       /* server/lessons/ */
    struct sim_cache *sim_cache;       /* server/web/api_simulations.c */
    struct metrics *metrics;           /* server/http/metrics.c */
    struct static_files *static_files; /* server/http/static_files.c */
} app;

#endif
