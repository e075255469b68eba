/*
 * api_quiz.c — the two quiz endpoints of api_quiz.h.
 *
 * Owns: request validation and the mapping to HTTP statuses; the language of feedback
 * (?lang, the lang cookie, Accept-Language — as the pages negotiate it).
 * Quiz modes (the lesson's front matter `quiz:` key): practice (default) answers a wrong
 * graded answer with `next_variant`, a fresh variant to try again; exam gives a signed-in
 * user (a session, or a student token acting as a user; never another token) one variant
 * per question (seed derived from user, question and a server secret)
 * and a limited number of graded attempts with decreasing points (quiz_modes.h);
 * an exam answer's explanation is shown only once it is fully right or the last attempt
 * is used (it would give the answer of the student's fixed variant away). A practice
 * answer's explanation comes only with a fully right answer; a wrong one has the hint and
 * `answer_available`, and POST /api/v1/variants/{id}/answer (no attempt recorded, no exam)
 * gives the worked answer when the student asks for it.
 * Idempotency-Key (as on the grading endpoints, grading_util.h): a recorded answer (a
 * signed-in student's graded answer, practice or exam) is stored with the key, and a
 * repeat of the same request with the same key is answered from the store instead of
 * being graded again — a retried exam answer does not cost a second attempt.
 * Does not: grade (quiz.c) or find lessons (lessons.c). Thread-safe: the question set is
 * read-only while serving; exam attempts are counted by the store's writer.
 */
#include "api_quiz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../app.h"
#include "../grading/auth.h"
#include "../http/json_body.h"
#include "guard.h"
#include "grading.h"
#include "grading_util.h"
#include "quiz_modes.h"
#include "lti_ags.h"
#include "pages.h"
#include "../lessons/i18n.h"
#include "../lessons/lessons.h"
#include "../lessons/quiz.h"

static const quiz_question *find_question(const http_request *req, const char *gid,
                                          const lesson **lesson_out)
{
    const lessons_set *ls = req->app ? req->app->lessons : NULL;
    *lesson_out = NULL;
    return ls ? lessons_find_question_in(ls, gid, pages_locale(req, NULL), lesson_out) : NULL;
}

static bool is_exam(const lesson *l)
{
    return l && l->quiz_mode == 1 && l->quiz_attempts > 0;
}

/* The exam seed of the signed-in `p` (0 for a question without parameters). */
static int exam_seed(const http_request *req, const grading_principal *p, const quiz_question *q,
                     const char *gid, uint64_t *seed)
{
    *seed = 0;
    if (!quiz_question_has_params(q))
        return 0;
    char taker[128];
    quiz_modes_taker(p, taker, sizeof taker);
    return quiz_modes_seed(req->app ? req->app->store : NULL, taker, gid, seed);
}

static void not_found(http_response *res, const char *what, const char *id)
{
    char detail[200];
    snprintf(detail, sizeof detail, "no %s \"%.100s\"", what, id);
    http_problem(res, 404, NULL, detail);
}

static void unprocessable(http_response *res, const char *pointer, const char *detail)
{
    json_t *errors = json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", pointer, "detail", detail);
    http_problem_json(res, 422, NULL, NULL, detail, errors);
}

/* Parses a non-empty JSON body; NULL with a 400 problem naming line and column. */
static json_t *parse_body(const http_request *req, http_response *res)
{
    return http_json_body(req, res, JSON_DECODE_ANY, NULL, NULL);
}

static uint64_t random_seed(void)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint32_t)(uintptr_t)&r; /* never expected; still a valid seed */
    return r;
}

/* Practice: a new variant after a wrong graded answer (a new seed when the question has
 * parameters). Adds result.next_variant; false only when out of memory. */
