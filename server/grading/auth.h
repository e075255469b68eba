/*
 * auth.h — roles, the principal type, secrets, password hashing and login throttling,
 * with no HTTP: server/web/guard.h decides who sent a request.
 *
 * Owns: the roles and the principal every handler is given (grading_principal), password
 * hashing (libsodium crypto_pwhash_str, argon2id, at most GRADING_HASH_CONCURRENCY hashes at
 * once; logins hash on their own threads (grading_hash_run) so they cannot starve the HTTP
 * workers), random secrets and their stored hashes, and the login rate limit. Does not: read
 * requests (server/web/guard.c), run SQL (server/store/store_accounts.c) or define routes
 * (server/web/routes.c).
 */
#ifndef TCPLAB_GRADING_AUTH_H
#define TCPLAB_GRADING_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRADING_HASH_CONCURRENCY     2
#define GRADING_HASH_QUEUE           256 /* logins waiting for a hashing thread */
#define GRADING_SESSION_COOKIE       "tcplab_session"
#define GRADING_CSRF_COOKIE          "tcplab_csrf"
#define GRADING_SESSION_SECONDS      (12 * 3600)
#define GRADING_LOGIN_MAX_FAILURES   5   /* per client IP + user name ... */
#define GRADING_LOGIN_WINDOW_SECONDS 300 /* ... in this window, then 429 */

/* Also per login window: failures per user name from any address. */
#define GRADING_LOGIN_ACCOUNT_FAILURES 20
/* Attempts per client address at once, then one per GRADING_LOGIN_IP_REFILL_SECONDS (a
 * success gives its attempt back). */
#define GRADING_LOGIN_IP_BURST          60
#define GRADING_LOGIN_IP_REFILL_SECONDS 2
/* Logins of one client address waiting for or in a password check. */
#define GRADING_HASH_PER_OWNER 32

typedef enum grading_role {
    GRADING_ANONYMOUS = 0,
    GRADING_STUDENT,
    GRADING_GRADER, /* API tokens only */
    GRADING_INSTRUCTOR,
    GRADING_ADMIN,
    GRADING_ROLE_COUNT
} grading_role;

#define GRADING_ALLOW(r)        (1u << (r))
#define GRADING_ANYONE          0x1fu
#define GRADING_SIGNED_IN       (GRADING_ANYONE & ~GRADING_ALLOW(GRADING_ANONYMOUS))
#define GRADING_STAFF           (GRADING_ALLOW(GRADING_INSTRUCTOR) | GRADING_ALLOW(GRADING_ADMIN))
#define GRADING_STAFF_OR_GRADER (GRADING_STAFF | GRADING_ALLOW(GRADING_GRADER))

const char *grading_role_name(grading_role r); /* "student", ...; "anonymous" */
bool grading_role_from_name(const char *name, grading_role *out);

typedef struct grading_principal {
    grading_role role;
    bool via_cookie;  /* authenticated by the session cookie (CSRF applies) */
    bool via_token;   /* authenticated by a bearer token */
    int64_t user_id;  /* 0 for anonymous and for tokens, except a student token that acts
                       * as a user (migration 6, `token create --user`) */
    int64_t token_id; /* 0 unless via_token */
    char name[64];    /* user name (also for a student token acting as a user), or the
                       * token's name; "" if anonymous */
    char csrf[64];    /* the session's CSRF token (cookie auth) */
    char actor[96];   /* "user:NAME", "token:ID" or "anonymous" */
} grading_principal;

/* ---- secrets ---------------------------------------------------------------------------- */

#define GRADING_TOKEN_SIZE  64 /* buffer for a token: "tl_" + 43 base64url chars */
#define GRADING_DIGEST_SIZE 65 /* hex BLAKE2b-256 + NUL */

/* Initialises libsodium (idempotent, thread-safe). Returns 0 or -1. */
int grading_crypto_init(void);
/* A new random secret (32 bytes, base64url, prefixed "tl_") and its stored hash. 0 or -1. */
int grading_secret_new(char token[GRADING_TOKEN_SIZE], char digest[GRADING_DIGEST_SIZE]);
/* The stored hash of a presented secret (hex BLAKE2b-256). */
void grading_secret_digest(const char *token, char digest[GRADING_DIGEST_SIZE]);

/* argon2id via crypto_pwhash_str, throttled to GRADING_HASH_CONCURRENCY at a time.
 * `out` needs crypto_pwhash_STRBYTES (128). 0 or -1 (out of memory). */
int grading_password_hash(const char *password, char *out, size_t out_size);
/* True if `password` matches `hash`. With hash NULL it verifies against a dummy hash
 * and returns false: an unknown user costs the same time as a wrong password. */
bool grading_password_verify(const char *password, const char *hash);

/* Runs fn(arg) on one of GRADING_HASH_CONCURRENCY hashing threads (started on first use),
 * in the order queued, so that a request handler can defer its password check (argon2id,
 * 13–60 ms of a core) and the HTTP workers never wait on a hash. Returns 0 when queued
 * (fn will run exactly once), or -1 when GRADING_HASH_QUEUE jobs are already waiting or
 * the threads cannot start (fn will not run: the caller answers 503). */
int grading_hash_run(void (*fn)(void *arg), void *arg);
/* grading_hash_run for a job of client address `owner` (IPv6: its /64; NULL: none): -2 (fn
 * will not run) when that address already has GRADING_HASH_PER_OWNER jobs waiting or running.
 * A thread takes the oldest job whose owner has none running before any other, so one
 * address's backlog does not delay another address's login. */
int grading_hash_run_for(const char *owner, void (*fn)(void *arg), void *arg);

/* User names: 1..63 characters of [A-Za-z0-9._@-]. */
bool grading_name_valid(const char *name);

/* ---- login throttling ---------------------------------------------------------------------- */

/* The limits: GRADING_LOGIN_MAX_FAILURES failures per `ip`+`name` and
 * GRADING_LOGIN_ACCOUNT_FAILURES per `name` from any address in GRADING_LOGIN_WINDOW_SECONDS,
 * and a token bucket of GRADING_LOGIN_IP_BURST attempts per address (refilled one per
 * GRADING_LOGIN_IP_REFILL_SECONDS). The tables are keyed by a hash with a per-process random
 * key and never drop a record that is refusing attempts to make room for another: a key that
 * finds no room is refused (its wait is until room frees up).
 *
 * Seconds until `ip`+`name` may try again (0: go ahead). */
int grading_login_blocked(const char *ip, const char *name, int64_t now);
/* One step, under the tables' lock: the seconds to wait when `ip`+`name` is blocked by any
 * limit (nothing counted), else 0 with this attempt already counted as a failure, so
 * concurrent attempts cannot all pass the check before any has failed. The caller then
 * calls grading_login_succeeded on success and nothing more on failure. */
int grading_login_begin(const char *ip, const char *name, int64_t now);
/* Counts a failure for `ip`+`name` and for `name` (not the address's bucket). */
void grading_login_failed(const char *ip, const char *name, int64_t now);
/* Clears `ip`+`name`, and gives back the attempt counted against `name` and `ip`. */
void grading_login_succeeded(const char *ip, const char *name);

#endif
