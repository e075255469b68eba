/*
 * fuzz_roster.c — libFuzzer harness: a roster CSV file, read by the RFC 4180 reader
 * (server/util/csv.c) and checked by the roster rules (server/grading/roster.c).
 *
 * Input: the bytes of a CSV file (at most ROSTER_MAX_BYTES are used). The seed corpus holds
 * good rosters, a Canvas export, and files with every kind of error (quoting, duplicates,
 * bad e-mail, long fields, no header). Oracles besides the sanitizers: every accepted row has
 * a valid login no other accepted row has, fields within their bounds, a line number within
 * the file; the listed errors never exceed ROSTER_MAX_ERRORS nor the counted total; every
 * error names a line within the file. The raw reader is also walked over the whole input:
 * it always ends, each record's line numbers increase, and its fields fit the buffer.
 * Does not: reach the store or HTTP.
 */
#include "fuzz_common.h"

#include "../../server/grading/auth.h"
#include "../../server/grading/roster.h"
#include "../../server/util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t lines_in(const uint8_t *d, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += d[i] == '\n';
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ROSTER_MAX_BYTES)
        size = ROSTER_MAX_BYTES;
    size_t lines = lines_in(data, size);

    /* the reader alone, small buffers: bounded, monotonic, always ends */
    csv_reader r;
    csv_init(&r, (const char *)data, size);
    char buf[32];
    const char *f[4];
    size_t nf, line, last = 0, steps = 0;
    csv_error e;
    int rc;
    while ((rc = csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e)) != 0) {
        FUZZ_CHECK(++steps <= size + 1, "the reader does not advance");
        if (rc < 0) {
            FUZZ_CHECK(e.line >= 1 && e.line <= lines, "an error outside the file");
            FUZZ_CHECK(e.field >= 1 && e.message, "an error without field or message");
            continue;
        }
        FUZZ_CHECK(line > last || (last == 0 && line == 1), "record lines do not increase");
        last = line;
        FUZZ_CHECK(nf >= 1 && nf <= 4, "field count outside 1..max");
        for (size_t i = 0; i < nf; i++)
            FUZZ_CHECK(f[i] >= buf && f[i] + strlen(f[i]) < buf + sizeof buf, "field outside buf");
    }

    /* the roster rules */
    roster ro;
    roster_init(&ro);
    if (roster_parse_csv(&ro, (const char *)data, size) != 0) {
        roster_free(&ro);
        return 0; /* out of memory: allowed */
    }
    FUZZ_CHECK(ro.nerrors <= ROSTER_MAX_ERRORS && ro.nerrors <= ro.error_total,
               "more errors listed than allowed or counted");
    FUZZ_CHECK(ro.nrows <= ROSTER_MAX_ROWS, "more rows than allowed");
    for (size_t i = 0; i < ro.nerrors; i++)
        FUZZ_CHECK(ro.errors[i].line >= 1 && ro.errors[i].line <= lines, "error line outside");
    for (size_t i = 0; i < ro.nrows; i++) {
        const roster_row *w = &ro.rows[i];
        FUZZ_CHECK(grading_name_valid(w->login), "an accepted row with an invalid login");
        FUZZ_CHECK(strlen(w->name) <= ROSTER_NAME_MAX && strlen(w->email) <= ROSTER_EMAIL_MAX &&
                       strlen(w->section) <= ROSTER_SECTION_MAX,
                   "a field over its bound");
        FUZZ_CHECK(w->line >= 2 && w->line <= lines, "row line outside the file");
        for (size_t j = 0; j < i && ro.nrows <= 200; j++)
            FUZZ_CHECK(strcmp(ro.rows[j].login, w->login) != 0, "a duplicate login accepted");
    }
    roster_free(&ro);
    return 0;
}
