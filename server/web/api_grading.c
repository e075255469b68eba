/*
 * api_grading.c — trace checking, challenges and their submissions, and the quiz-attempt
 * recorder (roles and formats in grading.h; the checks themselves in check.h).
 *
 * Owns: request parsing and error mapping of these endpoints (400 malformed JSON, 415, 422
 * with JSON pointers, 404), running the engine for them, who a submission is recorded for,
 * and the Idempotency-Key flow: look the key up before grading, replay the stored answer
 * when the body hash matches, 422 when it does not, and after a lost race (the insert
 * reports the key taken) replay the winner.
 * Every recorded submission is committed durably before the 2xx is sent
 * (synchronous=FULL, group commit). Served by the HTTP server, the handler defers its
 * response (http_defer) and queues the row (store_submission_put_async); the store's
 * writer thread answers after the commit, so a waiting submission holds no HTTP worker.
 * Without a server behind the request (unit tests) it waits in store_submission_put.
 * Does not: run SQL (store_grading.c) or decide credentials (auth.c).
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../engine/sim.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "../store/store_grading.h"
#include "../grading/auth.h"
#include "../http/json_body.h"
#include "guard.h"
#include "../grading/check.h"
#include "grading.h"
#include "grading_util.h"

/* ---- small helpers ------------------------------------------------------------------------- */

static json_t *errors_json(const scenario_errors *errs)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < errs->count; i++) {
        json_t *o = json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer, "detail",
                              errs->items[i].detail);
        if (!o)
            o = json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer, "detail",
                          "invalid value");
        if (o)
            json_array_append_new(arr, o);
    }
    return arr;
}

static void problem_errors(http_response *res, const char *title, const scenario_errors *errs)
{
    char detail[512];
    if (!errs->count)
        snprintf(detail, sizeof detail, "the request is invalid");
    else
        snprintf(detail, sizeof detail, "%s: %s%s",
                 errs->items[0].pointer[0] ? errs->items[0].pointer : "(root)",
                 errs->items[0].detail, errs->count > 1 ? " (and more: see errors)" : "");
    http_problem_json(res, 422, NULL, title, detail,
                      json_pack("{s:o}", "errors", errors_json(errs)));
}

static void problem_one(http_response *res, const char *pointer, const char *detail)
{
    http_problem_json(
        res, 422, NULL, NULL, detail,
        json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", pointer, "detail", detail));
}

/* The body as a JSON object, or NULL with res filled (415, 400, 422). */
static json_t *body_object(const http_request *req, http_response *res)
{
    if (!http_require_json(req, res))
        return NULL;
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return NULL;
    if (!json_is_object(body)) {
        json_decref(body);
        problem_one(res, "", "the body must be a JSON object");
        return NULL;
    }
    return body;
}

/* Unknown members of `o` → errors. */
static void only_members(const json_t *o, const char *const *known, size_t n, scenario_errors *errs)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < n; i++)
            ok |= !strcmp(key, known[i]);
        if (!ok)
            check_error(errs, "unknown member", "/%s", key);
    }
}

/* Resolves "scenario" (a built-in name or an object) into a new JSON object; NULL with
 * an error at /scenario. */
static json_t *resolve_scenario(const json_t *v, scenario_errors *errs)
{
    if (json_is_string(v)) {
        const catalog_entry *e = catalog_find(json_string_value(v));
        if (!e) {
            check_error(errs, "unknown built-in scenario (see GET /api/v1/scenarios)", "/scenario");
            return NULL;
        }
        return json_loads(e->json, 0, NULL);
    }
    if (json_is_object(v))
        return json_deep_copy(v);
    check_error(errs, v ? "must be a built-in scenario name or a scenario object" : "missing",
                "/scenario");
    return NULL;
}

typedef struct run {
    sim_scenario sc;
    sim_trace trace;
    char msg[256];
} run;

static run *run_new(void)
{
    run *r = calloc(1, sizeof *r);
    if (r)
        sim_trace_init(&r->trace);
    return r;
}

static void run_free(run *r)
{
    if (r) {
        sim_trace_cleanup(&r->trace);
        free(r);
    }
}

