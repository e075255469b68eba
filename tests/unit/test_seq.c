/* test_seq.c — wraparound-safe sequence comparisons (server/engine/seq.h). */
#include "../../server/engine/seq.h"
#include "testlib.h"

TEST(seq_compare_plain)
{
    CHECK(seq_lt(1, 2));
    CHECK(!seq_lt(2, 2));
    CHECK(seq_leq(2, 2));
    CHECK(seq_gt(3, 2));
    CHECK(seq_geq(3, 3));
}

TEST(seq_compare_across_wrap)
{
    CHECK(seq_lt(0xfffffff0u, 0x10u));
    CHECK(seq_gt(0x10u, 0xfffffff0u));
    CHECK(seq_in_range(0x2u, 0xfffffffeu, 0x5u));
    CHECK(seq_in_range(0xffffffffu, 0xfffffffeu, 0x5u));
    CHECK(!seq_in_range(0x5u, 0xfffffffeu, 0x5u));
    CHECK(!seq_in_range(7, 7, 7)); /* empty range */
}
