/* test_markdown.c — lesson Markdown rendering, including hostile input (markdown.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lessons/markdown.h"
#include "../../server/util/utf8.h"
#include "testlib.h"

typedef struct md_log {
    int count;
    char all[4000];
    int fences;
    char fence_lang[32];
    char fence_opts[80];
    char fence_body[256];
    int fence_line;
} md_log;

static void md_collect(void *ctx, int line, const char *msg)
{
    md_log *l = ctx;
    l->count++;
    size_t n = strlen(l->all);
    snprintf(l->all + n, sizeof l->all - n, "%d: %s\n", line, msg);
}

static char *md_fence(void *ctx, const char *lang, const char *opts, const char *body, size_t len,
                      int line)
{
    md_log *l = ctx;
    l->fences++;
    snprintf(l->fence_lang, sizeof l->fence_lang, "%s", lang);
    snprintf(l->fence_opts, sizeof l->fence_opts, "%s", opts);
    snprintf(l->fence_body, sizeof l->fence_body, "%.*s", (int)len, body);
    l->fence_line = line;
    return strdup("<div class=\"fenced\"></div>");
}

static char *md(const char *text, size_t len, const char *locale, md_log *log, int *problems)
{
    static const char *const langs[] = {"scenario", "quiz", NULL};
    memset(log, 0, sizeof *log);
    markdown_options o;
    memset(&o, 0, sizeof o);
    o.locale = locale;
    o.first_line = 10;
    o.fence_langs = langs;
    o.fence = md_fence;
    o.fence_ctx = log;
    o.report = md_collect;
    o.report_ctx = log;
    return markdown_render(text, len, &o, problems);
}

static char *mds(const char *text, md_log *log, int *problems)
{
    return md(text, strlen(text), "en", log, problems);
}

TEST(markdown_basic_blocks_and_heading_ids)
{
    md_log log;
    int p;
    char *h = mds("# Hello, World!\n\nSome *em* and **strong** and ~~del~~ and `code`.\n\n"
                  "## Hello, World!\n\n## 三次握手\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
                  &log, &p);
    CHECK(h != NULL);
    CHECK_EQ_INT(p, 0);
    CHECK(strstr(h, "<h1 id=\"hello-world\">Hello, World!</h1>") != NULL);
    CHECK(strstr(h, "<h2 id=\"hello-world-2\">") != NULL);
    CHECK(strstr(h, "<h2 id=\"三次握手\">") != NULL);
    CHECK(strstr(h, "<em>em</em>") && strstr(h, "<strong>strong</strong>"));
    CHECK(strstr(h, "<del>del</del>") && strstr(h, "<code>code</code>"));
    CHECK(strstr(h, "<table>") && strstr(h, "<td class=\"tl-right\">2</td>"));
    free(h);
}

TEST(markdown_raw_html_is_escaped)
{
    md_log log;
    int p;
    char *h = mds("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> "
                  "<a href=\"javascript:x\">y</a>\n\n<div onclick=\"x\">\n",
                  &log, &p);
    CHECK(h != NULL);
    CHECK(strstr(h, "<script") == NULL);
    CHECK(strstr(h, "<img") == NULL);
    CHECK(strstr(h, "<a ") == NULL);
    CHECK(strstr(h, "<div") == NULL);
    CHECK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(h, "&lt;img src=x onerror=alert(1)&gt;") != NULL);
    free(h);
}

TEST(markdown_dangerous_links_neutralised)
{
    const char *cases[] = {
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](<java script:alert(1)>)",
        "![x](javascript:alert(1))",
        "![x](data:image/png;base64,AAAA)",
        "![x](https://example.com/tracker.png)",
        "![x](//example.com/tracker.png)",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        md_log log;
        int p;
        char *h = mds(cases[i], &log, &p);
        CHECK(h != NULL);
        if (!h)
            continue;
        if (strstr(h, "href=") || strstr(h, "src=") || p != 1)
            testlib_fail(__FILE__, __LINE__, "case %zu \"%s\" rendered \"%s\" (%d problems)", i,
                         cases[i], h, p);
        CHECK(strstr(log.all, "10: ") == log.all || strstr(log.all, "12: ") == log.all);
        free(h);
    }
}

TEST(markdown_allowed_links_kept)
{
    md_log log;
    int p;
    char *h = mds("[a](https://www.rfc-editor.org/rfc/rfc9293) [b](http://x.test/?a=1&b=2) "
                  "[c](mailto:me@example.com) [d](/lessons/time-wait \"TW\") [e](#anchor) "
                  "[f](three-way-handshake) ![g](/static/img/a.png) <https://example.com>",
                  &log, &p);
    CHECK(h != NULL);
    CHECK_EQ_INT(p, 0);
    CHECK(strstr(h, "<a href=\"https://www.rfc-editor.org/rfc/rfc9293\">a</a>") != NULL);
    CHECK(strstr(h, "<a href=\"http://x.test/?a=1&amp;b=2\">b</a>") != NULL);
    CHECK(strstr(h, "href=\"mailto:me@example.com\"") != NULL);
    CHECK(strstr(h, "<a href=\"/lessons/time-wait\" title=\"TW\">d</a>") != NULL);
    CHECK(strstr(h, "href=\"#anchor\"") && strstr(h, "href=\"three-way-handshake\""));
    CHECK(strstr(h, "<img src=\"/static/img/a.png\" alt=\"g\">") != NULL);
    CHECK(strstr(h, "<a href=\"https://example.com\">https://example.com</a>") != NULL);
    free(h);
}

TEST(markdown_url_allowed_rules)
{
    CHECK(markdown_url_allowed("https://x"));
    CHECK(markdown_url_allowed("HTTP://x"));
    CHECK(markdown_url_allowed("mailto:a@b"));
    CHECK(markdown_url_allowed("/a:b"));
    CHECK(markdown_url_allowed("a/b:c"));
    CHECK(markdown_url_allowed("?q=a:b"));
    CHECK(markdown_url_allowed(""));
    CHECK(!markdown_url_allowed("javascript:x"));
    CHECK(!markdown_url_allowed("java\tscript:x"));
    CHECK(!markdown_url_allowed(" javascript:x"));
    CHECK(!markdown_url_allowed("ftp://x"));
    CHECK(!markdown_url_allowed(":x"));
    CHECK(!markdown_url_allowed(NULL));
}

TEST(markdown_callouts_localised)
{
    md_log log;
    int p;
    char *h = mds("> [!NOTE]\n> Read this.\n\n> [!warning]\n> Careful.\n\n> [!TIP] not alone\n\n"
                  "> plain\n",
                  &log, &p);
    CHECK(h != NULL);
    CHECK(strstr(h, "<div class=\"tl-callout tl-note\" role=\"note\"><p class=\"tl-callout-title\">"
                    "Note</p>\n<p>Read this.</p>\n</div>") != NULL);
    CHECK(strstr(h, "<div class=\"tl-callout tl-warning\" role=\"note\">") != NULL);
    CHECK(strstr(h, "<blockquote>\n<p>[!TIP] not alone</p>") != NULL);
    CHECK(strstr(h, "<blockquote>\n<p>plain</p>\n</blockquote>") != NULL);
    free(h);
    h = md("> [!CAUTION]\n> 小心。\n", strlen("> [!CAUTION]\n> 小心。\n"), "zh-CN", &log, &p);
    CHECK(h && strstr(h, "<p class=\"tl-callout-title\">注意</p>"));
    free(h);
}

TEST(markdown_fences_go_to_callback_with_line)
{
    md_log log;
    int p;
    char *h = mds("Intro\n\n```scenario\nlost-syn\n```\n\n```c\nint a<b;\n```\n", &log, &p);
    CHECK(h != NULL);
    CHECK_EQ_INT(log.fences, 1);
    CHECK_EQ_STR(log.fence_lang, "scenario");
    CHECK_EQ_STR(log.fence_opts, "");
    CHECK_EQ_STR(log.fence_body, "lost-syn\n");
    CHECK_EQ_INT(log.fence_line, 13); /* first_line 10 + 3 */
    CHECK(strstr(h, "<div class=\"fenced\"></div>") != NULL);
    CHECK(strstr(h, "<pre><code class=\"language-c\">int a&lt;b;\n</code></pre>") != NULL);
    free(h);
}

