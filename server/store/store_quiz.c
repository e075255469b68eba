/*
 * store_quiz.c — exam attempts with a race-free attempt limit, and server secrets
 * (see store_quiz.h).
 *
 * Owns: one writer job per exam attempt (store_enqueue_durable): count, then insert, in
 * the writer's transaction; the blocking wait for it; reads of server_secrets.
 * Does not: interpret JSON (the caller's finish callback builds the stored result).
 */
#include "store_quiz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static const char SQL_COUNT[] =
    "SELECT count(*) FROM submissions WHERE kind = ?1 AND ref = ?2 AND user_name = ?3";
static const char SQL_SECRET[] = "SELECT value FROM server_secrets WHERE name = ?1";

typedef struct attempt_job {
    store_job job;                   /* first member */
    const store_quiz_attempt_in *in; /* the caller's; it blocks until done */
    store_waiter wait;
    int attempt;
    int64_t id;
} attempt_job;

static store_status count_rows(store_conn *c, const char *kind, const char *ref, const char *user,
                               int *n)
{
    sqlite3_stmt *st = store_stmt(c, SQL_COUNT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
    int64_t count = 0;
    store_status rc = store_count(c, st, &count, "counting attempts");
    if (rc == STORE_OK)
        *n = (int)count;
    return rc;
}

static store_status attempt_write(store_job *job, store_conn *c)
{
    attempt_job *j = (attempt_job *)job;
    const store_submission_in *in = &j->in->sub;
    int used = 0;
    store_status rc = count_rows(c, in->kind, in->ref, in->user_name, &used);
    if (rc != STORE_OK)
        return rc;
    if (used >= j->in->max_attempts) {
        j->attempt = used;
        return STORE_CONFLICT;
    }
    j->attempt = used + 1;
    double score = 0;
    char *result = j->in->finish(j->in->ctx, j->attempt, &score);
    if (!result)
        return store_set_error("building the attempt's result failed");
    store_submission_in row = *in;
    row.result_json = result;
    row.score = score;
    rc = store_submission_insert(c, &row, &j->id);
    free(result);
    return rc;
}

static void attempt_done(store_job *job, store_status rc)
{
    attempt_job *j = (attempt_job *)job;
    store_waiter_signal(&j->wait, rc);
}

store_status store_quiz_attempt_put(store *s, const store_quiz_attempt_in *in, int *attempt_out,
                                    int64_t *id_out)
{
    *attempt_out = 0;
    if (!in || !in->sub.kind || !in->sub.ref || !in->sub.user_name || !in->sub.actor ||
        !in->finish || in->max_attempts < 1)
        return store_set_error("store_quiz_attempt_put: kind, ref, user_name, actor, finish "
                               "and max_attempts >= 1 are required");
    attempt_job j;
    memset(&j, 0, sizeof j);
    j.job.write = attempt_write;
    j.job.done = attempt_done;
    j.in = in;
    store_waiter_init(&j.wait);
    store_status rc = STORE_ERROR;
    if (store_enqueue_durable(s, &j.job) == 0) {
        rc = store_waiter_wait(&j.wait);
        if (rc == STORE_CONFLICT)
            store_set_error("no attempts left");
        else if (rc != STORE_OK)
            store_set_error("saving the attempt failed");
    }
    store_waiter_cleanup(&j.wait);
    *attempt_out = j.attempt;
    if (rc == STORE_OK && id_out)
        *id_out = j.id;
    return rc;
}

store_status store_quiz_attempts_used(store *s, const char *kind, const char *ref,
                                      const char *user_name, int *n)
{
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    return count_rows(c, kind, ref, user_name, n);
}

typedef struct secret_out {
    const char *name;
    char *out;
    size_t out_size;
} secret_out;

static store_status secret_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)elem;
    const secret_out *o = arg;
    const unsigned char *v = sqlite3_column_text(st, 0);
    size_t n = v ? strlen((const char *)v) : 0;
    if (!v || n + 1 > o->out_size)
        return store_set_error("server secret \"%s\" does not fit", o->name);
    memcpy(o->out, v, n + 1);
    return STORE_OK;
}

store_status store_server_secret(store *s, const char *name, char *out, size_t out_size)
{
    if (out_size)
        out[0] = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SECRET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    secret_out o = {name, out, out_size};
    return store_one(c, st, 0, secret_row, &o, NULL, "reading a server secret");
}
