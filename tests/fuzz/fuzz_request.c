/*
 * fuzz_request.c — libFuzzer harness: one HTTP request through the router and the
 * handlers, in process, against the real route table and real services.
 *
 * Input, HTTP/1.1-like text:
 *     METHOD SP TARGET "\n"           TARGET = path ["?" query]
 *     (NAME ":" [SP] VALUE "\n")*     request headers (at most FAKE_MAX headers)
 *     "\n"
 *     BODY                            the rest, as it is
 * The harness does what server.c's final callback does before a handler: percent-decodes
 * the path (MHD_http_unescape, as libmicrohttpd does; a decoded NUL is a 404), validates it
 * (router_path_ok), matches it (router_match_path), builds the http_request and calls the
 * handler. http_query/http_header/http_cookie read a fake connection: the link wraps
 * MHD_lookup_connection_value (Makefile: FUZZ_LINK_fuzz_request). Query arguments are split
 * at '&' and '=' and unescaped, '+' becoming a space; cookies come from the Cookie header.
 *
 * Services, made once in LLVMFuzzerInitialize as `tcplab serve` makes them: a store in a
 * fresh temporary directory (on /dev/shm when present; removed at exit), the static files
 * of ./static, the built-in trace cache, metrics, and the lessons of ./lessons imported into
 * the store. Credentials the corpus uses (their literal values are in it):
 *     Authorization: Bearer fuzz-admin-token        (API token, role admin)
 *     Authorization: Bearer fuzz-instructor-token   (API token, role instructor)
 *     Authorization: Bearer fuzz-grader-token       (API token, role grader)
 *     Cookie: tcplab_session=fuzz-session  + X-CSRF-Token: fuzz-csrf   (student "fuzzer")
 * POST /api/v1/login is not called: every login costs an argon2id hash (13–60 ms), which
 * would slow the whole run a hundredfold; the harness answers it 404 itself.
 * Oracles besides the sanitizers: the handler answers (a status in 200..599, or a prepared
 * response); never 500 (bad input must be a 4xx, and nothing here runs out of memory); a
 * problem+json body is a JSON object; a JSON body parses.
 * Does not: exercise libmicrohttpd itself or server.c's pre-handler policing (Transfer-Encoding,
 * Content-Length, body limits), which need a socket (tests/api covers them).
 */
#include "fuzz_common.h"

#include "../../server/app.h"
#include "../../server/grading/auth.h"
#include "../../server/web/api.h"
#include "../../server/http/http.h"
#include "../../server/http/metrics.h"
#include "../../server/http/response.h"
#include "../../server/http/router.h"
#include "../../server/http/static_files.h"
#include "../../server/lessons/lessons.h"
#include "../../server/web/lessons_db.h"
#include "../../server/store/store.h"
#include "../../server/store/store_accounts.h"

#include <jansson.h>
#include <microhttpd.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FAKE_MAX 32

typedef struct fake_conn {
    size_t nh, nq, nc;
    const char *hname[FAKE_MAX], *hval[FAKE_MAX];
    const char *qname[FAKE_MAX], *qval[FAKE_MAX];
    const char *cname[FAKE_MAX], *cval[FAKE_MAX];
} fake_conn;

const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *connection,
                                               enum MHD_ValueKind kind, const char *key);

/* The http.h accessors (server.c) end here; `connection` is always a fake_conn. */
const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *connection,
                                               enum MHD_ValueKind kind, const char *key)
{
    const fake_conn *c = (const fake_conn *)(void *)connection;
    if (!c || !key)
        return NULL;
    if (kind == MHD_HEADER_KIND) {
        for (size_t i = 0; i < c->nh; i++)
            if (strcasecmp(c->hname[i], key) == 0)
                return c->hval[i];
    } else if (kind == MHD_GET_ARGUMENT_KIND) {
        for (size_t i = 0; i < c->nq; i++)
            if (strcmp(c->qname[i], key) == 0)
                return c->qval[i];
    } else if (kind == MHD_COOKIE_KIND) {
        for (size_t i = 0; i < c->nc; i++)
            if (strcmp(c->cname[i], key) == 0)
                return c->cval[i];
    }
    return NULL;
}

