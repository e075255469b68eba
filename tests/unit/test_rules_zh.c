/* test_rules_zh.c — server/scenario/rules_zh: lookups, the table's order and form, and
 * coverage: every rule text the engine can emit has a Chinese text.
 *
 * How the engine's rules are found without changing the engine: the C sources in
 * server/engine/ are tokenised (comments, character constants and preprocessor lines
 * skipped; adjacent string literals joined, as the compiler joins them). A literal is a rule
 * text when it is
 *   (a) an argument of a function that takes a `const char *rule` parameter (found in the
 *       same sources: note, set_state, emit, send_ack, open_active today; a new helper with
 *       such a parameter is picked up by itself), including both arms of a ?: inside the
 *       call, or
 *   (b) the initialiser of a variable that is later assigned to a `rule` member
 *       (`st.rule = RULE_DROP`, `out->rule = fig7_quiet`).
 * No rule is formatted at run time (rules_zh.c says why); the built-in run below checks
 * that: every rule seen in a trace must be one of the scanned literals. Past that, every
 * scanned rule must have a translation and every table key must still be an engine rule
 * (a reworded rule leaves a stale key: that fails too).
 * Run from the repository root (as tests/run.sh does): the sources are read from there. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/engine/tcp.h"
#include "../../server/scenario/catalog.h"
#include "../../server/scenario/rules_zh.h"
#include "../../server/scenario/scenario_json.h"
#include "../../server/util/readall.h"
#include "testlib.h"

#define ENGINE_DIR "server/engine"

/* ---- a small C tokenizer --------------------------------------------------------------- */

typedef enum { T_IDENT, T_STRING, T_PUNCT } tok_kind;

typedef struct tok {
    tok_kind kind;
    char *text; /* identifier, joined string literal (escapes decoded), or one punctuator */
    int line;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

static void toks_push(toks *t, tok_kind kind, char *text, int line)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        if (!t->v)
            abort();
    }
    t->v[t->n++] = (tok){kind, text, line};
}

static void toks_free(toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].text);
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        abort();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Decodes the simple escapes a rule can use; anything else is kept as written. */
static size_t decode_escape(const char *p, char *out)
{
    switch (p[1]) {
    case 'n':
        *out = '\n';
        return 2;
    case 't':
        *out = '\t';
        return 2;
    case '"':
    case '\\':
    case '\'':
        *out = p[1];
        return 2;
    default:
        *out = p[0];
        return 1;
    }
}

/* Tokenises `src`; false (and a test failure naming file:line) on an unterminated token. */
static bool tokenize(const char *path, const char *src, toks *out)
{
    int line = 1;
    bool line_start = true;
    const char *p = src;
    while (*p) {
        if (*p == '\n') {
            line++;
            line_start = true;
            p++;
            continue;
        }
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e) {
                testlib_fail(__FILE__, __LINE__, "%s:%d: unterminated comment", path, line);
                return false;
            }
            for (; p < e; p++)
                line += *p == '\n';
            p = e + 2;
            continue;
        }
        if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (*p == '#' && line_start) { /* a preprocessor line, with its continuations */
            while (*p && !(*p == '\n' && p[-1] != '\\')) {
                line += *p == '\n';
                p++;
            }
            continue;
        }
        line_start = false;
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            if (!*p) {
                testlib_fail(__FILE__, __LINE__, "%s:%d: unterminated character constant", path,
                             line);
                return false;
            }
            p++;
            toks_push(out, T_PUNCT, dup_n("'", 1), line);
            continue;
        }
        if (*p == '"') {
            size_t len = strlen(p);
            char *s = malloc(len + 1);
            if (!s)
                abort();
            size_t n = 0;
            int at = line;
            p++;
            while (*p && *p != '"' && *p != '\n') {
                if (*p == '\\' && p[1])
                    p += decode_escape(p, &s[n++]);
                else
                    s[n++] = *p++;
            }
            if (*p != '"') {
                free(s);
                testlib_fail(__FILE__, __LINE__, "%s:%d: unterminated string literal", path, at);
                return false;
            }
            p++;
            s[n] = '\0';
            tok *last = out->n ? &out->v[out->n - 1] : NULL;
            if (last && last->kind == T_STRING) { /* adjacent literals are one string */
                size_t m = strlen(last->text);
                char *j = realloc(last->text, m + n + 1);
                if (!j)
                    abort();
                memcpy(j + m, s, n + 1);
                last->text = j;
                free(s);
            } else {
                toks_push(out, T_STRING, s, at);
            }
            continue;
        }
        if (isalnum((unsigned char)*p) || *p == '_') {
            const char *b = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            toks_push(out, T_IDENT, dup_n(b, (size_t)(p - b)), line);
            continue;
        }
        toks_push(out, T_PUNCT, dup_n(p, 1), line);
        p++;
    }
    return true;
}

