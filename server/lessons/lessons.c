/*
 * lessons.c — reading, validating and rendering lesson files; the loaded, ordered set.
 * Owns: struct lessons_set, file-level checks, the fence callback that turns ```scenario
 * and ```quiz blocks into figures and questions, link resolution for `tcplab check`.
 * Does not: draw figures or parse quiz YAML itself (figure.h, quiz.h), serve pages.
 */
#include "lessons.h"
#include "../util/utf8.h"

#include <assert.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../scenario/catalog.h"
#include "figure.h"
#include "frontmatter.h"
#include "i18n.h"
#include "markdown.h"

/* Per-lesson bounds on the fenced blocks (docs/lessons.md); a lesson past one is refused
 * with a problem naming the limit and the block's line. The bundled lessons have at most 5
 * figures, 1 quiz block and ~160 KB of block HTML each. */
#define LESSON_MAX_FIGURES     32                   /* ```scenario blocks */
#define LESSON_MAX_QUIZ_BLOCKS 16                   /* ```quiz blocks */
#define LESSON_MAX_BLOCK_HTML  (4u * 1024u * 1024u) /* HTML of all those blocks together */

typedef struct lesson_priv {
    lesson pub; /* first: a lesson* is a lesson_priv* */
    char *path;
    char slug[64];
    frontmatter fm;
    char *html;
    char **scenario_srcs; /* each ```scenario block's trimmed source, in order */
    size_t scenario_src_count;
    atomic_int gens; /* generations holding this lesson (lessons_from_texts reuse) */
    int64_t tag;     /* lessons_text.tag it was parsed from; 0: none */
} lesson_priv;

/* One immutable generation of lessons. */
typedef struct lessons_gen {
    lesson_priv **items[2]; /* [0] en, [1] zh-CN; sorted by (order, slug) */
    size_t count[2];
    long pins;                        /* readers pinned while it was current (swap_lock) */
    struct lessons_gen *retired_next; /* the next younger retired generation */
} lessons_gen;

/* The set handed to handlers is a handle on the current generation.
 *
 * Thread safety of lessons_swap (authoring saves while pages are served): readers load
 * `cur` once per call with acquire ordering and only ever see a complete, immutable
 * generation. A swap publishes a fully built generation with one release store and puts
 * the old one at the end of the `retired` list (oldest first) instead of freeing it at
 * once: a reader may still hold `const lesson *` pointers into it. Readers that keep such
 * pointers across calls (every request handler) pin the set first (lessons_pin_take):
 * the pin is counted on the generation current at that moment. A reader pinned on
 * generation G may afterwards have looked up any generation that became current after G,
 * so a retired generation is freed only when no pin is left on it or on any older
 * generation: reclaim walks the retired list from the oldest and frees until the first
 * one still pinned (retired generations cannot gain pins, being no longer current).
 * Reclaiming runs on every swap and every pin drop. All of this is under `swap_lock`,
 * which also serialises swappers; the lock-free path is the lookups themselves.
 * lessons_from_texts shares every unchanged lesson (same tag) with the previous
 * generation (counted in lesson_priv.gens), so a generation costs its pointer arrays plus
 * the versions of the lessons edited since. A set that has never been swapped needs no
 * pins (its one generation lives until lessons_free); after a swap, an unpinned lookup is
 * a programming error, caught by an assert in debug builds. */
struct lessons_set {
    _Atomic(lessons_gen *) cur;
    pthread_mutex_t swap_lock;
    lessons_gen *retired;       /* oldest first */
    lessons_gen **retired_tail; /* where the next retired generation is linked */
    atomic_ulong swaps;
};

/* Pins held by this thread (for the assert in gen_of only). */
static _Thread_local long thread_pins;

static const lessons_gen *gen_load(const lessons_set *s)
{
    return atomic_load_explicit(&((lessons_set *)s)->cur, memory_order_acquire);
}

/* The current generation, for a reader (see the pinning rule above). */
static const lessons_gen *gen_of(const lessons_set *s)
{
    assert(thread_pins > 0 ||
           atomic_load_explicit(&((lessons_set *)s)->swaps, memory_order_relaxed) == 0);
    return gen_load(s);
}

static int locale_index(const char *locale)
{
    return (locale && !strcmp(locale, I18N_ZH_CN)) ? 1 : 0;
}

