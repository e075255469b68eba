/*
 * markdown.c — lesson Markdown → HTML with md4c's parser callbacks (see markdown.h).
 * Owns: the renderer state machine, URL filtering, heading ids, call-outs, the fence
 * pre-scan that finds unterminated fences.
 * Does not: interpret ```scenario / ```quiz blocks (the caller's fence callback does).
 */
#include "markdown.h"

#include "../util/entity.h"
#include "../util/strbuf.h"
#include "../util/utf8.h"

#include <md4c.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

/* ------------------------------------------------------------------ checks */

bool markdown_url_allowed(const char *url)
{
    if (!url)
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    size_t i = strcspn(url, ":/?#");
    if (url[i] != ':')
        return true; /* relative reference: no scheme */
    if (i == 0)
        return false;
    if (i == 4 && !strncasecmp(url, "http", 4))
        return true;
    if (i == 5 && !strncasecmp(url, "https", 5))
        return true;
    if (i == 6 && !strncasecmp(url, "mailto", 6))
        return true;
    return false;
}

static bool url_has_scheme(const char *url)
{
    return url[strcspn(url, ":/?#")] == ':';
}

/* ------------------------------------------------------------------ renderer */

#define MAX_NEST 64
#define MD_PAD   16 /* NUL bytes after the private copy of the input */

typedef struct fence_info {
    int open_line;
    bool closed;
} fence_info;

typedef struct quote_frame {
    size_t pos; /* output offset of "<blockquote>" */
    bool callout;
    bool child_seen;
} quote_frame;

typedef struct renderer {
    strbuf out;
    size_t softbr_end; /* out.len just after the last soft line break written, or 0 */
    const char *doc;
    size_t doc_len;
    const markdown_options *opt;
    const char *locale;
    int first_line;
    int problems;
    size_t *line_starts;
    size_t line_count;
    size_t last_off;

    fence_info *fences;
    size_t fence_count;
    size_t fence_seen; /* fenced code blocks met so far */

    /* code block */
    bool in_code, code_fenced, code_has_off;
    size_t code_off;
    char code_lang[40];
    char code_opts[MARKDOWN_FENCE_OPTS_MAX + 1]; /* the info string after the language */
    strbuf code;
    int code_fence_index;

    /* heading */
    bool in_heading;
    unsigned h_level;
    size_t h_pos;
    strbuf htext;
    struct id_entry *ids; /* open-addressing hash table, id_cap slots (a power of 2) */
    size_t id_count, id_cap;

    /* spans */
    bool link_emitted[MAX_NEST];
    int link_depth;
    int img_kind[MAX_NEST]; /* 1: <img> alt attribute being written; 2: blocked image */
    int img_depth;
    int alt_depth;     /* images whose alt text is being written as an attribute */
    int img_nest_over; /* spans past MAX_NEST */

    /* call-outs */
    quote_frame quotes[MAX_NEST];
    int quote_depth; /* may exceed MAX_NEST: only the first MAX_NEST levels have a frame */
    bool quote_over_reported;
    bool probing;
    int probe_quote;
    strbuf probe;
} renderer;

static int line_of(const renderer *r, size_t off)
{
    size_t lo = 0, hi = r->line_count;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return r->first_line + (int)lo;
}