static app g_app;
static char g_dir[64], g_db[128];

static void remove_db(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    if (g_app.store)
        store_close(g_app.store);
    g_app.store = NULL;
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", g_db, suffix[i]);
        unlink(p);
    }
    rmdir(g_dir);
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_request: %s: %s\n", what, err);
    exit(1);
}

static void add_token(const char *tok, const char *role, int64_t user_id)
{
    char digest[GRADING_DIGEST_SIZE];
    grading_secret_digest(tok, digest);
    if (store_token_put(g_app.store, tok, role, digest, user_id, (int64_t)time(NULL), NULL) !=
        STORE_OK)
        die("cannot add a token", tok);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[512] = "";
    struct stat st;
    snprintf(g_dir, sizeof g_dir, "%s/tcplab-fuzz-XXXXXX",
             stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                 ? "/dev/shm"
                 : "/tmp");
    if (!mkdtemp(g_dir))
        die("mkdtemp", g_dir);
    snprintf(g_db, sizeof g_db, "%s/t.db", g_dir);
    atexit(remove_db);

    if (grading_crypto_init() != 0)
        die("libsodium", "init failed");
    static const char *names[128];
    if (http_route_count > 128)
        die("routes", "too many");
    for (size_t i = 0; i < http_route_count; i++)
        names[i] = http_routes[i].name;
    g_app.bind = "127.0.0.1";
    g_app.port = 8080;
    g_app.db_path = g_db;
    g_app.static_dir = "static";
    g_app.lessons_dir = "lessons";
    g_app.quiet = 1;
    g_app.metrics = metrics_new(names, http_route_count);
    if (!g_app.metrics)
        die("metrics", "out of memory");
    g_app.static_files = static_files_load("static", err, sizeof err);
    if (!g_app.static_files)
        die("static files (run from the repository root)", err);
    g_app.store = store_open(g_db, err, sizeof err);
    if (!g_app.store)
        die("store", err);
    g_app.sim_cache = api_sim_cache_new(err, sizeof err);
    if (!g_app.sim_cache)
        die("trace cache", err);
    size_t imported = 0;
    if (lessons_db_import(g_app.store, "lessons", &imported, err, sizeof err) != 0)
        die("lessons import", err);
    g_app.lessons = lessons_db_load(g_app.store, NULL, err, sizeof err);
    if (!g_app.lessons)
        die("lessons", err);

    add_token("fuzz-admin-token", "admin", 0);
    add_token("fuzz-instructor-token", "instructor", 0);
    add_token("fuzz-grader-token", "grader", 0);
    int64_t uid = 0;
    /* Any string does as the stored hash: nothing here logs in with a password. */
    if (store_user_add(g_app.store, "fuzzer", "student", "$argon2id$v=19$m=8,t=1,p=1$x$y", &uid) !=
        STORE_OK)
        die("user", "cannot add");
    char digest[GRADING_DIGEST_SIZE];
    grading_secret_digest("fuzz-session", digest);
    int64_t now = (int64_t)time(NULL);
    if (store_session_put(g_app.store, digest, uid, "fuzz-csrf", now, now + 365 * 24 * 3600) !=
        STORE_OK)
        die("session", "cannot add");
    return 0;
}

/* Splits s at each `sep`, then each part at the first `eq`; stores up to FAKE_MAX pairs
 * (modifies s). Returns how many. */
static size_t split_pairs(char *s, char sep, char eq, bool trim, bool unescape, const char **names,
                          const char **vals)
{
    size_t n = 0;
    while (s && *s && n < FAKE_MAX) {
        char *next = strchr(s, sep);
        if (next)
            *next++ = '\0';
        while (trim && *s == ' ')
            s++;
        char *v = strchr(s, eq);
        if (v)
            *v++ = '\0';
        else
            v = s + strlen(s);
        if (unescape) {
            for (char *p = s; *p; p++)
                if (*p == '+')
                    *p = ' ';
            for (char *p = v; *p; p++)
                if (*p == '+')
                    *p = ' ';
            MHD_http_unescape(s);
            MHD_http_unescape(v);
        }
        names[n] = s;
        vals[n] = v;
        n++;
        s = next;
    }
    return n;
}