static bool add_next_variant(json_t *result, const quiz_question *q, const char *gid,
                             uint64_t old_seed)
{
    uint64_t seed = 0;
    if (quiz_question_has_params(q)) {
        do
            seed = random_seed();
        while (seed == old_seed);
    }
    json_t *v = quiz_variant_json(q, gid, seed);
    if (v && json_object_set_new(v, "mode", json_string("practice")) != 0) {
        json_decref(v);
        v = NULL;
    }
    return v && json_object_set_new(result, "next_variant", v) == 0;
}

static void variant_post(const http_request *req, http_response *res)
{
    const char *gid = req->param_count ? req->params[0] : "";
    if (req->body_len && !http_require_json(req, res))
        return;
    const lesson *les = NULL;
    const quiz_question *q = find_question(req, gid, &les);
    if (!q) {
        not_found(res, "question", gid);
        return;
    }
    bool have_seed = false;
    uint64_t seed = 0;
    if (req->body_len) {
        json_t *body = parse_body(req, res);
        if (!body)
            return;
        if (!json_is_object(body)) {
            json_decref(body);
            unprocessable(res, "", "the body must be a JSON object: {} or {\"seed\": n}");
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(body, k, v)
        {
            if (strcmp(k, "seed")) {
                char ptr[120];
                snprintf(ptr, sizeof ptr, "/%.100s", k);
                json_decref(body);
                unprocessable(res, ptr, "unknown member (only \"seed\" is allowed)");
                return;
            }
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                (uint64_t)json_integer_value(v) > API_QUIZ_MAX_SEED) {
                json_decref(body);
                unprocessable(res, "/seed", "seed must be an integer 0..9007199254740991");
                return;
            }
            seed = (uint64_t)json_integer_value(v);
            have_seed = true;
        }
        json_decref(body);
    }
    /* Exam: a signed-in student always gets the same variant (a requested seed is
     * ignored); anyone else gets a practice-like preview but cannot submit. */
    int used = -1;
    if (is_exam(les)) {
        grading_principal who;
        if (guard_auth(req, &who) == GUARD_AUTH_OK && who.role != GRADING_ANONYMOUS &&
            who.user_id && who.name[0]) {
            struct store *st = req->app ? req->app->store : NULL;
            if (exam_seed(req, &who, q, gid, &seed) != 0 ||
                (used = quiz_modes_attempts_used(st, &who, gid)) < 0) {
                http_problem(res, 503, NULL, "the exam variant could not be looked up; try again");
                return;
            }
            have_seed = true;
        }
    }
    if (!have_seed)
        seed = quiz_question_has_params(q) ? random_seed() : 0;
    json_t *out = quiz_variant_json(q, gid, seed);
    if (!out) {
        http_problem(res, 500, NULL, "could not build the variant");
        return;
    }
    json_object_set_new(out, "mode", json_string(is_exam(les) ? "exam" : "practice"));
    if (is_exam(les)) {
        json_object_set_new(out, "attempts", json_integer(les->quiz_attempts));
        if (used >= 0)
            json_object_set_new(
                out, "attempts_left",
                json_integer(used < les->quiz_attempts ? les->quiz_attempts - used : 0));
    }
    http_json_steal(res, 201, out);
}

/* Runs `handler` with the lesson set pinned: the question it finds is used throughout. */
static void pinned(const http_request *req, http_response *res, http_handler handler)
{
    const lessons_set *ls = req->app ? req->app->lessons : NULL;
    const lessons_pin *pin = lessons_pin_take(ls);
    handler(req, res);
    lessons_pin_drop(ls, pin);
}

void api_quiz_variant_post(const http_request *req, http_response *res)
{
    pinned(req, res, variant_post);
}

/* The identity of an answer request for its Idempotency-Key: the variant id and the
 * answer in canonical JSON. false when out of memory. */
static bool answer_hash(const char *vid, const json_t *answer, char hash[GRADING_DIGEST_SIZE])
{
    char *a = json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    size_t n = a ? strlen(vid) + strlen(a) + 2 : 0;
    char *m = a ? malloc(n) : NULL;
    if (m) {
        snprintf(m, n, "%s\n%s", vid, a);
        grading_secret_digest(m, hash);
    }
    free(a);
    free(m);
    return m != NULL;
}

