/*
 * gradebook.c — building the gradebook table (see gradebook.h).
 *
 * Owns: merging the store's challenges, roster, removed students and per-(student,
 * assignment) grades into one table with sorted look-ups (bsearch) instead of nested scans.
 * Does not: format or authorise anything.
 */
#include "gradebook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/store_accounts.h"
#include "../store/store_grading.h"
#include "../store/store_roster.h"
#include "../util/jsonw.h"

/* Copies `src` into dst[cap], cut short if it does not fit (no format parsing: this runs
 * for every student and column). */
static void put(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_removed_login(const void *key, const void *elem)
{
    return strcmp(key, ((const store_removed *)elem)->login);
}

const char *gradebook_status_name(gradebook_status st)
{
    return st == GRADEBOOK_REMOVED         ? "removed"
           : st == GRADEBOOK_NOT_ON_ROSTER ? "not_on_roster"
                                           : "enrolled";
}

void gradebook_student_json(strbuf *b, const gradebook_student *st)
{
    strbuf_put(b, ",\"section\":");
    jsonw_str(b, st->section);
    strbuf_put(b, ",\"id\":");
    if (st->id)
        jsonw_int(b, st->id);
    else
        strbuf_put(b, "null");
    strbuf_put(b, ",\"status\":");
    jsonw_str(b, gradebook_status_name(st->status));
}

static int cmp_user_name(const void *key, const void *elem)
{
    return strcmp(key, ((const store_user *)elem)->name);
}

static int cmp_col_ref(const void *key, const void *elem)
{
    return strcmp(key, ((const gradebook_col *)elem)->ref);
}

void gradebook_free(gradebook *gb)
{
    free(gb->cols);
    free(gb->students);
    free(gb->best);
    free(gb->attempts);
    free(gb->by_login);
    memset(gb, 0, sizeof *gb);
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const gradebook_key *)a)->login, ((const gradebook_key *)b)->login);
}

/* The row of `name`, -1 when absent. */
static long find_student(const gradebook *gb, const char *name)
{
    gradebook_key k = {.login = name};
    const gradebook_key *f = bsearch(&k, gb->by_login, gb->nkeys, sizeof k, cmp_key);
    return f ? (long)f->row : -1;
}

/* Sorts the rows by login (they come in up to three sorted parts). */
static int index_rows(gradebook *gb)
{
    gb->by_login = malloc((gb->nstudents + 1) * sizeof *gb->by_login);
    if (!gb->by_login)
        return -1;
    for (size_t i = 0; i < gb->nstudents; i++)
        gb->by_login[i] = (gradebook_key){.login = gb->students[i].login, .row = i};
    gb->nkeys = gb->nstudents;
    qsort(gb->by_login, gb->nkeys, sizeof *gb->by_login, cmp_key);
    return 0;
}

