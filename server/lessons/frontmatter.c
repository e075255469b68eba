/*
 * frontmatter.c — splits off and validates a lesson's YAML front matter with libyaml's
 * event parser. Owns the schema in frontmatter.h. Does not: read files, know scenarios.
 * Anchors, aliases and tags are not part of the schema; aliases are refused.
 */
#include "frontmatter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct fm_ctx {
    frontmatter *fm;
    frontmatter_report_fn report;
    void *rctx;
    int first_line; /* file line of the YAML text's first line */
    int errors;
    bool syntax_error; /* missing keys are not reported after one */
    int depth;         /* open lists and mappings */
    int nodes;         /* scalars, lists and mappings read so far */
} fm_ctx;

static void fail(fm_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(fm_ctx *c, int line, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->errors++;
    if (c->report)
        c->report(c->rctx, line, msg);
}

static int ev_line(const fm_ctx *c, const yaml_event_t *ev)
{
    return c->first_line + (int)ev->start_mark.line;
}

/* Length of the line starting at text[i] (without its \n) and whether it is a `---`
 * delimiter (trailing spaces and \r allowed). */
static bool is_delim(const char *text, size_t len, size_t i, size_t *next)
{
    size_t e = i;
    while (e < len && text[e] != '\n')
        e++;
    *next = e < len ? e + 1 : e;
    size_t n = e - i;
    while (n > 0 && (text[i + n - 1] == ' ' || text[i + n - 1] == '\t' || text[i + n - 1] == '\r'))
        n--;
    return n == 3 && !memcmp(text + i, "---", 3);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static const char *ev_name(yaml_event_type_t t)
{
    switch (t) {
    case YAML_SEQUENCE_START_EVENT:
        return "a list";
    case YAML_MAPPING_START_EVENT:
        return "a mapping";
    case YAML_SCALAR_EVENT:
        return "a scalar";
    case YAML_ALIAS_EVENT:
        return "an alias";
    default:
        return "nothing";
    }
}

/* Next event; on a parser error, or past FRONTMATTER_MAX_DEPTH / FRONTMATTER_MAX_NODES,
 * reports it and returns false (then `ev` holds nothing to delete). */
static bool next(fm_ctx *c, yaml_parser_t *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev)) {
        yaml_event_type_t t = ev->type;
        if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
            c->depth--;
        if (t != YAML_SEQUENCE_START_EVENT && t != YAML_MAPPING_START_EVENT &&
            t != YAML_SCALAR_EVENT && t != YAML_ALIAS_EVENT)
            return true;
        bool deep =
            t != YAML_SCALAR_EVENT && t != YAML_ALIAS_EVENT && ++c->depth > FRONTMATTER_MAX_DEPTH;
        bool many = ++c->nodes > FRONTMATTER_MAX_NODES;
        if (!deep && !many)
            return true;
        c->syntax_error = true;
        if (deep)
            fail(c, ev_line(c, ev),
                 "front matter: lists and mappings nested deeper than %d levels (the limit)",
                 FRONTMATTER_MAX_DEPTH);
        else
            fail(c, ev_line(c, ev), "front matter: more than %d YAML nodes (the limit)",
                 FRONTMATTER_MAX_NODES);
        yaml_event_delete(ev);
        return false;
    }
    c->syntax_error = true;
    fail(c, c->first_line + (int)p->problem_mark.line, "front matter: YAML: %s%s%s",
         p->problem ? p->problem : "syntax error", p->context ? " " : "",
         p->context ? p->context : "");
    return false;
}

/* Skips the rest of a node whose start event `ev` was just read (and deleted). */
static bool skip_node(fm_ctx *c, yaml_parser_t *p, yaml_event_type_t start)
{
    if (start != YAML_SEQUENCE_START_EVENT && start != YAML_MAPPING_START_EVENT)
        return true;
    int depth = 1;
    while (depth > 0) {
        yaml_event_t ev;
        if (!next(c, p, &ev))
            return false;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (ev.type == YAML_STREAM_END_EVENT)
            depth = 0;
        yaml_event_delete(&ev);
    }
    return true;
}