/* Parses and runs `scenario` (pointers prefixed with `prefix`). 0, or -1 with res filled. */
static int run_scenario(run *r, const json_t *scenario, const char *prefix, http_response *res)
{
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    if (scenario_from_json(scenario, &r->sc, &errs) != 0) {
        scenario_errors out;
        memset(&out, 0, sizeof out);
        for (size_t i = 0; i < errs.count; i++)
            check_error(&out, errs.items[i].detail, "%s%s", prefix, errs.items[i].pointer);
        problem_errors(res, "Invalid scenario", &out);
        return -1;
    }
    sim *s = sim_new();
    if (!s) {
        http_problem(res, 500, NULL, "out of memory");
        return -1;
    }
    sim_set_max_steps(s, APP_SIM_MAX_STEPS);
    sim_status st = sim_run(s, &r->sc, &r->trace, r->msg, sizeof r->msg);
    sim_free(s);
    if (st == SIM_ERR_NOMEM) {
        http_problem(res, 500, NULL, "out of memory while simulating");
        return -1;
    }
    if (st != SIM_OK) {
        problem_one(res, prefix[0] ? prefix : "",
                    r->msg[0] ? r->msg : "the simulation exceeded an engine bound");
        return -1;
    }
    return 0;
}

/* ---- who a submission is for; idempotency ------------------------------------------------------
 */

typedef struct sub_ctx {
    grading_principal p;
    bool record;      /* signed in: the submission is stored */
    const char *user; /* the student graded (NULL: none) */
    const char *key;  /* Idempotency-Key or NULL */
    char hash[GRADING_DIGEST_SIZE];
} sub_ctx;

/* Fills ctx from the principal and the body's "user". false with res filled on error. */
static bool sub_prepare(const http_request *req, http_response *res, const json_t *body,
                        sub_ctx *ctx)
{
    ctx->record = ctx->p.role != GRADING_ANONYMOUS;
    ctx->user = ctx->p.user_id ? ctx->p.name : NULL;
    const json_t *u = json_object_get(body, "user");
    if (u) {
        const char *name = json_string_value(u);
        if (!grading_name_valid(name)) {
            problem_one(res, "/user", "must be a user name (1-63 of A-Z a-z 0-9 . _ @ -)");
            return false;
        }
        if (ctx->p.role == GRADING_ANONYMOUS || ctx->p.role == GRADING_STUDENT) {
            if (!ctx->user || strcmp(name, ctx->user)) {
                http_problem(res, 403, NULL,
                             "only graders and instructors may submit for another user");
                return false;
            }
        }
        ctx->user = name;
    }
    if (!grading_util_idempotency_key(req, res, &ctx->key))
        return false;
    /* the request identity: method, path and body */
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
    crypto_generichash_update(&st, (const unsigned char *)req->body, req->body_len);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(ctx->hash, sizeof ctx->hash, h, sizeof h);
    return true;
}

/* The stored answer of `sub` as the response (replayed). */
static void replay(http_response *res, const store_submission *sub, const char *id_member)
{
    json_t *o = json_loads(sub->result_json, 0, NULL);
    if (!o) {
        http_problem(res, 500, NULL, "the stored answer could not be read");
        return;
    }
    json_object_set_new(o, id_member, json_integer(sub->id));
    http_json_steal(res, sub->status, o);
    grading_util_mark_replayed(res);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/submissions/%lld", (long long)sub->id);
    http_set_header(res, "Location", loc);
}

/* The stored answer for (actor, key): true when the response is decided (replay or key
 * misuse, or 503), false when no submission has that key. */
static bool idem_answer(store *st, const char *actor, const char *key, const char *hash,
                        http_response *res, const char *id_member)
{
    store_submission sub;
    grading_key_lookup k = grading_util_key_lookup(st, actor, key, hash, res, &sub);
    if (k == GRADING_KEY_UNUSED)
        return false;
    if (k == GRADING_KEY_REPLAY) {
        replay(res, &sub, id_member);
        store_submission_cleanup(&sub);
    }
    return true;
}

/* Before grading: true when the response is already decided (replay or key misuse). */
static bool idem_lookup(const http_request *req, http_response *res, const sub_ctx *ctx,
                        const char *id_member)
{
    if (!ctx->record || !ctx->key)
        return false;
    return idem_answer(req->app->store, ctx->p.actor, ctx->key, ctx->hash, res, id_member);
}

