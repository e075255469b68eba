/*
 * lessons_db.c — lessons in the database: import, load, refresh, export (lessons_db.h).
 *
 * Owns: file I/O of whole lesson texts (read and written byte-exact, no newline or
 * encoding normalisation) and the refresh lock.
 * Does not: parse lessons (lessons.c) or run SQL (store_lessons.c).
 */
#include "lessons_db.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../store/store_lesson_sync.h"
#include "../store/store_lessons.h"
#include "../lessons/i18n.h"
#include "../lessons/markdown.h"
#include "../util/readall.h"

void lessons_db_file_name(const char *slug, const char *locale, char *out, size_t size)
{
    snprintf(out, size, "%s%s.md", slug, strcmp(locale, "en") ? ".zh-CN" : "");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int lessons_db_import(struct store *st, const char *dir, size_t *imported, char *err,
                      size_t err_size)
{
    if (imported)
        *imported = 0;
    int64_t have = 0;
    if (store_lesson_count(st, &have) != STORE_OK) {
        snprintf(err, err_size, "%s", store_last_error());
        return -1;
    }
    if (have > 0)
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, err_size, "cannot read lessons folder %s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char slug[64];
        if (e->d_name[0] == '.' || !lessons_split_name(e->d_name, slug, sizeof slug, NULL))
            continue;
        char **g = realloc(names, (n + 1) * sizeof *g);
        if (!g || !(g[n] = strdup(e->d_name))) {
            names = g ? g : names;
            rc = -1;
            snprintf(err, err_size, "out of memory");
            break;
        }
        names = g;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    store_lesson_text *items = calloc(n ? n : 1, sizeof *items);
    char(*slugs)[64] = calloc(n ? n : 1, sizeof *slugs);
    if (rc == 0 && (!items || !slugs)) {
        rc = -1;
        snprintf(err, err_size, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        const char *locale = NULL;
        lessons_split_name(names[i], slugs[i], sizeof slugs[i], &locale);
        items[i].slug = slugs[i];
        items[i].locale = locale;
        const char *why = NULL;
        char *body = readall_path(path, 4u * MARKDOWN_MAX_BYTES, &items[i].body_len, &why);
        if (!body) {
            rc = -1;
            snprintf(err, err_size, "cannot read %s: %s", path, why);
            break;
        }
        items[i].body = body;
    }
    if (rc == 0) {
        store_status s = store_lesson_import(st, items, n, "import");
        if (s == STORE_OK) {
            char real[PATH_MAX];
            /* the files hold these texts now (lessons_sync.h); a failure only costs that */
            if (store_lesson_sync_seed(st, realpath(dir, real) ? real : "") != STORE_OK)
                fprintf(stderr, "tcplab: lesson files not recorded: %s\n", store_last_error());
            if (imported)
                *imported = n;
        } else if (s == STORE_CONFLICT)
            ; /* another process imported first: fine */
        else if (s != STORE_OK) {
            rc = -1;
            snprintf(err, err_size, "importing lessons: %s", store_last_error());
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (items)
            free((char *)items[i].body);
        free(names[i]);
    }
    free(names);
    free(items);
    free(slugs);
    return rc;
}

lessons_set *lessons_db_load(struct store *st, const lessons_set *reuse, char *err, size_t err_size)
{
    store_lesson_rev *v = NULL;
    size_t n = 0;
    if (store_lesson_list(st, false, true, &v, &n) != STORE_OK) {
        snprintf(err, err_size, "reading lessons: %s", store_last_error());
        return NULL;
    }
    lessons_text *t = calloc(n ? n : 1, sizeof *t);
    char(*names)[80] = calloc(n ? n : 1, sizeof *names);
    lessons_set *s = NULL;
    if (!t || !names) {
        snprintf(err, err_size, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            lessons_db_file_name(v[i].slug, v[i].locale, names[i], sizeof names[i]);
            t[i].name = names[i];
            t[i].text = v[i].body;
            t[i].len = v[i].body_len;
            t[i].tag = v[i].id;
        }
        s = lessons_from_texts(t, n, reuse, err, err_size);
    }
    free(t);
    free(names);
    store_lesson_revs_free(v, n);
    return s;
}

static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;

int lessons_db_refresh(struct store *st, lessons_set *live, char *err, size_t err_size)
{
    pthread_mutex_lock(&refresh_lock);
    lessons_set *fresh = lessons_db_load(st, live, err, err_size);
    if (fresh)
        lessons_swap(live, fresh);
    pthread_mutex_unlock(&refresh_lock);
    return fresh ? 0 : -1;
}

int lessons_db_write_file(const char *dir, const char *name, const char *body, size_t len,
                          char *err, size_t err_size)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
        (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        snprintf(err, err_size, "folder name too long: %s", dir);
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(body, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

int lessons_db_export(struct store *st, const char *dir, size_t *written, char *err,
                      size_t err_size)
{
    if (written)
        *written = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    store_lesson_rev *v = NULL;
    size_t n = 0;
    if (store_lesson_list(st, false, true, &v, &n) != STORE_OK) {
        snprintf(err, err_size, "reading lessons: %s", store_last_error());
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char name[80];
        lessons_db_file_name(v[i].slug, v[i].locale, name, sizeof name);
        if (lessons_db_write_file(dir, name, v[i].body, v[i].body_len, err, err_size) != 0) {
            rc = -1;
            break;
        }
        if (written)
            (*written)++;
    }
    store_lesson_revs_free(v, n);
    return rc;
}