static bool is_punct(const toks *t, size_t i, char c)
{
    return i < t->n && t->v[i].kind == T_PUNCT && t->v[i].text[0] == c;
}

static bool is_ident(const toks *t, size_t i, const char *name)
{
    return i < t->n && t->v[i].kind == T_IDENT && (!name || strcmp(t->v[i].text, name) == 0);
}

/* ---- names collected over all engine sources ---------------------------------------------- */

#define MAX_NAMES 64
#define MAX_RULES 512

typedef struct names {
    const char *v[MAX_NAMES];
    size_t n;
} names;

/* Is x one of v[0..n)? (for both lists below) */
static bool listed(const char *const *v, size_t n, const char *x)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], x) == 0)
            return true;
    return false;
}

static bool names_has(const names *s, const char *x)
{
    return listed(s->v, s->n, x);
}

static void names_add(names *s, const char *x)
{
    if (!names_has(s, x) && s->n < MAX_NAMES)
        s->v[s->n++] = x;
}

/* Functions defined with a `const char *rule` parameter: IDENT ( ... char * rule ... ) { */
static void find_sinks(const toks *t, names *sinks)
{
    int depth = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (is_punct(t, i, '{'))
            depth++;
        else if (is_punct(t, i, '}'))
            depth--;
        if (depth != 0 || !is_punct(t, i, '(') || i == 0 || !is_ident(t, i - 1, NULL))
            continue;
        int d = 0;
        bool has_rule = false;
        size_t j = i;
        for (; j < t->n; j++) {
            if (is_punct(t, j, '('))
                d++;
            else if (is_punct(t, j, ')') && --d == 0)
                break;
            if (is_ident(t, j, "char") && is_punct(t, j + 1, '*') && is_ident(t, j + 2, "rule"))
                has_rule = true;
        }
        if (has_rule && is_punct(t, j + 1, '{'))
            names_add(sinks, t->v[i - 1].text);
    }
}

/* Variables assigned to a rule member: `rule = NAME` */
static void find_rule_vars(const toks *t, names *vars)
{
    for (size_t i = 0; i + 2 < t->n; i++)
        if (is_ident(t, i, "rule") && is_punct(t, i + 1, '=') && is_ident(t, i + 2, NULL))
            names_add(vars, t->v[i + 2].text);
}

typedef struct rule_list {
    char *v[MAX_RULES];
    char where[MAX_RULES][96];
    size_t n;
} rule_list;

static bool rules_has(const rule_list *r, const char *x)
{
    return listed((const char *const *)r->v, r->n, x);
}

/* The rule literals of one file (see the file-top comment for (a) and (b)). */
static void find_rules(const char *path, const toks *t, const names *sinks, const names *vars,
                       rule_list *out)
{
    const char *stack[64];
    size_t sp = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (is_punct(t, i, '(')) {
            if (sp < 64)
                stack[sp] = i > 0 && is_ident(t, i - 1, NULL) ? t->v[i - 1].text : "";
            sp++;
            continue;
        }
        if (is_punct(t, i, ')')) {
            if (sp)
                sp--;
            continue;
        }
        if (t->v[i].kind != T_STRING)
            continue;
        bool rule = false;
        if (sp > 0 && sp <= 64 && names_has(sinks, stack[sp - 1])) {
            rule = true; /* (a) */
        } else if (sp == 0 && i >= 2 && is_punct(t, i - 1, '=')) {
            size_t k = i - 2; /* (b): NAME = "..." or NAME[] = "..." */
            if (is_punct(t, k, ']') && k >= 2 && is_punct(t, k - 1, '['))
                k -= 2;
            rule = is_ident(t, k, NULL) && names_has(vars, t->v[k].text);
        }
        if (rule && !rules_has(out, t->v[i].text) && out->n < MAX_RULES) {
            out->v[out->n] = strdup(t->v[i].text);
            snprintf(out->where[out->n], sizeof out->where[0], "%.80s:%d", path, t->v[i].line);
            out->n++;
        }
    }
}