/* The answer once the store has spoken about a recorded submission (`result` stolen). */
static void answer_stored(http_response *res, store *st, store_status rc, int64_t id,
                          json_t *result, int status, const char *id_member, const char *actor,
                          const char *key, const char *hash)
{
    if (rc == STORE_CONFLICT && key) { /* lost a race for the key: replay the winner */
        json_decref(result);
        if (!idem_answer(st, actor, key, hash, res, id_member))
            grading_util_store_failed(res, "submission");
        return;
    }
    if (rc != STORE_OK) {
        json_decref(result);
        http_problem(res, 503, NULL, "the submission could not be stored");
        return;
    }
    json_object_set_new(result, id_member, json_integer(id));
    http_json_steal(res, status, result);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/submissions/%lld", (long long)id);
    http_set_header(res, "Location", loc);
}

/* A recorded submission waiting for its group commit (deferred response). */
typedef struct pending_answer {
    http_deferred *d;
    store *store;
    json_t *result;
    int status;
    const char *id_member; /* static string */
    bool has_key;
    char actor[sizeof((grading_principal *)0)->actor];
    char hash[GRADING_DIGEST_SIZE];
    char key[256];
} pending_answer;

/* On the store's writer thread, after the commit (store_submission_done). */
static void pending_done(void *arg, store_status rc, int64_t id)
{
    pending_answer *pa = arg;
    answer_stored(http_deferred_response(pa->d), pa->store, rc, id, pa->result, pa->status,
                  pa->id_member, pa->actor, pa->has_key ? pa->key : NULL, pa->hash);
    http_deferred_finish(pa->d);
    free(pa);
}

/* Stores the graded submission and fills the response (result gets the id). `result` is
 * stolen. */
