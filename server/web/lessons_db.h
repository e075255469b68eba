/*
 * lessons_db.h — lessons kept in the database: the bridge between
 * the lesson files, the store (server/store/store_lessons.h) and the in-memory set.
 *
 * Owns: the first-start import of lessons/ into the database, building a lessons_set from
 * the current revisions, refreshing the served set after a save, and `tcplab lessons
 * export` (current revisions back to files, byte-identical).
 * Does not: validate a text for saving (the API does, with lessons_parse_text), speak HTTP.
 */
#ifndef TCPLAB_LESSONS_DB_H
#define TCPLAB_LESSONS_DB_H

#include <stddef.h>

#include "../lessons/lessons.h"

struct store;

/* When the database holds no lesson rows yet, imports every SLUG.md / SLUG.zh-CN.md file
 * of `dir` byte-exact as revision 1 (author "import"), in one transaction, and records
 * them as the files' texts (store_lesson_sync_seed, for `tcplab lessons import`). *imported
 * (may be NULL) gets the count; 0 when the database already had lessons. 0, or -1 with a
 * reason in err (unreadable folder or file, store error). */
int lessons_db_import(struct store *st, const char *dir, size_t *imported, char *err,
                      size_t err_size);

/* A set built from the current revisions of all live lessons (lessons of `reuse`, may be
 * NULL, whose revision is unchanged are shared, not parsed again). NULL + err on failure. */
lessons_set *lessons_db_load(struct store *st, const lessons_set *reuse, char *err,
                             size_t err_size);

/* Rebuilds `live` from the database and swaps it in (lessons_swap). Serialised, so that
 * the last refresh always reads after the last save it follows. 0 or -1 + err. */
int lessons_db_refresh(struct store *st, lessons_set *live, char *err, size_t err_size);

/* Writes every live lesson's current revision to DIR/SLUG.md or DIR/SLUG.zh-CN.md
 * (created if missing; existing files of the same name are replaced). *written (may be
 * NULL) gets the count. 0 or -1 + err. */
int lessons_db_export(struct store *st, const char *dir, size_t *written, char *err,
                      size_t err_size);

/* Writes len bytes of body to DIR/NAME byte-exact (through NAME.tmp and a rename, so a
 * reader never sees half a file). 0 or -1 + err. */
int lessons_db_write_file(const char *dir, const char *name, const char *body, size_t len,
                          char *err, size_t err_size);

/* "SLUG.md" or "SLUG.zh-CN.md" into out. */
void lessons_db_file_name(const char *slug, const char *locale, char *out, size_t size);

#endif
