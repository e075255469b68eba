/*
 * store_grading.c — challenges and submissions (see store_grading.h), with group commit.
 *
 * Owns: the submission rows handed to the store's writer thread (store_enqueue_durable):
 * every row queued while the previous batch committed goes into the next durable
 * transaction (one fsync per batch). store_submission_put_async copies the row and returns
 * at once; store_submission_put waits for its row's commit.
 * Does not: interpret JSON.
 */
#include "store_grading.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_SUB_PUT[] =
    "INSERT INTO submissions (kind, ref, user_name, actor, idempotency_key, request_hash, "
    "answer_json, result_json, score, status, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
#define SUB_COLS                                                                                   \
    "id, kind, ref, user_name, actor, request_hash, answer_json, result_json, score, status, "     \
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
/* grade_cells holds max(score) and count(*) of every (user_name, kind, ref) of submissions,
 * kept by a trigger as rows arrive (migration 11): the gradebook reads it without grouping. */
static const char SQL_GRADES[] = "SELECT user_name, kind, ref, best, attempts FROM grade_cells "
                                 "ORDER BY user_name, kind, ref";
/* The members of section ?1: its students and the removed students who were in it. */
#define SECTION_MEMBERS                                                                            \
    "WITH m(name) AS (SELECT name FROM users WHERE role = 'student' AND section = ?1 "             \
    "UNION SELECT name FROM roster_removed WHERE section = ?1) "
static const char SQL_GRADES_SECTION[] =
    SECTION_MEMBERS "SELECT g.user_name, g.kind, g.ref, g.best, g.attempts FROM m "
                    "JOIN grade_cells g ON g.user_name = m.name "
                    "ORDER BY g.user_name, g.kind, g.ref";
static const char SQL_HISTORY[] = "SELECT " SUB_COLS " FROM submissions WHERE user_name = ?1 "
                                  "ORDER BY id DESC LIMIT ?2";
/* Per (kind, ref): attempts, mean score, students, students with a full score. The
 * submissions_ref_user index holds every column, in the order the DISTINCTs need. */
static const char SQL_STATS[] =
    "SELECT kind, ref, count(*), avg(score), count(DISTINCT user_name), "
    "count(DISTINCT CASE WHEN score >= 1 THEN user_name END) FROM submissions GROUP BY kind, ref "
    "ORDER BY kind, ref";
static const char SQL_STATS_SECTION[] =
    SECTION_MEMBERS "SELECT s.kind, s.ref, count(*), avg(s.score), count(DISTINCT s.user_name), "
                    "count(DISTINCT CASE WHEN s.score >= 1 THEN s.user_name END) FROM m "
                    "JOIN submissions s ON s.user_name = m.name GROUP BY s.kind, s.ref "
                    "ORDER BY s.kind, s.ref";
/* The three most common wrong answers of every (kind, ref), in one statement (the partial
 * index submissions_wrong holds the wrong ones by kind, ref, answer). */
#define WRONG_RANKED(FROM, P)                                                                      \
    "SELECT kind, ref, answer_json, n FROM (SELECT " P "kind AS kind, " P "ref AS ref, " P         \
    "answer_json AS answer_json, count(*) AS n, row_number() OVER (PARTITION BY " P "kind, " P     \
    "ref ORDER BY count(*) DESC, " P "answer_json) AS r " FROM " AND " P "score < 1 GROUP BY " P   \
    "kind, " P "ref, " P "answer_json) WHERE r <= 3 "                                              \
    "ORDER BY kind, ref, r"
static const char SQL_WRONG[] = WRONG_RANKED("FROM submissions WHERE 1", "");
static const char SQL_WRONG_SECTION[] =
    SECTION_MEMBERS WRONG_RANKED("FROM m JOIN submissions s ON s.user_name = m.name WHERE 1", "s.");

/* ---- group commit (the store's writer thread, store_enqueue_durable) ------------------------- */

store_status store_submission_insert(store_conn *c, const store_submission_in *in, int64_t *id)
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
    return store_exec(c, st, "saving the submission", NULL, id);
}

typedef struct sub_job {
    store_job job;          /* first member: the job is the sub_job */
    store_submission_in in; /* strings point into `text` */
    store_submission_done done;
    void *arg;
    int64_t id;
    char text[];
} sub_job;

static store_status sub_write(store_job *job, store_conn *c)
{
    sub_job *j = (sub_job *)job;
    return store_submission_insert(c, &j->in, &j->id);
}

static void sub_done(store_job *job, store_status rc)
{
    sub_job *j = (sub_job *)job;
    j->done(j->arg, rc, rc == STORE_OK ? j->id : 0);
    free(j);
}