static void report(renderer *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(renderer *r, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->problems++;
    if (r->opt && r->opt->report)
        r->opt->report(r->opt->report_ctx, line, msg);
}

static void note_ptr(renderer *r, const char *p)
{
    if (p >= r->doc && p < r->doc + r->doc_len)
        r->last_off = (size_t)(p - r->doc);
}

static void put(renderer *r, const char *s)
{
    strbuf_put(&r->out, s);
}

/* Decodes an attribute (link href, image src, title) into `dst`; returns false if it has
 * a named entity we do not decode (the caller then refuses the URL). */
static bool decode_attr(const MD_ATTRIBUTE *a, strbuf *dst)
{
    bool ok = true;
    if (!a->text || a->size == 0) {
        strbuf_putn(dst, "", 0);
        return true;
    }
    for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
        const char *s = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        switch (a->substr_types[i]) {
        case MD_TEXT_NULLCHAR:
            strbuf_put(dst, "\xEF\xBF\xBD");
            break;
        case MD_TEXT_ENTITY: {
            uint32_t cp = 0;
            bool known = true;
            if (n >= 4 && s[1] == '#') {
                bool hex = s[2] == 'x' || s[2] == 'X';
                for (size_t k = hex ? 3 : 2; k + 1 < n; k++) {
                    char c = s[k];
                    unsigned d = (c >= '0' && c <= '9')   ? (unsigned)(c - '0')
                                 : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                                 : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10)
                                                          : 99u;
                    if (d >= (hex ? 16u : 10u) || cp > 0x10ffff) {
                        cp = 0xfffd;
                        break;
                    }
                    cp = cp * (hex ? 16u : 10u) + d;
                }
                if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                    cp = 0xfffd;
            } else if (n == 5 && !memcmp(s, "&amp;", 5)) {
                cp = '&';
            } else if (n == 4 && !memcmp(s, "&lt;", 4)) {
                cp = '<';
            } else if (n == 4 && !memcmp(s, "&gt;", 4)) {
                cp = '>';
            } else if (n == 6 && !memcmp(s, "&quot;", 6)) {
                cp = '"';
            } else if (n == 6 && !memcmp(s, "&apos;", 6)) {
                cp = '\'';
            } else {
                known = false;
            }
            if (!known) {
                strbuf_putn(dst, s, n);
                ok = false;
                break;
            }
            char u[4];
            size_t un;
            if (cp < 0x80) {
                u[0] = (char)cp;
                un = 1;
            } else if (cp < 0x800) {
                u[0] = (char)(0xc0 | (cp >> 6));
                u[1] = (char)(0x80 | (cp & 0x3f));
                un = 2;
            } else if (cp < 0x10000) {
                u[0] = (char)(0xe0 | (cp >> 12));
                u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                u[2] = (char)(0x80 | (cp & 0x3f));
                un = 3;
            } else {
                u[0] = (char)(0xf0 | (cp >> 18));
                u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
                u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
                u[3] = (char)(0x80 | (cp & 0x3f));
                un = 4;
            }
            strbuf_putn(dst, u, un);
            break;
        }
        default:
            strbuf_putn(dst, s, n);
            break;
        }
    }
    return ok;
}

/* ---- call-outs ---- */

static const struct {
    const char *marker;
    const char *cls;
    i18n_key title;
} callouts[] = {
    {"NOTE", "tl-note", I18N_CALLOUT_NOTE},
    {"TIP", "tl-tip", I18N_CALLOUT_TIP},
    {"IMPORTANT", "tl-important", I18N_CALLOUT_IMPORTANT},
    {"WARNING", "tl-warning", I18N_CALLOUT_WARNING},
    {"CAUTION", "tl-caution", I18N_CALLOUT_CAUTION},
};

static int callout_match(const strbuf *probe)
{
    const char *s = probe->data ? probe->data : "";
    size_t n = probe->len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n < 4 || s[0] != '[' || s[1] != '!' || s[n - 1] != ']')
        return -1;
    for (size_t i = 0; i < sizeof callouts / sizeof callouts[0]; i++)
        if (strlen(callouts[i].marker) == n - 3 && !strncasecmp(s + 2, callouts[i].marker, n - 3))
            return (int)i;
    return -1;
}

/* Ends the probe of a quote's first paragraph. `continues`: the paragraph goes on after a
 * line break. Returns true if the quote became a call-out (the break/</p> is swallowed). */
static bool probe_finish(renderer *r, bool continues)
{
    if (!r->probing)
        return false;
    r->probing = false;
    int k = callout_match(&r->probe);
    r->probe.len = 0;
    if (k < 0 || r->probe_quote != r->quote_depth - 1 || r->probe_quote >= MAX_NEST)
        return false;
    quote_frame *q = &r->quotes[r->probe_quote];
    strbuf_truncate(&r->out, q->pos);
    q->callout = true;
    strbuf_printf(&r->out,
                  "<div class=\"tl-callout %s\" role=\"note\"><p class=\"tl-callout-title\">%s"
                  "</p>\n",
                  callouts[k].cls, i18n_text(r->locale, callouts[k].title));
    if (continues)
        put(r, "<p>");
    return true;
}

/* ---- heading ids ---- */

