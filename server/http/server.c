/*
 * server.c — the libmicrohttpd daemon and the request pipeline (contract in server.h).
 *
 * Owns: the listening socket, MHD options (epoll thread pool, limits, idle timeout),
 * the check of each connection's first request before MHD reads it (early_reject.h),
 * request policing before any handler runs (Transfer-Encoding, duplicate Content-Length,
 * whitespace before a colon, Host, body size, the body memory budget, path validation),
 * the memory budget of queued and unread response bodies (TCPLAB_RESPONSE_BUDGET),
 * routing, queueing the wire response (built by response.c)
 * after the per-request steps (problem `instance`, gzip content coding with Vary and
 * per-coding ETags), the access log, request metrics, the request-head and request-body
 * deadlines against slowloris (env TCPLAB_HEADER_TIMEOUT, default 10 s, and
 * TCPLAB_BODY_TIMEOUT, default 30 s; seconds, 0: off; the pipeline sets each connection's
 * deadline, watchdog.c enforces it), deferred responses (http_defer: the connection is
 * suspended until another thread finishes the answer), graceful shutdown, and the
 * public-URL Host check (request.h).
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
#include "../util/stripe.h"
#include "early_reject.h"
#include "gzip.h"
#include "metrics.h"
#include "response.h"
#include "router.h"
#include "watchdog.h"
#include "static_files.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
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

static const char PROBLEM_TYPE[] = "application/problem+json";

/* How long a just-accepted connection without TCP_DEFER_ACCEPT is waited for (its first
 * bytes, for early_reject), milliseconds. */
#define EARLY_WAIT_MS 10

/* A declared body this many times over the limit is refused without reading it. */
#define DISCARD_FACTOR 16

/* A deferred response (http_defer), one per request context. `state` goes
 * NONE → PENDING (http_defer, in the handler) → SUSPENDED (on_complete has suspended the
 * connection) → FINISHED (http_deferred_finish), or PENDING → FINISHED when the finisher
 * is faster than the handler's return; see on_complete and http_deferred_finish. */
enum { DEFER_NONE, DEFER_PENDING, DEFER_SUSPENDED, DEFER_FINISHED };
struct http_deferred {
    atomic_int state;
    struct server *srv;
    struct MHD_Connection *conn;
    http_response res; /* filled by the finisher */
    bool counted;      /* counted in server.deferred (worker threads only) */
};

struct server {
    struct MHD_Daemon *daemon;
    app *app;
    server_options opt;
    int listen_fd;
    uint16_t port;
    /* requests begun and not completed, striped (../util/stripe.h): bumped twice per
     * request by every worker, summed only by server_stop */
    struct {
        _Alignas(STRIPE_LINE) atomic_long n;
    } in_flight[STRIPE_COUNT];
    atomic_long deferred;     /* deferred requests not yet answered (server_stop waits) */
    atomic_int draining;      /* set by server_stop: answers close their connection */
    atomic_size_t body_bytes; /* request-body bytes reserved by all connections (budget) */
    atomic_size_t resp_bytes; /* response-body bytes queued and not yet sent (budget) */
    /* request-head deadline */
    long long head_timeout_ms; /* 0: off */
    long long body_timeout_ms; /* request-body deadline; 0: off */
    bool watching;             /* either deadline is on: watches are linked, watchdog runs */
    watchdog wd;               /* the deadline watchdog (watchdog.h) */
    bool defer_accept;         /* the listening socket has TCP_DEFER_ACCEPT */
};

typedef struct req_ctx {
    struct timespec t0; /* request line seen (monotonic) */
    struct timespec t1; /* response queued (valid once `answered`) */
    char *body;
    size_t len, cap;
    size_t reserved;  /* bytes of srv->body_bytes this request holds (>= cap) */
    size_t resp_held; /* bytes of srv->resp_bytes its queued response holds */
    int early_status; /* 413/400/...: answer on the final callback, body discarded */
    const char *early_detail;
    bool answered;
    bool started;       /* the access handler has seen this request */
    bool raw_nul;       /* the raw path had %00 (MHD's decoding truncates there) */
    bool body_expected; /* the head announced a body (Content-Length > 0, or chunked) */
    size_t route_index; /* http_route_count: none */
    size_t max_body;    /* this request's body limit (route_body_limit) */
    int status;
    size_t bytes;
    struct http_deferred defer;
} req_ctx;

