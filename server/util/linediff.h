/*
 * linediff.h — a line diff of two texts, written as unified-diff hunks.
 *
 * Owns: splitting both texts into lines (a line ends after '\n'; a last line without one
 * is still a line, and differs from the same line with one), finding the changed lines
 * (the longest common subsequence of the lines between the common prefix and suffix; past
 * LINEDIFF_MAX_CELLS of table the whole middle is shown as removed and added), and the
 * "@@ -A,B +C,D @@" hunks with context lines.
 * Does not: write the "---"/"+++" header lines (the caller names the two sides), diff
 * within a line, or interpret the bytes (any encoding passes through unchanged).
 */
#ifndef TCPLAB_UTIL_LINEDIFF_H
#define TCPLAB_UTIL_LINEDIFF_H

#include <stddef.h>

#include "strbuf.h"

/* The largest LCS table (middle lines of a × middle lines of b) computed: 4M cells, 16 MB. */
#define LINEDIFF_MAX_CELLS (4u * 1024u * 1024u)

typedef struct linediff_stats {
    size_t added, removed; /* lines only in b, lines only in a */
    size_t hunks;
    size_t omitted; /* hunk lines not written because of max_lines */
} linediff_stats;

/* Appends to `out` the hunks turning a[0..alen) into b[0..blen), each with up to `context`
 * unchanged lines around its changes. At most `max_lines` hunk lines are written (0: no
 * limit); past it one "… N more diff lines" line ends the output. Identical texts append
 * nothing. *st (may be NULL) gets the counts. 0, or -1 when out of memory (out then holds
 * what was written so far; st is still filled). */
int linediff_unified(strbuf *out, const char *a, size_t alen, const char *b, size_t blen,
                     size_t context, size_t max_lines, linediff_stats *st);

#endif
