/*
 * store_internal.h — what the area files of server/store/ (store_simulations.c, ...) use
 * to reach SQLite. Not for code outside server/store/.
 *
 * Owns: the connection handle (one SQLite connection plus its prepared-statement cache),
 * the writer transaction bracket, the per-thread reader, error reporting, and the
 * migration list type (the list itself is in store_schema.c).
 * Does not: know any table; each area file spells its own SQL.
 *
 * Usage, a write:
 *     store_conn *c = store_write_begin(s, false);      // mutex + BEGIN IMMEDIATE
 *     if (!c) return STORE_ERROR;
 *     sqlite3_stmt *st = store_stmt(c, SQL_INSERT);      // cached, reset, unbound
 *     ... bind, step ...; store_stmt_release(st);
 *     return store_write_end(s, c, ok);                  // COMMIT (ok) or ROLLBACK; unlock
 * a read:
 *     store_conn *c = store_reader(s);                   // this thread's query_only conn
 *     sqlite3_stmt *st = store_stmt(c, SQL_SELECT); ... store_stmt_release(st);
 * Always release a statement before returning: a statement left mid-step keeps a read
 * transaction (and its WAL snapshot) open.
 */
#ifndef TCPLAB_STORE_INTERNAL_H
#define TCPLAB_STORE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_conn store_conn;

/* Locks the writer mutex and runs BEGIN IMMEDIATE on the writer connection. `durable`:
 * this transaction commits with synchronous=FULL instead of NORMAL. Returns NULL (mutex
 * released, error text set) on failure. */
store_conn *store_write_begin(store *s, bool durable);
/* COMMIT when `commit` is true, else ROLLBACK; then unlocks. Returns STORE_OK, or
 * STORE_ERROR (COMMIT failed; the transaction was rolled back). After a rollback request
 * returns STORE_ERROR too, so `return store_write_end(s, c, ok)` reads naturally;
 * callers that want a different code on rollback return it themselves. */
store_status store_write_end(store *s, store_conn *c, bool commit);

/* A durable write handed to the store's writer thread (group commit).
 * The writer thread takes every queued job, runs each job's `write` inside ONE
 * BEGIN IMMEDIATE ... COMMIT with synchronous=FULL (each job under its own SAVEPOINT, so a
 * failing job undoes only itself), then calls every job's `done` after the COMMIT has
 * returned: rc is STORE_OK only when the job's changes are durably committed; otherwise
 * the job's own failure code, or STORE_ERROR when BEGIN or COMMIT failed. Both callbacks
 * run on the writer thread, which is started on first use and joined by store_close
 * (jobs still queued then are run first). `done` may free the job; it should be quick
 * (it delays the next batch). The job is owned by the caller; the store only links it. */
typedef struct store_job store_job;
struct store_job {
    store_status (*write)(store_job *job, store_conn *c);
    void (*done)(store_job *job, store_status rc);
    /* private to store.c */
    store_status rc_;
    store_job *next_;
};
/* Queues `job`. 0, or -1 (error text set; `done` will not be called) when the writer
 * thread cannot be started or the store is closing. */
int store_enqueue_durable(store *s, store_job *job);

/* A caller blocked until another thread (the writer thread) reports a status: _init, hand
 * it over, _wait (returns the reported status), _cleanup. The other thread calls _signal
 * once; what it writes before that is visible to the waiter after _wait. */
typedef struct store_waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    store_status rc;
} store_waiter;
void store_waiter_init(store_waiter *w);
void store_waiter_signal(store_waiter *w, store_status rc);
store_status store_waiter_wait(store_waiter *w);
void store_waiter_cleanup(store_waiter *w);

/* The calling thread's reader connection (query_only), opened on first use and closed
 * when the thread exits or the store closes. NULL on failure (error text set). */
store_conn *store_reader(store *s);

/* The cached prepared statement for `sql` on this connection (compiled on first use;
 * `sql` should be a string literal: the cache compares pointers first). Reset and with
 * bindings cleared. NULL on failure (error text set). */
sqlite3_stmt *store_stmt(store_conn *c, const char *sql);
/* Resets the statement and clears its bindings. NULL is a no-op. */
void store_stmt_release(sqlite3_stmt *st);

sqlite3 *store_conn_db(store_conn *c);

/* Sets the calling thread's error text (printf-style) and returns STORE_ERROR. */
store_status store_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sets the error text to "<what>: <sqlite message>" and returns STORE_CONFLICT for a
 * constraint violation, STORE_ERROR otherwise. */
store_status store_sqlite_error(store_conn *c, const char *what);

/* ---- row helpers (the shapes every area file's reads share) ------------------------------ */

/* Converts the current row of `st` into `*elem`, which the caller zeroed. On failure it sets
 * the error text (store_set_error) and returns non-OK, leaving `*elem` owning nothing.
 * `arg` is the caller's context, passed through unchanged. */
typedef store_status (*store_row_fn)(sqlite3_stmt *st, void *elem, void *arg);