/* ---- deferred responses (http.h) ---------------------------------------------------------
 * MHD 0.9.75 allows MHD_resume_connection only on a connection that IS suspended, and
 * MHD_suspend_connection only from the access handler. So the handler's worker suspends
 * the connection after the handler returned (on_complete) and then moves the state
 * PENDING → SUSPENDED; the finisher moves it to FINISHED and resumes only when it saw
 * SUSPENDED. If the finisher came first (PENDING → FINISHED), on_complete's move fails and
 * the worker resumes its own just-suspended connection, or (FINISHED already before the
 * suspend) sends at once. A resumed connection calls the access handler again, which
 * sends the deferred response. Resuming from another thread is safe (ITC wakes the
 * connection's worker). */

http_deferred *http_defer(const http_request *req)
{
    http_deferred *d = req ? req->deferral : NULL;
    int expect = DEFER_NONE;
    if (!d || !atomic_compare_exchange_strong(&d->state, &expect, DEFER_PENDING))
        return NULL;
    d->counted = true;
    atomic_fetch_add(&d->srv->deferred, 1);
    return d;
}

http_response *http_deferred_response(http_deferred *d)
{
    return &d->res;
}

void http_deferred_finish(http_deferred *d)
{
    struct MHD_Connection *conn = d->conn;
    /* after this exchange `d` may be freed unless it was SUSPENDED (then only the resume
     * lets the connection go on) */
    if (atomic_exchange(&d->state, DEFER_FINISHED) == DEFER_SUSPENDED)
        MHD_resume_connection(conn);
}

/* ---- core handlers ------------------------------------------------------------------- */

void server_healthz(const http_request *req, http_response *res)
{
    (void)req;
    static const char OK[] = "{\"status\":\"ok\"}";
    http_static_body(res, 200, "application/json", OK, sizeof OK - 1);
}

/* ---- responses ----------------------------------------------------------------------- */

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

/* ---- content coding (gzip.h) ---------------------------------------------------------- */

/* gzip-encodes the body of `res` when the client allows it and it pays: a compressible
 * type (the caller checked), a status with a body (never a 304), at least GZIP_MIN_SIZE
 * bytes, no Content-Encoding set by the handler, and a smaller result. HEAD is compressed
 * too although MHD drops the body: only then do its Content-Length, Content-Encoding and
 * ETag equal those of the GET (RFC 9110 §9.3.2), and HEAD requests are rare.
 * A handler's ETag E becomes E-gz on the gzip variant (RFC 9110 §8.8.3: each coding its own
 * strong tag), and an If-None-Match listing E-gz turns a GET/HEAD 200 into a 304 here,
 * since the handler only knows E. On any failure the identity body is sent unchanged. */
static void maybe_gzip(struct MHD_Connection *conn, http_response *res, const char *method)
{
    int st = res->status;
    if (st < 200 || st == 204 || st == 206 || st == 304)
        return;
    if (res->body_len < GZIP_MIN_SIZE || res->header_count >= HTTP_MAX_HEADERS)
        return;
    if (!gzip_accepted(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")))
        return;
    int et = response_find_header(res, "ETag");
    char *gz_etag = NULL;
    if (et >= 0) {
        char tag[160];
        if (gzip_etag(res->header_values[et], tag, sizeof tag) != 0)
            return; /* a tag we cannot derive from: keep one representation */
        gz_etag = strdup(tag);
        if (!gz_etag)
            return;
        const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
        bool safe = !strcmp(method, "GET") || !strcmp(method, "HEAD");
        if (st == 200 && safe && http_etag_listed(inm, gz_etag)) {
            free(res->body);
            res->body = NULL;
            res->static_body = "";
            res->body_len = 0;
            res->status = 304;
            free(res->header_values[et]);
            res->header_values[et] = gz_etag;
            return;
        }
    }
    const char *src = res->body ? res->body : res->static_body;
    char *gz;
    size_t gz_len;
    if (!src || gzip_compress(src, res->body_len, GZIP_LEVEL_DYNAMIC, &gz, &gz_len) != 0) {
        free(gz_etag);
        return;
    }
    if (gz_len >= res->body_len) {
        free(gz);
        free(gz_etag);
        return;
    }
    if (http_set_header(res, "Content-Encoding", "gzip") != 0) {
        free(gz);
        free(gz_etag);
        return;
    }
    free(res->body);
    res->body = gz;
    res->static_body = NULL;
    res->body_len = gz_len;
    if (gz_etag) {
        free(res->header_values[et]);
        res->header_values[et] = gz_etag;
    }
}

/* in[0..n) into `out` with bytes outside 0x21..0x7e (and '%') written as %XX; cut to fit;
 * "-" for an empty field. */
static void log_safe(const char *in, size_t n, char *out, size_t size)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)in;
    for (size_t i = 0; i < n && o + 4 < size; i++) {
        if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '%') {
            out[o++] = (char)p[i];
        } else {
            snprintf(out + o, 4, "%%%02X", p[i]);
            o += 3;
        }
    }
    if (!n && size > 1)
        out[o++] = '-';
    out[o] = '\0';
}