/* The ids given so far and, for each slug that was a base, the last suffix tried. A
 * heading's id is the first of "slug", "slug-2", "slug-3", ... not given before; since
 * ids are only added, the search for a slug resumes after its last result, which makes
 * the ids of n headings O(n) expected work instead of O(n^2) string compares per heading. */
typedef struct id_entry {
    char *key;
    bool used;       /* given to a heading */
    int next_suffix; /* 0: never a base slug; else the next suffix to try */
} id_entry;

static uint64_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of `key` in the table (its entry, or the empty slot where it belongs). */
static id_entry *id_find(renderer *r, const char *key)
{
    size_t j = (size_t)id_hash(key) & (r->id_cap - 1);
    while (r->ids[j].key && strcmp(r->ids[j].key, key))
        j = (j + 1) & (r->id_cap - 1);
    return &r->ids[j];
}

/* The entry for `key`, created when missing; NULL when out of memory. Only creating an
 * entry moves the table (so pointers to entries stay valid across finding existing keys). */
static id_entry *id_slot(renderer *r, const char *key)
{
    if (r->id_cap) {
        id_entry *e = id_find(r, key);
        if (e->key)
            return e;
    }
    if ((r->id_count + 1) * 2 > r->id_cap) {
        size_t old_cap = r->id_cap, cap = old_cap ? old_cap * 2 : 64;
        id_entry *old = r->ids, *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        r->ids = t;
        r->id_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].key)
                *id_find(r, old[i].key) = old[i];
        free(old);
    }
    id_entry *e = id_find(r, key);
    e->key = strdup(key);
    if (!e->key)
        return NULL;
    e->used = false;
    e->next_suffix = 0;
    r->id_count++;
    return e;
}

/* Writes the heading id for `slug` into id (see id_entry) and records it as given. When
 * out of memory the id is still written, but may repeat an earlier one. */
static void heading_unique_id(renderer *r, const char *slug, char *id, size_t id_size)
{
    snprintf(id, id_size, "%s", slug);
    id_entry *base = id_slot(r, slug);
    if (!base)
        return;
    if (!base->used) {
        base->used = true;
        return;
    }
    int k = base->next_suffix ? base->next_suffix : 2;
    for (;; k++) {
        snprintf(id, id_size, "%s-%d", slug, k);
        id_entry *e = id_slot(r, id);
        if (!e)
            return;
        if (!e->used) {
            e->used = true;
            break;
        }
    }
    base = id_slot(r, slug); /* exists: found without moving the table */
    if (base)
        base->next_suffix = k + 1;
}

/* ---- headings ---- */

static void heading_finish(renderer *r)
{
    char slug[128] = {0};
    size_t n = 0;
    bool dash = false;
    const char *t = r->htext.data ? r->htext.data : "";
    for (size_t i = 0; t[i] && n + 8 < sizeof slug; i++) {
        unsigned char c = (unsigned char)t[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            slug[n++] = (char)c;
            dash = false;
        } else if (c >= 'A' && c <= 'Z') {
            slug[n++] = (char)(c - 'A' + 'a');
            dash = false;
        } else if ((c == ' ' || c == '-' || c == '_' || c == '\t') && n > 0 && !dash) {
            slug[n++] = '-';
            dash = true;
        }
    }
    /* do not cut a UTF-8 sequence in half */
    while (n > 0 && ((unsigned char)slug[n - 1] & 0xc0) == 0xc0)
        n--;
    if (n > 0 && ((unsigned char)slug[n - 1] & 0x80)) {
        size_t s = n;
        while (s > 0 && ((unsigned char)slug[s - 1] & 0xc0) == 0x80)
            s--;
        if (s > 0) {
            unsigned char lead = (unsigned char)slug[s - 1];
            size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
            if (n - (s - 1) < want)
                n = s - 1;
        }
    }
    while (n > 0 && slug[n - 1] == '-')
        n--;
    slug[n] = 0;
    if (n == 0)
        snprintf(slug, sizeof slug, "section");
    char id[160];
    heading_unique_id(r, slug, id, sizeof id);
    strbuf open = {0};
    strbuf_printf(&open, "<h%u id=\"", r->h_level);
    strbuf_escape_n(&open, id, strlen(id));
    strbuf_put(&open, "\">");
    if (open.failed)
        r->out.failed = true;
    else
        strbuf_insert(&r->out, r->h_pos, open.data, open.len);
    strbuf_cleanup(&open);
    strbuf_printf(&r->out, "</h%u>\n", r->h_level);
    r->htext.len = 0;
}

