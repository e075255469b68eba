/* test_frontmatter.c — lesson front matter schema (server/lessons/frontmatter.h). */
#include <stdio.h>
#include <string.h>

#include "../../server/lessons/frontmatter.h"
#include "testlib.h"

typedef struct fm_log {
    int count;
    int first_line;
    char first[300];
    char all[2000];
} fm_log;

static void fm_collect(void *ctx, int line, const char *msg)
{
    fm_log *l = ctx;
    if (l->count++ == 0) {
        l->first_line = line;
        snprintf(l->first, sizeof l->first, "%s", msg);
    }
    size_t n = strlen(l->all);
    snprintf(l->all + n, sizeof l->all - n, "%d: %s\n", line, msg);
}

static int fm_run(const char *text, frontmatter *fm, fm_log *log, size_t *off, int *line)
{
    memset(log, 0, sizeof *log);
    *off = 0;
    *line = 0;
    return frontmatter_parse(text, strlen(text), fm, off, line, fm_collect, log);
}

TEST(frontmatter_valid)
{
    const char *t = "---\n"
                    "title: \"The handshake\"\n"
                    "summary: Three segments.\n"
                    "order: 2\n"
                    "tags: [handshake, states]\n"
                    "locale: zh-CN\n"
                    "scenarios:\n  - lost-syn\n  - handshake-and-close\n"
                    "---\n"
                    "# Body\n";
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), 0);
    CHECK_EQ_INT(log.count, 0);
    CHECK_EQ_STR(fm.title, "The handshake");
    CHECK_EQ_STR(fm.summary, "Three segments.");
    CHECK_EQ_INT(fm.order, 2);
    CHECK_EQ_INT(fm.tag_count, 2);
    CHECK_EQ_STR(fm.tags[1], "states");
    CHECK_EQ_STR(fm.locale, "zh-CN");
    CHECK_EQ_INT(fm.scenario_count, 2);
    CHECK_EQ_STR(fm.scenarios[0], "lost-syn");
    CHECK_EQ_INT(line, 11);
    CHECK_EQ_STR(t + off, "# Body\n");
    frontmatter_cleanup(&fm);
    frontmatter_cleanup(&fm); /* twice is fine */
}

TEST(frontmatter_unknown_key_named_with_line)
{
    const char *t = "---\ntitle: T\nsummary: S\norder: 1\ntags: []\nlocale: en\nauthor: me\n---\n";
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK_EQ_INT(log.count, 1);
    CHECK_EQ_INT(log.first_line, 7);
    CHECK(strstr(log.first, "unknown key \"author\"") != NULL);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_bad_types)
{
    const char *t = "---\n"
                    "title: [a, b]\n"
                    "summary: S\n"
                    "order: two\n"
                    "tags: handshake\n"
                    "locale: fr\n"
                    "---\n";
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK_EQ_INT(log.count, 4);
    CHECK(strstr(log.all, "2: front matter: \"title\" must be a string, not a list") != NULL);
    CHECK(strstr(log.all, "4: front matter: \"order\" must be an integer") != NULL);
    CHECK(strstr(log.all, "5: front matter: \"tags\" must be a list of strings") != NULL);
    CHECK(strstr(log.all, "6: front matter: \"locale\" must be \"en\" or \"zh-CN\"") != NULL);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_quoted_order_and_duplicates_refused)
{
    const char *t =
        "---\ntitle: T\ntitle: U\nsummary: S\norder: \"3\"\ntags: []\nlocale: en\n---\n";
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK(strstr(log.all, "3: front matter: duplicate key \"title\"") != NULL);
    CHECK(strstr(log.all, "5: front matter: \"order\" must be an integer") != NULL);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_missing_delimiters_and_keys)
{
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run("title: T\n", &fm, &log, &off, &line), -1);
    CHECK_EQ_INT(log.first_line, 1);
    CHECK(strstr(log.first, "must start with a line \"---\"") != NULL);
    frontmatter_cleanup(&fm);

    CHECK_EQ_INT(fm_run("---\ntitle: T\n# no end\n", &fm, &log, &off, &line), -1);
    CHECK(strstr(log.first, "no closing \"---\"") != NULL);
    frontmatter_cleanup(&fm);

    CHECK_EQ_INT(fm_run("---\ntitle: T\n---\nbody\n", &fm, &log, &off, &line), -1);
    CHECK_EQ_INT(log.count, 4); /* summary, order, tags, locale */
    CHECK(strstr(log.all, "missing key \"locale\"") != NULL);
    CHECK_EQ_INT(line, 4);
    frontmatter_cleanup(&fm);

    CHECK_EQ_INT(fm_run("", &fm, &log, &off, &line), -1);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_yaml_syntax_error_has_line)
{
    const char *t = "---\ntitle: T\nsummary: [unclosed\norder: 1\n---\n";
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK(log.count >= 1);
    CHECK(strstr(log.all, "4: front matter: YAML: ") != NULL);
    CHECK(strstr(log.all, "missing key") == NULL);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_alias_and_not_a_mapping)
{
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run("---\n- a\n- b\n---\n", &fm, &log, &off, &line), -1);
    CHECK(strstr(log.all, "must be a mapping") != NULL);
    frontmatter_cleanup(&fm);
    CHECK_EQ_INT(fm_run("---\ntitle: &x T\nsummary: *x\norder: 1\ntags: []\nlocale: en\n---\n", &fm,
                        &log, &off, &line),
                 -1);
    CHECK(strstr(log.all, "3: front matter: \"summary\" must be a string, not an alias") != NULL);
    frontmatter_cleanup(&fm);
}

TEST(frontmatter_nesting_and_size_limits)
{
    /* 5,000 nested flow lists: parsing stops at level 17 with the limit and the line */
    static char t[40000];
    size_t n = (size_t)snprintf(t, sizeof t, "---\ntitle: T\nsummary: S\norder: 1\ntags: ");
    for (int i = 0; i < 5000; i++)
        t[n++] = '[';
    for (int i = 0; i < 5000; i++)
        t[n++] = ']';
    n += (size_t)snprintf(t + n, sizeof t - n, "\nlocale: en\n---\nbody\n");
    frontmatter fm;
    fm_log log;
    size_t off;
    int line;
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK_EQ_INT(log.count, 2); /* the item that is not a string, then the limit */
    CHECK(strstr(log.all, "5: front matter: lists and mappings nested deeper than 16 levels "
                          "(the limit)\n") != NULL);
    frontmatter_cleanup(&fm);

    /* 16 levels (the top mapping and 15 lists) are within the limit */
    n = (size_t)snprintf(t, sizeof t, "---\nx: ");
    for (int i = 0; i < 15; i++)
        t[n++] = '[';
    for (int i = 0; i < 15; i++)
        t[n++] = ']';
    snprintf(t + n, sizeof t - n, "\n---\n");
    fm_run(t, &fm, &log, &off, &line);
    CHECK(strstr(log.all, "unknown key \"x\"") != NULL);
    CHECK(strstr(log.all, "nested deeper") == NULL);
    frontmatter_cleanup(&fm);

    /* 5,000 items in one list: refused past 4,096 nodes */
    n = (size_t)snprintf(t, sizeof t, "---\ntitle: T\nsummary: S\norder: 1\nx: [");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(t + n, sizeof t - n, "%s1", i ? "," : "");
    snprintf(t + n, sizeof t - n, "]\n---\n");
    CHECK_EQ_INT(fm_run(t, &fm, &log, &off, &line), -1);
    CHECK(strstr(log.all, "5: front matter: more than 4096 YAML nodes (the limit)") != NULL);
    frontmatter_cleanup(&fm);
}
