/*
 * markdown.h — lesson Markdown to HTML, on md4c's parser API (not md_html, so that links,
 * headings, call-outs and special fences can be handled here).
 *
 * Owns: the HTML of a lesson body: CommonMark + tables + strikethrough, raw HTML off (it is
 * shown as text), headings with unique slug ids, GitHub-style call-outs (`> [!NOTE]`, TIP,
 * IMPORTANT, WARNING, CAUTION → <div class="tl-callout tl-note" role="note">), links and
 * images restricted to http, https, mailto and relative URLs (images: relative only, so a
 * page never makes a third-party request) — anything else is rendered as plain text and
 * reported. Input checks: size cap, NUL bytes, invalid UTF-8, unterminated code fences.
 * Also: a small growable string buffer and HTML escaping used by the page renderer.
 * Does not: know lessons, scenarios or quizzes: ```scenario / ```quiz fences (any fence
 * whose language the caller claims) are handed to the caller's fence callback.
 */
#ifndef TCPLAB_LESSONS_MARKDOWN_H
#define TCPLAB_LESSONS_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/strbuf.h"

#define MARKDOWN_MAX_BYTES (1024u * 1024u) /* 1 MiB */

/* ---- checks ---- */

/* True if `url` is allowed as a link target: http:, https:, mailto: (any case) or a
 * relative reference (no scheme). Control characters and whitespace are never allowed. */
bool markdown_url_allowed(const char *url);

/* ---- rendering ---- */
/* `line` is 1-based in the FILE (the caller's `first_line` is added). */
typedef void (*markdown_report_fn)(void *ctx, int line, const char *msg);

/* Called for a fenced block whose info string's first word is one of `fence_langs`.
 * `opts` is the rest of the info string ("" when none; at most MARKDOWN_FENCE_OPTS_MAX
 * bytes, longer is cut), `body` the block's content (len bytes, NUL-terminated), `body_line`
 * the file line of its first content line. Returns malloc'ed HTML to put in place of the
 * block, or NULL (after reporting the problem through its own means) to put nothing there. */
#define MARKDOWN_FENCE_OPTS_MAX 63
typedef char *(*markdown_fence_fn)(void *ctx, const char *lang, const char *opts, const char *body,
                                   size_t len, int body_line);

/* Called for every link and image target (after entity decoding), allowed or not. */
typedef void (*markdown_link_fn)(void *ctx, const char *url, int line, bool is_image);

typedef struct markdown_options {
    const char *locale;             /* call-out titles: "en" (default) or "zh-CN" */
    int first_line;                 /* file line of the text's first line (default 1) */
    const char *const *fence_langs; /* NULL-terminated; NULL: none */
    markdown_fence_fn fence;
    void *fence_ctx;
    markdown_link_fn link; /* optional */
    void *link_ctx;
    markdown_report_fn report; /* optional: problems (each with its file line) */
    void *report_ctx;
} markdown_options;

/* Renders `text` (len bytes). Returns malloc'ed HTML and the number of problems reported
 * in *problems (may be NULL); the HTML is usable even with problems (disallowed links as
 * text, an unterminated fence running to the end). Returns NULL — after reporting why —
 * when the input is refused outright: larger than MARKDOWN_MAX_BYTES, contains a NUL byte,
 * is not valid UTF-8; or when out of memory. */
char *markdown_render(const char *text, size_t len, const markdown_options *opt, int *problems);

#endif