static void record(const http_request *req, http_response *res, const sub_ctx *ctx,
                   const char *kind, const char *ref, const json_t *answer, json_t *result,
                   double score, int status, const char *id_member)
{
    if (!result) {
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    if (!ctx->record) {
        json_object_set_new(result, id_member, json_null());
        http_json_steal(res, status, result);
        return;
    }
    char *answer_text = json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *result_text = json_dumps(result, JSON_COMPACT);
    if (!answer_text || !result_text) {
        free(answer_text);
        free(result_text);
        json_decref(result);
        http_problem(res, 500, NULL, "out of memory");
        return;
    }
    store_submission_in in = {kind,      ref,         ctx->user,   ctx->p.actor, ctx->key,
                              ctx->hash, answer_text, result_text, score,        status};
    pending_answer *pa = malloc(sizeof *pa);
    http_deferred *d = pa ? http_defer(req) : NULL;
    if (d) {
        /* Answered by the writer thread after the commit; the key is valid (<= 255). */
        pa->d = d;
        pa->store = req->app->store;
        pa->result = result;
        pa->status = status;
        pa->id_member = id_member;
        pa->has_key = ctx->key != NULL;
        snprintf(pa->actor, sizeof pa->actor, "%s", ctx->p.actor);
        memcpy(pa->hash, ctx->hash, sizeof pa->hash);
        snprintf(pa->key, sizeof pa->key, "%s", ctx->key ? ctx->key : "");
        if (store_submission_put_async(req->app->store, &in, pending_done, pa) != STORE_OK)
            pending_done(pa, STORE_ERROR, 0); /* not queued: 503 now */
        free(answer_text);
        free(result_text);
        return;
    }
    free(pa);
    int64_t id = 0;
    store_status rc = store_submission_put(req->app->store, &in, &id);
    free(answer_text);
    free(result_text);
    answer_stored(res, req->app->store, rc, id, result, status, id_member, ctx->p.actor, ctx->key,
                  ctx->hash);
}

/* ---- POST /api/v1/grade/trace ------------------------------------------------------------------
 */

void grading_trace(const http_request *req, http_response *res)
{
    sub_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    if (!guard_require(req, res, &ctx.p, GRADING_ANYONE))
        return;
    json_t *body = body_object(req, res);
    if (!body)
        return;
    if (!sub_prepare(req, res, body, &ctx) || idem_lookup(req, res, &ctx, "submission_id")) {
        json_decref(body);
        return;
    }
    static const char *const known[] = {"scenario", "steps", "user"};
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    only_members(body, known, 3, &errs);
    json_t *scenario = resolve_scenario(json_object_get(body, "scenario"), &errs);
    json_t *steps = json_object_get(body, "steps");
    if (!steps)
        check_error(&errs, "missing: the ladder, an array of segment lines", "/steps");
    else
        check_ladder_validate(steps, "/steps", &errs); /* all problems in one answer */
    if (errs.count) {
        problem_errors(res, "Invalid trace submission", &errs);
        json_decref(scenario);
        json_decref(body);
        return;
    }
    run *r = run_new();
    if (!r) {
        http_problem(res, 500, NULL, "out of memory");
    } else if (run_scenario(r, scenario, "/scenario", res) == 0) {
        json_t *result = check_trace(&r->trace, steps, "/steps", &errs);
        if (!result && errs.count) {
            problem_errors(res, "Invalid trace submission", &errs);
        } else if (result) {
            const json_t *sv = json_object_get(body, "scenario");
            const char *ref = json_is_string(sv) ? json_string_value(sv) : "custom";
            json_object_set_new(result, "scenario", json_string(ref));
            double score = json_real_value(json_object_get(result, "score"));
            record(req, res, &ctx, "trace", ref, steps, result, score, 200, "submission_id");
        } else {
            http_problem(res, 500, NULL, "out of memory");
        }
    }
    run_free(r);
    json_decref(scenario);
    json_decref(body);
}

/* ---- challenges ---------------------------------------------------------------------------------
 */

static json_t *challenge_json(const store_challenge *c, bool with_scenario)
{
    json_t *goal = json_loads(c->goal_json, 0, NULL);
    json_t *o =
        json_pack("{s:I, s:s, s:f, s:o, s:s}", "id", (json_int_t)c->id, "title", c->title, "points",
                  c->points, "goal", goal ? goal : json_null(), "created_by", c->created_by);
    if (o && with_scenario) {
        json_t *sc = json_loads(c->scenario_json, 0, NULL);
        json_object_set_new(o, "scenario", sc ? sc : json_null());
    }
    return o;
}

void grading_challenge_create(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    json_t *body = body_object(req, res);
    if (!body)
        return;
    static const char *const known[] = {"title", "scenario", "goal", "points"};
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    only_members(body, known, 4, &errs);
    const char *title = json_string_value(json_object_get(body, "title"));
    if (!title || !title[0] || strlen(title) > 200)
        check_error(&errs, "missing, or not a string of 1-200 characters", "/title");
    json_t *pv = json_object_get(body, "points");
    double points = 1.0;
    if (pv) {
        if (!json_is_number(pv) || json_number_value(pv) <= 0 || json_number_value(pv) > 1000)
            check_error(&errs, "must be a number in (0, 1000]", "/points");
        else
            points = json_number_value(pv);
    }
    json_t *goal = json_object_get(body, "goal");
    if (!goal)
        check_error(&errs, "missing: the predicates to meet", "/goal");
    else
        check_goal_validate(goal, "/goal", &errs);
    json_t *scenario = resolve_scenario(json_object_get(body, "scenario"), &errs);
    if (errs.count) {
        problem_errors(res, "Invalid challenge", &errs);
        json_decref(scenario);
        json_decref(body);
        return;
    }
    run *r = run_new();
    if (!r)
        http_problem(res, 500, NULL, "out of memory");
    else if (run_scenario(r, scenario, "/scenario", res) == 0) {
        char *sc_text = json_dumps(scenario, JSON_COMPACT);
        char *goal_text = json_dumps(goal, JSON_COMPACT);
        int64_t id = 0;
        store_status rc = sc_text && goal_text
                              ? store_challenge_put(req->app->store, title, sc_text, goal_text,
                                                    points, p.actor, &id)
                              : STORE_ERROR;
        if (rc != STORE_OK) {
            http_problem(res, 503, NULL, "the challenge could not be stored");
        } else {
            store_challenge c = {id, (char *)title, sc_text, goal_text, p.actor, points, 0};
            json_t *o = challenge_json(&c, true);
            char loc[64];
            snprintf(loc, sizeof loc, "/api/v1/challenges/%lld", (long long)id);
            if (o)
                json_object_set_new(o, "url", json_string(loc));
            http_json_steal(res, 201, o);
            http_set_header(res, "Location", loc);
        }
        free(sc_text);
        free(goal_text);
    }
    run_free(r);
    json_decref(scenario);
    json_decref(body);
}

void grading_challenge_list(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_SIGNED_IN))
        return;
    store_challenge *arr = NULL;
    size_t n = 0;
    if (store_challenge_list(req->app->store, &arr, &n) != STORE_OK) {
        grading_util_store_failed(res, "challenge");
        return;
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        if (out)
            json_array_append_new(out, challenge_json(&arr[i], false));
        store_challenge_cleanup(&arr[i]);
    }
    free(arr);
    http_json_steal(res, 200, out);
    http_set_header(res, "Cache-Control", "no-store");
}

