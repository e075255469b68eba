/*
 * fuzz_quiz.c — libFuzzer harness: a ```quiz block and an answer, parsed and graded.
 *
 * Input: the block's YAML, then a line "=====", then the answer payload JSON (docs/quiz.md:
 * {"choice": 1}, {"segments": [...]}, ...). Without the separator the whole input is the
 * YAML and the answer is missing (graded as malformed). The seed corpus holds every
 * question of the bundled lessons with right, wrong and malformed answers.
 * For each question parsed: the question HTML (both locales), the parameters and variant
 * for two seeds, the grade of the answer for those seeds, and the deeper check `tcplab
 * check` runs (engine runs over several seeds) for the first question, and the worked answer
 * alone (quiz_explain). Oracles besides the
 * sanitizers: a grade is an object whose score lies in 0..1; a set is equivalent to itself.
 * Does not: reach lesson files, HTTP or the store.
 */
#include "fuzz_common.h"

#include "../../server/lessons/quiz.h"

#include <jansson.h>
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void grade_one(const quiz_question *q, const char *gid, uint64_t seed, const json_t *answer,
                      const char *locale)
{
    json_t *g = quiz_grade(q, seed, answer, locale);
    if (!g)
        return; /* allocation or engine failure: allowed by the contract */
    FUZZ_CHECK(json_is_object(g), "quiz_grade did not return an object");
    json_t *score = json_object_get(g, "score");
    FUZZ_CHECK(json_is_number(score), "grade without a numeric score");
    double s = json_number_value(score);
    FUZZ_CHECK(s >= 0.0 && s <= 1.0 && !isnan(s), "grade score outside 0..1");
    json_t *h = json_object_get(g, "hint");
    FUZZ_CHECK(json_is_null(h) || json_is_string(h), "hint neither null nor a string");
    json_decref(g);
    json_decref(quiz_variant_json(q, gid, seed));
    json_t *x = quiz_explain(q, seed, locale);
    FUZZ_CHECK(!x || json_is_string(json_object_get(x, "explanation")),
               "quiz_explain without an explanation");
    json_decref(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t rest;
    size_t ylen = fuzz_split(data, size, "\n=====\n", &rest);
    char *yaml = fuzz_strndup(data, ylen);
    json_t *answer = NULL;
    if (rest < size) {
        json_error_t jerr;
        answer = json_loadb((const char *)data + rest, size - rest, JSON_DECODE_ANY, &jerr);
    }

    quiz_set set = {0};
    char err[512];
    if (quiz_parse_block(yaml, ylen, &set, err, sizeof err) == 0) {
        FUZZ_CHECK(quiz_sets_equivalent(&set, &set, err, sizeof err) == 0,
                   "a quiz set is not equivalent to itself");
        for (size_t i = 0; i < set.count; i++) {
            const quiz_question *q = set.items[i];
            char gid[160];
            snprintf(gid, sizeof gid, "fuzz.%s", quiz_question_id(q));
            (void)quiz_type_name(quiz_question_type(q));
            (void)quiz_question_line(q);
            free(quiz_render_question(q, gid, "en"));
            free(quiz_render_question(q, gid, "zh-CN"));
            const char *names[QUIZ_MAX_PARAMS];
            int64_t values[QUIZ_MAX_PARAMS];
            (void)quiz_draw_params(q, 1, names, values);
            grade_one(q, gid, 1, answer, "en");
            grade_one(q, gid, 0x9e3779b97f4a7c15ull, answer, "zh-CN");
            if (i == 0)
                (void)quiz_check_question(q, err, sizeof err);
        }
    } else {
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL, "quiz error not terminated");
        FUZZ_CHECK(set.count == 0, "a failed parse appended questions");
    }
    /* Variant ids come from clients: parse the answer text as one too. */
    if (json_is_string(answer)) {
        uint64_t seed;
        char id[128];
        (void)quiz_parse_variant_id(json_string_value(answer), &seed, id, sizeof id);
    }
    quiz_set_cleanup(&set);
    json_decref(answer);
    free(yaml);
    return 0;
}