/* Access log line: method path status bytes microseconds; method and path are escaped
 * (log_safe) so a request cannot forge log lines or send terminal control bytes. */
static void access_log_n(const char *method, size_t method_len, const char *path, size_t path_len,
                         int status, size_t bytes, long micros)
{
    char safe[512], safe_method[52];
    log_safe(path, path_len, safe, sizeof safe);
    log_safe(method, method_len, safe_method, sizeof safe_method);
    fprintf(stderr, "%s %s %d %zu %ld\n", safe_method, safe, status, bytes, micros);
}

static void access_log(const char *method, const char *path, int status, size_t bytes, long micros)
{
    access_log_n(method, strlen(method), path, strlen(path), status, bytes, micros);
}

/* ---- response memory budget ---------------------------------------------------------------
 * A queued response's own body (res->body; not a borrowed static body or a prepared
 * response, which are shared) stays in memory until the client has read it all, and a
 * client that never reads keeps it until the idle timeout. All such bodies together hold
 * srv->resp_bytes, counted from queueing to the request's completion (request_completed):
 * an answer larger than RESPONSE_SMALL that does not fit in opt.response_budget becomes a
 * 503 with Retry-After; smaller answers always go (and are counted). */
#define RESPONSE_SMALL (16 * 1024)
static const char RESPONSE_BUSY_DETAIL[] =
    "the server is holding too many unread answers; retry in a moment";

/* Counts res's own body against the budget for ctx. 0, or -1 when it is larger than
 * RESPONSE_SMALL and does not fit (nothing counted then). */
static int response_hold(server *srv, req_ctx *ctx, const http_response *res)
{
    if (!res->body || !res->body_len)
        return 0;
    size_t n = res->body_len;
    size_t before = atomic_fetch_add(&srv->resp_bytes, n);
    if (n > RESPONSE_SMALL && before + n > srv->opt.response_budget) {
        atomic_fetch_sub(&srv->resp_bytes, n);
        return -1;
    }
    ctx->resp_held += n;
    return 0;
}

static enum MHD_Result send_response(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                     http_response *res, const char *method, const char *path,
                                     const char *allow)
{
    if (res->status < 100 || res->status > 599) {
        response_cleanup(res);
        http_problem(res, 500, NULL, "the handler produced no response");
    }
    bool close = atomic_load_explicit(&srv->draining, memory_order_relaxed) != 0;
    struct MHD_Response *r;
    if (res->prepared && !close) {
        r = response_prepared_mhd(res->prepared); /* shared: no reference of our own */
    } else {
        if (res->prepared)
            response_unprepare(res); /* it must close the connection: an own copy */
        if (res->status >= 400)
            add_instance(res, path);
        if (response_find_header(res, "Content-Encoding") < 0 &&
            gzip_compressible_type(res->content_type))
            maybe_gzip(conn, res, method);
        if (response_hold(srv, ctx, res) != 0) {
            response_cleanup(res);
            http_problem(res, 503, NULL, RESPONSE_BUSY_DETAIL);
            http_set_header(res, "Retry-After", "1");
            add_instance(res, path);
            allow = NULL;
            response_hold(srv, ctx, res); /* a small answer: always held */
        }
        r = response_to_mhd(res, allow, close);
        if (!r) {
            response_cleanup(res);
            return MHD_NO;
        }
    }

    ctx->status = res->status;
    ctx->bytes = res->body_len;
    ctx->answered = true;
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)res->status, r);
    if (!res->prepared) /* a prepared response's reference stays with its owner */
        MHD_destroy_response(r);
    response_cleanup(res);

    clock_gettime(CLOCK_MONOTONIC, &ctx->t1);
    long micros = (long)(ctx->t1.tv_sec - ctx->t0.tv_sec) * 1000000L +
                  (long)(ctx->t1.tv_nsec - ctx->t0.tv_nsec) / 1000L;
    metrics_observe_request(srv->app->metrics, ctx->route_index, ctx->status, (double)micros / 1e6);
    if (!srv->opt.quiet)
        access_log(method, path, ctx->status, ctx->bytes, micros);
    return ok;
}

