/*
 * api_lessons.c — the authoring API (see api_lessons.h).
 *
 * Owns: request/response shapes, If-Match handling, and validation of a text before it
 * is saved. Validation is `tcplab check`'s per-file check: the current lessons are
 * exported to a private temporary folder (mode 0700) together with the candidate, which
 * is parsed there with links checked (against those lessons and app->static_dir) and
 * quiz questions run; any problem refuses the save. Cross-file checks of `tcplab check`
 * (both locales present and equivalent) are reported as `warnings`, not refused: the
 * two locales are saved one after the other. POST …/check runs the same check without
 * saving, for the editor's Problems panel.
 * Does not: run SQL (store_lessons.c), render pages (pages.c).
 */
#include "api_lessons.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app.h"
#include "../lessons/lessons.h"
#include "lessons_db.h"
#include "lessons_sync.h"
#include "../lessons/markdown.h"
#include "../store/store_lessons.h"
#include "../grading/auth.h"
#include "../http/json_body.h"
#include "../util/tempdir.h"
#include "guard.h"

/* ---- small helpers ------------------------------------------------------------------------- */

static bool slug_ok(const char *s)
{
    return s && lessons_slug_valid(s, strlen(s));
}

static bool locale_ok(const char *l)
{
    return l && (!strcmp(l, "en") || !strcmp(l, "zh-CN"));
}

static void etag_of(int64_t rev, char *out, size_t size)
{
    snprintf(out, size, "\"r%" PRId64 "\"", rev);
}

static void set_etag(http_response *res, int64_t rev)
{
    char e[40];
    etag_of(rev, e, sizeof e);
    http_set_header(res, "ETag", e);
    http_set_header(res, "Cache-Control", "no-store");
}

/* The guard plus slug and ?locale= of a per-lesson route. */
static bool lesson_route(const http_request *req, http_response *res, grading_principal *p,
                         const char **slug, const char **locale)
{
    if (!guard_require(req, res, p, GRADING_STAFF))
        return false;
    *slug = req->param_count ? req->params[0] : NULL;
    const char *l = http_query(req, "locale");
    *locale = l ? l : "en";
    if (!slug_ok(*slug)) {
        http_problem(res, 404, NULL, "no such lesson (slugs are [a-z0-9-]{1,63})");
        return false;
    }
    if (!locale_ok(*locale)) {
        http_problem(res, 400, NULL, "?locale= must be \"en\" or \"zh-CN\"");
        return false;
    }
    return true;
}

static void store_failed(http_response *res)
{
    http_problem(res, 503, NULL, "the lesson store is unavailable");
}

static json_t *rev_json(const store_lesson_rev *r)
{
    char e[40];
    etag_of(r->id, e, sizeof e);
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "slug", r->slug, "locale", r->locale,
                          "revision", (json_int_t)r->id, "etag", e, "author", r->author, "saved_at",
                          (json_int_t)r->created_at);
    json_t *name = json_string(r->author_name[0] ? r->author_name : r->author);
    json_t *note = json_string(r->note);
    json_object_set_new(o, "author_name", name ? name : json_string(r->author));
    json_object_set_new(o, "note", note ? note : json_string(""));
    return o;
}

/* Adds "text" (the body; lesson texts in the store are valid UTF-8, but an imported file
 * need not be: then text is null and text_base64 is absent — export still has it). */
static void add_text(json_t *o, const store_lesson_rev *r)
{
    json_t *t = json_stringn(r->body ? r->body : "", r->body_len);
    json_object_set_new(o, "text", t ? t : json_null());
}

/* Parses If-Match: NULL when absent. Returns true and sets *any / *rev on a match-able
 * value ("*" or a list containing "rN"); false when it names no revision at all. */
