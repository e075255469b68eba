/*
 * store_schema.c — the database schema, as one ordered list of migrations.
 *
 * Owns: every CREATE/ALTER the program has ever shipped. store.c applies the pending
 * ones at open, each in its own BEGIN IMMEDIATE transaction, and records the reached
 * version in PRAGMA user_version.
 * Does not: run anything itself, or hold queries (those live in each area's file).
 *
 * RULES for later helpers: APPEND a new entry with the next version number (2, 3, ...)
 * at the end of the list. Never edit, reorder or delete a migration that has been
 * committed: databases in the field have already applied it. A migration must be valid
 * SQLite and should be written so that a PostgreSQL backend could mirror it.
 */
#include "store_internal.h"

const store_migration store_migrations[] = {
    {1, "simulations",
     "CREATE TABLE simulations (\n"
     "  id            TEXT PRIMARY KEY NOT NULL,  -- random, URL-safe (base64url, 22 chars)\n"
     "  scenario_json TEXT NOT NULL,              -- the resolved scenario, issue #2 contract\n"
     "  created_at    INTEGER NOT NULL            -- Unix time, seconds\n"
     ");\n"},
    /* Append migration 2 here. */
};
const size_t store_migration_count = sizeof store_migrations / sizeof store_migrations[0];
