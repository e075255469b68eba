/*
 * csv.h — a bounded RFC 4180 reader: records and fields out of a buffer held in memory.
 *
 * Owns: splitting comma-separated text into records (CRLF or LF line ends; a field in
 * double quotes may hold commas, line breaks and doubled quotes ""), with the line number
 * each record starts on, and the errors that name where the text is malformed (line and
 * 1-based field number). A UTF-8 byte order mark at the very start is skipped; empty lines
 * are skipped. Work is linear in the input and every output is bounded by the caller's
 * buffer and field array.
 * Does not: allocate, interpret headers or field contents, check UTF-8, or read files.
 *
 * Usage:
 *     csv_reader r; csv_init(&r, text, len);
 *     char buf[4096]; const char *f[16]; size_t nf; csv_error e;
 *     while ((rc = csv_next(&r, buf, sizeof buf, f, 16, &nf, &e)) == 1) { ... }
 *     if (rc < 0) report e.line, e.field, e.message; after an error csv_next has moved on
 *     to the next line, so a caller that wants every error may keep reading.
 */
#ifndef TCPLAB_CSV_H
#define TCPLAB_CSV_H

#include <stddef.h>

typedef struct csv_reader {
    const char *p, *end;
    size_t line; /* the 1-based line the next record starts on */
} csv_reader;

typedef struct csv_error {
    size_t line;         /* 1-based line where the problem is */
    size_t field;        /* 1-based field number in its record */
    const char *message; /* static text, e.g. "a quoted field is not closed" */
} csv_error;

void csv_init(csv_reader *r, const char *text, size_t len);

/* The next record: its fields, NUL-terminated and unquoted, are copied into buf
 * (buf_size bytes) and fields[0..*nfields) point at them; *line (may be NULL) gets the
 * line it started on. Returns 1 for a record, 0 at the end of the text, -1 on malformed
 * text or a record that does not fit (more than max_fields fields, longer than buf) with
 * *err filled; the reader then stands at the start of the next line. */
int csv_next(csv_reader *r, char *buf, size_t buf_size, const char **fields, size_t max_fields,
             size_t *nfields, size_t *line, csv_error *err);

#endif
