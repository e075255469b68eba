/*
 * auth.c — roles, user names, secrets, password hashing and the login throttle (see auth.h
 * for the rules).
 *
 * Owns: the hashing semaphore and threads, the dummy hash (no user enumeration by timing), and the
 * in-memory login-failure table (a fixed hash table keyed by client IP + name; lost on
 * restart, which only gives an attacker one fresh window per restart).
 * Does not: read requests or look credentials up (server/web/guard.c), run SQL, or set
 * cookies (server/web/api_accounts.c).
 */
#include "auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- roles ------------------------------------------------------------------------------- */

static const char *const role_names[GRADING_ROLE_COUNT] = {"anonymous", "student", "grader",
                                                           "instructor", "admin"};

const char *grading_role_name(grading_role r)
{
    return (unsigned)r < GRADING_ROLE_COUNT ? role_names[r] : "anonymous";
}

bool grading_role_from_name(const char *name, grading_role *out)
{
    for (int i = 1; i < GRADING_ROLE_COUNT; i++)
        if (name && !strcmp(name, role_names[i])) {
            *out = (grading_role)i;
            return true;
        }
    return false;
}

bool grading_name_valid(const char *name)
{
    if (!name)
        return false;
    size_t n = strlen(name);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-'))
            return false;
    }
    return true;
}

/* ---- crypto ------------------------------------------------------------------------------ */

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static int crypto_ok = -1;
static sem_t hash_sem;

static void crypto_setup(void)
{
    if (sodium_init() < 0)
        return;
    if (sem_init(&hash_sem, 0, GRADING_HASH_CONCURRENCY) != 0)
        return;
    crypto_ok = 0;
}

int grading_crypto_init(void)
{
    pthread_once(&crypto_once, crypto_setup);
    return crypto_ok;
}

static void sem_enter(void)
{
    while (sem_wait(&hash_sem) != 0) {
    }
}

int grading_secret_new(char token[GRADING_TOKEN_SIZE], char digest[GRADING_DIGEST_SIZE])
{
    if (grading_crypto_init())
        return -1;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(token, "tl_", 3);
    sodium_bin2base64(token + 3, GRADING_TOKEN_SIZE - 3, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    grading_secret_digest(token, digest);
    return 0;
}

void grading_secret_digest(const char *token, char digest[GRADING_DIGEST_SIZE])
{
    unsigned char h[32];
    grading_crypto_init();
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(digest, GRADING_DIGEST_SIZE, h, sizeof h);
}

int grading_password_hash(const char *password, char *out, size_t out_size)
{
    if (grading_crypto_init() || out_size < crypto_pwhash_STRBYTES)
        return -1;
    sem_enter();
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sem_post(&hash_sem);
    return rc == 0 ? 0 : -1;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void dummy_setup(void)
{
    char pw[GRADING_TOKEN_SIZE], dg[GRADING_DIGEST_SIZE];
    if (grading_secret_new(pw, dg) == 0)
        grading_password_hash(pw, dummy_hash, sizeof dummy_hash);
}

bool grading_password_verify(const char *password, const char *hash)
{
    if (grading_crypto_init())
        return false;
    bool real = hash && hash[0];
    if (!real) {
        pthread_once(&dummy_once, dummy_setup);
        hash = dummy_hash;
    }
    sem_enter();
    int rc = hash[0] ? crypto_pwhash_str_verify(hash, password, strlen(password)) : -1;
    sem_post(&hash_sem);
    return real && rc == 0;
}

/* ---- hashing threads (grading_hash_run) ----------------------------------------------------- */

typedef struct hash_job {
    void (*fn)(void *);
    void *arg;
} hash_job;

static pthread_mutex_t hq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hq_cond = PTHREAD_COND_INITIALIZER;
static hash_job hq[GRADING_HASH_QUEUE]; /* ring buffer */
static size_t hq_head, hq_count;
static int hq_threads; /* started so far; 0 until first use, -1 if none could start */

/* A hashing thread: runs queued jobs for the life of the process. */
static void *hash_main(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&hq_lock);
        while (hq_count == 0)
            pthread_cond_wait(&hq_cond, &hq_lock);
        hash_job j = hq[hq_head];
        hq_head = (hq_head + 1) % GRADING_HASH_QUEUE;
        hq_count--;
        pthread_mutex_unlock(&hq_lock);
        j.fn(j.arg);
    }
    return NULL;
}

