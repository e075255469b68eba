/*
 * server.c — the libmicrohttpd daemon and the request pipeline (contract in server.h).
 *
 * Owns: the listening socket, MHD options (epoll thread pool, limits, idle timeout),
 * request policing before any handler runs (Transfer-Encoding, duplicate Content-Length,
 * body size, path validation), routing, turning an http_response into a wire response
 * (security headers, CSP on HTML, problem `instance`), the access log, request metrics,
 * and graceful shutdown. Also the http.h accessors that need MHD (query, header, cookie).
 *
 * Does not: know what any route means; open the store or any other service.
 *
 * Design facts (libmicrohttpd 0.9.75, measured): a response queued on the FIRST access
 * callback makes MHD close the connection, so normal responses are queued on the final
 * callback, after the whole request has been received. Only requests the server will not
 * read at all (unsupported Transfer-Encoding, ambiguous Content-Length, a declared body far
 * over the limit or behind "Expect: 100-continue") are answered at once, and closed.
 */
#include "server.h"

#include "../app.h"
#include "metrics.h"
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char server_csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

static const char PROBLEM_TYPE[] = "application/problem+json";

/* A declared body this many times over the limit is refused without reading it. */
#define DISCARD_FACTOR 16

struct server {
    struct MHD_Daemon *daemon;
    app *app;
    server_options opt;
    int listen_fd;
    uint16_t port;
    atomic_long in_flight;
    atomic_int draining;      /* set by server_stop: answers close their connection */
};

typedef struct req_ctx {
    struct timespec t0;
    char *body;
    size_t len, cap;
    int early_status;         /* 413/400/...: answer on the final callback, body discarded */
    const char *early_detail;
    bool answered;
    bool started;             /* the access handler has seen this request */
    bool raw_nul;             /* the raw path had %00 (MHD's decoding truncates there) */
    size_t route_index;       /* http_route_count: none */
    int status;
    size_t bytes;
} req_ctx;

/* ---- http.h accessors ---------------------------------------------------------------- */

const char *http_query(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name)
                     : NULL;
}

const char *http_header(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *http_cookie(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name) : NULL;
}

/* ---- core handlers ------------------------------------------------------------------- */

void server_healthz(const http_request *req, http_response *res)
{
    (void)req;
    static const char OK[] = "{\"status\":\"ok\"}";
    http_static_body(res, 200, "application/json", OK, sizeof OK - 1);
}

/* ---- responses ----------------------------------------------------------------------- */

static void response_cleanup(http_response *res)
{
    free(res->body);
    res->body = NULL;
    for (size_t i = 0; i < res->header_count; i++) {
        free(res->header_names[i]);
        free(res->header_values[i]);
    }
    res->header_count = 0;
}

/* Adds "instance": path to a problem body the handler built (RFC 9457). */
static void add_instance(http_response *res, const char *path)
{
    if (!res->content_type || strcmp(res->content_type, PROBLEM_TYPE) != 0)
        return;
    const char *body = res->body ? res->body : res->static_body;
    if (!body || res->body_len < 2 || body[res->body_len - 1] != '}')
        return;
    json_t *doc = json_loadb(body, res->body_len, 0, NULL);
    if (!json_is_object(doc) || json_object_get(doc, "instance")) {
        json_decref(doc);
        return;
    }
    json_t *inst = json_string(path);
    if (!inst) { /* not UTF-8: leave the problem without an instance */
        json_decref(doc);
        return;
    }
    json_object_set_new(doc, "instance", inst);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text)
        return;
    free(res->body);
    res->body = text;
    res->static_body = NULL;
    res->body_len = strlen(text);
}

/* Queues `res` (consumed) on the connection. Returns MHD's verdict. */
/* Access log line: method path status bytes microseconds; bytes outside 0x21..0x7e in
 * the path are written as %XX so a request cannot forge log lines. */