/* A string value: one scalar. Returns false only on a parser error. */
static bool read_string(fm_ctx *c, yaml_parser_t *p, const char *key, char **out)
{
    yaml_event_t ev;
    if (!next(c, p, &ev))
        return false;
    int line = ev_line(c, &ev);
    yaml_event_type_t t = ev.type;
    if (t == YAML_SCALAR_EVENT) {
        free(*out);
        *out = dup_n((const char *)ev.data.scalar.value, ev.data.scalar.length);
        if (ev.data.scalar.length == 0 || strspn(*out, " \t") == ev.data.scalar.length)
            fail(c, line, "front matter: \"%s\" must not be empty", key);
        yaml_event_delete(&ev);
        return true;
    }
    yaml_event_delete(&ev);
    fail(c, line, "front matter: \"%s\" must be a string, not %s", key, ev_name(t));
    return skip_node(c, p, t);
}

static bool read_list(fm_ctx *c, yaml_parser_t *p, const char *key, char ***items, size_t *count)
{
    yaml_event_t ev;
    if (!next(c, p, &ev))
        return false;
    int line = ev_line(c, &ev);
    yaml_event_type_t t = ev.type;
    yaml_event_delete(&ev);
    if (t != YAML_SEQUENCE_START_EVENT) {
        fail(c, line, "front matter: \"%s\" must be a list of strings, not %s", key, ev_name(t));
        return skip_node(c, p, t);
    }
    for (;;) {
        if (!next(c, p, &ev))
            return false;
        line = ev_line(c, &ev);
        t = ev.type;
        if (t == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return true;
        }
        if (t == YAML_SCALAR_EVENT) {
            if (ev.data.scalar.length == 0) {
                fail(c, line, "front matter: \"%s\" has an empty item", key);
            } else if (*count >= 64) {
                fail(c, line, "front matter: \"%s\" has more than 64 items", key);
            } else {
                char **grown = realloc(*items, (*count + 1) * sizeof **items);
                char *s = dup_n((const char *)ev.data.scalar.value, ev.data.scalar.length);
                if (!grown || !s) {
                    free(s);
                    if (grown)
                        *items = grown;
                    fail(c, line, "front matter: out of memory");
                } else {
                    *items = grown;
                    (*items)[(*count)++] = s;
                }
            }
            yaml_event_delete(&ev);
            continue;
        }
        yaml_event_delete(&ev);
        fail(c, line, "front matter: items of \"%s\" must be strings, not %s", key, ev_name(t));
        if (t == YAML_STREAM_END_EVENT || !skip_node(c, p, t))
            return false;
    }
}

static bool read_order(fm_ctx *c, yaml_parser_t *p, int *out)
{
    yaml_event_t ev;
    if (!next(c, p, &ev))
        return false;
    int line = ev_line(c, &ev);
    yaml_event_type_t t = ev.type;
    if (t == YAML_SCALAR_EVENT) {
        const char *v = (const char *)ev.data.scalar.value;
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        bool digits = ev.data.scalar.length > 0 && v[0] >= '0' && v[0] <= '9';
        if (ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !digits || *end || errno || n < 1 ||
            n > 9999)
            fail(c, line, "front matter: \"order\" must be an integer from 1 to 9999, not \"%s\"",
                 v);
        else
            *out = (int)n;
        yaml_event_delete(&ev);
        return true;
    }
    yaml_event_delete(&ev);
    fail(c, line, "front matter: \"order\" must be an integer, not %s", ev_name(t));
    return skip_node(c, p, t);
}

/* The `quiz` mapping: {mode: practice|exam, attempts: N, decay: D}. attempts and decay
 * only mean something for an exam (given for practice they are an error). */
