/*
 * store_lti.h — LTI 1.3: registered platforms and their deployments, the platform keys as
 * last fetched, pending logins (state and single-use nonce), the tool's own key pairs,
 * LTI accounts (issuer + sub → user) and resource links.
 *
 * Owns: the lti_* tables of migration 12 and their queries. States arrive hashed; the
 * tool's private keys are kept as PEM text (they must sign, so they cannot be hashed).
 * Does not: parse or check tokens, JWKs or URLs (server/lti/, server/web/lti_*.c), or
 * generate secrets.
 */
#ifndef TCPLAB_STORE_LTI_H
#define TCPLAB_STORE_LTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_accounts.h"

#define STORE_LTI_TEXT_SIZE 256  /* issuer, client id, deployment id, sub, kid */
#define STORE_LTI_URL_SIZE  1024 /* endpoint URLs */
#define STORE_LTI_DEPS_SIZE 2048 /* the deployment ids, one a line */

typedef struct store_lti_platform {
    int64_t id;
    char issuer[STORE_LTI_TEXT_SIZE];
    char client_id[STORE_LTI_TEXT_SIZE];
    char auth_url[STORE_LTI_URL_SIZE];
    char token_url[STORE_LTI_URL_SIZE];
    char jwks_url[STORE_LTI_URL_SIZE];
    char deployments[STORE_LTI_DEPS_SIZE]; /* the deployment ids, sorted, '\n' between */
    int64_t created_at;
    int64_t jwks_fetched_at; /* 0: never */
} store_lti_platform;

/* Registers a platform (the text fields of *p) with `n` deployment ids. STORE_CONFLICT when
 * (issuer, client_id) is registered already. *id (may be NULL) gets its id. */
store_status store_lti_platform_add(store *s, const store_lti_platform *p,
                                    const char *const *deployments, size_t n, int64_t now,
                                    int64_t *id);
/* Every platform, by id: *out malloc'ed (caller frees). */
store_status store_lti_platform_list(store *s, store_lti_platform **out, size_t *n);
/* One platform by id; STORE_NOT_FOUND if none. */
store_status store_lti_platform_get(store *s, int64_t id, store_lti_platform *out);
/* The platform of `issuer` and `client_id`; client_id NULL: the issuer's only platform
 * (STORE_CONFLICT when it has several). STORE_NOT_FOUND if none. */
store_status store_lti_platform_find(store *s, const char *issuer, const char *client_id,
                                     store_lti_platform *out);
/* Removes platform `id` with its deployments, logins and links (accounts stay).
 * STORE_NOT_FOUND if none. */
store_status store_lti_platform_remove(store *s, int64_t id);

/* The platform's key set as last fetched (malloc'ed JSON text, caller frees; *json NULL when
 * never fetched) and when. */
store_status store_lti_jwks_get(store *s, int64_t platform_id, char **json, int64_t *fetched_at);
store_status store_lti_jwks_put(store *s, int64_t platform_id, const char *json, int64_t now);

/* A login in progress: `state_hash` (hex hash of the state given to the browser) and the
 * nonce sent to the platform, valid until `expires_at`. */
store_status store_lti_login_put(store *s, const char *state_hash, const char *nonce,
                                 int64_t platform_id, int64_t now, int64_t expires_at);
/* The platform a login of `state_hash` was started for (used or not, unexpired at `now`).
 * STORE_NOT_FOUND if there is no such login. */
store_status store_lti_login_platform(store *s, const char *state_hash, int64_t now,
                                      int64_t *platform_id);
/* Uses the login of `state_hash` once, in one write: its nonce must be `nonce`, its
 * platform `platform_id`, unexpired at `now` and unused. STORE_OK (now used);
 * STORE_CONFLICT: it was used before (a replay); STORE_NOT_FOUND: no such login, another
 * nonce or platform, or expired. Expired logins are deleted on the way. */
store_status store_lti_login_use(store *s, const char *state_hash, const char *nonce,
                                 int64_t platform_id, int64_t now);