static void access_log(const char *method, const char *path, int status, size_t bytes,
                       long micros)
{
    char safe[512];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < sizeof safe; p++) {
        if (*p > 0x20 && *p < 0x7f && *p != '%') {
            safe[o++] = (char)*p;
        } else {
            snprintf(safe + o, 4, "%%%02X", *p);
            o += 3;
        }
    }
    safe[o] = '\0';
    fprintf(stderr, "%.16s %s %d %zu %ld\n", method, safe, status, bytes, micros);
}

static enum MHD_Result send_response(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                     http_response *res, const char *method, const char *path,
                                     const char *allow)
{
    if (res->status < 100 || res->status > 599) {
        response_cleanup(res);
        http_problem(res, 500, NULL, "the handler produced no response");
    }
    if (res->status >= 400)
        add_instance(res, path);

    struct MHD_Response *r;
    if (res->body) {
        r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
        if (r)
            res->body = NULL; /* MHD owns it now */
    } else {
        r = MHD_create_response_from_buffer(res->static_body ? res->body_len : 0,
                                            (void *)(res->static_body ? res->static_body : ""),
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r) {
        response_cleanup(res);
        return MHD_NO;
    }
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (res->content_type && !strncasecmp(res->content_type, "text/html", 9))
        MHD_add_response_header(r, "Content-Security-Policy", server_csp);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    if (atomic_load_explicit(&srv->draining, memory_order_relaxed))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    for (size_t i = 0; i < res->header_count; i++)
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);

    ctx->status = res->status;
    ctx->bytes = res->body_len;
    ctx->answered = true;
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    response_cleanup(res);

    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long micros = (long)(t1.tv_sec - ctx->t0.tv_sec) * 1000000L +
                  (long)(t1.tv_nsec - ctx->t0.tv_nsec) / 1000L;
    metrics_observe_request(srv->app->metrics, ctx->route_index, ctx->status,
                            (double)micros / 1e6);
    if (!srv->opt.quiet)
        access_log(method, path, ctx->status, ctx->bytes, micros);
    return ok;
}

static enum MHD_Result send_problem(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                    int status, const char *detail, const char *method,
                                    const char *path)
{
    http_response res;
    memset(&res, 0, sizeof res);
    http_problem(&res, status, NULL, detail);
    return send_response(srv, conn, ctx, &res, method, path, NULL);
}

/* ---- request policing ---------------------------------------------------------------- */

typedef struct cl_scan {
    const char *first;
    int conflict;
} cl_scan;

static size_t trimmed_len(const char *s, const char **start)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *start = s;
    return n;
}

static enum MHD_Result scan_content_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                           const char *value)
{
    (void)kind;
    cl_scan *sc = cls;
    if (!key || strcasecmp(key, "Content-Length") != 0 || !value)
        return MHD_YES;
    if (!sc->first) {
        sc->first = value;
        return MHD_YES;
    }
    const char *a, *b;
    size_t la = trimmed_len(sc->first, &a), lb = trimmed_len(value, &b);
    if (la != lb || strncmp(a, b, la) != 0)
        sc->conflict = 1;
    return MHD_YES;
}

static const char *client_ip(struct MHD_Connection *conn, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return buf;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)size);
    return buf;
}

/* First callback: headers are in. Returns MHD_YES to go on reading, or the result of an
 * immediate (connection-closing) answer. */
static enum MHD_Result on_headers(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                  const char *method, const char *url)
{
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
    if (te) {
        const char *t;
        size_t n = trimmed_len(te, &t);
        if (!(n == 7 && !strncasecmp(t, "chunked", 7)))
            return send_problem(srv, conn, ctx, 501,
                                "only Transfer-Encoding: chunked is supported", method, url);
    }
    cl_scan sc = {NULL, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_content_length, &sc);
    if (sc.conflict)
        return send_problem(srv, conn, ctx, 400, "conflicting Content-Length headers", method, url);
    if (sc.first) {
        char *end;
        errno = 0;
        unsigned long long declared = strtoull(sc.first, &end, 10);
        if (errno == 0 && declared > srv->opt.max_body) {
            const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
            if (expect || declared / DISCARD_FACTOR > srv->opt.max_body)
                return send_problem(srv, conn, ctx, 413, "request body is larger than the limit",
                                    method, url);
            ctx->early_status = 413;
            ctx->early_detail = "request body is larger than the limit";
        }
    }
    return MHD_YES;
}

