/* test_store.c — server/store/: open, migrations, refusals, simulations put/get, threads. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../server/store/store.h"
#include "../../server/store/store_internal.h"
#include "../../server/store/store_simulations.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* A fresh temporary directory for the database; a failed mkdtemp is reported. */
static void tmp_make(test_db *t)
{
    if (test_db_make(t, "store"))
        testlib_fail(__FILE__, __LINE__, "mkdtemp failed");
}

/* tmp_make, then store_open into t->s, which is CHECKed. Returns t->s. */
static store *tmp_open(test_db *t)
{
    tmp_make(t);
    t->s = store_open(t->db, t->err, sizeof t->err);
    CHECK(t->s != NULL);
    return t->s;
}

TEST(store_open_migrate_reopen)
{
    test_db t;
    tmp_make(&t);
    char err[256] = "";
    store *s = store_open(t.db, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        testlib_fail(__FILE__, __LINE__, "store_open: %s", err);
        test_db_remove(&t);
        return;
    }
    CHECK_EQ_INT(store_schema_version(s), (int)store_migration_count);
    char id[STORE_SIMULATION_ID_SIZE];
    CHECK_EQ_INT(store_simulation_put(s, "{\"events\":[]}", id), STORE_OK);
    CHECK_EQ_INT(strlen(id), 22);
    CHECK(store_simulation_id_valid(id));
    store_close(s);

    s = store_open(t.db, err, sizeof err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(store_schema_version(s), (int)store_migration_count);
        char *json = NULL;
        CHECK_EQ_INT(store_simulation_get(s, id, &json), STORE_OK);
        CHECK_EQ_STR(json, "{\"events\":[]}");
        free(json);
        store_close(s);
    }
    /* closed cleanly: the WAL was checkpointed and removed */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", t.db);
    CHECK(access(wal, F_OK) != 0);
    test_db_remove(&t);
}

TEST(store_put_get_not_found)
{
    test_db t;
    store *s = tmp_open(&t);
    if (s) {
        char a[STORE_SIMULATION_ID_SIZE], b[STORE_SIMULATION_ID_SIZE];
        CHECK_EQ_INT(store_simulation_put(s, "{\"a\":1}", a), STORE_OK);
        CHECK_EQ_INT(store_simulation_put(s, "{\"b\":\"\xe4\xb8\xad\"}", b), STORE_OK);
        CHECK(strcmp(a, b) != 0);
        char *json = (char *)1;
        CHECK_EQ_INT(store_simulation_get(s, "AAAAAAAAAAAAAAAAAAAAAA", &json), STORE_NOT_FOUND);
        CHECK(json == NULL);
        CHECK_EQ_INT(store_simulation_get(s, "../etc/passwd", &json), STORE_NOT_FOUND);
        CHECK_EQ_INT(store_simulation_get(s, "", &json), STORE_NOT_FOUND);
        CHECK_EQ_INT(store_simulation_get(s, NULL, &json), STORE_NOT_FOUND);
        CHECK_EQ_INT(store_simulation_get(s, "x' OR '1'='1", &json), STORE_NOT_FOUND);
        CHECK_EQ_INT(store_simulation_get(s, b, &json), STORE_OK);
        CHECK_EQ_STR(json, "{\"b\":\"\xe4\xb8\xad\"}");
        free(json);
        store_close(s);
    }
    test_db_remove(&t);
}