TEST(markdown_fence_options_after_the_language)
{
    md_log log;
    int p;
    char *h = mds("```scenario   large  \nlost-syn\n```\n", &log, &p);
    CHECK(h != NULL);
    CHECK_EQ_INT(log.fences, 1);
    CHECK_EQ_STR(log.fence_lang, "scenario");
    CHECK_EQ_STR(log.fence_opts, "large");
    free(h);
    /* a long info string is cut to MARKDOWN_FENCE_OPTS_MAX bytes */
    char text[300];
    snprintf(text, sizeof text, "```scenario %0100d\nlost-syn\n```\n", 7);
    h = mds(text, &log, &p);
    CHECK(h != NULL);
    CHECK_EQ_INT((int)strlen(log.fence_opts), MARKDOWN_FENCE_OPTS_MAX);
    free(h);
}

TEST(markdown_unterminated_fence_reported)
{
    md_log log;
    int p;
    char *h = mds("Text\n\n````quiz\n- id: q1\n\n```\nnot closed by fewer\n", &log, &p);
    CHECK(h != NULL); /* rendered, but reported */
    CHECK_EQ_INT(p, 1);
    CHECK(strstr(log.all, "12: code fence opened here is never closed") != NULL);
    free(h);
    h = mds("> ```\n> in a quote\n> ```\n\n~~~\nok\n~~~\n", &log, &p);
    CHECK_EQ_INT(p, 0);
    free(h);
}