/* When (sender, key) already recorded this request: answers from the store (as the first
 * answer was, with a fresh next_variant in practice) and returns true; also true with a
 * 422/503 in res for a key of another request. false: not recorded yet. */
static bool replay_answer(const http_request *req, http_response *res, const grading_principal *who,
                          const char *key, const char *hash, bool exam, const quiz_question *q,
                          const char *gid, uint64_t seed)
{
    store_submission sub;
    grading_key_lookup k =
        grading_util_key_lookup(req->app->store, who->actor, key, hash, res, &sub);
    if (k != GRADING_KEY_REPLAY)
        return k == GRADING_KEY_DECIDED;
    json_t *result = json_loads(sub.result_json, 0, NULL);
    store_submission_cleanup(&sub);
    if (!result) {
        http_problem(res, 500, NULL, "the recorded answer could not be read");
        return true;
    }
    if (!exam) {
        json_object_set_new(result, "mode", json_string("practice"));
        if (json_number_value(json_object_get(result, "score")) < 1 &&
            !add_next_variant(result, q, gid, seed)) {
            json_decref(result);
            http_problem(res, 500, NULL, "could not build the next variant");
            return true;
        }
    }
    http_json_steal(res, 200, result);
    grading_util_mark_replayed(res);
    return true;
}

/* Resolves the variant id `vid` of /api/v1/variants/{id}/...: on success fills `*seed`,
 * `gid` (the question's lesson.question id, `gid_size` bytes) and `*lesson_out` and returns
 * the question; otherwise answers 422 (not a variant id) or 404 (no such question) on `res`
 * and returns NULL. */
static const quiz_question *variant_question(const http_request *req, http_response *res,
                                             const char *vid, uint64_t *seed, char *gid,
                                             size_t gid_size, const lesson **lesson_out)
{
    *lesson_out = NULL;
    if (quiz_parse_variant_id(vid, seed, gid, gid_size) != 0) {
        unprocessable(res, "",
                      "variant id must look like v<seed>-<lesson>.<question>, e.g. "
                      "v0-three-way-handshake.q1");
        return NULL;
    }
    const quiz_question *q = find_question(req, gid, lesson_out);
    if (!q)
        not_found(res, "question", gid);
    return q;
}

