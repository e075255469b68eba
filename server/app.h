/*
 * app.h — what every HTTP handler can reach: configuration and the long-lived services.
 * Built once by `tcplab serve` (server/cli/cmd_serve.c) before the first request, torn
 * down after the last; read-only while serving (services do their own locking).
 * Each area adds its own field here and nothing else.
 */
#ifndef TCPLAB_APP_H
#define TCPLAB_APP_H

#include <stdint.h>

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
