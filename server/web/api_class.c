/*
 * api_class.c — the class endpoints (see api_class.h): roster import and upkeep, sign-in
 * links, progress per lesson and attempt histories.
 *
 * Owns: turning a request body into a checked roster (roster.h), the one-time link tokens
 * (made here, shown once, stored hashed), and the JSON shapes of these answers.
 * Does not: parse CSV itself (server/util/csv.c via roster.c), run SQL (store_roster.h,
 * store_grading.h), or compute grades (gradebook.h, shared with the gradebook export).
 */
#include "api_class.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "../grading/auth.h"
#include "../grading/roster.h"
#include "../http/json_body.h"
#include "../lessons/lessons.h"
#include "../store/store_grading.h"
#include "../store/store_roster.h"
#include "../util/jsonw.h"
#include "../util/strbuf.h"
#include "gradebook.h"
#include "grading.h"
#include "guard.h"

#define HISTORY_MAX  500
#define MIN_PASSWORD 8
#define MAX_PASSWORD 1024

static const char *const ACTION_NAMES[] = {"created", "updated", "unchanged", "not_student"};

/* Is the request's Content-Type `type` (parameters allowed)? */
static bool content_type_is(const http_request *req, const char *type)
{
    const char *ct = http_header(req, "Content-Type");
    size_t n = strlen(type);
    return ct && !strncasecmp(ct, type, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The JSON form of an import body: {"students": [{login, name, email, section}]}. false
 * with res filled when it is not that shape. */
static bool roster_from_json(const http_request *req, http_response *res, roster *r)
{
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return false;
    json_t *arr = json_object_get(body, "students");
    if (!json_is_array(arr)) {
        json_decref(body);
        http_problem_json(res, 422, NULL, NULL, "give {\"students\": [{\"login\": ...}, ...]}",
                          json_pack("{s:[{s:s,s:s}]}", "errors", "pointer", "/students", "detail",
                                    "missing or not an array"));
        return false;
    }
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *f[4] = {NULL, NULL, NULL, NULL};
        static const char *const keys[4] = {"login", "name", "email", "section"};
        for (int k = 0; k < 4; k++) {
            json_t *v = json_object_get(o, keys[k]);
            f[k] = json_is_string(v) ? json_string_value(v) : NULL;
            if (v && !json_is_string(v))
                f[k] = "\x01"; /* not text: fails the row's own check with a clear column */
        }
        int a = roster_add(r, i + 1, f[0], f[1], f[2], f[3]);
        if (a == -1) {
            json_decref(body);
            http_problem(res, 500, NULL, "out of memory");
            return false;
        }
        if (a == -2)
            break;
    }
    json_decref(body);
    return true;
}

static json_t *errors_json(const roster *r, bool json_body)
{
    json_t *errs = json_array();
    for (size_t i = 0; i < r->nerrors; i++) {
        const roster_error *e = &r->errors[i];
        json_t *o;
        if (json_body) {
            char ptr[64];
            snprintf(ptr, sizeof ptr, "/students/%zu%s%s", e->line - 1, e->column[0] ? "/" : "",
                     e->column);
            o = json_pack("{s:s, s:s}", "pointer", ptr, "detail", e->message);
        } else {
            o = json_pack("{s:I, s:s, s:s}", "line", (json_int_t)e->line, "column", e->column,
                          "detail", e->message);
        }
        json_array_append_new(errs, o);
    }
    return errs;
}

void api_roster_import(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    const char *dr = http_query(req, "dry_run");
    bool dry_run = dr && (!strcmp(dr, "1") || !strcmp(dr, "true"));
    if (req->body_len > ROSTER_MAX_BYTES) {
        http_problem(res, 413, NULL, "a roster may have at most 1 MiB");
        return;
    }
    bool csv = content_type_is(req, "text/csv") || content_type_is(req, "text/plain");
    bool json = !csv && content_type_is(req, "application/json");
    if (!csv && !json) {
        http_problem(res, 415, NULL, "send the roster as text/csv or application/json");
        return;
    }
    roster r;
    roster_init(&r);
    if (csv) {
        if (roster_parse_csv(&r, req->body, req->body_len) != 0) {
            roster_free(&r);
            http_problem(res, 500, NULL, "out of memory");
            return;
        }
    } else if (!roster_from_json(req, res, &r)) {
        roster_free(&r);
        return;
    }
    if (r.too_many_rows) {
        char d[96];
        snprintf(d, sizeof d, "a roster may have at most %d students; nothing was imported",
                 ROSTER_MAX_ROWS);
        roster_free(&r);
        http_problem(res, 413, NULL, d);
        return;
    }
    if (r.error_total) {
        char d[160];
        snprintf(d, sizeof d, "%zu problem%s in the roster; nothing was imported", r.error_total,
                 r.error_total == 1 ? "" : "s");
        http_problem_json(res, 422, NULL, NULL, d,
                          json_pack("{s:o, s:I}", "errors", errors_json(&r, json), "error_count",
                                    (json_int_t)r.error_total));
        roster_free(&r);
        return;
    }
    size_t n = r.nrows;
    store_roster_in *in = calloc(n + 1, sizeof *in);
    store_roster_action *act = calloc(n + 1, sizeof *act);
    char(*tokens)[GRADING_TOKEN_SIZE] = calloc(n + 1, sizeof *tokens);
    char(*hashes)[GRADING_DIGEST_SIZE] = calloc(n + 1, sizeof *hashes);
    if (!in || !act || !tokens || !hashes) {
        http_problem(res, 500, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        in[i].login = r.rows[i].login;
        in[i].name = r.rows[i].name;
        in[i].email = r.rows[i].email;
        in[i].section = r.rows[i].section;
        if (!dry_run) {
            if (grading_secret_new(tokens[i], hashes[i])) {
                http_problem(res, 503, NULL, "cannot make sign-in links");
                goto out;
            }
            in[i].link_hash = hashes[i];
        }
    }
    int64_t now = (int64_t)time(NULL);
    store_status rc = store_roster_import(req->app->store, in, n, dry_run, now,
                                          now + API_CLASS_LINK_SECONDS, act);
    if (rc == STORE_ERROR) {
        http_problem(res, 503, NULL, "the store failed; nothing was imported");
        goto out;
    }
    if (rc == STORE_CONFLICT) {
        json_t *errs = json_array();
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            if (act[i] != STORE_ROSTER_NOT_STUDENT)
                continue;
            char d[160];
            snprintf(d, sizeof d, "the login \"%s\" belongs to an instructor or administrator",
                     in[i].login);
            count++;
            if (json) {
                char ptr[48];
                snprintf(ptr, sizeof ptr, "/students/%zu/login", r.rows[i].line - 1);
                json_array_append_new(errs, json_pack("{s:s, s:s}", "pointer", ptr, "detail", d));
            } else {
                json_array_append_new(errs, json_pack("{s:I, s:s, s:s}", "line",
                                                      (json_int_t)r.rows[i].line, "column", "login",
                                                      "detail", d));
            }
        }
        http_problem_json(
            res, 409, NULL, NULL,
            "logins of staff accounts cannot be imported as students; nothing "
            "was imported",
            json_pack("{s:o, s:I}", "errors", errs, "error_count", (json_int_t)count));
        goto out;
    }
    size_t counts[3] = {0, 0, 0};
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        counts[act[i]]++;
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "line", (json_int_t)r.rows[i].line,
                              "login", in[i].login, "name", in[i].name, "email", in[i].email,
                              "section", in[i].section, "action", ACTION_NAMES[act[i]]);
        if (!dry_run && act[i] == STORE_ROSTER_CREATED) {
            char url[96];
            snprintf(url, sizeof url, "/signin#%s", tokens[i]);
            json_object_set_new(o, "signin_url", json_string(url));
        }
        json_array_append_new(list, o);
    }
    http_json_steal(res, 200,
                    json_pack("{s:b, s:I, s:I, s:I, s:o}", "dry_run", dry_run, "created",
                              (json_int_t)counts[0], "updated", (json_int_t)counts[1], "unchanged",
                              (json_int_t)counts[2], "students", list));
    http_set_header(res, "Cache-Control", "no-store");
