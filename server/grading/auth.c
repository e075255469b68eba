/*
 * auth.c — roles, user names, secrets, password hashing and the login throttle (see auth.h
 * for the rules).
 *
 * Owns: the hashing semaphore, threads and queue (fair between client addresses), the dummy
 * hash (no user enumeration by timing), and the in-memory login throttle tables (fixed hash
 * tables keyed by a keyed hash of client IP + name, of name, and of IP; lost on restart,
 * which only gives an attacker one fresh window per restart).
 * Does not: read requests or look credentials up (server/web/guard.c), run SQL, or set
 * cookies (server/web/api_accounts.c).
 */
#include "auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdint.h>
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

/* ---- keyed hashes (the throttle's and the hashing queue's keys) ----------------------------- */

/* A per-process random key, so that nobody outside can choose names or addresses that
 * collide in the tables below. */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static unsigned char key_secret[crypto_generichash_KEYBYTES];

static void key_setup(void)
{
    grading_crypto_init();
    randombytes_buf(key_secret, sizeof key_secret);
}

/* 64-bit keyed BLAKE2b of `kind` and the length-prefixed byte strings a (na) and b (nb);
 * never 0 (0 marks a free slot). */
static uint64_t keyed(char kind, const void *a, size_t na, const void *b, size_t nb)
{
    pthread_once(&key_once, key_setup);
    crypto_generichash_state st;
    uint64_t k = 0, len = na;
    crypto_generichash_init(&st, key_secret, sizeof key_secret, sizeof k);
    crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
    crypto_generichash_update(&st, (const unsigned char *)&len, sizeof len);
    crypto_generichash_update(&st, a, na);
    crypto_generichash_update(&st, b, nb);
    crypto_generichash_final(&st, (unsigned char *)&k, sizeof k);
    return k ? k : 1;
}

/* The key of a client address for per-address limits: an IPv6 address counts by its /64
 * (one subscriber usually holds a whole /64), any other text as it is. */
static uint64_t ip_key(char kind, const char *ip)
{
    unsigned char a6[16];
    ip = ip ? ip : "";
    if (inet_pton(AF_INET6, ip, a6) == 1 && !IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a6)) {
        memset(a6 + 8, 0, 8);
        return keyed(kind, a6, sizeof a6, "", 0);
    }
    return keyed(kind, ip, strlen(ip), "", 0);
}

/* ---- hashing threads (grading_hash_run) ----------------------------------------------------- */

typedef struct hash_job {
    void (*fn)(void *);
    void *arg;
    uint64_t owner; /* 0: no owner (no share limit) */
} hash_job;

static pthread_mutex_t hq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hq_cond = PTHREAD_COND_INITIALIZER;
static hash_job hq[GRADING_HASH_QUEUE]; /* waiting jobs, oldest first */
static size_t hq_count;
static uint64_t hq_running[GRADING_HASH_CONCURRENCY]; /* owner of each thread's job, 0: none */
static int hq_threads; /* started so far; 0 until first use, -1 if none could start */

/* Jobs of `owner` waiting or running. Lock held. */
static int owner_jobs(uint64_t owner)
{
    int n = 0;
    for (size_t i = 0; i < hq_count; i++)
        n += hq[i].owner == owner;
    for (size_t i = 0; i < GRADING_HASH_CONCURRENCY; i++)
        n += hq_running[i] == owner;
    return n;
}

/* The next job to run: the oldest whose owner has no job running, else the oldest, so one
 * owner's backlog never stands in front of another owner's single job. Lock held, queue
 * not empty. */
static hash_job take_job(void)
{
    size_t pick = 0;
    for (size_t i = 0; i < hq_count; i++) {
        bool busy = false;
        for (size_t t = 0; t < GRADING_HASH_CONCURRENCY && hq[i].owner; t++)
            busy |= hq_running[t] == hq[i].owner;
        if (!busy) {
            pick = i;
            break;
        }
    }
    hash_job j = hq[pick];
    memmove(&hq[pick], &hq[pick + 1], (hq_count - pick - 1) * sizeof hq[0]);
    hq_count--;
    return j;
}

/* A hashing thread: runs queued jobs for the life of the process. `idx` is its slot in
 * hq_running. */
