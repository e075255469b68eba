/*
 * test_store_durable.c — which writes the store commits with synchronous=FULL
 * (store_durable_commits): every write whose success the server acknowledges — a lesson
 * revision, a saved simulation, a user, a session (login and logout), a token (made and
 * revoked) — and not a token's last-used time.
 */
#include "../../server/store/store.h"
#include "../../server/store/store_accounts.h"
#include "../../server/store/store_lessons.h"
#include "../../server/store/store_simulations.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* Runs `expr` (a store_status expression) and checks it succeeded with `durable` more
 * durable commits. */
#define CHECK_DURABLE(s, expr, durable)                                                            \
    do {                                                                                           \
        unsigned long long before_ = store_durable_commits(s);                                     \
        CHECK_EQ_INT((expr), STORE_OK);                                                            \
        CHECK_EQ_INT(store_durable_commits(s) - before_, (durable));                               \
    } while (0)

TEST(store_acknowledged_writes_are_durable)
{
    test_db t;
    if (test_db_open(&t, "durable")) {
        CHECK(!"store_open");
        return;
    }
    store *s = t.s;
    int64_t rev = 0, cur = 0, uid = 0, tid = 0;
    const char *text = "---\ntitle: \"x\"\n---\n# x\n";
    CHECK_DURABLE(s, store_lesson_create(s, "dur", "en", text, strlen(text), "ida", &rev), 1);
    CHECK_DURABLE(
        s, store_lesson_update(s, "dur", "en", rev, text, strlen(text), "ida", &rev, &cur), 1);
    CHECK_DURABLE(s, store_lesson_restore(s, "dur", "en", 1, rev, "ida", &rev, &cur), 1);
    CHECK_DURABLE(s, store_lesson_delete(s, "dur", "en", rev, &cur), 1);
    char id[STORE_SIMULATION_ID_SIZE];
    CHECK_DURABLE(s, store_simulation_put(s, "{\"events\": []}", id), 1);
    CHECK_DURABLE(s, store_user_add(s, "stu", "student", "$argon2id$x", &uid), 1);
    CHECK_DURABLE(s, store_session_put(s, "sesshash", uid, "csrf", 1000, 2000), 1);
    CHECK_DURABLE(s, store_session_delete(s, "sesshash", 1001), 1);
    CHECK_DURABLE(s, store_token_put(s, "ci", "grader", "tokhash", 0, 1000, &tid), 1);
    CHECK_DURABLE(s, store_token_touch(s, tid, 1002), 0); /* last-used time only */
    CHECK_DURABLE(s, store_token_revoke(s, tid, 1003), 1);
    test_db_close(&t);
}
