/*
 * cmd_check.c — `tcplab check [--static DIR] DIR|FILE...`: validates lesson files.
 *
 * Owns: expanding folders into their *.md lesson files, the per-file report, and the
 * checks that span files: both locales present and equivalent (lessons_compare_locales:
 * order, scenario blocks, quiz ids/types/answers), no two lessons of a locale sharing an
 * order.
 * Does not: parse or render anything itself (server/lessons/lessons.c does, including the
 * front matter schema, scenario blocks, quiz answer keys and link targets).
 * Output: per file "ok FILE" or its errors as "FILE:LINE: message"; last line
 * "N passed, N failed" (files). Exit 0 all passed, 1 any failed, 2 bad usage.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../lessons/i18n.h"
#include "../lessons/lessons.h"
#include "cli.h"

typedef struct check_entry {
    char *path;
    char slug[64];
    const char *locale;
    bool named_ok;
    lesson *l;
    char **errs;
    size_t err_count;
} check_entry;

typedef struct check_list {
    check_entry *items;
    size_t count;
} check_list;

static void add_err(check_entry *e, const char *path, int line, const char *msg)
{
    char buf[1400];
    snprintf(buf, sizeof buf, "%s:%d: %s", path, line, msg);
    char **g = realloc(e->errs, (e->err_count + 1) * sizeof *g);
    if (!g)
        return;
    e->errs = g;
    e->errs[e->err_count] = strdup(buf);
    if (e->errs[e->err_count])
        e->err_count++;
}

static void errf(check_entry *e, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errf(check_entry *e, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_err(e, e->path, line, msg);
}

static void report_cb(void *ctx, const char *path, int line, const char *msg)
{
    add_err(ctx, path, line, msg);
}

static void quiet_cb(void *ctx, const char *path, int line, const char *msg)
{
    (void)ctx;
    (void)path;
    (void)line;
    (void)msg;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int add_path(check_list *list, const char *path)
{
    for (size_t i = 0; i < list->count; i++)
        if (!strcmp(list->items[i].path, path))
            return 0;
    check_entry *g = realloc(list->items, (list->count + 1) * sizeof *g);
    if (!g)
        return -1;
    list->items = g;
    check_entry *e = &list->items[list->count];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    if (!e->path)
        return -1;
    e->named_ok = lessons_split_name(path, e->slug, sizeof e->slug, &e->locale);
    list->count++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const check_entry *)a)->path, ((const check_entry *)b)->path);
}

static int add_dir(check_list *list, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    struct dirent *ent;
    int rc = 0;
    while ((ent = readdir(d)) != NULL) {
        size_t n = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || n < 4 || strcmp(ent->d_name + n - 3, ".md"))
            continue;
        if (!strcasecmp(ent->d_name, "README.md"))
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%.*s/%s", (int)dl, dir, ent->d_name);
        if (is_file(path) && add_path(list, path) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

static void dir_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static check_entry *find_counterpart(check_list *list, const check_entry *e)
{
    char d1[1024], d2[1024];
    dir_of(e->path, d1, sizeof d1);
    for (size_t i = 0; i < list->count; i++) {
        check_entry *o = &list->items[i];
        if (o == e || !o->named_ok || strcmp(o->slug, e->slug) || !strcmp(o->locale, e->locale))
            continue;
        dir_of(o->path, d2, sizeof d2);
        if (!strcmp(d1, d2))
            return o;
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: tcplab check [--static DIR] DIR|FILE...\n"
                    "  validates lesson files (front matter, Markdown, scenario blocks, quizzes,\n"
                    "  links, both locales); prints \"ok FILE\" or FILE:LINE: errors, then\n"
                    "  \"N passed, N failed\"\n");
}

int cmd_check(int argc, char **argv)
{
    const char *static_dir = NULL;
    check_list list = {NULL, 0};
    int first_path = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--static")) {
            if (i + 1 >= argc) {
                usage();
                return 2;
            }
            static_dir = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tcplab check: unknown option %s\n", argv[i]);
            usage();
            return 2;
        } else if (first_path < 0) {
            first_path = i;
        }
    }
    if (first_path < 0) {
        usage();
        return 2;
    }
    int rc_usage = 0;
    for (int i = first_path; i < argc; i++) {
        if (!strcmp(argv[i], "--static")) {
            i++;
            continue;
        }
        if (is_dir(argv[i])) {
            if (add_dir(&list, argv[i]) != 0) {
                fprintf(stderr, "tcplab check: cannot read folder %s\n", argv[i]);
                rc_usage = 2;
            }
        } else if (is_file(argv[i])) {
            add_path(&list, argv[i]);
        } else {
            fprintf(stderr, "tcplab check: no such file or folder: %s\n", argv[i]);
            rc_usage = 2;
        }
    }
    if (static_dir && !is_dir(static_dir)) {
        fprintf(stderr, "tcplab check: --static %s is not a folder\n", static_dir);
        rc_usage = 2;
    }
    if (rc_usage) {
        for (size_t i = 0; i < list.count; i++)
            free(list.items[i].path);
        free(list.items);
        return rc_usage;
    }
    if (!static_dir) {
        static char guess[1100];
        if (is_dir("static")) {
            static_dir = "static";
        } else if (list.count) {
            char d[1024];
            dir_of(list.items[0].path, d, sizeof d);
            snprintf(guess, sizeof guess, "%s/../static", d);
            if (is_dir(guess))
                static_dir = guess;
        }
    }
    if (list.count > 1)
        qsort(list.items, list.count, sizeof *list.items, cmp_entry);

    lessons_parse_options opt = {static_dir, true, true};
    for (size_t i = 0; i < list.count; i++) {
        check_entry *e = &list.items[i];
        e->l = lessons_parse_file(e->path, &opt, report_cb, e, NULL);
    }

    /* checks across files */
    for (size_t i = 0; i < list.count; i++) {
        check_entry *e = &list.items[i];
        if (!e->named_ok)
            continue;
        const char *other = i18n_other_locale(e->locale);
        check_entry *o = find_counterpart(&list, e);
        lesson *other_l = o ? o->l : NULL;
        lesson *loaded = NULL;
        if (!o) {
            char d[1024], path[1200];
            dir_of(e->path, d, sizeof d);
            snprintf(path, sizeof path, "%s/%s%s", d, e->slug,
                     !strcmp(other, I18N_ZH_CN) ? ".zh-CN.md" : ".md");
            if (!is_file(path)) {
                errf(e, 1, "there is no %s version of this lesson (expected %s)", other, path);
                continue;
            }
            lessons_parse_options quiet = {NULL, false, false};
            loaded = lessons_parse_file(path, &quiet, quiet_cb, NULL, NULL);
            other_l = loaded;
        }
        /* report pair differences once, on the Chinese file */
        if (strcmp(e->locale, I18N_ZH_CN) == 0 && e->l && other_l) {
            char err[600];
            if (lessons_compare_locales(other_l, e->l, err, sizeof err) != 0)
                errf(e, 1, "does not match the English version %s: %s", other_l->path, err);
        }
        lessons_lesson_free(loaded);
    }
    for (size_t i = 0; i < list.count; i++) {
        check_entry *e = &list.items[i];
        if (!e->l)
            continue;
        for (size_t k = 0; k < i; k++) {
            check_entry *p = &list.items[k];
            if (p->l && !strcmp(p->locale, e->locale) && p->l->order == e->l->order) {
                char d1[1024], d2[1024];
                dir_of(p->path, d1, sizeof d1);
                dir_of(e->path, d2, sizeof d2);
                if (!strcmp(d1, d2))
                    errf(e, 1, "order %d is also used by %s", e->l->order, p->path);
            }
        }
    }

    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < list.count; i++) {
        check_entry *e = &list.items[i];
        if (e->err_count == 0 && e->l) {
            printf("ok %s\n", e->path);
            passed++;
        } else {
            for (size_t k = 0; k < e->err_count; k++)
                printf("%s\n", e->errs[k]);
            if (e->err_count == 0)
                printf("%s:1: cannot be used\n", e->path);
            failed++;
        }
    }
    if (list.count == 0)
        printf("no lesson files found\n");
    printf("%zu passed, %zu failed\n", passed, failed);
    for (size_t i = 0; i < list.count; i++) {
        check_entry *e = &list.items[i];
        lessons_lesson_free(e->l);
        for (size_t k = 0; k < e->err_count; k++)
            free(e->errs[k]);
        free(e->errs);
        free(e->path);
    }
    free(list.items);
    return (failed || passed == 0) ? 1 : 0;
}
