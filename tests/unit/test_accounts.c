/* test_accounts.c — store_accounts (users, sessions, tokens) and auth.c (secrets, passwords,
 * names, roles, the login throttle). */
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../server/grading/auth.h"
#include "../../server/store/store.h"
#include "../../server/store/store_accounts.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* A fresh database; a failed store_open is reported (a failed mkdtemp is not). */
static int tdb_open(test_db *t)
{
    int rc = test_db_open(t, "acc");
    if (rc && t->err[0])
        testlib_fail(__FILE__, __LINE__, "store_open: %s", t->err);
    return rc;
}

TEST(accounts_users_add_find_list_conflict)
{
    test_db t;
    if (tdb_open(&t))
        return;
    int64_t id = 0;
    CHECK_EQ_INT(store_user_add(t.s, "prof", "instructor", "$argon2id$x", &id), STORE_OK);
    CHECK(id > 0);
    CHECK_EQ_INT(store_user_add(t.s, "alice", "student", "$argon2id$y", NULL), STORE_OK);
    CHECK_EQ_INT(store_user_add(t.s, "prof", "student", "h", NULL), STORE_CONFLICT);
    CHECK_EQ_INT(store_user_add(t.s, "eve", "grader", "h", NULL), STORE_CONFLICT); /* role CHECK */
    store_user u;
    char hash[STORE_HASH_SIZE];
    CHECK_EQ_INT(store_user_find(t.s, "prof", &u, hash, sizeof hash), STORE_OK);
    CHECK_EQ_STR(u.role, "instructor");
    CHECK_EQ_STR(hash, "$argon2id$x");
    CHECK_EQ_INT(store_user_find(t.s, "nobody", &u, NULL, 0), STORE_NOT_FOUND);
    store_user *all = NULL;
    size_t n = 0;
    CHECK_EQ_INT(store_user_list(t.s, &all, &n), STORE_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_STR(all[0].name, "alice");
        CHECK_EQ_STR(all[1].name, "prof");
    }
    free(all);
    test_db_close(&t);
}

TEST(accounts_sessions_expire_and_logout)
{
    test_db t;
    if (tdb_open(&t))
        return;
    int64_t uid = 0;
    CHECK_EQ_INT(store_user_add(t.s, "alice", "student", "h", &uid), STORE_OK);
    CHECK_EQ_INT(store_session_put(t.s, "aaaa", uid, "csrf1", 1000, 2000), STORE_OK);
    store_user u;
    char csrf[64];
    CHECK_EQ_INT(store_session_get(t.s, "aaaa", 1500, &u, csrf, sizeof csrf), STORE_OK);
    CHECK_EQ_STR(u.name, "alice");
    CHECK_EQ_STR(csrf, "csrf1");
    CHECK_EQ_INT(store_session_get(t.s, "aaaa", 2000, &u, NULL, 0), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_session_get(t.s, "bbbb", 1500, &u, NULL, 0), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_session_delete(t.s, "aaaa", 1500), STORE_OK);
    CHECK_EQ_INT(store_session_get(t.s, "aaaa", 1500, &u, NULL, 0), STORE_NOT_FOUND);
    test_db_close(&t);
}

