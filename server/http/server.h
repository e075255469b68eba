/*
 * server.h — the HTTP server: libmicrohttpd daemon lifecycle and the request pipeline
 * (validation, body limits, routing, handler call, security headers, access log,
 * metrics). The handlers of the core routes (/, /healthz) are declared here too.
 *
 * Does not: parse command-line flags or open services (server/cli/cmd_serve.c does, and
 * fills struct app), or know what any API route means.
 */
#ifndef TCPLAB_SERVER_H
#define TCPLAB_SERVER_H

#include "http.h"

#include <stddef.h>
#include <stdint.h>

struct app;
typedef struct server server;

typedef struct server_options {
    const char *bind;          /* numeric IPv4 or IPv6 address, e.g. "127.0.0.1" */
    uint16_t port;             /* 0: any free port (see server_port) */
    size_t max_body;           /* bytes; larger bodies get 413 (default 1 MiB) */
    size_t body_budget;        /* bytes of request bodies buffered at once, all connections
                                * together; a request past it gets 503 + Retry-After
                                * (default 64 × max_body; at least max_body + 1) */
    size_t response_budget;    /* bytes of response bodies queued and not yet sent, all
                                * connections together; past it an answer over 16 KiB
                                * gets 503 + Retry-After (default 128 MiB) */
    int sndbuf;                /* SO_SNDBUF of each connection, bytes (0: the system's) */
    unsigned threads;          /* worker threads (0: number of cores) */
    unsigned connection_limit; /* default 4096 */
    unsigned per_ip_limit;     /* default connection_limit / 16 (256); at most half */
    unsigned idle_timeout_s;   /* default 30 */
    size_t conn_memory;        /* per-connection buffer pool, bytes (default 16 KiB) */
    int quiet;                 /* no access log */
} server_options;

/* Starts serving `app` (which must outlive the server). Returns NULL and a one-line
 * reason in err (e.g. "cannot listen on 127.0.0.1:8080: Address already in use"). */
server *server_start(struct app *a, const server_options *opt, char *err, size_t err_size);
uint16_t server_port(const server *s);
/* Stops accepting, waits up to grace_ms for in-flight requests, stops, frees.
 * NULL is a no-op. */
void server_stop(server *s, unsigned grace_ms);

/* Core route handlers. */
void server_healthz(const http_request *req, http_response *res);

#endif