static bool if_match(const char *h, bool *any, int64_t *rev)
{
    *any = false;
    *rev = -1;
    for (const char *p = h; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*') {
            *any = true;
            return true;
        }
        if (p[0] == '"' && p[1] == 'r' && p[2] >= '0' && p[2] <= '9') {
            char *end;
            errno = 0;
            long long v = strtoll(p + 2, &end, 10);
            const char *q = end;
            /* the server names a compressed variant "rN-gz" (server.c): same revision */
            if (*q == '-') {
                const char *coding = ++q;
                while (*q >= 'a' && *q <= 'z')
                    q++;
                if (q == coding)
                    q = "x"; /* "-" without a coding name: not one of ours */
            }
            if (!errno && *q == '"' && v > 0) {
                *rev = v;
                return true; /* the first revision named is the one we compare */
            }
        }
        while (*p && *p != ',')
            p++;
    }
    return false;
}

/* The 412 answer: the current text and ETag so the client can merge. */
static void precondition_failed(const http_request *req, http_response *res, const char *slug,
                                const char *locale)
{
    store_lesson_rev cur;
    json_t *extra = json_object();
    if (store_lesson_get(req->app->store, slug, locale, &cur) == STORE_OK) {
        char e[40];
        etag_of(cur.id, e, sizeof e);
        json_object_set_new(extra, "etag", json_string(e));
        json_object_set_new(extra, "revision", json_integer(cur.id));
        json_object_set_new(extra, "author", json_string(cur.author));
        json_object_set_new(extra, "author_name", json_string(cur.author_name));
        add_text(extra, &cur);
        store_lesson_rev_cleanup(&cur);
        set_etag(res, cur.id);
    }
    http_problem_json(res, 412, NULL, "Precondition Failed",
                      "the lesson was changed since the ETag given in If-Match; the current "
                      "text and ETag are in this answer",
                      extra);
}

/* ---- validation ---------------------------------------------------------------------------- */

typedef struct collect {
    json_t *errors;
    const char *file;
} collect;

