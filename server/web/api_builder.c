/*
 * api_builder.c — POST /api/v1/render/question (see api_builder.h).
 *
 * Owns: the request/response shape of the builder's preview (also the editor preview's: a
 * variant of the unsaved source, and `answers` {id: payload} graded against it). Parsing, checking,
 * variants, the answer key and grading are the quiz modules' (quiz.h, quiz_answer.h); the work is
 * bounded by the 64 KiB block limit and the quiz parser's own node limits.
 * Does not: store anything or look at saved lessons.
 */
#include "api_builder.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../grading/auth.h"
#include "../http/json_body.h"
#include "../lessons/lessons.h"
#include "../lessons/quiz.h"
#include "../lessons/quiz_answer.h"
#include "grading.h"
#include "guard.h"

#define BLOCK_MAX      (64 * 1024)
#define MAX_SEED_VALUE 9007199254740991LL /* 2^53 - 1: exact in a JSON number */

static void unusable(http_response *res, const char *pointer, const char *why)
{
    http_problem_json(res, 422, NULL, NULL, why,
                      json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", pointer, "detail", why));
}

/* One question's preview object; NULL when out of memory. */
static json_t *question_json(const quiz_question *q, const char *slug, const char *locale,
                             uint64_t seed, const json_t *given)
{
    char gid[160];
    snprintf(gid, sizeof gid, "%s.%s", slug, quiz_question_id(q));
    char err[512];
    bool ok = quiz_check_question(q, err, sizeof err) == 0;
    json_t *o = json_pack("{s:s, s:s, s:i}", "id", quiz_question_id(q), "type",
                          quiz_type_name(quiz_question_type(q)), "line", quiz_question_line(q));
    if (!o)
        return NULL;
    json_t *source = quiz_question_source(q);
    json_object_set_new(o, "source", source ? source : json_null());
    json_t *problem = ok ? json_null() : json_string(err);
    json_object_set_new(o, "problem", problem ? problem : json_string("the check failed"));
    json_t *variant = quiz_variant_json(q, gid, seed);
    json_object_set_new(o, "variant", variant ? variant : json_null());
    char *html = quiz_render_question(q, gid, locale);
    json_t *h = html ? json_string(html) : NULL;
    free(html);
    json_object_set_new(o, "html", h ? h : json_null());
    json_t *answer = quiz_answer_payload(q, seed);
    /* the answer the request gave for this question, else the engine's own */
    const json_t *graded = given ? given : answer;
    json_t *grade = graded ? quiz_grade(q, seed, graded, locale) : NULL;
    json_object_set_new(o, "answer", answer ? answer : json_null());
    json_object_set_new(o, "grade", grade ? grade : json_null());
    return o;
}

void api_builder_question(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF) || !http_require_json(req, res))
        return;
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return;
    const json_t *yv = json_object_get(body, "yaml"), *dv = json_object_get(body, "seed");
    const char *slug, *locale, *names_ptr;
    const char *names_why = grading_preview_names(body, &slug, &locale, &names_ptr);
    const char *ptr = NULL, *why = NULL;
    if (!json_is_object(body))
        ptr = "", why = "the body must be an object {yaml, slug?, locale?, seed?}";
    else if (!json_is_string(yv))
        ptr = "/yaml", why = "missing or not a string: the quiz block's YAML";
    else if (json_string_length(yv) > BLOCK_MAX)
        ptr = "/yaml", why = "larger than 64 KiB";
    else if (names_why)
        ptr = names_ptr, why = names_why;
    else if (json_object_get(body, "answers") && !json_is_object(json_object_get(body, "answers")))
        ptr = "/answers", why = "must be an object {question id: answer payload}";
    else if (dv && (!json_is_integer(dv) || json_integer_value(dv) < 0 ||
                    json_integer_value(dv) > MAX_SEED_VALUE))
        ptr = "/seed", why = "must be an integer 0..9007199254740991";
    if (why) {
        unusable(res, ptr, why);
        json_decref(body);
        return;
    }
    uint64_t seed = dv ? (uint64_t)json_integer_value(dv) : 1;
    char slug_buf[64], locale_buf[8];
    snprintf(slug_buf, sizeof slug_buf, "%s", slug);
    snprintf(locale_buf, sizeof locale_buf, "%s", locale);
    quiz_set set = {0};
    char err[512];
    int rc = quiz_parse_block(json_string_value(yv), json_string_length(yv), &set, err, sizeof err);
    json_t *answers = json_incref(json_object_get(body, "answers"));
    json_decref(body);
    if (rc != 0) {
        quiz_set_cleanup(&set);
        json_decref(answers);
        unusable(res, "/yaml", err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < set.count; i++) {
        const json_t *given = json_object_get(answers, quiz_question_id(set.items[i]));
        json_t *o = question_json(set.items[i], slug_buf, locale_buf, seed, given);
        if (!o) {
            json_decref(arr);
            arr = NULL;
            break;
        }
        json_array_append_new(arr, o);
    }
    quiz_set_cleanup(&set);
    json_decref(answers);
    if (!arr) {
        http_problem(res, 500, NULL, "out of memory building the preview");
        return;
    }
    http_json_steal(res, 200, json_pack("{s:o}", "questions", arr));
    http_set_header(res, "Cache-Control", "no-store");
}
