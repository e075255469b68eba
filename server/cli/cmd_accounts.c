/*
 * cmd_accounts.c — `tcplab user ...` and `tcplab token ...` (bootstrap).
 *
 * Owns: parsing these verbs' arguments and printing their results. The database is
 * --db FILE, else $TCPLAB_DB, else var/tcplab.db (as `serve`).
 *   user add --role student|instructor|admin NAME   password: $TCPLAB_PASSWORD, else the
 *                                                   first line of stdin (no echo needed)
 *   user list
 *   token create --role student|grader|instructor|admin --name NAME [--user USER]
 *                                                   prints the token ONCE on stdout; a
 *                                                   student token needs --user: the student
 *                                                   (a user of role student) it acts as
 *   token list                                      id, name, role, user, created, last used,
 *                                                   revoked
 *   token revoke ID
 * Does not: hash or generate secrets itself (server/grading/auth.c) or run SQL.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../grading/auth.h"
#include "../store/store.h"
#include "../store/store_accounts.h"

#define MIN_PASSWORD 8
#define MAX_PASSWORD 1024

typedef struct opts {
    const char *db, *role, *name, *user;
    const char *positional[2];
    int npos;
} opts;

/* Parses --db/--role/--name/--user and up to two positional arguments, from argv[start]. */
static int parse_opts(const char *verb, int argc, char **argv, int start, opts *o)
{
    memset(o, 0, sizeof *o);
    const char *env = getenv("TCPLAB_DB");
    o->db = env && *env ? env : "var/tcplab.db";
    for (int i = start; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--db")     ? &o->db
                            : !strcmp(a, "--role") ? &o->role
                            : !strcmp(a, "--name") ? &o->name
                            : !strcmp(a, "--user") ? &o->user
                                                   : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tcplab %s: %s needs a value\n", verb, a);
                return -1;
            }
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tcplab %s: unknown option \"%s\"\n", verb, a);
            return -1;
        } else if (o->npos < 2) {
            o->positional[o->npos++] = a;
        } else {
            fprintf(stderr, "tcplab %s: unexpected argument \"%s\"\n", verb, a);
            return -1;
        }
    }
    return 0;
}

static store *open_db(const char *verb, const char *path)
{
    char err[512];
    store *s = store_open(path, err, sizeof err);
    if (!s)
        fprintf(stderr, "tcplab %s: cannot open database %s: %s\n", verb, path, err);
    return s;
}

