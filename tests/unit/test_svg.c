/*
 * test_svg.c — the SVG diagrams of server/lessons/svg.h: well-formed XML (a small
 * tag-balance checker), the expected arrows, labels, crosses and timers for the lost-syn
 * built-in, the Figure 5 diagram's visited states and edges, escaping, determinism.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lessons/svg.h"
#include "../../server/scenario/catalog.h"
#include "../../server/scenario/scenario_json.h"
#include "testlib.h"
#include "test_svg_xml.h"

static int run_builtin(const char *name, sim_trace *t)
{
    const catalog_entry *e = catalog_find(name);
    if (!e)
        return -1;
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = calloc(1, sizeof *errs);
    sim *s = sim_new();
    int rc = -1;
    if (sc && errs && s && scenario_parse(e->json, strlen(e->json), sc, errs) == 0 &&
        sim_run(s, sc, t, NULL, 0) == SIM_OK)
        rc = 0;
    sim_free(s);
    free(sc);
    free(errs);
    return rc;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void save(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "tests/out/%s", name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

TEST(svg_escape_all_specials)
{
    char *s = svg_escape("a<b>&\"c'\x01");
    CHECK_EQ_STR(s, "a&lt;b&gt;&amp;&quot;c&#39;");
    free(s);
    s = svg_escape("");
    CHECK_EQ_STR(s, "");
    free(s);
}

TEST(svg_flags_canonical_order)
{
    char b[32];
    svg_flags_text(TCP_ACK | TCP_SYN, b, sizeof b);
    CHECK_EQ_STR(b, "SYN,ACK");
    svg_flags_text(TCP_FIN | TCP_ACK, b, sizeof b);
    CHECK_EQ_STR(b, "ACK,FIN");
    svg_flags_text(0, b, sizeof b);
    CHECK_EQ_STR(b, "");
}

TEST(svg_ladder_lost_syn)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("lost-syn", &t) == 0);
    char *svg = svg_ladder(&t, "Lost <SYN> & co", "scn-1", "en");
    CHECK(svg != NULL);
    if (!svg) {
        sim_trace_cleanup(&t);
        return;
    }
    save("ladder-lost-syn.svg", svg);
    char why[200] = "";
    CHECK(xml_balanced(svg, why, sizeof why));
    if (why[0])
        printf("    %s\n", why);
    CHECK(strstr(svg, "role=\"img\"") != NULL);
    CHECK(strstr(svg, "<title id=\"scn-1-ladder-title\">Sequence diagram: Lost &lt;SYN&gt; &amp; "
                      "co</title>") != NULL);
    CHECK(strstr(svg, "<desc id=\"scn-1-ladder-desc\">") != NULL);
    CHECK(strstr(svg, " style=") == NULL);
    /* one group per step */
    CHECK_EQ_INT(count(svg, "class=\"tl-step "), t.count);
    char buf[64];
    snprintf(buf, sizeof buf, "data-step=\"%zu\"", t.count);
    CHECK(strstr(svg, buf) != NULL);
    /* the lost SYN: a cross, the retransmitted SYN dashed and labelled, the RTO marked */
    CHECK_EQ_INT(count(svg, "class=\"tl-cross\""), 1);
    CHECK(strstr(svg, "tl-segment tl-lost") != NULL);
    CHECK(strstr(svg, "tl-segment tl-retransmission") != NULL);
    CHECK(strstr(svg, "(retransmission)") != NULL);
    CHECK(strstr(svg, "class=\"tl-clock\"") != NULL);
    CHECK(strstr(svg, "retransmission timeout") != NULL);
    /* labels with flags and numbers, states where they change */
    CHECK(strstr(svg, ">SYN seq=") != NULL);
    CHECK(strstr(svg, ">SYN,ACK seq=") != NULL);
    CHECK(strstr(svg, ">SYN-SENT</text>") != NULL);
    CHECK(strstr(svg, ">ESTABLISHED</text>") != NULL);
    CHECK(strstr(svg, "class=\"tl-break\"") == NULL); /* 1 s RTO: no break */
    /* the RTO interval as a bracket with its length; no text smaller than 11 px */
    CHECK(strstr(svg, "<g class=\"tl-rto\" data-ms=\"1000\">") != NULL);
    CHECK(strstr(svg, ">RTO 1 s</text>") != NULL);
    CHECK(strstr(svg, "font-size=\"10\"") == NULL);
    /* deterministic */
    char *again = svg_ladder(&t, "Lost <SYN> & co", "scn-1", "en");
    CHECK(again && strcmp(svg, again) == 0);
    free(again);
    free(svg);
    sim_trace_cleanup(&t);
}

TEST(svg_ladder_every_builtin_well_formed)
{
    for (size_t i = 0; i < catalog_count(); i++) {
        const catalog_entry *e = catalog_at(i);
        sim_trace t;
        sim_trace_init(&t);
        CHECK(run_builtin(e->name, &t) == 0);
        for (int loc = 0; loc < 2; loc++) {
            char *svg = svg_ladder(&t, e->title, "x", loc ? "zh-CN" : "en");
            char *fig = svg_state_diagram(&t, "x", loc ? "zh-CN" : "en");
            char why[200] = "";
            CHECK(svg && xml_balanced(svg, why, sizeof why));
            if (why[0])
                printf("    %s ladder: %s\n", e->name, why);
            why[0] = '\0';
            CHECK(fig && xml_balanced(fig, why, sizeof why));
            if (why[0])
                printf("    %s fig5: %s\n", e->name, why);
            if (svg && fig && !loc) {
                char n[96];
                snprintf(n, sizeof n, "ladder-%s.svg", e->name);
                save(n, svg);
                snprintf(n, sizeof n, "fig5-%s.svg", e->name);
                save(n, fig);
            }
            free(svg);
            free(fig);
        }
        sim_trace_cleanup(&t);
    }
}

