/*
 * store_grading.h — challenges and submissions.
 *
 * Owns: the `challenges` and `submissions` tables (migration 3). Submissions are written
 * durably (synchronous=FULL) with group commit: concurrent store_submission_put calls
 * are gathered by whichever caller reaches the writer first and committed in ONE
 * transaction (one fsync for the batch); every caller returns only after its row is on
 * disk. Idempotency: (actor, idempotency_key) is unique.
 * Does not: grade, parse JSON, or know HTTP.
 */
#ifndef TCPLAB_STORE_GRADING_H
#define TCPLAB_STORE_GRADING_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_submission_in {
    const char *kind;            /* "trace" | "challenge" | "quiz" */
    const char *ref;             /* scenario name / challenge id / question id */
    const char *user_name;       /* the student graded; NULL: anonymous */
    const char *actor;           /* who posted ("user:NAME", "token:ID") */
    const char *idempotency_key; /* NULL: none */
    const char *request_hash;    /* hex digest of the request body */
    const char *answer_json;
    const char *result_json;
    double score; /* 0..1 */
    int status;   /* HTTP status of the answer */
} store_submission_in;

/* Durable insert (returns after the commit with synchronous=FULL). STORE_OK: *id_out is
 * the new id. STORE_CONFLICT: (actor, idempotency_key) already exists (look it up with
 * store_submission_find_key). STORE_ERROR otherwise. */
store_status store_submission_put(store *s, const store_submission_in *in, int64_t *id_out);

/* Called once per queued row, on the store's writer thread, after its
 * transaction: rc STORE_OK (the row is durably committed; id is its id), STORE_CONFLICT
 * (the idempotency key was taken; id 0) or STORE_ERROR (nothing of it is stored). Should
 * be quick: the next batch waits for it. */
typedef void (*store_submission_done)(void *arg, store_status rc, int64_t id);
/* Non-blocking store_submission_put: copies `in` (the caller may free it at
 * once) and queues the row for the next group commit. STORE_OK: `done(arg, ...)` will be
 * called exactly once, later, on the writer thread (possibly before this returns).
 * STORE_ERROR: not queued, `done` is never called. */
store_status store_submission_put_async(store *s, const store_submission_in *in,
                                        store_submission_done done, void *arg);

typedef struct store_submission {
    int64_t id;
    char *kind, *ref, *user_name /* NULL if anonymous */, *actor, *request_hash;
    char *answer_json, *result_json;
    double score;
    int status;
    int64_t created_at;
} store_submission;

void store_submission_cleanup(store_submission *sub); /* frees the strings; NULL ok */
store_status store_submission_get(store *s, int64_t id, store_submission *out);
store_status store_submission_find_key(store *s, const char *actor, const char *key,
                                       store_submission *out);
/* The newest `limit` submissions graded for `user_name`, newest first; *out malloc'ed
 * (free with store_submissions_free). */
store_status store_submission_history(store *s, const char *user_name, int limit,
                                      store_submission **out, size_t *n);
void store_submissions_free(store_submission *subs, size_t n);
/* Number of submissions (all kinds). */
store_status store_submission_count(store *s, int64_t *n);

typedef struct store_challenge {
    int64_t id;
    char *title, *scenario_json, *goal_json, *created_by;
    double points;
    int64_t created_at;
} store_challenge;

void store_challenge_cleanup(store_challenge *c);
store_status store_challenge_put(store *s, const char *title, const char *scenario_json,
                                 const char *goal_json, double points, const char *created_by,
                                 int64_t *id_out);
store_status store_challenge_get(store *s, int64_t id, store_challenge *out);
/* Every challenge by id; *out malloc'ed (clean each element, then free the array). */
store_status store_challenge_list(store *s, store_challenge **out, size_t *n);

/* The best score and attempt count of every (user, kind, ref) with a named user. */
typedef struct store_grade {
    char *user_name, *kind, *ref;
    double best;
    int64_t attempts;
} store_grade;
store_status store_grades(store *s, store_grade **out, size_t *n);
/* The same for the students (role student) of one section ("": without a section). */
store_status store_grades_section(store *s, const char *section, store_grade **out, size_t *n);
void store_grades_free(store_grade *g, size_t n);

/* Per (kind, ref): attempts and mean score, how many named students tried it and how many
 * of them reached a full score; with the 3 most common wrong answers (score < 1) of each. */
typedef struct store_stat {
    char *kind, *ref;
    int64_t attempts;
    double mean;
    int64_t students, students_right;
    size_t wrong_count;
    char *wrong_answer[3];
    int64_t wrong_times[3];
} store_stat;
store_status store_stats(store *s, store_stat **out, size_t *n);
/* The same over the submissions of one section's students. */
store_status store_stats_section(store *s, const char *section, store_stat **out, size_t *n);
void store_stats_free(store_stat *st, size_t n);

#endif
