/*
 * jsonw.c — JSON text written straight into a strbuf (see jsonw.h).
 *
 * Owns: the escaping table and the number formats.
 * Does not: allocate anything but through the strbuf.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void jsonw_str(strbuf *b, const char *s)
{
    strbuf_putn(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        strbuf_putn(b, run, (size_t)(p - run));
        run = p + 1;
        switch (ch) {
        case '"':
            strbuf_putn(b, "\\\"", 2);
            break;
        case '\\':
            strbuf_putn(b, "\\\\", 2);
            break;
        case '\n':
            strbuf_putn(b, "\\n", 2);
            break;
        case '\r':
            strbuf_putn(b, "\\r", 2);
            break;
        case '\t':
            strbuf_putn(b, "\\t", 2);
            break;
        default:
            strbuf_printf(b, "\\u%04x", ch);
            break;
        }
    }
    strbuf_put(b, run);
    strbuf_putn(b, "\"", 1);
}

void jsonw_real(strbuf *b, double v)
{
    /* a whole number (most scores and points) without printf's floating-point path */
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        jsonw_int(b, (int64_t)v);
        strbuf_putn(b, ".0", 2);
        return;
    }
    char num[40];
    int n = snprintf(num, sizeof num, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof num)
        return;
    strbuf_putn(b, num, (size_t)n);
    if (!strpbrk(num, ".eE") && strcmp(num, "inf") && strcmp(num, "-inf") && strcmp(num, "nan"))
        strbuf_putn(b, ".0", 2);
}

void jsonw_int(strbuf *b, int64_t v)
{
    char num[24];
    size_t at = sizeof num;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        num[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        num[--at] = '-';
    strbuf_putn(b, num + at, sizeof num - at);
}
