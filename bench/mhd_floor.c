/*
 * mhd_floor.c — the benchmark's control: the least a libmicrohttpd server can do per request.
 *
 * bench/http.sh runs it beside tcplab and nginx so that each row shows how far the library
 * itself gets against nginx with the same bytes, and how much of that tcplab keeps. It
 * holds each file in memory and answers a GET for its path with one prepared response
 * (Content-Type only), made once and reused like tcplab's. The daemon is set up as
 * tcplab's is (server/http/server.c): an epoll thread pool sized to the cores, 16 KiB of
 * connection memory, an idle timeout, the response queued once the request is complete.
 *
 * It deliberately does nothing else — no routing table, ETags, compression negotiation,
 * logs, metrics, limits or error bodies: it is a measuring stick, not a server.
 *
 * usage: build/bench_mhd_floor PORT URLPATH=FILE [URLPATH=FILE ...]
 * Listens on 127.0.0.1 only; prints "listening on http://127.0.0.1:PORT/" when ready;
 * stops on SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLOOR_MAX_FILES 16

typedef struct {
    const char *path;              /* URL path, e.g. "/static.file" */
    struct MHD_Response *response; /* made once, queued by every request */
} floor_file;

static floor_file files[FLOOR_MAX_FILES];
static int n_files;
static struct MHD_Response *not_found; /* empty body */

/* Reads all of `name` into a new buffer; NULL on failure (reason on stderr). */
static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(name, "rb");
    if (!f) {
        perror(name);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "%s: read failed\n", name);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".css") == 0)
        return "text/css";
    if (dot && strcmp(dot, ".js") == 0)
        return "text/javascript";
    if (dot && strcmp(dot, ".json") == 0)
        return "application/json";
    return "application/octet-stream";
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    (void)cls;
    (void)version;
    (void)upload;
    if (*req_cls == NULL) { /* headers are in: answer once the request is complete */
        *req_cls = &n_files;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "GET") == 0)
        for (int i = 0; i < n_files; i++)
            if (strcmp(url, files[i].path) == 0)
                return MHD_queue_response(conn, MHD_HTTP_OK, files[i].response);
    return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, not_found);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 2 > FLOOR_MAX_FILES) {
        fprintf(stderr, "usage: %s PORT URLPATH=FILE [URLPATH=FILE ...] (at most %d)\n", argv[0],
                FLOOR_MAX_FILES);
        return 2;
    }
    int port = atoi(argv[1]);
    not_found = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || argv[i][0] != '/') {
            fprintf(stderr, "%s: expected URLPATH=FILE, e.g. /static.file=www/static.file\n",
                    argv[i]);
            return 2;
        }
        *eq = '\0';
        size_t len;
        char *body = slurp(eq + 1, &len);
        if (!body)
            return 1;
        struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!r || MHD_add_response_header(r, "Content-Type", content_type(eq + 1)) != MHD_YES) {
            fprintf(stderr, "%s: could not make the response\n", eq + 1);
            return 1;
        }
        files[n_files].path = argv[i];
        files[n_files].response = r;
        n_files++;
    }
    /* SIGINT/SIGTERM blocked before the daemon's threads start (they inherit the mask), so
     * only sigwait below receives them. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD, (uint16_t)port, NULL, NULL, handle, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)(cores > 0 ? cores : 1), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)16 * 1024, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)10000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_floor: could not start on port %d\n", port);
        return 1;
    }
    printf("listening on http://127.0.0.1:%d/\n", port);
    fflush(stdout);
    int sig;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(not_found);
    for (int i = 0; i < n_files; i++)
        MHD_destroy_response(files[i].response);
    return 0;
}