out:
    if (tokens)
        sodium_memzero(tokens, (n + 1) * sizeof *tokens);
    free(in);
    free(act);
    free(tokens);
    free(hashes);
    roster_free(&r);
}

/* ---- roster upkeep ----------------------------------------------------------------------------
 */

static json_t *sections_json(store *st)
{
    store_section *secs = NULL;
    size_t n = 0;
    if (store_roster_sections(st, &secs, &n) != STORE_OK)
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "name", secs[i].name, "students",
                                           (json_int_t)secs[i].students));
    free(secs);
    return a;
}

void api_roster_list(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *section;
    if (!grading_class_read(req, res, &p, GRADING_STAFF, &section))
        return;
    store_student *s = NULL;
    size_t n = 0;
    json_t *secs = sections_json(req->app->store);
    if (!secs ||
        store_roster_list(req->app->store, section, (int64_t)time(NULL), &s, &n) != STORE_OK) {
        json_decref(secs);
        http_problem(res, 503, NULL, "the store failed");
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b}", "login", s[i].login,
                                        "name", s[i].name, "email", s[i].email, "section",
                                        s[i].section, "id", (json_int_t)s[i].id, "has_password",
                                        s[i].has_password, "link_pending", s[i].link_pending));
    free(s);
    http_json_steal(res, 200, json_pack("{s:o, s:o}", "sections", secs, "students", a));
    http_set_header(res, "Cache-Control", "no-store");
}