/* Copies `src` (may be NULL) to *at, returns where it went (NULL for NULL). */
static const char *put_str(char **at, const char *src)
{
    if (!src)
        return NULL;
    size_t n = strlen(src) + 1;
    memcpy(*at, src, n);
    const char *r = *at;
    *at += n;
    return r;
}

store_status store_submission_put_async(store *s, const store_submission_in *in,
                                        store_submission_done done, void *arg)
{
    if (!in || !in->kind || !in->ref || !in->actor || !done)
        return store_set_error("store_submission_put: kind, ref, actor and done are required");
    const char *strs[] = {
        in->kind,         in->ref,         in->user_name,  in->actor, in->idempotency_key,
        in->request_hash, in->answer_json, in->result_json};
    size_t total = 0;
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        total += strs[i] ? strlen(strs[i]) + 1 : 0;
    sub_job *j = malloc(sizeof *j + total);
    if (!j)
        return store_set_error("out of memory");
    memset(j, 0, sizeof *j);
    char *at = j->text;
    j->in.kind = put_str(&at, in->kind);
    j->in.ref = put_str(&at, in->ref);
    j->in.user_name = put_str(&at, in->user_name);
    j->in.actor = put_str(&at, in->actor);
    j->in.idempotency_key = put_str(&at, in->idempotency_key);
    j->in.request_hash = put_str(&at, in->request_hash);
    j->in.answer_json = put_str(&at, in->answer_json);
    j->in.result_json = put_str(&at, in->result_json);
    j->in.score = in->score;
    j->in.status = in->status;
    j->job.write = sub_write;
    j->job.done = sub_done;
    j->done = done;
    j->arg = arg;
    if (store_enqueue_durable(s, &j->job) != 0) {
        free(j);
        return STORE_ERROR;
    }
    return STORE_OK;
}

/* A caller of the blocking store_submission_put waiting for its row. */
typedef struct waiter {
    store_waiter base;
    int64_t id;
} waiter;

static void waiter_done(void *arg, store_status rc, int64_t id)
{
    waiter *w = arg;
    w->id = id;
    store_waiter_signal(&w->base, rc);
}

store_status store_submission_put(store *s, const store_submission_in *in, int64_t *id_out)
{
    waiter w = {.id = 0};
    store_waiter_init(&w.base);
    store_status rc = store_submission_put_async(s, in, waiter_done, &w);
    if (rc == STORE_OK) {
        rc = store_waiter_wait(&w.base);
        /* The error text is thread-local (the writer's): only the code crosses over. */
        if (rc == STORE_CONFLICT)
            store_set_error("saving the submission: the idempotency key is taken");
        else if (rc != STORE_OK)
            store_set_error("saving the submission failed");
    }
    store_waiter_cleanup(&w.base);
    if (rc == STORE_OK && id_out)
        *id_out = w.id;
    return rc;
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

static store_status sub_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_submission *o = elem;
    o->id = sqlite3_column_int64(st, 0);
    o->kind = store_col_dup(st, 1);
    o->ref = store_col_dup(st, 2);
    o->user_name = store_col_dup(st, 3);
    o->actor = store_col_dup(st, 4);
    o->request_hash = store_col_dup(st, 5);
    o->answer_json = store_col_dup(st, 6);
    o->result_json = store_col_dup(st, 7);
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

static void sub_clean(void *elem)
{
    store_submission_cleanup(elem);
}

static store_status sub_query(store *s, const char *sql, int64_t id, const char *a, const char *b,
                              store_submission *out)
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
    return store_one(c, st, sizeof *out, sub_row, NULL, out, "reading the submission");
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
    return store_count(c, store_stmt(c, SQL_SUB_COUNT), n, "counting submissions");
}

/* ---- challenges --------------------------------------------------------------------------------
 */

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
    if (st) {
        sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, scenario_json, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, goal_json, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, points);
        sqlite3_bind_text(st, 5, created_by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    }
    store_status rc = store_exec(c, st, "saving the challenge", NULL, id_out);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    return rc != STORE_OK ? rc : end;
}

static store_status ch_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_challenge *o = elem;
    o->id = sqlite3_column_int64(st, 0);
    o->title = store_col_dup(st, 1);
    o->scenario_json = store_col_dup(st, 2);
    o->goal_json = store_col_dup(st, 3);
    o->points = sqlite3_column_double(st, 4);
    o->created_by = store_col_dup(st, 5);
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
    return store_one(c, st, sizeof *out, ch_row, NULL, out, "reading the challenge");
}

static void ch_clean(void *elem)
{
    store_challenge_cleanup(elem);
}

store_status store_challenge_list(store *s, store_challenge **out, size_t *n)
{
    return store_list_all(s, SQL_CH_LIST, sizeof **out, ch_row, ch_clean, (void **)out, n,
                          "listing challenges");
}

/* ---- grades and statistics ----------------------------------------------------------------------
 */

