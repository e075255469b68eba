/*
 * watchdog.h — request-head and request-body deadlines against slowloris, for the server
 * (server.c); not for handlers.
 *
 * MHD 0.9.75 has only an idle timeout, and every byte received restarts it, so a client
 * that trickles its request head or body (1 byte/s) holds a connection and its 16 KiB pool
 * for hours. Each connection gets a deadline for a complete request head
 * (TCPLAB_HEADER_TIMEOUT) and, for a request with a body, one for the complete body
 * (TCPLAB_BODY_TIMEOUT, counted from the end of the head); server.c moves it:
 *   - accepted (NOTIFY_STARTED): due = now + head timeout;
 *   - request line seen (URI log callback, also for later requests on a kept-alive
 *     connection): due = now + head timeout, unless an earlier deadline runs;
 *   - head complete (first access-handler call): due = now + body timeout when a body is
 *     announced (Content-Length > 0, or chunked), else none;
 *   - whole request received (final access-handler call): none while it is served;
 *   - request done (NOTIFY_COMPLETED): due = now + idle timeout + head timeout, so an idle
 *     keep-alive connection is left to MHD's idle timeout, but one that trickles the next
 *     request line is cut at most a head timeout later.
 * A thread scans the list a few times a second and calls shutdown(fd, SHUT_RDWR) on
 * connections past their deadline. It never closes or frees anything: MHD sees the
 * socket's end of file on its own thread and closes the connection the normal way
 * (callbacks, metrics, per-IP counts).
 * Why shutdown on the fd is safe with MHD 0.9.75: MHD calls NOTIFY_CLOSED on the
 * connection's thread before it close()s the socket (MHD_cleanup_connections and the
 * new-connection error path), and the server unlinks the watch there (watchdog_unlink,
 * under the lock). The thread holds the lock while it calls shutdown, so a linked watch's
 * fd is still that connection's open socket — it cannot have been closed and reused for
 * another connection. MHD's struct MHD_Connection itself is never touched from here.
 *
 * Owns: the watch list, its lock and the thread. Does not: know MHD.
 */
#ifndef TCPLAB_WATCHDOG_H
#define TCPLAB_WATCHDOG_H

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

enum { WATCH_HEAD, WATCH_BODY };

/* One open connection: its peer address (looked up once, not per request) and what the
 * watchdog sees of it. The connection's socket_context points to it from MHD's
 * NOTIFY_STARTED to its NOTIFY_CLOSED; while the deadline is on it is also linked. */
typedef struct conn_watch {
    struct conn_watch *prev, *next;
    int fd;                    /* the connection's socket; valid while linked */
    atomic_llong due_ms;       /* monotonic ms by which the head or body is due; 0: none */
    atomic_int due_what;       /* WATCH_HEAD or WATCH_BODY: what is due (for the log line) */
    bool cut;                  /* the watchdog has shut it down */
    bool linked;               /* in the watch list (the deadline is on) */
    char ip[INET6_ADDRSTRLEN]; /* the peer's address, for http_request.client_ip */
} conn_watch;

typedef struct watchdog {
    long long head_ms, body_ms; /* the deadlines; 0: off */
    bool quiet;                 /* no log line per cut connection */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    conn_watch *head;
    bool stop;
    bool running;
    pthread_t thread;
} watchdog;

/* Monotonic milliseconds of `ts` / of now. */
long long watch_ms_of(const struct timespec *ts);
long long watch_now_ms(void);

/* Sets the deadline (0: none) for `what` (WATCH_HEAD/WATCH_BODY); with `earlier_only`,
 * only when none runs or it is later. A NULL or unlinked watch is left alone. */
void watch_set_due(conn_watch *w, long long due, int what, bool earlier_only);

/* Sets up `wd` (no thread yet). */
void watchdog_init(watchdog *wd, long long head_ms, long long body_ms, bool quiet);
/* Starts the thread when a deadline is on. 0, or -1 when it cannot be created. */
int watchdog_start(watchdog *wd);
/* Links `w` (its fd and ip set; due_ms is set to now + head deadline) / unlinks it
 * (before its socket is closed). Any thread. */
void watchdog_link(watchdog *wd, conn_watch *w);
void watchdog_unlink(watchdog *wd, conn_watch *w);
/* Stops and joins the thread (if running); then watchdog_destroy frees the lock. */
void watchdog_stop(watchdog *wd);
void watchdog_destroy(watchdog *wd);

#endif