static void fmt_time(int64_t t, char *buf, size_t size)
{
    if (!t) {
        snprintf(buf, size, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads the password: $TCPLAB_PASSWORD, else one line of stdin. 0 or -1 (message printed). */
static int read_password(char *buf, size_t size)
{
    const char *env = getenv("TCPLAB_PASSWORD");
    if (env && *env) {
        if (strlen(env) >= size) {
            fprintf(stderr, "tcplab user: TCPLAB_PASSWORD is too long (max %d)\n", MAX_PASSWORD);
            return -1;
        }
        snprintf(buf, size, "%s", env);
    } else {
        if (!fgets(buf, (int)size, stdin)) {
            fprintf(stderr, "tcplab user: no password: set TCPLAB_PASSWORD or give it on stdin\n");
            return -1;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
    }
    if (strlen(buf) < MIN_PASSWORD) {
        fprintf(stderr, "tcplab user: the password needs at least %d characters\n", MIN_PASSWORD);
        return -1;
    }
    return 0;
}

static int user_add(const opts *o)
{
    grading_role role;
    if (!o->role || !grading_role_from_name(o->role, &role) || role == GRADING_GRADER) {
        fprintf(stderr, "tcplab user add: --role must be student, instructor or admin\n");
        return 2;
    }
    const char *name = o->positional[1];
    if (o->npos != 2 || !grading_name_valid(name)) {
        fprintf(stderr, "tcplab user add: NAME must be 1-63 characters of A-Z a-z 0-9 . _ @ -\n");
        return 2;
    }
    char pw[MAX_PASSWORD + 2];
    if (read_password(pw, sizeof pw))
        return 2;
    char hash[STORE_HASH_SIZE];
    if (grading_password_hash(pw, hash, sizeof hash)) {
        fprintf(stderr, "tcplab user add: hashing the password failed (out of memory?)\n");
        return 1;
    }
    memset(pw, 0, sizeof pw);
    store *s = open_db("user add", o->db);
    if (!s)
        return 1;
    int64_t id = 0;
    store_status rc = store_user_add(s, name, o->role, hash, &id);
    int ret = 0;
    if (rc == STORE_CONFLICT) {
        fprintf(stderr, "tcplab user add: user \"%s\" already exists\n", name);
        ret = 1;
    } else if (rc != STORE_OK) {
        fprintf(stderr, "tcplab user add: %s\n", store_last_error());
        ret = 1;
    } else {
        printf("user %lld %s (%s) added\n", (long long)id, name, o->role);
    }
    store_close(s);
    return ret;
}

static int user_list(const opts *o)
{
    store *s = open_db("user list", o->db);
    if (!s)
        return 1;
    store_user *u = NULL;
    size_t n = 0;
    if (store_user_list(s, &u, &n) != STORE_OK) {
        fprintf(stderr, "tcplab user list: %s\n", store_last_error());
        store_close(s);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char t[32];
        fmt_time(u[i].created_at, t, sizeof t);
        printf("%-6lld %-24s %-10s %s\n", (long long)u[i].id, u[i].name, u[i].role, t);
    }
    free(u);
    store_close(s);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tcplab user add --role ROLE NAME | tcplab user list [--db FILE]\n");
        return 2;
    }
    opts o;
    if (parse_opts("user", argc, argv, 1, &o))
        return 2;
    if (!strcmp(o.positional[0] ? o.positional[0] : "", "add"))
        return user_add(&o);
    if (!strcmp(o.positional[0] ? o.positional[0] : "", "list") && o.npos == 1)
        return user_list(&o);
    fprintf(stderr, "usage: tcplab user add --role ROLE NAME | tcplab user list [--db FILE]\n");
    return 2;
}

static int token_create(const opts *o)
{
    grading_role role;
    if (!o->role || !grading_role_from_name(o->role, &role)) {
        fprintf(stderr,
                "tcplab token create: --role must be student, grader, instructor or admin\n");
        return 2;
    }
    if (!o->name || !grading_name_valid(o->name) || o->npos != 1) {
        fprintf(stderr,
                "tcplab token create: --name NAME (1-63 of A-Z a-z 0-9 . _ @ -) is required\n");
        return 2;
    }
    if (role == GRADING_STUDENT && !o->user) {
        fprintf(stderr, "tcplab token create: a student token acts as one student: --user NAME "
                        "(a user of role student, see user list) is required\n");
        return 2;
    }
    if (role != GRADING_STUDENT && o->user) {
        fprintf(stderr, "tcplab token create: --user is only for --role student\n");
        return 2;
    }
    char tok[GRADING_TOKEN_SIZE], digest[GRADING_DIGEST_SIZE];
    if (grading_secret_new(tok, digest)) {
        fprintf(stderr, "tcplab token create: cannot initialise libsodium\n");
        return 1;
    }
    store *s = open_db("token create", o->db);
    if (!s)
        return 1;
    store_user u = {0};
    if (o->user) {
        store_status fr = store_user_find(s, o->user, &u, NULL, 0);
        if (fr != STORE_OK || strcmp(u.role, "student") != 0) {
            if (fr == STORE_OK || fr == STORE_NOT_FOUND)
                fprintf(stderr, "tcplab token create: --user %s: %s\n", o->user,
                        fr == STORE_OK ? "is not a student" : "no such user (see user list)");
            else
                fprintf(stderr, "tcplab token create: %s\n", store_last_error());
            store_close(s);
            return 1;
        }
    }
    int64_t id = 0;
    int ret = 0;
    if (store_token_put(s, o->name, o->role, digest, u.id, (int64_t)time(NULL), &id) != STORE_OK) {
        fprintf(stderr, "tcplab token create: %s\n", store_last_error());
        ret = 1;
    } else {
        fprintf(stderr, "token %lld \"%s\" (%s%s%s) created; it is shown only this once:\n",
                (long long)id, o->name, o->role, o->user ? " acting as " : "",
                o->user ? o->user : "");
        printf("%s\n", tok);
    }
    store_close(s);
    return ret;
}

static int token_list(const opts *o)
{
    store *s = open_db("token list", o->db);
    if (!s)
        return 1;
    store_token *t = NULL;
    size_t n = 0;
    if (store_token_list(s, &t, &n) != STORE_OK) {
        fprintf(stderr, "tcplab token list: %s\n", store_last_error());
        store_close(s);
        return 1;
    }
    printf("%-6s %-20s %-10s %-20s %-20s %-20s %s\n", "ID", "NAME", "ROLE", "USER", "CREATED",
           "LAST USED", "REVOKED");
    for (size_t i = 0; i < n; i++) {
        char c[32], l[32], r[32];
        fmt_time(t[i].created_at, c, sizeof c);
        fmt_time(t[i].last_used_at, l, sizeof l);
        fmt_time(t[i].revoked_at, r, sizeof r);
        printf("%-6lld %-20s %-10s %-20s %-20s %-20s %s\n", (long long)t[i].id, t[i].name,
               t[i].role, t[i].user_name[0] ? t[i].user_name : "-", c, l, r);
    }
    free(t);
    store_close(s);
    return 0;
}

static int token_revoke(const opts *o)
{
    const char *idtext = o->positional[1];
    char *end;
    errno = 0;
    long long id = idtext ? strtoll(idtext, &end, 10) : 0;
    if (o->npos != 2 || !idtext || errno || *end || id <= 0) {
        fprintf(stderr, "tcplab token revoke: ID must be a token id (see token list)\n");
        return 2;
    }
    store *s = open_db("token revoke", o->db);
    if (!s)
        return 1;
    store_status rc = store_token_revoke(s, id, (int64_t)time(NULL));
    int ret = 0;
    if (rc == STORE_NOT_FOUND) {
        fprintf(stderr, "tcplab token revoke: no live token %lld\n", id);
        ret = 1;
    } else if (rc != STORE_OK) {
        fprintf(stderr, "tcplab token revoke: %s\n", store_last_error());
        ret = 1;
    } else {
        printf("token %lld revoked\n", id);
    }
    store_close(s);
    return ret;
}

int cmd_token(int argc, char **argv)
{
    static const char usage[] = "usage: tcplab token create --role ROLE --name NAME [--user USER] "
                                "| token list | token revoke ID  [--db FILE]\n";
    opts o;
    if (argc < 2 || parse_opts("token", argc, argv, 1, &o)) {
        fputs(usage, stderr);
        return 2;
    }
    const char *sub = o.positional[0] ? o.positional[0] : "";
    if (!strcmp(sub, "create"))
        return token_create(&o);
    if (!strcmp(sub, "list") && o.npos == 1)
        return token_list(&o);
    if (!strcmp(sub, "revoke"))
        return token_revoke(&o);
    fputs(usage, stderr);
    return 2;
}
