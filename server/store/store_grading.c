/*
 * store_grading.c — challenges and submissions (see store_grading.h), with group commit.
 *
 * Owns: the submission queue. A caller appends its row and then either becomes the
 * leader (no batch in flight: it takes every queued row of its store, writes them in one
 * durable transaction, publishes each row's result) or waits for a leader to publish
 * its result. No thread of its own; the HTTP worker that arrives first does the work.
 * Does not: interpret JSON.
 */
#include "store_grading.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_SUB_PUT[] =
    "INSERT INTO submissions (kind, ref, user_name, actor, idempotency_key, request_hash, "
    "answer_json, result_json, score, status, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
#define SUB_COLS                                                                             \
    "id, kind, ref, user_name, actor, request_hash, answer_json, result_json, score, status, " \
    "created_at"
static const char SQL_SUB_GET[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ?1";
static const char SQL_SUB_KEY[] =
    "SELECT " SUB_COLS " FROM submissions WHERE actor = ?1 AND idempotency_key = ?2";
static const char SQL_SUB_COUNT[] = "SELECT count(*) FROM submissions";
static const char SQL_CH_PUT[] =
    "INSERT INTO challenges (title, scenario_json, goal_json, points, created_by, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
#define CH_COLS "id, title, scenario_json, goal_json, points, created_by, created_at"
static const char SQL_CH_GET[] = "SELECT " CH_COLS " FROM challenges WHERE id = ?1";
static const char SQL_CH_LIST[] = "SELECT " CH_COLS " FROM challenges ORDER BY id";
static const char SQL_GRADES[] =
    "SELECT user_name, kind, ref, max(score), count(*) FROM submissions "
    "WHERE user_name IS NOT NULL GROUP BY user_name, kind, ref ORDER BY user_name, kind, ref";
static const char SQL_STATS[] =
    "SELECT kind, ref, count(*), avg(score) FROM submissions GROUP BY kind, ref "
    "ORDER BY kind, ref";
static const char SQL_WRONG[] =
    "SELECT answer_json, count(*) AS n FROM submissions WHERE kind = ?1 AND ref = ?2 "
    "AND score < 1 GROUP BY answer_json ORDER BY n DESC, answer_json LIMIT 3";

static char *col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    return strdup((const char *)t);
}

/* ---- group commit ------------------------------------------------------------------------ */

typedef struct pending {
    store *s;
    const store_submission_in *in;
    bool done;
    store_status rc;
    int64_t id;
    struct pending *next;
} pending;

#define GATHER_NS 400000L /* 0.4 ms: small beside a 5 ms fsync, lets a batch fill */

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static pending *q_head;
static bool q_leader;

static store_status insert_one(store_conn *c, const store_submission_in *in, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(c, SQL_SUB_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, in->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->ref, -1, SQLITE_STATIC);
    if (in->user_name)
        sqlite3_bind_text(st, 3, in->user_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->actor, -1, SQLITE_STATIC);
    if (in->idempotency_key)
        sqlite3_bind_text(st, 5, in->idempotency_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, in->request_hash ? in->request_hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, in->answer_json ? in->answer_json : "null", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, in->result_json ? in->result_json : "null", -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 9, in->score);
    sqlite3_bind_int(st, 10, in->status);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)time(NULL));
    store_status rc = STORE_OK;
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_sqlite_error(c, "saving the submission");
    else
        *id = sqlite3_last_insert_rowid(store_conn_db(c));
    store_stmt_release(st);
    return rc;
}

/* Writes `batch` (a list) in one durable transaction, filling each rc/id. */
static void write_batch(store *s, pending *batch)
{
    store_conn *c = store_write_begin(s, true);
    if (!c) {
        for (pending *p = batch; p; p = p->next)
            p->rc = STORE_ERROR;
        return;
    }
    bool any = false;
    for (pending *p = batch; p; p = p->next) {
        p->rc = insert_one(c, p->in, &p->id);
        any |= p->rc == STORE_OK;
    }
    /* A failed INSERT (a duplicate key) undid only itself; the others commit. */
    store_status end = store_write_end(s, c, any);
    if (any && end != STORE_OK)
        for (pending *p = batch; p; p = p->next)
            if (p->rc == STORE_OK)
                p->rc = STORE_ERROR;
}

