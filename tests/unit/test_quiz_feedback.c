/*
 * test_quiz_feedback.c — feedback that teaches (server/lessons/quiz.h): per-choice partial
 * credit and choice marks, authored and generated hints that never contain the key, plain
 * 1-based format errors beside the JSON pointers, the worked answer on its own
 * (quiz_explain), and ordering buttons named after their item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lessons/quiz.h"
#include "testlib.h"

static const char *const FB_BLOCK =
    "- id: m\n"
    "  type: multiple\n"
    "  prompt: \"Pick\"\n"
    "  choices: [\"a\", \"b\", \"c\", \"d\"]\n"
    "  answer: [0, 2]\n"
    "  hint: \"Two of them are true.\"\n"
    "  explanation: \"{answer}\"\n"
    "- id: n\n"
    "  type: number\n"
    "  prompt: \"ISN 100: ACK of SYN+ACK?\"\n"
    "  answer: 101\n"
    "  explanation: \"100 + 1 = {answer}\"\n"
    "- id: s\n"
    "  type: state\n"
    "  prompt: \"After step {step}, the server is in?\"\n"
    "  scenario: handshake-and-close\n"
    "  endpoint: server\n"
    "  step: 4\n"
    "  hint: \"Which segment has the server answered?\"\n"
    "  explanation: \"It is {answer}.\"\n"
    "- id: l\n"
    "  type: ladder\n"
    "  prompt: \"Client ISN {client_iss}, server ISN {server_iss}.\"\n"
    "  scenario: handshake-and-close\n"
    "  params:\n"
    "    client_iss: \"int[1000, 2000]\"\n"
    "    server_iss: \"int[5000, 6000]\"\n"
    "  segments: 3\n"
    "  hint: \"The client started at {client_iss}.\"\n"
    "  explanation: \"{answer}\"\n"
    "- id: o\n"
    "  type: order\n"
    "  prompt: \"Order\"\n"
    "  choices: [\"ESTABLISHED\", \"SYN-SENT\", \"CLOSED\"]\n"
    "  answer: [2, 1, 0]\n"
    "  explanation: \"{answer}\"\n";

static quiz_set fb_load(void)
{
    quiz_set set = {0};
    char err[300] = "";
    if (quiz_parse_block(FB_BLOCK, strlen(FB_BLOCK), &set, err, sizeof err) != 0)
        printf("    parse: %s\n", err);
    return set;
}

static const quiz_question *fb_find(const quiz_set *s, const char *id)
{
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(quiz_question_id(s->items[i]), id))
            return s->items[i];
    return NULL;
}

static json_t *fb_grade(const quiz_question *q, uint64_t seed, const char *answer_json,
                        const char *locale)
{
    json_t *a = json_loads(answer_json, 0, NULL);
    json_t *r = quiz_grade(q, seed, a, locale);
    json_decref(a);
    return r;
}

static const char *fb_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static double fb_num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

TEST(quiz_feedback_multiple_per_choice_credit_and_marks)
{
    quiz_set s = fb_load();
    const quiz_question *m = fb_find(&s, "m");
    CHECK(m != NULL);
    /* one right and one wrong tick: choices 0 and 3 agree with the key, 1 and 2 do not */
    json_t *r = fb_grade(m, 0, "{\"choices\": [0, 1]}", "en");
    CHECK(fb_num(r, "points") == 1.0 && fb_num(r, "max_points") == 2.0);
    CHECK(fb_num(r, "score") == 0.5);
    CHECK_EQ_STR(fb_str(r, "feedback_detail"), "2 of 4 choices marked right.");
    CHECK_EQ_STR(fb_str(r, "feedback"),
                 "Partly correct: 1 of 2 points. 2 of 4 choices marked right.");
    json_t *marks = json_object_get(r, "choice_marks");
    CHECK_EQ_INT(json_array_size(marks), 4);
    const int picked[] = {1, 1, 0, 0}, right[] = {1, 0, 0, 1};
    for (size_t i = 0; i < 4; i++) {
        json_t *k = json_array_get(marks, i);
        CHECK_EQ_INT(json_integer_value(json_object_get(k, "index")), (long long)i);
        CHECK_EQ_INT(json_is_true(json_object_get(k, "picked")), picked[i]);
        CHECK_EQ_INT(json_is_true(json_object_get(k, "right")), right[i]);
    }
    /* the explanation still comes from the grader; the hint is generated + authored */
    CHECK_EQ_STR(fb_str(r, "explanation"), "a; c");
    const char *h = fb_str(r, "hint");
    CHECK(h && strstr(h, "✗") && strstr(h, "Two of them are true."));
    json_decref(r);
    /* three of four */
    r = fb_grade(m, 0, "{\"choices\": [0]}", "en");
    CHECK(fb_num(r, "points") == 1.5 && fb_num(r, "score") == 0.75);
    CHECK_EQ_STR(fb_str(r, "feedback"),
                 "Partly correct: 1.50 of 2 points. 3 of 4 choices marked right.");
    json_decref(r);
    /* right: no hint, every mark right */
    r = fb_grade(m, 0, "{\"choices\": [2, 0]}", "zh-CN");
    CHECK(fb_num(r, "score") == 1.0);
    CHECK(json_is_null(json_object_get(r, "hint")));
    CHECK_EQ_STR(fb_str(r, "feedback_detail"), "判断正确的选项有 4 个（共 4 个）。");
    json_decref(r);
    /* malformed: no marks, no hint */
    r = fb_grade(m, 0, "{\"choices\": [9]}", "en");
    CHECK(!json_is_true(json_object_get(r, "gradable")));
    CHECK(json_object_get(r, "choice_marks") == NULL);
    CHECK(json_is_null(json_object_get(r, "hint")));
    json_decref(r);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_number_hint_says_high_or_low)
{
    quiz_set s = fb_load();
    const quiz_question *n = fb_find(&s, "n");
    json_t *r = fb_grade(n, 0, "{\"value\": 100}", "en");
    CHECK_EQ_STR(fb_str(r, "hint"), "Your number is too low.");
    CHECK(json_is_null(json_object_get(r, "feedback_detail")));
    json_decref(r);
    r = fb_grade(n, 0, "{\"value\": 102}", "zh-CN");
    CHECK_EQ_STR(fb_str(r, "hint"), "你填的数偏大了。");
    json_decref(r);
    r = fb_grade(n, 0, "{\"value\": 101}", "en");
    CHECK(json_is_null(json_object_get(r, "hint")));
    json_decref(r);
    r = fb_grade(n, 0, "{\"value\": \"1o1\"}", "en");
    json_t *e = json_array_get(json_object_get(r, "format_errors"), 0);
    CHECK_EQ_STR(fb_str(e, "field"), "/value");
    CHECK_EQ_STR(fb_str(e, "detail"), "must be an integer");
    CHECK_EQ_STR(fb_str(e, "message"), "Enter a whole number, such as 101.");
    json_decref(r);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_state_hint_names_the_step_not_the_state)
{
    quiz_set s = fb_load();
    const quiz_question *q = fb_find(&s, "s");
    json_t *r = fb_grade(q, 0, "{\"state\": \"LISTEN\"}", "en");
    const char *h = fb_str(r, "hint");
    CHECK(h != NULL);
    if (h) {
        CHECK(strstr(h, "step 4") != NULL || strstr(h, "step 3") != NULL);
        CHECK(strstr(h, "LISTEN comes earlier") != NULL);
        CHECK(strstr(h, "SYN-RECEIVED") == NULL); /* the key is never in the hint */
        CHECK(strstr(h, "Which segment has the server answered?") != NULL);
    }
    json_decref(r);
    r = fb_grade(q, 0, "{\"state\": \"TIME-WAIT\"}", "zh-CN");
    h = fb_str(r, "hint");
    CHECK(h && strstr(h, "第 ") && !strstr(h, "SYN-RECEIVED"));
    json_decref(r);
    r = fb_grade(q, 0, "{\"state\": \"SYN-RECEIVED\"}", "en");
    CHECK(json_is_null(json_object_get(r, "hint")));
    json_decref(r);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_ladder_hint_and_plain_errors)
{
    quiz_set s = fb_load();
    const quiz_question *q = fb_find(&s, "l");
    const char *n[QUIZ_MAX_PARAMS];
    int64_t v[QUIZ_MAX_PARAMS];
    quiz_draw_params(q, 7, n, v);
    unsigned long c = (unsigned long)v[0], sv = (unsigned long)v[1];
    char a[300];
    /* row 2 ACK wrong (c instead of c + 1) */
    snprintf(a, sizeof a,
             "{\"segments\": [{\"seq\": %lu, \"ack\": 0}, {\"seq\": %lu, \"ack\": %lu}, "
             "{\"seq\": %lu, \"ack\": %lu}]}",
             c, sv, c, c + 1, sv + 1);
    json_t *r = fb_grade(q, 7, a, "en");
    CHECK(fb_num(r, "points") == 5.0);
    const char *h = fb_str(r, "hint");
    CHECK(h && strstr(h, "Not right yet: row 2 ACK.") == h);
    CHECK(h && strstr(h, "ACK is the next sequence number") && !strstr(h, "SEQ is the number"));
    char num[32];
    snprintf(num, sizeof num, "%lu", c + 1);
    CHECK(h && !strstr(h, num)); /* never the value */
    snprintf(num, sizeof num, "%lu", c);
    CHECK(h && strstr(h, num)); /* the authored hint's {client_iss} is filled */
    json_t *p = json_array_get(json_object_get(r, "parts"), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(p, "row")), 2);
    CHECK_EQ_STR(fb_str(p, "column"), "ack");
    json_decref(r);

    /* malformed cells: the pointer stays, the message counts rows from 1 */
    r = fb_grade(q, 7,
                 "{\"segments\": [{\"seq\": \"abc\", \"ack\": 0}, {\"seq\": 1, \"ack\": 2}, "
                 "{\"seq\": 1}]}",
                 "en");
    CHECK(!json_is_true(json_object_get(r, "gradable")));
    json_t *errs = json_object_get(r, "format_errors");
    CHECK_EQ_INT(json_array_size(errs), 2);
    json_t *e = json_array_get(errs, 0);
    CHECK_EQ_STR(fb_str(e, "field"), "/segments/0/seq");
    CHECK_EQ_STR(fb_str(e, "detail"), "must be an integer 0..4294967295");
    CHECK_EQ_STR(fb_str(e, "message"), "Row 1, SEQ: enter a whole number from 0 to 4294967295.");
    CHECK_EQ_INT(json_integer_value(json_object_get(e, "row")), 1);
    CHECK_EQ_STR(fb_str(e, "column"), "seq");
    e = json_array_get(errs, 1);
    CHECK_EQ_STR(fb_str(e, "message"), "Row 3, ACK: fill in this cell.");
    CHECK(json_is_null(json_object_get(r, "hint")) &&
          json_is_null(json_object_get(r, "explanation")));
    json_decref(r);
    r = fb_grade(q, 7,
                 "{\"segments\": [{\"seq\": -1, \"ack\": 0}, {\"seq\": 1, \"ack\": 2}, {\"seq\": "
                 "1, \"ack\": 2}]}",
                 "zh-CN");
    e = json_array_get(json_object_get(r, "format_errors"), 0);
    CHECK_EQ_STR(fb_str(e, "message"), "第 1 行 SEQ：请填写 0 到 4294967295 之间的整数。");
    json_decref(r);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_explain_without_grading)
{
    quiz_set s = fb_load();
    json_t *x = quiz_explain(fb_find(&s, "n"), 0, "en");
    CHECK_EQ_STR(fb_str(x, "explanation"), "100 + 1 = 101");
    CHECK_EQ_STR(fb_str(x, "answer"), "101");
    json_decref(x);
    x = quiz_explain(fb_find(&s, "s"), 0, "en");
    CHECK_EQ_STR(fb_str(x, "explanation"), "It is SYN-RECEIVED.");
    json_decref(x);
    x = quiz_explain(fb_find(&s, "o"), 0, "en");
    CHECK_EQ_STR(fb_str(x, "answer"), "CLOSED → SYN-SENT → ESTABLISHED");
    json_decref(x);
    const quiz_question *l = fb_find(&s, "l");
    const char *n[QUIZ_MAX_PARAMS];
    int64_t v[QUIZ_MAX_PARAMS];
    quiz_draw_params(l, 3, n, v);
    x = quiz_explain(l, 3, "en");
    char want[64];
    snprintf(want, sizeof want, "seq=%lld ack=0; ", (long long)v[0]);
    CHECK(fb_str(x, "explanation") &&
          strstr(fb_str(x, "explanation"), want) == fb_str(x, "explanation"));
    json_decref(x);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_hint_parse_and_order_button_names)
{
    quiz_set s = {0};
    char err[300] = "";
    const char *bad = "- id: q\n  type: number\n  prompt: p\n  answer: 1\n  hint: \"{answer}\"\n"
                      "  explanation: e\n";
    CHECK(quiz_parse_block(bad, strlen(bad), &s, err, sizeof err) != 0);
    CHECK(strstr(err, "hint has unknown placeholder {answer}") != NULL);
    const char *empty = "- id: q\n  type: number\n  prompt: p\n  answer: 1\n  hint: \"\"\n"
                        "  explanation: e\n";
    CHECK(quiz_parse_block(empty, strlen(empty), &s, err, sizeof err) != 0);
    CHECK(strstr(err, "\"hint\" must not be empty") != NULL);
    quiz_set_cleanup(&s);

    s = fb_load();
    char *html = quiz_render_question(fb_find(&s, "o"), "l.o", "en");
    CHECK(html && strstr(html, "aria-label=\"Move SYN-SENT up\"") &&
          strstr(html, "aria-label=\"Move SYN-SENT down\""));
    free(html);
    html = quiz_render_question(fb_find(&s, "o"), "l.o", "zh-CN");
    CHECK(html && strstr(html, "aria-label=\"将 SYN-SENT 上移\""));
    CHECK(html && !strstr(html, "Two of them")); /* hints are not in the page */
    free(html);
    html = quiz_render_question(fb_find(&s, "m"), "l.m", "en");
    CHECK(html && !strstr(html, "Two of them"));
    free(html);
    quiz_set_cleanup(&s);
}

TEST(quiz_feedback_hint_joins_generated_and_authored)
{
    quiz_set s = fb_load();
    const quiz_question *q = fb_find(&s, "s");
    json_t *r = fb_grade(q, 0, "{\"state\": \"CLOSED\"}", "zh-CN");
    const char *h = fb_str(r, "hint");
    CHECK(h && strstr(h, "。Which segment") != NULL); /* no space after a Chinese full stop */
    json_decref(r);
    r = fb_grade(q, 0, "{\"state\": \"CLOSED\"}", "en");
    h = fb_str(r, "hint");
    CHECK(h && strstr(h, ". Which segment") != NULL && h[strlen(h) - 1] != ' ');
    json_decref(r);
    r = fb_grade(fb_find(&s, "n"), 0, "{\"value\": 1}", "en");
    CHECK_EQ_STR(fb_str(r, "hint"), "Your number is too low.");
    json_decref(r);
    quiz_set_cleanup(&s);
}
