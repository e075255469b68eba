/*
 * store.h — persistence for TCP Lab. The only module that touches sqlite3*.
 *
 * Owns: opening the database (WAL, busy_timeout, foreign_keys), schema migrations keyed
 * on PRAGMA user_version, one writer connection (serialised by a mutex, BEGIN IMMEDIATE)
 * and one reader connection per thread, and every query, as prepared statements.
 * Does not: know JSON, HTTP, or the engine. Plain C structs go in and out.
 *
 * Layout: store.c (open/close/migrations/connections) plus one file per area
 * (store_simulations.c, store_accounts.c, ...), each with its functions declared in its
 * own header (store_simulations.h, ...). Migrations are one ordered list in
 * store_schema.c; a migration once shipped is never edited, only appended after.
 * A PostgreSQL backend would implement the same area headers.
 */
#ifndef TCPLAB_STORE_H
#define TCPLAB_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

/* Result codes shared by every store function. */
typedef enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_CONFLICT, /* unique key / precondition (e.g. stale revision) */
    STORE_ERROR     /* I/O or SQLite error; message via store_last_error */
} store_status;

/* Opens (creating if needed) the database at `path` and applies pending migrations.
 * Returns NULL and writes a one-line reason into err (e.g. "database schema version 9
 * is newer than this binary (3)", "directory var/ is not writable") on failure. */
store *store_open(const char *path, char *err, size_t err_size);
void store_close(store *s); /* NULL is a no-op; checkpoints and closes cleanly */

int store_schema_version(const store *s);
/* Last error text for the calling thread (static or thread-local; never NULL). */
const char *store_last_error(void);

/* How many write transactions have committed with synchronous=FULL (durably) since
 * store_open — one per durable write, one per group-commit batch. For tests that check
 * which writes are durable, and for operators. */
unsigned long long store_durable_commits(store *s);

#endif