/* ---- code blocks ---- */

static void code_finish(renderer *r)
{
    const char *body = r->code.data ? r->code.data : "";
    int body_line;
    if (r->code_has_off)
        body_line = line_of(r, r->code_off);
    else if (r->code_fence_index >= 0 && (size_t)r->code_fence_index < r->fence_count)
        body_line = r->first_line + r->fences[r->code_fence_index].open_line; /* 0-based + 1 */
    else
        body_line = line_of(r, r->last_off);
    bool special = false;
    if (r->code_fenced && r->code_lang[0] && r->opt && r->opt->fence && r->opt->fence_langs)
        for (const char *const *l = r->opt->fence_langs; *l; l++)
            if (!strcmp(*l, r->code_lang))
                special = true;
    if (special) {
        char *html = r->opt->fence(r->opt->fence_ctx, r->code_lang, r->code_opts, body, r->code.len,
                                   body_line);
        if (html) {
            put(r, html);
            put(r, "\n");
            free(html);
        }
    } else {
        put(r, "<pre><code");
        if (r->code_lang[0]) {
            put(r, " class=\"language-");
            put(r, r->code_lang); /* restricted to [A-Za-z0-9_+-] when copied */
            put(r, "\"");
        }
        put(r, ">");
        strbuf_escape_n(&r->out, body, r->code.len);
        put(r, "</code></pre>\n");
    }
    r->code.len = 0;
    if (r->code.data)
        r->code.data[0] = 0;
}