store_status store_submission_put(store *s, const store_submission_in *in, int64_t *id_out)
{
    if (!in || !in->kind || !in->ref || !in->actor)
        return store_set_error("store_submission_put: kind, ref and actor are required");
    pending me = {s, in, false, STORE_ERROR, 0, NULL};
    pthread_mutex_lock(&q_lock);
    pending **tail = &q_head;
    while (*tail)
        tail = &(*tail)->next;
    *tail = &me;
    while (!me.done) {
        if (q_leader) {
            pthread_cond_wait(&q_cond, &q_lock);
            continue;
        }
        /* Lead: let requests already in flight join (a fraction of one fsync), then
         * take every queued row of this store. */
        q_leader = true;
        pthread_mutex_unlock(&q_lock);
        nanosleep(&(struct timespec){0, GATHER_NS}, NULL);
        pthread_mutex_lock(&q_lock);
        pending *batch = NULL, **bt = &batch;
        for (pending **pp = &q_head; *pp;) {
            pending *p = *pp;
            if (p->s == s) {
                *pp = p->next;
                p->next = NULL;
                *bt = p;
                bt = &p->next;
            } else {
                pp = &p->next;
            }
        }
        pthread_mutex_unlock(&q_lock);
        write_batch(s, batch);
        /* The error text is thread-local: the followers' errors are only the code. */
        pthread_mutex_lock(&q_lock);
        for (pending *p = batch, *next; p; p = next) {
            next = p->next;
            p->done = true;
        }
        q_leader = false;
        pthread_cond_broadcast(&q_cond);
    }
    pthread_mutex_unlock(&q_lock);
    if (me.rc == STORE_OK && id_out)
        *id_out = me.id;
    if (me.rc == STORE_ERROR && !store_last_error()[0])
        store_set_error("saving the submission failed");
    return me.rc;
}

/* ---- reading submissions --------------------------------------------------------------------- */

void store_submission_cleanup(store_submission *sub)
{
    if (!sub)
        return;
    free(sub->kind);
    free(sub->ref);
    free(sub->user_name);
    free(sub->actor);
    free(sub->request_hash);
    free(sub->answer_json);
    free(sub->result_json);
    memset(sub, 0, sizeof *sub);
}

static store_status sub_row(sqlite3_stmt *st, store_submission *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->kind = col_dup(st, 1);
    o->ref = col_dup(st, 2);
    o->user_name = col_dup(st, 3);
    o->actor = col_dup(st, 4);
    o->request_hash = col_dup(st, 5);
    o->answer_json = col_dup(st, 6);
    o->result_json = col_dup(st, 7);
    o->score = sqlite3_column_double(st, 8);
    o->status = sqlite3_column_int(st, 9);
    o->created_at = sqlite3_column_int64(st, 10);
    if (!o->kind || !o->ref || !o->actor || !o->request_hash || !o->answer_json ||
        !o->result_json) {
        store_submission_cleanup(o);
        return store_set_error("out of memory");
    }
    return STORE_OK;
}

static store_status sub_query(store *s, const char *sql, int64_t id, const char *a,
                              const char *b, store_submission *out)
{
    memset(out, 0, sizeof *out);
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, sql);
    if (!st)
        return STORE_ERROR;
    if (a) {
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(st, 1, id);
    }
    store_status rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = sub_row(st, out);
    else if (step == SQLITE_DONE)
        rc = STORE_NOT_FOUND;
    else
        rc = store_sqlite_error(c, "reading the submission");
    store_stmt_release(st);
    return rc;
}

store_status store_submission_get(store *s, int64_t id, store_submission *out)
{
    return sub_query(s, SQL_SUB_GET, id, NULL, NULL, out);
}

store_status store_submission_find_key(store *s, const char *actor, const char *key,
                                       store_submission *out)
{
    return sub_query(s, SQL_SUB_KEY, 0, actor, key, out);
}

store_status store_submission_count(store *s, int64_t *n)
{
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SUB_COUNT);
    if (!st)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = store_sqlite_error(c, "counting submissions");
    store_stmt_release(st);
    return rc;
}

/* ---- challenges -------------------------------------------------------------------------------- */

void store_challenge_cleanup(store_challenge *c)
{
    if (!c)
        return;
    free(c->title);
    free(c->scenario_json);
    free(c->goal_json);
    free(c->created_by);
    memset(c, 0, sizeof *c);
}

store_status store_challenge_put(store *s, const char *title, const char *scenario_json,
                                 const char *goal_json, double points, const char *created_by,
                                 int64_t *id_out)
{
    store_conn *c = store_write_begin(s, true);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_CH_PUT);
    store_status rc = STORE_OK;
    if (!st)
        rc = STORE_ERROR;
    else {
        sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, scenario_json, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, goal_json, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, points);
        sqlite3_bind_text(st, 5, created_by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_sqlite_error(c, "saving the challenge");
        else if (id_out)
            *id_out = sqlite3_last_insert_rowid(store_conn_db(c));
    }
    store_stmt_release(st);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

static store_status ch_row(sqlite3_stmt *st, store_challenge *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->title = col_dup(st, 1);
    o->scenario_json = col_dup(st, 2);
    o->goal_json = col_dup(st, 3);
    o->points = sqlite3_column_double(st, 4);
    o->created_by = col_dup(st, 5);
    o->created_at = sqlite3_column_int64(st, 6);
    if (!o->title || !o->scenario_json || !o->goal_json || !o->created_by) {
        store_challenge_cleanup(o);
        return store_set_error("out of memory");
    }
    return STORE_OK;
}