static void on_body(server *srv, req_ctx *ctx, const char *data, size_t size)
{
    if (ctx->early_status)
        return; /* discarding */
    if (ctx->len + size > srv->opt.max_body) {
        free(ctx->body);
        ctx->body = NULL;
        ctx->len = ctx->cap = 0;
        ctx->early_status = 413;
        ctx->early_detail = "request body is larger than the limit";
        return;
    }
    if (ctx->len + size + 1 > ctx->cap) {
        size_t ncap = ctx->cap ? ctx->cap : 1024;
        while (ncap < ctx->len + size + 1)
            ncap *= 2;
        char *nb = realloc(ctx->body, ncap);
        if (!nb) {
            ctx->early_status = 500;
            ctx->early_detail = "out of memory buffering the request body";
            return;
        }
        ctx->body = nb;
        ctx->cap = ncap;
    }
    memcpy(ctx->body + ctx->len, data, size);
    ctx->len += size;
    ctx->body[ctx->len] = '\0';
}

/* Final callback: the whole request is in. Route, run the handler, queue. */
static enum MHD_Result on_complete(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                   const char *url, const char *method)
{
    if (ctx->early_status)
        return send_problem(srv, conn, ctx, ctx->early_status, ctx->early_detail, method, url);
    if (ctx->raw_nul || !router_path_ok(url))
        return send_problem(srv, conn, ctx, 404, "no such resource", method, url);

    size_t url_len = strlen(url);
    char stackbuf[512];
    char *buf = stackbuf;
    size_t buf_size = url_len + HTTP_MAX_PARAMS + 1;
    if (buf_size > sizeof stackbuf) {
        buf = malloc(buf_size);
        if (!buf)
            return send_problem(srv, conn, ctx, 500, "out of memory", method, url);
    }
    router_match m;
    router_result rr =
        router_match_path(http_routes, http_route_count, method, url, buf, buf_size, &m);
    enum MHD_Result ok;
    if (rr == ROUTER_NOT_FOUND) {
        ok = send_problem(srv, conn, ctx, 404, "no such resource", method, url);
    } else if (rr == ROUTER_BAD_METHOD) {
        http_response res;
        memset(&res, 0, sizeof res);
        char detail[160];
        snprintf(detail, sizeof detail, "method %.16s is not allowed here; allowed: %s",
                 method, m.allow);
        http_problem(&res, 405, NULL, detail);
        ok = send_response(srv, conn, ctx, &res, method, url, m.allow);
    } else {
        char ip[INET6_ADDRSTRLEN];
        http_request req;
        memset(&req, 0, sizeof req);
        req.method = method;
        req.path = url;
        req.body = ctx->body ? ctx->body : "";
        req.body_len = ctx->len;
        for (size_t i = 0; i < m.param_count; i++)
            req.params[i] = m.params[i];
        req.param_count = m.param_count;
        req.app = srv->app;
        req.conn = conn;
        req.client_ip = client_ip(conn, ip, sizeof ip);
        http_response res;
        memset(&res, 0, sizeof res);
        ctx->route_index = m.index;
        http_routes[m.index].handler(&req, &res);
        ok = send_response(srv, conn, ctx, &res, method, url, NULL);
    }
    if (buf != stackbuf)
        free(buf);
    return ok;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    (void)version;
    server *srv = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx) /* uri_log failed to allocate */
        return MHD_NO;
    if (!ctx->started) {
        ctx->started = true;
        return on_headers(srv, conn, ctx, method, url);
    }
    if (ctx->answered) { /* answered early: drop whatever else arrives */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        on_body(srv, ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return on_complete(srv, conn, ctx, url, method);
}

/* Called by MHD with the raw (still percent-encoded) request target, before it decodes
 * it; its result becomes the request's context. Starts the clock and notes an encoded
 * NUL in the path, which decoding would silently cut off. */
static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    server *srv = cls;
    req_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &ctx->t0);
    ctx->route_index = http_route_count;
    size_t path_len = uri ? strcspn(uri, "?") : 0;
    for (size_t i = 0; i + 2 < path_len; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            ctx->raw_nul = true;
    atomic_fetch_add_explicit(&srv->in_flight, 1, memory_order_relaxed);
    return ctx;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    (void)conn;
    server *srv = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    *con_cls = NULL;
    free(ctx->body);
    free(ctx);
    atomic_fetch_sub_explicit(&srv->in_flight, 1, memory_order_relaxed);
}

