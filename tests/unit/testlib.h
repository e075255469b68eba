/*
 * testlib.h — the unit-test harness: TEST() registers a function, CHECK* record failures.
 *
 * Owns: registration, running, and the closing "N passed, N failed" line.
 * Does not: fork, time, or isolate tests; a crashing test ends the run (ASan tells why).
 * Usage:  TEST(handshake_basic) { CHECK_EQ_INT(1, 1); }
 * Run:    build/unit_tests [substring]   — only tests whose name contains it.
 */
#ifndef TCPLAB_TESTLIB_H
#define TCPLAB_TESTLIB_H

#include <stdint.h>
#include <string.h>

typedef void (*testlib_fn)(void);
void testlib_register(const char *name, const char *file, testlib_fn fn);
void testlib_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void name##_register(void)                                 \
    {                                                                                              \
        testlib_register(#name, __FILE__, name);                                                   \
    }                                                                                              \
    static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            testlib_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                  \
    } while (0)

#define CHECK_EQ_INT(actual, expected)                                                             \
    do {                                                                                           \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                            \
        if (a_ != e_)                                                                              \
            testlib_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #actual, a_,       \
                         #expected, e_);                                                           \
    } while (0)

#define CHECK_EQ_STR(actual, expected)                                                             \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        if (!a_ || !e_ || strcmp(a_, e_) != 0)                                                     \
            testlib_fail(__FILE__, __LINE__, "%s:\n  got:      \"%s\"\n  expected: \"%s\"",        \
                         #actual, a_ ? a_ : "(null)", e_ ? e_ : "(null)");                         \
    } while (0)

#endif