static void check_response(const http_response *res)
{
    if (res->prepared)
        return;
    FUZZ_CHECK(res->status >= 200 && res->status <= 599, "handler left no status");
    if (res->status == 500)
        fprintf(stderr, "500: %.*s\n", (int)(res->body_len < 400 ? res->body_len : 400),
                res->body ? res->body : "");
    FUZZ_CHECK(res->status != 500, "a request answered 500");
    FUZZ_CHECK(!(res->body && res->static_body), "both body and static_body set");
    const char *b = res->body ? res->body : res->static_body;
    const char *ct = res->content_type ? res->content_type : "";
    if (b && (strstr(ct, "json") != NULL) && res->status != 304) {
        json_error_t jerr;
        json_t *j = json_loadb(b, res->body_len, JSON_DECODE_ANY, &jerr);
        if (!j)
            fprintf(stderr, "bad JSON (%s): %.*s\n", jerr.text,
                    (int)(res->body_len < 400 ? res->body_len : 400), b);
        FUZZ_CHECK(j != NULL, "a JSON response body does not parse");
        if (strstr(ct, "problem+json"))
            FUZZ_CHECK(json_is_object(j), "a problem body is not an object");
        json_decref(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    size_t body_off;
    size_t head_len = fuzz_split(data, size, "\n\n", &body_off);
    text[head_len] = '\0'; /* head: text[0..head_len); body: data[body_off..size) */

    char *line_end = strchr(text, '\n');
    if (line_end)
        *line_end = '\0';
    char *sp = strchr(text, ' ');
    if (!sp || sp == text) {
        free(text);
        return 0;
    }
    *sp = '\0';
    const char *method = text;
    char *target = sp + 1;
    char *query = strchr(target, '?');
    if (query)
        *query++ = '\0';

    fake_conn c = {0};
    char *h = line_end ? line_end + 1 : NULL;
    while (h && *h && c.nh < FAKE_MAX) {
        char *next = strchr(h, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strchr(h, ':');
        if (colon) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            c.hname[c.nh] = h;
            c.hval[c.nh] = v;
            c.nh++;
        }
        h = next;
    }
    char *cookie_copy = NULL;
    for (size_t i = 0; i < c.nh; i++)
        if (strcasecmp(c.hname[i], "Cookie") == 0) {
            cookie_copy = strdup(c.hval[i]);
            if (!cookie_copy)
                abort();
            c.nc = split_pairs(cookie_copy, ';', '=', true, false, c.cname, c.cval);
            break;
        }
    if (query)
        c.nq = split_pairs(query, '&', '=', false, true, c.qname, c.qval);

    size_t raw_len = strlen(target);
    bool raw_nul = strstr(target, "%00") != NULL;
    size_t path_len = MHD_http_unescape(target);
    (void)raw_len;

    bool login = strcmp(method, "POST") == 0 && strcmp(target, "/api/v1/login") == 0;
    if (!raw_nul && path_len == strlen(target) && !login && router_path_ok(target)) {
        size_t buf_size = path_len + HTTP_MAX_PARAMS + 1;
        char *buf = malloc(buf_size);
        if (!buf)
            abort();
        router_match m;
        if (router_match_path(http_routes, http_route_count, method, target, buf, buf_size, &m) ==
            ROUTER_FOUND) {
            char *body = fuzz_strndup(data + body_off, size - body_off);
            http_request req;
            memset(&req, 0, sizeof req);
            req.method = method;
            req.path = target;
            req.body = body;
            req.body_len = size - body_off;
            for (size_t i = 0; i < m.param_count; i++)
                req.params[i] = m.params[i];
            req.param_count = m.param_count;
            req.app = &g_app;
            req.conn = &c;
            req.client_ip = "127.0.0.1";
            http_response res;
            memset(&res, 0, sizeof res);
            http_routes[m.index].handler(&req, &res);
            check_response(&res);
            response_cleanup(&res);
            free(body);
        }
        free(buf);
    }
    free(cookie_copy);
    free(text);
    return 0;
}
