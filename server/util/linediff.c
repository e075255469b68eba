/*
 * linediff.c — line diff as unified hunks (see linediff.h).
 *
 * Owns: the line split, the prefix/suffix trim, the bounded LCS table and the hunk writer.
 * Does not: allocate more than LINEDIFF_MAX_CELLS table cells, whatever the input.
 */
#include "linediff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"

typedef struct line {
    const char *p;
    size_t len; /* with its '\n', if it has one */
    uint64_t h;
} line;

typedef struct op {
    char kind;     /* '=', '-', '+' */
    size_t ai, bi; /* index of the line in a ('=', '-') and in b ('=', '+') */
} op;

/* Splits t into lines; *n gets the count. NULL (and *n 0) for an empty text or on failure
 * (*oom set). */
static line *split(const char *t, size_t len, size_t *n, int *oom)
{
    *n = 0;
    if (!len)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n')
            count++;
    if (t[len - 1] != '\n')
        count++;
    line *v = malloc(count * sizeof *v);
    if (!v) {
        *oom = 1;
        return NULL;
    }
    size_t start = 0, k = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '\n' || i + 1 == len) {
            v[k].p = t + start;
            v[k].len = i + 1 - start;
            v[k].h = fnv1a64(v[k].p, v[k].len);
            k++;
            start = i + 1;
        }
    }
    *n = k;
    return v;
}

static int same(const line *x, const line *y)
{
    return x->h == y->h && x->len == y->len && !memcmp(x->p, y->p, x->len);
}

/* Writes one hunk line: the mark, the text without its '\n', and a newline. */
static void put_line(strbuf *out, char mark, const line *l)
{
    strbuf_putn(out, &mark, 1);
    size_t n = l->len;
    int nl = n && l->p[n - 1] == '\n';
    strbuf_putn(out, l->p, nl ? n - 1 : n);
    strbuf_put(out, "\n");
    if (!nl)
        strbuf_put(out, "\\ No newline at end of file\n");
}

/* The middle a[0..n) × b[0..m) as ops appended at ops[*k]: LCS when the table fits. */
static int diff_middle(const line *a, size_t n, const line *b, size_t m, size_t a0, size_t b0,
                       op *ops, size_t *k)
{
    if (n && m && (n + 1) <= LINEDIFF_MAX_CELLS / (m + 1)) {
        uint32_t *L = calloc((n + 1) * (m + 1), sizeof *L);
        if (!L)
            return -1;
#define AT(i, j) L[(i) * (m + 1) + (j)]
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                AT(i, j) = same(&a[i], &b[j])             ? AT(i + 1, j + 1) + 1
                           : AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j)
                                                          : AT(i, j + 1);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && same(&a[i], &b[j])) {
                ops[(*k)++] = (op){'=', a0 + i++, b0 + j++};
            } else if (j < m && (i == n || AT(i, j + 1) > AT(i + 1, j))) {
                ops[(*k)++] = (op){'+', a0 + i, b0 + j++};
            } else {
                ops[(*k)++] = (op){'-', a0 + i++, b0 + j};
            }
        }
#undef AT
        free(L);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        ops[(*k)++] = (op){'-', a0 + i, b0};
    for (size_t j = 0; j < m; j++)
        ops[(*k)++] = (op){'+', a0 + n, b0 + j};
    return 0;
}

int linediff_unified(strbuf *out, const char *a, size_t alen, const char *b, size_t blen,
                     size_t context, size_t max_lines, linediff_stats *st)
{
    linediff_stats s = {0, 0, 0, 0};
    int oom = 0, rc = 0;
    size_t na, nb;
    line *la = split(a, alen, &na, &oom);
    line *lb = split(b, blen, &nb, &oom);
    op *ops = oom ? NULL : malloc((na + nb + 1) * sizeof *ops);
    if (!ops) {
        rc = -1;
        goto done;
    }
    size_t pre = 0, suf = 0, k = 0;
    while (pre < na && pre < nb && same(&la[pre], &lb[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && same(&la[na - 1 - suf], &lb[nb - 1 - suf]))
        suf++;
    for (size_t i = 0; i < pre; i++)
        ops[k++] = (op){'=', i, i};
    if (diff_middle(la + pre, na - pre - suf, lb + pre, nb - pre - suf, pre, pre, ops, &k) != 0) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < suf; i++)
        ops[k++] = (op){'=', na - suf + i, nb - suf + i};

    size_t written = 0;
    for (size_t i = 0; i < k;) {
        if (ops[i].kind == '=') {
            i++;
            continue;
        }
        /* a hunk: from `context` lines before this change to `context` after the last change
         * that is at most 2*context unchanged lines from the next */
        size_t first = i >= context ? i - context : 0, last = i;
        for (size_t j = i; j < k; j++) {
            if (ops[j].kind != '=') {
                last = j;
                continue;
            }
            if (j - last > 2 * context)
                break;
        }
        size_t end = last + 1 + context < k ? last + 1 + context : k;
        size_t ac = 0, bc = 0;
        for (size_t j = first; j < end; j++) {
            ac += ops[j].kind != '+';
            bc += ops[j].kind != '-';
        }
        size_t as = ops[first].ai + (ac ? 1 : 0), bs = ops[first].bi + (bc ? 1 : 0);
        s.hunks++;
        if (!max_lines || written < max_lines) {
            strbuf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", as, ac, bs, bc);
            written++;
        } else {
            s.omitted++;
        }
        for (size_t j = first; j < end; j++) {
            if (ops[j].kind == '-')
                s.removed++;
            else if (ops[j].kind == '+')
                s.added++;
            if (max_lines && written >= max_lines) {
                s.omitted++;
                continue;
            }
            written++;
            put_line(out, ops[j].kind == '=' ? ' ' : ops[j].kind,
                     ops[j].kind == '+' ? &lb[ops[j].bi] : &la[ops[j].ai]);
        }
        i = end;
    }
    if (s.omitted)
        strbuf_printf(out, "… %zu more diff lines\n", s.omitted);
    if (out->failed)
        rc = -1;
done:
    free(la);
    free(lb);
    free(ops);
    if (st)
        *st = s;
    return rc;
}