/* Steps the (prepared and bound) statement `st` to its end and collects every row into one
 * array of `elem_size`-byte elements grown with realloc; each element is zeroed, then
 * converted by `row`. `clean` releases what one converted element owns (NULL when elements
 * own nothing). The helper ALWAYS releases `st` (store_stmt_release); `st` == NULL returns
 * STORE_ERROR (store_stmt has set the error text).
 * On STORE_OK `*out` (NULL when there are no rows) and its `*n` elements belong to the
 * caller. On failure `*out` is NULL and `*n` 0, every converted element has been cleaned
 * and the array freed; the error text is "out of memory", the row function's own text, or
 * "<what>: <sqlite message>" (store_sqlite_error, whose code is returned). */
store_status store_collect(store_conn *c, sqlite3_stmt *st, size_t elem_size, store_row_fn row,
                           void *arg, void (*clean)(void *elem), void **out, size_t *n,
                           const char *what);

/* Runs the parameterless SELECT `sql` on the calling thread's reader connection and collects
 * every row as store_collect does (`row` gets a NULL arg). `*out` is NULL and `*n` 0 on any
 * failure, including no reader connection (STORE_ERROR, error text set). */
store_status store_list_all(store *s, const char *sql, size_t elem_size, store_row_fn row,
                            void (*clean)(void *elem), void **out, size_t *n, const char *what);

/* The store_row_fn of a store_user (store_accounts.h; store_accounts.c): columns
 * id, name, role, created_at in that order. `arg` is unused. */
store_status store_user_row(sqlite3_stmt *st, void *elem, void *arg);

/* Steps `st` once: a row is converted by `row` into `*elem` (zeroed first; a NULL `row`
 * just reports that the row exists) and its status returned; no row returns
 * STORE_NOT_FOUND; a step failure returns store_sqlite_error(c, what). ALWAYS releases
 * `st`; `st` == NULL returns STORE_ERROR. `elem_size` is the size of `*elem`; 0 leaves
 * `*elem` as it is (`elem` may then be NULL, the row function working through `arg`). */
store_status store_one(store_conn *c, sqlite3_stmt *st, size_t elem_size, store_row_fn row,
                       void *arg, void *elem, const char *what);

/* Steps `st` once and stores column 0 of its row in `*n` (a COUNT(*) query). No row or a
 * step failure returns store_sqlite_error(c, what), leaving `*n` unchanged. ALWAYS
 * releases `st`; `st` == NULL returns STORE_ERROR. */
store_status store_count(store_conn *c, sqlite3_stmt *st, int64_t *n, const char *what);

/* Steps the write statement `st` once, expecting it to finish (SQLITE_DONE); then stores
 * sqlite3_changes in `*changes` and the last insert rowid in `*rowid` (each when non-NULL).
 * A step failure returns store_sqlite_error(c, what). ALWAYS releases `st`; `st` == NULL
 * returns STORE_ERROR. */
store_status store_exec(store_conn *c, sqlite3_stmt *st, const char *what, int *changes,
                        int64_t *rowid);

/* Runs the one-parameter DELETE `sql` (?1 = `before`, a Unix time) in its own write
 * transaction and stores the rows deleted in `*deleted` (when non-NULL; 0 on failure):
 * the purge of old anonymous saves, simulations and captures alike. */
store_status store_purge_before(store *s, const char *sql, int64_t before, const char *what,
                                int64_t *deleted);

/* Inserts one submissions row (store_grading.c) on the writer's connection `c`, inside
 * the caller's transaction; *id (may be NULL) gets its id. STORE_CONFLICT when (actor,
 * idempotency_key) is taken. For the writer jobs of store_grading.c and store_quiz.c. */
struct store_submission_in;
store_status store_submission_insert(store_conn *c, const struct store_submission_in *in,
                                     int64_t *id);

/* Copies column `col` as text into dst (size bytes, truncated, NUL-terminated; "" when
 * NULL). */
void store_col_copy(sqlite3_stmt *st, int col, char *dst, size_t size);
/* A malloc'ed copy of column `col` as text (caller frees); NULL when the column is NULL or
 * out of memory. */
char *store_col_dup(sqlite3_stmt *st, int col);

/* The ids of rows shared by link (saved simulations, saved captures; store_simulations.c):
 * STORE_LINK_ID_SIZE is the buffer size; an id is 22 characters of base64url (128 random
 * bits from getrandom(2)). store_link_id writes a new one, NUL-terminated: 0, or -1 with
 * the error text set. store_link_id_valid: true if `id` has the shape of one
 * ([A-Za-z0-9_-], 1..31 characters); NULL is not. */
#define STORE_LINK_ID_SIZE 32
int store_link_id(char out[STORE_LINK_ID_SIZE]);
bool store_link_id_valid(const char *id);

/* One schema migration: `sql` (one or more statements) moves the schema from version
 * `version - 1` to `version`. The list in store_schema.c is ordered and dense (1, 2, ...). */
typedef struct store_migration {
    int version;
    const char *name;
    const char *sql;
} store_migration;

extern const store_migration store_migrations[];
extern const size_t store_migration_count;

#endif