/* A problem answer; a 503 carries Retry-After: 1. */
static enum MHD_Result send_problem(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                    int status, const char *detail, const char *method,
                                    const char *path)
{
    http_response res;
    memset(&res, 0, sizeof res);
    http_problem(&res, status, NULL, detail);
    if (status == 503)
        http_set_header(&res, "Retry-After", "1");
    return send_response(srv, conn, ctx, &res, method, path, NULL);
}

/* Sends the finished deferred response of ctx (on a worker, from the access handler). */
static enum MHD_Result send_deferred(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                     const char *method, const char *path)
{
    http_response res = ctx->defer.res;
    memset(&ctx->defer.res, 0, sizeof ctx->defer.res);
    if (!res.status)
        http_problem(&res, 500, NULL, "the deferred response was never filled");
    enum MHD_Result ok = send_response(srv, conn, ctx, &res, method, path, NULL);
    if (ctx->defer.counted) {
        ctx->defer.counted = false;
        atomic_fetch_sub(&srv->deferred, 1);
    }
    return ok;
}

/* ---- request-body memory budget ------------------------------------------------------------
 * Every buffered request body holds a reservation of srv->body_bytes as large as its buffer
 * (for a declared Content-Length, the whole length before the first byte is read), so all
 * bodies together stay within opt.body_budget however many connections send one. A request
 * that does not fit is answered 503 with Retry-After. */

/* Grows ctx's reservation to `want` bytes. 0, or -1 when the budget has no room (the
 * reservation is left unchanged). */
static int body_reserve(server *srv, req_ctx *ctx, size_t want)
{
    if (want <= ctx->reserved)
        return 0;
    size_t more = want - ctx->reserved;
    size_t cur = atomic_load_explicit(&srv->body_bytes, memory_order_relaxed);
    do {
        if (cur > srv->opt.body_budget || more > srv->opt.body_budget - cur)
            return -1;
    } while (!atomic_compare_exchange_weak(&srv->body_bytes, &cur, cur + more));
    ctx->reserved = want;
    return 0;
}

/* Frees ctx's body buffer and gives its reservation back. */
static void body_release(server *srv, req_ctx *ctx)
{
    free(ctx->body);
    ctx->body = NULL;
    ctx->len = ctx->cap = 0;
    if (ctx->reserved)
        atomic_fetch_sub(&srv->body_bytes, ctx->reserved);
    ctx->reserved = 0;
}

static const char BUSY_DETAIL[] =
    "the server is buffering too many request bodies; retry in a moment";

/* ---- request policing ---------------------------------------------------------------- */

