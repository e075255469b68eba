/*
 * test_catalog_i18n.c — the Simplified Chinese texts that come from C data: the built-in
 * catalog's title_zh / summary_zh (server/scenario/catalog.h), the Figure 5 state
 * descriptions' description_zh (server/engine/tcp_fig5.h), and their use in a zh-CN figure
 * (caption, state tooltips) and in the page head (favicon link).
 * Does not: judge the translation's wording; it checks that every text exists, is Chinese,
 * and keeps the English summary's facts (segments, section numbers, state names).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/engine/tcp.h"
#include "../../server/engine/tcp_fig5.h"
#include "../../server/lessons/figure.h"
#include "../../server/web/pages.h"
#include "../../server/scenario/catalog.h"
#include "testlib.h"

/* True if `s` is valid UTF-8 and holds at least one CJK Unified Ideograph (U+4E00–U+9FFF). */
static bool has_cjk(const char *s)
{
    if (!s)
        return false;
    bool cjk = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 2;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07;
            n = 3;
        } else {
            return false;
        }
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3F);
        }
        if (cp >= 0x4E00 && cp <= 0x9FFF)
            cjk = true;
    }
    return cjk;
}

/* Every "<SEQ=...>"-style segment field and every "§N.N" reference of `en` also occurs in
 * `zh`; on the first one missing, copies it to `missing` and returns false. */
static bool facts_kept(const char *en, const char *zh, char *missing, size_t n)
{
    for (const char *p = en; *p; p++) {
        size_t len = 0;
        if (*p == '<') {
            /* a segment field: "<" then no space and no "<" up to ">" ("=<" is not one) */
            size_t k = 1;
            while (p[k] && p[k] != '>' && p[k] != ' ' && p[k] != '<')
                k++;
            if (p[k] == '>' && k > 1)
                len = k + 1;
        } else if (!strncmp(p, "§", strlen("§"))) {
            len = strlen("§");
            while (p[len] && (p[len] == '.' || (p[len] >= '0' && p[len] <= '9')))
                len++;
            while (len && p[len - 1] == '.')
                len--;
        }
        if (!len)
            continue;
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)len, p);
        /* "§3.10" must not be satisfied by "§3.100" or "§3.10.7": the reference ends there. */
        bool found = false;
        for (const char *z = zh; (z = strstr(z, tok)); z++) {
            char a0 = z[len], a1 = a0 ? z[len + 1] : '\0';
            bool digit0 = a0 >= '0' && a0 <= '9', digit1 = a1 >= '0' && a1 <= '9';
            if (tok[0] == '<' || (!digit0 && !(a0 == '.' && digit1))) {
                found = true;
                break;
            }
        }
        if (!found) {
            snprintf(missing, n, "%s", tok);
            return false;
        }
    }
    return true;
}

TEST(catalog_zh_title_and_summary_for_every_builtin)
{
    CHECK_EQ_INT(catalog_count(), 20);
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        CHECK(e != NULL);
        if (!e)
            continue;
        if (!e->title_zh || !*e->title_zh || !has_cjk(e->title_zh))
            testlib_fail(__FILE__, __LINE__, "%s: title_zh missing or not Chinese", e->name);
        if (!e->summary_zh || !has_cjk(e->summary_zh) || strlen(e->summary_zh) < 100)
            testlib_fail(__FILE__, __LINE__, "%s: summary_zh missing or not Chinese", e->name);
        if (!e->title_zh || !e->summary_zh)
            continue;
        CHECK(strcmp(e->title_zh, e->title) != 0);
        /* Unique among the built-ins, as the English titles are. */
        for (size_t j = 0; j < i; j++)
            if (!strcmp(catalog_at(j)->title_zh, e->title_zh))
                testlib_fail(__FILE__, __LINE__, "%s and %s share the zh title \"%s\"",
                             catalog_at(j)->name, e->name, e->title_zh);
        /* Chinese text uses Chinese quotation marks, never a stray ASCII quote. */
        CHECK(strchr(e->summary_zh, '"') == NULL);
        char missing[64] = "";
        if (!facts_kept(e->summary, e->summary_zh, missing, sizeof missing))
            testlib_fail(__FILE__, __LINE__, "%s: summary_zh lacks \"%s\" of the English summary",
                         e->name, missing);
        /* Every RFC state name the English summary mentions is named (in English) too. */
        for (int s = 0; s < TCP_STATE_COUNT; s++) {
            const char *st = tcp_state_name((tcp_state)s);
            if (strstr(e->summary, st) && !strstr(e->summary_zh, st))
                testlib_fail(__FILE__, __LINE__, "%s: summary_zh does not name %s", e->name, st);
        }
    }
}

