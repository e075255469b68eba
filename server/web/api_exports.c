/*
 * api_exports.c — reading grades out: one submission (as stored, as Gradescope
 * results.json, as an LTI AGS score), the gradebook (JSON or Canvas CSV) and per-question
 * statistics.
 *
 * Owns: those output formats.
 *  - Canvas CSV: header `Student,ID,SIS User ID,SIS Login ID,Section,<Title> (<id>)...`,
 *    then a `Points Possible` row, then one row per student (best score × points; empty
 *    when never attempted). A text cell starting with = + - @ TAB CR or LF, also after
 *    leading spaces, gets a leading ' so spreadsheets do not run it as a formula. Students
 *    are every user with role student plus every name graded in a submission. Assignments
 *    are the challenges plus every quiz question with a recorded attempt (1 point each).
 *  - Gradescope results.json: {score, output, visibility, tests: [{name, score, max_score,
 *    output, visibility}]} — one test per ladder line (trace), one for the goal
 *    (challenge), one for the question (quiz).
 *  - LTI AGS score: {userId, scoreGiven, scoreMaximum, comment, timestamp, activityProgress:
 *    "Completed", gradingProgress: "FullyGraded"}.
 * Does not: grade or store anything.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app.h"
#include "../util/strbuf.h"
#include "../store/store_accounts.h"
#include "../store/store_grading.h"
#include "../grading/auth.h"
#include "guard.h"
#include "grading.h"
#include "grading_util.h"
#include "../util/jsonw.h"
#include "gradebook.h"

/* Loads submission {id} for a reader allowed to see it; false with res filled. */
static bool load_submission(const http_request *req, http_response *res, store_submission *sub,
                            json_t **result)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_SIGNED_IN))
        return false;
    int64_t id;
    store_status rc = grading_util_id_param(req, &id)
                          ? store_submission_get(req->app->store, id, sub)
                          : STORE_NOT_FOUND;
    if (rc == STORE_ERROR) {
        grading_util_store_failed(res, "submission");
        return false;
    }
    bool own = rc == STORE_OK && p.user_id && sub->user_name && !strcmp(sub->user_name, p.name);
    if (rc == STORE_OK && !own && !(GRADING_STAFF_OR_GRADER & GRADING_ALLOW(p.role))) {
        store_submission_cleanup(sub);
        http_problem(res, 403, NULL, "students may read only their own submissions");
        return false;
    }
    if (rc != STORE_OK) {
        http_problem(res, 404, NULL, "no such submission");
        return false;
    }
    *result = json_loads(sub->result_json, 0, NULL);
    if (!*result)
        *result = json_object();
    return true;
}

static double num(const json_t *o, const char *key, double fallback)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : fallback;
}

static const char *feedback_of(const json_t *result)
{
    const char *f = json_string_value(json_object_get(result, "feedback"));
    if (!f)
        f = json_string_value(json_object_get(result, "reason"));
    return f ? f : "";
}

static void iso_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

void grading_submission_get(const http_request *req, http_response *res)
{
    store_submission sub;
    json_t *result;
    if (!load_submission(req, res, &sub, &result))
        return;
    json_t *answer = json_loads(sub.answer_json, JSON_DECODE_ANY, NULL);
    char ts[40];
    iso_time(sub.created_at, ts, sizeof ts);
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:f, s:i, s:s, s:o, s:o}", "id",
                          (json_int_t)sub.id, "kind", sub.kind, "ref", sub.ref, "user",
                          sub.user_name ? json_string(sub.user_name) : json_null(), "actor",
                          sub.actor, "score", sub.score, "status", sub.status, "created_at", ts,
                          "answer", answer ? answer : json_null(), "result", result);
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
    store_submission_cleanup(&sub);
}

void grading_submission_gradescope(const http_request *req, http_response *res)
{
    store_submission sub;
    json_t *result;
    if (!load_submission(req, res, &sub, &result))
        return;
    json_t *tests = json_array();
    double max = num(result, "max_points", 1.0);
    double score = num(result, "points", sub.score * max);
    if (!strcmp(sub.kind, "trace")) {
        size_t i;
        json_t *l;
        json_array_foreach(json_object_get(result, "lines"), i, l)
        {
            char name[32];
            snprintf(name, sizeof name, "line %zu", i + 1);
            const char *ex = json_string_value(json_object_get(l, "explanation"));
            json_array_append_new(
                tests, json_pack("{s:s, s:f, s:f, s:s, s:s}", "name", name, "score",
                                 json_is_true(json_object_get(l, "right")) ? 1.0 : 0.0, "max_score",
                                 1.0, "output", ex ? ex : "", "visibility", "visible"));
        }
    } else {
        char name[96];
        snprintf(name, sizeof name, "%s %s",
                 strcmp(sub.kind, "challenge") ? "question" : "challenge", sub.ref);
        json_array_append_new(tests, json_pack("{s:s, s:f, s:f, s:s, s:s}", "name", name, "score",
                                               score, "max_score", max, "output",
                                               feedback_of(result), "visibility", "visible"));
    }
    json_t *o = json_pack("{s:f, s:s, s:s, s:o}", "score", score, "output", feedback_of(result),
                          "visibility", "visible", "tests", tests);
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
    json_decref(result);
    store_submission_cleanup(&sub);
}