static void grade_clean(void *elem)
{
    store_grade *g = elem;
    free(g->user_name);
    free(g->kind);
    free(g->ref);
}

void store_grades_free(store_grade *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        grade_clean(&g[i]);
    free(g);
}

static store_status grade_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_grade *g = elem;
    g->user_name = store_col_dup(st, 0);
    g->kind = store_col_dup(st, 1);
    g->ref = store_col_dup(st, 2);
    g->best = sqlite3_column_double(st, 3);
    g->attempts = sqlite3_column_int64(st, 4);
    if (!g->user_name || !g->kind || !g->ref) {
        grade_clean(g);
        return store_set_error("out of memory");
    }
    return STORE_OK;
}

store_status store_grades(store *s, store_grade **out, size_t *n)
{
    return store_grades_section(s, NULL, out, n);
}

store_status store_grades_section(store *s, const char *section, store_grade **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, section ? SQL_GRADES_SECTION : SQL_GRADES);
    if (st && section)
        sqlite3_bind_text(st, 1, section, -1, SQLITE_STATIC);
    return store_collect(c, st, sizeof **out, grade_row, NULL, grade_clean, (void **)out, n,
                         "reading grades");
}

store_status store_submission_history(store *s, const char *user_name, int limit,
                                      store_submission **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_HISTORY);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, user_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    return store_collect(c, st, sizeof **out, sub_row, NULL, sub_clean, (void **)out, n,
                         "reading the attempt history");
}

void store_submissions_free(store_submission *subs, size_t n)
{
    for (size_t i = 0; subs && i < n; i++)
        store_submission_cleanup(&subs[i]);
    free(subs);
}

static void stat_clean(void *elem)
{
    store_stat *x = elem;
    free(x->kind);
    free(x->ref);
    for (size_t j = 0; j < x->wrong_count; j++)
        free(x->wrong_answer[j]);
}

void store_stats_free(store_stat *st, size_t n)
{
    for (size_t i = 0; st && i < n; i++)
        stat_clean(&st[i]);
    free(st);
}

static store_status stat_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_stat *x = elem;
    x->kind = store_col_dup(st, 0);
    x->ref = store_col_dup(st, 1);
    x->attempts = sqlite3_column_int64(st, 2);
    x->mean = sqlite3_column_double(st, 3);
    x->students = sqlite3_column_int64(st, 4);
    x->students_right = sqlite3_column_int64(st, 5);
    if (!x->kind || !x->ref) {
        stat_clean(x);
        return store_set_error("out of memory");
    }
    return STORE_OK;
}

/* The order of (kind, ref) in SQLite's BINARY collation. */
static int stat_cmp(const store_stat *x, const char *kind, const char *ref)
{
    int k = strcmp(x->kind, kind);
    return k ? k : strcmp(x->ref, ref);
}

store_status store_stats(store *s, store_stat **out, size_t *n)
{
    return store_stats_section(s, NULL, out, n);
}

store_status store_stats_section(store *s, const char *section, store_stat **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    store_stat *arr;
    size_t count;
    sqlite3_stmt *q = store_stmt(c, section ? SQL_STATS_SECTION : SQL_STATS);
    if (q && section)
        sqlite3_bind_text(q, 1, section, -1, SQLITE_STATIC);
    store_status rc = store_collect(c, q, sizeof *arr, stat_row, NULL, stat_clean, (void **)&arr,
                                    &count, "reading statistics");
    if (rc != STORE_OK)
        return rc;
    /* the ranked wrong answers come in the same (kind, ref) order as arr */
    sqlite3_stmt *w = store_stmt(c, section ? SQL_WRONG_SECTION : SQL_WRONG);
    if (!w)
        rc = STORE_ERROR;
    else if (section)
        sqlite3_bind_text(w, 1, section, -1, SQLITE_STATIC);
    size_t i = 0;
    int step = SQLITE_DONE;
    while (rc == STORE_OK && (step = sqlite3_step(w)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(w, 0);
        const char *ref = (const char *)sqlite3_column_text(w, 1);
        if (!kind || !ref)
            continue;
        while (i < count && stat_cmp(&arr[i], kind, ref) < 0)
            i++;
        if (i == count || stat_cmp(&arr[i], kind, ref) != 0 || arr[i].wrong_count >= 3)
            continue;
        char *a = store_col_dup(w, 2);
        if (!a) {
            rc = store_set_error("out of memory");
            break;
        }
        arr[i].wrong_answer[arr[i].wrong_count] = a;
        arr[i].wrong_times[arr[i].wrong_count++] = sqlite3_column_int64(w, 3);
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store_sqlite_error(c, "reading wrong answers");
    if (w)
        store_stmt_release(w);
    if (rc != STORE_OK) {
        store_stats_free(arr, count);
        return rc;
    }
    *out = arr;
    *n = count;
    return STORE_OK;
}