static void submission_post(const http_request *req, http_response *res)
{
    const char *vid = req->param_count ? req->params[0] : "";
    uint64_t seed;
    char gid[160];
    const lesson *les = NULL;
    const quiz_question *q = variant_question(req, res, vid, &seed, gid, sizeof gid, &les);
    if (!q)
        return;
    if (!http_require_json(req, res))
        return;
    if (req->body_len == 0) {
        http_problem_json(res, 400, NULL, "Malformed JSON",
                          "the request body is empty; send the answer as JSON", NULL);
        return;
    }
    /* Anyone may answer; a bad token is a 401 and a cookie session needs its CSRF token. */
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ANYONE))
        return;
    bool exam = is_exam(les);
    if (exam) {
        if (who.role == GRADING_ANONYMOUS || !who.name[0]) {
            http_problem(res, 401, NULL, "this question is part of an exam: sign in to answer it");
            return;
        }
        /* attempts are counted and graded per user name: a token that acts as no user
         * (its name is the token's, maybe a student's name) must not take them */
        if (!who.user_id) {
            http_problem(res, 403, NULL,
                         "exam answers are recorded for a user: sign in, or use a student token "
                         "that acts as a user");
            return;
        }
        uint64_t mine = 0;
        if (exam_seed(req, &who, q, gid, &mine) != 0) {
            http_problem(res, 503, NULL, "the exam variant could not be looked up; try again");
            return;
        }
        if (mine != seed) {
            char detail[300];
            snprintf(detail, sizeof detail,
                     "\"%.100s\" is not your exam variant of %.100s; POST "
                     "/api/v1/questions/%.100s/variants to get yours",
                     vid, gid, gid);
            http_problem(res, 409, NULL, detail);
            return;
        }
    }
    const char *key = NULL;
    if (!grading_util_idempotency_key(req, res, &key))
        return;
    json_t *answer = parse_body(req, res);
    if (!answer)
        return;
    char hash[GRADING_DIGEST_SIZE];
    if (!answer_hash(vid, answer, hash)) {
        json_decref(answer);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    /* only a recorded answer has a key to look up: a signed-in sender's (exam: any) */
    bool keyed = key && req->app && req->app->store && who.role != GRADING_ANONYMOUS &&
                 (exam || who.user_id);
    if (keyed && replay_answer(req, res, &who, key, hash, exam, q, gid, seed)) {
        json_decref(answer);
        return;
    }
    json_t *result = quiz_grade(q, seed, answer, pages_locale(req, NULL));
    if (!result) {
        json_decref(answer);
        http_problem(res, 500, NULL, "could not grade the answer");
        return;
    }
    /* the variant answered, also in the stored attempt: a reload restores the answer on it */
    json_object_set_new(result, "variant_id", json_string(vid));
    /* A signed-in student's graded answer is an attempt: it is committed durably before the
     * 200 (nothing acknowledged is lost). Anonymous answers are graded and not stored;
     * malformed ones (gradable: false) cost no attempt. */
    bool gradable = json_is_true(json_object_get(result, "gradable"));
    if (exam) {
        struct store *st = req->app ? req->app->store : NULL;
        int attempt = 0;
        quiz_modes_status es = QUIZ_MODES_ERROR;
        /* The explanation works the answer out for this student's one variant: it is
         * withheld until the answer is fully right or no attempt is left, and only then
         * stored (a student may read their own submissions; a replay is the stored
         * answer). Kept when that is known before recording: a right answer, or the
         * attempt that can only be the last (attempts are never more than the maximum);
         * shown but not stored when a parallel attempt made this one the last. */
        json_t *explanation = json_incref(json_object_get(result, "explanation"));
        if (gradable) {
            int used = quiz_modes_attempts_used(st, &who, gid);
            bool keep = json_number_value(json_object_get(result, "score")) >= 1 ||
                        (used >= 0 && used + 1 >= les->quiz_attempts);
            if (!keep)
                json_object_set_new(result, "explanation", json_null());
            es = quiz_modes_record_attempt(st, &who, gid, answer, result, les->quiz_attempts,
                                           les->quiz_decay, keyed ? key : NULL, hash, &attempt);
            json_t *left = json_object_get(result, "attempts_left");
            if (es == QUIZ_MODES_RECORDED && explanation && !keep && json_is_integer(left) &&
                json_integer_value(left) <= 0)
                json_object_set(result, "explanation", explanation);
        } else {
            /* a malformed answer costs nothing: report where the student stands */
            int used = quiz_modes_attempts_used(st, &who, gid);
            if (used >= 0) {
                es = QUIZ_MODES_RECORDED;
                json_object_set_new(result, "mode", json_string("exam"));
                json_object_set_new(result, "attempt", json_null());
                json_object_set_new(
                    result, "attempts_left",
                    json_integer(used < les->quiz_attempts ? les->quiz_attempts - used : 0));
            }
        }
        json_decref(explanation);
        json_decref(answer);
        if (es == QUIZ_MODES_NO_ATTEMPTS && keyed &&
            replay_answer(req, res, &who, key, hash, exam, q, gid, seed)) {
            json_decref(result); /* the same request won a race for the key */
            return;
        }
        if (es == QUIZ_MODES_NO_ATTEMPTS) {
            json_decref(result);
            char detail[200];
            snprintf(detail, sizeof detail,
                     "no attempts left: all %d attempts at %.100s are used; nothing was saved",
                     les->quiz_attempts, gid);
            http_problem(res, 409, NULL, detail);
            return;
        }
        if (es != QUIZ_MODES_RECORDED) {
            json_decref(result);
            http_problem(res, 503, NULL,
                         "the attempt could not be recorded; nothing was saved, "
                         "try again");
            return;
        }
        if (gradable) /* LTI grade passback (lti_ags.h) */
            lti_ags_score_changed(req->app, who.user_id, who.name, les);
        http_json_steal(res, 200, result);
        return;
    }
    if (gradable && json_number_value(json_object_get(result, "score")) < 1) {
        /* practice: the worked answer waits for a right answer or "Show answer" */
        json_object_set_new(result, "explanation", json_null());
        json_object_set_new(result, "answer_available", json_true());
    }
    if (gradable) {
        double score = json_number_value(json_object_get(result, "score"));
        int64_t id = grading_record_quiz_attempt(req->app ? req->app->store : NULL, &who, gid,
                                                 answer, result, score, keyed ? key : NULL, hash);
        if (id == -2 && replay_answer(req, res, &who, key, hash, exam, q, gid, seed)) {
            json_decref(answer); /* the same request won a race for the key */
            json_decref(result);
            return;
        }
        if (id < 0) {
            json_decref(answer);
            json_decref(result);
            http_problem(res, 503, NULL,
                         "the attempt could not be recorded; nothing was saved, "
                         "try again");
            return;
        }
        if (who.user_id) /* LTI grade passback (lti_ags.h) */
            lti_ags_score_changed(req->app, who.user_id, who.name, les);
    }
    json_decref(answer);
    json_object_set_new(result, "mode", json_string("practice"));
    if (gradable && json_number_value(json_object_get(result, "score")) < 1 &&
        !add_next_variant(result, q, gid, seed)) {
        json_decref(result);
        http_problem(res, 500, NULL, "could not build the next variant");
        return;
    }
    http_json_steal(res, 200, result);
}

