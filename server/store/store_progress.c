/*
 * store_progress.c — one user's quiz attempts summarised per question (see
 * store_progress.h).
 *
 * Owns: the one query: per question id the count, the best score and the id of the latest
 * row (the submissions_user_score index covers user_name, kind, ref, score and the id),
 * joined back to that row.
 * Does not: interpret the JSON it copies.
 */
#include "store_progress.h"

#include <stdlib.h>

#include "store_internal.h"

/* ?1 user, ?2 prefix or NULL, ?3 whether to return the JSON columns, ?4 row limit. The
 * latest attempt is the one with the highest id (ids grow with every insert). */
static const char SQL_PROGRESS[] =
    "SELECT a.ref, a.n, a.best, CASE WHEN ?3 THEN s.answer_json END, "
    "CASE WHEN ?3 THEN s.result_json END, s.score, s.created_at "
    "FROM (SELECT ref, count(*) AS n, max(score) AS best, max(id) AS last FROM submissions "
    "      WHERE user_name = ?1 AND kind = 'quiz' "
    "        AND (?2 IS NULL OR substr(ref, 1, length(?2)) = ?2) "
    "      GROUP BY ref ORDER BY ref LIMIT ?4) AS a "
    "JOIN submissions AS s ON s.id = a.last ORDER BY a.ref";

static void progress_clean(void *elem)
{
    store_progress *p = elem;
    free(p->ref);
    free(p->answer_json);
    free(p->result_json);
}

void store_progress_free(store_progress *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        progress_clean(&p[i]);
    free(p);
}

static store_status progress_row(sqlite3_stmt *st, void *elem, void *arg)
{
    const bool *with_latest = arg;
    store_progress *p = elem;
    p->ref = store_col_dup(st, 0);
    p->attempts = sqlite3_column_int64(st, 1);
    p->best = sqlite3_column_double(st, 2);
    if (*with_latest) {
        p->answer_json = store_col_dup(st, 3);
        p->result_json = store_col_dup(st, 4);
    }
    p->last_score = sqlite3_column_double(st, 5);
    p->last_at = sqlite3_column_int64(st, 6);
    if (!p->ref || (*with_latest && (!p->answer_json || !p->result_json))) {
        progress_clean(p);
        return store_set_error("out of memory reading progress");
    }
    return STORE_OK;
}

store_status store_progress_list(store *s, const char *user_name, const char *ref_prefix,
                                 bool with_latest, store_progress **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!user_name)
        return store_set_error("store_progress_list: user_name is required");
    store_conn *c = store_reader(s);
    if (!c)
        return STORE_ERROR;
    sqlite3_stmt *st = store_stmt(c, SQL_PROGRESS);
    if (st) {
        sqlite3_bind_text(st, 1, user_name, -1, SQLITE_STATIC);
        if (ref_prefix)
            sqlite3_bind_text(st, 2, ref_prefix, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, with_latest ? 1 : 0);
        sqlite3_bind_int(st, 4, STORE_PROGRESS_MAX);
    }
    return store_collect(c, st, sizeof **out, progress_row, &with_latest, progress_clean,
                         (void **)out, n, "reading quiz progress");
}
