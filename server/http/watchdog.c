/*
 * watchdog.c — the request deadline thread (contract and reasoning in watchdog.h).
 *
 * Owns: the watch list under wd->lock and the thread that shuts down late connections.
 * Does not: close sockets or free watches (MHD and server.c do), or know MHD.
 */
#include "watchdog.h"

#include <stdio.h>
#include <sys/socket.h>

long long watch_ms_of(const struct timespec *ts)
{
    return (long long)ts->tv_sec * 1000LL + ts->tv_nsec / 1000000L;
}

long long watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return watch_ms_of(&ts);
}

/* Only the log line reads `what`, so the two stores need not be one atomic step. */
void watch_set_due(conn_watch *w, long long due, int what, bool earlier_only)
{
    if (!w || !w->linked)
        return;
    if (!earlier_only) {
        atomic_store_explicit(&w->due_what, what, memory_order_relaxed);
        atomic_store_explicit(&w->due_ms, due, memory_order_relaxed);
        return;
    }
    long long cur = atomic_load_explicit(&w->due_ms, memory_order_relaxed);
    while (cur == 0 || cur > due) {
        if (atomic_compare_exchange_weak(&w->due_ms, &cur, due)) {
            atomic_store_explicit(&w->due_what, what, memory_order_relaxed);
            break;
        }
    }
}

static void *watchdog_main(void *arg)
{
    watchdog *wd = arg;
    long long shortest = wd->head_ms;
    if (wd->body_ms && (!shortest || wd->body_ms < shortest))
        shortest = wd->body_ms;
    long long tick = shortest / 8;
    if (tick < 50)
        tick = 50;
    if (tick > 250)
        tick = 250;
    pthread_mutex_lock(&wd->lock);
    while (!wd->stop) {
        long long now = watch_now_ms();
        for (conn_watch *w = wd->head; w; w = w->next) {
            long long due = atomic_load_explicit(&w->due_ms, memory_order_relaxed);
            if (w->cut || due == 0 || now < due)
                continue;
            w->cut = true;
            shutdown(w->fd, SHUT_RDWR);
            bool body = atomic_load_explicit(&w->due_what, memory_order_relaxed) == WATCH_BODY;
            if (!wd->quiet)
                fprintf(stderr,
                        "tcplab: http: closed a connection from %s: no complete request %s "
                        "within %lld ms\n",
                        w->ip, body ? "body" : "head", body ? wd->body_ms : wd->head_ms);
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)(tick * 1000000LL);
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&wd->cv, &wd->lock, &until);
    }
    pthread_mutex_unlock(&wd->lock);
    return NULL;
}

void watchdog_init(watchdog *wd, long long head_ms, long long body_ms, bool quiet)
{
    wd->head_ms = head_ms;
    wd->body_ms = body_ms;
    wd->quiet = quiet;
    wd->head = NULL;
    wd->stop = false;
    wd->running = false;
    pthread_mutex_init(&wd->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&wd->cv, &ca);
    pthread_condattr_destroy(&ca);
}

int watchdog_start(watchdog *wd)
{
    if (!wd->head_ms && !wd->body_ms)
        return 0;
    if (pthread_create(&wd->thread, NULL, watchdog_main, wd) != 0)
        return -1;
    wd->running = true;
    return 0;
}

void watchdog_link(watchdog *wd, conn_watch *w)
{
    atomic_init(&w->due_what, WATCH_HEAD);
    atomic_init(&w->due_ms, wd->head_ms ? watch_now_ms() + wd->head_ms : 0);
    pthread_mutex_lock(&wd->lock);
    w->prev = NULL;
    w->next = wd->head;
    if (w->next)
        w->next->prev = w;
    wd->head = w;
    w->linked = true;
    pthread_mutex_unlock(&wd->lock);
}

void watchdog_unlink(watchdog *wd, conn_watch *w)
{
    if (!w->linked)
        return;
    pthread_mutex_lock(&wd->lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        wd->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->linked = false;
    pthread_mutex_unlock(&wd->lock);
}

void watchdog_stop(watchdog *wd)
{
    if (!wd->running)
        return;
    pthread_mutex_lock(&wd->lock);
    wd->stop = true;
    pthread_cond_signal(&wd->cv);
    pthread_mutex_unlock(&wd->lock);
    pthread_join(wd->thread, NULL);
    wd->running = false;
}

void watchdog_destroy(watchdog *wd)
{
    pthread_cond_destroy(&wd->cv);
    pthread_mutex_destroy(&wd->lock);
}