static void on_problem(void *ctx, const char *path, int line, const char *msg)
{
    (void)path;
    collect *c = ctx;
    char d[1200];
    snprintf(d, sizeof d, "%s:%d: %s", c->file, line, msg);
    json_t *dj = json_string(d);
    if (!dj)
        dj = json_string("(message was not valid UTF-8)");
    json_array_append_new(
        c->errors, json_pack("{s:s, s:i, s:o}", "file", c->file, "line", line, "detail", dj));
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[1200];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* What `tcplab check` says about `text` as slug/locale: the problems that refuse a save
 * (into c->errors, [{file, line, detail}]) and the cross-file warnings (strings, into
 * `warnings`). Returns 1 valid, 0 invalid (c->errors says why), -1 server failure (res
 * filled). */
static int check_text(const http_request *req, http_response *res, const char *slug,
                      const char *locale, const char *text, size_t len, collect *c,
                      json_t *warnings)
{
    if (len > MARKDOWN_MAX_BYTES) {
        json_array_append_new(c->errors, json_pack("{s:s, s:i, s:s}", "file", c->file, "line", 1,
                                                   "detail", "the text is larger than 1 MiB"));
        return 0;
    }
    char dir[TEMPDIR_PATH_MAX];
    if (tempdir_make("tcplab-lessons", dir, sizeof dir) != 0) {
        http_problem(res, 500, NULL, "cannot create a temporary directory");
        return -1;
    }
    char err[512];
    if (lessons_db_export(req->app->store, dir, NULL, err, sizeof err) != 0) {
        remove_dir(dir);
        store_failed(res);
        return -1;
    }
    char path[TEMPDIR_PATH_MAX + 96];
    snprintf(path, sizeof path, "%s/%s", dir, c->file);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool written = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        written = false;
    if (!written) {
        remove_dir(dir);
        http_problem(res, 500, NULL, "cannot write the lesson to validate it");
        return -1;
    }
    lessons_parse_options opt = {req->app->static_dir, true, true};
    int problems = 0;
    lesson *l = lessons_parse_file(path, &opt, on_problem, c, &problems);
    if (l && problems == 0) {
        /* tcplab check's cross-file rule, as a warning */
        char other[80], opath[TEMPDIR_PATH_MAX + 96];
        const char *oloc = strcmp(locale, "en") ? "en" : "zh-CN";
        lessons_db_file_name(slug, oloc, other, sizeof other);
        snprintf(opath, sizeof opath, "%s/%s", dir, other);
        lessons_parse_options quiet = {NULL, false, false};
        lesson *o =
            access(opath, F_OK) == 0 ? lessons_parse_file(opath, &quiet, NULL, NULL, NULL) : NULL;
        char why[600];
        if (!o) {
            snprintf(why, sizeof why, "%s: no usable %s version of this lesson yet", c->file, oloc);
            json_array_append_new(warnings, json_string(why));
        } else if ((!strcmp(locale, "en") ? lessons_compare_locales(l, o, why, sizeof why)
                                          : lessons_compare_locales(o, l, why, sizeof why)) != 0) {
            char w[800];
            snprintf(w, sizeof w, "%s: differs from %s: %s", c->file, other, why);
            json_t *wj = json_string(w);
            json_array_append_new(warnings, wj ? wj : json_string("locales differ"));
        }
        lessons_lesson_free(o);
    }
    bool valid = l && problems == 0;
    if (!l && json_array_size(c->errors) == 0)
        json_array_append_new(c->errors, json_pack("{s:s, s:i, s:s}", "file", c->file, "line", 1,
                                                   "detail", "the lesson does not parse"));
    lessons_lesson_free(l);
    remove_dir(dir);
    return valid ? 1 : 0;
}

/* Validates `text` as slug/locale like `tcplab check`. Returns 1 valid (warnings, maybe
 * empty, in *warnings), 0 invalid (422 filled in res), -1 server failure (res filled). */
static int validate(const http_request *req, http_response *res, const char *slug,
                    const char *locale, const char *text, size_t len, json_t **warnings)
{
    *warnings = json_array();
    char file[80];
    lessons_db_file_name(slug, locale, file, sizeof file);
    collect c = {json_array(), file};
    int rc = check_text(req, res, slug, locale, text, len, &c, *warnings);
    if (rc == 1) {
        json_decref(c.errors);
        return 1;
    }
    json_decref(*warnings);
    *warnings = NULL;
    if (rc < 0) {
        json_decref(c.errors);
        return -1;
    }
    const char *first =
        json_array_size(c.errors)
            ? json_string_value(json_object_get(json_array_get(c.errors, 0), "detail"))
            : "the lesson does not parse";
    char detail[1200];
    snprintf(detail, sizeof detail, "%s", first ? first : "the lesson does not parse");
    http_problem_json(res, 422, NULL, "Lesson not valid", detail,
                      json_pack("{s:o}", "problems", c.errors));
    return 0;
}

/* Rebuilds the served set after a save; a failure is logged, the save stands. */
static void refresh(const http_request *req)
{
    if (!req->app->lessons)
        return;
    char err[512];
    if (lessons_db_refresh(req->app->store, req->app->lessons, err, sizeof err) != 0)
        fprintf(stderr, "tcplab: lessons saved but not reloaded: %s\n", err);
}

/* Parses the JSON body; 400/415/422 filled on failure. */
static json_t *body_object(const http_request *req, http_response *res)
{
    if (!http_require_json(req, res))
        return NULL;
    json_t *b = http_json_body(req, res, 0, NULL, NULL);
    if (!b)
        return NULL;
    if (!json_is_object(b) || !json_is_string(json_object_get(b, "text"))) {
        const char *why = "missing or not a string: the lesson file's whole text";
        http_problem_json(
            res, 422, NULL, NULL, why,
            json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "/text", "detail", why));
        json_decref(b);
        return NULL;
    }
    return b;
}

/* The optional "note" of a save body: NULL when absent; false with a 422 in res when it is
 * not a string of at most NOTE_MAX bytes. `*note` is borrowed from `b`. */