int grading_hash_run(void (*fn)(void *arg), void *arg)
{
    if (!fn || grading_crypto_init())
        return -1;
    pthread_mutex_lock(&hq_lock);
    while (hq_threads >= 0 && hq_threads < GRADING_HASH_CONCURRENCY) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &at, hash_main, NULL);
        pthread_attr_destroy(&at);
        if (rc != 0) {
            if (hq_threads == 0)
                hq_threads = -1;
            break;
        }
        hq_threads++;
    }
    int ok = hq_threads > 0 && hq_count < GRADING_HASH_QUEUE;
    if (ok) {
        hq[(hq_head + hq_count) % GRADING_HASH_QUEUE] = (hash_job){fn, arg};
        hq_count++;
        pthread_cond_signal(&hq_cond);
    }
    pthread_mutex_unlock(&hq_lock);
    return ok ? 0 : -1;
}

/* ---- login throttle ------------------------------------------------------------------------ */

#define SLOTS 4096

typedef struct slot {
    uint64_t key;
    int64_t window_start;
    int failures;
} slot;

static slot slots[SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t login_key(const char *ip, const char *name)
{
    crypto_generichash_state st;
    uint64_t k = 0;
    grading_crypto_init();
    crypto_generichash_init(&st, NULL, 0, sizeof k);
    crypto_generichash_update(&st, (const unsigned char *)(ip ? ip : ""), strlen(ip ? ip : ""));
    crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&st, (const unsigned char *)name, strlen(name));
    crypto_generichash_final(&st, (unsigned char *)&k, sizeof k);
    return k ? k : 1;
}

/* The slot for `key` (caller holds the lock): its own, else a free or stale one, else the
 * one with the oldest window in its probe run. */
static slot *find_slot(uint64_t key, int64_t now, bool create)
{
    size_t base = (size_t)(key % SLOTS);
    slot *victim = NULL;
    for (size_t i = 0; i < 8; i++) {
        slot *s = &slots[(base + i) % SLOTS];
        if (s->key == key)
            return s;
        if (!create)
            continue;
        bool stale = s->key == 0 || now - s->window_start >= GRADING_LOGIN_WINDOW_SECONDS;
        if (stale && !victim)
            victim = s;
    }
    if (!create)
        return NULL;
    if (!victim) {
        victim = &slots[base];
        for (size_t i = 1; i < 8; i++)
            if (slots[(base + i) % SLOTS].window_start < victim->window_start)
                victim = &slots[(base + i) % SLOTS];
    }
    victim->key = key;
    victim->window_start = now;
    victim->failures = 0;
    return victim;
}

/* Seconds `s` (NULL: no record) must still wait at `now`; 0 when it may try. Lock held. */
static int wait_of(const slot *s, int64_t now)
{
    if (!s || s->failures < GRADING_LOGIN_MAX_FAILURES)
        return 0;
    int64_t left = s->window_start + GRADING_LOGIN_WINDOW_SECONDS - now;
    return left > 0 ? (int)left : 0;
}

/* Counts one failure for `key` at `now`, in a fresh window when the last one is over. Lock
 * held. */
static void count_failure(uint64_t key, int64_t now)
{
    slot *s = find_slot(key, now, true);
    if (now - s->window_start >= GRADING_LOGIN_WINDOW_SECONDS) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
}

int grading_login_blocked(const char *ip, const char *name, int64_t now)
{
    uint64_t key = login_key(ip, name);
    pthread_mutex_lock(&slots_lock);
    int wait = wait_of(find_slot(key, now, false), now);
    pthread_mutex_unlock(&slots_lock);
    return wait;
}

void grading_login_failed(const char *ip, const char *name, int64_t now)
{
    uint64_t key = login_key(ip, name);
    pthread_mutex_lock(&slots_lock);
    count_failure(key, now);
    pthread_mutex_unlock(&slots_lock);
}

int grading_login_begin(const char *ip, const char *name, int64_t now)
{
    uint64_t key = login_key(ip, name);
    pthread_mutex_lock(&slots_lock);
    int wait = wait_of(find_slot(key, now, false), now);
    if (!wait)
        count_failure(key, now);
    pthread_mutex_unlock(&slots_lock);
    return wait;
}

void grading_login_succeeded(const char *ip, const char *name)
{
    uint64_t key = login_key(ip, name);
    pthread_mutex_lock(&slots_lock);
    slot *s = find_slot(key, 0, false);
    if (s)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&slots_lock);
}
