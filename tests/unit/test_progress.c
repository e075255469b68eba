/*
 * test_progress.c — unit tests of a student's progress: store_progress_list (per question:
 * attempts, best score, the latest answer; one user's rows only; the lesson prefix) and the
 * header's account block of pages_progress.c (the sign-in link's ?next=).
 */
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

#include "../../server/store/store_grading.h"
#include "../../server/store/store_progress.h"
#include "../../server/util/strbuf.h"
#include "../../server/web/pages_progress.h"
#include "test_store_fixture.h"

static void put(store *s, const char *user, const char *ref, const char *answer, double score)
{
    char result[64];
    snprintf(result, sizeof result, "{\"score\":%g}", score);
    store_submission_in in = {"quiz", ref, user, "user:x", NULL, "h", answer, result, score, 200};
    int64_t id = 0;
    CHECK_EQ_INT(store_submission_put(s, &in, &id), STORE_OK);
}

TEST(progress_store_summarises_per_question)
{
    test_db t;
    if (test_db_open(&t, "progress")) {
        CHECK(!"could not open a test database");
        return;
    }
    put(t.s, "sam", "hs.q1", "{\"choice\":1}", 1);
    put(t.s, "sam", "hs.q2", "{\"choice\":0}", 0);
    put(t.s, "sam", "hs.q2", "{\"choice\":2}", 1);
    put(t.s, "sam", "hs.q2", "{\"choice\":3}", 0.5);
    put(t.s, "sam", "tw.q1", "{\"value\":4}", 0);
    put(t.s, "ria", "hs.q1", "{\"choice\":0}", 0);
    put(t.s, NULL, "hs.q3", "{\"choice\":0}", 1); /* anonymous: nobody's */
    store_submission_in trace = {"trace", "hs.q1", "sam", "user:sam", NULL,
                                 "h",     "{}",    "{}",  1,          201};
    int64_t id;
    CHECK_EQ_INT(store_submission_put(t.s, &trace, &id), STORE_OK); /* not a quiz row */

    store_progress *p = NULL;
    size_t n = 0;
    CHECK_EQ_INT(store_progress_list(t.s, "sam", "hs.", true, &p, &n), STORE_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_STR(p[0].ref, "hs.q1");
        CHECK_EQ_INT(p[0].attempts, 1);
        CHECK(p[0].best == 1);
        CHECK_EQ_STR(p[1].ref, "hs.q2");
        CHECK_EQ_INT(p[1].attempts, 3);
        CHECK(p[1].best == 1);
        CHECK_EQ_STR(p[1].answer_json, "{\"choice\":3}"); /* the latest, not the best */
        CHECK_EQ_STR(p[1].result_json, "{\"score\":0.5}");
        CHECK(p[1].last_score == 0.5);
        CHECK(p[1].last_at > 0);
    }
    store_progress_free(p, n);

    CHECK_EQ_INT(store_progress_list(t.s, "sam", NULL, false, &p, &n), STORE_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        CHECK_EQ_STR(p[2].ref, "tw.q1");
        CHECK(p[2].answer_json == NULL && p[2].result_json == NULL); /* not asked for */
    }
    store_progress_free(p, n);

    CHECK_EQ_INT(store_progress_list(t.s, "nobody", NULL, true, &p, &n), STORE_OK);
    CHECK_EQ_INT(n, 0);
    CHECK(p == NULL);
    store_progress_free(p, n);
    CHECK_EQ_INT(store_progress_list(t.s, "sam", "h_.", true, &p, &n), STORE_OK);
    CHECK_EQ_INT(n, 0); /* the prefix is matched literally, not as a LIKE pattern */
    store_progress_free(p, n);
    test_db_close(&t);
}

/* The href of the block's sign-in link (static buffer). */
static const char *signin_href(const char *loc, const char *path, const char *query)
{
    static char out[512];
    strbuf b = {0};
    pages_progress_account(&b, loc, path, query);
    char *html = strbuf_take(&b);
    out[0] = '\0';
    const char *h = html ? strstr(html, "class=\"tl-signin\" href=\"") : NULL;
    if (h) {
        h += strlen("class=\"tl-signin\" href=\"");
        const char *e = strchr(h, '"');
        snprintf(out, sizeof out, "%.*s", e ? (int)(e - h) : 0, h);
    }
    free(html);
    return out;
}

TEST(progress_account_block_signs_in_back_to_the_page)
{
    CHECK_EQ_STR(signin_href("en", "/lessons/time-wait", NULL), "/login?next=/lessons/time-wait");
    CHECK_EQ_STR(signin_href("en", "/playground", "scenario=lost-syn&"),
                 "/login?next=/playground%3Fscenario%3Dlost-syn");
    CHECK_EQ_STR(signin_href("en", "/playground", "sim=a_b-c&"),
                 "/login?next=/playground%3Fsim%3Da_b-c");
    CHECK_EQ_STR(signin_href("en", "/", NULL), "/login");
    CHECK_EQ_STR(signin_href("en", "/login", "next=/x&"), "/login");
    CHECK_EQ_STR(signin_href("en", "/lessons/a\"b<c", NULL), "/login?next=/lessons/a%22b%3Cc");
    char longp[300];
    memset(longp, 'a', sizeof longp - 1);
    longp[0] = '/';
    longp[sizeof longp - 1] = '\0';
    CHECK_EQ_STR(signin_href("en", longp, NULL), "/login"); /* too long to come back to */
    strbuf b = {0};
    pages_progress_account(&b, "zh-CN", "/lessons", NULL);
    char *zh = strbuf_take(&b);
    CHECK(zh && strstr(zh, ">登录</a>") && strstr(zh, "data-msg-signout=\"退出登录\""));
    free(zh);
}
