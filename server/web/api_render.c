/*
 * api_render.c — POST /api/v1/render (instructor, admin): a lesson's Markdown rendered
 * exactly as students will see it, with the problems `tcplab check` would report.
 *
 * Body: {"text": "---\nfront matter\n---\n# ...", "slug": "my-lesson" (default
 * "preview"), "locale": "en"|"zh-CN" (default "en")}. 200 {valid, problems: [{line,
 * message}], title, summary, html} when the lesson parses (valid is false if problems
 * were reported); 422 {problems} when it cannot be used at all (bad front matter, a block
 * that does not parse, invalid UTF-8 ...).
 *
 * Owns: only the request/response shape. The lesson parser (server/lessons/lessons.c)
 * reads files, so the text is written to a private temporary directory (mode 0700) and
 * removed before the answer is sent.
 * Does not: store lessons (lessons in the database with revisions are not built yet).
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lessons/lessons.h"
#include "../lessons/markdown.h"
#include "../grading/auth.h"
#include "../http/json_body.h"
#include "../util/tempdir.h"
#include "guard.h"
#include "grading.h"

typedef struct collect {
    json_t *problems;
} collect;

static void on_problem(void *ctx, const char *path, int line, const char *msg)
{
    (void)path;
    collect *c = ctx;
    json_t *m = json_string(msg);
    if (!m)
        m = json_string("(message was not valid UTF-8)");
    json_array_append_new(c->problems, json_pack("{s:i, s:o}", "line", line, "message", m));
}

const char *grading_preview_names(const json_t *body, const char **slug, const char **locale,
                                  const char **ptr)
{
    const json_t *sv = json_object_get(body, "slug"), *lv = json_object_get(body, "locale");
    *slug = sv ? json_string_value(sv) : "preview";
    *locale = lv ? json_string_value(lv) : "en";
    if (!*slug || !lessons_slug_valid(*slug, strlen(*slug))) {
        *ptr = "/slug";
        return "must match [a-z0-9-]{1,63}";
    }
    if (!*locale || (strcmp(*locale, "en") && strcmp(*locale, "zh-CN"))) {
        *ptr = "/locale";
        return "must be \"en\" or \"zh-CN\"";
    }
    *ptr = NULL;
    return NULL;
}

void grading_render(const http_request *req, http_response *res)
{
    grading_principal p;
    if (!guard_require(req, res, &p, GRADING_STAFF) || !http_require_json(req, res))
        return;
    json_t *body = http_json_body(req, res, 0, NULL, NULL);
    if (!body)
        return;
    json_t *tv = json_object_get(body, "text");
    const char *slug, *locale, *names_ptr;
    const char *names_why = grading_preview_names(body, &slug, &locale, &names_ptr);
    const char *ptr = NULL, *why = NULL;
    if (!json_is_object(body))
        ptr = "", why = "the body must be an object {text, slug?, locale?}";
    else if (!json_is_string(tv))
        ptr = "/text", why = "missing or not a string: the lesson file's text";
    else if (json_string_length(tv) > MARKDOWN_MAX_BYTES)
        ptr = "/text", why = "larger than 1 MiB";
    else if (names_why)
        ptr = names_ptr, why = names_why;
    if (why) {
        http_problem_json(res, 422, NULL, NULL, why,
                          json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", ptr, "detail", why));
        json_decref(body);
        return;
    }
    char dir[TEMPDIR_PATH_MAX];
    char path[TEMPDIR_PATH_MAX + 96];
    if (tempdir_make("tcplab-render", dir, sizeof dir) != 0) {
        json_decref(body);
        http_problem(res, 500, NULL, "cannot create a temporary directory");
        return;
    }
    snprintf(path, sizeof path, "%s/%s%s.md", dir, slug, strcmp(locale, "en") ? ".zh-CN" : "");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    size_t len = json_string_length(tv);
    bool written = fd >= 0 && write(fd, json_string_value(tv), len) == (ssize_t)len;
    if (fd >= 0)
        close(fd);
    json_decref(body);
    if (!written) {
        unlink(path);
        rmdir(dir);
        http_problem(res, 500, NULL, "cannot write the preview file");
        return;
    }
    collect c = {json_array()};
    lessons_parse_options opt = {NULL, false, true};
    int problems = 0;
    lesson *l = lessons_parse_file(path, &opt, on_problem, &c, &problems);
    unlink(path);
    rmdir(dir);
    if (!l) {
        http_problem_json(res, 422, NULL, "Lesson cannot be used",
                          "the lesson does not parse (see problems)",
                          json_pack("{s:o}", "problems", c.problems));
        return;
    }
    json_t *o =
        json_pack("{s:b, s:o, s:s?, s:s?, s:s?}", "valid", problems == 0, "problems", c.problems,
                  "title", l->title, "summary", l->summary, "html", l->html ? l->html : "");
    lessons_lesson_free(l);
    http_json_steal(res, 200, o);
    http_set_header(res, "Cache-Control", "no-store");
}
