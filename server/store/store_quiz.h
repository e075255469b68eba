/*
 * store_quiz.h — quiz attempts in exam mode, and server secrets.
 *
 * Owns: the attempt limit of an exam question, enforced race-free: the number of a
 * student's stored attempts is counted inside the store writer's (durable, group-commit)
 * transaction that inserts the new one, so concurrent submissions can never exceed the
 * limit. Also the `server_secrets` table (migration 5) for keyed derivations.
 * Does not: grade, compute points or parse JSON (the caller's `finish` callback does that
 * for the attempt number it is given), or know HTTP.
 */
#ifndef TCPLAB_STORE_QUIZ_H
#define TCPLAB_STORE_QUIZ_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_grading.h"

typedef struct store_quiz_attempt_in {
    store_submission_in sub; /* kind "quiz", ref the question id, user_name required;
                                sub.result_json and sub.score are ignored (see finish) */
    int max_attempts;        /* >= 1 */
    /* Called once on the writer thread, inside the transaction, with the 1-based number
     * this attempt gets. Returns the result JSON to store (malloc'ed; freed by the store)
     * and sets *score (0..1) to store; NULL makes the whole put fail (STORE_ERROR). */
    char *(*finish)(void *ctx, int attempt, double *score);
    void *ctx;
} store_quiz_attempt_in;

/* Durable insert of one exam attempt (blocks until committed). STORE_OK: *attempt_out is
 * its number and *id_out (may be NULL) its submission id. STORE_CONFLICT: the student has
 * already used max_attempts (nothing stored, finish not called; *attempt_out = attempts
 * used). STORE_ERROR otherwise. Attempts are the rows with the same kind, ref, user_name. */
store_status store_quiz_attempt_put(store *s, const store_quiz_attempt_in *in, int *attempt_out,
                                    int64_t *id_out);

/* How many attempts (rows of kind `kind`, ref, user_name) are stored. */
store_status store_quiz_attempts_used(store *s, const char *kind, const char *ref,
                                      const char *user_name, int *n);

/* The secret `name` from server_secrets (hex text) copied into out. STORE_NOT_FOUND if
 * there is none; STORE_ERROR if it does not fit or the query fails. */
store_status store_server_secret(store *s, const char *name, char *out, size_t out_size);

#endif
