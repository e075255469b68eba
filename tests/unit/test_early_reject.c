/* test_early_reject.c — server/http/early_reject.c: the request-line and head checks on
 * the first bytes of a connection, complete or not. */
#include "../../server/http/early_reject.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>

static int status_of(const char *s, size_t n)
{
    early_verdict v;
    early_check(s, n, &v);
    return v.status;
}
#define STATUS(lit) status_of(lit, sizeof lit - 1)

TEST(early_check_valid_requests_and_their_beginnings_pass)
{
    static const char req[] = "\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 007\r\n"
                              "X-Folded: a\r\n b\r\n\r\nbody";
    /* every prefix of a valid request is a valid beginning */
    for (size_t n = 0; n <= sizeof req - 1; n++)
        CHECK_EQ_INT(status_of(req, n), 0);
    CHECK_EQ_INT(STATUS("GET / HTTP/1.0\n\n"), 0);
    CHECK_EQ_INT(STATUS("POST /x HTTP/1.1\r\nContent-Length:  12 \r\n\r\n"), 0);
    CHECK_EQ_INT(STATUS("GET /\xe4\xb8\xad HTTP/1.1\r\n"), 0); /* raw UTF-8 is the library's */
}

TEST(early_check_refuses_malformed_request_lines)
{
    CHECK_EQ_INT(STATUS("\0\1garbage\r\n\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET\r\n\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x\r\n\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET  /x HTTP/1.1\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x HTTP/1.1 \r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x http/1.1\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x HTTP/11\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x\x01y HTTP/1.1\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET /x HTTP/2.0\r\n"), 505);
    CHECK_EQ_INT(STATUS("G\x1b[31mT /y HTTP/1.1\r\n"), 400);
}

TEST(early_check_refuses_bad_header_lines_and_content_lengths)
{
    CHECK_EQ_INT(STATUS("GET / HTTP/1.1\r\nHost x\r\n\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400);
    CHECK_EQ_INT(STATUS("GET / HTTP/1.1\r\n: x\r\n\r\n"), 400);
    const char *bad[] = {"-1", "1e3", "+5", "5, 5", "", "0x10", "5 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char req[128];
        int n = snprintf(req, sizeof req, "POST / HTTP/1.1\r\nContent-Length: %s\r\n\r\n", bad[i]);
        CHECK_EQ_INT(status_of(req, (size_t)n), 400);
    }
    CHECK_EQ_INT(STATUS("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n"), 0);
    CHECK_EQ_INT(STATUS("POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n"), 413);
    /* a line after the end of the head is the body's */
    CHECK_EQ_INT(STATUS("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nno colon\n"), 0);
}

TEST(early_check_names_the_fields_for_the_log)
{
    early_verdict v;
    static const char req[] = "FAKE\b\bGET /x HTTP/1.1\r\n";
    early_check(req, sizeof req - 1, &v);
    CHECK_EQ_INT(v.status, 400);
    CHECK_EQ_INT(v.method_len, 9);
    CHECK(v.method == req);
    CHECK_EQ_INT(v.target_len, 2);
    CHECK(!strncmp(v.target, "/x", 2));
    CHECK(strstr(v.detail, "0x08") != NULL);
}