typedef struct cl_scan {
    const char *first;
    int conflict;
    int te_lines;   /* Transfer-Encoding header lines */
    int host_lines; /* Host header lines */
    int spaced;     /* a field name with whitespace in it (before the colon) */
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
    if (key && key[strcspn(key, " \t")])
        sc->spaced = 1;
    if (key && !strcasecmp(key, "Transfer-Encoding"))
        sc->te_lines++;
    if (key && !strcasecmp(key, "Host"))
        sc->host_lines++;

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

/* The deadline watch of a connection (watchdog.h), NULL when it has none. */
static conn_watch *watch_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Reads the deadline in environment variable `name` (seconds, decimals allowed; 0 turns
 * it off; unset or empty: dflt_ms). Returns 0, or -1 with a reason in err. */
static int timeout_from_env(const char *name, long long dflt_ms, long long *ms, char *err,
                            size_t err_size)
{
    const char *v = getenv(name);
    *ms = dflt_ms;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    double sec = strtod(v, &end);
    if (errno || end == v || *end || !(sec >= 0.0 && sec <= 86400.0)) {
        snprintf(err, err_size, "%s=\"%.32s\" is not a number of seconds in 0..86400", name, v);
        return -1;
    }
    *ms = (long long)(sec * 1000.0 + 0.5);
    return 0;
}

/* The body limit of a request: its route's own (http_body_limits) or the server's. */
static size_t route_body_limit(const server *srv, const char *method, const char *url)
{
    for (size_t i = 0; i < http_body_limit_count; i++) {
        const http_body_limit *l = &http_body_limits[i];
        if (!strcmp(l->method, method) && !strcmp(l->path, url))
            return l->max_body;
    }
    return srv->opt.max_body;
}

/* First callback: headers are in. Returns MHD_YES to go on reading, or the result of an
 * immediate (connection-closing) answer. */
static enum MHD_Result on_headers(server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                                  const char *method, const char *url, const char *version)
{
    cl_scan sc = {NULL, 0, 0, 0, 0};
    ctx->max_body = route_body_limit(srv, method, url);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_content_length, &sc);
    /* MHD 0.9.75 keeps the whitespace of "Content-Length : 5" in the field name and then
     * frames the request without it; RFC 9112 §5.1 requires a 400 (closed at once, so the
     * unread body is never taken as a next request). */
    if (sc.spaced)
        return send_problem(srv, conn, ctx, 400,
                            "whitespace between a header field name and its colon", method, url);
    /* RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host header */
    if (version && !strcmp(version, MHD_HTTP_VERSION_1_1) && sc.host_lines != 1)
        return send_problem(srv, conn, ctx, 400,
                            sc.host_lines ? "more than one Host header"
                                          : "an HTTP/1.1 request needs a Host header",
                            method, url);
    /* Framing a proxy in front could read differently is refused, and (answered at once)
     * the connection is closed, so nothing after it is taken as a next request (request
     * smuggling; RFC 9112 §6.1, §6.3): a second Transfer-Encoding line (MHD reads only the
     * first, a proxy joins them: "chunked, gzip"), Transfer-Encoding with Content-Length,
     * or Transfer-Encoding in an HTTP/1.0 request (faulty framing there, §6.1). */
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
    if (te && version && !strcmp(version, MHD_HTTP_VERSION_1_0))
        return send_problem(srv, conn, ctx, 400, "Transfer-Encoding is not allowed in HTTP/1.0",
                            method, url);
    if (te) {
        const char *t;
        size_t n = trimmed_len(te, &t);
        if (!(n == 7 && !strncasecmp(t, "chunked", 7)) || sc.te_lines > 1)
            return send_problem(srv, conn, ctx, 501, "only Transfer-Encoding: chunked is supported",
                                method, url);
        if (sc.first)
            return send_problem(srv, conn, ctx, 400,
                                "Transfer-Encoding and Content-Length together are refused", method,
                                url);
        ctx->body_expected = true;
    }
    if (sc.conflict)
        return send_problem(srv, conn, ctx, 400, "conflicting Content-Length headers", method, url);
    if (sc.first) {
        char *end;
        errno = 0;
        unsigned long long declared = strtoull(sc.first, &end, 10);
        if (declared > 0)
            ctx->body_expected = true;
        if (errno == 0 && declared > ctx->max_body) {
            const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
            if (expect || declared / DISCARD_FACTOR > ctx->max_body)
                return send_problem(srv, conn, ctx, 413, "request body is larger than the limit",
                                    method, url);
            ctx->early_status = 413;
            ctx->early_detail = "request body is larger than the limit";
        } else if (errno == 0 && declared > 0 && body_reserve(srv, ctx, declared + 1) != 0) {
            return send_problem(srv, conn, ctx, 503, BUSY_DETAIL, method, url);
        }
    }
    return MHD_YES;
}

