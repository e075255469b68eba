/* test_lesson_sync.c — the line diff (util/linediff.c), the lesson_file_sync table and the
 * folder import transaction (store/store_lesson_sync.c), and the per-file decisions of
 * `tcplab lessons import` (web/lessons_sync.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../server/store/store.h"
#include "../../server/store/store_lesson_sync.h"
#include "../../server/store/store_lessons.h"
#include "../../server/util/linediff.h"
#include "../../server/web/lessons_db.h"
#include "../../server/web/lessons_sync.h"
#include "testlib.h"

static char *diff_of(const char *a, const char *b, size_t max_lines, linediff_stats *st)
{
    strbuf out = STRBUF_INIT;
    CHECK_EQ_INT(linediff_unified(&out, a, strlen(a), b, strlen(b), 1, max_lines, st), 0);
    char *s = strbuf_take(&out);
    return s;
}

TEST(linediff_hunks_counts_and_limits)
{
    linediff_stats st;
    char *d = diff_of("a\nb\nc\n", "a\nb\nc\n", 0, &st);
    CHECK_EQ_STR(d, "");
    CHECK(st.added == 0 && st.removed == 0 && st.hunks == 0);
    free(d);

    d = diff_of("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\nthree\n4\n5\n6\n7\n8\nnine\n", 0, &st);
    CHECK_EQ_STR(d, "@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n@@ -8,1 +8,2 @@\n 8\n+nine\n");
    CHECK(st.added == 2 && st.removed == 1 && st.hunks == 2);
    free(d);

    /* the changed middle is the LCS: one removed line among kept ones */
    d = diff_of("x\na\nb\nc\ny\n", "x\na\nc\ny\n", 0, &st);
    CHECK_EQ_STR(d, "@@ -2,3 +2,2 @@\n a\n-b\n c\n");
    free(d);

    /* a missing final newline is a difference, and is said */
    d = diff_of("a\nb\n", "a\nb", 0, &st);
    CHECK_EQ_STR(d, "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
    free(d);

    /* from nothing, and to nothing */
    d = diff_of("", "new\n", 0, &st);
    CHECK_EQ_STR(d, "@@ -0,0 +1,1 @@\n+new\n");
    free(d);
    d = diff_of("old\n", "", 0, &st);
    CHECK_EQ_STR(d, "@@ -1,1 +0,0 @@\n-old\n");
    free(d);

    /* max_lines: the rest is counted, not written */
    d = diff_of("a\n", "1\n2\n3\n4\n5\n", 3, &st);
    CHECK_EQ_STR(d, "@@ -1,1 +1,5 @@\n-a\n+1\n… 4 more diff lines\n");
    CHECK(st.added == 5 && st.removed == 1 && st.omitted == 4);
    free(d);
}

TEST(linediff_large_middle_falls_back_to_remove_and_add)
{
    /* 3000 × 3000 lines > LINEDIFF_MAX_CELLS: every middle line removed, then added */
    size_t n = 3000;
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        strbuf_printf(&a, "a%zu\n", i);
        strbuf_printf(&b, "b%zu\n", i);
    }
    strbuf out = STRBUF_INIT;
    linediff_stats st;
    CHECK_EQ_INT(linediff_unified(&out, a.data, a.len, b.data, b.len, 3, 10, &st), 0);
    CHECK(st.added == n && st.removed == n && st.hunks == 1);
    CHECK(strstr(out.data, "@@ -1,3000 +1,3000 @@\n-a0\n") == out.data);
    strbuf_cleanup(&out);
    strbuf_cleanup(&a);
    strbuf_cleanup(&b);
}

typedef struct ls_tmp {
    char dir[64], db[128], files[128];
} ls_tmp;

static store *ls_open(ls_tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/tcplab-ls-XXXXXX");
    if (!mkdtemp(t->dir))
        testlib_fail(__FILE__, __LINE__, "mkdtemp failed");
    snprintf(t->db, sizeof t->db, "%s/t.db", t->dir);
    snprintf(t->files, sizeof t->files, "%s/course", t->dir);
    char err[256];
    store *s = store_open(t->db, err, sizeof err);
    if (!s)
        testlib_fail(__FILE__, __LINE__, "%s", err);
    return s;
}

static void ls_close(ls_tmp *t, store *s)
{
    store_close(s);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
}

