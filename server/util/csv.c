/*
 * csv.c — the RFC 4180 reader (see csv.h).
 *
 * Owns: one pass over a record, byte by byte, as a small state machine (field start,
 * unquoted, quoted, just after a quote). Does not: allocate or look at field contents.
 */
#include "csv.h"

#include <string.h>

void csv_init(csv_reader *r, const char *text, size_t len)
{
    r->p = text;
    r->end = text + len;
    r->line = 1;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        r->p += 3;
}

/* Moves the reader past the end of the current line (an error's recovery). */
static void skip_line(csv_reader *r)
{
    while (r->p < r->end && *r->p != '\n')
        r->p++;
    if (r->p < r->end) {
        r->p++;
        r->line++;
    }
}

static int fail(csv_reader *r, csv_error *err, size_t line, size_t field, const char *msg)
{
    err->line = line;
    err->field = field;
    err->message = msg;
    skip_line(r);
    return -1;
}

int csv_next(csv_reader *r, char *buf, size_t buf_size, const char **fields, size_t max_fields,
             size_t *nfields, size_t *line, csv_error *err)
{
    *nfields = 0;
    /* empty lines are no records */
    while (r->p < r->end &&
           (*r->p == '\n' || (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))) {
        r->p += *r->p == '\r' ? 2 : 1;
        r->line++;
    }
    if (r->p >= r->end)
        return 0;
    if (line)
        *line = r->line;
    size_t start_line = r->line;
    size_t out = 0;
    enum { FIELD_START, UNQUOTED, QUOTED, AFTER_QUOTE } state = FIELD_START;
    if (max_fields == 0 || buf_size == 0)
        return fail(r, err, start_line, 1, "the record does not fit");
    fields[(*nfields)++] = buf;
    for (;;) {
        if (r->p >= r->end) {
            if (state == QUOTED)
                return fail(r, err, start_line, *nfields,
                            "a quoted field is not closed before the end of the file");
            break;
        }
        char c = *r->p;
        if (c == '\0')
            return fail(r, err, r->line, *nfields, "the text contains a NUL byte");
        if (state == QUOTED) {
            r->p++;
            if (c == '"') {
                state = AFTER_QUOTE;
                continue;
            }
            if (c == '\n')
                r->line++;
        } else if (c == ',' || c == '\n' || (c == '\r' && r->p + 1 < r->end && r->p[1] == '\n') ||
                   (c == '\r' && r->p + 1 == r->end)) {
            if (out >= buf_size)
                return fail(r, err, r->line, *nfields, "the record is too long");
            buf[out++] = '\0';
            if (c != ',') {
                r->p += c == '\r' ? 2 : 1;
                r->line++;
                return 1;
            }
            r->p++;
            if (*nfields >= max_fields)
                return fail(r, err, r->line, *nfields + 1, "the record has too many fields");
            fields[(*nfields)++] = buf + out;
            state = FIELD_START;
            continue;
        } else if (c == '"') {
            if (state == FIELD_START) {
                state = QUOTED;
                r->p++;
                continue;
            }
            if (state == AFTER_QUOTE) { /* "" inside a quoted field: one quote */
                state = QUOTED;
                r->p++;
            } else {
                return fail(r, err, r->line, *nfields,
                            "a double quote inside an unquoted field (quote the whole field "
                            "and double the quote)");
            }
        } else if (state == AFTER_QUOTE) {
            return fail(r, err, r->line, *nfields,
                        "text after the closing quote of a field (a quote inside a quoted "
                        "field must be doubled)");
        } else {
            state = UNQUOTED;
            r->p++;
        }
        if (out + 1 >= buf_size)
            return fail(r, err, r->line, *nfields, "the record is too long");
        buf[out++] = c;
    }
    if (out >= buf_size)
        return fail(r, err, r->line, *nfields, "the record is too long");
    buf[out] = '\0';
    return 1;
}
