/*
 * test_store_fixture.h — the unit tests' throw-away database: a fresh temporary directory
 * with one SQLite file in it, opened through store_open, removed again afterwards.
 *
 * Owns: test_db and its make/open/remove/close helpers (static inline, so every test file
 * that includes this gets its own copy and none is reported unused).
 * Does not: report failures (each caller decides what a failed open means) or define TEST()s.
 * Usage:  test_db t; if (test_db_open(&t, "acc")) return; ... test_db_close(&t);
 */
#ifndef TCPLAB_TEST_STORE_FIXTURE_H
#define TCPLAB_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../server/store/store.h"

typedef struct test_db {
    char dir[64];  /* /tmp/tcplab-TAG-XXXXXX */
    char db[128];  /* DIR/t.db */
    char err[256]; /* store_open's message when test_db_open fails there */
    store *s;      /* NULL until test_db_open succeeds */
} test_db;

/* Creates an empty directory /tmp/tcplab-`tag`-XXXXXX and names t->db inside it (no file is
 * created); t->s = NULL. Returns 0, or -1 when mkdtemp fails. */
static inline int test_db_make(test_db *t, const char *tag)
{
    t->s = NULL;
    t->err[0] = '\0';
    snprintf(t->dir, sizeof t->dir, "/tmp/tcplab-%s-XXXXXX", tag);
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->db, sizeof t->db, "%s/t.db", t->dir);
    return 0;
}

/* test_db_make, then store_open into t->s (on failure t->s is NULL and t->err says why).
 * Returns 0, or -1 on either failure. */
static inline int test_db_open(test_db *t, const char *tag)
{
    if (test_db_make(t, tag))
        return -1;
    t->s = store_open(t->db, t->err, sizeof t->err);
    return t->s ? 0 : -1;
}

/* Removes the database file, its -wal, -shm and -journal companions and the directory
 * (made writable first). Does not close t->s. */
static inline void test_db_remove(test_db *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    chmod(t->dir, 0700);
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->db, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* store_close(t->s) (NULL is fine), then test_db_remove. */
static inline void test_db_close(test_db *t)
{
    store_close(t->s);
    t->s = NULL;
    test_db_remove(t);
}

#endif