static bool read_quiz(fm_ctx *c, yaml_parser_t *p, int key_line)
{
    frontmatter *fm = c->fm;
    yaml_event_t ev;
    if (!next(c, p, &ev))
        return false;
    int line = ev_line(c, &ev);
    yaml_event_type_t t = ev.type;
    yaml_event_delete(&ev);
    if (t != YAML_MAPPING_START_EVENT) {
        fail(c, line, "front matter: \"quiz\" must be a mapping {mode, attempts, decay}, not %s",
             ev_name(t));
        return skip_node(c, p, t);
    }
    bool have_mode = false, practice = false;
    int attempts = 0, attempts_line = 0, decay_line = 0;
    double decay = -1;
    for (;;) {
        if (!next(c, p, &ev))
            return false;
        line = ev_line(c, &ev);
        t = ev.type;
        if (t == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        char key[64] = "";
        if (t == YAML_SCALAR_EVENT)
            snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
        if (t != YAML_SCALAR_EVENT) {
            fail(c, line, "front matter: quiz: keys must be plain names, not %s", ev_name(t));
            if (!skip_node(c, p, t) || !next(c, p, &ev))
                return false;
            t = ev.type;
            yaml_event_delete(&ev);
            if (!skip_node(c, p, t))
                return false;
            continue;
        }
        if (!next(c, p, &ev))
            return false;
        int vline = ev_line(c, &ev);
        t = ev.type;
        if (t != YAML_SCALAR_EVENT) {
            yaml_event_delete(&ev);
            fail(c, vline, "front matter: quiz.%s must be a scalar, not %s", key, ev_name(t));
            if (!skip_node(c, p, t))
                return false;
            continue;
        }
        const char *v = (const char *)ev.data.scalar.value;
        bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        char *end = NULL;
        errno = 0;
        if (!strcmp(key, "mode")) {
            practice = !strcmp(v, "practice");
            if (practice)
                fm->quiz_mode = FRONTMATTER_QUIZ_PRACTICE;
            else if (!strcmp(v, "exam"))
                fm->quiz_mode = FRONTMATTER_QUIZ_EXAM;
            else
                fail(c, vline,
                     "front matter: quiz.mode must be \"practice\" or \"exam\", not "
                     "\"%s\"",
                     v);
            have_mode = true;
        } else if (!strcmp(key, "attempts")) {
            long n = strtol(v, &end, 10);
            attempts_line = vline;
            if (!plain || !*v || *v < '0' || *v > '9' || *end || errno || n < 1 || n > 100)
                fail(c, vline,
                     "front matter: quiz.attempts must be an integer from 1 to 100, "
                     "not \"%s\"",
                     v);
            else
                attempts = (int)n;
        } else if (!strcmp(key, "decay")) {
            double d = strtod(v, &end);
            decay_line = vline;
            if (!plain || !*v || ((*v < '0' || *v > '9') && *v != '.') || *end || errno ||
                !(d >= 0 && d <= 1))
                fail(c, vline,
                     "front matter: quiz.decay must be a number from 0 to 1, not "
                     "\"%s\"",
                     v);
            else
                decay = d;
        } else {
            fail(c, line,
                 "front matter: quiz: unknown key \"%s\" (allowed: mode, attempts, "
                 "decay)",
                 key);
        }
        yaml_event_delete(&ev);
    }
    if (!have_mode)
        fail(c, key_line, "front matter: quiz: missing key \"mode\" (practice or exam)");
    if (practice) {
        if (attempts_line)
            fail(c, attempts_line, "front matter: quiz.attempts is only for mode: exam");
        if (decay_line)
            fail(c, decay_line, "front matter: quiz.decay is only for mode: exam");
    } else if (fm->quiz_mode == FRONTMATTER_QUIZ_EXAM) {
        fm->quiz_attempts = attempts ? attempts : FRONTMATTER_EXAM_ATTEMPTS;
        fm->quiz_decay = decay >= 0 ? decay : FRONTMATTER_EXAM_DECAY;
    }
    return true;
}

enum { K_TITLE, K_SUMMARY, K_ORDER, K_TAGS, K_LOCALE, K_SCENARIOS, K_QUIZ, K_COUNT };
static const char *const key_names[K_COUNT] = {"title",  "summary",   "order", "tags",
                                               "locale", "scenarios", "quiz"};

static void parse_yaml(fm_ctx *c, const char *yaml, size_t len, int closing_line)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fail(c, c->first_line, "front matter: out of memory");
        return;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
    int seen[K_COUNT] = {0};
    yaml_event_t ev;
    bool ok = next(c, &p, &ev); /* STREAM-START */
    if (ok)
        yaml_event_delete(&ev);
    ok = ok && next(c, &p, &ev);
    if (ok && ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        ok = false; /* empty front matter: every key is reported missing below */
    } else if (ok) {
        yaml_event_delete(&ev); /* DOCUMENT-START */
        ok = next(c, &p, &ev);
        if (ok && ev.type != YAML_MAPPING_START_EVENT) {
            if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
                /* only comments: an empty document */
            } else {
                fail(c, ev_line(c, &ev), "front matter: must be a mapping of keys, not %s",
                     ev_name(ev.type));
            }
            yaml_event_delete(&ev);
            ok = false;
        } else if (ok) {
            yaml_event_delete(&ev);
        }
    }
    while (ok) {
        ok = next(c, &p, &ev);
        if (!ok)
            break;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            /* a second document would be a syntax error in front matter */
            if (next(c, &p, &ev)) {
                if (ev.type != YAML_DOCUMENT_END_EVENT)
                    fail(c, ev_line(c, &ev), "front matter: unexpected content");
                yaml_event_delete(&ev);
            }
            break;
        }
        int line = ev_line(c, &ev);
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_event_type_t t = ev.type;
            yaml_event_delete(&ev);
            fail(c, line, "front matter: keys must be plain names, not %s", ev_name(t));
            ok = skip_node(c, &p, t) && next(c, &p, &ev);
            if (ok) {
                t = ev.type;
                yaml_event_delete(&ev);
                ok = skip_node(c, &p, t);
            }
            continue;
        }
        char key[64];
        snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
        int k = 0;
        while (k < K_COUNT && strcmp(key, key_names[k]))
            k++;
        if (k < K_COUNT && seen[k]) {
            fail(c, line, "front matter: duplicate key \"%s\" (first on line %d)", key, seen[k]);
        }
        if (k == K_COUNT) {
            fail(c, line,
                 "front matter: unknown key \"%s\" (allowed: title, summary, order, tags, "
                 "locale, scenarios, quiz)",
                 key);
            ok = next(c, &p, &ev);
            if (ok) {
                yaml_event_type_t t = ev.type;
                yaml_event_delete(&ev);
                ok = skip_node(c, &p, t);
            }
            continue;
        }
        if (!seen[k])
            seen[k] = line;
        frontmatter *fm = c->fm;
        switch (k) {
        case K_TITLE:
            ok = read_string(c, &p, key, &fm->title);
            break;
        case K_SUMMARY:
            ok = read_string(c, &p, key, &fm->summary);
            break;
        case K_ORDER:
            ok = read_order(c, &p, &fm->order);
            break;
        case K_TAGS:
            ok = read_list(c, &p, key, &fm->tags, &fm->tag_count);
            break;
        case K_SCENARIOS:
            fm->scenarios_line = line;
            ok = read_list(c, &p, key, &fm->scenarios, &fm->scenario_count);
            break;
        case K_QUIZ:
            fm->quiz_line = line;
            ok = read_quiz(c, &p, line);
            break;
        case K_LOCALE:
            fm->locale_line = line;
            ok = read_string(c, &p, key, &fm->locale);
            if (ok && fm->locale && strcmp(fm->locale, "en") && strcmp(fm->locale, "zh-CN"))
                fail(c, line, "front matter: \"locale\" must be \"en\" or \"zh-CN\", not \"%s\"",
                     fm->locale);
            break;
        }
    }
    yaml_parser_delete(&p);
    for (int k = 0; k < K_COUNT; k++)
        if (!seen[k] && k != K_SCENARIOS && k != K_QUIZ && !c->syntax_error)
            fail(c, closing_line, "front matter: missing key \"%s\"", key_names[k]);
}

int frontmatter_parse(const char *text, size_t len, frontmatter *fm, size_t *body_offset,
                      int *body_line, frontmatter_report_fn report, void *ctx)
{
    memset(fm, 0, sizeof *fm);
    fm_ctx c = {fm, report, ctx, 2, 0, false, 0, 0};
    size_t pos;
    if (len == 0 || !is_delim(text, len, 0, &pos)) {
        fail(&c, 1, "front matter: the file must start with a line \"---\"");
        return -1;
    }
    size_t yaml_start = pos;
    int line = 2;
    while (pos < len) {
        size_t after;
        if (is_delim(text, len, pos, &after)) {
            parse_yaml(&c, text + yaml_start, pos - yaml_start, line);
            *body_offset = after;
            *body_line = line + 1;
            return c.errors ? -1 : 0;
        }
        pos = after;
        line++;
    }
    fail(&c, 1, "front matter: no closing \"---\" line");
    return -1;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void frontmatter_cleanup(frontmatter *fm)
{
    if (!fm)
        return;
    free(fm->title);
    free(fm->summary);
    free(fm->locale);
    free_list(fm->tags, fm->tag_count);
    free_list(fm->scenarios, fm->scenario_count);
    memset(fm, 0, sizeof *fm);
}