TEST(accounts_tokens_lookup_touch_revoke)
{
    test_db t;
    if (tdb_open(&t))
        return;
    char tok[GRADING_TOKEN_SIZE], dg[GRADING_DIGEST_SIZE], dg2[GRADING_DIGEST_SIZE];
    CHECK_EQ_INT(grading_secret_new(tok, dg), 0);
    CHECK(strncmp(tok, "tl_", 3) == 0);
    CHECK_EQ_INT(strlen(tok), 46);
    CHECK_EQ_INT(strlen(dg), 64);
    grading_secret_digest(tok, dg2);
    CHECK_EQ_STR(dg2, dg);
    CHECK(strstr(dg, tok + 3) == NULL); /* the stored form is not the token */
    int64_t id = 0;
    CHECK_EQ_INT(store_token_put(t.s, "ci", "grader", dg, 0, 100, &id), STORE_OK);
    store_token k;
    CHECK_EQ_INT(store_token_lookup(t.s, dg, &k), STORE_OK);
    CHECK_EQ_STR(k.role, "grader");
    CHECK_EQ_INT(k.last_used_at, 0);
    CHECK_EQ_INT(store_token_touch(t.s, id, 555), STORE_OK);
    CHECK_EQ_INT(store_token_lookup(t.s, dg, &k), STORE_OK);
    CHECK_EQ_INT(k.last_used_at, 555);
    CHECK_EQ_INT(store_token_revoke(t.s, id, 600), STORE_OK);
    CHECK_EQ_INT(store_token_revoke(t.s, id, 601), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_token_lookup(t.s, dg, &k), STORE_NOT_FOUND);
    store_token *all = NULL;
    size_t n = 0;
    CHECK_EQ_INT(store_token_list(t.s, &all, &n), STORE_OK);
    CHECK_EQ_INT(n, 1);
    if (n == 1)
        CHECK_EQ_INT(all[0].revoked_at, 600);
    free(all);
    CHECK_EQ_INT(store_token_put(t.s, "x", "superuser", "zz", 0, 1, NULL), STORE_CONFLICT);
    test_db_close(&t);
}

TEST(accounts_password_hash_verify)
{
    char h[STORE_HASH_SIZE];
    CHECK_EQ_INT(grading_password_hash("correct horse", h, sizeof h), 0);
    CHECK(strncmp(h, "$argon2id$", 10) == 0);
    CHECK(grading_password_verify("correct horse", h));
    CHECK(!grading_password_verify("correct hors", h));
    CHECK(!grading_password_verify("correct horse", NULL)); /* unknown user: dummy hash */
    CHECK(!grading_password_verify("", ""));
}

TEST(accounts_names_and_roles)
{
    CHECK(grading_name_valid("alice"));
    CHECK(grading_name_valid("a.b-c_d@x"));
    CHECK(!grading_name_valid(""));
    CHECK(!grading_name_valid("a b"));
    CHECK(!grading_name_valid("a/b"));
    CHECK(!grading_name_valid("é"));
    char longname[80];
    memset(longname, 'a', 64);
    longname[64] = '\0';
    CHECK(!grading_name_valid(longname));
    longname[63] = '\0';
    CHECK(grading_name_valid(longname));
    grading_role r;
    CHECK(grading_role_from_name("grader", &r) && r == GRADING_GRADER);
    CHECK(!grading_role_from_name("anonymous", &r));
    CHECK(!grading_role_from_name("Admin", &r));
    CHECK_EQ_STR(grading_role_name(GRADING_INSTRUCTOR), "instructor");
    CHECK(GRADING_STAFF & GRADING_ALLOW(GRADING_ADMIN));
    CHECK(!(GRADING_STAFF_OR_GRADER & GRADING_ALLOW(GRADING_STUDENT)));
}

TEST(accounts_login_throttle)
{
    int64_t now = 1000000;
    const char *ip = "198.51.100.7";
    for (int i = 0; i < GRADING_LOGIN_MAX_FAILURES; i++) {
        CHECK_EQ_INT(grading_login_blocked(ip, "throttled", now), 0);
        grading_login_failed(ip, "throttled", now);
    }
    int wait = grading_login_blocked(ip, "throttled", now + 10);
    CHECK_EQ_INT(wait, GRADING_LOGIN_WINDOW_SECONDS - 10);
    /* other user, other IP: unaffected */
    CHECK_EQ_INT(grading_login_blocked(ip, "other", now), 0);
    CHECK_EQ_INT(grading_login_blocked("198.51.100.8", "throttled", now), 0);
    /* the window passes */
    CHECK_EQ_INT(grading_login_blocked(ip, "throttled", now + GRADING_LOGIN_WINDOW_SECONDS), 0);
    grading_login_succeeded(ip, "throttled");
    CHECK_EQ_INT(grading_login_blocked(ip, "throttled", now + 10), 0);
}

