/* test_accounts.c — store_accounts (users, sessions, tokens) and auth.c (secrets, passwords,
 * names, roles, the login throttle). */
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
