/* test_grading.c — check.c (ladders, goals) over engine traces of the built-in catalog, and
 * store_grading.c (durable submissions, idempotency keys, group commit under threads,
 * challenges, grades, statistics). */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/engine/sim.h"
#include "../../server/grading/check.h"
#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "../../server/store/store.h"
#include "../../server/store/store_grading.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* Runs a built-in (with `events_json` replacing its events if non-NULL) into *t. */
static int run_builtin(const char *name, const char *events_json, sim_trace *t)
{
    const catalog_entry *e = catalog_find(name);
    if (!e)
        return -1;
    json_t *sc = json_loads(e->json, 0, NULL);
    if (events_json)
        json_object_set_new(sc, "events", json_loads(events_json, 0, NULL));
    sim_scenario *scn = calloc(1, sizeof *scn);
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    int rc = -1;
    if (scn && scenario_from_json(sc, scn, &errs) == 0) {
        sim *s = sim_new();
        sim_trace_init(t);
        if (s && sim_run(s, scn, t, NULL, 0) == SIM_OK)
            rc = 0;
        sim_free(s);
    }
    free(scn);
    json_decref(sc);
    return rc;
}

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        testlib_fail(__FILE__, __LINE__, "bad test JSON: %s", e.text);
    return v;
}

TEST(grading_trace_all_right_and_field_errors)
{
    sim_trace t;
    CHECK_EQ_INT(run_builtin("handshake-and-close", NULL, &t), 0);
    /* the engine's own send steps as a ladder → all right */
    json_t *ladder = json_array();
    for (size_t k = 0; k < t.count; k++) {
        const sim_step *s = &t.steps[k];
        if (s->kind != SIM_STEP_SEND)
            continue;
        json_t *flags = json_array();
        for (size_t i = 0; i < TCP_FLAG_NAME_COUNT; i++)
            if (s->seg.flags & tcp_flag_order[i])
                json_array_append_new(flags, json_string(tcp_flag_name(tcp_flag_order[i])));
        json_array_append_new(ladder,
                              json_pack("{s:s, s:o, s:I, s:I, s:I, s:s}", "endpoint",
                                        sim_endpoint_name(s->endpoint), "flags", flags, "seq",
                                        (json_int_t)s->seg.seq, "ack", (json_int_t)s->seg.ack,
                                        "len", (json_int_t)s->seg.len, "state_after",
                                        tcp_state_name(s->state_after)));
    }
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    json_t *r = check_trace(&t, ladder, "/steps", &errs);
    CHECK(r != NULL);
    CHECK_EQ_INT(errs.count, 0);
    CHECK(json_real_value(json_object_get(r, "score")) == 1.0);
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "points")), json_array_size(ladder));
    json_decref(r);

    /* line 2 (SYN,ACK): a wrong ACK and a wrong state; line 3 dropped at the end */
    json_t *l2 = json_array_get(ladder, 1);
    json_object_set_new(l2, "ack", json_integer(100));
    json_object_set_new(l2, "state_after", json_string("ESTABLISHED"));
    size_t total = json_array_size(ladder);
    json_array_remove(ladder, total - 1);
    memset(&errs, 0, sizeof errs);
    r = check_trace(&t, ladder, "/steps", &errs);
    CHECK(r != NULL);
    json_t *lines = json_object_get(r, "lines");
    CHECK_EQ_INT(json_array_size(lines), total);
    json_t *w = json_array_get(lines, 1);
    CHECK(json_is_false(json_object_get(w, "right")));
    CHECK_EQ_INT(json_array_size(json_object_get(w, "wrong")), 2);
    CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(w, "wrong"), 0)), "ack");
    const char *ex = json_string_value(json_object_get(w, "explanation"));
    CHECK(ex && strstr(ex, "ACK is 101, not 100") && strstr(ex, "RFC 9293"));
    json_t *last = json_array_get(lines, total - 1);
    CHECK(json_is_true(json_object_get(last, "missing")));
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "points")), total - 2);
    json_decref(r);
    json_decref(ladder);
    sim_trace_cleanup(&t);
}

