/*
 * roster.c — reading and checking a class roster (see roster.h).
 *
 * Owns: the header's column matching, the per-row rules and their messages, and the set
 * of logins seen (a hash table of row indices, so a 10,000-row file is checked in linear
 * time). Does not: store anything or allocate per field (rows are fixed-size structs).
 */
#include "roster.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/csv.h"
#include "../util/fnv.h"
#include "../util/utf8.h"
#include "auth.h"

#define MAX_FIELDS     64
#define LINE_MAX_BYTES 8192

void roster_init(roster *r)
{
    memset(r, 0, sizeof *r);
}

void roster_free(roster *r)
{
    free(r->rows);
    free(r->errors);
    free(r->seen_);
    roster_init(r);
}

static int add_error(roster *r, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_error(roster *r, size_t line, const char *column, const char *fmt, ...)
{
    r->error_total++;
    if (r->nerrors >= ROSTER_MAX_ERRORS)
        return 0;
    if (!r->errors) {
        r->errors = calloc(ROSTER_MAX_ERRORS, sizeof *r->errors);
        if (!r->errors)
            return -1;
    }
    roster_error *e = &r->errors[r->nerrors++];
    e->line = line;
    snprintf(e->column, sizeof e->column, "%s", column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return 0;
}

/* Is `s` acceptable display text: valid UTF-8 without control characters? */
static bool text_ok(const char *s)
{
    size_t n = strlen(s);
    if (utf8_invalid_at(s, n) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == ',' || *p == '<' || *p == '>')
            return false;
    return true;
}

/* The row index + 1 holding `login`, or 0; with `add`, records row `index` when absent. */
static int seen_lookup(roster *r, const char *login, size_t index, bool add, size_t *found)
{
    *found = 0;
    if (r->seen_cap_ == 0 || (add && (r->nrows + 1) * 2 > r->seen_cap_)) {
        size_t cap = r->seen_cap_ ? r->seen_cap_ * 2 : 64;
        size_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < r->seen_cap_; i++) {
            size_t v = r->seen_[i];
            if (!v)
                continue;
            const char *l = r->rows[v - 1].login;
            size_t h = (size_t)fnv1a64(l, strlen(l)) & (cap - 1);
            while (t[h])
                h = (h + 1) & (cap - 1);
            t[h] = v;
        }
        free(r->seen_);
        r->seen_ = t;
        r->seen_cap_ = cap;
    }
    size_t h = (size_t)fnv1a64(login, strlen(login)) & (r->seen_cap_ - 1);
    while (r->seen_[h]) {
        if (!strcmp(r->rows[r->seen_[h] - 1].login, login)) {
            *found = r->seen_[h];
            return 0;
        }
        h = (h + 1) & (r->seen_cap_ - 1);
    }
    if (add)
        r->seen_[h] = index + 1;
    return 0;
}

/* Copies a field with the surrounding spaces trimmed; false when it does not fit. */
static bool copy_trimmed(char *dst, size_t size, const char *src)
{
    if (!src)
        src = "";
    while (*src == ' ' || *src == '\t')
        src++;
    size_t n = strlen(src);
    while (n && (src[n - 1] == ' ' || src[n - 1] == '\t'))
        n--;
    if (n >= size)
        return false;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return true;
}

int roster_add(roster *r, size_t line, const char *login, const char *name, const char *email,
               const char *section)
{
    if (r->nrows >= ROSTER_MAX_ROWS) {
        r->too_many_rows = true;
        return -2;
    }
    roster_row row;
    memset(&row, 0, sizeof row);
    row.line = line;
    size_t before = r->error_total;
    if (!copy_trimmed(row.login, sizeof row.login, login)) {
        if (add_error(r, line, "login", "the login is longer than %d characters", ROSTER_LOGIN_MAX))
            return -1;
    } else if (!row.login[0]) {
        if (add_error(r, line, "login", "the login is empty"))
            return -1;
    } else if (!grading_name_valid(row.login)) {
        if (add_error(r, line, "login",
                      "the login \"%.63s\" may use only letters A-Z a-z, digits and . _ @ -",
                      row.login))
            return -1;
    }
    if (!copy_trimmed(row.name, sizeof row.name, name)) {
        if (add_error(r, line, "name", "the name is longer than %d bytes", ROSTER_NAME_MAX))
            return -1;
    } else if (!text_ok(row.name)) {
        if (add_error(r, line, "name", "the name is not valid UTF-8 text"))
            return -1;
    }
    if (!copy_trimmed(row.email, sizeof row.email, email)) {
        if (add_error(r, line, "email", "the e-mail address is longer than %d characters",
                      ROSTER_EMAIL_MAX))
            return -1;
    } else if (row.email[0] && !email_ok(row.email)) {
        if (add_error(r, line, "email", "\"%.80s\" is not an e-mail address (name@example.org)",
                      row.email))
            return -1;
    }
    if (!copy_trimmed(row.section, sizeof row.section, section)) {
        if (add_error(r, line, "section", "the section is longer than %d bytes",
                      ROSTER_SECTION_MAX))
            return -1;
    } else if (!text_ok(row.section)) {
        if (add_error(r, line, "section", "the section is not valid UTF-8 text"))
            return -1;
    }
    if (r->error_total == before) {
        size_t found;
        if (seen_lookup(r, row.login, r->nrows, false, &found))
            return -1;
        if (found) {
            return add_error(r, line, "login", "the login \"%s\" is already on line %zu", row.login,
                             r->rows[found - 1].line);
        }
    }
    if (r->error_total != before)
        return 0;
    if (r->nrows % 256 == 0) {
        roster_row *g = realloc(r->rows, (r->nrows + 256) * sizeof *g);
        if (!g)
            return -1;
        r->rows = g;
    }
    r->rows[r->nrows] = row;
    size_t found;
    if (seen_lookup(r, row.login, r->nrows, true, &found))
        return -1;
    r->nrows++;
    return 0;
}

typedef enum col { COL_LOGIN, COL_NAME, COL_EMAIL, COL_SECTION, COL_COUNT } col;

static col column_of(const char *h)
{
    char t[40];
    if (!copy_trimmed(t, sizeof t, h))
        return COL_COUNT;
    static const struct {
        const char *name;
        col c;
    } names[] = {
        {"login", COL_LOGIN},        {"username", COL_LOGIN},   {"user", COL_LOGIN},
        {"sis login id", COL_LOGIN}, {"login id", COL_LOGIN},   {"name", COL_NAME},
        {"display name", COL_NAME},  {"full name", COL_NAME},   {"student", COL_NAME},
        {"email", COL_EMAIL},        {"e-mail", COL_EMAIL},     {"email address", COL_EMAIL},
        {"section", COL_SECTION},    {"sections", COL_SECTION},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(t, names[i].name))
            return names[i].c;
    return COL_COUNT;
}

static const char *const COL_NAMES[COL_COUNT] = {"login", "name", "email", "section"};

int roster_parse_csv(roster *r, const char *text, size_t len)
{
    csv_reader rd;
    csv_init(&rd, text, len);
    char *buf = malloc(LINE_MAX_BYTES);
    if (!buf)
        return -1;
    const char *f[MAX_FIELDS];
    size_t nf, line;
    csv_error e;
    int at[COL_COUNT] = {-1, -1, -1, -1};
    int rc = 0;
    bool header = false;
    int step;
    while ((step = csv_next(&rd, buf, LINE_MAX_BYTES, f, MAX_FIELDS, &nf, &line, &e)) != 0) {
        if (step < 0) {
            const char *cname = "";
            for (int c = 0; c < COL_COUNT; c++)
                if (at[c] >= 0 && (size_t)at[c] + 1 == e.field)
                    cname = COL_NAMES[c];
            if (add_error(r, e.line, cname, "field %zu: %s", e.field, e.message))
                rc = -1;
            if (!header)
                break; /* without a header nothing else can be read */
            continue;
        }
        if (!header) {
            header = true;
            for (size_t i = 0; i < nf; i++) {
                col c = column_of(f[i]);
                if (c != COL_COUNT && at[c] < 0)
                    at[c] = (int)i;
            }
            if (at[COL_LOGIN] < 0) {
                if (add_error(r, line, "",
                              "the first line must be a header naming the columns; it has no "
                              "login column (login, username or SIS Login ID)"))
                    rc = -1;
                break;
            }
            continue;
        }
        const char *v[COL_COUNT];
        for (int c = 0; c < COL_COUNT; c++)
            v[c] = at[c] >= 0 && (size_t)at[c] < nf ? f[at[c]] : "";
        /* Canvas's second row: "Points Possible" (or "    Points Possible"), no login */
        char nm[32];
        if (!v[COL_LOGIN][0] && copy_trimmed(nm, sizeof nm, v[COL_NAME]) &&
            !strcasecmp(nm, "Points Possible"))
            continue;
        int a = roster_add(r, line, v[COL_LOGIN], v[COL_NAME], v[COL_EMAIL], v[COL_SECTION]);
        if (a == -1) {
            rc = -1;
            break;
        }
        if (a == -2)
            break;
    }
    if (rc == 0 && !header && r->error_total == 0 && add_error(r, 1, "", "the file is empty"))
        rc = -1;
    free(buf);
    return rc;
}
