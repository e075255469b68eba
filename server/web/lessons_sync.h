/*
 * lessons_sync.h — lesson files and the database side by side: `tcplab lessons import
 * DIR`, `tcplab lessons export DIR`, `tcplab serve --lessons-sync` and the editor's
 * "which copy is the source" line.
 *
 * Owns: comparing each SLUG.md / SLUG.zh-CN.md of a folder with the lesson's current
 * revision and with the text the files held at the last sync (store_lesson_sync.h),
 * deciding per file (below), validating what would be imported (`tcplab check`'s
 * per-file rules: problems as FILE:LINE), the report with line diffs, the import itself
 * (all or nothing) and the export that records what it wrote.
 * Per file, with F the file, D the database's current text and S the text at the last sync:
 *   no lesson in the database           new        imported
 *   F = D                               unchanged  (the record is brought up to date)
 *   F = S, D ≠ S                        kept       "database is newer": the browser edit stays
 *   F ≠ S, D = S                        changed    imported as a new revision
 *   F ≠ S, D ≠ S (or no S)              refused    with a diff; `force` imports F (D stays
 *                                                  in the revision history)
 *   does not parse (new/changed/forced) refused    FILE:LINE problems
 * Anything refused: nothing is imported. Lessons with no file are never touched.
 * Does not: speak HTTP, delete lessons, or write files on import.
 */
#ifndef TCPLAB_LESSONS_SYNC_H
#define TCPLAB_LESSONS_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

typedef enum lessons_sync_state {
    LESSONS_SYNC_NEW,
    LESSONS_SYNC_CHANGED,
    LESSONS_SYNC_UNCHANGED,
    LESSONS_SYNC_DB_NEWER,
    LESSONS_SYNC_CONFLICT, /* refused */
    LESSONS_SYNC_FORCED,   /* a conflict taken from the file */
    LESSONS_SYNC_INVALID,  /* refused: the file does not parse */
    LESSONS_SYNC_STATES
} lessons_sync_state;

typedef struct lessons_sync_entry {
    char name[80]; /* SLUG.md or SLUG.zh-CN.md */
    char slug[64];
    const char *locale; /* "en" / "zh-CN" (static) */
    lessons_sync_state state;
    char *file; /* its bytes (malloc'ed), file_len of them */
    size_t file_len;
    char hash[65];
    bool have_db, db_deleted;
    int64_t db_rev, db_at;
    char db_author[96];
    char *db; /* the current revision's text (malloc'ed) or NULL */
    size_t db_len;
    bool have_record;
    int64_t synced_rev, synced_at;
    bool record;     /* an unchanged file whose record is written */
    char author[96]; /* of the revision an import makes */
    char *problems;  /* invalid: "PATH:LINE: message\n" lines (malloc'ed) */
    char *warning;   /* SLUG.md only: the two locales disagree (malloc'ed), or NULL */
} lessons_sync_entry;

typedef struct lessons_sync_plan {
    char dir[1024];  /* as given */
    char real[1024]; /* its real path (what records name) */
    lessons_sync_entry *v;
    size_t n;
    size_t count[LESSONS_SYNC_STATES];
    size_t db_only; /* live lessons without a file in dir */
} lessons_sync_plan;

typedef struct lessons_sync_options {
    bool force;
    const char *author;     /* NULL: the git author of the file's last commit, when the
                               folder is in a git work tree, git runs and the file has no
                               uncommitted change; else "files" */
    const char *static_dir; /* for /static/ link checks; NULL: not checked */
} lessons_sync_options;

/* Compares every lesson file of dir with the database. NULL + err when the folder or a
 * file cannot be read or the store fails. Free with lessons_sync_plan_free. */
lessons_sync_plan *lessons_sync_plan_make(struct store *st, const char *dir,
                                          const lessons_sync_options *opt, char *err,
                                          size_t err_size);
void lessons_sync_plan_free(lessons_sync_plan *p); /* NULL is a no-op */

/* One "warning: ..." line per lesson whose two locale files, one of them imported, no
 * longer agree (order, scenario blocks, quiz: lessons_compare_locales); not a refusal, as
 * in the editor, since the two files may be changed one after the other. Returns the count. */
size_t lessons_sync_print_warnings(const lessons_sync_plan *p, FILE *f, const char *prefix);

/* Something is refused (a conflict or a file that does not parse). */
bool lessons_sync_refused(const lessons_sync_plan *p);

/* Imports the plan in one transaction: new, changed and forced files as new revisions,
 * records for them and for unchanged files. 0 done (*imported, may be NULL, gets the
 * count of new revisions), 1 refused (nothing written), -1 + err (store failure, or a
 * lesson was saved in the browser since the plan was made: nothing written). */
int lessons_sync_apply(struct store *st, lessons_sync_plan *p, size_t *imported, char *err,
                       size_t err_size);

/* One line per file ("  changed    a.md  +3 -1 lines"), each prefixed with `prefix`;
 * `diffs`: a unified line diff (database → file) under every changed, forced and
 * conflicting file, at most `max_diff_lines` lines each. Then the counts. */
void lessons_sync_print(const lessons_sync_plan *p, FILE *f, const char *prefix, bool diffs,
                        size_t max_diff_lines);

/* For each refused file, what is wrong and how to resolve it (conflicts) or its
 * FILE:LINE problems (invalid files), each line prefixed with `prefix`. */
void lessons_sync_print_refusals(const lessons_sync_plan *p, FILE *f, const char *prefix);

/* Writes every live lesson's current revision to dir (lessons_db_write_file) and, where
 * the lesson's record names this same folder (real path), records the written text as
 * the files' text, so a later import sees the files as up to date. *written and
 * *recorded (may be NULL) get the counts. 0 or -1 + err. */
int lessons_sync_export(struct store *st, const char *dir, size_t *written, size_t *recorded,
                        char *err, size_t err_size);

/* Where a lesson's text comes from, for the editor (GET /api/v1/lessons/{slug}):
 * {"of_truth": "database", "state": STATE, "file": "DIR/NAME" or null, "synced_at": T or
 * null, "synced_revision": N or null}. STATE: "not-synced" (never imported from or exported
 * to files), "same" (the file and the database agree), "database-newer" (edited here since
 * the sync; the file did not change), "file-newer" (the file changed since; the database
 * did not), "both-changed", "no-file" (dir NULL or the file is gone). `current_rev` is the
 * revision being shown. NULL when out of memory. */
json_t *lessons_sync_source_json(struct store *st, const char *dir, const char *slug,
                                 const char *locale, int64_t current_rev);

#endif