static void *hash_main(void *idx)
{
    size_t me = (size_t)(uintptr_t)idx;
    pthread_mutex_lock(&hq_lock);
    for (;;) {
        while (hq_count == 0)
            pthread_cond_wait(&hq_cond, &hq_lock);
        hash_job j = take_job();
        hq_running[me] = j.owner;
        pthread_mutex_unlock(&hq_lock);
        j.fn(j.arg);
        pthread_mutex_lock(&hq_lock);
        hq_running[me] = 0;
    }
    return NULL;
}

int grading_hash_run_for(const char *owner, void (*fn)(void *arg), void *arg)
{
    if (!fn || grading_crypto_init())
        return -1;
    uint64_t key = owner ? ip_key('q', owner) : 0;
    pthread_mutex_lock(&hq_lock);
    while (hq_threads >= 0 && hq_threads < GRADING_HASH_CONCURRENCY) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &at, hash_main, (void *)(uintptr_t)hq_threads);
        pthread_attr_destroy(&at);
        if (rc != 0) {
            if (hq_threads == 0)
                hq_threads = -1;
            break;
        }
        hq_threads++;
    }
    int rc = hq_threads > 0 && hq_count < GRADING_HASH_QUEUE ? 0 : -1;
    if (rc == 0 && key && owner_jobs(key) >= GRADING_HASH_PER_OWNER)
        rc = -2;
    if (rc == 0) {
        hq[hq_count++] = (hash_job){fn, arg, key};
        pthread_cond_signal(&hq_cond);
    }
    pthread_mutex_unlock(&hq_lock);
    return rc;
}

int grading_hash_run(void (*fn)(void *arg), void *arg)
{
    return grading_hash_run_for(NULL, fn, arg);
}

/* ---- login throttle ------------------------------------------------------------------------ */

/*
 * Three tables of SLOTS slots, each probed over PROBE slots from the key's home slot:
 *   pairs     failures per client IP + name: GRADING_LOGIN_MAX_FAILURES per window;
 *   accounts  failures per name from any address: GRADING_LOGIN_ACCOUNT_FAILURES per window;
 *   buckets   attempts per client address (IPv6: /64), a token bucket kept as the time its
 *             debt is paid off (GCRA): each attempt adds BUCKET_COST seconds, an attempt that
 *             would take the debt past BUCKET_DEPTH seconds is refused, a success gives its
 *             cost back.
 * A slot whose `until` has passed is free. A locked slot (one that refuses attempts) is never
 * given to another key before it expires: when a key's whole probe run is locked, attempts for
 * that key are refused until the first of them expires.
 */
#define SLOTS        4096
#define PROBE        8
#define BUCKET_COST  (GRADING_LOGIN_IP_REFILL_SECONDS)
#define BUCKET_DEPTH (GRADING_LOGIN_IP_BURST * BUCKET_COST)

typedef struct slot {
    uint64_t key;
    int64_t until; /* end of the window (pairs, accounts), or when the debt is paid (buckets) */
    int failures;  /* pairs and accounts */
} slot;

typedef struct table {
    slot s[SLOTS];
    int limit; /* failures per window that lock a slot; 0 for a bucket */
} table;

static table pairs = {.limit = GRADING_LOGIN_MAX_FAILURES};
static table accounts = {.limit = GRADING_LOGIN_ACCOUNT_FAILURES};
static table buckets = {.limit = 0};
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t pair_key(const char *ip, const char *name)
{
    ip = ip ? ip : "";
    return keyed('p', ip, strlen(ip), name, strlen(name));
}

static uint64_t account_key(const char *name)
{
    return keyed('a', name, strlen(name), "", 0);
}

/* Seconds `s` (NULL: no record) of table `t` refuses attempts from `now`; 0 when it takes
 * one. Lock held. */
static int wait_of(const table *t, const slot *s, int64_t now)
{
    if (!s || s->until <= now)
        return 0;
    int64_t left;
    if (t->limit)
        left = s->failures >= t->limit ? s->until - now : 0;
    else
        left = s->until + BUCKET_COST - now > BUCKET_DEPTH
                   ? s->until + BUCKET_COST - now - BUCKET_DEPTH
                   : 0;
    return left > 0 ? (int)(left < INT32_MAX ? left : INT32_MAX) : 0;
}

/* The slot of `key` in `t` (lock held): its own; else, with `create`, a free one, else the
 * unlocked one that expires first, reset for `key`. NULL when it has none and (with
 * `create`) every slot of its probe run is locked. */