void grading_submission_lti(const http_request *req, http_response *res)
{
    store_submission sub;
    json_t *result;
    if (!load_submission(req, res, &sub, &result))
        return;
    double max = num(result, "max_points", 1.0);
    double score = num(result, "points", sub.score * max);
    char ts[40];
    iso_time(sub.created_at, ts, sizeof ts);
    json_t *o = json_pack("{s:s, s:f, s:f, s:s, s:s, s:s, s:s}", "userId",
                          sub.user_name ? sub.user_name : sub.actor, "scoreGiven", score,
                          "scoreMaximum", max, "comment", feedback_of(result), "timestamp", ts,
                          "activityProgress", "Completed", "gradingProgress", "FullyGraded");
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
    json_decref(result);
    store_submission_cleanup(&sub);
}

/* ---- gradebook ----------------------------------------------------------------------------- */

/* Appends a CSV field (quoted when needed) and a separator. */
static void csv_field(strbuf *b, const char *f, bool last)
{
    bool quote = strpbrk(f, ",\"\r\n") != NULL || (f[0] == ' ');
    /* a cell a spreadsheet would run as a formula is defused with a leading ' (OWASP CSV
     * injection): one starting with = + - @ TAB CR or LF, also after leading spaces */
    const char *lead = f + strspn(f, " ");
    bool formula = lead[0] && strchr("=+-@\t\r\n", lead[0]) != NULL;
    if (quote)
        strbuf_put(b, "\"");
    if (formula)
        strbuf_put(b, "'");
    const char *run = f;
    for (const char *q; (q = strchr(run, '"')) != NULL; run = q + 1) {
        strbuf_putn(b, run, (size_t)(q - run) + 1);
        strbuf_put(b, "\""); /* a quote inside a field is doubled */
    }
    strbuf_put(b, run);
    if (quote)
        strbuf_put(b, "\"");
    strbuf_put(b, last ? "\r\n" : ",");
}

/* The ?section= of a class read: NULL when absent (everyone), else its text (may be "").
 * false (400 in res) when it is too long. */
bool grading_section_param(const http_request *req, http_response *res, const char **section)
{
    *section = http_query(req, "section");
    if (*section && strlen(*section) >= 64) {
        http_problem(res, 400, NULL, "section: at most 63 bytes");
        return false;
    }
    return true;
}

bool grading_class_read(const http_request *req, http_response *res, grading_principal *p,
                        unsigned allowed, const char **section)
{
    return guard_require(req, res, p, allowed) && grading_section_param(req, res, section);
}

/* The gradebook as JSON, written straight into one buffer (a class of 1,000 has some 50,000
 * cells: a jansson tree of them costs more than the query). The shape is
 * {"assignments": [{id, kind, title, points_possible}], "students": [{name, display_name,
 * section, id, status, scores: {"kind:ref": best | null}}], "section"?}. */
static void gradebook_json(http_response *res, const gradebook *gb, const char *section)
{
    strbuf b = STRBUF_INIT;
    strbuf keys = STRBUF_INIT; /* the escaped "kind:ref" of every column, one after another */
    size_t *key_at = calloc(gb->ncol + 1, sizeof *key_at);
    char key[128];
    strbuf_put(&b, "{\"assignments\":[");
    for (size_t c = 0; c < gb->ncol; c++) {
        const gradebook_col *col = &gb->cols[c];
        strbuf_put(&b, c ? ",{\"id\":" : "{\"id\":");
        jsonw_str(&b, col->ref);
        strbuf_put(&b, ",\"kind\":");
        jsonw_str(&b, col->kind);
        strbuf_put(&b, ",\"title\":");
        jsonw_str(&b, col->title);
        strbuf_put(&b, ",\"points_possible\":");
        jsonw_real(&b, col->points);
        strbuf_put(&b, "}");
        snprintf(key, sizeof key, "%s:%s", col->kind, col->ref);
        if (key_at)
            key_at[c] = keys.len;
        jsonw_str(&keys, key);
        strbuf_put(&keys, ":");
    }
    if (key_at)
        key_at[gb->ncol] = keys.len;
    strbuf_put(&b, "],\"students\":[");
    for (size_t s = 0; s < gb->nstudents && key_at && !keys.failed; s++) {
        const gradebook_student *st = &gb->students[s];
        strbuf_put(&b, s ? ",{\"name\":" : "{\"name\":");
        jsonw_str(&b, st->login);
        strbuf_put(&b, ",\"display_name\":");
        jsonw_str(&b, st->name);
        gradebook_student_json(&b, st);
        strbuf_put(&b, ",\"scores\":{");
        for (size_t c = 0; c < gb->ncol; c++) {
            if (c)
                strbuf_putn(&b, ",", 1);
            strbuf_putn(&b, keys.data + key_at[c], key_at[c + 1] - key_at[c]);
            double v = gb->best[s * gb->ncol + c];
            if (v < 0)
                strbuf_putn(&b, "null", 4);
            else
                jsonw_real(&b, v);
        }
        strbuf_put(&b, "}}");
    }
    strbuf_put(&b, "]");
    if (section) {
        strbuf_put(&b, ",\"section\":");
        jsonw_str(&b, section);
    }
    strbuf_put(&b, "}");
    bool ok = key_at && !keys.failed;
    free(key_at);
    strbuf_cleanup(&keys);
    size_t len = b.len;
    char *text = strbuf_take(&b);
    if (!ok) {
        free(text);
        text = NULL;
    }
    http_text_steal(res, 200, "application/json", text, len);
}

