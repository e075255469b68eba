/*
 * cmd_lessons.c — `tcplab lessons import DIR` and `tcplab lessons export DIR`: lesson
 * files (e.g. a course's git repository) and the database side by side.
 *
 * Owns: these verbs' arguments, exit codes and output. The database is --db FILE, else
 * $TCPLAB_DB, else var/tcplab.db (as `serve`).
 *   import DIR [--dry-run] [--force] [--author NAME] [--static DIR]
 *       compares each SLUG.md / SLUG.zh-CN.md of DIR with the database (the rules are in
 *       server/web/lessons_sync.h); lists every file on stdout (diffs with --dry-run and
 *       for refused files); refusals and FILE:LINE problems on stderr. Exit 0 imported (or,
 *       with --dry-run, would import), 1 refused (nothing imported) or failed, 2 usage.
 *   export DIR
 *       writes the current revisions to DIR byte-exact (exit 0, or 1).
 * Does not: decide, validate or write anything itself (lessons_sync.c).
 */
#include "cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../store/store.h"
#include "../web/lessons_sync.h"

#define DIFF_LINES 60 /* per file in the report */

static const char USAGE[] =
    "usage: tcplab lessons import DIR [--dry-run] [--force] [--author NAME] [--static DIR]\n"
    "                             [--db FILE]\n"
    "       tcplab lessons export DIR [--db FILE]\n"
    "  import: each lesson file of DIR that is new or changed becomes a new revision by\n"
    "    --author, else the git author of its last commit (committed files in a git work\n"
    "    tree), else \"files\". A file that does not parse, or whose lesson was edited in\n"
    "    the database since the last import while the file changed too, is refused with\n"
    "    FILE:LINE problems or a diff, and then nothing is imported. A browser edit of a\n"
    "    lesson whose file did not change is kept (\"database is newer\").\n"
    "    --dry-run  list what would change, with line diffs; write nothing\n"
    "    --force    take the file where both changed (the database's text stays in the\n"
    "               revision history)\n"
    "    --static   static files folder for link checks (default: ./static if present)\n"
    "  export: write the database's current lessons to DIR (SLUG.md, SLUG.zh-CN.md),\n"
    "    byte-identical; exporting into the folder imported from records that its files\n"
    "    now hold the database's copy.\n"
    "  exit status: 0 done (with --dry-run: nothing would be refused), 1 refused (nothing\n"
    "    imported) or failed, 2 bad usage. The database: --db, else $TCPLAB_DB, else\n"
    "    var/tcplab.db.\n";

static int usage_error(const char *fmt, const char *arg)
{
    if (fmt)
        fprintf(stderr, fmt, arg);
    fputs(USAGE, stderr);
    return 2;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static store *open_db(const char *verb, const char *path)
{
    char err[512];
    store *s = store_open(path, err, sizeof err);
    if (!s)
        fprintf(stderr, "tcplab lessons %s: cannot open database %s: %s\n", verb, path, err);
    return s;
}

static int run_import(store *s, const char *dir, bool dry, const lessons_sync_options *opt)
{
    char err[512];
    lessons_sync_plan *p = lessons_sync_plan_make(s, dir, opt, err, sizeof err);
    if (!p) {
        fprintf(stderr, "tcplab lessons import: %s\n", err);
        return 1;
    }
    printf("%s %s with the database%s:\n", dry ? "Comparing" : "Importing", dir,
           dry ? " (dry run: nothing is written)" : "");
    lessons_sync_print(p, stdout, "", dry || lessons_sync_refused(p), DIFF_LINES);
    fflush(stdout);
    lessons_sync_print_warnings(p, stderr, "tcplab lessons import: ");
    int rc = 0;
    if (lessons_sync_refused(p)) {
        fprintf(stderr, "tcplab lessons import: refused, %s:\n",
                dry ? "an import would write nothing" : "nothing was imported");
        lessons_sync_print_refusals(p, stderr, "  ");
        rc = 1;
    } else if (dry) {
        size_t n = p->count[LESSONS_SYNC_NEW] + p->count[LESSONS_SYNC_CHANGED] +
                   p->count[LESSONS_SYNC_FORCED];
        printf("dry run: %zu file%s would become new revisions\n", n, n == 1 ? "" : "s");
    } else {
        size_t n = 0;
        int a = lessons_sync_apply(s, p, &n, err, sizeof err);
        if (a != 0) {
            fprintf(stderr, "tcplab lessons import: %s\n", err);
            rc = 1;
        } else {
            printf("imported %zu file%s as new revisions\n", n, n == 1 ? "" : "s");
        }
    }
    lessons_sync_plan_free(p);
    return rc;
}

int cmd_lessons(int argc, char **argv)
{
    const char *env = getenv("TCPLAB_DB");
    const char *db = env && *env ? env : "var/tcplab.db";
    const char *verb = NULL, *dir = NULL, *author = NULL, *static_dir = NULL;
    bool dry = false, force = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        }
        if (!strcmp(a, "--dry-run")) {
            dry = true;
        } else if (!strcmp(a, "--force")) {
            force = true;
        } else if (!strcmp(a, "--db") || !strcmp(a, "--author") || !strcmp(a, "--static")) {
            if (i + 1 >= argc)
                return usage_error("tcplab lessons: %s needs a value\n", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--db"))
                db = v;
            else if (!strcmp(a, "--author"))
                author = v;
            else
                static_dir = v;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("tcplab lessons: unknown option \"%s\"\n", a);
        } else if (!verb) {
            verb = a;
        } else if (!dir) {
            dir = a;
        } else {
            return usage_error("tcplab lessons: unexpected argument \"%s\"\n", a);
        }
    }
    bool import = verb && !strcmp(verb, "import"), export = verb && !strcmp(verb, "export");
    if ((!import && !export) || !dir)
        return usage_error(
            verb && !import && !export ? "tcplab lessons: unknown verb \"%s\"\n" : NULL, verb);
    if (export && (dry || force || author || static_dir))
        return usage_error("tcplab lessons export: %s\n",
                           "--dry-run, --force, --author and --static are for import");
    if (author && (!*author || strlen(author) > 80))
        return usage_error("tcplab lessons import: %s\n", "--author must be 1 to 80 bytes");
    if (static_dir && !is_dir(static_dir)) {
        fprintf(stderr, "tcplab lessons import: --static %s is not a folder\n", static_dir);
        return 2;
    }
    if (!static_dir && is_dir("static"))
        static_dir = "static";
    store *s = open_db(verb, db);
    if (!s)
        return 1;
    int rc;
    if (import) {
        lessons_sync_options opt = {force, author, static_dir};
        rc = run_import(s, dir, dry, &opt);
    } else {
        char err[512];
        size_t n = 0, rec = 0;
        rc = lessons_sync_export(s, dir, &n, &rec, err, sizeof err) != 0;
        if (rc)
            fprintf(stderr, "tcplab lessons export: %s\n", err);
        else
            printf("exported %zu lesson files to %s\n", n, dir);
    }
    store_close(s);
    return rc;
}
