/*
 * store_captures.c — the `captures` table (see store_captures.h).
 *
 * Owns: the insert (with the anonymous quota), the lookup (the file's bytes copied out of
 * the row) and the purge of old anonymous saves.
 * Does not: make ids (store_link_id, store_simulations.c) or interpret the bytes.
 */
#include "store_captures.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

_Static_assert(STORE_CAPTURE_ID_SIZE == STORE_LINK_ID_SIZE, "a capture id is a link id");

static const char SQL_INSERT[] = "INSERT INTO captures (id, file, bytes, anonymous, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_COUNT_ANON[] = "SELECT COUNT(*) FROM captures WHERE anonymous = 1";
static const char SQL_PURGE_ANON[] = "DELETE FROM captures WHERE anonymous = 1 AND created_at < ?1";
static const char SQL_SELECT[] = "SELECT file, anonymous, created_at FROM captures WHERE id = ?1";

bool store_capture_id_valid(const char *id)
{
    return store_link_id_valid(id);
}

store_status store_capture_put(store *s, const void *data, size_t size, bool anonymous,
                               int64_t max_rows, char id_out[STORE_CAPTURE_ID_SIZE])
{
    id_out[0] = '\0';
    if (!data || size == 0 || size > INT_MAX)
        return store_set_error("store_capture_put: no capture, or one too large (%zu bytes)", size);
    char id[STORE_CAPTURE_ID_SIZE];
    if (store_link_id(id))
        return STORE_ERROR;
    store_conn *c = store_write_begin(s, true); /* its id is shared as a link: never lost */
    if (!c)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    if (anonymous && max_rows > 0) {
        int64_t n = 0;
        rc = store_count(c, store_stmt(c, SQL_COUNT_ANON), &n, "counting anonymous captures");
        if (rc == STORE_OK && n >= max_rows)
            rc = STORE_CONFLICT;
    }
    if (rc == STORE_OK) {
        sqlite3_stmt *st = store_stmt(c, SQL_INSERT);
        if (st) {
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, data, (int)size, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
            sqlite3_bind_int(st, 4, anonymous ? 1 : 0);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        }
        rc = store_exec(c, st, "saving the capture", NULL, NULL);
    }
    store_status end = store_write_end(s, c, rc == STORE_OK);
    if (rc != STORE_OK)
        return rc;
    if (end != STORE_OK)
        return end;
    memcpy(id_out, id, strlen(id) + 1);
    return STORE_OK;
}

/* The row (file, anonymous, created_at) copied into *elem (a store_capture). */
static store_status capture_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)arg;
    store_capture *out = elem;
    const void *blob = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (!blob || n <= 0)
        return store_set_error("a saved capture has no bytes");
    out->data = malloc((size_t)n);
    if (!out->data)
        return store_set_error("out of memory");
    memcpy(out->data, blob, (size_t)n);
    out->size = (size_t)n;
    out->anonymous = sqlite3_column_int(st, 1) != 0;
    out->created_at = (int64_t)sqlite3_column_int64(st, 2);
    return STORE_OK;
}

store_status store_capture_get(store *s, const char *id, store_capture *out)
{
    memset(out, 0, sizeof *out);
    if (!store_capture_id_valid(id))
        return STORE_NOT_FOUND;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SELECT);
    if (st)
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    return store_one(c, st, sizeof *out, capture_row, NULL, out, "reading the capture");
}

void store_capture_cleanup(store_capture *c)
{
    if (!c)
        return;
    free(c->data);
    memset(c, 0, sizeof *c);
}

store_status store_capture_purge_anonymous(store *s, int64_t before, int64_t *deleted)
{
    return store_purge_before(s, SQL_PURGE_ANON, before, "purging old anonymous captures", deleted);
}
