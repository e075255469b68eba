/*
 * strbuf.h — the growable NUL-terminated string that the text writers build into.
 *
 * Owns: growth, printf-style appends, HTML/XML escaping (through entity.h) and the one
 * failure rule: after an allocation fails every further append is ignored and
 * strbuf_take returns NULL, so a writer checks once at the end. Used by the Markdown and
 * SVG renderers, the lesson pages, the quiz, scenario error messages, the Prometheus
 * text and the CSV exports.
 * Does not: serve the trace writer (server/scenario/trace_writer.c keeps its own buffer
 * with an inlined one-comparison fast path: it writes every simulation's JSON).
 */
#ifndef TCPLAB_UTIL_STRBUF_H
#define TCPLAB_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *data; /* NUL-terminated once anything was appended; NULL before */
    size_t len; /* bytes in data, without the NUL */
    size_t cap;
    bool failed; /* an allocation failed: the content is incomplete */
} strbuf;

/* A zero-initialised strbuf ({0}) is an empty one too. */
#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void strbuf_init(strbuf *b);
/* Frees the data and leaves b empty; NULL and a second call are no-ops. */
void strbuf_cleanup(strbuf *b);

void strbuf_putn(strbuf *b, const char *s, size_t n);
void strbuf_put(strbuf *b, const char *s); /* NULL appends nothing */
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap);

/* Inserts the n bytes at s at offset pos (<= b->len), moving what follows. */
void strbuf_insert(strbuf *b, size_t pos, const char *s, size_t n);
/* Cuts the content back to its first len bytes (no-op when len >= b->len). */
void strbuf_truncate(strbuf *b, size_t len);

/* Appends the n bytes at s escaped for HTML/XML text and quoted attribute values:
 * & < > " ' become entities; control characters other than tab and newline (C0, DEL) are
 * dropped, as neither HTML nor XML text may carry them. */
void strbuf_escape_n(strbuf *b, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL appends nothing. */
void strbuf_escape(strbuf *b, const char *s);

/* Hands the string to the caller (free() it; "" when nothing was appended), or NULL if an
 * allocation failed. Either way b is left empty and reusable. */
char *strbuf_take(strbuf *b);

#endif