/* ---- md4c callbacks ---- */

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    renderer *r = ud;
    if (r->quote_depth > 0 && r->quote_depth <= MAX_NEST &&
        !r->quotes[r->quote_depth - 1].child_seen) {
        r->quotes[r->quote_depth - 1].child_seen = true;
        if (type == MD_BLOCK_P) {
            put(r, "<p>");
            r->probing = true;
            r->probe_quote = r->quote_depth - 1;
            r->probe.len = 0;
            return 0;
        }
    }
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_QUOTE:
        /* Quotes deeper than MAX_NEST are flattened into the innermost one kept. */
        if (r->quote_depth < MAX_NEST) {
            quote_frame *q = &r->quotes[r->quote_depth];
            q->pos = r->out.len;
            q->callout = false;
            q->child_seen = false;
            put(r, "<blockquote>\n");
        } else if (!r->quote_over_reported) {
            r->quote_over_reported = true;
            report(r, line_of(r, r->last_off),
                   "block quotes nested deeper than %d levels; the deeper levels are shown "
                   "as level %d",
                   MAX_NEST, MAX_NEST);
        }
        r->quote_depth++;
        break;
    case MD_BLOCK_UL:
        put(r, "<ul>\n");
        break;
    case MD_BLOCK_OL: {
        const MD_BLOCK_OL_DETAIL *d = detail;
        if (d->start != 1)
            strbuf_printf(&r->out, "<ol start=\"%u\">\n", d->start);
        else
            put(r, "<ol>\n");
        break;
    }
    case MD_BLOCK_LI:
        put(r, "<li>");
        break;
    case MD_BLOCK_HR:
        put(r, "<hr>\n");
        break;
    case MD_BLOCK_H: {
        const MD_BLOCK_H_DETAIL *d = detail;
        r->in_heading = true;
        r->h_level = d->level;
        r->h_pos = r->out.len;
        r->htext.len = 0;
        if (r->htext.data)
            r->htext.data[0] = 0;
        break;
    }
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *d = detail;
        r->in_code = true;
        r->code_fenced = d->fence_char != 0;
        r->code_has_off = false;
        r->code.len = 0;
        r->code_lang[0] = 0;
        r->code_fence_index = -1;
        if (r->code_fenced)
            r->code_fence_index = (int)r->fence_seen++;
        if (d->lang.text && d->lang.size) {
            size_t n = 0;
            for (unsigned i = 0; i < d->lang.size && n + 1 < sizeof r->code_lang; i++) {
                char c = d->lang.text[i];
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '+')
                    r->code_lang[n++] = c;
                else {
                    n = 0; /* odd language names are ignored */
                    break;
                }
            }
            r->code_lang[n] = 0;
        }
        r->code_opts[0] = 0;
        if (d->info.text && d->info.size > d->lang.size) {
            /* the info string after its first word, spaces trimmed, cut to the buffer */
            size_t i = d->lang.size, e = d->info.size, n = 0;
            while (i < e && (d->info.text[i] == ' ' || d->info.text[i] == '\t'))
                i++;
            while (e > i && (d->info.text[e - 1] == ' ' || d->info.text[e - 1] == '\t'))
                e--;
            for (; i < e && n + 1 < sizeof r->code_opts; i++)
                r->code_opts[n++] = d->info.text[i];
            r->code_opts[n] = 0;
        }
        break;
    }
    case MD_BLOCK_HTML:
        break; /* not produced with MD_FLAG_NOHTML */
    case MD_BLOCK_P:
        put(r, "<p>");
        break;
    case MD_BLOCK_TABLE:
        put(r, "<table>\n");
        break;
    case MD_BLOCK_THEAD:
        put(r, "<thead>\n");
        break;
    case MD_BLOCK_TBODY:
        put(r, "<tbody>\n");
        break;
    case MD_BLOCK_TR:
        put(r, "<tr>\n");
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        const MD_BLOCK_TD_DETAIL *d = detail;
        const char *tag = type == MD_BLOCK_TH ? "th" : "td";
        const char *al = d->align == MD_ALIGN_LEFT     ? " class=\"tl-left\""
                         : d->align == MD_ALIGN_CENTER ? " class=\"tl-center\""
                         : d->align == MD_ALIGN_RIGHT  ? " class=\"tl-right\""
                                                       : "";
        strbuf_printf(&r->out, "<%s%s>", tag, al);
        break;
    }
    }
    return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    renderer *r = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_QUOTE:
        if (r->quote_depth == 0)
            break;
        r->quote_depth--;
        if (r->quote_depth >= MAX_NEST)
            break; /* a flattened level: nothing was opened */
        if (r->quotes[r->quote_depth].callout)
            put(r, "</div>\n");
        else
            put(r, "</blockquote>\n");
        break;
    case MD_BLOCK_UL:
        put(r, "</ul>\n");
        break;
    case MD_BLOCK_OL:
        put(r, "</ol>\n");
        break;
    case MD_BLOCK_LI:
        put(r, "</li>\n");
        break;
    case MD_BLOCK_HR:
        break;
    case MD_BLOCK_H:
        r->in_heading = false;
        heading_finish(r);
        break;
    case MD_BLOCK_CODE:
        r->in_code = false;
        code_finish(r);
        break;
    case MD_BLOCK_HTML:
        break;
    case MD_BLOCK_P:
        if (r->probing && probe_finish(r, false))
            break;
        put(r, "</p>\n");
        break;
    case MD_BLOCK_TABLE:
        put(r, "</table>\n");
        break;
    case MD_BLOCK_THEAD:
        put(r, "</thead>\n");
        break;
    case MD_BLOCK_TBODY:
        put(r, "</tbody>\n");
        break;
    case MD_BLOCK_TR:
        put(r, "</tr>\n");
        break;
    case MD_BLOCK_TH:
        put(r, "</th>\n");
        break;
    case MD_BLOCK_TD:
        put(r, "</td>\n");
        break;
    }
    return 0;
}

/* The element of a span that is only a tag pair (em, strong, del, u, code), or NULL. */
static const char *span_tag(MD_SPANTYPE type)
{
    switch (type) {
    case MD_SPAN_EM:
        return "em";
    case MD_SPAN_STRONG:
        return "strong";
    case MD_SPAN_DEL:
        return "del";
    case MD_SPAN_U:
        return "u";
    case MD_SPAN_CODE:
        return "code";
    default:
        return NULL;
    }
}

/* The source line of an attribute (a link's href, an image's src), or of the last text
 * seen when md4c hands one that does not point into the document. */
static int line_of_attr(renderer *r, const MD_ATTRIBUTE *a)
{
    if (a->text >= r->doc && a->text < r->doc + r->doc_len)
        return line_of(r, (size_t)(a->text - r->doc));
    return line_of(r, r->last_off);
}