static void rules_free(rule_list *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    r->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every rule literal in the engine sources (ENGINE_DIR, every .c file). false (with a failure) when
 * the sources cannot be read. */
static bool scan_engine(rule_list *out)
{
    out->n = 0;
    DIR *d = opendir(ENGINE_DIR);
    if (!d) {
        testlib_fail(__FILE__, __LINE__, "cannot open %s (run the tests from the repository root)",
                     ENGINE_DIR);
        return false;
    }
    char *files[64] = {0};
    size_t nf = 0;
    for (struct dirent *e; (e = readdir(d)) && nf < 64;) {
        size_t n = strlen(e->d_name);
        if (n > 2 && strcmp(e->d_name + n - 2, ".c") == 0)
            files[nf++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(files, nf, sizeof files[0], cmp_str);
    toks t[64];
    char paths[64][160];
    bool ok = true;
    names sinks = {.n = 0}, vars = {.n = 0};
    for (size_t i = 0; i < nf; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%.120s", ENGINE_DIR, files[i]);
        t[i] = (toks){0};
        const char *err = NULL;
        size_t len = 0;
        char *src = readall_path(paths[i], 4u << 20, &len, &err);
        if (!src) {
            testlib_fail(__FILE__, __LINE__, "%s: %s", paths[i], err);
            ok = false;
            continue;
        }
        ok = tokenize(paths[i], src, &t[i]) && ok;
        free(src);
        find_sinks(&t[i], &sinks);
        find_rule_vars(&t[i], &vars);
    }
    for (size_t i = 0; i < nf; i++)
        find_rules(paths[i], &t[i], &sinks, &vars, out);
    /* the scanner must still recognise the engine's shape */
    CHECK(names_has(&sinks, "note"));
    CHECK(names_has(&sinks, "set_state"));
    CHECK(names_has(&sinks, "emit"));
    CHECK(names_has(&vars, "RULE_DROP"));
    for (size_t i = 0; i < nf; i++) {
        toks_free(&t[i]);
        free(files[i]);
    }
    return ok;
}

/* ---- the tests ------------------------------------------------------------------------- */

static rule_list scanned; /* large: keep off the stack */

TEST(rules_zh_lookup_exact_match_only)
{
    const char *en = "RFC 9293 §3.10.7.3: SYN-SENT, acceptable ACK with SYN → IRS=SEG.SEQ, "
                     "RCV.NXT=SEG.SEQ+1, SND.UNA=SEG.ACK, enter ESTABLISHED, ACK the SYN,ACK";
    const char *zh = rules_zh_lookup(en);
    CHECK(zh != NULL);
    CHECK(zh && strstr(zh, "RFC 9293 §3.10.7.3") == zh);
    CHECK(zh && strstr(zh, "ESTABLISHED") && strstr(zh, "进入"));
    CHECK_EQ_STR(rules_zh_lookup("network: a crafted segment (scenario inject) arrives as if "
                                 "sent by the peer"),
                 "网络：一个伪造的报文段（场景中的 inject）到达，看起来就像是对端发来的");
    CHECK(rules_zh_lookup(NULL) == NULL);
    CHECK(rules_zh_lookup("") == NULL);
    CHECK(rules_zh_lookup("RFC 9293 §3.10.7.3") == NULL); /* a prefix of keys */
    CHECK(rules_zh_lookup("rfc 9293 §3.10.8: retransmission timeout → send the SYN again") ==
          NULL); /* case matters */
    /* the first and the last entries are reachable by the binary search */
    const char *first, *last;
    CHECK(rules_zh_at(0, &first, NULL));
    CHECK(rules_zh_at(rules_zh_count() - 1, &last, NULL));
    CHECK(rules_zh_lookup(first) != NULL);
    CHECK(rules_zh_lookup(last) != NULL);
    CHECK(!rules_zh_at(rules_zh_count(), &first, NULL));
}

TEST(rules_zh_table_sorted_unique_and_chinese)
{
    size_t n = rules_zh_count();
    CHECK(n >= 100);
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *en, *zh;
        CHECK(rules_zh_at(i, &en, &zh));
        if (prev && strcmp(prev, en) >= 0)
            testlib_fail(__FILE__, __LINE__,
                         "entry %zu is out of strcmp order (or repeated): \"%s\"", i, en);
        prev = en;
        CHECK_EQ_STR(rules_zh_lookup(en), zh);
        /* Chinese text: at least one CJK ideograph (UTF-8 lead byte 0xE4..0xE9) */
        bool cjk = false;
        for (const unsigned char *p = (const unsigned char *)zh; *p; p++)
            cjk = cjk || (*p >= 0xE4 && *p <= 0xE9);
        if (!cjk)
            testlib_fail(__FILE__, __LINE__, "the text for \"%s\" has no Chinese", en);
    }
}

/* Does `zh` contain `what`? Reports the entry when not. */
static void expect_kept(const char *en, const char *zh, const char *what, size_t n)
{
    char buf[256];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, what, n);
    buf[n] = '\0';
    if (!strstr(zh, buf))
        testlib_fail(__FILE__, __LINE__, "\"%s\"\n  drops \"%s\" in its Chinese text:\n  \"%s\"",
                     en, buf, zh);
}

static bool sec_char(char c)
{
    return isdigit((unsigned char)c) || c == '.';
}

/* The end of the section number that starts at e ("3.10.7.4"), a sentence's '.' left out. */
static const char *section_end(const char *e)
{
    while (sec_char(*e))
        e++;
    return e[-1] == '.' ? e - 1 : e;
}

/* What must survive translation verbatim: section references ("RFC 9293 §3.10.7.4",
 * "§3.9.1"), segment notation runs ("<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"), requirement
 * tags (MUST-11, SHLD-31, MAY-13) and every RFC state name. */
TEST(rules_zh_keeps_references_notation_and_state_names)
{
    for (size_t i = 0; i < rules_zh_count(); i++) {
        const char *en, *zh;
        rules_zh_at(i, &en, &zh);
        for (const char *p = en; *p; p++) {
            if (strncmp(p, "RFC ", 4) == 0 && isdigit((unsigned char)p[4])) {
                const char *e = p + 4;
                while (isdigit((unsigned char)*e))
                    e++;
                if (strncmp(e, " §", 3) == 0 && sec_char(e[3]))
                    e = section_end(e + 3);
                expect_kept(en, zh, p, (size_t)(e - p));
                p = e - 1;
            } else if (strncmp(p, "§", 2) == 0 && sec_char(p[2])) {
                const char *e = section_end(p + 2);
                expect_kept(en, zh, p, (size_t)(e - p));
                p = e - 1;
            } else if (*p == '<' && isupper((unsigned char)p[1])) {
                const char *e = p;
                while (*e == '<' && isupper((unsigned char)e[1])) {
                    const char *c = strchr(e, '>');
                    const char *sp = strchr(e, ' ');
                    if (!c || (sp && sp < c))
                        break;
                    e = c + 1;
                }
                if (e > p) {
                    expect_kept(en, zh, p, (size_t)(e - p));
                    p = e - 1;
                }
            } else if ((strncmp(p, "MUST-", 5) == 0 || strncmp(p, "SHLD-", 5) == 0 ||
                        strncmp(p, "MAY-", 4) == 0) &&
                       (p == en || !isalpha((unsigned char)p[-1]))) {
                const char *e = strchr(p, '-') + 1;
                while (isdigit((unsigned char)*e))
                    e++;
                expect_kept(en, zh, p, (size_t)(e - p));
                p = e - 1;
            }
        }
        for (int s = 0; s < TCP_STATE_COUNT; s++) {
            const char *name = tcp_state_name((tcp_state)s);
            if (strstr(en, name))
                expect_kept(en, zh, name, strlen(name));
        }
    }
}

TEST(rules_zh_covers_every_rule_in_the_engine_sources)
{
    if (!scan_engine(&scanned))
        return;
    /* today 102; a scanner that finds far fewer has lost track of the sources */
    if (scanned.n < 90)
        testlib_fail(__FILE__, __LINE__, "only %zu rule texts found in %s: the scanner is lost",
                     scanned.n, ENGINE_DIR);
    for (size_t i = 0; i < scanned.n; i++)
        if (!rules_zh_lookup(scanned.v[i]))
            testlib_fail(__FILE__, __LINE__,
                         "%s: rule without a Chinese text in server/scenario/rules_zh.c:\n  \"%s\"",
                         scanned.where[i], scanned.v[i]);
    for (size_t i = 0; i < rules_zh_count(); i++) {
        const char *en;
        rules_zh_at(i, &en, NULL);
        if (!rules_has(&scanned, en))
            testlib_fail(__FILE__, __LINE__,
                         "rules_zh.c has a text for a rule the engine no longer has:\n  \"%s\"",
                         en);
    }
    rules_free(&scanned);
}

static sim_scenario rz_sc;
static scenario_errors rz_errs;

TEST(rules_zh_covers_every_step_of_every_built_in)
{
    if (!scan_engine(&scanned))
        return;
    sim *s = sim_new();
    CHECK(s != NULL);
    size_t steps = 0;
    for (size_t c = 0; s && c < catalog_count(); c++) {
        const catalog_entry *e = catalog_at(c);
        sim_trace t;
        sim_trace_init(&t);
        char msg[256];
        if (scenario_parse(e->json, strlen(e->json), &rz_sc, &rz_errs) != 0 ||
            sim_run(s, &rz_sc, &t, msg, sizeof msg) != SIM_OK) {
            testlib_fail(__FILE__, __LINE__, "built-in %s does not run", e->name);
            sim_trace_cleanup(&t);
            continue;
        }
        for (size_t i = 0; i < t.count; i++, steps++) {
            const char *rule = t.steps[i].rule;
            if (!rule || !rules_zh_lookup(rule))
                testlib_fail(__FILE__, __LINE__, "%s step %zu: no Chinese text for \"%s\"", e->name,
                             i + 1, rule ? rule : "(null)");
            else if (!rules_has(&scanned, rule))
                testlib_fail(__FILE__, __LINE__,
                             "%s step %zu: rule \"%s\" is not a literal of the engine sources "
                             "(built at run time? see rules_zh.c)",
                             e->name, i + 1, rule);
        }
        sim_trace_cleanup(&t);
    }
    CHECK(steps > 100);
    sim_free(s);
    rules_free(&scanned);
}

/* The trace JSON with rule_zh: one "rule_zh" per step, right after "rule", equal to the
 * table's text; without the option the text has none (and is what it always was). */
TEST(rules_zh_in_trace_json_after_rule)
{
    const catalog_entry *e = catalog_find("handshake-and-close");
    CHECK(e != NULL);
    if (!e)
        return;
    sim_trace t;
    sim_trace_init(&t);
    sim *s = sim_new();
    CHECK(scenario_parse(e->json, strlen(e->json), &rz_sc, &rz_errs) == 0);
    CHECK(s && sim_run(s, &rz_sc, &t, NULL, 0) == SIM_OK);
    sim_free(s);
    json_t *plain = trace_to_json_full(&t, NULL);
    json_t *zh = trace_to_json_opts(&t, NULL, true);
    json_t *off = trace_to_json_opts(&t, NULL, false);
    CHECK(plain && zh && off && json_equal(plain, off));
    char *plain_text = plain ? json_dumps(plain, JSON_COMPACT) : NULL;
    CHECK(plain_text && !strstr(plain_text, "rule_zh"));
    json_t *steps = json_object_get(zh, "steps");
    CHECK_EQ_INT(json_array_size(steps), t.count);
    for (size_t i = 0; i < json_array_size(steps); i++) {
        json_t *st = json_array_get(steps, i);
        const char *key;
        json_t *v;
        const char *prev = NULL;
        bool after_rule = false;
        json_object_foreach(st, key, v)
        {
            if (!strcmp(key, "rule_zh"))
                after_rule = prev && !strcmp(prev, "rule");
            prev = key;
        }
        CHECK(after_rule);
        CHECK_EQ_STR(json_string_value(json_object_get(st, "rule_zh")),
                     rules_zh_lookup(json_string_value(json_object_get(st, "rule"))));
    }
    free(plain_text);
    json_decref(plain);
    json_decref(zh);
    json_decref(off);
    sim_trace_cleanup(&t);
}