bool lessons_slug_valid(const char *s, size_t n)
{
    if (!s || n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

bool lessons_split_name(const char *path, char *slug_out, size_t slug_size, const char **locale_out)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    const char *locale;
    size_t slug_len;
    if (n > 9 && !strcmp(base + n - 9, ".zh-CN.md")) {
        locale = I18N_ZH_CN;
        slug_len = n - 9;
    } else if (n > 3 && !strcmp(base + n - 3, ".md")) {
        locale = I18N_EN;
        slug_len = n - 3;
    } else {
        return false;
    }
    if (!lessons_slug_valid(base, slug_len) || slug_len >= slug_size)
        return false;
    memcpy(slug_out, base, slug_len);
    slug_out[slug_len] = 0;
    if (locale_out)
        *locale_out = locale;
    return true;
}

/* ------------------------------------------------------------ one file */

typedef struct parse_ctx {
    const char *path;
    const lessons_parse_options *opt;
    lessons_report_fn report;
    void *rctx;
    int problems;
    bool fatal;
    lesson_priv *l;
    int figure_no;
    int quiz_blocks;
    size_t block_html; /* bytes of HTML the fenced blocks produced so far */
    char dir[512];
    struct anchor {
        char *frag;
        int line;
    } * anchors; /* same-page "#frag" links, checked after rendering */
    size_t anchor_count;
} parse_ctx;

static void problem(parse_ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(parse_ctx *c, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problems++;
    if (c->report)
        c->report(c->rctx, c->path, line, msg);
}

static void fm_report(void *ctx, int line, const char *msg)
{
    parse_ctx *c = ctx;
    c->problems++;
    if (c->report)
        c->report(c->rctx, c->path, line, msg);
}

static void md_report(void *ctx, int line, const char *msg)
{
    fm_report(ctx, line, msg);
}

static bool file_exists(const char *path, bool want_dir)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* Resolves a relative reference against /lessons/<slug> (RFC 3986 §5.2, paths only) into
 * out; query and fragment are dropped. */
static void resolve_path(const char *url, char *out, size_t out_size)
{
    char tmp[1024];
    size_t n = strcspn(url, "?#");
    if (url[0] == '/')
        snprintf(tmp, sizeof tmp, "%.*s", (int)n, url);
    else if (n == 0)
        snprintf(tmp, sizeof tmp, "/lessons/");
    else
        snprintf(tmp, sizeof tmp, "/lessons/%.*s", (int)n, url);
    /* remove dot segments */
    char *segs[128];
    size_t count = 0;
    bool trailing = tmp[strlen(tmp) - 1] == '/';
    char *save = NULL;
    for (char *s = strtok_r(tmp, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (!strcmp(s, "."))
            continue;
        if (!strcmp(s, "..")) {
            if (count)
                count--;
            continue;
        }
        if (count < 128)
            segs[count++] = s;
    }
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < count && o + 1 < out_size; i++)
        o += (size_t)snprintf(out + o, out_size - o, "/%s", segs[i]);
    if (count == 0 || (trailing && o + 1 < out_size))
        snprintf(out + o, out_size - o, "/");
    if (o >= out_size)
        out[out_size - 1] = 0;
}

static void link_cb(void *ctx, const char *url, int line, bool is_image)
{
    parse_ctx *c = ctx;
    if (!c->opt || !c->opt->check_links || !markdown_url_allowed(url))
        return; /* disallowed schemes are reported by the renderer */
    size_t scheme = strcspn(url, ":/?#");
    if (url[scheme] == ':')
        return; /* http, https, mailto: not fetched */
    if (url[0] == '#') {
        struct anchor *g = realloc(c->anchors, (c->anchor_count + 1) * sizeof *g);
        if (g) {
            c->anchors = g;
            c->anchors[c->anchor_count].frag = strdup(url + 1);
            c->anchors[c->anchor_count].line = line;
            if (c->anchors[c->anchor_count].frag)
                c->anchor_count++;
        }
        return;
    }
    if (!strncmp(url, "//", 2))
        return;
    char p[1024];
    resolve_path(url, p, sizeof p);
    const char *what = is_image ? "image" : "link";
    if (!strcmp(p, "/") || !strcmp(p, "/lessons") || !strcmp(p, "/lessons/") ||
        !strcmp(p, "/playground") || !strcmp(p, "/capture"))
        return;
    if (!strncmp(p, "/lessons/", 9)) {
        const char *slug = p + 9;
        size_t sl = strlen(slug);
        if (sl && slug[sl - 1] == '/')
            sl--;
        bool ok = sl > 0 && sl < 64 && !memchr(slug, '/', sl);
        char file[1200];
        if (ok) {
            snprintf(file, sizeof file, "%s/%.*s.md", c->dir, (int)sl, slug);
            ok = file_exists(file, false);
            if (!ok) {
                snprintf(file, sizeof file, "%s/%.*s.zh-CN.md", c->dir, (int)sl, slug);
                ok = file_exists(file, false);
            }
        }
        if (!ok)
            problem(c, line, "%s \"%s\": there is no lesson \"%.*s\" in %s", what, url, (int)sl,
                    slug, c->dir);
        return;
    }
    if (!strncmp(p, "/static/", 8) && strlen(p) > 8) {
        if (!c->opt->static_dir)
            return;
        char file[1200];
        snprintf(file, sizeof file, "%s/%s", c->opt->static_dir, p + 8);
        if (!file_exists(file, false))
            problem(c, line, "%s \"%s\": no file %s", what, url, file);
        return;
    }
    problem(c, line,
            "%s \"%s\" does not resolve (relative links may point to /, /lessons, "
            "/lessons/SLUG, /playground, /capture or /static/FILE)",
            what, url);
}

/* The HTML of one ```scenario / ```quiz block, or NULL after reporting why (see fence_cb). */
/* The FIGURE_* flags of a ```scenario block's options ("large": the state diagram starts
 * large); -1 after reporting an unknown word. */
static int scenario_flags(parse_ctx *c, const char *opts, int body_line)
{
    unsigned flags = 0;
    for (const char *p = opts; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (!n)
            break;
        if (n == 5 && !strncmp(p, "large", 5)) {
            flags |= FIGURE_DIAGRAM_LARGE;
        } else {
            problem(c, body_line - 1,
                    "scenario block: unknown option \"%.*s\" after ```scenario (known: large)",
                    (int)(n > 40 ? 40 : n), p);
            return -1;
        }
        p += n;
    }
    return (int)flags;
}

static char *fence_block(parse_ctx *c, const char *lang, const char *opts, const char *body,
                         size_t len, int body_line, char *err, size_t err_size)
{
    lesson_priv *l = c->l;
    if (!strcmp(lang, "scenario")) {
        int flags = scenario_flags(c, opts, body_line);
        if (flags < 0) {
            c->fatal = true;
            return NULL;
        }
        if (++c->figure_no > LESSON_MAX_FIGURES) {
            if (c->figure_no == LESSON_MAX_FIGURES + 1)
                problem(c, body_line - 1,
                        "scenario block: more than %d scenario figures in one lesson (the "
                        "limit)",
                        LESSON_MAX_FIGURES);
            c->fatal = true;
            return NULL;
        }
        size_t b = 0, e = len;
        while (b < e && (body[b] == ' ' || body[b] == '\n' || body[b] == '\t' || body[b] == '\r'))
            b++;
        while (e > b && (body[e - 1] == ' ' || body[e - 1] == '\n' || body[e - 1] == '\t' ||
                         body[e - 1] == '\r'))
            e--;
        if (b == e) {
            problem(c, body_line - 1, "scenario block is empty (give a built-in name or JSON)");
            c->fatal = true;
            return NULL;
        }
        char **g = realloc(l->scenario_srcs, (l->scenario_src_count + 1) * sizeof *g);
        if (g) {
            l->scenario_srcs = g;
            l->scenario_srcs[l->scenario_src_count] = strndup(body + b, e - b);
            if (l->scenario_srcs[l->scenario_src_count])
                l->scenario_src_count++;
        }
        char *html = figure_render_block_flags(body + b, e - b, c->figure_no, l->pub.locale,
                                               (unsigned)flags, err, err_size);
        if (!html) {
            problem(c, body_line - 1, "scenario block: %s", err[0] ? err : "cannot be rendered");
            c->fatal = true;
        }
        return html;
    }
    /* quiz */
    if (++c->quiz_blocks > LESSON_MAX_QUIZ_BLOCKS) {
        if (c->quiz_blocks == LESSON_MAX_QUIZ_BLOCKS + 1)
            problem(c, body_line - 1,
                    "quiz block: more than %d quiz blocks in one lesson (the limit)",
                    LESSON_MAX_QUIZ_BLOCKS);
        c->fatal = true;
        return NULL;
    }
    size_t before = l->pub.quiz.count;
    if (quiz_parse_block(body, len, &l->pub.quiz, err, err_size) != 0) {
        int rel = 0, consumed = 0;
        const char *msg = err;
        if (sscanf(err, "line %d: %n", &rel, &consumed) == 1 && consumed > 0) {
            msg = err + consumed;
            problem(c, body_line + rel - 1, "quiz: %s", msg);
        } else {
            problem(c, body_line - 1, "quiz: %s", err[0] ? err : "cannot be parsed");
        }
        c->fatal = true;
        return NULL;
    }
    strbuf out = {0};
    strbuf_put(&out, "<section class=\"tl-quiz\">\n");
    for (size_t i = before; i < l->pub.quiz.count; i++) {
        const quiz_question *q = l->pub.quiz.items[i];
        const char *id = quiz_question_id(q);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(quiz_question_id(l->pub.quiz.items[k]), id)) {
                problem(c, body_line + quiz_question_line(q) - 1,
                        "quiz: question id \"%s\" is used twice in this lesson", id);
                c->fatal = true;
            }
        int qline = body_line + quiz_question_line(q) - 1;
        if (c->opt && c->opt->check_quiz && quiz_check_question(q, err, err_size) != 0)
            problem(c, qline, "quiz question \"%s\": %s", id, err);
        char gid[160];
        snprintf(gid, sizeof gid, "%s.%s", l->slug, id);
        char *h = quiz_render_question(q, gid, l->pub.locale);
        if (h) {
            strbuf_put(&out, h);
            strbuf_put(&out, "\n");
            free(h);
        } else {
            problem(c, body_line - 1, "quiz question \"%s\": cannot be rendered", id);
        }
    }
    strbuf_put(&out, "</section>");
    return strbuf_take(&out);
}

static char *fence_cb(void *ctx, const char *lang, const char *opts, const char *body, size_t len,
                      int body_line)
{
    parse_ctx *c = ctx;
    char err[512] = "";
    if (c->block_html > LESSON_MAX_BLOCK_HTML)
        return NULL; /* reported when it was passed */
    char *html = fence_block(c, lang, opts, body, len, body_line, err, sizeof err);
    if (html) {
        c->block_html += strlen(html);
        if (c->block_html > LESSON_MAX_BLOCK_HTML) {
            problem(c, body_line - 1,
                    "%s block: the scenario figures and quizzes of one lesson make more than "
                    "%u MiB of HTML (the limit) by this block",
                    lang, LESSON_MAX_BLOCK_HTML / (1024u * 1024u));
            c->fatal = true;
            free(html);
            html = NULL;
        }
    }
    return html;
}

static char *read_file(parse_ctx *c, size_t *len_out, const char *mem, size_t mem_len)
{
    if (mem) {
        if (mem_len > MARKDOWN_MAX_BYTES) {
            problem(c, 1, "text is %zu bytes; the limit is %u bytes (1 MiB)", mem_len,
                    MARKDOWN_MAX_BYTES);
            return NULL;
        }
        char *copy = malloc(mem_len + 1);
        if (!copy) {
            problem(c, 1, "out of memory");
            return NULL;
        }
        memcpy(copy, mem, mem_len);
        copy[mem_len] = 0;
        *len_out = mem_len;
        return copy;
    }
    FILE *f = fopen(c->path, "rb");
    if (!f) {
        problem(c, 1, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        problem(c, 1, "not a regular file");
        fclose(f);
        return NULL;
    }
    if ((unsigned long long)st.st_size > MARKDOWN_MAX_BYTES) {
        problem(c, 1, "file is %lld bytes; the limit is %u bytes (1 MiB)", (long long)st.st_size,
                MARKDOWN_MAX_BYTES);
        fclose(f);
        return NULL;
    }
    char *buf = malloc(MARKDOWN_MAX_BYTES + 2);
    if (!buf) {
        problem(c, 1, "out of memory");
        fclose(f);
        return NULL;
    }
    size_t n = fread(buf, 1, MARKDOWN_MAX_BYTES + 1, f);
    bool rerr = ferror(f);
    fclose(f);
    if (rerr) {
        problem(c, 1, "read error");
        free(buf);
        return NULL;
    }
    if (n > MARKDOWN_MAX_BYTES) {
        problem(c, 1, "file is larger than %u bytes (1 MiB)", MARKDOWN_MAX_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len_out = n;
    return buf;
}

static int line_at(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

void lessons_lesson_free(lesson *pub)
{
    if (!pub)
        return;
    lesson_priv *l = (lesson_priv *)pub;
    quiz_set_cleanup(&l->pub.quiz);
    frontmatter_cleanup(&l->fm);
    for (size_t i = 0; i < l->scenario_src_count; i++)
        free(l->scenario_srcs[i]);
    free(l->scenario_srcs);
    free(l->html);
    free(l->path);
    free(l);
}

static lesson *parse_lesson(const char *path, const char *mem, size_t mem_len,
                            const lessons_parse_options *opt, lessons_report_fn report, void *ctx,
                            int *problems)
{
    parse_ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.opt = opt;
    c.report = report;
    c.rctx = ctx;
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(c.dir, sizeof c.dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(c.dir, sizeof c.dir, ".");
    if (slash == path)
        snprintf(c.dir, sizeof c.dir, "/");

    lesson_priv *l = calloc(1, sizeof *l);
    char *text = NULL;
    if (!l) {
        problem(&c, 1, "out of memory");
        goto fail;
    }
    c.l = l;
    l->path = strdup(path);
    const char *locale = NULL;
    if (!lessons_split_name(path, l->slug, sizeof l->slug, &locale)) {
        problem(&c, 1,
                "file name must be SLUG.md (English) or SLUG.zh-CN.md (Chinese), SLUG made of "
                "a-z, 0-9 and -");
        goto fail;
    }
    l->pub.slug = l->slug;
    l->pub.locale = locale;
    l->pub.path = l->path;

    size_t len = 0;
    text = read_file(&c, &len, mem, mem_len);
    if (!text)
        goto fail;
    const char *nul = memchr(text, 0, len);
    if (nul) {
        problem(&c, line_at(text, (size_t)(nul - text)), "NUL byte in a lesson file");
        goto fail;
    }
    size_t bad = utf8_invalid_at(text, len);
    if (bad < len) {
        problem(&c, line_at(text, bad), "invalid UTF-8 (byte 0x%02x)", (unsigned char)text[bad]);
        goto fail;
    }
    size_t body_off = 0;
    int body_line = 1;
    int fm_rc = frontmatter_parse(text, len, &l->fm, &body_off, &body_line, fm_report, &c);
    if (fm_rc != 0 && body_off == 0)
        goto fail; /* no front matter at all: the body cannot be located */
    if (fm_rc != 0)
        c.fatal = true;
    if (l->fm.locale && strcmp(l->fm.locale, locale))
        problem(&c, l->fm.locale_line ? l->fm.locale_line : 1,
                "locale \"%s\" does not match the file name (which says \"%s\")", l->fm.locale,
                locale);
    for (size_t i = 0; i < l->fm.scenario_count; i++)
        if (!catalog_find(l->fm.scenarios[i]))
            problem(&c, l->fm.scenarios_line, "scenarios: \"%s\" is not a built-in scenario",
                    l->fm.scenarios[i]);
    l->pub.title = l->fm.title ? l->fm.title : l->slug;
    l->pub.summary = l->fm.summary ? l->fm.summary : "";
    l->pub.order = l->fm.order;
    l->pub.tags = (const char *const *)l->fm.tags;
    l->pub.tag_count = l->fm.tag_count;
    l->pub.quiz_mode = (int)l->fm.quiz_mode;
    l->pub.quiz_attempts = l->fm.quiz_attempts;
    l->pub.quiz_decay = l->fm.quiz_decay;

    static const char *const langs[] = {"scenario", "quiz", NULL};
    markdown_options mo;
    memset(&mo, 0, sizeof mo);
    mo.locale = locale;
    mo.first_line = body_line;
    mo.fence_langs = langs;
    mo.fence = fence_cb;
    mo.fence_ctx = &c;
    mo.link = link_cb;
    mo.link_ctx = &c;
    mo.report = md_report;
    mo.report_ctx = &c;
    int md_problems = 0;
    l->html = markdown_render(text + body_off, len - body_off, &mo, &md_problems);
    if (!l->html) {
        if (!md_problems)
            problem(&c, body_line, "out of memory rendering the body");
        goto fail;
    }
    l->pub.html = l->html;
    for (size_t i = 0; i < c.anchor_count; i++) {
        char needle[300];
        snprintf(needle, sizeof needle, " id=\"%s\"", c.anchors[i].frag);
        if (c.anchors[i].frag[0] && !strstr(l->html, needle))
            problem(&c, c.anchors[i].line, "link \"#%s\": no heading or element with that id",
                    c.anchors[i].frag);
    }
    free(text);
    for (size_t i = 0; i < c.anchor_count; i++)
        free(c.anchors[i].frag);
    free(c.anchors);
    c.anchors = NULL;
    c.anchor_count = 0;
    if (problems)
        *problems = c.problems;
    if (c.fatal) {
        lessons_lesson_free(&l->pub);
        return NULL;
    }
    return &l->pub;
fail:
    free(text);
    for (size_t i = 0; i < c.anchor_count; i++)
        free(c.anchors[i].frag);
    free(c.anchors);
    if (l)
        lessons_lesson_free(&l->pub);
    if (problems)
        *problems = c.problems;
    return NULL;
}

lesson *lessons_parse_file(const char *path, const lessons_parse_options *opt,
                           lessons_report_fn report, void *ctx, int *problems)
{
    return parse_lesson(path, NULL, 0, opt, report, ctx, problems);
}

lesson *lessons_parse_text(const char *name, const char *text, size_t len,
                           const lessons_parse_options *opt, lessons_report_fn report, void *ctx,
                           int *problems)
{
    return parse_lesson(name, text ? text : "", text ? len : 0, opt, report, ctx, problems);
}

/* ------------------------------------------------------------ the set */

static int cmp_lesson(const void *a, const void *b)
{
    const lesson *x = *(const lesson *const *)a, *y = *(const lesson *const *)b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void warn_report(void *ctx, const char *path, int line, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "warning: %s:%d: %s\n", path, line, msg);
}

static const lesson *gen_find(const lessons_gen *s, const char *slug, const char *locale);

static void gen_free(lessons_gen *g)
{
    if (!g)
        return;
    for (int li = 0; li < 2; li++) {
        for (size_t i = 0; i < g->count[li]; i++)
            if (atomic_fetch_sub(&g->items[li][i]->gens, 1) == 1)
                lessons_lesson_free(&g->items[li][i]->pub);
        free(g->items[li]);
    }
    free(g);
}

static void gen_add(lessons_gen *s, lesson *l)
{
    atomic_fetch_add(&((lesson_priv *)l)->gens, 1);
    int li = locale_index(l->locale);
    lesson_priv **g = realloc(s->items[li], (s->count[li] + 1) * sizeof *g);
    if (!g) {
        if (atomic_fetch_sub(&((lesson_priv *)l)->gens, 1) == 1)
            lessons_lesson_free(l);
        return;
    }
    s->items[li] = g;
    s->items[li][s->count[li]++] = (lesson_priv *)l;
}

/* Sorts the generation and wraps it in a set (taking it over). */
static lessons_set *set_of(lessons_gen *g, char *err, size_t err_size)
{
    for (int li = 0; li < 2; li++)
        if (g->count[li])
            qsort(g->items[li], g->count[li], sizeof *g->items[li], cmp_lesson);
    lessons_set *s = calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->swap_lock, NULL) != 0) {
        free(s);
        gen_free(g);
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    atomic_init(&s->cur, g);
    atomic_init(&s->swaps, 0);
    s->retired_tail = &s->retired;
    return s;
}

lessons_set *lessons_load(const char *dir, char *err, size_t err_size)
{
    if (!dir) {
        snprintf(err, err_size, "no lessons folder given");
        return NULL;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, err_size, "cannot read lessons folder %s: %s", dir, strerror(errno));
        return NULL;
    }
    lessons_gen *s = calloc(1, sizeof *s);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while (s && (e = readdir(d)) != NULL) {
        char slug[64];
        if (e->d_name[0] == '.' || !lessons_split_name(e->d_name, slug, sizeof slug, NULL))
            continue;
        char **g = realloc(names, (n + 1) * sizeof *g);
        if (!g)
            break;
        names = g;
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (!s) {
        snprintf(err, err_size, "out of memory");
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return NULL;
    }
    qsort(names, n, sizeof *names, cmp_str);
    lessons_parse_options opt = {NULL, false, false};
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        lesson *l = lessons_parse_file(path, &opt, warn_report, NULL, NULL);
        if (!l) {
            fprintf(stderr, "warning: %s: lesson skipped\n", path);
            continue;
        }
        gen_add(s, l);
    }
    free(names);
    return set_of(s, err, err_size);
}

void lessons_free(lessons_set *s)
{
    if (!s)
        return;
    gen_free(atomic_load(&s->cur));
    for (lessons_gen *g = s->retired, *next; g; g = next) {
        next = g->retired_next;
        gen_free(g);
    }
    pthread_mutex_destroy(&s->swap_lock);
    free(s);
}

lessons_set *lessons_from_texts(const lessons_text *texts, size_t n, const lessons_set *reuse,
                                char *err, size_t err_size)
{
    /* the swapper itself, serialised with other swaps: `reuse` stays current meanwhile */
    const lessons_gen *prev = reuse ? gen_load(reuse) : NULL;
    lessons_gen *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    lessons_parse_options opt = {NULL, false, false};
    for (size_t i = 0; i < n; i++) {
        char slug[64];
        const char *locale = NULL;
        const lesson *old = NULL;
        if (texts[i].tag && prev && lessons_split_name(texts[i].name, slug, sizeof slug, &locale))
            old = gen_find(prev, slug, locale);
        if (old && ((const lesson_priv *)old)->tag == texts[i].tag) {
            gen_add(g, (lesson *)old); /* unchanged: shared, not parsed again */
            continue;
        }
        lesson *l = lessons_parse_text(texts[i].name, texts[i].text, texts[i].len, &opt,
                                       warn_report, NULL, NULL);
        if (l)
            ((lesson_priv *)l)->tag = texts[i].tag;
        if (!l) {
            fprintf(stderr, "warning: %s: lesson skipped\n", texts[i].name);
            continue;
        }
        gen_add(g, l);
    }
    return set_of(g, err, err_size);
}

/* Frees the retired generations no pin can reach (see struct lessons_set). Under
 * swap_lock. */
static void reclaim(lessons_set *s)
{
    while (s->retired && s->retired->pins == 0) {
        lessons_gen *g = s->retired;
        s->retired = g->retired_next;
        if (!s->retired)
            s->retired_tail = &s->retired;
        gen_free(g);
    }
}

void lessons_swap(lessons_set *live, lessons_set *fresh)
{
    if (!live || !fresh)
        return;
    pthread_mutex_lock(&live->swap_lock);
    lessons_gen *g = atomic_exchange(&fresh->cur, NULL);
    lessons_gen *old = atomic_exchange_explicit(&live->cur, g, memory_order_acq_rel);
    atomic_fetch_add_explicit(&live->swaps, 1, memory_order_relaxed);
    if (old) {
        old->retired_next = NULL;
        *live->retired_tail = old;
        live->retired_tail = &old->retired_next;
    }
    reclaim(live);
    pthread_mutex_unlock(&live->swap_lock);
    lessons_free(fresh);
}

const lessons_pin *lessons_pin_take(const lessons_set *set)
{
    if (!set)
        return NULL;
    lessons_set *s = (lessons_set *)set;
    pthread_mutex_lock(&s->swap_lock);
    lessons_gen *g = atomic_load_explicit(&s->cur, memory_order_relaxed);
    if (g)
        g->pins++;
    pthread_mutex_unlock(&s->swap_lock);
    if (!g)
        return NULL;
    thread_pins++;
    return (const lessons_pin *)g;
}

void lessons_pin_drop(const lessons_set *set, const lessons_pin *pin)
{
    if (!set || !pin)
        return;
    lessons_set *s = (lessons_set *)set;
    lessons_gen *g = (lessons_gen *)pin;
    pthread_mutex_lock(&s->swap_lock);
    assert(g->pins > 0);
    g->pins--;
    reclaim(s);
    pthread_mutex_unlock(&s->swap_lock);
    thread_pins--;
}

size_t lessons_retired_count(const lessons_set *set)
{
    if (!set)
        return 0;
    lessons_set *s = (lessons_set *)set;
    size_t n = 0;
    pthread_mutex_lock(&s->swap_lock);
    for (const lessons_gen *g = s->retired; g; g = g->retired_next)
        n++;
    pthread_mutex_unlock(&s->swap_lock);
    return n;
}

static const lesson *gen_find(const lessons_gen *s, const char *slug, const char *locale)
{
    if (!s || !slug || !i18n_locale_canonical(locale))
        return NULL;
    int li = locale_index(i18n_locale_canonical(locale));
    for (size_t i = 0; i < s->count[li]; i++)
        if (!strcmp(s->items[li][i]->slug, slug))
            return &s->items[li][i]->pub;
    return NULL;
}

const lesson *lessons_find(const lessons_set *set, const char *slug, const char *locale)
{
    return set ? gen_find(gen_of(set), slug, locale) : NULL;
}

size_t lessons_count(const lessons_set *set, const char *locale)
{
    const lessons_gen *s = set ? gen_of(set) : NULL;
    if (!s || !i18n_locale_canonical(locale))
        return 0;
    return s->count[locale_index(i18n_locale_canonical(locale))];
}

const lesson *lessons_at(const lessons_set *set, const char *locale, size_t i)
{
    const lessons_gen *s = set ? gen_of(set) : NULL;
    if (!s || !i18n_locale_canonical(locale))
        return NULL;
    int li = locale_index(i18n_locale_canonical(locale));
    return i < s->count[li] ? &s->items[li][i]->pub : NULL;
}

size_t lessons_list(const lessons_set *set, const char *locale, const lesson **out, size_t max)
{
    const lessons_gen *s = set ? gen_of(set) : NULL;
    if (!s)
        return 0;
    const char *loc = i18n_locale_canonical(locale);
    if (!loc)
        loc = I18N_EN;
    int li = locale_index(loc), oi = 1 - li;
    size_t total = 0;
    /* merge two sorted lists; the other locale only for slugs missing in ours */
    size_t a = 0, b = 0;
    while (a < s->count[li] || b < s->count[oi]) {
        const lesson *x = a < s->count[li] ? &s->items[li][a]->pub : NULL;
        const lesson *y = NULL;
        while (b < s->count[oi]) {
            y = &s->items[oi][b]->pub;
            if (!gen_find(s, y->slug, loc))
                break;
            y = NULL;
            b++;
        }
        const lesson *pick;
        if (x && (!y || cmp_lesson(&x, &y) <= 0)) {
            pick = x;
            a++;
        } else if (y) {
            pick = y;
            b++;
        } else {
            break;
        }
        if (total < max)
            out[total] = pick;
        total++;
    }
    return total;
}

const quiz_question *lessons_find_question(const lessons_set *set, const char *global_id,
                                           const char *locale)
{
    return lessons_find_question_in(set, global_id, locale, NULL);
}

const quiz_question *lessons_find_question_in(const lessons_set *set, const char *global_id,
                                              const char *locale, const lesson **lesson_out)
{
    if (lesson_out)
        *lesson_out = NULL;
    const lessons_gen *s = set ? gen_of(set) : NULL;
    if (!s || !global_id)
        return NULL;
    const char *dot = strchr(global_id, '.');
    if (!dot || dot == global_id || (size_t)(dot - global_id) >= 64)
        return NULL;
    char slug[64];
    memcpy(slug, global_id, (size_t)(dot - global_id));
    slug[dot - global_id] = 0;
    const char *loc = i18n_locale_canonical(locale);
    if (!loc)
        loc = I18N_EN;
    const char *order[2] = {loc, i18n_other_locale(loc)};
    for (int k = 0; k < 2; k++) {
        const lesson *l = gen_find(s, slug, order[k]);
        if (!l)
            continue;
        for (size_t i = 0; i < l->quiz.count; i++)
            if (!strcmp(quiz_question_id(l->quiz.items[i]), dot + 1)) {
                if (lesson_out)
                    *lesson_out = l;
                return l->quiz.items[i];
            }
    }
    return NULL;
}

int lessons_compare_locales(const lesson *en, const lesson *zh, char *err, size_t err_size)
{
    const lesson_priv *a = (const lesson_priv *)en, *b = (const lesson_priv *)zh;
    if (strcmp(en->slug, zh->slug)) {
        snprintf(err, err_size, "different lessons (\"%s\" and \"%s\")", en->slug, zh->slug);
        return -1;
    }
    if (en->order != zh->order) {
        snprintf(err, err_size, "order is %d in %s but %d in %s", en->order, en->locale, zh->order,
                 zh->locale);
        return -1;
    }
    if (a->scenario_src_count != b->scenario_src_count) {
        snprintf(err, err_size, "%zu scenario blocks in %s but %zu in %s", a->scenario_src_count,
                 en->locale, b->scenario_src_count, zh->locale);
        return -1;
    }
    for (size_t i = 0; i < a->scenario_src_count; i++)
        if (strcmp(a->scenario_srcs[i], b->scenario_srcs[i])) {
            snprintf(err, err_size, "scenario block %zu differs (\"%.40s\" vs \"%.40s\")", i + 1,
                     a->scenario_srcs[i], b->scenario_srcs[i]);
            return -1;
        }
    if (en->quiz_mode != zh->quiz_mode || en->quiz_attempts != zh->quiz_attempts ||
        en->quiz_decay != zh->quiz_decay) {
        snprintf(err, err_size, "quiz mode differs: %s/%d/%g in %s but %s/%d/%g in %s",
                 en->quiz_mode ? "exam" : "practice", en->quiz_attempts, en->quiz_decay, en->locale,
                 zh->quiz_mode ? "exam" : "practice", zh->quiz_attempts, zh->quiz_decay,
                 zh->locale);
        return -1;
    }
    char qerr[400];
    if (quiz_sets_equivalent(&en->quiz, &zh->quiz, qerr, sizeof qerr) != 0) {
        snprintf(err, err_size, "quiz differs: %s", qerr);
        return -1;
    }
    return 0;
}
