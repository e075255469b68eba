/*
 * jsonw.h — writing JSON text straight into a strbuf, for the few answers too large to
 * build as a jansson tree first (the gradebook and the class overview: tens of thousands of
 * values for a class of 1,000).
 *
 * Owns: JSON string escaping (RFC 8259 §7: `"`, `\` and control characters; other UTF-8
 * passes through as it is) and numbers written as jansson writes them (%.17g, a real
 * always with a `.` or an exponent), so a reader sees the same text either way.
 * Does not: check UTF-8 (callers write text the server already validated), parse JSON, or
 * keep track of commas and nesting (the caller writes the punctuation).
 */
#ifndef TCPLAB_UTIL_JSONW_H
#define TCPLAB_UTIL_JSONW_H

#include <stdint.h>

#include "strbuf.h"

/* Appends `s` as a quoted JSON string. */
void jsonw_str(strbuf *b, const char *s);
/* Appends a real number as jansson's json_real would print it. */
void jsonw_real(strbuf *b, double v);
/* Appends an integer. */
void jsonw_int(strbuf *b, int64_t v);

#endif
