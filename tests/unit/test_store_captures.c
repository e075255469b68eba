/* test_store_captures.c — server/store/store_captures.c: put/get of a capture's bytes, the
 * anonymous quota and the purge by age, malformed and unknown ids. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../server/store/store.h"
#include "../../server/store/store_captures.h"
#include "test_store_fixture.h"
#include "testlib.h"

TEST(store_captures_put_get_quota_purge)
{
    test_db t;
    if (test_db_make(&t, "captures")) {
        testlib_fail(__FILE__, __LINE__, "mkdtemp failed");
        return;
    }
    store *s = store_open(t.db, t.err, sizeof t.err);
    CHECK(s != NULL);
    if (!s) {
        test_db_remove(&t);
        return;
    }
    const unsigned char file[] = {0xd4, 0xc3, 0xb2, 0xa1, 0, 1, 2, 0, 0xff};
    char kept[STORE_CAPTURE_ID_SIZE], a[STORE_CAPTURE_ID_SIZE], b[STORE_CAPTURE_ID_SIZE];
    CHECK_EQ_INT(store_capture_put(s, file, sizeof file, false, 0, kept), STORE_OK);
    CHECK_EQ_INT((int)strlen(kept), 22);
    CHECK(store_capture_id_valid(kept));
    CHECK_EQ_INT(store_capture_put(s, file, 4, true, 1, a), STORE_OK);
    CHECK_EQ_INT(store_capture_put(s, file, 4, true, 1, b), STORE_CONFLICT);
    CHECK_EQ_STR(b, "");
    CHECK_EQ_INT(store_capture_put(s, file, 0, true, 1, b), STORE_ERROR);

    store_capture c;
    CHECK_EQ_INT(store_capture_get(s, kept, &c), STORE_OK);
    CHECK_EQ_INT((int)c.size, (int)sizeof file);
    CHECK(c.data && memcmp(c.data, file, sizeof file) == 0); /* bytes, NULs included */
    CHECK(!c.anonymous);
    CHECK(c.created_at > 0);
    store_capture_cleanup(&c);
    CHECK(c.data == NULL);
    CHECK_EQ_INT(store_capture_get(s, a, &c), STORE_OK);
    CHECK(c.anonymous);
    CHECK_EQ_INT((int)c.size, 4);
    store_capture_cleanup(&c);
    CHECK_EQ_INT(store_capture_get(s, "AAAAAAAAAAAAAAAAAAAAAA", &c), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_capture_get(s, "../etc/passwd", &c), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_capture_get(s, "", &c), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_capture_get(s, NULL, &c), STORE_NOT_FOUND);

    int64_t gone = -1;
    CHECK_EQ_INT(store_capture_purge_anonymous(s, 0, &gone), STORE_OK);
    CHECK_EQ_INT(gone, 0);
    CHECK_EQ_INT(store_capture_purge_anonymous(s, (int64_t)time(NULL) + 10, &gone), STORE_OK);
    CHECK_EQ_INT(gone, 1);
    CHECK_EQ_INT(store_capture_get(s, a, &c), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_capture_get(s, kept, &c), STORE_OK);
    store_capture_cleanup(&c);
    CHECK_EQ_INT(store_capture_put(s, file, 4, true, 1, b), STORE_OK); /* room again */
    store_close(s);
    test_db_remove(&t);
}