#define NOTE_MAX 500
static bool note_of(const json_t *b, http_response *res, const char **note)
{
    const json_t *n = json_object_get(b, "note");
    *note = NULL;
    if (!n || json_is_null(n))
        return true;
    const char *why = NULL;
    if (!json_is_string(n))
        why = "must be a string: a short note about this revision";
    else if (json_string_length(n) > NOTE_MAX)
        why = "longer than 500 bytes";
    else if (memchr(json_string_value(n), 0, json_string_length(n)))
        why = "must not contain NUL";
    if (why) {
        http_problem_json(
            res, 422, NULL, NULL, why,
            json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "/note", "detail", why));
        return false;
    }
    *note = json_string_value(n);
    return true;
}

/* Answers a create (`status` 201) or update (200) whose store write returned `rc`: on
 * STORE_OK the saved revision with its warnings, Location and ETag; any other `rc` is a 503
 * (callers answer the codes they expect before calling). Takes `warnings`. */
static void saved(const http_request *req, http_response *res, store_status rc, int status,
                  const char *slug, const char *locale, int64_t rev, json_t *warnings)
{
    if (rc != STORE_OK) {
        json_decref(warnings);
        store_failed(res);
        return;
    }
    refresh(req);
    store_lesson_rev r;
    json_t *o;
    if (store_lesson_revision_get(req->app->store, slug, locale, rev, &r) == STORE_OK) {
        o = rev_json(&r);
        store_lesson_rev_cleanup(&r);
    } else {
        o = json_pack("{s:s, s:s, s:I}", "slug", slug, "locale", locale, "revision",
                      (json_int_t)rev);
    }
    json_object_set_new(o, "warnings", warnings ? warnings : json_array());
    char loc[160];
    snprintf(loc, sizeof loc, "/api/v1/lessons/%s?locale=%s", slug, locale);
    http_json_steal(res, status, o);
    http_set_header(res, "Location", loc);
    set_etag(res, rev);
}

/* ---- handlers ------------------------------------------------------------------------------ */

void api_lessons_list(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    const char *d = http_query(req, "deleted");
    bool with_deleted = d && !strcmp(d, "true");
    store_lesson_rev *v;
    size_t n;
    if (store_lesson_list(req->app->store, with_deleted, false, &v, &n) != STORE_OK) {
        store_failed(res);
        return;
    }
    json_t *arr = json_array();
    const lessons_pin *pin = lessons_pin_take(req->app->lessons);
    for (size_t i = 0; i < n; i++) {
        json_t *o = rev_json(&v[i]);
        json_object_set_new(o, "deleted", json_boolean(v[i].deleted));
        const lesson *l =
            v[i].deleted ? NULL : lessons_find(req->app->lessons, v[i].slug, v[i].locale);
        json_object_set_new(o, "served", json_boolean(l != NULL));
        if (l) {
            json_object_set_new(o, "title", json_string(l->title));
            json_object_set_new(o, "order", json_integer(l->order));
        }
        json_array_append_new(arr, o);
    }
    lessons_pin_drop(req->app->lessons, pin);
    store_lesson_revs_free(v, n);
    http_json_steal(res, 200, json_pack("{s:o}", "lessons", arr));
    http_set_header(res, "Cache-Control", "no-store");
}

