/*
 * store_lessons.h — lessons in the database with full revision history.
 *
 * Owns: the `lessons` and `lesson_revisions` tables (migrations 4 and 8). Every save inserts a
 * new row into lesson_revisions (never updated, never deleted) and points
 * lessons.current_revision at it; a delete only sets lessons.deleted. Revision ids are
 * global, so one id names one text of one lesson (the API's ETag is "r<id>").
 * Bodies are stored and returned byte-exact (length-counted, never NUL-terminated by
 * SQLite's notion of text).
 * Does not: parse or validate lesson text (server/lessons/), know HTTP.
 */
#ifndef TCPLAB_STORE_LESSONS_H
#define TCPLAB_STORE_LESSONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_SLUG_SIZE   64
#define STORE_LOCALE_SIZE 8
#define STORE_AUTHOR_SIZE 96
#define STORE_NOTE_SIZE   512 /* a revision's note, bytes with the NUL (migration 8) */

/* One revision (or, from store_lesson_list, a lesson's current revision). `body` is
 * malloc'ed and NUL-terminated after body_len bytes, or NULL where the function says so. */
typedef struct store_lesson_rev {
    int64_t id;
    char slug[STORE_SLUG_SIZE];
    char locale[STORE_LOCALE_SIZE];
    char author[STORE_AUTHOR_SIZE];      /* the actor: 'import', 'user:NAME', 'token:ID' */
    char author_name[STORE_AUTHOR_SIZE]; /* the user's or token's name; else the actor */
    char note[STORE_NOTE_SIZE];          /* the saver's note; "" when none */
    int64_t created_at;
    bool deleted; /* store_lesson_list only: the lesson is soft-deleted */
    char *body;
    size_t body_len;
} store_lesson_rev;

/* Frees the bodies and the array itself. NULL is a no-op. */
void store_lesson_revs_free(store_lesson_rev *v, size_t n);
/* Frees one revision's body (the struct is the caller's). */
void store_lesson_rev_cleanup(store_lesson_rev *r);

/* Number of rows in `lessons` (deleted ones too). */
store_status store_lesson_count(store *s, int64_t *n);

/* One lesson text to import. */
typedef struct store_lesson_text {
    const char *slug, *locale;
    const char *body;
    size_t body_len;
} store_lesson_text;

/* Imports `items` as revision 1 of each lesson (author `author`), all in one
 * transaction, only if the lessons table is empty: STORE_CONFLICT (nothing written)
 * otherwise. */
store_status store_lesson_import(store *s, const store_lesson_text *items, size_t n,
                                 const char *author);

/* Every lesson with its current revision, by (slug, locale). `with_body`: bodies filled,
 * else NULL. `include_deleted`: soft-deleted lessons too. *out malloc'ed. */
store_status store_lesson_list(store *s, bool include_deleted, bool with_body,
                               store_lesson_rev **out, size_t *n);

/* The current revision of a live lesson, with body. STORE_NOT_FOUND if the lesson does
 * not exist or is deleted. Clean *out up with store_lesson_rev_cleanup. */
store_status store_lesson_get(store *s, const char *slug, const char *locale,
                              store_lesson_rev *out);

/* Creates the lesson (or revives a deleted one) with a first/new revision.
 * STORE_CONFLICT if a live lesson with this slug and locale exists. */
store_status store_lesson_create(store *s, const char *slug, const char *locale, const char *body,
                                 size_t body_len, const char *author, int64_t *rev_out);

/* Saves a new revision of a live lesson, only if its current revision is `expected_rev`.
 * STORE_NOT_FOUND (no such live lesson), STORE_CONFLICT (stale: *current_out, may be
 * NULL, gets the current revision id). */
store_status store_lesson_update(store *s, const char *slug, const char *locale,
                                 int64_t expected_rev, const char *body, size_t body_len,
                                 const char *author, int64_t *rev_out, int64_t *current_out);

/* store_lesson_update with a note on the new revision (NULL or "": none; at most
 * STORE_NOTE_SIZE - 1 bytes, else STORE_ERROR and nothing written). */
store_status store_lesson_save(store *s, const char *slug, const char *locale, int64_t expected_rev,
                               const char *body, size_t body_len, const char *author,
                               const char *note, int64_t *rev_out, int64_t *current_out);

/* Soft delete. `expected_rev` 0: any. STORE_NOT_FOUND / STORE_CONFLICT as above. */
store_status store_lesson_delete(store *s, const char *slug, const char *locale,
                                 int64_t expected_rev, int64_t *current_out);

/* Every revision of the lesson (deleted lessons too), newest first, without bodies.
 * STORE_NOT_FOUND if the lesson never existed. */
store_status store_lesson_revisions(store *s, const char *slug, const char *locale,
                                    store_lesson_rev **out, size_t *n);

/* One revision of this lesson, with body. STORE_NOT_FOUND if `rev` is not one of its. */
store_status store_lesson_revision_get(store *s, const char *slug, const char *locale, int64_t rev,
                                       store_lesson_rev *out);

/* Restores revision `rev`: a new revision with its text becomes current (a deleted lesson
 * is live again). `expected_rev` 0: any. STORE_NOT_FOUND if `rev` is not this lesson's;
 * STORE_CONFLICT if stale. */
store_status store_lesson_restore(store *s, const char *slug, const char *locale, int64_t rev,
                                  int64_t expected_rev, const char *author, int64_t *rev_out,
                                  int64_t *current_out);

#endif