TEST(markdown_huge_input_refused)
{
    size_t n = 2u * 1024u * 1024u;
    char *big = malloc(n);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, 'a', n);
    md_log log;
    int p;
    char *h = md(big, n, "en", &log, &p);
    CHECK(h == NULL);
    CHECK_EQ_INT(p, 1);
    CHECK(strstr(log.all, "limit is 1048576 bytes") != NULL);
    free(big);
}

TEST(markdown_nul_and_bad_utf8_refused)
{
    md_log log;
    int p;
    const char nul[] = "line one\nline\0two\n";
    char *h = md(nul, sizeof nul - 1, "en", &log, &p);
    CHECK(h == NULL);
    CHECK(strstr(log.all, "11: NUL byte") != NULL);
    const char bad[] = "ok\n\nbad \xc3\x28 here\n";
    h = md(bad, sizeof bad - 1, "en", &log, &p);
    CHECK(h == NULL);
    CHECK(strstr(log.all, "12: invalid UTF-8 (byte 0xc3") != NULL);
    CHECK_EQ_INT(utf8_invalid_at("\xed\xa0\x80", 3), 0);       /* surrogate */
    CHECK_EQ_INT(utf8_invalid_at("\xc0\xaf", 2), 0);           /* overlong */
    CHECK_EQ_INT(utf8_invalid_at("ab\xf4\x90\x80\x80", 6), 2); /* > U+10FFFF */
    CHECK_EQ_INT(utf8_invalid_at("中文", strlen("中文")), strlen("中文"));
}

TEST(markdown_hostile_nesting_does_not_crash)
{
    size_t n = 200000;
    char *s = malloc(n + 1);
    CHECK(s != NULL);
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        s[i] = "[>*_`!("[i % 7];
    s[n] = 0;
    md_log log;
    int p;
    char *h = md(s, n, "en", &log, &p);
    CHECK(h != NULL);
    free(h);
    for (size_t i = 0; i < n; i++)
        s[i] = i % 2 ? '[' : '>';
    h = md(s, n, "en", &log, &p);
    CHECK(h != NULL);
    free(h);
    free(s);
}

