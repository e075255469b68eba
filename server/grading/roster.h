/*
 * roster.h — a class roster from a CSV file (or rows given one by one): students' logins,
 * display names, e-mail addresses and sections, checked line by line.
 *
 * Owns: the columns a roster may have and the rules a row must meet, and the errors that
 * name the CSV line and column of each problem. CSV: a header row, then one student per
 * row. Columns (case-insensitive; order free; others ignored):
 *   login    "login", "username", "user", "sis login id", "login id"      (required)
 *   name     "name", "display name", "full name", "student"               (optional)
 *   email    "email", "e-mail", "email address"                           (optional)
 *   section  "section", "sections"                                        (optional)
 * so a Canvas gradebook export (Student, ID, SIS User ID, SIS Login ID, Section, ...) reads
 * as it is; its "Points Possible" row (no login) is skipped.
 * Rules: login 1..63 of [A-Za-z0-9._@-] (the account name rule) and not twice in a file;
 * name at most ROSTER_NAME_MAX bytes of UTF-8 without control characters (any script);
 * email empty or one '@' between a non-empty local part and a dotted domain, no spaces,
 * at most ROSTER_EMAIL_MAX bytes; section at most ROSTER_SECTION_MAX bytes, same text
 * rule as names. At most ROSTER_MAX_ROWS rows.
 * Does not: touch the store, know HTTP, or read files (the caller hands the bytes over,
 * having bounded them by ROSTER_MAX_BYTES).
 */
#ifndef TCPLAB_ROSTER_H
#define TCPLAB_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#define ROSTER_MAX_BYTES   (1024u * 1024) /* the server's default body limit */
#define ROSTER_MAX_ROWS    10000
#define ROSTER_MAX_ERRORS  100 /* listed; the rest are only counted */
#define ROSTER_LOGIN_MAX   63
#define ROSTER_NAME_MAX    200
#define ROSTER_EMAIL_MAX   254
#define ROSTER_SECTION_MAX 63

typedef struct roster_row {
    size_t line; /* CSV line (1-based), or the 1-based position for rows added directly */
    char login[ROSTER_LOGIN_MAX + 1];
    char name[ROSTER_NAME_MAX + 1];
    char email[ROSTER_EMAIL_MAX + 1];
    char section[ROSTER_SECTION_MAX + 1];
} roster_row;

typedef struct roster_error {
    size_t line;       /* as roster_row.line; 1 for a header problem */
    char column[16];   /* "login", "name", "email", "section", "" (the whole line) */
    char message[200]; /* English, one sentence */
} roster_error;

typedef struct roster {
    roster_row *rows;
    size_t nrows;
    roster_error *errors; /* at most ROSTER_MAX_ERRORS */
    size_t nerrors;
    size_t error_total; /* every error found, listed or not */
    bool too_many_rows; /* more than ROSTER_MAX_ROWS rows: the rest were not read */
    /* private: the logins seen so far (open addressing; slot = row index + 1, 0 empty) */
    size_t *seen_;
    size_t seen_cap_;
} roster;

/* An empty roster. */
void roster_init(roster *r);
void roster_free(roster *r); /* frees what r holds; r is empty again */

/* Reads a whole CSV roster into `r` (which roster_init emptied). Valid rows go to r->rows,
 * problems to r->errors. Returns 0 (check r->error_total), -1 out of memory. */
int roster_parse_csv(roster *r, const char *text, size_t len);

/* Checks one row (NULL fields count as empty) and appends it, or its errors, as CSV line
 * `line` would be. Duplicate logins are checked against the rows added before. Returns 0,
 * -1 out of memory, -2 when the roster is already full (r->too_many_rows set). */
int roster_add(roster *r, size_t line, const char *login, const char *name, const char *email,
               const char *section);

#endif