static void on_body(server *srv, req_ctx *ctx, const char *data, size_t size)
{
    if (ctx->early_status)
        return; /* discarding */
    if (ctx->len + size > ctx->max_body) {
        body_release(srv, ctx);
        ctx->early_status = 413;
        ctx->early_detail = "request body is larger than the limit";
        return;
    }
    if (ctx->len + size + 1 > ctx->cap) {
        /* a declared length is reserved whole and allocated once at that size; a chunked
         * body doubles (capped at the limit + 1) and reserves each new capacity first */
        size_t ncap = ctx->reserved > ctx->cap ? ctx->reserved : ctx->cap ? ctx->cap : 1024;
        while (ncap < ctx->len + size + 1)
            ncap *= 2;
        if (ncap > ctx->max_body + 1)
            ncap = ctx->max_body + 1;
        if (body_reserve(srv, ctx, ncap) != 0) {
            body_release(srv, ctx);
            ctx->early_status = 503;
            ctx->early_detail = BUSY_DETAIL;
            return;
        }
        char *nb = realloc(ctx->body, ncap);
        if (!nb) {
            body_release(srv, ctx);
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
    /* only allowed Hosts are served (request.h: the public URL's, the allowed hosts, by
     * default addresses and local names), against DNS rebinding; /healthz answers any
     * Host so that probes by address keep working */
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (!http_host_allowed(host) && strcmp(url, "/healthz") != 0) {
        char detail[400];
        http_host_refusal(host, detail, sizeof detail);
        return send_problem(srv, conn, ctx, 421, detail, method, url);
    }
    if (ctx->body_expected && srv->body_timeout_ms)
        watch_set_due(watch_of(conn), 0, WATCH_BODY, false); /* the whole body is in */
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
        snprintf(detail, sizeof detail, "method %.16s is not allowed here; allowed: %s", method,
                 m.allow);
        http_problem(&res, 405, NULL, detail);
        ok = send_response(srv, conn, ctx, &res, method, url, m.allow);
    } else {
        char ip[INET6_ADDRSTRLEN];
        const conn_watch *w = watch_of(conn);
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
        req.client_ip = w ? w->ip : client_ip(conn, ip, sizeof ip);
        ctx->defer.srv = srv;
        ctx->defer.conn = conn;
        req.deferral = &ctx->defer;
        http_response res;
        memset(&res, 0, sizeof res);
        ctx->route_index = m.index;
        http_routes[m.index].handler(&req, &res);
        int ds = atomic_load(&ctx->defer.state);
        if (ds == DEFER_NONE) {
            ok = send_response(srv, conn, ctx, &res, method, url, NULL);
        } else {
            response_cleanup(&res); /* a deferring handler leaves it alone */
            if (ds == DEFER_FINISHED) {
                ok = send_deferred(srv, conn, ctx, method, url);
            } else {
                MHD_suspend_connection(conn);
                int expect = DEFER_PENDING;
                if (!atomic_compare_exchange_strong(&ctx->defer.state, &expect, DEFER_SUSPENDED))
                    MHD_resume_connection(conn); /* finished meanwhile */
                ok = MHD_YES;
            }
        }
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
    server *srv = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx) /* uri_log failed to allocate */
        return MHD_NO;
    if (!ctx->started) {
        ctx->started = true;
        enum MHD_Result r = on_headers(srv, conn, ctx, method, url, version);
        if (srv->watching) /* the head is complete: now the body, if one is announced */
            watch_set_due(watch_of(conn),
                          ctx->body_expected && !ctx->answered && srv->body_timeout_ms
                              ? watch_now_ms() + srv->body_timeout_ms
                              : 0,
                          WATCH_BODY, false);
        return r;
    }
    int ds = atomic_load(&ctx->defer.state);
    if (ds != DEFER_NONE) { /* resumed: send the deferred answer */
        *upload_data_size = 0;
        if (ds == DEFER_FINISHED && !ctx->answered)
            return send_deferred(srv, conn, ctx, method, url);
        return MHD_YES;
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
    server *srv = cls;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (srv->head_timeout_ms)
        watch_set_due(watch_of(conn), watch_ms_of(&t0) + srv->head_timeout_ms, WATCH_HEAD, true);
    req_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->t0 = t0;
    ctx->route_index = http_route_count;
    ctx->max_body = srv->opt.max_body;
    atomic_init(&ctx->defer.state, DEFER_NONE);
    size_t path_len = uri ? strcspn(uri, "?") : 0;
    for (size_t i = 0; i + 2 < path_len; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            ctx->raw_nul = true;
    atomic_fetch_add_explicit(&srv->in_flight[stripe_of_thread()].n, 1, memory_order_relaxed);
    return ctx;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    server *srv = cls;
    req_ctx *ctx = *con_cls;
    if (srv->watching)
        watch_set_due(watch_of(conn),
                      srv->head_timeout_ms
                          ? (ctx && ctx->answered ? watch_ms_of(&ctx->t1) : watch_now_ms()) +
                                (long long)srv->opt.idle_timeout_s * 1000LL + srv->head_timeout_ms
                          : 0,
                      WATCH_HEAD, false);
    if (!ctx)
        return;
    *con_cls = NULL;
    if (ctx->defer.counted) /* deferred but never sent (the connection went away) */
        atomic_fetch_sub(&srv->deferred, 1);
    response_cleanup(&ctx->defer.res);
    body_release(srv, ctx);
    if (ctx->resp_held) /* sent, or the connection is gone */
        atomic_fetch_sub(&srv->resp_bytes, ctx->resp_held);
    free(ctx);
    atomic_fetch_sub_explicit(&srv->in_flight[stripe_of_thread()].n, 1, memory_order_relaxed);
}

/* Checks the first request of a just-accepted connection from its peeked bytes and
 * answers it when malformed (early_reject.h), logged and counted like any answer. True
 * when it answered (the socket is then shut down). */
static bool answer_malformed(server *srv, int fd)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char buf[EARLY_PEEK_BYTES];
    early_verdict v;
    size_t bytes;
    if (!early_reject(fd, srv->defer_accept ? 0 : EARLY_WAIT_MS, buf, sizeof buf, &v, &bytes))
        return false;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long micros =
        (long)(t1.tv_sec - t0.tv_sec) * 1000000L + (long)(t1.tv_nsec - t0.tv_nsec) / 1000L;
    metrics_observe_request(srv->app->metrics, http_route_count, v.status, (double)micros / 1e6);
    if (!srv->opt.quiet)
        access_log_n(v.method, v.method_len, v.target, v.target_len, v.status, bytes, micros);
    return true;
}

static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    server *srv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        metrics_connection_opened(srv->app->metrics);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_watch *w = ci ? calloc(1, sizeof *w) : NULL;
        if (!w) /* out of memory: no deadline, and the address is looked up per request */
            return;
        w->fd = ci->connect_fd;
        if (srv->opt.sndbuf)
            setsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &srv->opt.sndbuf, sizeof srv->opt.sndbuf);
        client_ip(conn, w->ip, sizeof w->ip);
        *socket_context = w;
        if (answer_malformed(srv, w->fd))
            return; /* shut down: MHD reads its end of file and closes it */
        if (!srv->watching)
            return; /* off: the watch only carries the address */
        watchdog_link(&srv->wd, w);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        metrics_connection_closed(srv->app->metrics);
        conn_watch *w = *socket_context;
        if (!w)
            return;
        /* MHD closes the socket only after this returns (see watchdog.h) */
        watchdog_unlink(&srv->wd, w);
        *socket_context = NULL;
        free(w);
    }
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

