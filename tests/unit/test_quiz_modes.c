/* test_quiz_modes.c — quiz modes: the front matter's `quiz:` key
 * (server/lessons/frontmatter.h), the exam attempt limit and server secret
 * (server/store/store_quiz.h) and the exam seed (server/web/quiz_modes.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/web/quiz_modes.h"
#include "../../server/lessons/frontmatter.h"
#include "../../server/store/store_quiz.h"
#include "test_store_fixture.h"
#include "testlib.h"

typedef struct qm_log {
    int count;
    int first_line;
    char all[2000];
} qm_log;

static void qm_collect(void *ctx, int line, const char *msg)
{
    qm_log *l = ctx;
    if (l->count++ == 0)
        l->first_line = line;
    size_t n = strlen(l->all);
    snprintf(l->all + n, sizeof l->all - n, "%d: %s\n", line, msg);
}

/* Front matter with `quiz_line` as its 7th line (NULL: no quiz key). */
static int qm_parse(const char *quiz_line, frontmatter *fm, qm_log *log)
{
    char text[600];
    snprintf(text, sizeof text,
             "---\ntitle: T\nsummary: S\norder: 1\ntags: [a]\nlocale: en\n%s%s---\nbody\n",
             quiz_line ? quiz_line : "", quiz_line ? "\n" : "");
    memset(log, 0, sizeof *log);
    size_t off;
    int line;
    return frontmatter_parse(text, strlen(text), fm, &off, &line, qm_collect, log);
}

TEST(qm_frontmatter_default_practice)
{
    frontmatter fm;
    qm_log log;
    CHECK_EQ_INT(qm_parse(NULL, &fm, &log), 0);
    CHECK_EQ_INT(fm.quiz_mode, FRONTMATTER_QUIZ_PRACTICE);
    CHECK_EQ_INT(fm.quiz_attempts, 0);
    CHECK_EQ_INT(fm.quiz_line, 0);
    frontmatter_cleanup(&fm);
    CHECK_EQ_INT(qm_parse("quiz: {mode: practice}", &fm, &log), 0);
    CHECK_EQ_INT(fm.quiz_mode, FRONTMATTER_QUIZ_PRACTICE);
    CHECK_EQ_INT(fm.quiz_line, 7);
    frontmatter_cleanup(&fm);
}

TEST(qm_frontmatter_exam)
{
    frontmatter fm;
    qm_log log;
    CHECK_EQ_INT(qm_parse("quiz: {mode: exam}", &fm, &log), 0);
    CHECK_EQ_INT(fm.quiz_mode, FRONTMATTER_QUIZ_EXAM);
    CHECK_EQ_INT(fm.quiz_attempts, 3);
    CHECK(fm.quiz_decay == 0.25);
    frontmatter_cleanup(&fm);
    CHECK_EQ_INT(qm_parse("quiz:\n  mode: exam\n  attempts: 5\n  decay: 0.1", &fm, &log), 0);
    CHECK_EQ_INT(fm.quiz_mode, FRONTMATTER_QUIZ_EXAM);
    CHECK_EQ_INT(fm.quiz_attempts, 5);
    CHECK(fm.quiz_decay == 0.1);
    frontmatter_cleanup(&fm);
    CHECK_EQ_INT(qm_parse("quiz: {mode: exam, attempts: 1, decay: 0}", &fm, &log), 0);
    CHECK_EQ_INT(fm.quiz_attempts, 1);
    CHECK(fm.quiz_decay == 0);
    frontmatter_cleanup(&fm);
}

