/*
 * test_figure.c — the scenario figure of dom.md (server/lessons/figure.h): built-in and
 * inline blocks, errors as one line, the parts of the figure, escaping.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lessons/figure.h"
#include "testlib.h"
#include "test_svg_xml.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

TEST(figure_builtin_block)
{
    char err[200] = "";
    const char *src = "  lost-syn\n";
    char *h = figure_render_block(src, strlen(src), 3, "en", err, sizeof err);
    CHECK(h != NULL);
    if (!h) {
        printf("    %s\n", err);
        return;
    }
    char why[200] = "";
    CHECK(xml_balanced(h, why, sizeof why));
    if (why[0])
        printf("    %s\n", why);
    const char *head =
        "<figure class=\"tl-scenario\" id=\"scn-3\" data-scenario=\"lost-syn\" data-steps=\"";
    CHECK(strncmp(h, head, strlen(head)) == 0);
    CHECK(strstr(h, "<div class=\"tl-ladder\"><svg") != NULL);
    CHECK(strstr(h, "<div class=\"tl-diagram\"><svg") != NULL);
    CHECK(strstr(h, "<div class=\"tl-player\" data-for=\"scn-3\"></div>") != NULL);
    CHECK(strstr(h, "<table class=\"tl-steps\">") != NULL);
    /* the table scrolls in a frame that takes the focus; rule text starts a sentence */
    CHECK(strstr(h, "<div class=\"tl-steps-frame\" tabindex=\"0\" role=\"region\" "
                    "aria-label=\"Lost SYN: steps as a table (scrolls)\"><table") != NULL);
    CHECK(strstr(h, "<td>Network: the segment is lost") != NULL);
    CHECK(strstr(h, "<td>network:") == NULL);
    CHECK(strstr(h, "<tr data-step=\"1\">") != NULL);
    CHECK(strstr(h, "<script type=\"application/json\" class=\"tl-trace\">{") != NULL);
    CHECK_EQ_INT(count(h, "</script>"), 1);
    CHECK(strstr(h, "id=\"scn-3-ladder-title\"") != NULL);
    /* the trace JSON inside the script parses and has as many steps as the table */
    const char *js = strstr(h, "class=\"tl-trace\">") + strlen("class=\"tl-trace\">");
    const char *end = strstr(js, "</script>");
    json_t *t = json_loadb(js, (size_t)(end - js), 0, NULL);
    CHECK(t && json_array_size(json_object_get(t, "steps")) == count(h, "<tr data-step="));
    json_decref(t);
    free(h);
}

TEST(figure_inline_block_and_escaping)
{
    char err[200] = "";
    const char *src = "{\"title\": \"</script><b>x</b> & co\", \"events\": ["
                      "{\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\"},"
                      "{\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"connect\"}]}";
    char *h = figure_render_block(src, strlen(src), 1, "zh-CN", err, sizeof err);
    CHECK(h != NULL);
    if (!h) {
        printf("    %s\n", err);
        return;
    }
    CHECK(strstr(h, "data-scenario=\"\"") != NULL);
    CHECK(strstr(h, "<figcaption>&lt;/script&gt;&lt;b&gt;x&lt;/b&gt; &amp; co</figcaption>") !=
          NULL);
    CHECK(strstr(h, "<b>") == NULL);
    CHECK_EQ_INT(count(h, "</script>"), 1);
    CHECK(strstr(h, "客户端") != NULL);
    char why[200] = "";
    CHECK(xml_balanced(h, why, sizeof why));
    free(h);
}

TEST(figure_block_errors)
{
    char err[200] = "";
    CHECK(figure_render_block("no-such", 7, 1, "en", err, sizeof err) == NULL);
    CHECK_EQ_STR(err, "unknown scenario \"no-such\"");
    CHECK(figure_render_block("  \n", 3, 1, "en", err, sizeof err) == NULL);
    CHECK(strstr(err, "empty scenario block") != NULL);
    CHECK(figure_render_block("Lost SYN!", 9, 1, "en", err, sizeof err) == NULL);
    CHECK(strstr(err, "neither a built-in name nor JSON") != NULL);
    CHECK(figure_render_block("{\"events\": [", 12, 1, "en", err, sizeof err) == NULL);
    CHECK(strstr(err, "scenario JSON: ") != NULL);
    const char *bad =
        "{\"events\": [{\"at_ms\": 0, \"endpoint\": \"client\", \"call\": \"connet\"}]}";
    CHECK(figure_render_block(bad, strlen(bad), 1, "en", err, sizeof err) == NULL);
    CHECK(strstr(err, "/events/0/call") != NULL);
    CHECK(strchr(err, '\n') == NULL);
}