void api_quiz_submission_post(const http_request *req, http_response *res)
{
    pinned(req, res, submission_post);
}

/* POST /api/v1/variants/{id}/answer: the worked answer of a practice variant, on the
 * student's request; nothing is graded or recorded. An exam question's answer is a 403 (it
 * comes with the exam result once right or after the last attempt). */
static void answer_post(const http_request *req, http_response *res)
{
    const char *vid = req->param_count ? req->params[0] : "";
    uint64_t seed;
    char gid[160];
    const lesson *les = NULL;
    const quiz_question *q = variant_question(req, res, vid, &seed, gid, sizeof gid, &les);
    if (!q)
        return;
    if (req->body_len) {
        if (!http_require_json(req, res))
            return;
        json_t *body = parse_body(req, res);
        if (!body)
            return;
        bool empty = json_is_object(body) && json_object_size(body) == 0;
        json_decref(body);
        if (!empty) {
            unprocessable(res, "", "the body must be empty or {}");
            return;
        }
    }
    if (is_exam(les)) {
        http_problem(res, 403, NULL,
                     "this question is part of an exam: its worked answer comes with your result "
                     "once the answer is right or your last attempt is used");
        return;
    }
    if (!quiz_question_has_params(q) && seed != 0) {
        unprocessable(res, "", "a question without parameters has only the variant v0-<id>");
        return;
    }
    json_t *out = quiz_explain(q, seed, pages_locale(req, NULL));
    if (!out || json_object_set_new(out, "variant_id", json_string(vid)) != 0 ||
        json_object_set_new(out, "mode", json_string("practice")) != 0 ||
        (quiz_question_has_params(q) && !add_next_variant(out, q, gid, seed))) {
        json_decref(out);
        http_problem(res, 500, NULL, "could not work out the answer");
        return;
    }
    http_json_steal(res, 200, out);
}

void api_quiz_answer_post(const http_request *req, http_response *res)
{
    pinned(req, res, answer_post);
}