TEST(qm_frontmatter_errors)
{
    static const struct {
        const char *line, *needle;
        int at;
    } bad[] = {
        {"quiz: exam", "\"quiz\" must be a mapping", 7},
        {"quiz: {mode: test}", "quiz.mode must be \"practice\" or \"exam\"", 7},
        {"quiz: {attempts: 2}", "missing key \"mode\"", 7},
        {"quiz: {mode: exam, attempts: 0}", "quiz.attempts must be an integer from 1 to 100", 7},
        {"quiz: {mode: exam, attempts: 2.5}", "quiz.attempts must be", 7},
        {"quiz: {mode: exam, decay: 1.5}", "quiz.decay must be a number from 0 to 1", 7},
        {"quiz: {mode: exam, decay: -0.1}", "quiz.decay must be", 7},
        {"quiz: {mode: exam, limit: 2}", "unknown key \"limit\"", 7},
        {"quiz: {mode: practice, attempts: 2}", "quiz.attempts is only for mode: exam", 7},
        {"quiz:\n  mode: exam\n  decay: lots", "quiz.decay must be", 9},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        frontmatter fm;
        qm_log log;
        CHECK_EQ_INT(qm_parse(bad[i].line, &fm, &log), -1);
        CHECK(strstr(log.all, bad[i].needle) != NULL);
        CHECK_EQ_INT(log.first_line, bad[i].at);
        frontmatter_cleanup(&fm);
    }
}

/* ---- store: the attempt limit ---------------------------------------------------------- */

static char *qm_finish(void *ctx, int attempt, double *score)
{
    (void)ctx;
    *score = 1.0 / attempt;
    char *r = malloc(32);
    if (r)
        snprintf(r, 32, "{\"attempt\":%d}", attempt);
    return r;
}

typedef struct qm_worker {
    store *s;
    store_status rc;
    int attempt;
} qm_worker;

static void *qm_submit(void *arg)
{
    qm_worker *w = arg;
    store_quiz_attempt_in in;
    memset(&in, 0, sizeof in);
    in.sub.kind = "quiz";
    in.sub.ref = "x.q1";
    in.sub.user_name = "sam";
    in.sub.actor = "user:sam";
    in.sub.status = 200;
    in.max_attempts = 3;
    in.finish = qm_finish;
    w->rc = store_quiz_attempt_put(w->s, &in, &w->attempt, NULL);
    return NULL;
}

TEST(qm_store_attempt_limit_parallel)
{
    test_db t;
    CHECK_EQ_INT(test_db_open(&t, "qm"), 0);
    if (!t.s)
        return;
    enum { N = 12 };
    qm_worker w[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        w[i] = (qm_worker){t.s, STORE_ERROR, 0};
        pthread_create(&th[i], NULL, qm_submit, &w[i]);
    }
    int ok = 0, conflict = 0, seen = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (w[i].rc == STORE_OK) {
            ok++;
            seen |= 1 << w[i].attempt;
        } else if (w[i].rc == STORE_CONFLICT) {
            conflict++;
            CHECK_EQ_INT(w[i].attempt, 3);
        }
    }
    CHECK_EQ_INT(ok, 3);
    CHECK_EQ_INT(conflict, N - 3);
    CHECK_EQ_INT(seen, (1 << 1) | (1 << 2) | (1 << 3));
    int used = -1;
    CHECK_EQ_INT(store_quiz_attempts_used(t.s, "quiz", "x.q1", "sam", &used), STORE_OK);
    CHECK_EQ_INT(used, 3);
    CHECK_EQ_INT(store_quiz_attempts_used(t.s, "quiz", "x.q1", "ria", &used), STORE_OK);
    CHECK_EQ_INT(used, 0);
    test_db_close(&t);
}

TEST(qm_exam_seed_stable_and_distinct)
{
    test_db t;
    CHECK_EQ_INT(test_db_open(&t, "qm"), 0);
    if (!t.s)
        return;
    char secret[160];
    CHECK_EQ_INT(store_server_secret(t.s, "quiz-exam-seed", secret, sizeof secret), STORE_OK);
    CHECK_EQ_INT((int)strlen(secret), 64);
    CHECK_EQ_INT(store_server_secret(t.s, "nope", secret, sizeof secret), STORE_NOT_FOUND);
    uint64_t a = 0, b = 0, c = 0, d = 0;
    CHECK_EQ_INT(quiz_modes_seed(t.s, "u1", "x.q1", &a), 0);
    CHECK_EQ_INT(quiz_modes_seed(t.s, "u1", "x.q1", &b), 0);
    CHECK_EQ_INT(quiz_modes_seed(t.s, "u2", "x.q1", &c), 0);
    CHECK_EQ_INT(quiz_modes_seed(t.s, "u1", "x.q2", &d), 0);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a != d);
    CHECK(a < (UINT64_C(1) << 53));
    test_db_close(&t);
}
