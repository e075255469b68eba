/*
 * store.c — opening and closing the SQLite database, migrations, and the connections.
 *
 * Owns: the writer connection (one, serialised by a mutex; every write is a BEGIN
 * IMMEDIATE transaction), the reader connections (one per thread, query_only, opened
 * lazily through a pthread key), the per-connection prepared-statement caches, the
 * thread-local error text, and applying store_schema.c's migrations.
 * Also the durable queue (store_enqueue_durable): a writer thread, started on first use,
 * that commits every queued job in one synchronous=FULL transaction (group commit).
 * Does not: contain any table's queries (area files: store_simulations.c, ...).
 *
 * SQLite runs in multi-thread mode (SQLITE_OPEN_NOMUTEX): a connection is never used by
 * two threads at once — the writer is behind the mutex, a reader belongs to one thread.
 * Settings on every connection: WAL, busy_timeout 5000 ms, foreign_keys ON, synchronous
 * NORMAL (FULL for transactions begun with durable = true). Every write whose success the
 * server acknowledges is durable — submissions and exam attempts (the queue), lesson
 * revisions, saved simulations, users, sessions and tokens; only a token's last-used time
 * is written with NORMAL, as losing it to a power cut loses nothing anyone was told.
 *
 * store_close must be called when no other thread uses the store any more (the HTTP
 * server is stopped first); it closes every reader, then the writer, which checkpoints.
 */
#include "store_internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define STORE_BUSY_TIMEOUT_MS 5000

typedef struct stmt_entry {
    const char *sql;
    sqlite3_stmt *st;
} stmt_entry;

struct store_conn {
    sqlite3 *db;
    stmt_entry *stmts;
    size_t stmt_count, stmt_cap;
    struct store *owner;
    struct store_conn *next; /* readers: the store's list */
};

struct store {
    char *path;
    int version;
    store_conn writer;
    pthread_mutex_t write_lock;
    bool writing_durably;          /* the open write transaction's mode */
    atomic_ullong durable_commits; /* store_durable_commits */
    pthread_key_t reader_key;
    pthread_mutex_t readers_lock; /* guards `readers` */
    store_conn *readers;
    /* durable queue (store_enqueue_durable) */
    pthread_mutex_t q_lock;
    pthread_cond_t q_cond;
    store_job *q_head, **q_tail;
    bool q_running, q_stop;
    pthread_t q_thread;
};

static _Thread_local char last_error[512];

const char *store_last_error(void)
{
    return last_error;
}

store_status store_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return STORE_ERROR;
}

store_status store_sqlite_error(store_conn *c, const char *what)
{
    int code = c && c->db ? sqlite3_errcode(c->db) : SQLITE_ERROR;
    store_set_error("%s: %s", what, c && c->db ? sqlite3_errmsg(c->db) : "no connection");
    return (code & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : STORE_ERROR;
}

sqlite3 *store_conn_db(store_conn *c)
{
    return c->db;
}

/* ---- row helpers ------------------------------------------------------------------------- */

store_status store_collect(store_conn *c, sqlite3_stmt *st, size_t elem_size, store_row_fn row,
                           void *arg, void (*clean)(void *elem), void **out, size_t *n,
                           const char *what)
{
    *out = NULL;
    *n = 0;
    if (!st)
        return STORE_ERROR;
    unsigned char *arr = NULL;
    size_t count = 0, cap = 0;
    store_status rc = STORE_OK;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            unsigned char *g = realloc(arr, nc * elem_size);
            if (!g) {
                rc = store_set_error("out of memory");
                break;
            }
            arr = g;
            cap = nc;
        }
        void *elem = arr + count * elem_size;
        memset(elem, 0, elem_size);
        if ((rc = row(st, elem, arg)) != STORE_OK)
            break;
        count++;
    }
    if (rc == STORE_OK && step != SQLITE_DONE)
        rc = store_sqlite_error(c, what);
    store_stmt_release(st);
    if (rc != STORE_OK) {
        for (size_t i = 0; clean && i < count; i++)
            clean(arr + i * elem_size);
        free(arr);
        return rc;
    }
    *out = arr;
    *n = count;
    return STORE_OK;
}

