/*
 * fuzz_lesson.c — libFuzzer harness: one lesson file's text through the whole lesson path.
 *
 * The input is a lesson file (front matter, Markdown body, ```scenario and ```quiz
 * blocks). lessons_parse_text does what `tcplab check` and the loader do: size, NUL and
 * UTF-8 checks, the front matter (frontmatter.c), the Markdown (markdown.c) with its
 * figures (figure.c) and questions (quiz.c, with the engine-run checks), and link checks
 * against ./lessons and ./static (the harness runs from the repository root). The file is
 * named lessons/fuzz.zh-CN.md when the text mentions "zh-CN", else lessons/fuzz.md. A lesson
 * that parses is compared with itself as the other locale (lessons_compare_locales).
 * Oracles besides the sanitizers: a refused lesson reported at least one problem; every
 * reported line is >= 1 and the message is non-empty.
 * Does not: reach HTTP or the store.
 */
#include "fuzz_common.h"

#include "../../server/lessons/lessons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void report(void *ctx, const char *path, int line, const char *msg)
{
    int *n = ctx;
    (*n)++;
    FUZZ_CHECK(path && msg && msg[0], "problem reported without a path or message");
    FUZZ_CHECK(line >= 0, "problem reported with a negative line");
}

static bool mentions(const uint8_t *d, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, word, k) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name = mentions(data, size, "zh-CN") ? "lessons/fuzz.zh-CN.md" : "lessons/fuzz.md";
    lessons_parse_options opt = {.static_dir = "static", .check_links = true, .check_quiz = true};
    int reported = 0, problems = 0;
    /* not NUL-terminated on purpose: lessons_parse_text takes a length */
    char *text = malloc(size ? size : 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    lesson *l = lessons_parse_text(name, text, size, &opt, report, &reported, &problems);
    FUZZ_CHECK(problems == reported, "problem count differs from the problems reported");
    if (!l) {
        FUZZ_CHECK(reported > 0, "lesson refused without a problem reported");
    } else {
        FUZZ_CHECK(l->html != NULL, "a parsed lesson without HTML");
        FUZZ_CHECK(lessons_slug_valid(l->slug, strlen(l->slug)),
                   "a parsed lesson's slug is invalid");
        char err[512];
        FUZZ_CHECK(lessons_compare_locales(l, l, err, sizeof err) == 0,
                   "a lesson does not agree with itself");
        lessons_lesson_free(l);
    }
    free(text);
    return 0;
}
