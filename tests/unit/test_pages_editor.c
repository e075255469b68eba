/*
 * test_pages_editor.c — unit tests of server/web/pages_editor.c: which ?next= values
 * the sign-in page keeps (paths on this site only; everything else becomes /editor).
 */
#include "testlib.h"

#include "../../server/web/pages_editor.h"

TEST(editor_page_next_is_local_only)
{
    CHECK_EQ_STR(pages_editor_safe_next(NULL), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next(""), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/editor"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/"), "/");
    CHECK_EQ_STR(pages_editor_safe_next("/editor?slug=reset&locale=zh-CN"),
                 "/editor?slug=reset&locale=zh-CN");
    CHECK_EQ_STR(pages_editor_safe_next("/lessons/time-wait"), "/lessons/time-wait");
    CHECK_EQ_STR(pages_editor_safe_next("//evil.example/"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("https://evil.example/"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("javascript:alert(1)"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/x\"><script>"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/\\evil.example"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/a b"), "/editor");
    char long_path[260];
    long_path[0] = '/';
    for (int i = 1; i < 259; i++)
        long_path[i] = 'a';
    long_path[259] = '\0';
    CHECK_EQ_STR(pages_editor_safe_next(long_path), "/editor");
}
