/* test_store_lessons.c — server/store/store_lessons.c (lessons with revisions), the
 * database-backed lesson set (lessons_db.c) and lessons_swap under concurrent readers. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../server/lessons/lessons.h"
#include "../../server/web/lessons_db.h"
#include "../../server/store/store.h"
#include "../../server/store/store_lessons.h"
#include "testlib.h"

typedef struct sl_tmp {
    char dir[64];
    char db[128];
} sl_tmp;

static store *sl_open(sl_tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/tcplab-sl-XXXXXX");
    if (!mkdtemp(t->dir))
        testlib_fail(__FILE__, __LINE__, "mkdtemp failed");
    snprintf(t->db, sizeof t->db, "%s/t.db", t->dir);
    char err[256];
    store *s = store_open(t->db, err, sizeof err);
    if (!s)
        testlib_fail(__FILE__, __LINE__, err);
    return s;
}

static void sl_close(sl_tmp *t, store *s)
{
    store_close(s);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
}

static const char LESSON_A[] = "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                               "locale: en\n---\n\n# A\n\nText one.\n";

TEST(store_lessons_create_update_conflict_revisions_restore_delete)
{
    sl_tmp t;
    store *s = sl_open(&t);
    int64_t r1 = 0, r2 = 0, r3 = 0, cur = 0;
    CHECK_EQ_INT(store_lesson_create(s, "a", "en", LESSON_A, strlen(LESSON_A), "user:x", &r1),
                 STORE_OK);
    CHECK(r1 > 0);
    CHECK_EQ_INT(store_lesson_create(s, "a", "en", "x", 1, "user:y", NULL), STORE_CONFLICT);
    /* byte-exact: CRLF, a NUL, no final newline */
    static const char odd[] = "---\r\ntitle: b\r\n\0tail";
    CHECK_EQ_INT(store_lesson_update(s, "a", "en", r1, odd, sizeof odd - 1, "user:y", &r2, NULL),
                 STORE_OK);
    CHECK(r2 > r1);
    /* stale: the other instructor still holds r1 */
    CHECK_EQ_INT(store_lesson_update(s, "a", "en", r1, "zzz", 3, "user:z", &r3, &cur),
                 STORE_CONFLICT);
    CHECK(cur == r2);
    store_lesson_rev g;
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id == r2);
    CHECK(g.body_len == sizeof odd - 1 && !memcmp(g.body, odd, sizeof odd - 1));
    CHECK_EQ_STR(g.author, "user:y");
    store_lesson_rev_cleanup(&g);
    CHECK_EQ_INT(store_lesson_get(s, "a", "zh-CN", &g), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_lesson_update(s, "nope", "en", 1, "x", 1, "u", NULL, NULL), STORE_NOT_FOUND);

    store_lesson_rev *v;
    size_t n;
    CHECK_EQ_INT(store_lesson_revisions(s, "a", "en", &v, &n), STORE_OK);
    CHECK_EQ_INT((int)n, 2);
    CHECK(v[0].id == r2 && v[1].id == r1 && v[0].body == NULL);
    store_lesson_revs_free(v, n);

    /* restore r1: a new revision with r1's text; stale expected refused */
    CHECK_EQ_INT(store_lesson_restore(s, "a", "en", r1, r1, "user:z", &r3, &cur), STORE_CONFLICT);
    CHECK_EQ_INT(store_lesson_restore(s, "a", "en", r1, r2, "user:z", &r3, NULL), STORE_OK);
    CHECK(r3 > r2);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id == r3);
    CHECK_EQ_STR(g.body, LESSON_A);
    store_lesson_rev_cleanup(&g);
    CHECK_EQ_INT(store_lesson_restore(s, "a", "en", 999999, 0, "u", NULL, NULL), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_lesson_revision_get(s, "a", "en", r2, &g), STORE_OK);
    CHECK(g.body_len == sizeof odd - 1 && !memcmp(g.body, odd, sizeof odd - 1));
    store_lesson_rev_cleanup(&g);

    /* soft delete: invisible, history kept, create or restore revives */
    CHECK_EQ_INT(store_lesson_delete(s, "a", "en", r2, &cur), STORE_CONFLICT);
    CHECK_EQ_INT(store_lesson_delete(s, "a", "en", 0, NULL), STORE_OK);
    CHECK_EQ_INT(store_lesson_delete(s, "a", "en", 0, NULL), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_lesson_list(s, false, false, &v, &n), STORE_OK);
    CHECK_EQ_INT((int)n, 0);
    store_lesson_revs_free(v, n);
    CHECK_EQ_INT(store_lesson_list(s, true, true, &v, &n), STORE_OK);
    CHECK_EQ_INT((int)n, 1);
    CHECK(v[0].deleted && v[0].id == r3 && v[0].body && !strcmp(v[0].body, LESSON_A));
    store_lesson_revs_free(v, n);
    CHECK_EQ_INT(store_lesson_revisions(s, "a", "en", &v, &n), STORE_OK);
    CHECK_EQ_INT((int)n, 3);
    store_lesson_revs_free(v, n);
    int64_t r4 = 0;
    CHECK_EQ_INT(store_lesson_restore(s, "a", "en", r2, 0, "user:z", &r4, NULL), STORE_OK);
    CHECK_EQ_INT(store_lesson_get(s, "a", "en", &g), STORE_OK);
    CHECK(g.id == r4 && g.body_len == sizeof odd - 1);
    store_lesson_rev_cleanup(&g);
    sl_close(&t, s);
}