void grading_gradebook(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF_OR_GRADER))
        return;
    const char *format = http_query(req, "format");
    bool csv = format && !strcmp(format, "csv");
    if (format && !csv && strcmp(format, "json")) {
        http_problem(res, 400, NULL, "format must be json or csv");
        return;
    }
    const char *section;
    if (!grading_section_param(req, res, &section))
        return;
    gradebook gb;
    const char *why;
    if (gradebook_build(req->app->store, section, &gb, &why) != 0) {
        if (!strcmp(why, "store"))
            grading_util_store_failed(res, "grade");
        else
            http_problem(res, 500, NULL, "out of memory");
        return;
    }
    size_t ncol = gb.ncol;
    if (csv) {
        strbuf buf = STRBUF_INIT;
        char cell[400];
        const char *head[] = {"Student", "ID", "SIS User ID", "SIS Login ID", "Section"};
        for (size_t i = 0; i < 5; i++)
            csv_field(&buf, head[i], ncol == 0 && i == 4);
        for (size_t c = 0; c < ncol; c++) {
            snprintf(cell, sizeof cell, "%s (%s)", gb.cols[c].title, gb.cols[c].ref);
            csv_field(&buf, cell, c + 1 == ncol);
        }
        const char *pp[] = {"Points Possible", "", "", "", ""};
        for (size_t i = 0; i < 5; i++)
            csv_field(&buf, pp[i], ncol == 0 && i == 4);
        for (size_t c = 0; c < ncol; c++) {
            snprintf(cell, sizeof cell, "%g", gb.cols[c].points);
            csv_field(&buf, cell, c + 1 == ncol);
        }
        for (size_t s = 0; s < gb.nstudents; s++) {
            const gradebook_student *st = &gb.students[s];
            char idtext[24] = "";
            if (st->id)
                snprintf(idtext, sizeof idtext, "%lld", (long long)st->id);
            char who[sizeof st->name + 16];
            snprintf(who, sizeof who, "%s%s", st->name[0] ? st->name : st->login,
                     st->status == GRADEBOOK_REMOVED ? " (removed)" : "");
            const char *row[] = {who, idtext, "", st->login, st->section};
            for (size_t i = 0; i < 5; i++)
                csv_field(&buf, row[i], ncol == 0 && i == 4);
            for (size_t c = 0; c < ncol; c++) {
                double b = gb.best[s * ncol + c];
                if (b < 0)
                    cell[0] = '\0';
                else
                    snprintf(cell, sizeof cell, "%g", b);
                csv_field(&buf, cell, c + 1 == ncol);
            }
        }
        size_t len = buf.len;
        char *text = strbuf_take(&buf);
        http_text_steal(res, 200, "text/csv; charset=utf-8", text, len);
        if (text)
            http_set_header(res, "Content-Disposition", "attachment; filename=\"gradebook.csv\"");
    } else {
        gradebook_json(res, &gb, section);
    }
    http_set_header(res, "Cache-Control", "no-store");
    gradebook_free(&gb);
}

void grading_statistics(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *section;
    if (!grading_class_read(req, res, &p, GRADING_STAFF, &section))
        return;
    store_stat *sts = NULL;
    size_t n = 0;
    if (store_stats_section(req->app->store, section, &sts, &n) != STORE_OK) {
        grading_util_store_failed(res, "grade");
        return;
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *wrong = json_array();
        for (size_t j = 0; j < sts[i].wrong_count; j++) {
            json_t *a = json_loads(sts[i].wrong_answer[j], JSON_DECODE_ANY, NULL);
            json_array_append_new(wrong, json_pack("{s:o, s:I}", "answer", a ? a : json_null(),
                                                   "count", (json_int_t)sts[i].wrong_times[j]));
        }
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:I, s:f, s:I, s:I, s:I, s:o}", "kind", sts[i].kind, "ref",
                           sts[i].ref, "attempts", (json_int_t)sts[i].attempts, "mean_score",
                           sts[i].mean, "students", (json_int_t)sts[i].students, "students_right",
                           (json_int_t)sts[i].students_right, "missed_by",
                           (json_int_t)(sts[i].students - sts[i].students_right),
                           "common_wrong_answers", wrong));
    }
    store_stats_free(sts, n);
    http_json_steal(res, 200, out);
    http_set_header(res, "Cache-Control", "no-store");
}
