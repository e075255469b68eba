/*
 * cmd_roster.c — `tcplab roster import FILE [--dry-run] [--db FILE]`: a class roster from a
 * CSV file, the same rules and all-or-nothing import as POST /api/v1/roster/import.
 *
 * Owns: printing the outcome. Problems are printed as "FILE:LINE: column: message" on
 * stderr (exit 1, nothing imported); otherwise one line per student "LINE LOGIN ACTION"
 * and, for a real import, each new student's sign-in link path (/signin#TOKEN) — shown only
 * this once. Exit 0 on success, 1 on a problem in the file, 2 on a usage or store error.
 * Does not: parse CSV (server/grading/roster.c) or run SQL (store_roster.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../grading/auth.h"
#include "../grading/roster.h"
#include "../store/store.h"
#include "../store/store_roster.h"
#include "../util/readall.h"
#include "../web/api_class.h"

static const char *const ACTIONS[] = {"created", "updated", "unchanged", "not_student"};

static int usage(void)
{
    fprintf(stderr, "usage: tcplab roster import FILE [--dry-run] [--db FILE]\n");
    return 2;
}

int cmd_roster(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "import"))
        return usage();
    const char *env = getenv("TCPLAB_DB");
    const char *db = env && *env ? env : "var/tcplab.db";
    const char *file = NULL;
    bool dry_run = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--dry-run"))
            dry_run = true;
        else if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return usage();
    }
    if (!file)
        return usage();
    size_t len;
    const char *err;
    char *text = readall_path(file, ROSTER_MAX_BYTES, &len, &err);
    if (!text) {
        fprintf(stderr, "tcplab roster: %s: %s (at most %u bytes)\n", file, err, ROSTER_MAX_BYTES);
        return 1;
    }
    roster r;
    roster_init(&r);
    int prc = roster_parse_csv(&r, text, len);
    free(text);
    if (prc != 0) {
        fprintf(stderr, "tcplab roster: out of memory\n");
        roster_free(&r);
        return 2;
    }
    if (r.too_many_rows || r.error_total) {
        for (size_t i = 0; i < r.nerrors; i++)
            fprintf(stderr, "%s:%zu: %s%s%s\n", file, r.errors[i].line, r.errors[i].column,
                    r.errors[i].column[0] ? ": " : "", r.errors[i].message);
        if (r.error_total > r.nerrors)
            fprintf(stderr, "%s: ... and %zu more problems\n", file, r.error_total - r.nerrors);
        if (r.too_many_rows)
            fprintf(stderr, "%s: more than %d students\n", file, ROSTER_MAX_ROWS);
        fprintf(stderr, "tcplab roster: nothing was imported\n");
        roster_free(&r);
        return 1;
    }
    if (grading_crypto_init() != 0) {
        fprintf(stderr, "tcplab roster: cannot initialise libsodium\n");
        roster_free(&r);
        return 2;
    }
    char serr[512];
    store *s = store_open(db, serr, sizeof serr);
    if (!s) {
        fprintf(stderr, "tcplab roster: cannot open database %s: %s\n", db, serr);
        roster_free(&r);
        return 2;
    }
    size_t n = r.nrows;
    store_roster_in *in = calloc(n + 1, sizeof *in);
    store_roster_action *act = calloc(n + 1, sizeof *act);
    char(*tokens)[GRADING_TOKEN_SIZE] = calloc(n + 1, sizeof *tokens);
    char(*hashes)[GRADING_DIGEST_SIZE] = calloc(n + 1, sizeof *hashes);
    int rc = 2;
    if (!in || !act || !tokens || !hashes) {
        fprintf(stderr, "tcplab roster: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        in[i] = (store_roster_in){r.rows[i].login, r.rows[i].name, r.rows[i].email,
                                  r.rows[i].section, NULL};
        if (!dry_run) {
            if (grading_secret_new(tokens[i], hashes[i]))
                goto out;
            in[i].link_hash = hashes[i];
        }
    }
    int64_t now = (int64_t)time(NULL);
    store_status st =
        store_roster_import(s, in, n, dry_run, now, now + API_CLASS_LINK_SECONDS, act);
    if (st == STORE_CONFLICT) {
        for (size_t i = 0; i < n; i++)
            if (act[i] == STORE_ROSTER_NOT_STUDENT)
                fprintf(stderr,
                        "%s:%zu: login: the login \"%s\" belongs to an instructor or "
                        "administrator\n",
                        file, r.rows[i].line, in[i].login);
        fprintf(stderr, "tcplab roster: nothing was imported\n");
        rc = 1;
        goto out;
    }
    if (st != STORE_OK) {
        fprintf(stderr, "tcplab roster: %s; nothing was imported\n", store_last_error());
        goto out;
    }
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        counts[act[i]]++;
        if (!dry_run && act[i] == STORE_ROSTER_CREATED)
            printf("%zu %s %s /signin#%s\n", r.rows[i].line, in[i].login, ACTIONS[act[i]],
                   tokens[i]);
        else
            printf("%zu %s %s\n", r.rows[i].line, in[i].login, ACTIONS[act[i]]);
    }
    printf("%s: %zu created, %zu updated, %zu unchanged\n",
           dry_run ? "dry run (nothing saved)" : "imported", counts[0], counts[1], counts[2]);
    if (!dry_run && counts[0])
        printf("the sign-in links are shown only this once; each works once, for %d days\n",
               API_CLASS_LINK_SECONDS / 86400);
    rc = 0;
out:
    free(in);
    free(act);
    free(tokens);
    free(hashes);
    roster_free(&r);
    store_close(s);
    return rc;
}
