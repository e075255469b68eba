/*
 * test_pages_editor.c — unit tests of server/web/pages_editor.c: which ?next= values
 * the sign-in page keeps (paths on this site only; everything else is refused with NULL,
 * and the sign-in page then chooses by role: /editor or /lessons).
 */
#include "testlib.h"

#include "../../server/web/pages_editor.h"

TEST(editor_page_next_is_local_only)
{
    CHECK(pages_editor_safe_next(NULL) == NULL);
    CHECK(pages_editor_safe_next("") == NULL);
    CHECK_EQ_STR(pages_editor_safe_next("/editor"), "/editor");
    CHECK_EQ_STR(pages_editor_safe_next("/"), "/");
    CHECK_EQ_STR(pages_editor_safe_next("/editor?slug=reset&locale=zh-CN"),
                 "/editor?slug=reset&locale=zh-CN");
    CHECK_EQ_STR(pages_editor_safe_next("/lessons/time-wait"), "/lessons/time-wait");
    CHECK_EQ_STR(pages_editor_safe_next("/playground?scenario=lost-syn"),
                 "/playground?scenario=lost-syn");
    CHECK(pages_editor_safe_next("//evil.example/") == NULL);
    CHECK(pages_editor_safe_next("/lessons//evil.example") == NULL); /* no "//" anywhere */
    CHECK(pages_editor_safe_next("https://evil.example/") == NULL);
    CHECK(pages_editor_safe_next("javascript:alert(1)") == NULL);
    CHECK(pages_editor_safe_next("lessons") == NULL);
    CHECK(pages_editor_safe_next("/x\"><script>") == NULL);
    CHECK(pages_editor_safe_next("/\\evil.example") == NULL);
    CHECK(pages_editor_safe_next("/\\/evil.example") == NULL);
    CHECK(pages_editor_safe_next("/a b") == NULL);
    CHECK(pages_editor_safe_next("/a#frag") == NULL);
    CHECK(pages_editor_safe_next("/a\tb") == NULL);
    char long_path[260];
    long_path[0] = '/';
    for (int i = 1; i < 259; i++)
        long_path[i] = 'a';
    long_path[259] = '\0';
    CHECK(pages_editor_safe_next(long_path) == NULL);
}
