/* test_lessons.c — language negotiation (i18n.h), page chrome (pages.h), lesson files and
 * the lesson set (lessons.h) on tests/fixtures/lessons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/lessons/i18n.h"
#include "../../server/lessons/lessons.h"
#include "../../server/web/pages.h"
#include "../../server/lessons/quiz.h"
#include "../../server/util/strbuf.h"
#include "testlib.h"

#define FIXTURES "tests/fixtures/lessons"

TEST(lessons_i18n_negotiation_order)
{
    bool remember = true;
    CHECK_EQ_STR(i18n_negotiate(NULL, NULL, NULL, &remember), "en");
    CHECK(!remember);
    CHECK_EQ_STR(i18n_negotiate("zh-CN", "en", "en", &remember), "zh-CN");
    CHECK(remember);
    CHECK_EQ_STR(i18n_negotiate("zh-cn", NULL, NULL, &remember), "zh-CN"); /* case-insensitive */
    CHECK_EQ_STR(i18n_negotiate("fr", "zh-CN", "en", &remember), "zh-CN"); /* bad ?lang ignored */
    CHECK(!remember);
    CHECK_EQ_STR(i18n_negotiate(NULL, "bogus", "zh;q=0.9", &remember), "zh-CN");
    CHECK_EQ_STR(i18n_negotiate(NULL, "en", "zh-CN", &remember), "en"); /* cookie beats header */
}

TEST(lessons_i18n_accept_language_qvalues)
{
    CHECK_EQ_STR(i18n_from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
    CHECK_EQ_STR(i18n_from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), "en");
    CHECK_EQ_STR(i18n_from_accept_language("en;q=0.5, zh;q=0.8"), "zh-CN");
    CHECK_EQ_STR(i18n_from_accept_language("fr-FR, zh-TW;q=0.7, en;q=0.3"), "zh-CN");
    CHECK_EQ_STR(i18n_from_accept_language("zh;q=0, en;q=0.1"), "en");
    CHECK_EQ_STR(i18n_from_accept_language("*"), "en");
    CHECK(i18n_from_accept_language("fr, de;q=0.5") == NULL);
    CHECK(i18n_from_accept_language("zh;q=2") == NULL); /* malformed q: entry ignored */
    CHECK(i18n_from_accept_language("zh;q=abc") == NULL);
    CHECK(i18n_from_accept_language("") == NULL);
    CHECK(i18n_from_accept_language(NULL) == NULL);
    CHECK_EQ_STR(i18n_from_accept_language("en;q=0.8, zh-Hans;q=0.8"), "en"); /* tie: first */
    CHECK_EQ_STR(i18n_from_accept_language(" zh-CN ; q=1.000 "), "zh-CN");
}

TEST(lessons_i18n_strings_both_languages)
{
    for (int k = 0; k < I18N_KEY_COUNT; k++) {
        const char *en = i18n_text("en", (i18n_key)k), *zh = i18n_text("zh-CN", (i18n_key)k);
        if (!*en || !*zh)
            testlib_fail(__FILE__, __LINE__, "UI string %d is missing in a language", k);
    }
    CHECK_EQ_STR(i18n_text("zh-CN", I18N_NAV_HOME), "首页");
    CHECK_EQ_STR(i18n_text("zh-CN", I18N_NAV_LESSONS), "课程");
    CHECK_EQ_STR(i18n_text("zh-CN", I18N_NAV_PLAYGROUND), "实验场");
    CHECK_EQ_STR(i18n_text("en", I18N_LANG_SWITCH_LABEL), "中文");
}

TEST(lessons_page_has_lang_and_hreflang)
{
    char *en = pages_render("en", "T <x>", "/lessons", "lessons", NULL, "<p>body</p>");
    CHECK(en != NULL);
    if (!en)
        return;
    CHECK(strstr(en, "<html lang=\"en\">") != NULL);
    CHECK(strstr(en, "<a class=\"tl-lang\" hreflang=\"zh-CN\" lang=\"zh-CN\" href=\"?lang=zh-CN\">"
                     "中文</a>") != NULL);
    CHECK(strstr(en, "<link rel=\"alternate\" hreflang=\"zh-CN\" href=\"/lessons?lang=zh-CN\">"));
    CHECK(strstr(en, "<title>T &lt;x&gt; — TCP Lab</title>") != NULL);
    CHECK(strstr(en, "<nav class=\"tl-nav\"") != NULL);
    CHECK(strstr(en, "<a href=\"/lessons\" aria-current=\"page\">Lessons</a>") != NULL);
    CHECK(strstr(en, "<link rel=\"stylesheet\" href=\"/static/css/app.css\">") != NULL);
    CHECK(strstr(en, "<script type=\"module\" src=\"/static/js/app.js\"></script>") != NULL);
    CHECK(strstr(en, "<p>body</p>") != NULL);
    CHECK(strstr(en, "style=") == NULL);
    CHECK(strstr(en, "<script>") == NULL);
    free(en);
    char *zh = pages_render("zh-CN", NULL, "/playground", "playground", "scenario=lost-syn&", "");
    CHECK(zh != NULL);
    if (!zh)
        return;
    CHECK(strstr(zh, "<html lang=\"zh-CN\">") != NULL);
    CHECK(strstr(zh, "<a class=\"tl-lang\" hreflang=\"en\" lang=\"en\" "
                     "href=\"?scenario=lost-syn&amp;lang=en\">English</a>") != NULL);
    CHECK(strstr(zh, ">实验场</a>") != NULL);
    free(zh);
}

