/*
 * strbuf.c — see strbuf.h.
 */
#include "strbuf.h"

#include "entity.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

void strbuf_cleanup(strbuf *b)
{
    if (!b)
        return;
    free(b->data);
    strbuf_init(b);
}

/* Room for `extra` more bytes and the NUL; false (and b->failed) when it cannot be had. */
static bool reserve(strbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra < b->cap - b->len) /* cap > len whenever data != NULL */
        return true;
    if (extra > SIZE_MAX / 4 - b->len) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void strbuf_putn(strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void strbuf_put(strbuf *b, const char *s)
{
    if (s)
        strbuf_putn(b, s, strlen(s));
}

void strbuf_insert(strbuf *b, size_t pos, const char *s, size_t n)
{
    if (pos > b->len || !reserve(b, n))
        return;
    memmove(b->data + pos + n, b->data + pos, b->len - pos + 1); /* with the NUL */
    if (n)
        memcpy(b->data + pos, s, n);
    b->len += n;
}

void strbuf_truncate(strbuf *b, size_t len)
{
    if (b->data && len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    if (!reserve(b, 0))
        return;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    if (n < 0) {
        b->failed = true;
    } else if ((size_t)n < b->cap - b->len) {
        b->len += (size_t)n;
    } else if (reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void strbuf_escape_n(strbuf *b, const char *s, size_t n)
{
    size_t run = 0; /* start of the bytes not yet appended */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = entity_for_char(c);
        bool drop = !rep && ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f);
        if (rep || drop) {
            strbuf_putn(b, s + run, i - run);
            strbuf_put(b, rep);
            run = i + 1;
        }
    }
    strbuf_putn(b, s + run, n - run);
}

void strbuf_escape(strbuf *b, const char *s)
{
    if (s)
        strbuf_escape_n(b, s, strlen(s));
}

char *strbuf_take(strbuf *b)
{
    if (b->failed) {
        strbuf_cleanup(b);
        return NULL;
    }
    if (!b->data && !reserve(b, 0))
        return NULL;
    char *d = b->data;
    d[b->len] = '\0';
    strbuf_init(b);
    return d;
}