static const char *login_param(const http_request *req)
{
    const char *l = req->param_count ? req->params[0] : NULL;
    return l && grading_name_valid(l) ? l : NULL;
}

void api_roster_remove(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    const char *login = login_param(req);
    store_status rc = login ? store_roster_remove(req->app->store, login) : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND)
        http_problem(res, 404, NULL, "no student has this login");
    else if (rc != STORE_OK)
        http_problem(res, 503, NULL, "the store failed");
    else
        http_text(res, 204, NULL, "", 0);
}

void api_roster_reset(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    const char *login = login_param(req);
    char tok[GRADING_TOKEN_SIZE], hash[GRADING_DIGEST_SIZE];
    if (grading_secret_new(tok, hash)) {
        http_problem(res, 503, NULL, "cannot make a sign-in link");
        return;
    }
    int64_t now = (int64_t)time(NULL), exp = now + API_CLASS_LINK_SECONDS;
    store_status rc =
        login ? store_roster_reset(req->app->store, login, hash, now, exp) : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no student has this login");
    } else if (rc != STORE_OK) {
        http_problem(res, 503, NULL, "the store failed");
    } else {
        char url[96];
        snprintf(url, sizeof url, "/signin#%s", tok);
        http_json_steal(res, 200,
                        json_pack("{s:s, s:s, s:I}", "login", login, "signin_url", url,
                                  "expires_at", (json_int_t)exp));
        http_set_header(res, "Cache-Control", "no-store");
    }
    sodium_memzero(tok, sizeof tok);
}

/* ---- progress and history -----------------------------------------------------------------------
 */

#define MAX_LESSONS 256

typedef struct lesson_tally {
    int attempted, right;
    double score;
} lesson_tally;

/* The overview's JSON, written straight into one buffer (1,000 students × every lesson is
 * too many values for a jansson tree): {"section", "sections", "lessons", "students":
 * [{login, name, section, id, status, progress: {slug: {attempted, right, score}}}]}. */
