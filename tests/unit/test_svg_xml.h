/*
 * test_svg_xml.h — a tiny well-formedness check for generated SVG/HTML fragments in unit
 * tests: tags balance, attribute values are quoted, every '&' starts an entity.
 * Not a parser: comments and CDATA are not expected in what we generate.
 */
#ifndef TCPLAB_TEST_SVG_XML_H
#define TCPLAB_TEST_SVG_XML_H

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline bool xml_balanced(const char *s, char *why, size_t why_size)
{
    char stack[64][32];
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&') {
            const char *e = p + 1;
            while (isalnum((unsigned char)*e) || *e == '#')
                e++;
            if (*e != ';' || e == p + 1) {
                snprintf(why, why_size, "bare '&' at offset %zu", (size_t)(p - s));
                return false;
            }
            continue;
        }
        if (*p == '>') {
            snprintf(why, why_size, "stray '>' at offset %zu", (size_t)(p - s));
            return false;
        }
        if (*p != '<')
            continue;
        bool closing = p[1] == '/';
        const char *n = p + (closing ? 2 : 1);
        size_t len = 0;
        while (n[len] && (isalnum((unsigned char)n[len]) || n[len] == '-' || n[len] == ':'))
            len++;
        if (len == 0 || len >= 32) {
            snprintf(why, why_size, "bad tag name at offset %zu", (size_t)(p - s));
            return false;
        }
        const char *q = n + len;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++) {
            if (quote) {
                if (*q == quote)
                    quote = 0;
                else if (*q == '<') {
                    snprintf(why, why_size, "'<' inside an attribute at offset %zu",
                             (size_t)(q - s));
                    return false;
                }
            } else if (*q == '"' || *q == '\'') {
                quote = *q;
            } else if (*q == '<') {
                snprintf(why, why_size, "'<' inside a tag at offset %zu", (size_t)(q - s));
                return false;
            }
        }
        if (!*q) {
            snprintf(why, why_size, "unterminated tag at offset %zu", (size_t)(p - s));
            return false;
        }
        bool self = q[-1] == '/';
        /* HTML void elements used in our fragments */
        static const char *const voids[] = {"input", "br", "meta", "link", "img", NULL};
        bool is_void = false;
        for (int i = 0; voids[i]; i++)
            is_void = is_void || (strlen(voids[i]) == len && !strncmp(voids[i], n, len));
        if (closing) {
            if (depth == 0 || strlen(stack[depth - 1]) != len ||
                strncmp(stack[depth - 1], n, len)) {
                snprintf(why, why_size, "</%.*s> does not close <%s> at offset %zu", (int)len, n,
                         depth ? stack[depth - 1] : "(none)", (size_t)(p - s));
                return false;
            }
            depth--;
        } else if (!self && !is_void) {
            if (depth == 64) {
                snprintf(why, why_size, "nesting too deep");
                return false;
            }
            memcpy(stack[depth], n, len);
            stack[depth][len] = '\0';
            depth++;
            if (len == 6 && !strncmp(n, "script", 6)) { /* skip script content */
                const char *end = strstr(q, "</script>");
                if (!end) {
                    snprintf(why, why_size, "unterminated <script>");
                    return false;
                }
                q = end - 1;
            }
        }
        p = q;
    }
    if (depth) {
        snprintf(why, why_size, "<%s> never closed", stack[depth - 1]);
        return false;
    }
    return true;
}

#endif
