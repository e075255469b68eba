/* test_strbuf.c — server/util/strbuf.c: growth, printf, escaping, insert/truncate, failure. */
#include "../../server/util/strbuf.h"
#include "testlib.h"

#include <stdlib.h>

TEST(strbuf_grows_across_many_appends_and_long_printf)
{
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 10000; i++)
        strbuf_put(&b, "ab");
    CHECK_EQ_INT(b.len, 20000);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_printf(&b, "<%s|%d>", big, 42); /* longer than any room left before growth */
    CHECK_EQ_INT(b.len, 20000 + 2999 + 5);
    CHECK_EQ_STR(b.data + 20000 + 1 + 2999, "|42>");
    size_t len = b.len;
    char *s = strbuf_take(&b);
    CHECK(s != NULL && strlen(s) == len);
    CHECK(b.data == NULL && b.len == 0 && !b.failed);
    free(s);
}

TEST(strbuf_take_of_nothing_is_an_empty_string)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_put(&b, NULL); /* appends nothing */
    char *s = strbuf_take(&b);
    CHECK_EQ_STR(s, "");
    free(s);
    strbuf_cleanup(NULL);
    strbuf_cleanup(&b);
    strbuf_cleanup(&b); /* twice is fine */
}

TEST(strbuf_escape_uses_entities_and_drops_control_characters)
{
    strbuf b = STRBUF_INIT;
    strbuf_escape(&b, "a<b>&\"c\"'d'\te\nf\rg\x01h\x7f");
    CHECK_EQ_STR(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;\te\nfgh");
    strbuf_truncate(&b, 0);
    strbuf_escape_n(&b, "<x>y", 2); /* only the first n bytes */
    CHECK_EQ_STR(b.data, "&lt;x");
    strbuf_escape(&b, NULL);
    CHECK_EQ_STR(b.data, "&lt;x");
    strbuf_cleanup(&b);
}

TEST(strbuf_insert_and_truncate)
{
    strbuf b = STRBUF_INIT;
    strbuf_put(&b, "<h2>Title</h2>");
    strbuf_insert(&b, 3, " id=\"t\"", 7);
    CHECK_EQ_STR(b.data, "<h2 id=\"t\">Title</h2>");
    strbuf_insert(&b, b.len, "!", 1); /* at the end */
    CHECK_EQ_STR(b.data, "<h2 id=\"t\">Title</h2>!");
    strbuf_insert(&b, b.len + 1, "?", 1); /* past the end: ignored */
    CHECK_EQ_STR(b.data, "<h2 id=\"t\">Title</h2>!");
    strbuf_truncate(&b, 11);
    CHECK_EQ_STR(b.data, "<h2 id=\"t\">");
    strbuf_truncate(&b, 99); /* longer than the content: no-op */
    CHECK_EQ_INT(b.len, 11);
    strbuf_cleanup(&b);
}

TEST(strbuf_after_a_failure_appends_nothing_and_take_gives_null)
{
    strbuf b = STRBUF_INIT;
    strbuf_put(&b, "kept so far");
    b.failed = true; /* as after a failed realloc */
    strbuf_put(&b, " lost");
    strbuf_printf(&b, "%d", 7);
    CHECK_EQ_STR(b.data, "kept so far");
    CHECK(strbuf_take(&b) == NULL);
    CHECK(b.data == NULL && !b.failed); /* reset and reusable */
    strbuf_put(&b, "again");
    char *s = strbuf_take(&b);
    CHECK_EQ_STR(s, "again");
    free(s);
}
