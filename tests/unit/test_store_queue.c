/*
 * test_store_queue.c — the store's durable queue (store_enqueue_durable, group commit) as
 * store_submission_put_async uses it: every queued row gets exactly one `done`, after its
 * commit; a row whose key is taken fails alone (STORE_CONFLICT) while the rest of its
 * batch commits; store_close runs what is still queued before it returns.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/store/store.h"
#include "../../server/store/store_grading.h"
#include "test_store_fixture.h"
#include "testlib.h"

#define QN 40

typedef struct tally {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls[QN];
    store_status rc[QN];
    int64_t id[QN];
    int finished;
} tally;

typedef struct slot {
    tally *t;
    int i;
} slot;

static void on_done(void *arg, store_status rc, int64_t id)
{
    slot *sl = arg;
    tally *t = sl->t;
    pthread_mutex_lock(&t->lock);
    t->calls[sl->i]++;
    t->rc[sl->i] = rc;
    t->id[sl->i] = id;
    t->finished++;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

TEST(store_queue_async_rows_commit_once_and_conflict_alone)
{
    test_db q;
    CHECK_EQ_INT(test_db_open(&q, "sq"), 0);
    if (!q.s)
        return;
    tally t;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    pthread_cond_init(&t.cond, NULL);
    slot slots[QN];
    for (int i = 0; i < QN; i++) {
        char key[16];
        /* rows 0 and 1 share a key: exactly one of them may be stored */
        snprintf(key, sizeof key, "k%d", i < 2 ? 0 : i);
        store_submission_in in = {"challenge", "1",  "alice", "token:1", key,
                                  "h",         "[]", "{}",    0.5,       201};
        slots[i] = (slot){&t, i};
        CHECK_EQ_INT(store_submission_put_async(q.s, &in, on_done, &slots[i]), STORE_OK);
    }
    pthread_mutex_lock(&t.lock);
    while (t.finished < QN)
        pthread_cond_wait(&t.cond, &t.lock);
    pthread_mutex_unlock(&t.lock);
    int ok = 0, conflict = 0;
    for (int i = 0; i < QN; i++) {
        CHECK_EQ_INT(t.calls[i], 1);
        ok += t.rc[i] == STORE_OK;
        conflict += t.rc[i] == STORE_CONFLICT;
        if (t.rc[i] == STORE_OK) {
            store_submission sub;
            CHECK_EQ_INT(store_submission_get(q.s, t.id[i], &sub), STORE_OK);
            store_submission_cleanup(&sub);
        }
    }
    CHECK_EQ_INT(ok, QN - 1);
    CHECK_EQ_INT(conflict, 1);
    CHECK(t.rc[0] == STORE_CONFLICT || t.rc[1] == STORE_CONFLICT);
    int64_t n = 0;
    CHECK_EQ_INT(store_submission_count(q.s, &n), STORE_OK);
    CHECK_EQ_INT((int)n, QN - 1);
    store_close(q.s);
    pthread_cond_destroy(&t.cond);
    pthread_mutex_destroy(&t.lock);
    test_db_remove(&q);
}

TEST(store_queue_close_runs_what_is_queued)
{
    test_db q;
    CHECK_EQ_INT(test_db_open(&q, "sq"), 0);
    if (!q.s)
        return;
    tally t;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    pthread_cond_init(&t.cond, NULL);
    slot slots[QN];
    for (int i = 0; i < QN; i++) {
        store_submission_in in = {"quiz", "q1", NULL, "user:bob", NULL, "h", "1", "{}", 1.0, 200};
        slots[i] = (slot){&t, i};
        CHECK_EQ_INT(store_submission_put_async(q.s, &in, on_done, &slots[i]), STORE_OK);
    }
    store_close(q.s); /* no waiting first: close must run the queue */
    CHECK_EQ_INT(t.finished, QN);
    for (int i = 0; i < QN; i++)
        CHECK_EQ_INT(t.rc[i], STORE_OK);
    char err[256];
    q.s = store_open(q.db, err, sizeof err);
    CHECK(q.s != NULL);
    if (q.s) {
        int64_t n = 0;
        CHECK_EQ_INT(store_submission_count(q.s, &n), STORE_OK);
        CHECK_EQ_INT((int)n, QN);
        store_close(q.s);
    }
    pthread_cond_destroy(&t.cond);
    pthread_mutex_destroy(&t.lock);
    test_db_remove(&q);
}