TEST(store_lessons_import_only_once)
{
    sl_tmp t;
    store *s = sl_open(&t);
    store_lesson_text items[2] = {{"a", "en", "A", 1}, {"a", "zh-CN", "B\n", 2}};
    int64_t n = -1;
    CHECK_EQ_INT(store_lesson_count(s, &n), STORE_OK);
    CHECK(n == 0);
    CHECK_EQ_INT(store_lesson_import(s, items, 2, "import"), STORE_OK);
    CHECK_EQ_INT(store_lesson_import(s, items, 2, "import"), STORE_CONFLICT);
    CHECK_EQ_INT(store_lesson_count(s, &n), STORE_OK);
    CHECK(n == 2);
    store_lesson_rev g;
    CHECK_EQ_INT(store_lesson_get(s, "a", "zh-CN", &g), STORE_OK);
    CHECK_EQ_STR(g.body, "B\n");
    CHECK_EQ_STR(g.author, "import");
    store_lesson_rev_cleanup(&g);
    sl_close(&t, s);
}

/* lessons/ imported, exported again: byte-identical files; the set from the DB has them. */
TEST(lessons_db_import_load_export_roundtrip)
{
    sl_tmp t;
    store *s = sl_open(&t);
    char err[512];
    size_t imported = 0, again = 9, written = 0;
    CHECK_EQ_INT(lessons_db_import(s, "lessons", &imported, err, sizeof err), 0);
    CHECK(imported >= 2);
    CHECK_EQ_INT(lessons_db_import(s, "lessons", &again, err, sizeof err), 0);
    CHECK(again == 0);
    char out[200], cmd[500];
    snprintf(out, sizeof out, "%s/export", t.dir);
    CHECK_EQ_INT(lessons_db_export(s, out, &written, err, sizeof err), 0);
    CHECK(written == imported);
    snprintf(cmd, sizeof cmd, "diff -r lessons '%s' >/dev/null", out);
    CHECK_EQ_INT(system(cmd), 0);
    lessons_set *set = lessons_db_load(s, NULL, err, sizeof err);
    CHECK(set != NULL);
    CHECK(lessons_find(set, "three-way-handshake", "en") != NULL);
    CHECK(lessons_find(set, "three-way-handshake", "zh-CN") != NULL);
    lessons_free(set);
    sl_close(&t, s);
}

/* Readers keep looking lessons up (and touching what they got) while a writer swaps new
 * generations in and old ones are freed as soon as no pin reaches them; run under ASan
 * this proves no pinned reader sees freed memory. */
typedef struct swap_ctx {
    lessons_set *live;
    atomic_bool stop;
    atomic_long seen;
} swap_ctx;

static void *swap_reader(void *arg)
{
    swap_ctx *c = arg;
    while (!atomic_load(&c->stop)) {
        const lessons_pin *pin = lessons_pin_take(c->live);
        const lesson *l = lessons_find(c->live, "a", "en");
        const lesson *list[8];
        size_t n = lessons_list(c->live, "en", list, 8);
        sched_yield(); /* let swaps happen while the pointers are held */
        if (l && l->title && l->html && strlen(l->html) > 0)
            atomic_fetch_add(&c->seen, 1);
        for (size_t i = 0; i < n && i < 8; i++)
            if (!list[i]->slug[0] || !list[i]->html[0])
                abort();
        lessons_pin_drop(c->live, pin);
    }
    return NULL;
}