static char *overview_json(const gradebook *gb, const char *section, const json_t *secs,
                           const json_t *lessons, const lesson *const *with_q, size_t nq,
                           size_t *len)
{
    long *col_lesson = calloc(gb->ncol + 1, sizeof *col_lesson);
    lesson_tally *t = calloc(nq + 1, sizeof *t);
    char *secs_text = json_dumps(secs, JSON_COMPACT);
    char *lesson_list_text = json_dumps(lessons, JSON_COMPACT);
    strbuf b = STRBUF_INIT;
    bool ok = col_lesson && t && secs_text && lesson_list_text;
    /* column → lesson index (or -1) */
    for (size_t c = 0; ok && c < gb->ncol; c++) {
        col_lesson[c] = -1;
        const char *dot = strchr(gb->cols[c].ref, '.');
        if (strcmp(gb->cols[c].kind, "quiz") || !dot)
            continue;
        size_t n = (size_t)(dot - gb->cols[c].ref);
        for (size_t k = 0; k < nq; k++)
            if (strlen(with_q[k]->slug) == n && !strncmp(with_q[k]->slug, gb->cols[c].ref, n))
                col_lesson[c] = (long)k;
    }
    strbuf_put(&b, "{\"section\":");
    if (section)
        jsonw_str(&b, section);
    else
        strbuf_put(&b, "null");
    strbuf_put(&b, ",\"sections\":");
    strbuf_put(&b, secs_text);
    strbuf_put(&b, ",\"lessons\":");
    strbuf_put(&b, lesson_list_text);
    strbuf_put(&b, ",\"students\":[");
    for (size_t s = 0; ok && s < gb->nstudents; s++) {
        memset(t, 0, (nq + 1) * sizeof *t);
        for (size_t c = 0; c < gb->ncol; c++) {
            long k = col_lesson[c];
            double v = gb->best[s * gb->ncol + c];
            if (k < 0 || v < 0)
                continue;
            t[k].attempted++;
            t[k].right += v >= gb->cols[c].points;
            t[k].score += v;
        }
        const gradebook_student *st = &gb->students[s];
        strbuf_put(&b, s ? ",{\"login\":" : "{\"login\":");
        jsonw_str(&b, st->login);
        strbuf_put(&b, ",\"name\":");
        jsonw_str(&b, st->name);
        gradebook_student_json(&b, st);
        strbuf_put(&b, ",\"progress\":{");
        for (size_t k = 0; k < nq; k++) {
            if (k)
                strbuf_putn(&b, ",", 1);
            jsonw_str(&b, with_q[k]->slug);
            strbuf_put(&b, ":{\"attempted\":");
            jsonw_int(&b, t[k].attempted);
            strbuf_put(&b, ",\"right\":");
            jsonw_int(&b, t[k].right);
            strbuf_put(&b, ",\"score\":");
            jsonw_real(&b, t[k].score);
            strbuf_put(&b, "}");
        }
        strbuf_put(&b, "}}");
    }
    strbuf_put(&b, "]}");
    free(col_lesson);
    free(t);
    free(secs_text);
    free(lesson_list_text);
    *len = b.len;
    char *text = strbuf_take(&b);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

void api_class_overview(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *section;
    if (!grading_class_read(req, res, &p, GRADING_STAFF, &section))
        return;
    const char *lang = http_query(req, "lang");
    const char *loc = lang && !strcmp(lang, "zh-CN") ? "zh-CN" : "en";
    gradebook gb;
    const char *why;
    if (gradebook_build(req->app->store, section, &gb, &why) != 0) {
        http_problem(res, strcmp(why, "store") ? 500 : 503, NULL, "cannot build the gradebook");
        return;
    }
    json_t *secs = sections_json(req->app->store);
    const lessons_set *ls = req->app->lessons;
    const lessons_pin *pin = lessons_pin_take(ls);
    const lesson *all[MAX_LESSONS];
    size_t nl = ls ? lessons_list(ls, loc, all, MAX_LESSONS) : 0;
    if (nl > MAX_LESSONS)
        nl = MAX_LESSONS;
    /* the lessons with questions, in the order students meet them */
    const lesson *with_q[MAX_LESSONS];
    size_t nq = 0;
    json_t *lessons = json_array();
    for (size_t i = 0; i < nl; i++) {
        if (!all[i]->quiz.count)
            continue;
        with_q[nq++] = all[i];
        json_array_append_new(lessons, json_pack("{s:s, s:s, s:I}", "slug", all[i]->slug, "title",
                                                 all[i]->title ? all[i]->title : all[i]->slug,
                                                 "questions", (json_int_t)all[i]->quiz.count));
    }
    size_t len = 0;
    char *text =
        secs && lessons ? overview_json(&gb, section, secs, lessons, with_q, nq, &len) : NULL;
    lessons_pin_drop(ls, pin);
    json_decref(secs);
    json_decref(lessons);
    gradebook_free(&gb);
    if (!text) {
        http_problem(res, 503, NULL, "cannot read the class");
        return;
    }
    http_text_steal(res, 200, "application/json", text, len);
    http_set_header(res, "Cache-Control", "no-store");
}

void api_class_attempts(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    const char *login = login_param(req);
    store_student stu;
    store_status rc = login ? store_roster_get(req->app->store, login, (int64_t)time(NULL), &stu)
                            : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no student has this login");
        return;
    }
    store_submission *subs = NULL;
    size_t n = 0;
    if (rc != STORE_OK ||
        store_submission_history(req->app->store, login, HISTORY_MAX, &subs, &n) != STORE_OK) {
        http_problem(res, 503, NULL, "the store failed");
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *ans = json_loads(subs[i].answer_json, JSON_DECODE_ANY, NULL);
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:f, s:i, s:I, s:o}", "id", (json_int_t)subs[i].id,
                         "kind", subs[i].kind, "ref", subs[i].ref, "score", subs[i].score, "status",
                         subs[i].status, "created_at", (json_int_t)subs[i].created_at, "answer",
                         ans ? ans : json_null()));
    }
    store_submissions_free(subs, n);
    http_json_steal(res, 200,
                    json_pack("{s:s, s:s, s:s, s:o}", "login", stu.login, "name", stu.name,
                              "section", stu.section, "attempts", a));
    http_set_header(res, "Cache-Control", "no-store");
}