TEST(lessons_split_name_rules)
{
    char slug[64];
    const char *loc = NULL;
    CHECK(lessons_split_name("a/b/three-way.md", slug, sizeof slug, &loc));
    CHECK_EQ_STR(slug, "three-way");
    CHECK_EQ_STR(loc, "en");
    CHECK(lessons_split_name("x.zh-CN.md", slug, sizeof slug, &loc));
    CHECK_EQ_STR(slug, "x");
    CHECK_EQ_STR(loc, "zh-CN");
    CHECK(!lessons_split_name("Bad.md", slug, sizeof slug, &loc));
    CHECK(!lessons_split_name("a.fr.md", slug, sizeof slug, &loc));
    CHECK(!lessons_split_name(".md", slug, sizeof slug, &loc));
    CHECK(!lessons_split_name("a.txt", slug, sizeof slug, &loc));
}

typedef struct err_log {
    int count;
    char all[4000];
} err_log;

static void log_report(void *ctx, const char *path, int line, const char *msg)
{
    err_log *l = ctx;
    l->count++;
    size_t n = strlen(l->all);
    snprintf(l->all + n, sizeof l->all - n, "%s:%d: %s\n", path, line, msg);
}

TEST(lessons_parse_fixture_file)
{
    lessons_parse_options opt = {"static", true, true};
    err_log log = {0};
    int problems = -1;
    lesson *l = lessons_parse_file(FIXTURES "/alpha.md", &opt, log_report, &log, &problems);
    CHECK(l != NULL);
    if (!l) {
        fprintf(stderr, "%s", log.all);
        return;
    }
    CHECK_EQ_INT(problems, 0);
    CHECK_EQ_STR(l->slug, "alpha");
    CHECK_EQ_STR(l->locale, "en");
    CHECK_EQ_STR(l->title, "Alpha: the first lesson");
    CHECK_EQ_INT(l->order, 1);
    CHECK_EQ_INT(l->tag_count, 2);
    CHECK_EQ_INT(l->quiz.count, 2);
    CHECK(strstr(l->html, "<figure class=\"tl-scenario\" id=\"scn-1\"") != NULL);
    CHECK(strstr(l->html, "<section class=\"tl-quiz\">") != NULL);
    CHECK(strstr(l->html, "data-question=\"alpha.q1\"") != NULL);
    CHECK(strstr(l->html, "tl-callout tl-note") != NULL);
    CHECK(strstr(l->html, "The SYN occupies") == NULL); /* no explanation/answer in the page */
    lessons_lesson_free(l);
    lessons_lesson_free(NULL);
}

static char *write_temp(const char *dir, const char *name, const char *text, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fwrite(text, 1, len, f);
    fclose(f);
    return path;
}