void api_lessons_create(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF))
        return;
    json_t *b = body_object(req, res);
    if (!b)
        return;
    json_t *sj = json_object_get(b, "slug"), *lj = json_object_get(b, "locale");
    const char *slug = json_string_value(sj);
    const char *locale = lj ? json_string_value(lj) : "en";
    const char *ptr = NULL, *why = NULL;
    if (!slug_ok(slug))
        ptr = "/slug", why = "must be a string matching [a-z0-9-]{1,63}";
    else if (!locale_ok(locale))
        ptr = "/locale", why = "must be \"en\" or \"zh-CN\"";
    if (why) {
        http_problem_json(res, 422, NULL, NULL, why,
                          json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", ptr, "detail", why));
        json_decref(b);
        return;
    }
    char slug_buf[64], locale_buf[8]; /* outlive the body */
    snprintf(slug_buf, sizeof slug_buf, "%s", slug);
    snprintf(locale_buf, sizeof locale_buf, "%s", locale);
    slug = slug_buf;
    locale = locale_buf;
    const char *text = json_string_value(json_object_get(b, "text"));
    size_t len = json_string_length(json_object_get(b, "text"));
    store_lesson_rev cur;
    store_status exists = store_lesson_get(req->app->store, slug, locale, &cur);
    if (exists == STORE_OK) {
        store_lesson_rev_cleanup(&cur);
        json_decref(b);
        http_problem(res, 409, NULL, "a lesson with this slug and locale exists; PUT it instead");
        return;
    }
    json_t *warnings = NULL;
    if (validate(req, res, slug, locale, text, len, &warnings) != 1) {
        json_decref(b);
        return;
    }
    int64_t rev = 0;
    store_status rc = store_lesson_create(req->app->store, slug, locale, text, len, p.actor, &rev);
    json_decref(b);
    if (rc == STORE_CONFLICT) {
        json_decref(warnings);
        http_problem(res, 409, NULL, "a lesson with this slug and locale exists; PUT it instead");
        return;
    }
    saved(req, res, rc, 201, slug, locale, rev, warnings);
}

void api_lesson_get(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    if (!lesson_route(req, res, &p, &slug, &locale))
        return;
    store_lesson_rev r;
    store_status rc = store_lesson_get(req->app->store, slug, locale, &r);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such lesson in this locale");
        return;
    }
    if (rc != STORE_OK) {
        store_failed(res);
        return;
    }
    json_t *o = rev_json(&r);
    add_text(o, &r);
    json_object_set_new(
        o, "source",
        lessons_sync_source_json(req->app->store, req->app->lessons_dir, slug, locale, r.id));
    int64_t id = r.id;
    store_lesson_rev_cleanup(&r);
    http_json_steal(res, 200, o);
    set_etag(res, id);
}

void api_lesson_put(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    if (!lesson_route(req, res, &p, &slug, &locale))
        return;
    const char *im = http_header(req, "If-Match");
    if (!im) {
        http_problem(res, 428, "Precondition Required",
                     "an update needs If-Match with the lesson's ETag (GET it first)");
        return;
    }
    json_t *b = body_object(req, res);
    if (!b)
        return;
    bool any;
    int64_t expected;
    bool named = if_match(im, &any, &expected);
    store_lesson_rev cur;
    store_status rc = store_lesson_get(req->app->store, slug, locale, &cur);
    if (rc != STORE_OK) {
        json_decref(b);
        if (rc == STORE_NOT_FOUND)
            http_problem(res, 404, NULL, "no such lesson in this locale (POST creates one)");
        else
            store_failed(res);
        return;
    }
    int64_t current = cur.id;
    store_lesson_rev_cleanup(&cur);
    if (any)
        expected = current;
    if (!named || expected != current) {
        json_decref(b);
        precondition_failed(req, res, slug, locale);
        return;
    }
    const char *text = json_string_value(json_object_get(b, "text"));
    size_t len = json_string_length(json_object_get(b, "text"));
    const char *note = NULL;
    if (!note_of(b, res, &note)) {
        json_decref(b);
        return;
    }
    json_t *warnings = NULL;
    if (validate(req, res, slug, locale, text, len, &warnings) != 1) {
        json_decref(b);
        return;
    }
    int64_t rev = 0;
    rc = store_lesson_save(req->app->store, slug, locale, expected, text, len, p.actor, note, &rev,
                           NULL);
    json_decref(b);
    if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND) {
        json_decref(warnings);
        if (rc == STORE_CONFLICT) /* saved by someone else while we validated */
            precondition_failed(req, res, slug, locale);
        else
            http_problem(res, 404, NULL, "the lesson was deleted meanwhile");
        return;
    }
    saved(req, res, rc, 200, slug, locale, rev, warnings);
}