TEST(markdown_buf_escape_and_take)
{
    strbuf b = {0};
    strbuf_escape_n(&b, "<a href=\"x\">'&'</a>", strlen("<a href=\"x\">'&'</a>"));
    strbuf_printf(&b, "%d", 42);
    char *s = strbuf_take(&b);
    CHECK_EQ_STR(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;42");
    free(s);
    s = strbuf_take(&b);
    CHECK_EQ_STR(s, "");
    free(s);
    strbuf_cleanup(&b);
}

TEST(markdown_never_reads_past_its_input)
{
    /* md4c 0.4.8 scans a link destination past the given size when the next byte in
     * memory is ')'; the renderer works on a NUL-padded copy, so nothing beyond shows. */
    const char mem[] = "1. ](`---][!NOTE])a&colon;]_[](*&#106;&#106;*)SECRET```quiz\n";
    md_log log;
    int p;
    char *h = md(mem, 45, "en", &log, &p);
    CHECK(h != NULL);
    CHECK(h && strstr(h, "SECRET") == NULL);
    free(h);
}

static size_t count_of(const char *h, const char *needle)
{
    size_t n = 0;
    for (const char *p = h; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

TEST(markdown_deep_block_quotes_degrade_with_a_problem)
{
    /* 64 levels render as block quotes; deeper levels are flattened into the 64th and
     * reported once, naming the limit; a call-out marker at any depth stays safe. */
    static const int depths[] = {64, 65, 200, 5000};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        int depth = depths[d];
        size_t n = (size_t)depth * 2 + 64;
        char *s = malloc(n);
        CHECK(s != NULL);
        if (!s)
            return;
        size_t k = 0;
        for (int i = 0; i < depth; i++) {
            s[k++] = '>';
            s[k++] = ' ';
        }
        k += (size_t)snprintf(s + k, n - k, "[!NOTE]\ndeep text\n");
        md_log log;
        int p = -1;
        char *h = md(s, k, "en", &log, &p);
        CHECK(h != NULL);
        CHECK(h && strstr(h, "deep text") != NULL);
        size_t opened = count_of(h, "<blockquote>") + count_of(h, "<div class=\"tl-callout");
        size_t closed = count_of(h, "</blockquote>") + count_of(h, "</div>");
        CHECK_EQ_INT(opened, depth < 64 ? depth : 64);
        CHECK_EQ_INT(closed, opened);
        if (depth > 64) {
            CHECK_EQ_INT(p, 1);
            CHECK(strstr(log.all, "block quotes nested deeper than 64") != NULL);
        } else {
            CHECK_EQ_INT(p, 0);
        }
        free(h);
        free(s);
    }
}

TEST(markdown_duplicate_heading_ids_get_first_free_suffix)
{
    md_log log;
    int p;
    char *h = mds("# a\n# a\n# a-2\n# a\n# a-2\n# A\n# a-3\n# !!\n# ??\n# section\n", &log, &p);
    CHECK(h != NULL);
    const char *want[] = {"<h1 id=\"a\">",        "<h1 id=\"a-2\">",     "<h1 id=\"a-2-2\">",
                          "<h1 id=\"a-3\">",      "<h1 id=\"a-2-3\">",   "<h1 id=\"a-4\">",
                          "<h1 id=\"a-3-2\">",    "<h1 id=\"section\">", "<h1 id=\"section-2\">",
                          "<h1 id=\"section-3\">"};
    const char *at = h;
    for (size_t i = 0; at && i < sizeof want / sizeof want[0]; i++) {
        at = strstr(at, want[i]);
        CHECK(at != NULL);
        if (!at)
            fprintf(stderr, "missing %s in order\n", want[i]);
    }
    free(h);

    /* 4,000 equal headings: each id is the next suffix (a, a-2, ..., a-4000) */
    strbuf in = {0};
    for (int i = 0; i < 4000; i++)
        strbuf_put(&in, "## a\n\n");
    h = md(in.data, in.len, "en", &log, &p);
    CHECK(h != NULL);
    CHECK(h && strstr(h, "<h2 id=\"a-4000\">") != NULL);
    CHECK(h && strstr(h, "<h2 id=\"a-4001\">") == NULL);
    CHECK(h && strstr(h, "<h2 id=\"a-1\">") == NULL);
    free(h);
    strbuf_cleanup(&in);
}

/* A soft line break between two Chinese characters (ideographs, full-width punctuation,
 * —— and ……) joins the lines with nothing, since a browser would show the newline as a
 * space; next to Latin text, code or markup the newline stays. */
TEST(markdown_soft_break_between_chinese_characters_joins_the_lines)
{
    md_log log;
    int problems = -1;
    const char *src = "先关闭的一方，\n处于 LAST-ACK——\n对端的 FIN 到达，\n`ss` 显示\n"
                      "**固定**\n（内核常量）\nEnglish\ntext 中文\n中文 text\n";
    char *h = md(src, strlen(src), "zh-CN", &log, &problems);
    CHECK(h != NULL);
    CHECK_EQ_INT(problems, 0);
    CHECK(strstr(h,
                 "<p>先关闭的一方，处于 LAST-ACK——对端的 FIN 到达，\n<code>ss</code> 显示\n"
                 "<strong>固定</strong>\n（内核常量）\nEnglish\ntext 中文中文 text</p>") != NULL);
    free(h);
    const char *en = "one\ntwo\n";
    h = md(en, strlen(en), "en", &log, &problems);
    CHECK(h != NULL && strstr(h, "<p>one\ntwo</p>") != NULL);
    free(h);
}