/* ` title="..."` for a link's or image's title, when it has one. */
static void put_title(renderer *r, const MD_ATTRIBUTE *title)
{
    if (!title->text || !title->size)
        return;
    strbuf t = {0};
    decode_attr(title, &t);
    put(r, " title=\"");
    strbuf_escape_n(&r->out, t.data ? t.data : "", t.len);
    put(r, "\"");
    strbuf_cleanup(&t);
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    renderer *r = ud;
    if (r->probing)
        probe_finish(r, true); /* a span before the marker ends: not a call-out */
    bool in_alt = r->alt_depth > 0;
    switch (type) {
    case MD_SPAN_EM:
    case MD_SPAN_STRONG:
    case MD_SPAN_DEL:
    case MD_SPAN_U:
    case MD_SPAN_CODE:
        if (!in_alt)
            strbuf_printf(&r->out, "<%s>", span_tag(type));
        break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
    case MD_SPAN_WIKILINK:
        break;
    case MD_SPAN_A: {
        const MD_SPAN_A_DETAIL *d = detail;
        strbuf url = {0};
        bool decodable = decode_attr(&d->href, &url);
        const char *u = url.data ? url.data : "";
        int line = line_of_attr(r, &d->href);
        if (r->opt && r->opt->link)
            r->opt->link(r->opt->link_ctx, u, line, false);
        bool ok = decodable && !url.failed && markdown_url_allowed(u);
        if (!ok)
            report(r, line,
                   "link to \"%.80s\" is not allowed (only http, https, mailto and relative "
                   "links); rendered as text",
                   u);
        if (ok && !in_alt) {
            put(r, "<a href=\"");
            strbuf_escape_n(&r->out, u, url.len);
            put(r, "\"");
            put_title(r, &d->title);
            put(r, ">");
        }
        if (r->link_depth < MAX_NEST)
            r->link_emitted[r->link_depth] = ok && !in_alt;
        r->link_depth++;
        strbuf_cleanup(&url);
        break;
    }
    case MD_SPAN_IMG: {
        const MD_SPAN_IMG_DETAIL *d = detail;
        strbuf url = {0};
        bool decodable = decode_attr(&d->src, &url);
        const char *u = url.data ? url.data : "";
        int line = line_of_attr(r, &d->src);
        if (r->opt && r->opt->link)
            r->opt->link(r->opt->link_ctx, u, line, true);
        bool ok = decodable && !url.failed && markdown_url_allowed(u) && !url_has_scheme(u) &&
                  strncmp(u, "//", 2) != 0;
        if (!ok)
            report(r, line,
                   "image \"%.80s\" is not allowed (only relative image addresses: a page makes "
                   "no third-party requests); rendered as its text",
                   u);
        int kind = 0;
        if (in_alt) {
            kind = 0;
        } else if (ok) {
            put(r, "<img src=\"");
            strbuf_escape_n(&r->out, u, url.len);
            put(r, "\" alt=\"");
            kind = 1;
            r->alt_depth++;
        } else {
            put(r, "<span class=\"tl-blocked-image\">");
            kind = 2;
        }
        if (r->img_depth < MAX_NEST)
            r->img_kind[r->img_depth] = kind;
        r->img_depth++;
        strbuf_cleanup(&url);
        break;
    }
    }
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    renderer *r = ud;
    bool in_alt = r->alt_depth > 0;
    switch (type) {
    case MD_SPAN_EM:
    case MD_SPAN_STRONG:
    case MD_SPAN_DEL:
    case MD_SPAN_U:
    case MD_SPAN_CODE:
        if (!in_alt)
            strbuf_printf(&r->out, "</%s>", span_tag(type));
        break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
    case MD_SPAN_WIKILINK:
        break;
    case MD_SPAN_A:
        if (r->link_depth == 0)
            break; /* unbalanced callback: ignore rather than trust it */
        r->link_depth--;
        if (r->link_depth < MAX_NEST && r->link_emitted[r->link_depth])
            put(r, "</a>");
        break;
    case MD_SPAN_IMG: {
        const MD_SPAN_IMG_DETAIL *d = detail;
        if (r->img_depth == 0)
            break;
        r->img_depth--;
        int kind = r->img_depth < MAX_NEST ? r->img_kind[r->img_depth] : 0;
        if (kind == 1) {
            if (r->alt_depth > 0)
                r->alt_depth--;
            put(r, "\"");
            put_title(r, &d->title);
            put(r, ">");
        } else if (kind == 2) {
            put(r, "</span>");
        }
        break;
    }
    }
    return 0;
}