static int open_listener(const char *bind_addr, uint16_t port, bool *ipv6, bool *defer_accept,
                         char *err, size_t err_size)
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
    /* accept a connection once its first bytes are in (or after a second without any),
     * so that early_reject sees the request line without waiting */
    *defer_accept = setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one) == 0;
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

/* Frees the server's lock, condition variable and itself (the watchdog has stopped). */
static void server_free_sync(server *srv)
{
    watchdog_destroy(&srv->wd);
    free(srv);
}

server *server_start(struct app *a, const server_options *opt, char *err, size_t err_size)
{
    server *srv =
        aligned_alloc(STRIPE_LINE, (sizeof *srv + STRIPE_LINE - 1) / STRIPE_LINE * STRIPE_LINE);
    if (srv)
        memset(srv, 0, sizeof *srv);
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
    /* One address may hold at most a sixteenth of the connections (and never more than
     * half): a few addresses holding half-sent heads cannot fill the server for the rest. */
    if (!srv->opt.per_ip_limit)
        srv->opt.per_ip_limit =
            srv->opt.connection_limit >= 16 ? srv->opt.connection_limit / 16 : 1;
    if (srv->opt.per_ip_limit > srv->opt.connection_limit / 2 && srv->opt.connection_limit > 1) {
        snprintf(err, err_size,
                 "per-address connection limit %u is more than half the connection limit %u: "
                 "two addresses could take every connection",
                 srv->opt.per_ip_limit, srv->opt.connection_limit);
        free(srv);
        return NULL;
    }
    if (!srv->opt.body_budget)
        srv->opt.body_budget = 64 * srv->opt.max_body;
    if (srv->opt.body_budget < srv->opt.max_body + 1)
        srv->opt.body_budget = srv->opt.max_body + 1;
    if (!srv->opt.idle_timeout_s)
        srv->opt.idle_timeout_s = 30;
    /* 16 KiB holds a request line, headers and a body chunk; MHD touches the whole pool
     * of every open connection, so this sets the RSS per keep-alive connection. */
    if (!srv->opt.conn_memory)
        srv->opt.conn_memory = 16 * 1024;
    for (unsigned i = 0; i < STRIPE_COUNT; i++)
        atomic_init(&srv->in_flight[i].n, 0);
    atomic_init(&srv->deferred, 0);
    atomic_init(&srv->draining, 0);
    atomic_init(&srv->body_bytes, 0);
    atomic_init(&srv->resp_bytes, 0);
    if (!srv->opt.response_budget)
        srv->opt.response_budget = 128 * 1024 * 1024;
    /* Bodies and responses of 128 KiB and more get their own mappings, returned to the
     * system on free. Without a fixed threshold glibc raises it after the first such free,
     * and later bodies then stay in the heap arenas once freed. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (timeout_from_env("TCPLAB_HEADER_TIMEOUT", 10000, &srv->head_timeout_ms, err, err_size) !=
            0 ||
        timeout_from_env("TCPLAB_BODY_TIMEOUT", 30000, &srv->body_timeout_ms, err, err_size) != 0) {
        free(srv);
        return NULL;
    }
    srv->watching = srv->head_timeout_ms || srv->body_timeout_ms;
    watchdog_init(&srv->wd, srv->head_timeout_ms, srv->body_timeout_ms, srv->opt.quiet);

    bool ipv6 = false;
    srv->listen_fd =
        open_listener(srv->opt.bind, srv->opt.port, &ipv6, &srv->defer_accept, err, err_size);
    if (srv->listen_fd < 0) {
        server_free_sync(srv);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(srv->listen_fd, (struct sockaddr *)&ss, &sl) == 0)
        srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                   : ((struct sockaddr_in *)&ss)->sin_port);

    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, srv->port, NULL, NULL, access_handler, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger,
        srv, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)srv->opt.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)srv->opt.connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned int)srv->opt.per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)srv->opt.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        srv->opt.conn_memory, MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        connection_notify, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, err_size, "cannot start the HTTP server on %s port %u", srv->opt.bind,
                 (unsigned)srv->port);
        close(srv->listen_fd);
        server_free_sync(srv);
        return NULL;
    }
    if (watchdog_start(&srv->wd) != 0) {
        snprintf(err, err_size, "cannot start the request deadline watchdog thread");
        MHD_stop_daemon(srv->daemon);
        server_free_sync(srv);
        return NULL;
    }
    return srv;
}

uint16_t server_port(const server *s)
{
    return s ? s->port : 0;
}

void server_stop(server *s, unsigned grace_ms)
{
    if (!s)
        return;
    atomic_store(&s->draining, 1);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (unsigned waited = 0; waited < grace_ms; waited += 10) {
        long in_flight = 0;
        for (unsigned i = 0; i < STRIPE_COUNT; i++)
            in_flight += atomic_load_explicit(&s->in_flight[i].n, memory_order_relaxed);
        if (in_flight <= 0)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* MHD must not stop with a suspended connection: wait for every deferred answer,
     * whatever the grace (their work, e.g. a commit, ends on its own; 60 s at most). */
    for (unsigned waited = 0; waited < 60000; waited += 5) {
        if (atomic_load(&s->deferred) <= 0)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    watchdog_stop(&s->wd);
    MHD_stop_daemon(s->daemon); /* NOTIFY_CLOSED frees the remaining watches */
    server_free_sync(s);
}