store_status store_list_all(store *s, const char *sql, size_t elem_size, store_row_fn row,
                            void (*clean)(void *elem), void **out, size_t *n, const char *what)
{
    *out = NULL;
    *n = 0;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    return store_collect(c, store_stmt(c, sql), elem_size, row, NULL, clean, out, n, what);
}

store_status store_one(store_conn *c, sqlite3_stmt *st, size_t elem_size, store_row_fn row,
                       void *arg, void *elem, const char *what)
{
    if (!st)
        return STORE_ERROR;
    store_status rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        rc = STORE_OK;
        if (row) {
            if (elem_size)
                memset(elem, 0, elem_size);
            rc = row(st, elem, arg);
        }
    } else if (step == SQLITE_DONE) {
        rc = STORE_NOT_FOUND;
    } else {
        rc = store_sqlite_error(c, what);
    }
    store_stmt_release(st);
    return rc;
}

store_status store_count(store_conn *c, sqlite3_stmt *st, int64_t *n, const char *what)
{
    if (!st)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = store_sqlite_error(c, what);
    store_stmt_release(st);
    return rc;
}

void store_waiter_init(store_waiter *w)
{
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->done = false;
    w->rc = STORE_ERROR;
}

void store_waiter_signal(store_waiter *w, store_status rc)
{
    pthread_mutex_lock(&w->lock);
    w->rc = rc;
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

store_status store_waiter_wait(store_waiter *w)
{
    pthread_mutex_lock(&w->lock);
    while (!w->done)
        pthread_cond_wait(&w->cond, &w->lock);
    store_status rc = w->rc;
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void store_waiter_cleanup(store_waiter *w)
{
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
}

store_status store_purge_before(store *s, const char *sql, int64_t before, const char *what,
                                int64_t *deleted)
{
    if (deleted)
        *deleted = 0;
    store_conn *c = store_write_begin(s, false);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, sql);
    if (st)
        sqlite3_bind_int64(st, 1, (sqlite3_int64)before);
    int changes = 0;
    store_status rc = store_exec(c, st, what, &changes, NULL);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    if (rc != STORE_OK)
        return rc;
    if (end == STORE_OK && deleted)
        *deleted = changes;
    return end;
}

store_status store_exec(store_conn *c, sqlite3_stmt *st, const char *what, int *changes,
                        int64_t *rowid)
{
    if (!st)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = store_sqlite_error(c, what);
    } else {
        if (changes)
            *changes = sqlite3_changes(c->db);
        if (rowid)
            *rowid = sqlite3_last_insert_rowid(c->db);
    }
    store_stmt_release(st);
    return rc;
}

void store_col_copy(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

char *store_col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    return strdup((const char *)t);
}

/* ---- connections --------------------------------------------------------------------- */

static void conn_cleanup(store_conn *c)
{
    for (size_t i = 0; i < c->stmt_count; i++)
        sqlite3_finalize(c->stmts[i].st);
    free(c->stmts);
    c->stmts = NULL;
    c->stmt_count = c->stmt_cap = 0;
    if (c->db)
        sqlite3_close(c->db);
    c->db = NULL;
}