TEST(store_refuses_newer_schema)
{
    test_db t;
    tmp_make(&t);
    sqlite3 *db = NULL;
    CHECK_EQ_INT(sqlite3_open(t.db, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char err[256] = "", want[128];
    store *s = store_open(t.db, err, sizeof err);
    CHECK(s == NULL);
    snprintf(want, sizeof want, "database schema version 99 is newer than this binary (%d)",
             (int)store_migration_count);
    CHECK_EQ_STR(err, want);
    store_close(s);
    test_db_remove(&t);
}

TEST(store_refuses_bad_locations)
{
    char err[256] = "";
    CHECK(store_open("/nonexistent-tcplab-dir/x/t.db", err, sizeof err) == NULL);
    CHECK(strstr(err, "does not exist") != NULL);
    CHECK(strstr(err, "/nonexistent-tcplab-dir/x") != NULL);

    test_db t;
    tmp_make(&t);
    chmod(t.dir, 0555);
    err[0] = '\0';
    CHECK(store_open(t.db, err, sizeof err) == NULL);
    CHECK(strstr(err, "not writable") != NULL);
    chmod(t.dir, 0700);

    /* a file that is not a database */
    FILE *f = fopen(t.db, "w");
    if (f) {
        fputs("this is not a database, just some text that is long enough to matter\n", f);
        fclose(f);
    }
    err[0] = '\0';
    CHECK(store_open(t.db, err, sizeof err) == NULL);
    CHECK(strstr(err, "not a database") != NULL);

    /* a read-only database file */
    unlink(t.db);
    store *s = store_open(t.db, err, sizeof err);
    CHECK(s != NULL);
    store_close(s);
    chmod(t.db, 0444);
    err[0] = '\0';
    CHECK(store_open(t.db, err, sizeof err) == NULL);
    CHECK(strstr(err, "read-only") != NULL);
    chmod(t.db, 0600);

    CHECK(store_open("", err, sizeof err) == NULL);
    CHECK(store_open(NULL, err, sizeof err) == NULL);
    CHECK(store_open(t.dir, err, sizeof err) == NULL); /* a directory, not a file */
    store_close(NULL);
    test_db_remove(&t);
}

typedef struct worker_arg {
    store *s;
    int ok;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *w = p;
    for (int i = 0; i < 50; i++) {
        char id[STORE_SIMULATION_ID_SIZE], body[64];
        snprintf(body, sizeof body, "{\"i\":%d}", i);
        if (store_simulation_put(w->s, body, id) != STORE_OK)
            continue;
        char *json = NULL;
        if (store_simulation_get(w->s, id, &json) == STORE_OK && strcmp(json, body) == 0)
            w->ok++;
        free(json);
    }
    return NULL;
}

TEST(store_threads_read_write)
{
    test_db t;
    store *s = tmp_open(&t);
    if (s) {
        pthread_t th[4];
        worker_arg w[4];
        for (int i = 0; i < 4; i++) {
            w[i] = (worker_arg){s, 0};
            pthread_create(&th[i], NULL, worker, &w[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            CHECK_EQ_INT(w[i].ok, 50);
        }
        /* a reader on this thread survives the other threads' exits */
        worker_arg self = {s, 0};
        worker(&self);
        CHECK_EQ_INT(self.ok, 50);
        store_close(s);
    }
    test_db_remove(&t);
}

TEST(store_durable_write)
{
    test_db t;
    store *s = tmp_open(&t);
    if (s) {
        store_conn *c = store_write_begin(s, true);
        CHECK(c != NULL);
        if (c)
            CHECK_EQ_INT(store_write_end(s, c, true), STORE_OK);
        c = store_write_begin(s, false);
        CHECK(c != NULL);
        if (c) /* a rollback reports STORE_ERROR by contract */
            CHECK_EQ_INT(store_write_end(s, c, false), STORE_ERROR);
        store_close(s);
    }
    test_db_remove(&t);
}

/* Anonymous saves: a quota on their number (STORE_CONFLICT, nothing stored) and a purge by
 * age that leaves signed-in saves alone. */
TEST(store_simulations_anonymous_quota_and_purge)
{
    test_db t;
    store *s = tmp_open(&t);
    if (!s) {
        test_db_remove(&t);
        return;
    }
    char kept[STORE_SIMULATION_ID_SIZE], a[STORE_SIMULATION_ID_SIZE], b[STORE_SIMULATION_ID_SIZE],
        c[STORE_SIMULATION_ID_SIZE];
    CHECK_EQ_INT(store_simulation_put(s, "{\"k\":1}", kept), STORE_OK);
    CHECK_EQ_INT(store_simulation_put_anonymous(s, "{\"a\":1}", 2, a), STORE_OK);
    CHECK_EQ_INT(store_simulation_put_anonymous(s, "{\"b\":1}", 2, b), STORE_OK);
    CHECK_EQ_INT(store_simulation_put_anonymous(s, "{\"c\":1}", 2, c), STORE_CONFLICT);
    CHECK_EQ_STR(c, "");
    /* signed-in saves do not count against the anonymous quota */
    char d[STORE_SIMULATION_ID_SIZE];
    CHECK_EQ_INT(store_simulation_put(s, "{\"d\":1}", d), STORE_OK);
    int64_t gone = -1;
    CHECK_EQ_INT(store_simulation_purge_anonymous(s, 0, &gone), STORE_OK);
    CHECK_EQ_INT(gone, 0); /* none older than 1970 */
    CHECK_EQ_INT(store_simulation_purge_anonymous(s, (int64_t)time(NULL) + 10, &gone), STORE_OK);
    CHECK_EQ_INT(gone, 2);
    char *json = NULL;
    CHECK_EQ_INT(store_simulation_get(s, a, &json), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_simulation_get(s, kept, &json), STORE_OK);
    CHECK_EQ_STR(json, "{\"k\":1}");
    free(json);
    CHECK_EQ_INT(store_simulation_get(s, d, &json), STORE_OK);
    free(json);
    CHECK_EQ_INT(store_simulation_put_anonymous(s, "{\"c\":1}", 2, c), STORE_OK);
    store_close(s);
    test_db_remove(&t);
}