TEST(svg_ladder_time_wait_break)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("handshake-and-close", &t) == 0);
    char *svg = svg_ladder(&t, "hc", "a", "en");
    /* TIME-WAIT's 240 s idle stretch is compressed into a marked break */
    CHECK(svg && strstr(svg, "class=\"tl-break\" data-ms=\"2399") != NULL);
    CHECK(svg && strstr(svg, " s later …") != NULL);
    CHECK(svg && strstr(svg, ">TIME-WAIT</text>") != NULL);
    CHECK(svg && strstr(svg, "2MSL timer expires") != NULL);
    free(svg);
    sim_trace_cleanup(&t);
}

TEST(svg_ladder_rto_brackets_through_give_up)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("syn-retries-exhausted", &t) == 0);
    for (int loc = 0; loc < 2; loc++) {
        char *svg = svg_ladder(&t, "exhausted", "a", loc ? "zh-CN" : "en");
        CHECK(svg != NULL);
        if (!svg)
            break;
        /* every doubling interval has its bracket, the last one (after which the client gives
         * up instead of retransmitting) as well, in the give-up step's group */
        static const char *const ms[] = {"1000", "2000", "4000", "8000", "16000"};
        for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
            char want[64];
            snprintf(want, sizeof want, "tl-rto\" data-ms=\"%s\"", ms[i]);
            CHECK_EQ_INT(count(svg, want), 1);
        }
        CHECK_EQ_INT(count(svg, "<g class=\"tl-rto"), 6);
        CHECK_EQ_INT(count(svg, "<g class=\"tl-rto tl-rto-give-up\""), 1);
        CHECK_EQ_INT(count(svg, "class=\"tl-rto tl-rto-give-up\" data-ms=\"32000\""), 1);
        char last[32];
        snprintf(last, sizeof last, "data-step=\"%zu\"", t.count);
        const char *g = strstr(svg, last);
        CHECK(g && strstr(g, "tl-rto-give-up") != NULL);
        CHECK(strstr(svg, loc ? ">RTO 32 秒</text>" : ">RTO 32 s</text>") != NULL);
        CHECK(strstr(svg, loc ? ">超时：放弃连接</text>" : ">timeout: give up</text>") != NULL);
        free(svg);
    }
    sim_trace_cleanup(&t);
}

TEST(svg_ladder_injected_and_dropped_marks)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("old-duplicate-syn", &t) == 0);
    char *svg = svg_ladder(&t, "old", "a", "en");
    CHECK(svg && strstr(svg, "tl-segment tl-injected") != NULL);
    CHECK(svg && strstr(svg, ">injected SYN seq=") != NULL);
    free(svg);
    sim_trace_cleanup(&t);
}

TEST(svg_state_diagram_visited)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("handshake-and-close", &t) == 0);
    char *svg = svg_state_diagram(&t, "f", "en");
    CHECK(svg != NULL);
    if (!svg) {
        sim_trace_cleanup(&t);
        return;
    }
    save("fig5-handshake-and-close.svg", svg);
    char why[200] = "";
    CHECK(xml_balanced(svg, why, sizeof why));
    CHECK(strstr(svg, "<g class=\"tl-state tl-visited\" data-state=\"TIME-WAIT\">") != NULL);
    CHECK(strstr(svg, "<g class=\"tl-state tl-visited\" data-state=\"SYN-SENT\">") != NULL);
    CHECK(strstr(svg, "<g class=\"tl-state\" data-state=\"CLOSING\">") != NULL);
    CHECK(
        strstr(svg, "<g class=\"tl-edge tl-visited\" data-from=\"CLOSED\" data-to=\"SYN-SENT\">") !=
        NULL);
    CHECK(
        strstr(svg,
               "<g class=\"tl-edge tl-visited\" data-from=\"FIN-WAIT-2\" data-to=\"TIME-WAIT\">") !=
        NULL);
    CHECK(strstr(svg, "<g class=\"tl-edge\" data-from=\"SYN-SENT\" data-to=\"SYN-RECEIVED\">") !=
          NULL);
    CHECK(strstr(svg, ">rcv SYN,ACK<") != NULL);
    /* all 20 edges of Figure 5, 11 states (+ the second CLOSED) */
    CHECK(count(svg, "<g class=\"tl-edge") >= 20);
    CHECK_EQ_INT(count(svg, "<g class=\"tl-state"), 12);
    free(svg);
    sim_trace_cleanup(&t);
}

TEST(svg_state_diagram_offdiagram_reset)
{
    sim_trace t;
    sim_trace_init(&t);
    CHECK(run_builtin("abort-rst", &t) == 0);
    char *svg = svg_state_diagram(&t, "f", "zh-CN");
    CHECK(svg && strstr(svg, "tl-offdiagram tl-visited") != NULL);
    CHECK(svg && strstr(svg, "TCP 连接状态图") != NULL);
    free(svg);
    sim_trace_cleanup(&t);
}