TEST(figure_every_builtin)
{
    const char *names[] = {"handshake-and-close",   "simultaneous-open",
                           "simultaneous-close",    "connection-refused",
                           "half-open-discovery",   "old-duplicate-syn-passive",
                           "syn-retries-exhausted", "lost-final-ack"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char err[200] = "";
        char *h = figure_render_block(names[i], strlen(names[i]), (int)i, "en", err, sizeof err);
        CHECK(h != NULL);
        if (!h)
            printf("    %s: %s\n", names[i], err);
        char why[200] = "";
        CHECK(h && xml_balanced(h, why, sizeof why));
        if (why[0])
            printf("    %s: %s\n", names[i], why);
        free(h);
    }
}

/* zh-CN: the step table shows the Chinese rule, the trace JSON carries "rule_zh" beside the
 * English "rule"; en: neither. */
TEST(figure_rule_texts_in_chinese_on_zh_pages)
{
    char err[200] = "";
    const char *en_rule = "RFC 9293 §3.10.7.2: LISTEN, SYN → IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, "
                          "select ISS, send &lt;SEQ=ISS&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=SYN,ACK&gt;, "
                          "enter SYN-RECEIVED";
    char *zh = figure_render_block("handshake-and-close", 19, 1, "zh-CN", err, sizeof err);
    char *en = figure_render_block("handshake-and-close", 19, 1, "en", err, sizeof err);
    CHECK(zh != NULL && en != NULL);
    if (!zh || !en) {
        free(zh);
        free(en);
        return;
    }
    const char *table = strstr(zh, "<table class=\"tl-steps\">");
    const char *script = strstr(zh, "<script type=\"application/json\" class=\"tl-trace\">");
    CHECK(table && script && table < script);
    if (table && script) {
        char *rows = strndup(table, (size_t)(script - table));
        CHECK(rows && strstr(rows, "<td>RFC 9293 §3.10.7.2：LISTEN 状态下收到 SYN → ") != NULL);
        CHECK(rows && strstr(rows, en_rule) == NULL);
        CHECK(rows && strstr(rows, "lang=\"en\"") == NULL); /* every built-in rule has a text */
        free(rows);
        CHECK_EQ_INT(count(script, "\"rule_zh\":"), count(script, "\"rule\":"));
        CHECK(strstr(script, "\"rule\":\"RFC 9293 §3.10.7.2: LISTEN, SYN → ") != NULL);
    }
    CHECK(strstr(en, en_rule) != NULL);
    CHECK(strstr(en, "rule_zh") == NULL);
    CHECK(strstr(en, "状态下收到") == NULL);
    char why[200] = "";
    CHECK(xml_balanced(zh, why, sizeof why));
    free(zh);
    free(en);
}

/* The steps table shows the acknowledgment number only where the ACK flag gives it a meaning
 * (RFC 9293 §3.1): a SYN's field is "–", the SYN,ACK's is its number. */
TEST(figure_steps_table_ack_column_only_with_the_ack_flag)
{
    char err[200] = "";
    const char *src = "handshake-and-close\n";
    char *h = figure_render_block(src, strlen(src), 1, "en", err, sizeof err);
    CHECK(h != NULL);
    if (!h)
        return;
    CHECK(strstr(h, "<td>SYN</td><td>100</td><td title=\"no ACK flag: the field is not used\">"
                    "–</td><td>0</td>") != NULL);
    CHECK(strstr(h, "<td>SYN,ACK</td><td>300</td><td>101</td><td>0</td>") != NULL);
    free(h);
    h = figure_render_block(src, strlen(src), 1, "zh-CN", err, sizeof err);
    CHECK(h && strstr(h, "title=\"没有 ACK 标志，这个字段不起作用\">–</td>") != NULL);
    free(h);
}
