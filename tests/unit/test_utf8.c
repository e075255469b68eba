/* test_utf8.c — server/util/utf8.c: sequence lengths at the edges, the scan, the repair. */
#include "../../server/util/utf8.h"
#include "testlib.h"

#include <stdlib.h>

TEST(utf8_seq_len_edges)
{
    CHECK_EQ_INT(utf8_seq_len("a", 1), 1);
    CHECK_EQ_INT(utf8_seq_len("\xc3\xa9", 2), 2);         /* é */
    CHECK_EQ_INT(utf8_seq_len("\xc3\xa9", 1), 0);         /* cut short */
    CHECK_EQ_INT(utf8_seq_len("\xe4\xb8\xad", 3), 3);     /* 中 */
    CHECK_EQ_INT(utf8_seq_len("\xe4\xb8", 3), 0);         /* a NUL inside */
    CHECK_EQ_INT(utf8_seq_len("\xf0\x9f\x98\x80", 4), 4); /* U+1F600 */
    CHECK_EQ_INT(utf8_seq_len("\xc0\xaf", 2), 0);         /* overlong */
    CHECK_EQ_INT(utf8_seq_len("\xe0\x80\xaf", 3), 0);     /* overlong */
    CHECK_EQ_INT(utf8_seq_len("\xed\xa0\x80", 3), 0);     /* surrogate */
    CHECK_EQ_INT(utf8_seq_len("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
    CHECK_EQ_INT(utf8_seq_len("\x80", 1), 0);             /* a lone continuation */
    CHECK_EQ_INT(utf8_seq_len("a", 0), 0);
}

TEST(utf8_repair_replaces_only_the_bad_bytes)
{
    char *r = utf8_repair("ab\xc3");
    CHECK_EQ_STR(r, "ab\xef\xbf\xbd");
    free(r);
    r = utf8_repair("\xe4\xb8\xad\x80x\xff");
    CHECK_EQ_STR(r, "\xe4\xb8\xad\xef\xbf\xbdx\xef\xbf\xbd");
    free(r);
    r = utf8_repair("");
    CHECK_EQ_STR(r, "");
    free(r);
    CHECK(utf8_repair(NULL) == NULL);
    CHECK_EQ_INT(utf8_invalid_at("ok\xe4\xb8", 4), 2);
}
