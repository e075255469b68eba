/*
 * cmd_serve.c — `tcplab serve`: read the configuration, build struct app (store, static
 * files, trace cache, metrics), run the HTTP server until SIGINT/SIGTERM, tear down.
 *
 * Owns: the serve flags and their TCPLAB_* environment fallbacks (flags win), start-up
 * error reporting (one line on stderr, exit 1), and the shutdown order.
 * Does not: handle any request (server/http/), or load lessons itself (see the hook).
 */
#include "cli.h"

#include "../app.h"
#include "../web/api.h"
#include "../http/http.h"
#include "../http/metrics.h"
#include "../http/server.h"
#include "../http/static_files.h"
#include "../lessons/lessons.h"
#include "../web/lessons_db.h"
#include "../web/lessons_sync.h"
#include "../web/lti_ags.h"
#include "../web/lti_tool.h"
#include "../store/store.h"
#include "../util/tempdir.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define GRACE_MS 10000

static void serve_usage(FILE *f)
{
    fprintf(f, "usage: tcplab serve [--port N] [--bind ADDR] [--db FILE] [--static DIR]\n"
               "                    [--lessons DIR] [--lessons-sync] [--public-url URL]\n"
               "                    [--allowed-hosts LIST] [--metrics] [--quiet]\n"
               "  --lessons DIR: imported into the database on the first start; after that the\n"
               "  database is the source (the editor changes it)\n"
               "  --lessons-sync (TCPLAB_LESSONS_SYNC=1): at every start, import the files of\n"
               "  --lessons that changed since the last import, as `tcplab lessons import` does;\n"
               "  a refusal (a lesson edited both in the browser and in its file, or a file that\n"
               "  does not parse) is logged, imports nothing, and does not stop the start\n"
               "  --public-url https://HOST[:PORT] (TCPLAB_PUBLIC_URL): only that Host is served\n"
               "  (421 otherwise; /healthz answers any), cookies Secure and HSTS when https;\n"
               "  --allowed-hosts LIST (TCPLAB_ALLOWED_HOSTS): the Host names served besides the\n"
               "  public URL's, comma-separated: tcplab.example.org,*.example.org,10.0.0.5 or *\n"
               "  (any); without either only IP addresses, localhost, *.localhost and names\n"
               "  without a dot are served (others get 421: DNS rebinding);\n"
               "  --metrics (TCPLAB_METRICS=1): serve GET /metrics to everyone (default: 404);\n"
               "  TCPLAB_METRICS_TOKEN: serve it only with \"Authorization: Bearer TOKEN\"\n"
               "  environment: TCPLAB_PORT TCPLAB_BIND TCPLAB_DB TCPLAB_STATIC TCPLAB_LESSONS\n"
               "  TCPLAB_QUIET (flags win); TCPLAB_MAX_BODY (bytes, default 1048576),\n"
               "  TCPLAB_BODY_BUDGET (bytes of bodies buffered at once, default 64 x MAX_BODY),\n"
               "  TCPLAB_RESPONSE_BUDGET (bytes of answers queued and unread, all connections;\n"
               "  past it answers over 16 KiB get 503, default 134217728), TCPLAB_SNDBUF (bytes\n"
               "  of kernel send buffer per connection, default: the system's),\n"
               "  TCPLAB_PER_IP_LIMIT (default CONN_LIMIT/16), TCPLAB_CONN_LIMIT (default 4096),\n"
               "  TCPLAB_THREADS (default: cores), TCPLAB_IDLE_TIMEOUT (seconds, default 30),\n"
               "  TCPLAB_CONN_MEMORY (bytes of buffer per connection, default 16384),\n"
               "  TCPLAB_FRAME_ANCESTORS (LMS origins that may show the pages in an iframe, for\n"
               "  LTI: https://lms.example.edu ...; default: none)\n");
}