TEST(lessons_parse_bad_files_report_file_and_line)
{
    char dir[] = "/tmp/tcplab-lessons-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    lessons_parse_options opt = {NULL, true, false};
    err_log log;
    int problems;

    const char *wrong_locale =
        "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\n---\nx\n";
    char *p = write_temp(dir, "w.zh-CN.md", wrong_locale, strlen(wrong_locale));
    memset(&log, 0, sizeof log);
    lesson *l = lessons_parse_file(p, &opt, log_report, &log, &problems);
    CHECK(strstr(log.all, "w.zh-CN.md:6: locale \"en\" does not match the file name") != NULL);
    lessons_lesson_free(l);

    const char *links = "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\n---\n\n"
                        "[a](/lessons/nope) [b](javascript:alert(1)) [c](/playground)\n"
                        "[d](/elsewhere)\n\n```quiz\n- id: q1\n  type: single\n  prompt: P\n"
                        "  choices: [a]\n  answer: 5\n  explanation: E\n```\n";
    p = write_temp(dir, "links.md", links, strlen(links));
    memset(&log, 0, sizeof log);
    l = lessons_parse_file(p, &opt, log_report, &log, &problems);
    CHECK(l == NULL); /* the quiz does not parse */
    CHECK(strstr(log.all, "links.md:9: link \"/lessons/nope\": there is no lesson \"nope\"") !=
          NULL);
    CHECK(strstr(log.all, "links.md:9: link to \"javascript:alert(1)\" is not allowed") != NULL);
    CHECK(strstr(log.all, "links.md:10: link \"/elsewhere\" does not resolve") != NULL);
    CHECK(strstr(log.all, "links.md:1:") == NULL);
    CHECK(strstr(log.all, "links.md:16: quiz: ") != NULL); /* the choices line */
    CHECK(problems >= 4);

    const char *unterminated = "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\n---\n"
                               "```scenario\nlost-syn\n";
    p = write_temp(dir, "u.md", unterminated, strlen(unterminated));
    memset(&log, 0, sizeof log);
    l = lessons_parse_file(p, &opt, log_report, &log, &problems);
    CHECK(strstr(log.all, "u.md:8: code fence opened here is never closed") != NULL);
    lessons_lesson_free(l);

    const char nul[] = "---\ntitle: T\n\0---\n";
    p = write_temp(dir, "n.md", nul, sizeof nul - 1);
    memset(&log, 0, sizeof log);
    l = lessons_parse_file(p, &opt, log_report, &log, &problems);
    CHECK(l == NULL);
    CHECK(strstr(log.all, "n.md:3: NUL byte") != NULL);

    size_t big_len = 2u * 1024u * 1024u;
    char *big = malloc(big_len);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'x', big_len);
        p = write_temp(dir, "big.md", big, big_len);
        memset(&log, 0, sizeof log);
        l = lessons_parse_file(p, &opt, log_report, &log, &problems);
        CHECK(l == NULL);
        CHECK(strstr(log.all, "big.md:1: file is 2097152 bytes; the limit is 1048576") != NULL);
        free(big);
    }

    const char *bad_scn = "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\n"
                          "scenarios: [no-such]\n---\n\n```scenario\nno-such-scenario\n```\n";
    p = write_temp(dir, "s.md", bad_scn, strlen(bad_scn));
    memset(&log, 0, sizeof log);
    l = lessons_parse_file(p, &opt, log_report, &log, &problems);
    CHECK(l == NULL);
    CHECK(strstr(log.all, "s.md:7: scenarios: \"no-such\" is not a built-in scenario") != NULL);
    CHECK(strstr(log.all, "s.md:10: scenario block: ") != NULL);

    const char *names[] = {"w.zh-CN.md", "links.md", "u.md", "n.md", "big.md", "s.md"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

TEST(lessons_load_find_order_questions)
{
    char err[256] = "";
    lessons_set *s = lessons_load(FIXTURES, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_EQ_INT(lessons_count(s, "en"), 2);
    CHECK_EQ_INT(lessons_count(s, "zh-CN"), 1);
    CHECK_EQ_INT(lessons_count(s, "fr"), 0);
    CHECK_EQ_STR(lessons_at(s, "en", 0)->slug, "alpha");
    CHECK_EQ_STR(lessons_at(s, "en", 1)->slug, "beta");
    CHECK(lessons_at(s, "en", 2) == NULL);
    CHECK(lessons_find(s, "beta", "zh-CN") == NULL);
    const lesson *zh = lessons_find(s, "alpha", "zh-CN");
    CHECK(zh && strstr(zh->html, "<p class=\"tl-callout-title\">警告</p>"));
    const lesson *list[8];
    CHECK_EQ_INT(lessons_list(s, "zh-CN", list, 8), 2); /* beta falls back to English */
    CHECK_EQ_STR(list[0]->locale, "zh-CN");
    CHECK_EQ_STR(list[1]->slug, "beta");
    CHECK_EQ_STR(list[1]->locale, "en");
    const quiz_question *q = lessons_find_question(s, "alpha.q2", "zh-CN");
    CHECK(q && !strcmp(quiz_question_id(q), "q2"));
    CHECK(lessons_find_question(s, "alpha.q9", "en") == NULL);
    CHECK(lessons_find_question(s, "nope.q1", "en") == NULL);
    CHECK(lessons_find_question(s, "alpha", "en") == NULL);
    CHECK(lessons_find_question(s, ".q1", "en") == NULL);
    lessons_free(s);
    lessons_free(NULL);
    CHECK(lessons_load("/nonexistent/lessons", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/lessons") != NULL);
}

TEST(lessons_compare_locales_and_anchors)
{
    char dir[] = "/tmp/tcplab-lessons-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    lessons_parse_options opt = {NULL, true, false};
    err_log log;
    memset(&log, 0, sizeof log);
    const char *en = "---\ntitle: T\nsummary: S\norder: 3\ntags: []\nlocale: en\n---\n"
                     "# Top\n\n[up](#top) [bad](#nowhere)\n\n```scenario\nlost-syn\n```\n";
    const char *zh = "---\ntitle: T\nsummary: S\norder: 3\ntags: []\nlocale: zh-CN\n---\n"
                     "# 顶部\n\n```scenario\nlost-fin\n```\n";
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s", write_temp(dir, "x.md", en, strlen(en)));
    snprintf(p2, sizeof p2, "%s", write_temp(dir, "x.zh-CN.md", zh, strlen(zh)));
    int problems = 0;
    lesson *a = lessons_parse_file(p1, &opt, log_report, &log, &problems);
    lesson *b = lessons_parse_file(p2, &opt, log_report, &log, NULL);
    CHECK(a != NULL && b != NULL);
    CHECK_EQ_INT(problems, 1);
    CHECK(strstr(log.all, "x.md:10: link \"#nowhere\": no heading") != NULL);
    CHECK(strstr(log.all, "#top") == NULL);
    if (a && b) {
        char err[600] = "";
        CHECK_EQ_INT(lessons_compare_locales(a, b, err, sizeof err), -1);
        CHECK(strstr(err, "scenario block 1 differs") != NULL);
        CHECK_EQ_INT(lessons_compare_locales(a, a, err, sizeof err), 0);
    }
    lessons_lesson_free(a);
    lessons_lesson_free(b);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

/* A lesson text of `n` copies of `block` after a valid front matter (8 lines). */
static lesson *parse_blocks(const char *block, int n, err_log *log, int *problems)
{
    strbuf t = {0};
    strbuf_put(&t, "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\n---\n\n");
    for (int i = 0; i < n; i++)
        strbuf_printf(&t, block, i);
    memset(log, 0, sizeof *log);
    lessons_parse_options opt = {NULL, false, false};
    lesson *l = lessons_parse_text("many.md", t.data, t.len, &opt, log_report, log, problems);
    strbuf_cleanup(&t);
    return l;
}

TEST(lessons_scenario_large_option)
{
    err_log log;
    int problems;
    lesson *l = parse_blocks("```scenario large\nconnection-refused\n```\n\n", 1, &log, &problems);
    CHECK(l != NULL);
    CHECK_EQ_INT(problems, 0);
    if (l)
        CHECK(strstr(l->html, "data-steps=\"") && strstr(l->html, "data-diagram=\"large\""));
    lessons_lesson_free(l);
    l = parse_blocks("```scenario\nconnection-refused\n```\n\n", 1, &log, &problems);
    CHECK(l != NULL);
    if (l)
        CHECK(strstr(l->html, "data-diagram=") == NULL);
    lessons_lesson_free(l);
    l = parse_blocks("```scenario huge\nconnection-refused\n```\n\n", 1, &log, &problems);
    CHECK(l == NULL);
    CHECK(strstr(log.all, "many.md:9: scenario block: unknown option \"huge\" after ```scenario "
                          "(known: large)") != NULL);
}

TEST(lessons_fenced_block_limits)
{
    err_log log;
    int problems;
    /* 32 figures are fine; the 33rd (its fence on line 9 + 4 * 32) is refused, once */
    const char *fig = "```scenario\nconnection-refused\n```\n\n";
    lesson *l = parse_blocks(fig, 32, &log, &problems);
    CHECK(l != NULL);
    CHECK_EQ_INT(problems, 0);
    lessons_lesson_free(l);
    l = parse_blocks(fig, 2000, &log, &problems);
    CHECK(l == NULL);
    CHECK_EQ_INT(problems, 1);
    CHECK(strstr(log.all, "many.md:137: scenario block: more than 32 scenario figures in one "
                          "lesson (the limit)\n") != NULL);

    /* 16 quiz blocks are fine; the 17th is refused */
    const char *quiz = "```quiz\n- id: q%d\n  type: number\n  prompt: P\n  answer: 1\n"
                       "  explanation: E\n```\n\n";
    l = parse_blocks(quiz, 16, &log, &problems);
    CHECK(l != NULL);
    CHECK_EQ_INT(problems, 0);
    lessons_lesson_free(l);
    l = parse_blocks(quiz, 40, &log, &problems);
    CHECK(l == NULL);
    CHECK_EQ_INT(problems, 1);
    CHECK(strstr(log.all, "many.md:137: quiz block: more than 16 quiz blocks in one lesson (the "
                          "limit)\n") != NULL);
}
