/*
 * api_progress.c — GET /api/v1/progress and GET /api/v1/progress/{slug} (see
 * api_progress.h).
 *
 * Owns: joining the lesson set (which questions exist now, in the reader's language) to
 * the user's stored attempts (store_progress.h); what counts as answered and solved; the
 * variant a restored answer belongs to (the stored result's variant_id; v0-<id> for a
 * question without parameters, whose only variant that is).
 * Does not: grade, record attempts, or decide what a page shows (pages_progress.c and
 * static/js/progress.js do).
 */
#include "api_progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../lessons/i18n.h"
#include "../lessons/lessons.h"
#include "../lessons/quiz.h"
#include "../store/store_progress.h"
#include "guard.h"
#include "pages.h"

#define MAX_LESSONS 256
#define SOLVED      0.999999 /* a best score this high is full marks (scores are 0..1 reals) */

/* The user asking, or false with 401/403/503 in res. */
static bool progress_user(const http_request *req, http_response *res, grading_principal *p)
{
    if (!guard_require(req, res, p, GRADING_ANYONE))
        return false;
    if (p->role == GRADING_ANONYMOUS) {
        http_problem(res, 401, NULL, "sign in to see your progress");
        http_set_header(res, "WWW-Authenticate", "Bearer realm=\"tcplab\"");
        return false;
    }
    if (!p->user_id || !p->name[0]) {
        http_problem(res, 403, NULL,
                     "progress is kept per user: sign in, or use a student token that acts as "
                     "a user");
        return false;
    }
    return true;
}

static int by_ref(const void *key, const void *elem)
{
    return strcmp(key, ((const store_progress *)elem)->ref);
}

/* The stored row of question `gid`, or NULL (rows are ordered by ref, byte-wise). */
static const store_progress *row_of(const store_progress *rows, size_t n, const char *gid)
{
    return rows ? bsearch(gid, rows, n, sizeof *rows, by_ref) : NULL;
}

typedef struct tally {
    int questions, answered, solved;
    int64_t attempts, last_at;
    double best_sum;
} tally;

static void tally_add(tally *t, const store_progress *r)
{
    t->questions++;
    if (!r)
        return;
    t->answered++;
    if (r->best >= SOLVED)
        t->solved++;
    t->attempts += r->attempts;
    t->best_sum += r->best;
    if (r->last_at > t->last_at)
        t->last_at = r->last_at;
}

/* {question_count, answered, solved, attempts[, score, last_at]} members of `t` into o. */
static void tally_put(json_t *o, const tally *t, bool per_lesson)
{
    json_object_set_new(o, "question_count", json_integer(t->questions));
    json_object_set_new(o, "answered", json_integer(t->answered));
    json_object_set_new(o, "solved", json_integer(t->solved));
    json_object_set_new(o, "attempts", json_integer(t->attempts));
    if (!per_lesson)
        return;
    json_object_set_new(o, "score", json_real(t->questions ? t->best_sum / t->questions : 0));
    json_object_set_new(o, "last_at", t->last_at ? json_integer(t->last_at) : json_null());
}

static void lesson_head(json_t *o, const lesson *l)
{
    json_object_set_new(o, "slug", json_string(l->slug));
    json_object_set_new(o, "title", json_string(l->title));
    json_object_set_new(o, "locale", json_string(l->locale));
    json_object_set_new(o, "mode", json_string(l->quiz_mode == 1 ? "exam" : "practice"));
}

static bool global_id(char *out, size_t size, const lesson *l, const quiz_question *q)
{
    int n = snprintf(out, size, "%s.%s", l->slug, quiz_question_id(q));
    return n > 0 && (size_t)n < size;
}

/* {id, attempts, best_score, solved} of question gid with row r (NULL: not answered). */
static json_t *question_brief(const char *gid, const quiz_question *q, const store_progress *r)
{
    return json_pack("{s:s, s:s, s:I, s:f, s:b}", "id", gid, "type",
                     quiz_type_name(quiz_question_type(q)), "attempts",
                     (json_int_t)(r ? r->attempts : 0), "best_score", r ? r->best : 0.0, "solved",
                     r && r->best >= SOLVED);
}

json_t *api_progress_overview(const http_request *req, const grading_principal *p,
                              const char *locale, bool questions)
{
    store *st = req->app ? req->app->store : NULL;
    store_progress *rows = NULL;
    size_t nrows = 0;
    if (!st || store_progress_list(st, p->name, NULL, false, &rows, &nrows) != STORE_OK) {
        fprintf(stderr, "tcplab: reading progress: %s\n", st ? store_last_error() : "no store");
        return NULL;
    }
    const lessons_set *set = req->app->lessons;
    const lessons_pin *pin = lessons_pin_take(set);
    const lesson **items = malloc(MAX_LESSONS * sizeof *items);
    size_t n = items && set ? lessons_list(set, locale, items, MAX_LESSONS) : 0;
    if (n > MAX_LESSONS)
        n = MAX_LESSONS;
    json_t *out = json_object();
    json_t *list = json_array();
    tally all = {0};
    for (size_t i = 0; out && list && i < n; i++) {
        const lesson *l = items[i];
        tally t = {0};
        json_t *qs = questions ? json_array() : NULL;
        for (size_t k = 0; k < l->quiz.count; k++) {
            char gid[160];
            if (!global_id(gid, sizeof gid, l, l->quiz.items[k]))
                continue;
            const store_progress *r = row_of(rows, nrows, gid);
            tally_add(&t, r);
            if (qs)
                json_array_append_new(qs, question_brief(gid, l->quiz.items[k], r));
        }
        json_t *o = json_object();
        if (!o || json_array_append_new(list, o) || (questions && !qs)) {
            json_decref(qs);
            json_decref(list);
            list = NULL;
            break;
        }
        lesson_head(o, l);
        tally_put(o, &t, true);
        if (qs)
            json_object_set_new(o, "questions", qs);
        all.questions += t.questions;
        all.answered += t.answered;
        all.solved += t.solved;
        all.attempts += t.attempts;
    }
    bool oom = !items && set;
    free(items);
    lessons_pin_drop(set, pin);
    store_progress_free(rows, nrows);
    if (!out || !list || oom) {
        json_decref(out);
        json_decref(list);
        fprintf(stderr, "tcplab: reading progress: out of memory\n");
        return NULL;
    }
    json_object_set_new(out, "user", json_string(p->name));
    json_object_set_new(out, "lessons", list);
    tally_put(out, &all, false);
    return out;
}