static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    (void)conn;
    (void)socket_context;
    server *srv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        metrics_connection_opened(srv->app->metrics);
    else if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
        metrics_connection_closed(srv->app->metrics);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    server *srv = cls;
    if (srv->opt.quiet)
        return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(stderr, "tcplab: http: %s\n", line);
}

/* ---- lifecycle ----------------------------------------------------------------------- */

static int open_listener(const char *bind_addr, uint16_t port, bool *ipv6, char *err,
                         size_t err_size)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, bind_addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        sl = sizeof *s4;
        *ipv6 = false;
    } else if (inet_pton(AF_INET6, bind_addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        sl = sizeof *s6;
        *ipv6 = true;
    } else {
        snprintf(err, err_size, "bind address \"%s\" is not a numeric IPv4 or IPv6 address",
                 bind_addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create a socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (*ipv6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
        snprintf(err, err_size, "cannot listen on %s port %u: %s", bind_addr, (unsigned)port,
                 strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, 4096) != 0) {
        snprintf(err, err_size, "cannot listen on %s port %u: %s", bind_addr, (unsigned)port,
                 strerror(errno));
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    return fd;
}

server *server_start(struct app *a, const server_options *opt, char *err, size_t err_size)
{
    server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    srv->app = a;
    srv->opt = *opt;
    if (!srv->opt.bind)
        srv->opt.bind = "127.0.0.1";
    if (!srv->opt.max_body)
        srv->opt.max_body = 1024 * 1024;
    if (!srv->opt.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        srv->opt.threads = n > 0 ? (unsigned)n : 1;
    }
    if (!srv->opt.connection_limit)
        srv->opt.connection_limit = 4096;
    if (!srv->opt.per_ip_limit)
        srv->opt.per_ip_limit = 2048;
    if (!srv->opt.idle_timeout_s)
        srv->opt.idle_timeout_s = 30;
    /* 16 KiB holds a request line, headers and a body chunk; MHD touches the whole pool
     * of every open connection, so this sets the RSS per keep-alive connection. */
    if (!srv->opt.conn_memory)
        srv->opt.conn_memory = 16 * 1024;
    atomic_init(&srv->in_flight, 0);
    atomic_init(&srv->draining, 0);

    bool ipv6 = false;
    srv->listen_fd = open_listener(srv->opt.bind, srv->opt.port, &ipv6, err, err_size);
    if (srv->listen_fd < 0) {
        free(srv);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(srv->listen_fd, (struct sockaddr *)&ss, &sl) == 0)
        srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                   : ((struct sockaddr_in *)&ss)->sin_port);

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, srv->port, NULL, NULL, access_handler, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->opt.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)srv->opt.connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)srv->opt.per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)srv->opt.idle_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, srv->opt.conn_memory,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, connection_notify, srv,
        MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, err_size, "cannot start the HTTP server on %s port %u", srv->opt.bind,
                 (unsigned)srv->port);
        close(srv->listen_fd);
        free(srv);
        return NULL;
    }
    return srv;
}

uint16_t server_port(const server *s) { return s ? s->port : 0; }

void server_stop(server *s, unsigned grace_ms)
{
    if (!s)
        return;
    atomic_store(&s->draining, 1);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (unsigned waited = 0; waited < grace_ms; waited += 10) {
        if (atomic_load_explicit(&s->in_flight, memory_order_relaxed) <= 0)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->daemon);
    free(s);
}