/* ---- sign-in links and passwords
 * ------------------------------------------------------------------ */

void api_signin(const http_request *req, http_response *res)
{
    if (!http_require_json(req, res))
        return;
    const char *origin = http_header(req, "Origin");
    const char *host = http_header(req, "Host");
    const char *sep = origin ? strstr(origin, "://") : NULL;
    if (origin && (!host || !sep || strcasecmp(sep + 3, host))) {
        http_problem(res, 403, NULL, "cross-site sign-in refused: Origin does not match Host");
        return;
    }
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return;
    const char *tok = json_string_value(json_object_get(body, "token"));
    if (!tok || strlen(tok) >= GRADING_TOKEN_SIZE) {
        json_decref(body);
        http_problem_json(res, 422, NULL, NULL, "give {\"token\": \"...\"}",
                          json_pack("{s:[{s:s,s:s}]}", "errors", "pointer", "/token", "detail",
                                    "missing, not a string, or too long"));
        return;
    }
    char digest[GRADING_DIGEST_SIZE];
    grading_secret_digest(tok, digest);
    json_decref(body);
    store_user u;
    int64_t now = (int64_t)time(NULL);
    store_status rc = store_signin_redeem(req->app->store, digest, now, &u);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 401, NULL, "this sign-in link is unknown, used or expired");
        return;
    }
    if (rc != STORE_OK) {
        http_problem(res, 503, NULL, "the account store is unavailable");
        return;
    }
    grading_session_start(res, req->app->store, http_request_is_secure(req), &u, now,
                          json_pack("{s:b}", "set_password", 1));
}

/* The hashing half of a password change: on a hashing thread when the request can be
 * deferred (argon2id costs 13–60 ms of a core), else in the handler. */
typedef struct pw_job {
    store *st;
    int64_t user_id;
    char pw[MAX_PASSWORD + 1]; /* wiped after hashing */
    http_deferred *d;
} pw_job;

static void pw_set(pw_job *j, http_response *res)
{
    char hash[STORE_HASH_SIZE];
    int h = grading_password_hash(j->pw, hash, sizeof hash);
    sodium_memzero(j->pw, sizeof j->pw);
    if (h != 0 || store_user_set_password(j->st, j->user_id, hash) != STORE_OK)
        http_problem(res, 503, NULL, "cannot save the password");
    else
        http_text(res, 204, NULL, "", 0);
}

static void pw_deferred(void *arg)
{
    pw_job *j = arg;
    pw_set(j, http_deferred_response(j->d));
    http_deferred_finish(j->d);
    free(j);
}

void api_me_password(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_SIGNED_IN))
        return;
    if (!p.via_cookie || !p.user_id) {
        http_problem(res, 403, NULL, "sign in with a session to set your password");
        return;
    }
    if (!http_require_json(req, res))
        return;
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return;
    const char *pw = json_string_value(json_object_get(body, "password"));
    size_t len = pw ? strlen(pw) : 0;
    if (!pw || len < MIN_PASSWORD || len > MAX_PASSWORD) {
        json_decref(body);
        http_problem_json(res, 422, NULL, NULL, "the password must have 8 to 1024 characters",
                          json_pack("{s:[{s:s,s:s}]}", "errors", "pointer", "/password", "detail",
                                    "missing, too short or too long"));
        return;
    }
    pw_job *j = calloc(1, sizeof *j);
    if (!j) {
        json_decref(body);
        http_problem(res, 503, NULL, "out of memory");
        return;
    }
    j->st = req->app->store;
    j->user_id = p.user_id;
    memcpy(j->pw, pw, len + 1);
    json_decref(body);
    j->d = http_defer(req);
    if (!j->d) {
        pw_set(j, res);
        free(j);
        return;
    }
    if (grading_hash_run(pw_deferred, j) != 0) {
        sodium_memzero(j->pw, sizeof j->pw);
        http_response *dr = http_deferred_response(j->d);
        http_problem(dr, 503, NULL, "too many password changes at once; try again in a moment");
        http_set_header(dr, "Retry-After", "1");
        http_deferred_finish(j->d);
        free(j);
    }
}