/* Parses an unsigned decimal in [min, max]; returns 0 or -1. */
static int parse_uint(const char *s, unsigned long long min, unsigned long long max,
                      unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int env_uint(const char *name, unsigned long long min, unsigned long long max,
                    unsigned long long *out)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    if (parse_uint(v, min, max, out) != 0) {
        fprintf(stderr, "tcplab serve: %s=\"%s\" is not a number in %llu..%llu\n", name, v, min,
                max);
        return -1;
    }
    return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Lets 2,000+ keep-alive connections in: the soft descriptor limit up to the hard one. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static const char *route_names[256];

/* --lessons-sync: the files of a->lessons_dir that changed since the last import become
 * new revisions (lessons_sync.h). Every outcome is logged (also with --quiet, which only
 * silences the access log); none stops the start. */
static void sync_lessons(const app *a)
{
    static const char P[] = "tcplab serve: lessons sync: ";
    char err[512];
    lessons_sync_options opt = {false, NULL, a->static_dir};
    lessons_sync_plan *p = lessons_sync_plan_make(a->store, a->lessons_dir, &opt, err, sizeof err);
    if (!p) {
        fprintf(stderr, "%s%s; nothing imported\n", P, err);
        return;
    }
    size_t n = 0;
    lessons_sync_print_warnings(p, stderr, P);
    int rc = lessons_sync_apply(a->store, p, &n, err, sizeof err);
    if (rc == 1) {
        fprintf(stderr, "%sREFUSED, nothing imported from %s:\n", P, a->lessons_dir);
        lessons_sync_print_refusals(p, stderr, "  ");
        fprintf(stderr, "%sresolve with `tcplab lessons import %s --dry-run` (see its --help)\n", P,
                a->lessons_dir);
    } else if (rc != 0) {
        fprintf(stderr, "%s%s\n", P, err);
    } else {
        for (size_t i = 0; i < p->n; i++) {
            const lessons_sync_entry *e = &p->v[i];
            if (e->state == LESSONS_SYNC_NEW || e->state == LESSONS_SYNC_CHANGED)
                fprintf(stderr, "%s%s %s (by %s)\n", P,
                        e->state == LESSONS_SYNC_NEW ? "new" : "changed", e->name, e->author);
            else if (e->state == LESSONS_SYNC_DB_NEWER)
                fprintf(stderr, "%skept %s: the database is newer (r%lld by %s)\n", P, e->name,
                        (long long)e->db_rev, e->db_author);
        }
        fprintf(stderr, "%simported %zu file%s from %s as new revisions\n", P, n, n == 1 ? "" : "s",
                a->lessons_dir);
    }
    lessons_sync_plan_free(p);
}

int cmd_serve(int argc, char **argv)
{
    unsigned long long port = 8080, max_body = 1024 * 1024, per_ip = 0, conn_limit = 4096,
                       threads = 0, idle = 30, conn_memory = 16384, body_budget = 0,
                       response_budget = 128ULL * 1024 * 1024, sndbuf = 0, tmp;
    const char *bind_addr = env_or("TCPLAB_BIND", "127.0.0.1");
    const char *db = env_or("TCPLAB_DB", "var/tcplab.db");
    const char *static_dir = env_or("TCPLAB_STATIC", NULL);
    const char *lessons_dir = env_or("TCPLAB_LESSONS", NULL);
    const char *quiet_env = getenv("TCPLAB_QUIET");
    const char *metrics_env = getenv("TCPLAB_METRICS");
    const char *sync_env = getenv("TCPLAB_LESSONS_SYNC");
    int lessons_sync = sync_env && *sync_env && strcmp(sync_env, "0") != 0;
    const char *public_url = env_or("TCPLAB_PUBLIC_URL", NULL);
    const char *allowed_hosts = env_or("TCPLAB_ALLOWED_HOSTS", NULL);
    const char *metrics_token = env_or("TCPLAB_METRICS_TOKEN", NULL);
    int metrics_on = metrics_env && *metrics_env && strcmp(metrics_env, "0") != 0;
    int quiet = quiet_env && *quiet_env && strcmp(quiet_env, "0") != 0;

    if (env_uint("TCPLAB_PORT", 0, 65535, &port) ||
        env_uint("TCPLAB_MAX_BODY", 1, 1ULL << 30, &max_body) ||
        env_uint("TCPLAB_BODY_BUDGET", 1, 1ULL << 40, &body_budget) ||
        env_uint("TCPLAB_RESPONSE_BUDGET", 1, 1ULL << 40, &response_budget) ||
        env_uint("TCPLAB_SNDBUF", 1024, 1 << 26, &sndbuf) ||
        env_uint("TCPLAB_PER_IP_LIMIT", 1, 1000000, &per_ip) ||
        env_uint("TCPLAB_CONN_LIMIT", 1, 1000000, &conn_limit) ||
        env_uint("TCPLAB_THREADS", 1, 256, &threads) ||
        env_uint("TCPLAB_IDLE_TIMEOUT", 1, 86400, &idle) ||
        env_uint("TCPLAB_CONN_MEMORY", 4096, 1 << 24, &conn_memory))
        return 2;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            serve_usage(stdout);
            return 0;
        } else if (!strcmp(arg, "--quiet")) {
            quiet = 1;
            continue;
        } else if (!strcmp(arg, "--metrics")) {
            metrics_on = 1;
            continue;
        } else if (!strcmp(arg, "--lessons-sync")) {
            lessons_sync = 1;
            continue;
        }
        if (!next) {
            fprintf(stderr, "tcplab serve: %s needs a value\n", arg);
            serve_usage(stderr);
            return 2;
        }
        if (!strcmp(arg, "--port")) {
            if (parse_uint(next, 0, 65535, &tmp) != 0) {
                fprintf(stderr, "tcplab serve: --port \"%s\" is not a port number (0..65535)\n",
                        next);
                return 2;
            }
            port = tmp;
        } else if (!strcmp(arg, "--bind")) {
            bind_addr = next;
        } else if (!strcmp(arg, "--db")) {
            db = next;
        } else if (!strcmp(arg, "--static")) {
            static_dir = next;
        } else if (!strcmp(arg, "--lessons")) {
            lessons_dir = next;
        } else if (!strcmp(arg, "--public-url")) {
            public_url = next;
        } else if (!strcmp(arg, "--allowed-hosts")) {
            allowed_hosts = next;
        } else {
            fprintf(stderr, "tcplab serve: unknown option \"%s\"\n", arg);
            serve_usage(stderr);
            return 2;
        }
        i++;
    }
    /* Defaults: ./static and ./lessons when present (an explicit folder must exist). */
    if (!static_dir && is_dir("static"))
        static_dir = "static";
    if (!lessons_dir && is_dir("lessons"))
        lessons_dir = "lessons";

    /* folders a crashed or killed server left (its previews and lesson checks) */
    int swept = tempdir_sweep("tcplab-render") + tempdir_sweep("tcplab-lessons");
    if (swept && !quiet)
        fprintf(stderr, "tcplab serve: removed %d temporary folders left by stopped servers\n",
                swept);

    char err[512] = "";
    /* before any response is prepared: HSTS is part of every prepared response */
    if (http_set_public_url(public_url, err, sizeof err) != 0 ||
        http_set_allowed_hosts(allowed_hosts, err, sizeof err) != 0 ||
        /* LTI: the LMS origins that may show TCP Lab in an iframe (request.h) */
        http_set_frame_ancestors(getenv("TCPLAB_FRAME_ANCESTORS"), err, sizeof err) != 0) {
        fprintf(stderr, "tcplab serve: %s\n", err);
        return 2;
    }

    app a;
    memset(&a, 0, sizeof a);
    a.bind = bind_addr;
    a.port = (uint16_t)port;
    a.db_path = db;
    a.static_dir = static_dir;
    a.lessons_dir = lessons_dir;
    a.quiet = quiet;

    int rc = 1;
    server *srv = NULL;

    if (http_route_count > sizeof route_names / sizeof route_names[0]) {
        fprintf(stderr, "tcplab serve: too many routes (%zu)\n", http_route_count);
        return 1;
    }
    for (size_t i = 0; i < http_route_count; i++)
        route_names[i] = http_routes[i].name;
    a.metrics = metrics_new(route_names, http_route_count);
    if (!a.metrics || metrics_set_access(a.metrics, metrics_on, metrics_token) != 0) {
        fprintf(stderr, "tcplab serve: out of memory\n");
        goto out;
    }
    if (static_dir) {
        a.static_files = static_files_load(static_dir, err, sizeof err);
        if (!a.static_files) {
            fprintf(stderr, "tcplab serve: %s\n", err);
            goto out;
        }
    }
    a.store = store_open(db, err, sizeof err);
    if (!a.store) {
        fprintf(stderr, "tcplab serve: cannot open database %s: %s\n", db, err);
        goto out;
    }
    /* LTI 1.3: libcurl, the test-only setting, the tool's first key pair (lti_tool.h) */
    if (lti_tool_setup(a.store, time(NULL), err, sizeof err) != 0 || lti_ags_start(&a) != 0) {
        fprintf(stderr, "tcplab serve: LTI: %s\n", err);
        goto out;
    }
    a.sim_cache = api_sim_cache_new(err, sizeof err);
    if (!a.sim_cache) {
        fprintf(stderr, "tcplab serve: cannot precompute the built-in traces: %s\n", err);
        goto out;
    }
    /* HOOK(lessons): lessons live in the database (lessons_db.h). On first start
     * (no lesson rows yet) the files of --lessons are imported as revision 1; then the set
     * is built from the current revisions (files with errors are skipped with a warning).
     * An unreadable folder is fatal. Saves through the API swap a rebuilt set in. */
    if (a.lessons_dir) {
        size_t imported = 0;
        if (lessons_db_import(a.store, a.lessons_dir, &imported, err, sizeof err) != 0) {
            fprintf(stderr, "tcplab serve: cannot import lessons: %s\n", err);
            goto out;
        }
        if (imported && !a.quiet)
            fprintf(stderr, "tcplab serve: imported %zu lesson files from %s into the database\n",
                    imported, a.lessons_dir);
        if (lessons_sync && !imported)
            sync_lessons(&a);
    } else if (lessons_sync) {
        fprintf(stderr, "tcplab serve: --lessons-sync: no lessons folder (--lessons DIR)\n");
    }
    a.lessons = lessons_db_load(a.store, NULL, err, sizeof err);
    if (!a.lessons) {
        fprintf(stderr, "tcplab serve: cannot load lessons: %s\n", err);
        goto out;
    }

    /* SIGINT/SIGTERM are taken synchronously by sigwait below; block them before the
     * server's threads exist so every thread inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_nofile();

    server_options opt;
    memset(&opt, 0, sizeof opt);
    opt.bind = bind_addr;
    opt.port = (uint16_t)port;
    opt.max_body = (size_t)max_body;
    opt.body_budget = (size_t)body_budget;
    opt.response_budget = (size_t)response_budget;
    opt.sndbuf = (int)sndbuf;
    opt.threads = (unsigned)threads;
    opt.connection_limit = (unsigned)conn_limit;
    opt.per_ip_limit = (unsigned)per_ip;
    opt.idle_timeout_s = (unsigned)idle;
    opt.conn_memory = (size_t)conn_memory;
    opt.quiet = quiet;
    srv = server_start(&a, &opt, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "tcplab serve: %s\n", err);
        goto out;
    }
    a.port = server_port(srv);
    if (strchr(bind_addr, ':'))
        printf("TCP Lab listening on http://[%s]:%u/\n", bind_addr, (unsigned)a.port);
    else
        printf("TCP Lab listening on http://%s:%u/\n", bind_addr, (unsigned)a.port);
    fflush(stdout);

    int sig = 0;
    sigwait(&sigs, &sig);
    if (!quiet)
        fprintf(stderr, "tcplab serve: %s received, finishing in-flight requests\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(srv, GRACE_MS);
    srv = NULL;
    rc = 0;

out:
    server_stop(srv, 0);
    lti_ags_stop(); /* the grade poster, before the store closes */
    api_sim_cache_free(a.sim_cache);
    store_close(a.store);
    static_files_free(a.static_files);
    metrics_free(a.metrics);
    lessons_free(a.lessons);
    return rc;
}