/* True for the characters that Chinese text runs together without spaces: CJK ideographs,
 * kana, CJK and full-width punctuation (，。：；（）), and the em dash and ellipsis that
 * Chinese doubles (——, ……). Only code points of 3-byte UTF-8 sequences qualify. */
static bool joins_without_space(const unsigned char *p)
{
    if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return false;
    unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) || cp == 0x2014 ||
           cp == 0x2026;
}

/* A soft line break between two such characters joins the lines with nothing: browsers
 * (Chromium among them) show the newline as a space, which Chinese text does not have
 * ("确认，\n然后" must read 确认，然后). Called before normal text is written: when the
 * last thing written is a soft break that follows such a character and the text starts
 * with one, the break is taken back. Markup between them (</strong>, a code span) keeps
 * the break. */
static void join_soft_break(renderer *r, const char *text, size_t size)
{
    size_t at = r->softbr_end;
    r->softbr_end = 0;
    if (!at || at != r->out.len || at < 4 || size < 3)
        return;
    if (joins_without_space((const unsigned char *)r->out.data + at - 4) &&
        joins_without_space((const unsigned char *)text))
        strbuf_truncate(&r->out, at - 1);
}

static int text_cb(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    renderer *r = ud;
    note_ptr(r, text);
    if (r->in_code) {
        if (!r->code_has_off && text >= r->doc && text < r->doc + r->doc_len) {
            r->code_has_off = true;
            r->code_off = (size_t)(text - r->doc);
        }
        strbuf_putn(&r->code, text, size);
        return 0;
    }
    if (r->probing) {
        if (type == MD_TEXT_NORMAL) {
            strbuf_putn(&r->probe, text, size);
        } else if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR) {
            if (probe_finish(r, true))
                return 0; /* the marker line's break is swallowed */
        } else {
            probe_finish(r, true);
        }
    }
    if (r->in_heading && (type == MD_TEXT_NORMAL || type == MD_TEXT_CODE))
        strbuf_putn(&r->htext, text, size);
    else if (r->in_heading && (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR))
        strbuf_put(&r->htext, " ");
    bool in_alt = r->alt_depth > 0;
    switch (type) {
    case MD_TEXT_NULLCHAR:
        put(r, "\xEF\xBF\xBD");
        break;
    case MD_TEXT_BR:
        put(r, in_alt ? " " : "<br>\n");
        break;
    case MD_TEXT_SOFTBR:
        put(r, in_alt ? " " : "\n");
        r->softbr_end = in_alt ? 0 : r->out.len;
        break;
    case MD_TEXT_ENTITY:
        strbuf_putn(&r->out, text, size);
        break; /* syntax-checked by md4c */
    case MD_TEXT_NORMAL:
        join_soft_break(r, text, size);
        strbuf_escape_n(&r->out, text, size);
        break;
    default:
        strbuf_escape_n(&r->out, text, size);
        break;
    }
    return 0;
}

/* ---- fence pre-scan ---- */

static void prescan(renderer *r)
{
    size_t pos = 0;
    int line = 0;
    bool open = false;
    char fch = 0;
    size_t flen = 0;
    while (pos < r->doc_len) {
        size_t e = pos;
        while (e < r->doc_len && r->doc[e] != '\n')
            e++;
        const char *s = r->doc + pos, *end = r->doc + e;
        for (;;) { /* container prefixes: up to 3 spaces, then '>' markers */
            int sp = 0;
            while (s < end && *s == ' ' && sp < 3) {
                s++;
                sp++;
            }
            if (s < end && *s == '>') {
                s++;
                if (s < end && *s == ' ')
                    s++;
                continue;
            }
            break;
        }
        if (s < end && (*s == '`' || *s == '~')) {
            char c = *s;
            size_t n = 0;
            while (s + n < end && s[n] == c)
                n++;
            if (n >= 3) {
                const char *rest = s + n;
                if (!open) {
                    bool valid = true;
                    if (c == '`')
                        for (const char *q = rest; q < end; q++)
                            if (*q == '`')
                                valid = false;
                    if (valid) {
                        fence_info *g = realloc(r->fences, (r->fence_count + 1) * sizeof *g);
                        if (g) {
                            r->fences = g;
                            r->fences[r->fence_count].open_line = line + 1;
                            r->fences[r->fence_count].closed = false;
                            r->fence_count++;
                            open = true;
                            fch = c;
                            flen = n;
                        }
                    }
                } else if (c == fch && n >= flen) {
                    bool blank = true;
                    for (const char *q = rest; q < end; q++)
                        if (*q != ' ' && *q != '\t' && *q != '\r')
                            blank = false;
                    if (blank) {
                        r->fences[r->fence_count - 1].closed = true;
                        open = false;
                    }
                }
            }
        }
        pos = e < r->doc_len ? e + 1 : e;
        line++;
    }
    for (size_t i = 0; i < r->fence_count; i++)
        if (!r->fences[i].closed)
            report(r, r->first_line + r->fences[i].open_line - 1,
                   "code fence opened here is never closed");
}