TEST(store_lesson_sync_apply_all_or_nothing)
{
    ls_tmp t;
    store *s = ls_open(&t);
    store_lesson_sync_item it[2] = {
        {"a", "en", 0, "A1", 2, "files", "h1", 0},
        {"b", "en", 0, "B1", 2, "files", "h2", 0},
    };
    CHECK_EQ_INT(store_lesson_sync_apply(s, it, 2, "/course"), STORE_OK);
    CHECK(it[0].rev_out > 0 && it[1].rev_out > it[0].rev_out);
    store_lesson_sync r;
    CHECK_EQ_INT(store_lesson_sync_get(s, "a", "en", &r), STORE_OK);
    CHECK(r.revision == it[0].rev_out && r.synced_at > 0);
    CHECK_EQ_STR(r.file_hash, "h1");
    CHECK_EQ_STR(r.dir, "/course");
    CHECK_EQ_INT(store_lesson_sync_get(s, "a", "zh-CN", &r), STORE_NOT_FOUND);

    /* b saved in the browser meanwhile: the whole run is refused, a is not changed either */
    int64_t ra = it[0].rev_out, rb = it[1].rev_out, rb2 = 0;
    CHECK_EQ_INT(store_lesson_update(s, "b", "en", rb, "B2", 2, "user:prof", &rb2, NULL), STORE_OK);
    store_lesson_sync_item again[2] = {
        {"a", "en", ra, "A2", 2, "files", "h3", 0},
        {"b", "en", rb, "B3", 2, "files", "h4", 0},
    };
    CHECK_EQ_INT(store_lesson_sync_apply(s, again, 2, "/course"), STORE_CONFLICT);
    CHECK(strstr(store_last_error(), "b (en)") != NULL);
    store_lesson_rev g;
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id == ra);
    CHECK_EQ_STR(g.body, "A1");
    store_lesson_rev_cleanup(&g);
    CHECK_EQ_INT(store_lesson_sync_get(s, "a", "en", &r), STORE_OK);
    CHECK_EQ_STR(r.file_hash, "h1");

    /* a record only (no body): names the current revision; a deleted lesson is revived */
    store_lesson_sync_item rec = {"b", "en", rb2, NULL, 0, NULL, NULL, 0};
    CHECK_EQ_INT(store_lesson_sync_apply(s, &rec, 1, ""), STORE_OK);
    CHECK(rec.rev_out == rb2);
    CHECK_EQ_INT(store_lesson_sync_get(s, "b", "en", &r), STORE_OK);
    CHECK(r.revision == rb2 && r.file_hash[0] == 0);
    CHECK_EQ_INT(store_lesson_delete(s, "a", "en", 0, NULL), STORE_OK);
    store_lesson_sync_item revive = {"a", "en", ra, "A3", 2, "files", "h5", 0};
    CHECK_EQ_INT(store_lesson_sync_apply(s, &revive, 1, "/course"), STORE_OK);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK_EQ_STR(g.body, "A3");
    CHECK_EQ_STR(g.author, "files");
    store_lesson_rev_cleanup(&g);

    store_lesson_sync *v;
    size_t n;
    CHECK_EQ_INT(store_lesson_sync_list(s, &v, &n), STORE_OK);
    CHECK_EQ_INT((int)n, 2);
    CHECK_EQ_STR(v[0].slug, "a");
    free(v);
    ls_close(&t, s);
}

TEST(store_lesson_sync_seed_after_first_import)
{
    ls_tmp t;
    store *s = ls_open(&t);
    store_lesson_text items[1] = {{"a", "en", "A", 1}};
    CHECK_EQ_INT(store_lesson_import(s, items, 1, "import"), STORE_OK);
    CHECK_EQ_INT(store_lesson_sync_seed(s, "/course"), STORE_OK);
    store_lesson_sync r;
    CHECK_EQ_INT(store_lesson_sync_get(s, "a", "en", &r), STORE_OK);
    CHECK(r.revision > 0 && r.file_hash[0] == 0);
    CHECK_EQ_STR(r.dir, "/course");
    ls_close(&t, s);
}

static const char LESSON[] = "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                             "locale: en\n---\n\n# A\n\nText one.\n";

static void put_file(const ls_tmp *t, const char *name, const char *text)
{
    char err[256];
    if (lessons_db_write_file(t->files, name, text, strlen(text), err, sizeof err) != 0)
        testlib_fail(__FILE__, __LINE__, "%s", err);
}

static lessons_sync_state state_of(store *s, const ls_tmp *t, bool force, const char *name,
                                   bool apply)
{
    char err[512];
    lessons_sync_options opt = {force, NULL, NULL};
    lessons_sync_plan *p = lessons_sync_plan_make(s, t->files, &opt, err, sizeof err);
    if (!p)
        testlib_fail(__FILE__, __LINE__, "%s", err);
    lessons_sync_state st = LESSONS_SYNC_STATES;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].name, name))
            st = p->v[i].state;
    if (apply)
        lessons_sync_apply(s, p, NULL, err, sizeof err);
    lessons_sync_plan_free(p);
    return st;
}

static const char *source_state(store *s, const ls_tmp *t)
{
    static char state[32];
    store_lesson_rev g;
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    json_t *o = lessons_sync_source_json(s, t->files, "a", "en", g.id);
    snprintf(state, sizeof state, "%s", json_string_value(json_object_get(o, "state")));
    json_decref(o);
    store_lesson_rev_cleanup(&g);
    return state;
}

