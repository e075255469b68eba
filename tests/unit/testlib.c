/*
 * testlib.c — runs every TEST() registered by the other files in tests/unit/.
 * Prints one line per failure (file:line and what differed) and, last, the closing
 * "N passed, N failed" line. Exit status 0 only if nothing failed.
 */
#include "testlib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define TESTLIB_MAX 4096

typedef struct testlib_entry {
    const char *name, *file;
    testlib_fn fn;
} testlib_entry;

static testlib_entry tests[TESTLIB_MAX];
static size_t ntests;
static int current_failed;

void testlib_register(const char *name, const char *file, testlib_fn fn)
{
    if (ntests == TESTLIB_MAX) {
        fprintf(stderr, "testlib: more than %d tests\n", TESTLIB_MAX);
        exit(2);
    }
    tests[ntests].name = name;
    tests[ntests].file = file;
    tests[ntests].fn = fn;
    ntests++;
}

void testlib_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (current_failed++ < 20) { /* keep a broken test's output readable */
        fprintf(stdout, "    %s:%d: ", file, line);
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
    }
}

static int by_file_then_name(const void *a, const void *b)
{
    const testlib_entry *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    qsort(tests, ntests, sizeof tests[0], by_file_then_name);
    for (size_t i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        current_failed = 0;
        tests[i].fn();
        fflush(stdout);
        if (current_failed) {
            printf("FAIL %s (%s)\n", tests[i].name, tests[i].file);
            failed++;
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