/* The home slot an unkeyed 64-bit BLAKE2b of ip "\n" name would give in a 4096-slot table. */
static unsigned unkeyed_home(const char *ip, const char *name)
{
    crypto_generichash_state st;
    uint64_t k = 0;
    crypto_generichash_init(&st, NULL, 0, sizeof k);
    crypto_generichash_update(&st, (const unsigned char *)ip, strlen(ip));
    crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&st, (const unsigned char *)name, strlen(name));
    crypto_generichash_final(&st, (unsigned char *)&k, sizeof k);
    return (unsigned)((k ? k : 1) % 4096);
}

TEST(accounts_login_throttle_survives_names_chosen_to_collide)
{
    int64_t now = 5000000;
    const char *ip = "203.0.113.9";
    CHECK_EQ_INT(grading_crypto_init(), 0);
    for (int i = 0; i < GRADING_LOGIN_MAX_FAILURES; i++)
        grading_login_failed(ip, "victim", now);
    CHECK(grading_login_blocked(ip, "victim", now) > 0);
    /* eight names that would share the victim's home slot under an unkeyed hash */
    unsigned home = unkeyed_home(ip, "victim");
    char name[32];
    int found = 0;
    for (long i = 0; found < 8 && i < 10000000; i++) {
        snprintf(name, sizeof name, "c%ld", i);
        if (unkeyed_home(ip, name) != home)
            continue;
        found++;
        grading_login_failed(ip, name, now + 1);
    }
    CHECK_EQ_INT(found, 8);
    CHECK(grading_login_blocked(ip, "victim", now + 2) > 0);
}

TEST(accounts_login_throttle_never_evicts_a_locked_entry)
{
    int64_t now = 1000; /* before every other test's times: these entries are stale there */
    const char *ip = "203.0.113.10";
    for (int i = 0; i < GRADING_LOGIN_MAX_FAILURES; i++)
        grading_login_failed(ip, "fill-target", now);
    char name[32];
    /* four times as many locked keys as slots: after the first 4096 or so, each 8-slot run
     * gets about 24 more, which also evict the other tests' unlocked entries */
    for (int i = 0; i < 4 * 4096; i++) {
        snprintf(name, sizeof name, "f%d", i);
        for (int k = 0; k < GRADING_LOGIN_MAX_FAILURES; k++)
            grading_login_failed(ip, name, now);
    }
    CHECK_EQ_INT(grading_login_blocked(ip, "fill-target", now + 1),
                 GRADING_LOGIN_WINDOW_SECONDS - 1);
    /* no room for a new key: refused until a locked entry expires */
    int refused = 0;
    for (int i = 0; i < 16; i++) {
        snprintf(name, sizeof name, "new%d", i);
        char ipn[32];
        snprintf(ipn, sizeof ipn, "198.18.0.%d", i);
        refused += grading_login_begin(ipn, name, now + 1) > 0;
    }
    CHECK_EQ_INT(refused, 16);
    CHECK_EQ_INT(grading_login_begin("198.18.1.1", "later", now + GRADING_LOGIN_WINDOW_SECONDS), 0);
}

TEST(accounts_login_limit_per_account_across_addresses)
{
    int64_t now = 3000000;
    char ip[32];
    for (int i = 0; i < GRADING_LOGIN_ACCOUNT_FAILURES; i++) {
        snprintf(ip, sizeof ip, "10.0.%d.1", i);
        CHECK_EQ_INT(grading_login_begin(ip, "shared-victim", now), 0);
    }
    CHECK_EQ_INT(grading_login_begin("10.1.0.1", "shared-victim", now + 5),
                 GRADING_LOGIN_WINDOW_SECONDS - 5);
    CHECK(grading_login_blocked("10.1.0.2", "shared-victim", now + 5) > 0);
    CHECK_EQ_INT(grading_login_begin("10.1.0.1", "someone-else", now + 5), 0);
    CHECK_EQ_INT(
        grading_login_begin("10.1.0.1", "shared-victim", now + GRADING_LOGIN_WINDOW_SECONDS), 0);
    /* a success gives back its own attempt: signing in often is not a failure */
    for (int i = 0; i < 3 * GRADING_LOGIN_ACCOUNT_FAILURES; i++) {
        snprintf(ip, sizeof ip, "10.2.%d.1", i % 4);
        CHECK_EQ_INT(grading_login_begin(ip, "busy-user", now + i), 0);
        grading_login_succeeded(ip, "busy-user");
    }
}