TEST(grading_trace_malformed_lines_have_pointers)
{
    sim_trace t;
    CHECK_EQ_INT(run_builtin("handshake-and-close", NULL, &t), 0);
    json_t *ladder = J("[{\"endpoint\":\"client\",\"flags\":\"SYN\",\"seq\":100},"
                       "{\"endpoint\":\"srv\",\"flags\":[\"SYN\",\"ACK\"],\"seq\":-1},"
                       "{\"endpoint\":\"client\",\"flags\":[\"ACK\"],\"seq\":1,\"bogus\":1},"
                       "7]");
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    json_t *r = check_trace(&t, ladder, "/steps", &errs);
    CHECK(r == NULL);
    char buf[2048];
    scenario_errors_format(&errs, buf, sizeof buf);
    CHECK(strstr(buf, "/steps/1/endpoint") != NULL);
    CHECK(strstr(buf, "/steps/1/seq") != NULL);
    CHECK(strstr(buf, "/steps/1/ack") != NULL); /* ACK set, no ack */
    CHECK(strstr(buf, "/steps/2/bogus") != NULL);
    CHECK(strstr(buf, "/steps/3") != NULL);
    CHECK(strstr(buf, "/steps/0") == NULL);
    json_decref(ladder);
    memset(&errs, 0, sizeof errs);
    json_t *notarr = J("{}");
    CHECK(check_trace(&t, notarr, "/steps", &errs) == NULL);
    CHECK_EQ_STR(errs.items[0].pointer, "/steps");
    json_decref(notarr);
    sim_trace_cleanup(&t);
}

static const char HALF_CLOSE_GOAL[] =
    "{\"reach\": {\"all\": [{\"state\": {\"endpoint\": \"server\", \"is\": \"CLOSE-WAIT\"}},"
    "                      {\"state\": {\"endpoint\": \"client\", \"is\": \"FIN-WAIT-2\"}}]},"
    " \"never\": {\"state_visited\": {\"endpoint\": \"client\", \"is\": \"TIME-WAIT\"}}}";

TEST(grading_goal_pass_and_first_failing_step)
{
    json_t *goal = J(HALF_CLOSE_GOAL);
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    CHECK_EQ_INT(check_goal_validate(goal, "/goal", &errs), 0);

    sim_trace t;
    CHECK_EQ_INT(run_builtin("half-close",
                             "[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
                             "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
                             "{\"at_ms\":500,\"endpoint\":\"client\",\"call\":\"close\"}]",
                             &t),
                 0);
    json_t *r = check_goal(goal, &t);
    CHECK(json_is_true(json_object_get(r, "passed")));
    CHECK(json_is_null(json_object_get(r, "failed_step")));
    json_decref(r);
    sim_trace_cleanup(&t);

    /* closing both ends: the client passes through TIME-WAIT → fails at that step */
    CHECK_EQ_INT(run_builtin("half-close",
                             "[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"},"
                             "{\"at_ms\":0,\"endpoint\":\"client\",\"call\":\"connect\"},"
                             "{\"at_ms\":500,\"endpoint\":\"client\",\"call\":\"close\"},"
                             "{\"at_ms\":700,\"endpoint\":\"server\",\"call\":\"close\"}]",
                             &t),
                 0);
    r = check_goal(goal, &t);
    CHECK(json_is_false(json_object_get(r, "passed")));
    json_int_t k = json_integer_value(json_object_get(r, "failed_step"));
    CHECK(k >= 1 && (size_t)k <= t.count);
    if (k >= 1 && (size_t)k <= t.count) {
        CHECK_EQ_INT(t.steps[k - 1].vars[SIM_CLIENT].state, TCP_TIME_WAIT);
        if (k >= 2)
            CHECK(t.steps[k - 2].vars[SIM_CLIENT].state != TCP_TIME_WAIT);
    }
    CHECK(strstr(json_string_value(json_object_get(r, "reason")), "TIME-WAIT") != NULL);
    json_decref(r);
    sim_trace_cleanup(&t);

    /* never connecting: the reach fails at the last step */
    CHECK_EQ_INT(run_builtin("half-close",
                             "[{\"at_ms\":0,\"endpoint\":\"server\",\"call\":\"listen\"}]", &t),
                 0);
    r = check_goal(goal, &t);
    CHECK(json_is_false(json_object_get(r, "passed")));
    CHECK_EQ_INT(json_integer_value(json_object_get(r, "failed_step")), t.count);
    json_decref(r);
    sim_trace_cleanup(&t);
    json_decref(goal);
}

