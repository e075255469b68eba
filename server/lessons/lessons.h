/*
 * lessons.h — the lesson set: every lessons/<slug>.md (English) and <slug>.zh-CN.md
 * (Simplified Chinese) file, parsed and rendered once at start-up.
 *
 * Owns: reading lesson files (1 MiB cap, NUL and UTF-8 checks), their front matter
 * (frontmatter.h), the rendered body (markdown.h) with ```scenario figures (figure.h) and
 * ```quiz questions (quiz.h), link checks, ordering, and look-ups by slug, locale and
 * global question id ("slug.id").
 * Does not: serve HTTP (pages.c) or grade answers (quiz.h). A loaded set is read-only and
 * safe to share between threads, except that lessons_swap may replace its contents
 * while readers use it (see the comment on struct lessons_set in lessons.c): on a set
 * that is ever swapped, a reader takes a pin (lessons_pin_take) before its look-ups, and
 * the pointers it obtains stay valid until it drops that pin. On a set never swapped
 * they stay valid until lessons_free.
 */
#ifndef TCPLAB_LESSONS_LESSONS_H
#define TCPLAB_LESSONS_LESSONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiz.h"

typedef struct lessons_set lessons_set;

typedef struct lesson {
    const char *slug, *locale, *title, *summary;
    int order;
    const char *const *tags;
    size_t tag_count;
    const char *html; /* rendered body */
    quiz_set quiz;
    const char *path;
    /* added (X): the front matter's `quiz` key (frontmatter.h); practice: attempts 0 */
    int quiz_mode; /* frontmatter_quiz_mode: 0 practice, 1 exam */
    int quiz_attempts;
    double quiz_decay;
} lesson;

/* Loads every *.md lesson in `dir`. Returns NULL with a one-line reason in err when the
 * folder cannot be read. A file with errors is skipped with a "warning: FILE:LINE: ..."
 * line on stderr (`tcplab check` is the strict gate); link targets are not checked here. */
lessons_set *lessons_load(const char *dir, char *err, size_t err_size);
void lessons_free(lessons_set *s); /* NULL is a no-op */

/* Is s[0..n) a lesson slug: 1-63 of a-z 0-9 and '-'? (the one rule for file
 * names, the authoring API and the render endpoint) */
bool lessons_slug_valid(const char *s, size_t n);

/* The lesson `slug` in exactly `locale`; NULL if there is none. */
const lesson *lessons_find(const lessons_set *s, const char *slug, const char *locale);
/* Lessons of exactly `locale`, and the i-th of them by (order, slug); NULL past the end. */
size_t lessons_count(const lessons_set *s, const char *locale);
const lesson *lessons_at(const lessons_set *s, const char *locale, size_t i);

/* global question id "slug.id" → the question in that locale's copy of the lesson (falling
 * back to the other locale; answers are locale-independent). NULL if unknown. */
const quiz_question *lessons_find_question(const lessons_set *s, const char *global_id,
                                           const char *locale);

/* Like lessons_find_question, and also the lesson holding the question (its
 * quiz_mode, quiz_attempts, quiz_decay) in *lesson_out. NULL if unknown. */
const quiz_question *lessons_find_question_in(const lessons_set *s, const char *global_id,
                                              const char *locale, const lesson **lesson_out);

/* ---- more of the lesson set ---- */

/* Every lesson for a reader of `locale`: the locale's own lessons plus, for slugs that
 * exist only in the other locale, that version; ordered by (order, slug). Writes up to
 * `max` pointers into out and returns how many lessons there are in total. */
size_t lessons_list(const lessons_set *s, const char *locale, const lesson **out, size_t max);

/* One lesson file, parsed and rendered, for `tcplab check` and the loader.
 * Each problem is reported as (path, 1-based line, message). */
typedef void (*lessons_report_fn)(void *ctx, const char *path, int line, const char *msg);

typedef struct lessons_parse_options {
    const char *static_dir; /* for /static/ link checks; NULL: those links are not checked */
    bool check_links;       /* relative links must resolve (lessons, /playground, /static) */
    bool check_quiz;        /* run quiz_check_question on every question (engine runs) */
} lessons_parse_options;

/* Returns the lesson, or NULL when it cannot be used (unreadable, too large, NUL bytes,
 * invalid UTF-8, bad front matter, a block that does not parse). *problems (may be NULL)
 * counts every problem reported, also for a returned lesson. */
lesson *lessons_parse_file(const char *path, const lessons_parse_options *opt,
                           lessons_report_fn report, void *ctx, int *problems);
void lessons_lesson_free(lesson *l); /* NULL is a no-op; only for lessons_parse_file's */

/* The two locales of one lesson agree: same slug, order, ```scenario blocks (same sources
 * in the same order) and quiz (quiz_sets_equivalent). 0, or -1 with a reason in err. */
int lessons_compare_locales(const lesson *en, const lesson *zh, char *err, size_t err_size);

/* Splits a lesson file name ("x/three-way-handshake.zh-CN.md") into slug (copied into
 * slug_out) and locale ("en" / "zh-CN"). Returns false if the name is not SLUG.md or
 * SLUG.zh-CN.md with SLUG matching [a-z0-9-]{1,63}. */
bool lessons_split_name(const char *path, char *slug_out, size_t slug_size,
                        const char **locale_out);

/* ---- additions (R: lessons in the database) ---- */

/* Like lessons_parse_file, for a text in memory (`len` bytes, need not be NUL-terminated).
 * `name` stands for the file: its base name gives slug and locale, it prefixes problems,
 * and its folder is where relative links are resolved. */
lesson *lessons_parse_text(const char *name, const char *text, size_t len,
                           const lessons_parse_options *opt, lessons_report_fn report, void *ctx,
                           int *problems);

typedef struct lessons_text {
    const char *name; /* "SLUG.md" / "SLUG.zh-CN.md" (a folder in front is allowed) */
    const char *text;
    size_t len;
    int64_t tag; /* identifies this exact text (a revision id); 0: none */
} lessons_text;

/* A set built from texts, with lessons_load's leniency (bad ones skipped with a warning
 * on stderr). NULL (reason in err) only when out of memory. `reuse` (may be NULL): a
 * lesson of its current contents with the same slug, locale and non-zero tag is shared
 * instead of parsed again (both sets may then be freed in any order). */
lessons_set *lessons_from_texts(const lessons_text *texts, size_t n, const lessons_set *reuse,
                                char *err, size_t err_size);

/* Moves the lessons of `fresh` into `live` (which readers may be using concurrently) and
 * frees `fresh`. Readers see either the old or the new lessons, never a mix within one
 * call; the old lessons are freed once no pin taken before the swap is held. */
void lessons_swap(lessons_set *live, lessons_set *fresh);

/* Pins. A reader of a set that lessons_swap may change (the server's) calls
 * lessons_pin_take before its look-ups and lessons_pin_drop(set, pin) when it no longer
 * uses anything it got (e.g. at the end of a request handler); pins nest. take returns
 * NULL only for a NULL (or emptied) set; drop(NULL) is a no-op. Cost: one mutex
 * round trip each. */
typedef struct lessons_pin lessons_pin;
const lessons_pin *lessons_pin_take(const lessons_set *s);
void lessons_pin_drop(const lessons_set *s, const lessons_pin *pin);

/* Retired generations not yet freed (held by pins); for tests. */
size_t lessons_retired_count(const lessons_set *s);

#endif
