/*
 * store_progress.h — a student's quiz progress, read back from the submissions table.
 *
 * Owns: the per-question summary of one user's quiz attempts (rows of kind "quiz" with
 * that user_name): how many attempts, the best score, and the latest attempt's stored
 * answer and result, optionally restricted to the questions of one lesson (question ids
 * "slug.id" starting with "slug.").
 * Does not: write anything (attempts are stored by store_grading.h / store_quiz.h), parse
 * JSON, or know lessons: which questions exist and what counts as solved is the caller's.
 */
#ifndef TCPLAB_STORE_PROGRESS_H
#define TCPLAB_STORE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* At most this many questions are summarised per call (the rest are left out, in order of
 * question id): bounds the work of one request whatever a user has answered. */
#define STORE_PROGRESS_MAX 4096

typedef struct store_progress {
    char *ref;         /* the question id, "slug.id" */
    int64_t attempts;  /* stored attempts, >= 1 */
    double best;       /* the best score of them, 0..1 */
    char *answer_json; /* the latest attempt's answer; NULL unless asked for */
    char *result_json; /* the latest attempt's stored result; NULL unless asked for */
    double last_score; /* the latest attempt's score */
    int64_t last_at;   /* the latest attempt's time (Unix seconds) */
} store_progress;

/* Every question `user_name` has a stored quiz attempt for, ordered by question id; only
 * ids beginning with `ref_prefix` when it is not NULL (e.g. "three-way-handshake.").
 * `with_latest`: also copy the latest attempt's answer and result JSON. On STORE_OK *out
 * (NULL when none) has *n elements for store_progress_free. */
store_status store_progress_list(store *s, const char *user_name, const char *ref_prefix,
                                 bool with_latest, store_progress **out, size_t *n);
void store_progress_free(store_progress *p, size_t n);

#endif