static void send_json(http_response *res, json_t *o)
{
    if (!o) {
        http_problem(res, 503, NULL, "progress could not be read; try again");
        return;
    }
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
}

void api_progress_list(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!progress_user(req, res, &p))
        return;
    send_json(res, api_progress_overview(req, &p, pages_locale(req, NULL), false));
}

/* The variant the stored attempt answered: the result's variant_id, or for a question
 * without parameters its one variant v0-<id>; null when not known. */
static json_t *variant_of(const quiz_question *q, const char *gid, json_t *result)
{
    json_t *v = json_object_get(result, "variant_id");
    if (json_is_string(v))
        return json_incref(v);
    if (quiz_question_has_params(q))
        return json_null();
    char vid[180];
    snprintf(vid, sizeof vid, "v0-%s", gid);
    return json_string(vid);
}

/* {variant_id, answer, result, score, at} of row r; NULL when out of memory or the stored
 * JSON does not parse (then the attempt is counted but not restored). */
static json_t *latest_json(const quiz_question *q, const char *gid, const store_progress *r)
{
    json_t *answer = json_loads(r->answer_json, JSON_DECODE_ANY, NULL);
    json_t *result = json_loads(r->result_json, 0, NULL);
    if (!answer || !json_is_object(result)) {
        json_decref(answer);
        json_decref(result);
        return NULL;
    }
    json_t *o = json_object();
    if (o) {
        json_object_set_new(o, "variant_id", variant_of(q, gid, result));
        json_object_set_new(o, "answer", answer);
        json_object_set_new(o, "result", result);
        json_object_set_new(o, "score", json_real(r->last_score));
        json_object_set_new(o, "at", json_integer(r->last_at));
    } else {
        json_decref(answer);
        json_decref(result);
    }
    return o;
}

static json_t *lesson_progress(const grading_principal *p, const lesson *l, store *st)
{
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s.", l->slug); /* slugs are at most 63 bytes */
    store_progress *rows = NULL;
    size_t nrows = 0;
    if (store_progress_list(st, p->name, prefix, true, &rows, &nrows) != STORE_OK) {
        fprintf(stderr, "tcplab: reading progress: %s\n", store_last_error());
        return NULL;
    }
    json_t *out = json_object();
    json_t *qs = json_array();
    tally t = {0};
    for (size_t k = 0; out && qs && k < l->quiz.count; k++) {
        const quiz_question *q = l->quiz.items[k];
        char gid[160];
        if (!global_id(gid, sizeof gid, l, q))
            continue;
        const store_progress *r = row_of(rows, nrows, gid);
        tally_add(&t, r);
        json_t *o = question_brief(gid, q, r);
        if (!o || json_array_append_new(qs, o)) {
            json_decref(qs);
            qs = NULL;
            break;
        }
        json_t *latest = r ? latest_json(q, gid, r) : NULL;
        json_object_set_new(o, "latest", latest ? latest : json_null());
    }
    store_progress_free(rows, nrows);
    if (!out || !qs) {
        json_decref(out);
        json_decref(qs);
        return NULL;
    }
    json_object_set_new(out, "user", json_string(p->name));
    lesson_head(out, l);
    tally_put(out, &t, true);
    json_object_set_new(out, "questions", qs);
    return out;
}

void api_progress_lesson(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!progress_user(req, res, &p))
        return;
    const char *slug = req->param_count ? req->params[0] : "";
    const lessons_set *set = req->app ? req->app->lessons : NULL;
    store *st = req->app ? req->app->store : NULL;
    const lessons_pin *pin = lessons_pin_take(set);
    const char *loc = pages_locale(req, NULL);
    const lesson *l = NULL;
    if (set && lessons_slug_valid(slug, strlen(slug))) {
        l = lessons_find(set, slug, loc);
        if (!l)
            l = lessons_find(set, slug, i18n_other_locale(loc));
    }
    if (!l) {
        char detail[120];
        snprintf(detail, sizeof detail, "no lesson \"%.64s\"", slug);
        http_problem(res, 404, NULL, detail);
    } else if (!st) {
        http_problem(res, 503, NULL, "progress could not be read; try again");
    } else {
        send_json(res, lesson_progress(&p, l, st));
    }
    lessons_pin_drop(set, pin);
}
