/*
 * store_simulations.c — the `simulations` table (see store_simulations.h).
 *
 * Owns: the random ids of rows shared by link (store_link_id, getrandom(2), base64url; saved
 * captures use them too), the insert (with the anonymous quota), the lookup and the purge
 * of old anonymous saves.
 * Does not: interpret the stored JSON.
 */
#include "store_simulations.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "store_internal.h"

static const char SQL_INSERT[] =
    "INSERT INTO simulations (id, scenario_json, created_at, anonymous) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_COUNT_ANON[] = "SELECT COUNT(*) FROM simulations WHERE anonymous = 1";
static const char SQL_PURGE_ANON[] =
    "DELETE FROM simulations WHERE anonymous = 1 AND created_at < ?1";
static const char SQL_SELECT[] = "SELECT scenario_json FROM simulations WHERE id = ?1";

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool store_link_id_valid(const char *id)
{
    if (!id)
        return false;
    size_t n = strlen(id);
    if (n == 0 || n >= STORE_LINK_ID_SIZE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr(b64url, id[i]) || id[i] == '\0')
            return false;
    return true;
}

bool store_simulation_id_valid(const char *id)
{
    return store_link_id_valid(id);
}

int store_link_id(char out[STORE_LINK_ID_SIZE])
{
    unsigned char r[16];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = getrandom(r + got, sizeof r - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            store_set_error("getrandom: %s", strerror(errno));
            return -1;
        }
        got += (size_t)n;
    }
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < sizeof r; i++) {
        acc = (acc << 8) | r[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = b64url[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        out[o++] = b64url[(acc << (6 - bits)) & 63];
    out[o] = '\0';
    return 0;
}

/* The insert; anonymous with max_rows > 0: only below that many anonymous rows. */
static store_status put(store *s, const char *scenario_json, bool anonymous, int64_t max_rows,
                        char id_out[STORE_SIMULATION_ID_SIZE])
{
    id_out[0] = '\0';
    if (!scenario_json)
        return store_set_error("store_simulation_put: no scenario");
    char id[STORE_SIMULATION_ID_SIZE];
    if (store_link_id(id))
        return STORE_ERROR;
    store_conn *c = store_write_begin(s, true); /* its id is shared as a link: never lost */
    if (!c)
        return STORE_ERROR;
    store_status rc = STORE_OK;
    if (anonymous && max_rows > 0) {
        int64_t n = 0;
        rc = store_count(c, store_stmt(c, SQL_COUNT_ANON), &n, "counting anonymous saves");
        if (rc == STORE_OK && n >= max_rows)
            rc = STORE_CONFLICT;
    }
    sqlite3_stmt *st = rc == STORE_OK ? store_stmt(c, SQL_INSERT) : NULL;
    if (rc == STORE_OK && !st)
        rc = STORE_ERROR;
    else if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, scenario_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
        sqlite3_bind_int(st, 4, anonymous ? 1 : 0);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_sqlite_error(c, "saving the simulation");
    }
    store_stmt_release(st);
    store_status end = store_write_end(s, c, rc == STORE_OK);
    if (rc != STORE_OK)
        return rc;
    if (end != STORE_OK)
        return end;
    memcpy(id_out, id, strlen(id) + 1);
    return STORE_OK;
}

store_status store_simulation_put(store *s, const char *scenario_json,
                                  char id_out[STORE_SIMULATION_ID_SIZE])
{
    return put(s, scenario_json, false, 0, id_out);
}

store_status store_simulation_put_anonymous(store *s, const char *scenario_json, int64_t max_rows,
                                            char id_out[STORE_SIMULATION_ID_SIZE])
{
    return put(s, scenario_json, true, max_rows, id_out);
}

store_status store_simulation_purge_anonymous(store *s, int64_t before, int64_t *deleted)
{
    return store_purge_before(s, SQL_PURGE_ANON, before, "purging old anonymous saves", deleted);
}

typedef struct sim_json_out {
    const char *id;
    char **json;
} sim_json_out;

/* Column 0 (the scenario JSON) copied into *o->json. */
static store_status json_row(sqlite3_stmt *st, void *elem, void *arg)
{
    (void)elem;
    const sim_json_out *o = arg;
    const unsigned char *text = sqlite3_column_text(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    char *copy = text ? malloc((size_t)n + 1) : NULL;
    if (!copy)
        return store_set_error(text ? "out of memory" : "simulation %s has no scenario", o->id);
    memcpy(copy, text, (size_t)n);
    copy[n] = '\0';
    *o->json = copy;
    return STORE_OK;
}

store_status store_simulation_get(store *s, const char *id, char **json_out)
{
    *json_out = NULL;
    if (!store_simulation_id_valid(id))
        return STORE_NOT_FOUND;
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_SELECT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sim_json_out o = {id, json_out};
    return store_one(c, st, 0, json_row, &o, NULL, "reading the simulation");
}
