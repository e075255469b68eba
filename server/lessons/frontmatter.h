/*
 * frontmatter.h — a lesson file's YAML front matter (between two `---` lines), via libyaml.
 *
 * Owns: splitting a lesson file into front matter and body, and the front-matter schema:
 *   title (string), summary (string), order (integer 1..9999), tags (list of strings),
 *   locale ("en" | "zh-CN"), scenarios (optional list of built-in scenario names),
 *   quiz (optional mapping {mode: practice|exam, attempts: 1..100, decay: 0..1}; default
 *   practice; an exam defaults to attempts 3, decay 0.25 — points lost per extra attempt).
 * Unknown keys, duplicate keys, wrong types and missing keys are errors.
 * Does not: read files, check that scenario names exist, or compare with the file name
 * (lessons.c does both).
 */
#ifndef TCPLAB_LESSONS_FRONTMATTER_H
#define TCPLAB_LESSONS_FRONTMATTER_H

#include <stddef.h>

/* Problem report: `line` is 1-based in the whole file; `msg` has no "file:line:" prefix. */
typedef void (*frontmatter_report_fn)(void *ctx, int line, const char *msg);

typedef enum frontmatter_quiz_mode {
    FRONTMATTER_QUIZ_PRACTICE = 0, /* a new variant after each wrong answer */
    FRONTMATTER_QUIZ_EXAM          /* one variant per student, attempt limit, decay */
} frontmatter_quiz_mode;

/* Bounds on the YAML itself (the schema needs depth 2 and a few hundred nodes): past
 * either, parsing stops with a problem naming the limit and the line. They keep libyaml's
 * work per lesson small (its scanner slows down with every open flow level). */
#define FRONTMATTER_MAX_DEPTH 16   /* nested lists/mappings, the top mapping included */
#define FRONTMATTER_MAX_NODES 4096 /* scalars, lists and mappings */

#define FRONTMATTER_EXAM_ATTEMPTS 3
#define FRONTMATTER_EXAM_DECAY    0.25

typedef struct frontmatter {
    char *title, *summary, *locale; /* malloc'ed; NULL if missing */
    int order;                      /* 0 if missing */
    char **tags;                    /* malloc'ed array of malloc'ed strings */
    size_t tag_count;
    char **scenarios; /* optional: names of built-in scenarios */
    size_t scenario_count;
    int scenarios_line; /* line of the `scenarios` key (0 if absent) */
    int locale_line;    /* line of the `locale` key (0 if absent) */
    /* added (X): the `quiz` key; zero-initialised = practice */
    frontmatter_quiz_mode quiz_mode;
    int quiz_attempts; /* exam: graded attempts allowed (>= 1); 0 in practice */
    double quiz_decay; /* exam: points lost per extra attempt (0..1) */
    int quiz_line;     /* line of the `quiz` key (0 if absent) */
} frontmatter;

/* Parses the front matter at the start of `text` (len bytes; NUL bytes not allowed).
 * `fm` is initialised here. On success returns 0, sets *body_offset to the byte offset of
 * the body (after the closing `---` line) and *body_line to its 1-based line number.
 * On any problem returns -1 after reporting every problem found (each with its line);
 * `fm` still holds what could be read and must be cleaned up either way. */
int frontmatter_parse(const char *text, size_t len, frontmatter *fm, size_t *body_offset,
                      int *body_line, frontmatter_report_fn report, void *ctx);

void frontmatter_cleanup(frontmatter *fm); /* NULL and zeroed structs are fine */

#endif