/* The challenge a /challenges/{id} request names, for a signed-in sender (`p`). True with
 * `c` filled (the caller cleans it up); false when the answer is already in `res` (401/403,
 * 404 for a malformed or unknown id, 503). */
static bool challenge_route(const http_request *req, http_response *res, grading_principal *p,
                            store_challenge *c)
{
    if (!guard_require(req, res, p, GRADING_SIGNED_IN))
        return false;
    int64_t id;
    store_status rc = grading_util_id_param(req, &id) ? store_challenge_get(req->app->store, id, c)
                                                      : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such challenge");
        return false;
    }
    if (rc != STORE_OK) {
        grading_util_store_failed(res, "challenge");
        return false;
    }
    return true;
}

void grading_challenge_get(const http_request *req, http_response *res)
{
    grading_principal p;
    store_challenge c;
    if (!challenge_route(req, res, &p, &c))
        return;
    http_json_steal(res, 200, challenge_json(&c, true));
    http_set_header(res, "Cache-Control", "no-store");
    store_challenge_cleanup(&c);
}

void grading_challenge_submit(const http_request *req, http_response *res)
{
    sub_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    store_challenge c;
    if (!challenge_route(req, res, &ctx.p, &c))
        return;
    json_t *body = body_object(req, res);
    json_t *scenario = NULL;
    run *r = NULL;
    if (!body || !sub_prepare(req, res, body, &ctx) || idem_lookup(req, res, &ctx, "id"))
        goto out;
    static const char *const known[] = {"events", "user"};
    scenario_errors errs;
    memset(&errs, 0, sizeof errs);
    only_members(body, known, 2, &errs);
    json_t *events = json_object_get(body, "events");
    if (!json_is_array(events))
        check_error(&errs, "missing or not an array of scenario events", "/events");
    if (errs.count) {
        problem_errors(res, "Invalid submission", &errs);
        goto out;
    }
    scenario = json_loads(c.scenario_json, 0, NULL);
    if (!scenario || json_object_set(scenario, "events", events)) {
        http_problem(res, 500, NULL, "the challenge's scenario could not be loaded");
        goto out;
    }
    if (!(r = run_new())) {
        http_problem(res, 500, NULL, "out of memory");
        goto out;
    }
    if (run_scenario(r, scenario, "", res) != 0)
        goto out;
    json_t *goal = json_loads(c.goal_json, 0, NULL);
    json_t *result = goal ? check_goal(goal, &r->trace) : NULL;
    json_decref(goal);
    if (!result) {
        http_problem(res, 500, NULL, "out of memory");
        goto out;
    }
    double score = json_is_true(json_object_get(result, "passed")) ? 1.0 : 0.0;
    json_object_set_new(result, "challenge", json_integer(c.id));
    json_object_set_new(result, "points", json_real(score * c.points));
    json_object_set_new(result, "max_points", json_real(c.points));
    json_object_set_new(result, "steps", json_integer((json_int_t)r->trace.count));
    json_t *fs = json_object_get(result, "failed_step");
    if (json_is_integer(fs) && json_integer_value(fs) >= 1) {
        json_t *tr = trace_to_json_full(&r->trace, &r->sc);
        json_t *step =
            json_array_get(json_object_get(tr, "steps"), (size_t)json_integer_value(fs) - 1);
        if (step)
            json_object_set(result, "step", step);
        json_decref(tr);
    }
    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)c.id);
    record(req, res, &ctx, "challenge", ref, events, result, score, 201, "id");
out:
    run_free(r);
    json_decref(scenario);
    json_decref(body);
    store_challenge_cleanup(&c);
}

/* ---- quiz attempts (the quiz endpoints call this)
 * ---------------------------------------------- */

int64_t grading_record_quiz_attempt(store *st, const grading_principal *p, const char *question_id,
                                    const json_t *answer, const json_t *result, double score,
                                    const char *key, const char *hash)
{
    if (!st || !p || !question_id || !hash)
        return -1;
    if (p->role == GRADING_ANONYMOUS || !p->user_id)
        return 0;
    char *a = json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *r = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
    int64_t id = -1;
    if (a && r) {
        store_submission_in in = {"quiz", question_id, p->name, p->actor, key,
                                  hash,   a,           r,       score,    200};
        store_status rc = store_submission_put(st, &in, &id);
        if (rc != STORE_OK)
            id = rc == STORE_CONFLICT && key ? -2 : -1;
    }
    free(a);
    free(r);
    return id;
}