TEST(lessons_sync_decides_per_file)
{
    ls_tmp t;
    store *s = ls_open(&t);
    CHECK_EQ_INT(mkdir(t.files, 0700), 0);
    put_file(&t, "a.md", LESSON);
    CHECK_EQ_INT(state_of(s, &t, false, "a.md", true), LESSONS_SYNC_NEW);
    store_lesson_rev g;
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK_EQ_STR(g.author, "files"); /* not in a git work tree */
    int64_t r1 = g.id;
    store_lesson_rev_cleanup(&g);
    CHECK_EQ_STR(source_state(s, &t), "same");
    CHECK_EQ_INT(state_of(s, &t, false, "a.md", true), LESSONS_SYNC_UNCHANGED);

    /* the file changed, the database did not */
    put_file(&t, "a.md",
             "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
             "locale: en\n---\n\n# A\n\nText two.\n");
    CHECK_EQ_STR(source_state(s, &t), "file-newer");
    CHECK_EQ_INT(state_of(s, &t, false, "a.md", true), LESSONS_SYNC_CHANGED);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id > r1 && strstr(g.body, "Text two.") != NULL);
    int64_t r2 = g.id;
    store_lesson_rev_cleanup(&g);

    /* a browser edit; the file unchanged: the database is newer and stays */
    static const char browser[] = "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                                  "locale: en\n---\n\n# A\n\nText three.\n";
    int64_t r3 = 0;
    CHECK_EQ_INT(
        store_lesson_update(s, "a", "en", r2, browser, strlen(browser), "user:prof", &r3, NULL),
        STORE_OK);
    CHECK_EQ_STR(source_state(s, &t), "database-newer");
    CHECK_EQ_INT(state_of(s, &t, false, "a.md", true), LESSONS_SYNC_DB_NEWER);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id == r3);
    store_lesson_rev_cleanup(&g);

    /* both changed: refused, nothing written; force takes the file */
    put_file(&t, "a.md",
             "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
             "locale: en\n---\n\n# A\n\nText four.\n");
    put_file(&t, "b.md",
             "---\ntitle: \"B\"\nsummary: \"s\"\norder: 2\ntags: [x]\n"
             "locale: en\n---\n\n# B\n");
    CHECK_EQ_STR(source_state(s, &t), "both-changed");
    CHECK_EQ_INT(state_of(s, &t, false, "a.md", true), LESSONS_SYNC_CONFLICT);
    CHECK_EQ_INT(store_lesson_get(s, "b", "en", &g), STORE_NOT_FOUND);
    CHECK_EQ_INT(state_of(s, &t, true, "a.md", true), LESSONS_SYNC_FORCED);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id > r3 && strstr(g.body, "Text four.") != NULL);
    store_lesson_rev_cleanup(&g);
    CHECK_EQ_INT(store_lesson_get(s, "b", "en", &g), STORE_OK);
    store_lesson_rev_cleanup(&g);

    /* a file that does not parse: invalid, with FILE:LINE; nothing of the run written */
    put_file(&t, "b.md",
             "---\ntitle: \"B\"\nsummary: \"s\"\norder: 2\ntags: [x]\n"
             "locale: en\n---\n\n# B, two\n");
    put_file(&t, "c.md", "---\ntitle: [\n---\n");
    char err[512];
    lessons_sync_options opt = {false, "Ada", NULL};
    lessons_sync_plan *p = lessons_sync_plan_make(s, t.files, &opt, err, sizeof err);
    CHECK(p != NULL);
    CHECK(lessons_sync_refused(p));
    CHECK_EQ_INT((int)p->count[LESSONS_SYNC_INVALID], 1);
    CHECK_EQ_INT((int)p->count[LESSONS_SYNC_CHANGED], 1);
    CHECK(p->v[2].problems && strstr(p->v[2].problems, "/course/c.md:") != NULL);
    CHECK_EQ_INT(lessons_sync_apply(s, p, NULL, err, sizeof err), 1);
    lessons_sync_plan_free(p);
    CHECK_EQ_INT(store_lesson_get(s, "b", "en", &g), STORE_OK);
    CHECK(strstr(g.body, "B, two") == NULL);
    store_lesson_rev_cleanup(&g);

    /* export into the synced folder records the written text */
    char cfile[200];
    snprintf(cfile, sizeof cfile, "%s/c.md", t.files);
    unlink(cfile);
    size_t written = 0, recorded = 0;
    CHECK_EQ_INT(lessons_sync_export(s, t.files, &written, &recorded, err, sizeof err), 0);
    CHECK_EQ_INT((int)written, 2);
    CHECK_EQ_INT((int)recorded, 2);
    CHECK_EQ_STR(source_state(s, &t), "same");
    ls_close(&t, s);
}