/* The column of (kind, ref): challenges [0, nch) by numeric id, quiz questions after. */
static long find_col(const gradebook *gb, size_t nch, const store_challenge *chs, const char *kind,
                     const char *ref)
{
    if (!strcmp(kind, "challenge")) {
        char *end;
        long long id = strtoll(ref, &end, 10);
        size_t lo = 0, hi = nch;
        while (*ref && !*end && lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (chs[mid].id == id)
                return (long)mid;
            if (chs[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    if (strcmp(kind, "quiz"))
        return -1;
    const gradebook_col *c = bsearch(ref, gb->cols + nch, gb->ncol - nch, sizeof *c, cmp_col_ref);
    return c ? (long)(c - gb->cols) : -1;
}

int gradebook_build(store *st, const char *section, gradebook *gb, const char **err)
{
    memset(gb, 0, sizeof *gb);
    *err = "store";
    store_challenge *chs = NULL;
    store_grade *gr = NULL;
    store_student *roster = NULL;
    store_user *users = NULL;
    const char **qrefs = NULL;
    store_removed *removed = NULL;
    size_t nch = 0, ngr = 0, nroster = 0, nus = 0, nremoved = 0;
    int rc = -1;
    if (store_challenge_list(st, &chs, &nch) != STORE_OK ||
        store_grades_section(st, section, &gr, &ngr) != STORE_OK ||
        store_roster_list(st, section, (int64_t)time(NULL), &roster, &nroster) != STORE_OK ||
        store_roster_removed(st, section, &removed, &nremoved) != STORE_OK ||
        (!section && store_user_list(st, &users, &nus) != STORE_OK))
        goto out;
    *err = "memory";
    /* columns: challenges (ORDER BY id), then the distinct quiz questions, sorted */
    qrefs = malloc((ngr + 1) * sizeof *qrefs);
    size_t nq = 0;
    if (!qrefs)
        goto out;
    for (size_t i = 0; i < ngr; i++)
        if (!strcmp(gr[i].kind, "quiz"))
            qrefs[nq++] = gr[i].ref;
    qsort(qrefs, nq, sizeof *qrefs, cmp_str_ptr);
    gb->cols = calloc(nch + nq + 1, sizeof *gb->cols);
    if (!gb->cols)
        goto out;
    for (size_t i = 0; i < nch; i++) {
        gradebook_col *c = &gb->cols[gb->ncol++];
        snprintf(c->kind, sizeof c->kind, "challenge");
        snprintf(c->ref, sizeof c->ref, "%lld", (long long)chs[i].id);
        put(c->title, sizeof c->title, chs[i].title);
        c->points = chs[i].points;
    }
    for (size_t i = 0; i < nq; i++) {
        if (i && !strcmp(qrefs[i], qrefs[i - 1]))
            continue;
        gradebook_col *c = &gb->cols[gb->ncol++];
        snprintf(c->kind, sizeof c->kind, "quiz");
        put(c->ref, sizeof c->ref, qrefs[i]);
        put(c->title, sizeof c->title, qrefs[i]);
        c->points = 1.0;
    }
    /* students: the roster (ORDER BY login), then the removed students with grades, then
     * (everyone's gradebook only) the other graded names; gr is by name */
    gb->students = calloc(nroster + ngr + 1, sizeof *gb->students);
    if (!gb->students)
        goto out;
    for (size_t i = 0; i < nroster; i++) {
        gradebook_student *s = &gb->students[gb->nstudents++];
        put(s->login, sizeof s->login, roster[i].login);
        put(s->name, sizeof s->name, roster[i].name);
        put(s->section, sizeof s->section, roster[i].section);
        s->id = roster[i].id;
        s->status = GRADEBOOK_ENROLLED;
    }
    if (index_rows(gb) != 0)
        goto out;
    size_t nenrolled = gb->nstudents;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ngr; i++) {
            bool graded = !strcmp(gr[i].kind, "challenge") || !strcmp(gr[i].kind, "quiz");
            if (!graded || (i && !strcmp(gr[i].user_name, gr[i - 1].user_name)) ||
                find_student(gb, gr[i].user_name) >= 0)
                continue;
            /* (an empty list may be NULL, which bsearch must not be given) */
            const store_removed *r =
                nremoved ? bsearch(gr[i].user_name, removed, nremoved, sizeof *r, cmp_removed_login)
                         : NULL;
            if (pass == 0 ? !r : (r || section))
                continue;
            gradebook_student *s = &gb->students[gb->nstudents++];
            put(s->login, sizeof s->login, gr[i].user_name);
            if (r) {
                put(s->name, sizeof s->name, r->name);
                put(s->section, sizeof s->section, r->section);
                s->status = GRADEBOOK_REMOVED;
            } else {
                const store_user *u =
                    nus ? bsearch(gr[i].user_name, users, nus, sizeof *u, cmp_user_name) : NULL;
                s->id = u ? u->id : 0;
                s->status = GRADEBOOK_NOT_ON_ROSTER;
            }
        }
    }
    if (gb->nstudents > nenrolled) {
        free(gb->by_login);
        if (index_rows(gb) != 0)
            goto out;
    }
    size_t cells = gb->nstudents * gb->ncol + 1;
    gb->best = malloc(cells * sizeof *gb->best);
    gb->attempts = calloc(cells, sizeof *gb->attempts);
    if (!gb->best || !gb->attempts)
        goto out;
    for (size_t i = 0; i < cells; i++)
        gb->best[i] = -1;
    for (size_t i = 0; i < ngr; i++) {
        long s = find_student(gb, gr[i].user_name);
        long c = s < 0 ? -1 : find_col(gb, nch, chs, gr[i].kind, gr[i].ref);
        if (c < 0)
            continue;
        size_t k = (size_t)s * gb->ncol + (size_t)c;
        gb->best[k] = gr[i].best * gb->cols[c].points;
        gb->attempts[k] = gr[i].attempts;
    }
    rc = 0;
out:
    if (rc != 0)
        gradebook_free(gb);
    for (size_t i = 0; i < nch; i++)
        store_challenge_cleanup(&chs[i]);
    free(chs);
    store_grades_free(gr, ngr);
    free(roster);
    free(removed);
    free(users);
    free(qrefs);
    return rc;
}
