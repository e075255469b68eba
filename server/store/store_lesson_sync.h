/*
 * store_lesson_sync.h — which text of each lesson the lesson files last held.
 *
 * Owns: the `lesson_file_sync` table (migration 8): per lesson and locale, the revision
 * whose text equalled the file at the last import from files or export to them, that
 * text's hash, the folder and the time. It lets `tcplab lessons import` tell "the file
 * changed", "the database changed" and "both changed" apart. Also the one transaction
 * that imports a whole folder: every new revision and every record, or nothing.
 * Does not: read files, hash, or decide what to import (server/web/lessons_sync.c).
 */
#ifndef TCPLAB_STORE_LESSON_SYNC_H
#define TCPLAB_STORE_LESSON_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_lessons.h"

#define STORE_SYNC_HASH_SIZE 65   /* hex BLAKE2b-256 + NUL */
#define STORE_SYNC_DIR_SIZE  1024 /* longer folder names are cut (and then never match) */

typedef struct store_lesson_sync {
    char slug[STORE_SLUG_SIZE];
    char locale[STORE_LOCALE_SIZE];
    int64_t revision;                     /* the revision holding the file's text */
    char file_hash[STORE_SYNC_HASH_SIZE]; /* "": not recorded (hash the revision's body) */
    char dir[STORE_SYNC_DIR_SIZE];        /* "": not known */
    int64_t synced_at;
} store_lesson_sync;

/* Every record, by (slug, locale). *out malloc'ed (NULL when there are none). */
store_status store_lesson_sync_list(store *s, store_lesson_sync **out, size_t *n);

/* The record of one lesson: STORE_NOT_FOUND when its files were never synced. */
store_status store_lesson_sync_get(store *s, const char *slug, const char *locale,
                                   store_lesson_sync *out);

/* One file to take in, or one record to write. */
typedef struct store_lesson_sync_item {
    const char *slug, *locale;
    /* the lesson's current revision (deleted lessons too) when the caller looked; 0: no
     * lesson of this slug and locale existed */
    int64_t expected_rev;
    const char *body; /* the file's text: a new revision (reviving a deleted lesson); NULL: */
    size_t body_len;  /* none, the record names expected_rev */
    const char *author;
    const char *file_hash; /* NULL or "": not recorded */
    int64_t rev_out;       /* set: the revision the record now names */
} store_lesson_sync_item;

/* In one durable writer transaction: for each item, checks that the lesson's current
 * revision is still expected_rev, saves body as a new current revision by author (when
 * body is given), and records (revision, file_hash, dir, now) for the lesson.
 * STORE_CONFLICT when any lesson moved since (nothing written; the error text names it).
 * An item with neither body nor expected_rev is a bug (STORE_ERROR). */
store_status store_lesson_sync_apply(store *s, store_lesson_sync_item *items, size_t n,
                                     const char *dir);

/* After the first-start import (store_lesson_import): records each lesson's revision
 * by author "import" as the text of the files of `dir`, where no record exists yet.
 * (Migration 8 did the same, with dir "", for databases imported before it.) */
store_status store_lesson_sync_seed(store *s, const char *dir);

#endif