static slot *find_slot(table *t, uint64_t key, int64_t now, bool create)
{
    size_t base = (size_t)(key % SLOTS);
    slot *own = NULL, *free_slot = NULL, *unlocked = NULL;
    for (size_t i = 0; i < PROBE && !own; i++) {
        slot *s = &t->s[(base + i) % SLOTS];
        if (s->key == key)
            own = s;
        else if (s->key == 0 || s->until <= now) {
            if (!free_slot)
                free_slot = s;
        } else if (!wait_of(t, s, now) && (!unlocked || s->until < unlocked->until))
            unlocked = s;
    }
    if (own || !create)
        return own;
    slot *v = free_slot ? free_slot : unlocked;
    if (v)
        *v = (slot){.key = key, .until = now, .failures = 0};
    return v;
}

/* Seconds until the first locked slot of `key`'s probe run in `t` expires (for a key that
 * found no slot). Lock held. */
static int run_wait(const table *t, uint64_t key, int64_t now)
{
    size_t base = (size_t)(key % SLOTS);
    int64_t first = INT64_MAX;
    for (size_t i = 0; i < PROBE; i++) {
        const slot *s = &t->s[(base + i) % SLOTS];
        if (s->until < first)
            first = s->until;
    }
    int64_t left = first - now;
    return left > 0 ? (int)(left < INT32_MAX ? left : INT32_MAX) : 1;
}

/* Counts one failure (pairs, accounts) or one attempt (buckets) on `s` at `now`. Lock held. */
static void count_failure(const table *t, slot *s, int64_t now)
{
    if (!t->limit) {
        s->until = (s->until > now ? s->until : now) + BUCKET_COST;
        return;
    }
    if (s->until <= now) {
        s->until = now + GRADING_LOGIN_WINDOW_SECONDS;
        s->failures = 0;
    }
    s->failures++;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

/* The wait for `name` from `ip` at `now` over the three tables (bucket only with
 * `with_bucket`); fills the slots found. Lock held. */
static int login_wait(const char *ip, const char *name, int64_t now, bool create, bool with_bucket,
                      slot *out[3])
{
    uint64_t keys[3] = {pair_key(ip, name), account_key(name), ip_key('b', ip)};
    table *tabs[3] = {&pairs, &accounts, &buckets};
    int wait = 0;
    for (int i = 0; i < 3; i++) {
        out[i] = NULL;
        if (i == 2 && !with_bucket)
            continue;
        out[i] = find_slot(tabs[i], keys[i], now, create);
        if (create && !out[i])
            wait = max_int(wait, run_wait(tabs[i], keys[i], now));
        else
            wait = max_int(wait, wait_of(tabs[i], out[i], now));
    }
    return wait;
}

int grading_login_blocked(const char *ip, const char *name, int64_t now)
{
    slot *s[3];
    pthread_mutex_lock(&slots_lock);
    int wait = login_wait(ip, name, now, false, true, s);
    pthread_mutex_unlock(&slots_lock);
    return wait;
}

void grading_login_failed(const char *ip, const char *name, int64_t now)
{
    slot *s[3];
    pthread_mutex_lock(&slots_lock);
    login_wait(ip, name, now, true, false, s);
    if (s[0])
        count_failure(&pairs, s[0], now);
    if (s[1])
        count_failure(&accounts, s[1], now);
    pthread_mutex_unlock(&slots_lock);
}

int grading_login_begin(const char *ip, const char *name, int64_t now)
{
    slot *s[3];
    pthread_mutex_lock(&slots_lock);
    int wait = login_wait(ip, name, now, true, true, s);
    if (!wait) {
        count_failure(&pairs, s[0], now);
        count_failure(&accounts, s[1], now);
        count_failure(&buckets, s[2], now);
    }
    pthread_mutex_unlock(&slots_lock);
    return wait;
}

void grading_login_succeeded(const char *ip, const char *name)
{
    pthread_mutex_lock(&slots_lock);
    slot *s = find_slot(&pairs, pair_key(ip, name), 0, false);
    if (s)
        memset(s, 0, sizeof *s);
    s = find_slot(&accounts, account_key(name), 0, false);
    if (s && s->failures > 0)
        s->failures--;
    s = find_slot(&buckets, ip_key('b', ip), 0, false);
    if (s)
        s->until -= BUCKET_COST;
    pthread_mutex_unlock(&slots_lock);
}