char *markdown_render(const char *text, size_t len, const markdown_options *opt, int *problems)
{
    renderer r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.locale = opt && opt->locale ? opt->locale : I18N_EN;
    r.first_line = opt && opt->first_line > 0 ? opt->first_line : 1;
    r.doc = text ? text : "";
    r.doc_len = text ? len : 0;
    if (problems)
        *problems = 0;

    if (r.doc_len > MARKDOWN_MAX_BYTES) {
        report(&r, r.first_line, "text is %zu bytes; the limit is %u bytes (1 MiB)", r.doc_len,
               MARKDOWN_MAX_BYTES);
        if (problems)
            *problems = r.problems;
        return NULL;
    }
    /* line table */
    size_t lines = 1;
    for (size_t i = 0; i < r.doc_len; i++)
        if (r.doc[i] == '\n')
            lines++;
    r.line_starts = malloc(lines * sizeof *r.line_starts);
    if (!r.line_starts)
        return NULL;
    r.line_starts[0] = 0;
    r.line_count = 1;
    for (size_t i = 0; i < r.doc_len; i++)
        if (r.doc[i] == '\n')
            r.line_starts[r.line_count++] = i + 1;

    char *result = NULL;
    char *padded = NULL;
    const char *nul = memchr(r.doc, 0, r.doc_len);
    size_t bad = utf8_invalid_at(r.doc, r.doc_len);
    if (nul) {
        size_t off = (size_t)(nul - r.doc);
        report(&r, line_of(&r, off), "NUL byte (column %zu); lesson text must not contain NUL",
               off - r.line_starts[line_of(&r, off) - r.first_line] + 1);
    } else if (bad < r.doc_len) {
        report(&r, line_of(&r, bad), "invalid UTF-8 (byte 0x%02x at column %zu)",
               (unsigned char)r.doc[bad], bad - r.line_starts[line_of(&r, bad) - r.first_line] + 1);
    } else if ((padded = malloc(r.doc_len + MD_PAD)) == NULL) {
        report(&r, r.first_line, "out of memory");
    } else {
        /* md4c 0.4.8 can read past the end of its input (e.g. a link destination ending the
         * text, followed in memory by ')'); a private copy with NUL padding keeps it inside. */
        memcpy(padded, r.doc, r.doc_len);
        memset(padded + r.doc_len, 0, MD_PAD);
        r.doc = padded;
        prescan(&r);
        MD_PARSER parser = {0};
        parser.abi_version = 0;
        parser.flags = MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH;
        parser.enter_block = enter_block;
        parser.leave_block = leave_block;
        parser.enter_span = enter_span;
        parser.leave_span = leave_span;
        parser.text = text_cb;
        strbuf_putn(&r.out, "", 0);
        if (md_parse(r.doc, (MD_SIZE)r.doc_len, &parser, &r) == 0)
            result = strbuf_take(&r.out);
    }
    strbuf_cleanup(&r.out);
    strbuf_cleanup(&r.code);
    strbuf_cleanup(&r.htext);
    strbuf_cleanup(&r.probe);
    for (size_t i = 0; i < r.id_cap; i++)
        free(r.ids[i].key);
    free(r.ids);
    free(r.fences);
    free(r.line_starts);
    free(padded);
    if (problems)
        *problems = r.problems;
    return result;
}
