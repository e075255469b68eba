/*
 * gradebook.h — the gradebook as one table in memory: assignments (columns), students
 * (rows) and each student's best score per assignment, optionally for one section.
 *
 * Owns: which students and assignments the gradebook has, and their order, for every
 * reader of it — GET /api/v1/gradebook (JSON and Canvas CSV), GET /api/v1/class (progress
 * per lesson) — so the numbers they show are the same numbers.
 *  - Assignments: every challenge (by id, its points), then every quiz question with a
 *    recorded attempt (by id "slug.qid", 1 point each).
 *  - Students: every user of role student (by login, status GRADEBOOK_ENROLLED), then every
 *    removed student with a graded submission (by login, GRADEBOOK_REMOVED: their grades
 *    stay, marked, with the name and section they had), then — without a section filter —
 *    every other name graded in a challenge or quiz submission (by name,
 *    GRADEBOOK_NOT_ON_ROSTER: staff trying questions, names an external grader sent). With
 *    a section (`""`: students without one), that section's students and removed students.
 *  - best[s][a]: the best score × points, -1 when never attempted; attempts[s][a] likewise.
 * Work: one query per input plus sorting; O((S + A + G) log) for G graded (student,
 * assignment) pairs, so 1,000 students × 50 assignments stays in milliseconds.
 * Does not: format whole answers (api_exports.c, api_class.c; it writes only the member
 * list of a student row they share, gradebook_student_json) or decide who may read it.
 */
#ifndef TCPLAB_WEB_GRADEBOOK_H
#define TCPLAB_WEB_GRADEBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "../util/strbuf.h"

typedef struct gradebook_col {
    char kind[16]; /* "challenge" | "quiz" */
    char ref[96];  /* challenge id or question id */
    char title[256];
    double points;
} gradebook_col;

typedef enum gradebook_status {
    GRADEBOOK_ENROLLED,
    GRADEBOOK_REMOVED,
    GRADEBOOK_NOT_ON_ROSTER,
} gradebook_status;

/* "enrolled", "removed" or "not_on_roster": the status as the API names it. */
const char *gradebook_status_name(gradebook_status st);

typedef struct gradebook_student {
    char login[64];
    char name[256]; /* display name; "" when none */
    char section[64];
    int64_t id; /* 0: no account */
    gradebook_status status;
} gradebook_student;

/* Appends `,"section":…,"id":…,"status":…` of `st` to `b` (id null without an account):
 * the members a student row has in the gradebook export and the class overview alike. */
void gradebook_student_json(strbuf *b, const gradebook_student *st);

typedef struct gradebook_key {
    const char *login; /* the row's own login */
    size_t row;
} gradebook_key;

typedef struct gradebook {
    gradebook_col *cols;
    size_t ncol;
    gradebook_student *students;
    size_t nstudents;
    double *best;            /* [s * ncol + c] */
    int64_t *attempts;       /* [s * ncol + c] */
    gradebook_key *by_login; /* the rows sorted by login, for look-ups */
    size_t nkeys;            /* entries in by_login */
} gradebook;

/* Builds the gradebook of `section` (NULL: everyone). 0, or -1 with *err set to "store"
 * (the store failed) or "memory". */
int gradebook_build(store *st, const char *section, gradebook *gb, const char **err);
void gradebook_free(gradebook *gb);

#endif