void api_lesson_delete(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    if (!lesson_route(req, res, &p, &slug, &locale))
        return;
    const char *im = http_header(req, "If-Match");
    bool any = true;
    int64_t expected = 0;
    if (im && !if_match(im, &any, &expected)) {
        precondition_failed(req, res, slug, locale);
        return;
    }
    store_status rc = store_lesson_delete(req->app->store, slug, locale, any ? 0 : expected, NULL);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such lesson in this locale");
        return;
    }
    if (rc == STORE_CONFLICT) {
        precondition_failed(req, res, slug, locale);
        return;
    }
    if (rc != STORE_OK) {
        store_failed(res);
        return;
    }
    refresh(req);
    http_text(res, 204, "text/plain", "", 0);
}

void api_lesson_revisions(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    if (!lesson_route(req, res, &p, &slug, &locale))
        return;
    store_lesson_rev *v;
    size_t n;
    store_status rc = store_lesson_revisions(req->app->store, slug, locale, &v, &n);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such lesson in this locale");
        return;
    }
    if (rc != STORE_OK) {
        store_failed(res);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, rev_json(&v[i]));
    store_lesson_revs_free(v, n);
    store_lesson_rev cur;
    json_t *o = json_pack("{s:s, s:s, s:o}", "slug", slug, "locale", locale, "revisions", arr);
    if (store_lesson_get(req->app->store, slug, locale, &cur) == STORE_OK) {
        json_object_set_new(o, "current_revision", json_integer(cur.id));
        store_lesson_rev_cleanup(&cur);
    } else {
        json_object_set_new(o, "current_revision", json_null()); /* deleted */
    }
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
}

static bool rev_param(const http_request *req, http_response *res, int64_t *rev)
{
    const char *s = req->param_count > 1 ? req->params[1] : "";
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) {
        http_problem(res, 404, NULL, "no such revision of this lesson");
        return false;
    }
    *rev = v;
    return true;
}

void api_lesson_revision_get(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    int64_t rev;
    if (!lesson_route(req, res, &p, &slug, &locale) || !rev_param(req, res, &rev))
        return;
    store_lesson_rev r;
    store_status rc = store_lesson_revision_get(req->app->store, slug, locale, rev, &r);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such revision of this lesson");
        return;
    }
    if (rc != STORE_OK) {
        store_failed(res);
        return;
    }
    json_t *o = rev_json(&r);
    add_text(o, &r);
    store_lesson_rev_cleanup(&r);
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
}

void api_lesson_restore(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    int64_t rev;
    if (!lesson_route(req, res, &p, &slug, &locale) || !rev_param(req, res, &rev))
        return;
    const char *im = http_header(req, "If-Match");
    bool any = true;
    int64_t expected = 0;
    if (im && !if_match(im, &any, &expected)) {
        precondition_failed(req, res, slug, locale);
        return;
    }
    int64_t new_rev = 0;
    store_status rc = store_lesson_restore(req->app->store, slug, locale, rev, any ? 0 : expected,
                                           p.actor, &new_rev, NULL);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such revision of this lesson");
        return;
    }
    if (rc == STORE_CONFLICT) {
        precondition_failed(req, res, slug, locale);
        return;
    }
    saved(req, res, rc, 201, slug, locale, new_rev, NULL);
}

void api_lesson_check(const http_request *req, http_response *res)
{
    grading_principal p;
    const char *slug, *locale;
    if (!lesson_route(req, res, &p, &slug, &locale))
        return;
    json_t *b = body_object(req, res);
    if (!b)
        return;
    char file[80];
    lessons_db_file_name(slug, locale, file, sizeof file);
    collect c = {json_array(), file};
    json_t *warnings = json_array();
    const json_t *t = json_object_get(b, "text");
    int rc = check_text(req, res, slug, locale, json_string_value(t), json_string_length(t), &c,
                        warnings);
    json_decref(b);
    if (rc < 0) {
        json_decref(c.errors);
        json_decref(warnings);
        return;
    }
    http_json_steal(
        res, 200,
        json_pack("{s:b, s:o, s:o}", "valid", rc == 1, "problems", c.errors, "warnings", warnings));
    http_set_header(res, "Cache-Control", "no-store");
}