/* The tool's keys. */
typedef struct store_lti_key {
    char kid[STORE_LTI_TEXT_SIZE];
    char *private_pem; /* malloc'ed; store_lti_keys_free */
    int64_t created_at;
    int64_t retired_at; /* 0: the current key */
    int64_t expires_at; /* 0: none */
} store_lti_key;
/* The current key and the retired ones not yet expired at `now`, newest first. */
store_status store_lti_keys_live(store *s, int64_t now, store_lti_key **out, size_t *n);
void store_lti_keys_free(store_lti_key *k, size_t n);
/* Adds `kid` as the current key; the previous current key is retired at `now` and stays
 * published until `old_expires_at`. */
store_status store_lti_key_rotate(store *s, const char *kid, const char *private_pem, int64_t now,
                                  int64_t old_expires_at);

/* The account of LTI user (issuer, sub): found, or created as `login` with `role`, no
 * password, and the display name, e-mail and section given; an existing account's role
 * (unless admin), display name, e-mail and section are brought up to date. One write. */
typedef struct store_lti_account_in {
    const char *issuer, *sub, *login, *role, *name, *email, *section;
} store_lti_account_in;
store_status store_lti_account(store *s, const store_lti_account_in *in, int64_t now,
                               store_user *out);

/* Remembers what resource link `resource_link_id` of a platform points at, and its AGS
 * line item ("" none). */
store_status store_lti_link_put(store *s, int64_t platform_id, const char *resource_link_id,
                                const char *resource, const char *lineitem, int64_t now);

/* ---- grade passback outbox (one entry per platform, line item and user) ------------------ */

/* Where a score for `resource` of user `user_id` goes: each line item of a link to that
 * resource on a platform the user came from, with the user's sub there. */
typedef struct store_lti_target {
    int64_t platform_id;
    char lineitem[STORE_LTI_URL_SIZE];
    char sub[STORE_LTI_TEXT_SIZE];
} store_lti_target;
store_status store_lti_targets(store *s, int64_t user_id, const char *resource,
                               store_lti_target **out, size_t *n);

/* Queues a score: a new entry, or the entry's score replaced when `score_ts` (Unix ms) is
 * newer than the one it holds (version + 1, pending, due `now`, attempts 0); an older or
 * equal one changes nothing. Durable. */
store_status store_lti_outbox_put(store *s, int64_t platform_id, const char *lineitem,
                                  const char *sub, double given, double maximum, int64_t score_ts,
                                  int64_t now);

typedef struct store_lti_outbox_row {
    int64_t id, platform_id;
    char lineitem[STORE_LTI_URL_SIZE];
    char sub[STORE_LTI_TEXT_SIZE];
    double given, maximum;
    int64_t score_ts, version;
    char state[16]; /* "pending" | "done" | "failed" */
    int attempts;
    int64_t next_at, updated_at;
    int last_status;
    char last_answer[256];
} store_lti_outbox_row;
/* Pending entries due at `now` (at most `max`, oldest due first), or with `all` every entry
 * (newest first, at most `max`). *out malloc'ed. */
store_status store_lti_outbox_list(store *s, bool all, int64_t now, size_t max,
                                   store_lti_outbox_row **out, size_t *n);
/* Records the outcome of posting version `posted` of entry `id`: the new state, attempts and
 * next_at as the policy decided (lti_outbox_settle, computed on the row as read) — written
 * only when the entry still has version `expected_version`; STORE_CONFLICT otherwise (read
 * it again and decide again). Durable. */
store_status store_lti_outbox_settle(store *s, int64_t id, int64_t expected_version,
                                     const char *state, int attempts, int64_t next_at,
                                     int last_status, const char *last_answer, int64_t now);

/* An admin's retry: entry `id` becomes pending, due `now`, attempts 0 (its score and version
 * unchanged). STORE_NOT_FOUND if there is no such entry. Durable. */
store_status store_lti_outbox_retry(store *s, int64_t id, int64_t now);

#endif
