/*
 * utf8.h — UTF-8 checks shared by the lesson renderer, the trace writer and the problem
 * bodies: what jansson accepts as UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF).
 *
 * Owns: the one decoder of a sequence's length, the first-invalid-byte scan, and the
 * repair that makes any bytes presentable as a JSON string.
 * Does not: normalise, count columns, or allocate except in utf8_repair.
 */
#ifndef TCPLAB_UTIL_UTF8_H
#define TCPLAB_UTIL_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence that starts at p, of which `avail` bytes may
 * be read; 0 if it is invalid or cut short. */
size_t utf8_seq_len(const char *p, size_t avail);

/* Offset of the first byte that is not part of valid UTF-8, or `len` if all of it is. */
size_t utf8_invalid_at(const char *s, size_t len);

/* A malloc'ed copy of the NUL-terminated `s` with every byte that is not part of valid
 * UTF-8 replaced by U+FFFD; NULL when out of memory (or s is NULL). */
char *utf8_repair(const char *s);

#endif