TEST(grading_goal_segments_and_final)
{
    sim_trace t;
    CHECK_EQ_INT(run_builtin("lost-syn-ack", NULL, &t), 0);
    json_t *g =
        J("{\"reach\": {\"segment\": {\"from\": \"server\", \"flags\": [\"SYN\",\"ACK\"],"
          " \"kind\": \"send\", \"retransmission\": true}},"
          " \"final\": {\"any\": [{\"state\": {\"endpoint\": \"client\", \"is\": \"ESTABLISHED\"}},"
          "                       {\"state_visited\": {\"endpoint\": \"client\", \"is\": "
          "\"ESTABLISHED\"}}]}}");
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    CHECK_EQ_INT(check_goal_validate(g, "/goal", &errs), 0);
    json_t *r = check_goal(g, &t);
    CHECK(json_is_true(json_object_get(r, "passed")));
    json_decref(r);
    json_decref(g);
    g = J("{\"never\": {\"segment\": {\"kind\": \"drop\"}}}");
    r = check_goal(g, &t);
    CHECK(json_is_false(json_object_get(r, "passed")));
    json_int_t k = json_integer_value(json_object_get(r, "failed_step"));
    CHECK(k >= 1 && (size_t)k <= t.count && t.steps[k - 1].kind == SIM_STEP_DROP);
    json_decref(r);
    json_decref(g);
    sim_trace_cleanup(&t);
}

TEST(grading_goal_validation_errors)
{
    const char *bad[][2] = {
        {"[]", "/goal"},
        {"{\"reach\": {\"state\": {\"endpoint\": \"x\", \"is\": \"LISTEN\"}}}",
         "/goal/reach/state/endpoint"},
        {"{\"never\": {\"state\": {\"endpoint\": \"client\", \"is\": \"TIMEWAIT\"}}}",
         "/goal/never/state/is"},
        {"{\"all\": [{\"state\": {\"endpoint\": \"client\", \"is\": \"LISTEN\"}}, {\"bogus\": 1}]}",
         "/goal/all/1/bogus"},
        {"{\"reach\": {\"segment\": {\"kind\": \"fly\"}}}", "/goal/reach/segment/kind"},
        {"{\"reach\": {\"all\": []}}", "/goal/reach/all"},
        {"{\"reach\": {\"not\": {}}}", "/goal/reach/not"},
        {"{\"reach\": {\"state\": {\"endpoint\": \"client\", \"is\": \"LISTEN\"}}, \"later\": 1}",
         "/goal/later"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *g = json_loads(bad[i][0], JSON_DECODE_ANY, NULL);
        scenario_errors errs;
        memset(&errs, 0, sizeof errs);
        CHECK_EQ_INT(check_goal_validate(g, "/goal", &errs), -1);
        CHECK(errs.count >= 1);
        if (errs.count)
            CHECK_EQ_STR(errs.items[0].pointer, bad[i][1]);
        json_decref(g);
    }
    /* deep nesting is refused, not recursed without bound */
    char deep[4096] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "{\"not\":");
    strcat(deep, "{\"state\":{\"endpoint\":\"client\",\"is\":\"LISTEN\"}}");
    for (int i = 0; i < 100; i++)
        strcat(deep, "}");
    json_t *g = J(deep);
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    CHECK_EQ_INT(check_goal_validate(g, "/goal", &errs), -1);
    json_decref(g);
}

/* ---- store_grading ------------------------------------------------------------------------ */

