/*
 * store_accounts.h — users, login sessions and API tokens.
 *
 * Owns: the `users`, `sessions` and `api_tokens` tables (migration 2). Secrets never
 * reach this module in the clear: it stores the password's crypto_pwhash_str string and
 * the hex BLAKE2b hash of session and API tokens, which the caller computes.
 * Does not: hash, verify passwords, decide roles' rights, or generate tokens (all that is
 * server/grading/auth.c).
 */
#ifndef TCPLAB_STORE_ACCOUNTS_H
#define TCPLAB_STORE_ACCOUNTS_H

#include <stdint.h>

#include "store.h"

#define STORE_NAME_SIZE 64 /* names are at most 63 bytes */
#define STORE_ROLE_SIZE 16
#define STORE_HASH_SIZE 160 /* crypto_pwhash_STRBYTES is 128 */

typedef struct store_user {
    int64_t id;
    char name[STORE_NAME_SIZE];
    char role[STORE_ROLE_SIZE]; /* "student" | "instructor" | "admin" */
    int64_t created_at;
} store_user;

/* Adds a user. STORE_CONFLICT if the name exists (or the role is not one of the three),
 * STORE_ERROR otherwise on failure. *id_out (may be NULL) gets the new id. */
store_status store_user_add(store *s, const char *name, const char *role, const char *pw_hash,
                            int64_t *id_out);
/* Looks a user up by name; pw_hash_out (may be NULL) receives the stored hash string.
 * STORE_NOT_FOUND if there is no such user. */
store_status store_user_find(store *s, const char *name, store_user *out, char *pw_hash_out,
                             size_t pw_hash_size);
/* Every user, ordered by name: *out is malloc'ed (caller frees), *n its length. */
store_status store_user_list(store *s, store_user **out, size_t *n);

/* Sessions: `token_hash` is the hex hash of the cookie value. */
store_status store_session_put(store *s, const char *token_hash, int64_t user_id, const char *csrf,
                               int64_t now, int64_t expires_at);
/* The session's user and CSRF token; STORE_NOT_FOUND if unknown or expired at `now`. */
store_status store_session_get(store *s, const char *token_hash, int64_t now, store_user *user,
                               char *csrf_out, size_t csrf_size);
/* Deletes the session (and any expired ones). STORE_OK also when it did not exist. */
store_status store_session_delete(store *s, const char *token_hash, int64_t now);

typedef struct store_token {
    int64_t id;
    char name[STORE_NAME_SIZE];
    char role[STORE_ROLE_SIZE]; /* "student" | "grader" | "instructor" | "admin" */
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
    int64_t revoked_at;   /* 0: live */
    /* the user a student token acts as (0 and "": none) */
    int64_t user_id;
    char user_name[STORE_NAME_SIZE];
} store_token;

/* user_id: the user the token acts as (0: none); STORE_CONFLICT for an unknown role or a
 * user_id that is no user. */
store_status store_token_put(store *s, const char *name, const char *role, const char *token_hash,
                             int64_t user_id, int64_t now, int64_t *id_out);
/* The live (not revoked) token with this hash; STORE_NOT_FOUND otherwise. */
store_status store_token_lookup(store *s, const char *token_hash, store_token *out);
/* Sets last_used_at = now. */
store_status store_token_touch(store *s, int64_t id, int64_t now);
/* Every token (revoked ones too), by id: *out malloc'ed, caller frees. */
store_status store_token_list(store *s, store_token **out, size_t *n);
/* Revokes token `id`: STORE_NOT_FOUND if unknown or already revoked. */
store_status store_token_revoke(store *s, int64_t id, int64_t now);

#endif