TEST(accounts_login_bucket_per_address)
{
    int64_t now = 4000000;
    char name[32];
    for (int i = 0; i < GRADING_LOGIN_IP_BURST; i++) {
        snprintf(name, sizeof name, "b%d", i);
        CHECK_EQ_INT(grading_login_begin("192.0.2.50", name, now), 0);
    }
    CHECK_EQ_INT(grading_login_begin("192.0.2.50", "one-more", now),
                 GRADING_LOGIN_IP_REFILL_SECONDS);
    CHECK_EQ_INT(grading_login_begin("192.0.2.51", "one-more", now), 0);
    CHECK_EQ_INT(
        grading_login_begin("192.0.2.50", "one-more", now + GRADING_LOGIN_IP_REFILL_SECONDS), 0);
    CHECK(grading_login_begin("192.0.2.50", "again", now + GRADING_LOGIN_IP_REFILL_SECONDS) > 0);
    /* a success gives its attempt back */
    grading_login_succeeded("192.0.2.50", "one-more");
    CHECK_EQ_INT(grading_login_begin("192.0.2.50", "again", now + GRADING_LOGIN_IP_REFILL_SECONDS),
                 0);
    /* IPv6: one /64 is one address */
    for (int i = 0; i < GRADING_LOGIN_IP_BURST; i++) {
        snprintf(name, sizeof name, "v%d", i);
        CHECK_EQ_INT(grading_login_begin("2001:db8::1", name, now), 0);
    }
    CHECK(grading_login_begin("2001:db8::2", "v6-more", now) > 0);
    CHECK_EQ_INT(grading_login_begin("2001:db8:0:1::1", "v6-more", now), 0);
}

static sem_t share_gate, share_started_sem, share_done;
static pthread_mutex_t share_lock = PTHREAD_MUTEX_INITIALIZER;
static int share_started, share_other_at;

static void share_job(void *arg)
{
    pthread_mutex_lock(&share_lock);
    share_started++;
    if (arg)
        share_other_at = share_started;
    pthread_mutex_unlock(&share_lock);
    sem_post(&share_started_sem);
    if (!arg)
        while (sem_wait(&share_gate) != 0) {
        }
    sem_post(&share_done);
}

static void sem_take(sem_t *s, int n)
{
    for (int i = 0; i < n; i++)
        while (sem_wait(s) != 0) {
        }
}

TEST(accounts_hash_queue_share_per_address)
{
    sem_init(&share_gate, 0, 0);
    sem_init(&share_started_sem, 0, 0);
    sem_init(&share_done, 0, 0);
    for (int i = 0; i < GRADING_HASH_PER_OWNER; i++)
        CHECK_EQ_INT(grading_hash_run_for("192.0.2.77", share_job, NULL), 0);
    CHECK_EQ_INT(grading_hash_run_for("192.0.2.77", share_job, NULL), -2);
    /* every hashing thread holds one of .77's jobs, the rest of them wait */
    sem_take(&share_started_sem, GRADING_HASH_CONCURRENCY);
    int other = 1;
    CHECK_EQ_INT(grading_hash_run_for("192.0.2.78", share_job, &other), 0);
    /* one thread comes free: it takes .78's job before .77's backlog */
    sem_post(&share_gate);
    sem_take(&share_done, 2);
    CHECK_EQ_INT(share_other_at, GRADING_HASH_CONCURRENCY + 1);
    for (int i = 1; i < GRADING_HASH_PER_OWNER; i++)
        sem_post(&share_gate);
    sem_take(&share_done, GRADING_HASH_PER_OWNER - 1);
    CHECK_EQ_INT(share_started, GRADING_HASH_PER_OWNER + 1);
}