TEST(lessons_swap_concurrent_readers)
{
    char err[256];
    static const char base[] = "---\ntitle: \"T%d\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                               "locale: en\n---\n\n# Title %d\n\nBody %d.\n";
    char text[300];
    snprintf(text, sizeof text, base, 0, 0, 0);
    lessons_text lt = {"a.md", text, strlen(text), 0};
    swap_ctx c;
    c.live = lessons_from_texts(&lt, 1, NULL, err, sizeof err);
    CHECK(c.live != NULL);
    atomic_init(&c.stop, false);
    atomic_init(&c.seen, 0);
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, swap_reader, &c);
    for (int k = 1; k <= 40; k++) {
        snprintf(text, sizeof text, base, k, k, k);
        lt.len = strlen(text);
        lessons_swap(c.live, lessons_from_texts(&lt, 1, c.live, err, sizeof err));
    }
    while (atomic_load(&c.seen) == 0) /* on a loaded machine the readers may start late */
        sched_yield();
    atomic_store(&c.stop, true);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    CHECK(atomic_load(&c.seen) > 0);
    CHECK_EQ_INT(lessons_retired_count(c.live), 0); /* every old generation was freed */
    const lessons_pin *pin = lessons_pin_take(c.live);
    const lesson *l = lessons_find(c.live, "a", "en");
    CHECK(l != NULL);
    CHECK_EQ_STR(l->title, "T40");
    lessons_pin_drop(c.live, pin);
    lessons_free(c.live);
}

/* A retired generation lives exactly as long as a pin taken before its retirement (or on
 * an older generation) is held: memory does not grow with saves. */
TEST(lessons_swap_frees_unpinned_generations)
{
    char err[256];
    static const char base[] = "---\ntitle: \"T%d\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                               "locale: en\n---\n\n# Title %d\n";
    char text[200];
    snprintf(text, sizeof text, base, 0, 0);
    lessons_text lt = {"a.md", text, strlen(text), 0};
    lessons_set *live = lessons_from_texts(&lt, 1, NULL, err, sizeof err);
    CHECK(live != NULL);
    if (!live)
        return;
    const lessons_pin *old_pin = lessons_pin_take(live);
    const lesson *old = lessons_find(live, "a", "en");
    for (int k = 1; k <= 5; k++) {
        snprintf(text, sizeof text, base, k, k);
        lt.len = strlen(text);
        lessons_swap(live, lessons_from_texts(&lt, 1, live, err, sizeof err));
    }
    /* the first pin holds generation 0, and with it every younger retired one */
    CHECK_EQ_INT(lessons_retired_count(live), 5);
    CHECK_EQ_STR(old->title, "T0"); /* still valid (ASan would object otherwise) */
    const lessons_pin *new_pin = lessons_pin_take(live); /* on generation 5, the current */
    lessons_pin_drop(live, old_pin);
    CHECK_EQ_INT(lessons_retired_count(live), 0);
    snprintf(text, sizeof text, base, 6, 6);
    lt.len = strlen(text);
    lessons_swap(live, lessons_from_texts(&lt, 1, live, err, sizeof err));
    CHECK_EQ_INT(lessons_retired_count(live), 1); /* generation 5 is pinned */
    CHECK_EQ_STR(lessons_find(live, "a", "en")->title, "T6");
    lessons_pin_drop(live, new_pin);
    CHECK_EQ_INT(lessons_retired_count(live), 0);
    lessons_pin_drop(live, NULL);
    CHECK(lessons_pin_take(NULL) == NULL);
    lessons_free(live);
}

/* An unchanged lesson (same tag) is shared by the next set, a changed one parsed again;
 * the two sets can be freed in either order (ASan checks). */
TEST(lessons_from_texts_shares_unchanged)
{
    char err[256];
    static const char a[] = "---\ntitle: \"A\"\nsummary: \"s\"\norder: 1\ntags: [x]\n"
                            "locale: en\n---\n\n# A\n";
    static const char b1[] = "---\ntitle: \"B1\"\nsummary: \"s\"\norder: 2\ntags: [x]\n"
                             "locale: en\n---\n\n# B\n";
    static const char b2[] = "---\ntitle: \"B2\"\nsummary: \"s\"\norder: 2\ntags: [x]\n"
                             "locale: en\n---\n\n# B\n";
    for (int order = 0; order < 2; order++) {
        lessons_text t1[2] = {{"a.md", a, sizeof a - 1, 10}, {"b.md", b1, sizeof b1 - 1, 11}};
        lessons_set *s1 = lessons_from_texts(t1, 2, NULL, err, sizeof err);
        lessons_text t2[2] = {{"a.md", a, sizeof a - 1, 10}, {"b.md", b2, sizeof b2 - 1, 12}};
        lessons_set *s2 = lessons_from_texts(t2, 2, s1, err, sizeof err);
        CHECK(s1 && s2);
        CHECK(lessons_find(s1, "a", "en") == lessons_find(s2, "a", "en"));
        CHECK(lessons_find(s1, "b", "en") != lessons_find(s2, "b", "en"));
        CHECK_EQ_STR(lessons_find(s2, "b", "en")->title, "B2");
        if (order) {
            lessons_free(s1);
            lessons_free(s2);
        } else {
            lessons_free(s2);
            lessons_free(s1);
        }
    }
}
