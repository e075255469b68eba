/*
 * fuzz_early_reject.c — libFuzzer harness: the first bytes of a connection, judged by the
 * request-line and framing check the server runs before libmicrohttpd (early_check in
 * server/http/early_reject.c).
 *
 * Input: the bytes a client sent first (at most EARLY_PEEK_BYTES are used, as the server
 * peeks no more). The seed corpus holds good heads, a bare `GET`, NUL garbage, spaces
 * before a colon, bad and overflowing Content-Length values, HTTP/2.0 and folded lines.
 * Oracles besides the sanitizers: the status is 0, 400, 413 or 505; a rejection has a
 * NUL-terminated, non-empty detail; the method and target point into the input; and a
 * verdict is stable under arriving bytes — when the whole input is a valid beginning of a
 * request, so is every prefix of it (the server judges whatever has arrived, so a request
 * still arriving must never be refused for being cut short).
 * Does not: touch a socket (early_reject's write path is covered by tests/api).
 */
#include "fuzz_common.h"

#include "../../server/http/early_reject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const char *buf, size_t n, early_verdict *v)
{
    early_check(buf, n, v);
    FUZZ_CHECK(v->status == 0 || v->status == 400 || v->status == 413 || v->status == 505,
               "a status other than 0, 400, 413, 505");
    if (v->status) {
        FUZZ_CHECK(memchr(v->detail, '\0', sizeof v->detail) != NULL, "detail not terminated");
        FUZZ_CHECK(v->detail[0] != '\0', "a rejection without a detail");
    }
    if (v->method_len)
        FUZZ_CHECK(v->method >= buf && v->method + v->method_len <= buf + n,
                   "method outside the input");
    if (v->target_len)
        FUZZ_CHECK(v->target >= buf && v->target + v->target_len <= buf + n,
                   "target outside the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > EARLY_PEEK_BYTES)
        size = EARLY_PEEK_BYTES;
    /* an exact-size heap copy, so a read past the end is an ASan report */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        abort();
    if (size)
        memcpy(buf, data, size);

    early_verdict whole;
    check_one(buf, size, &whole);
    if (whole.status == 0) {
        /* a few prefixes: every cut of a valid beginning is still a valid beginning */
        size_t cuts[4] = {size / 2, size / 3, size ? size - 1 : 0, size ? data[0] % size : 0};
        for (size_t i = 0; i < 4; i++) {
            char *p = malloc(cuts[i] ? cuts[i] : 1);
            if (!p)
                abort();
            if (cuts[i])
                memcpy(p, buf, cuts[i]);
            early_verdict v;
            check_one(p, cuts[i], &v);
            FUZZ_CHECK(v.status == 0, "a prefix of a valid beginning is refused");
            free(p);
        }
    }
    free(buf);
    return 0;
}
