/*
 * fuzz_common.h — small helpers shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Owns: splitting a fuzz input at a separator line, a NUL-terminated copy of part of it,
 * and FUZZ_CHECK (an oracle failure: print and abort, so libFuzzer saves the input).
 * Does not: define LLVMFuzzerTestOneInput or know any server module.
 */
#ifndef TCPLAB_FUZZ_COMMON_H
#define TCPLAB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An oracle that must hold for every input; on failure libFuzzer reports a crash. */
#define FUZZ_CHECK(cond, what)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, what);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* malloc'ed NUL-terminated copy of d[0..n) (a 1-byte buffer for n == 0); aborts on OOM. */
static inline char *fuzz_strndup(const uint8_t *d, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (n)
        memcpy(s, d, n);
    s[n] = '\0';
    return s;
}

/* Finds the first occurrence of the line `sep` (e.g. "\n=====\n") in d[0..n). Returns its
 * offset, or n when absent; *rest gets the offset just after it (n when absent). */
static inline size_t fuzz_split(const uint8_t *d, size_t n, const char *sep, size_t *rest)
{
    size_t k = strlen(sep);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, sep, k) == 0) {
            *rest = i + k;
            return i;
        }
    *rest = n;
    return n;
}

#endif