store_status store_challenge_get(store *s, int64_t id, store_challenge *out)
{
    memset(out, 0, sizeof *out);
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_CH_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    store_status rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = ch_row(st, out);
    else if (step == SQLITE_DONE)
        rc = STORE_NOT_FOUND;
    else
        rc = store_sqlite_error(c, "reading the challenge");
    store_stmt_release(st);
    return rc;
}

store_status store_challenge_list(store *s, store_challenge **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_CH_LIST);
    if (!st)
        return STORE_ERROR;
    store_challenge *arr = NULL;
    size_t count = 0, cap = 0;
    store_status rc = STORE_OK;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 8;
            store_challenge *nn = realloc(arr, cap * sizeof *nn);
            if (!nn) {
                rc = store_set_error("out of memory");
                break;
            }
            arr = nn;
        }
        if ((rc = ch_row(st, &arr[count])) != STORE_OK)
            break;
        count++;
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store_sqlite_error(c, "listing challenges");
    store_stmt_release(st);
    if (rc != STORE_OK) {
        for (size_t i = 0; i < count; i++)
            store_challenge_cleanup(&arr[i]);
        free(arr);
        return rc;
    }
    *out = arr;
    *n = count;
    return STORE_OK;
}

/* ---- grades and statistics ---------------------------------------------------------------------- */

void store_grades_free(store_grade *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++) {
        free(g[i].user_name);
        free(g[i].kind);
        free(g[i].ref);
    }
    free(g);
}

store_status store_grades(store *s, store_grade **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_GRADES);
    if (!st)
        return STORE_ERROR;
    store_grade *arr = NULL;
    size_t count = 0, cap = 0;
    store_status rc = STORE_OK;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            store_grade *nn = realloc(arr, cap * sizeof *nn);
            if (!nn) {
                rc = store_set_error("out of memory");
                break;
            }
            arr = nn;
        }
        store_grade *g = &arr[count++];
        g->user_name = col_dup(st, 0);
        g->kind = col_dup(st, 1);
        g->ref = col_dup(st, 2);
        g->best = sqlite3_column_double(st, 3);
        g->attempts = sqlite3_column_int64(st, 4);
        if (!g->user_name || !g->kind || !g->ref) {
            rc = store_set_error("out of memory");
            break;
        }
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store_sqlite_error(c, "reading grades");
    store_stmt_release(st);
    if (rc != STORE_OK) {
        store_grades_free(arr, count);
        return rc;
    }
    *out = arr;
    *n = count;
    return STORE_OK;
}

void store_stats_free(store_stat *st, size_t n)
{
    for (size_t i = 0; st && i < n; i++) {
        free(st[i].kind);
        free(st[i].ref);
        for (size_t j = 0; j < st[i].wrong_count; j++)
            free(st[i].wrong_answer[j]);
    }
    free(st);
}

store_status store_stats(store *s, store_stat **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_STATS);
    if (!st)
        return STORE_ERROR;
    store_stat *arr = NULL;
    size_t count = 0, cap = 0;
    store_status rc = STORE_OK;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            store_stat *nn = realloc(arr, cap * sizeof *nn);
            if (!nn) {
                rc = store_set_error("out of memory");
                break;
            }
            arr = nn;
        }
        store_stat *x = &arr[count++];
        memset(x, 0, sizeof *x);
        x->kind = col_dup(st, 0);
        x->ref = col_dup(st, 1);
        x->attempts = sqlite3_column_int64(st, 2);
        x->mean = sqlite3_column_double(st, 3);
        if (!x->kind || !x->ref) {
            rc = store_set_error("out of memory");
            break;
        }
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store_sqlite_error(c, "reading statistics");
    store_stmt_release(st);
    for (size_t i = 0; rc == STORE_OK && i < count; i++) {
        sqlite3_stmt *w = store_stmt(c, SQL_WRONG);
        if (!w) {
            rc = STORE_ERROR;
            break;
        }
        sqlite3_bind_text(w, 1, arr[i].kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(w, 2, arr[i].ref, -1, SQLITE_STATIC);
        while ((step = sqlite3_step(w)) == SQLITE_ROW && arr[i].wrong_count < 3) {
            char *a = col_dup(w, 0);
            if (!a) {
                rc = store_set_error("out of memory");
                break;
            }
            arr[i].wrong_answer[arr[i].wrong_count] = a;
            arr[i].wrong_times[arr[i].wrong_count++] = sqlite3_column_int64(w, 1);
        }
        if (rc == STORE_OK && step != SQLITE_DONE && step != SQLITE_ROW)
            rc = store_sqlite_error(c, "reading wrong answers");
        store_stmt_release(w);
    }
    if (rc != STORE_OK) {
        store_stats_free(arr, count);
        return rc;
    }
    *out = arr;
    *n = count;
    return STORE_OK;
}