/* Runs one setting statement; 0 or -1 with the error text set. */
static int conn_exec(store_conn *c, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_set_error("%s: %s", sql, msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Opens `path` into c with the common settings. 0, or -1 with the error text set (without
 * the path: store_open's caller names it). */
static int conn_open(store_conn *c, const char *path, bool create)
{
    memset(c, 0, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        store_set_error("%s", c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        conn_cleanup(c);
        return -1;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, STORE_BUSY_TIMEOUT_MS);
    if (sqlite3_db_readonly(c->db, "main") == 1) {
        store_set_error("the database file is read-only");
        conn_cleanup(c);
        return -1;
    }
    /* journal_mode answers a row; check the file really is a database while at it. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        store_set_error("%s", sqlite3_errmsg(c->db));
        sqlite3_finalize(st);
        conn_cleanup(c);
        return -1;
    }
    sqlite3_finalize(st);
    if (conn_exec(c, "PRAGMA foreign_keys=ON") || conn_exec(c, "PRAGMA synchronous=NORMAL")) {
        conn_cleanup(c);
        return -1;
    }
    return 0;
}

sqlite3_stmt *store_stmt(store_conn *c, const char *sql)
{
    for (size_t i = 0; i < c->stmt_count; i++) {
        if (c->stmts[i].sql == sql || strcmp(c->stmts[i].sql, sql) == 0) {
            sqlite3_reset(c->stmts[i].st);
            sqlite3_clear_bindings(c->stmts[i].st);
            return c->stmts[i].st;
        }
    }
    if (c->stmt_count == c->stmt_cap) {
        size_t cap = c->stmt_cap ? c->stmt_cap * 2 : 16;
        stmt_entry *n = realloc(c->stmts, cap * sizeof *n);
        if (!n) {
            store_set_error("out of memory");
            return NULL;
        }
        c->stmts = n;
        c->stmt_cap = cap;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        store_sqlite_error(c, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    c->stmts[c->stmt_count++] = (stmt_entry){sql, st};
    return st;
}

void store_stmt_release(sqlite3_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* ---- writer ---------------------------------------------------------------------------- */

store_conn *store_write_begin(store *s, bool durable)
{
    pthread_mutex_lock(&s->write_lock);
    if (durable && conn_exec(&s->writer, "PRAGMA synchronous=FULL")) {
        pthread_mutex_unlock(&s->write_lock);
        return NULL;
    }
    sqlite3_stmt *st = store_stmt(&s->writer, "BEGIN IMMEDIATE");
    if (!st || sqlite3_step(st) != SQLITE_DONE) {
        if (st)
            store_sqlite_error(&s->writer, "BEGIN IMMEDIATE");
        store_stmt_release(st);
        if (durable)
            conn_exec(&s->writer, "PRAGMA synchronous=NORMAL");
        pthread_mutex_unlock(&s->write_lock);
        return NULL;
    }
    store_stmt_release(st);
    s->writing_durably = durable;
    return &s->writer;
}

unsigned long long store_durable_commits(store *s)
{
    return atomic_load(&s->durable_commits);
}

store_status store_write_end(store *s, store_conn *c, bool commit)
{
    if (c != &s->writer) {
        store_set_error("store_write_end: not the writer connection");
        return STORE_ERROR;
    }
    store_status rc = STORE_OK;
    if (commit) {
        sqlite3_stmt *st = store_stmt(c, "COMMIT");
        if (!st || sqlite3_step(st) != SQLITE_DONE) {
            rc = st ? store_sqlite_error(c, "COMMIT") : STORE_ERROR;
            commit = false;
        }
        store_stmt_release(st);
        if (commit && s->writing_durably)
            atomic_fetch_add(&s->durable_commits, 1);
    }
    if (!commit) {
        if (sqlite3_get_autocommit(c->db) == 0) {
            sqlite3_stmt *st = store_stmt(c, "ROLLBACK");
            if (st)
                sqlite3_step(st);
            store_stmt_release(st);
        }
        if (rc == STORE_OK)
            rc = STORE_ERROR;
    }
    /* back to the default whatever this transaction used (cheap, no I/O) */
    sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->write_lock);
    return rc;
}

/* ---- durable queue (group commit) ----------------------------------------------------- */

/* One statement of the savepoint bracket; true on success. */
static bool job_exec(store_conn *c, const char *sql)
{
    sqlite3_stmt *st = store_stmt(c, sql);
    bool ok = st && sqlite3_step(st) == SQLITE_DONE;
    store_stmt_release(st);
    return ok;
}

/* Runs `batch` in one durable transaction, then calls every job's done. */
static void run_batch(store *s, store_job *batch)
{
    store_conn *c = store_write_begin(s, true);
    bool any = false;
    for (store_job *j = batch; j; j = j->next_) {
        if (!c) {
            j->rc_ = STORE_ERROR;
            continue;
        }
        if (!job_exec(c, "SAVEPOINT store_job")) {
            j->rc_ = store_sqlite_error(c, "SAVEPOINT");
            continue;
        }
        j->rc_ = j->write(j, c);
        if (j->rc_ != STORE_OK)
            job_exec(c, "ROLLBACK TO store_job");
        if (!job_exec(c, "RELEASE store_job") && j->rc_ == STORE_OK)
            j->rc_ = store_sqlite_error(c, "RELEASE");
        any |= j->rc_ == STORE_OK;
    }
    store_status end = c ? store_write_end(s, c, any) : STORE_ERROR;
    for (store_job *j = batch, *next; j; j = next) {
        next = j->next_;
        store_status rc = j->rc_;
        if (rc == STORE_OK && end != STORE_OK)
            rc = STORE_ERROR;
        j->done(j, rc); /* may free j */
    }
}

static void *durable_main(void *arg)
{
    store *s = arg;
    pthread_mutex_lock(&s->q_lock);
    for (;;) {
        while (!s->q_head && !s->q_stop)
            pthread_cond_wait(&s->q_cond, &s->q_lock);
        if (!s->q_head)
            break; /* stopping, queue drained */
        /* Everything queued while the last batch committed forms the next batch. */
        store_job *batch = s->q_head;
        s->q_head = NULL;
        s->q_tail = &s->q_head;
        pthread_mutex_unlock(&s->q_lock);
        run_batch(s, batch);
        pthread_mutex_lock(&s->q_lock);
    }
    pthread_mutex_unlock(&s->q_lock);
    return NULL;
}

int store_enqueue_durable(store *s, store_job *job)
{
    pthread_mutex_lock(&s->q_lock);
    if (s->q_stop) {
        pthread_mutex_unlock(&s->q_lock);
        store_set_error("the store is closing");
        return -1;
    }
    if (!s->q_running) {
        if (pthread_create(&s->q_thread, NULL, durable_main, s) != 0) {
            pthread_mutex_unlock(&s->q_lock);
            store_set_error("cannot start the store's writer thread");
            return -1;
        }
        s->q_running = true;
    }
    job->next_ = NULL;
    job->rc_ = STORE_ERROR;
    *s->q_tail = job;
    s->q_tail = &job->next_;
    pthread_cond_signal(&s->q_cond);
    pthread_mutex_unlock(&s->q_lock);
    return 0;
}

/* Runs the jobs still queued, then ends the writer thread. */
static void durable_stop(store *s)
{
    pthread_mutex_lock(&s->q_lock);
    s->q_stop = true;
    bool running = s->q_running;
    s->q_running = false;
    pthread_cond_signal(&s->q_cond);
    pthread_mutex_unlock(&s->q_lock);
    if (running)
        pthread_join(s->q_thread, NULL);
}

/* ---- readers --------------------------------------------------------------------------- */

static void reader_unlink(store *s, store_conn *c)
{
    pthread_mutex_lock(&s->readers_lock);
    for (store_conn **p = &s->readers; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->readers_lock);
}

/* pthread key destructor: the thread ended while the store was open. */
static void reader_destroy(void *p)
{
    store_conn *c = p;
    reader_unlink(c->owner, c);
    conn_cleanup(c);
    free(c);
}

store_conn *store_reader(store *s)
{
    store_conn *c = pthread_getspecific(s->reader_key);
    if (c)
        return c;
    c = malloc(sizeof *c);
    if (!c) {
        store_set_error("out of memory");
        return NULL;
    }
    if (conn_open(c, s->path, false) || conn_exec(c, "PRAGMA query_only=ON")) {
        conn_cleanup(c);
        free(c);
        return NULL;
    }
    c->owner = s;
    if (pthread_setspecific(s->reader_key, c) != 0) {
        store_set_error("cannot register the reader connection");
        conn_cleanup(c);
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&s->readers_lock);
    c->next = s->readers;
    s->readers = c;
    pthread_mutex_unlock(&s->readers_lock);
    return c;
}

/* ---- open / migrate / close ------------------------------------------------------------- */

static void err_out(char *err, size_t err_size)
{
    if (err && err_size)
        snprintf(err, err_size, "%s", last_error);
}

/* Refuses a missing, non-directory or read-only parent directory, or a read-only file,
 * with a clear message. As root, access(2) says yes to everything, so a directory or file
 * with no write bit at all is refused too: the operator marked it read-only. */
static int check_location(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!path[0] || (slash && !slash[1]))
        return store_set_error("database path \"%s\" does not name a file", path), -1;

    struct stat st;
    if (stat(dir, &st) != 0)
        return store_set_error("directory %s/ does not exist (%s)", dir, strerror(errno)), -1;
    if (!S_ISDIR(st.st_mode))
        return store_set_error("%s is not a directory", dir), -1;
    struct statvfs vfs;
    if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
        return store_set_error("directory %s/ is on a read-only file system", dir), -1;
    if (access(dir, W_OK | X_OK) != 0 || (st.st_mode & 0222) == 0)
        return store_set_error("directory %s/ is not writable", dir), -1;

    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return store_set_error("the database path is not a regular file"), -1;
        if (access(path, R_OK | W_OK) != 0 || (st.st_mode & 0222) == 0)
            return store_set_error("the database file is read-only"), -1;
    }
    return 0;
}

static int read_user_version(store_conn *c, int *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        store_sqlite_error(c, "PRAGMA user_version");
        sqlite3_finalize(st);
        return -1;
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* Applies every pending migration, each in its own BEGIN IMMEDIATE transaction. The
 * version is re-read inside the transaction, so two processes starting at once do not
 * both apply the same migration. */
static int migrate(store *s)
{
    int latest = (int)store_migration_count;
    for (size_t i = 0; i < store_migration_count; i++) {
        const store_migration *m = &store_migrations[i];
        if (m->version != (int)i + 1)
            return store_set_error("migration list broken at index %zu (version %d)", i,
                                   m->version),
                   -1;
        store_conn *c = store_write_begin(s, true);
        if (!c)
            return -1;
        int v;
        if (read_user_version(c, &v)) {
            store_write_end(s, c, false);
            return -1;
        }
        if (v > latest) {
            store_write_end(s, c, false);
            return store_set_error("database schema version %d is newer than this binary (%d)", v,
                                   latest),
                   -1;
        }
        if (v >= m->version) {
            store_write_end(s, c, false);
            continue;
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", m->version);
        char *msg = NULL;
        if (sqlite3_exec(c->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(c->db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
            char keep[256];
            snprintf(keep, sizeof keep, "%s", msg ? msg : sqlite3_errmsg(c->db));
            sqlite3_free(msg);
            store_write_end(s, c, false);
            return store_set_error("migration %d (%s) failed: %s", m->version, m->name, keep), -1;
        }
        if (store_write_end(s, c, true) != STORE_OK)
            return -1;
    }
    int v;
    if (read_user_version(&s->writer, &v))
        return -1;
    if (v > latest)
        return store_set_error("database schema version %d is newer than this binary (%d)", v,
                               latest),
               -1;
    s->version = v;
    return 0;
}

/* Frees the store's locks, path and struct (the last step of store_close and of a failed
 * open). */
static void store_free_sync(store *s)
{
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->readers_lock);
    pthread_mutex_destroy(&s->q_lock);
    pthread_cond_destroy(&s->q_cond);
    free(s->path);
    free(s);
}

store *store_open(const char *path, char *err, size_t err_size)
{
    if (!path) {
        store_set_error("no database path given");
        err_out(err, err_size);
        return NULL;
    }
    if (check_location(path)) {
        err_out(err, err_size);
        return NULL;
    }
    store *s = calloc(1, sizeof *s);
    if (s)
        atomic_init(&s->durable_commits, 0);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        store_set_error("out of memory");
        err_out(err, err_size);
        return NULL;
    }
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->readers_lock, NULL);
    pthread_mutex_init(&s->q_lock, NULL);
    pthread_cond_init(&s->q_cond, NULL);
    s->q_tail = &s->q_head;
    if (pthread_key_create(&s->reader_key, reader_destroy) != 0) {
        store_set_error("cannot create the reader thread key");
        store_free_sync(s);
        err_out(err, err_size);
        return NULL;
    }
    if (conn_open(&s->writer, path, true) || migrate(s)) {
        err_out(err, err_size);
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    /* The writer thread finishes what is queued; its reader (if any) goes with it. */
    durable_stop(s);
    /* No thread may use the store now; the key's destructor must not run any more. */
    pthread_setspecific(s->reader_key, NULL);
    pthread_key_delete(s->reader_key);
    pthread_mutex_lock(&s->readers_lock);
    store_conn *c = s->readers;
    s->readers = NULL;
    pthread_mutex_unlock(&s->readers_lock);
    while (c) {
        store_conn *next = c->next;
        conn_cleanup(c);
        free(c);
        c = next;
    }
    /* The last connection to close checkpoints the WAL and removes it. */
    conn_cleanup(&s->writer);
    store_free_sync(s);
}

int store_schema_version(const store *s)
{
    return s ? s->version : 0;
}