TEST(catalog_title_and_summary_follow_locale)
{
    const catalog_entry *e = catalog_find("lost-syn");
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_EQ_STR(catalog_title(e, "zh-CN"), "SYN 丢失");
    CHECK_EQ_STR(catalog_title(e, "en"), "Lost SYN");
    CHECK_EQ_STR(catalog_title(e, NULL), "Lost SYN");
    CHECK_EQ_STR(catalog_title(e, "zh"), "Lost SYN");
    CHECK(catalog_summary(e, "zh-CN") == e->summary_zh);
    CHECK(catalog_summary(e, "en") == e->summary);
    CHECK(catalog_summary(e, "fr") == e->summary);
}

TEST(fig5_every_state_has_zh_description)
{
    CHECK_EQ_INT(tcp_fig5_state_count, TCP_STATE_COUNT);
    for (size_t i = 0; i < tcp_fig5_state_count; i++) {
        const tcp_fig5_state *s = &tcp_fig5_states[i];
        if (!s->description_zh || !has_cjk(s->description_zh))
            testlib_fail(__FILE__, __LINE__, "%s: description_zh missing or not Chinese", s->name);
        if (s->description_zh)
            CHECK(strchr(s->description_zh, '"') == NULL);
    }
    /* The few English terms each description keeps. */
    CHECK(strstr(tcp_fig5_states[TCP_CLOSED].description_zh, "TCB") != NULL);
    CHECK(strstr(tcp_fig5_states[TCP_TIME_WAIT].description_zh, "2 MSL") != NULL);
}

TEST(figure_zh_caption_and_tooltips_are_chinese)
{
    char err[200] = "";
    char *zh = figure_render_block("lost-syn", 8, 1, "zh-CN", err, sizeof err);
    char *en = figure_render_block("lost-syn", 8, 1, "en", err, sizeof err);
    CHECK(zh != NULL);
    CHECK(en != NULL);
    if (zh && en) {
        CHECK(strstr(zh, "<figcaption>SYN 丢失</figcaption>") != NULL);
        CHECK(strstr(zh, "<figcaption>Lost SYN</figcaption>") == NULL);
        CHECK(strstr(zh, "时序图：SYN 丢失") != NULL);
        CHECK(strstr(en, "<figcaption>Lost SYN</figcaption>") != NULL);
        /* State tooltips: Chinese in zh-CN, English in en. */
        char want[512];
        snprintf(want, sizeof want, "<title>%s</title>",
                 tcp_fig5_states[TCP_SYN_SENT].description_zh);
        CHECK(strstr(zh, want) != NULL);
        CHECK(strstr(en, want) == NULL);
        snprintf(want, sizeof want, "<title>%s</title>", tcp_fig5_states[TCP_SYN_SENT].description);
        CHECK(strstr(en, want) != NULL);
        CHECK(strstr(zh, want) == NULL);
    } else {
        printf("    %s\n", err);
    }
    free(zh);
    free(en);

    /* An inline scenario keeps its own title in either language. */
    const char *src = "{\"title\": \"Lost SYN\", \"events\": ["
                      "{\"at_ms\": 0, \"endpoint\": \"server\", \"call\": \"listen\"}]}";
    char *in = figure_render_block(src, strlen(src), 1, "zh-CN", err, sizeof err);
    CHECK(in != NULL);
    if (in)
        CHECK(strstr(in, "<figcaption>Lost SYN</figcaption>") != NULL);
    free(in);
}

TEST(page_head_links_the_svg_favicon)
{
    char *page = pages_render("zh-CN", "x", "/", "home", NULL, "<p>x</p>");
    CHECK(page != NULL);
    if (page) {
        const char *icon =
            strstr(page, "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">");
        CHECK(icon != NULL);
        CHECK(icon && icon < strstr(page, "</head>"));
    }
    free(page);
}