TEST(grading_store_submission_idempotency)
{
    test_db t;
    CHECK_EQ_INT(test_db_open(&t, "grd"), 0);
    if (!t.s)
        return;
    store_submission_in in = {"challenge",         "1", "alice", "token:1", "key-1", "h1", "[]",
                              "{\"passed\":true}", 1.0, 201};
    int64_t id = 0, id2 = 0;
    CHECK_EQ_INT(store_submission_put(t.s, &in, &id), STORE_OK);
    CHECK(id > 0);
    CHECK_EQ_INT(store_submission_put(t.s, &in, &id2), STORE_CONFLICT);
    in.actor = "token:2"; /* keys are per actor */
    CHECK_EQ_INT(store_submission_put(t.s, &in, &id2), STORE_OK);
    in.idempotency_key = NULL; /* no key: never a conflict */
    CHECK_EQ_INT(store_submission_put(t.s, &in, &id2), STORE_OK);
    CHECK_EQ_INT(store_submission_put(t.s, &in, &id2), STORE_OK);
    store_submission sub;
    CHECK_EQ_INT(store_submission_find_key(t.s, "token:1", "key-1", &sub), STORE_OK);
    CHECK_EQ_INT(sub.id, id);
    CHECK_EQ_INT(sub.status, 201);
    CHECK_EQ_STR(sub.result_json, "{\"passed\":true}");
    CHECK_EQ_STR(sub.user_name, "alice");
    store_submission_cleanup(&sub);
    CHECK_EQ_INT(store_submission_get(t.s, id + 100, &sub), STORE_NOT_FOUND);
    int64_t n = 0;
    CHECK_EQ_INT(store_submission_count(t.s, &n), STORE_OK);
    CHECK_EQ_INT(n, 4);
    test_db_close(&t);
}

typedef struct writer_arg {
    store *s;
    int thread;
    int ok;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *a = p;
    for (int i = 0; i < 50; i++) {
        char key[32], actor[32];
        snprintf(key, sizeof key, "k%d", i);
        snprintf(actor, sizeof actor, "token:%d", a->thread);
        store_submission_in in = {
            "quiz", "lesson.q1",       "bob", actor, key, "h", "{\"choice\":1}",
            "{}",   i % 2 ? 1.0 : 0.0, 200};
        int64_t id;
        if (store_submission_put(a->s, &in, &id) == STORE_OK)
            a->ok++;
    }
    return NULL;
}

TEST(grading_store_group_commit_threads)
{
    test_db t;
    CHECK_EQ_INT(test_db_open(&t, "grd"), 0);
    if (!t.s)
        return;
    enum { N = 8 };
    pthread_t th[N];
    writer_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (writer_arg){t.s, i, 0};
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(args[i].ok, 50);
    }
    int64_t n = 0;
    CHECK_EQ_INT(store_submission_count(t.s, &n), STORE_OK);
    CHECK_EQ_INT(n, N * 50);
    /* statistics: mean 0.5, one common wrong answer */
    store_stat *st = NULL;
    size_t ns = 0;
    CHECK_EQ_INT(store_stats(t.s, &st, &ns), STORE_OK);
    CHECK_EQ_INT(ns, 1);
    if (ns == 1) {
        CHECK_EQ_INT(st[0].attempts, N * 50);
        CHECK(st[0].mean > 0.49 && st[0].mean < 0.51);
        CHECK_EQ_INT(st[0].wrong_count, 1);
        CHECK_EQ_STR(st[0].wrong_answer[0], "{\"choice\":1}");
    }
    store_stats_free(st, ns);
    store_grade *g = NULL;
    size_t ng = 0;
    CHECK_EQ_INT(store_grades(t.s, &g, &ng), STORE_OK);
    CHECK_EQ_INT(ng, 1);
    if (ng == 1)
        CHECK(g[0].best == 1.0);
    store_grades_free(g, ng);
    test_db_close(&t);
}

TEST(grading_store_challenges)
{
    test_db t;
    CHECK_EQ_INT(test_db_open(&t, "grd"), 0);
    if (!t.s)
        return;
    int64_t id = 0;
    CHECK_EQ_INT(
        store_challenge_put(t.s, "Half close", "{}", "{\"reach\":{}}", 5, "user:prof", &id),
        STORE_OK);
    store_challenge c;
    CHECK_EQ_INT(store_challenge_get(t.s, id, &c), STORE_OK);
    CHECK_EQ_STR(c.title, "Half close");
    CHECK(c.points == 5.0);
    store_challenge_cleanup(&c);
    CHECK_EQ_INT(store_challenge_get(t.s, id + 1, &c), STORE_NOT_FOUND);
    store_challenge *all = NULL;
    size_t n = 0;
    CHECK_EQ_INT(store_challenge_list(t.s, &all, &n), STORE_OK);
    CHECK_EQ_INT(n, 1);
    for (size_t i = 0; i < n; i++)
        store_challenge_cleanup(&all[i]);
    free(all);
    test_db_close(&t);
}
