/*
 * lessons_sync.c — lesson files and the database side by side (see lessons_sync.h).
 *
 * Owns: reading a folder's lesson files byte-exact, their BLAKE2b-256 hashes (libsodium),
 * asking git for a file's last author (git -C DIR, no shell; any failure means "files"),
 * the per-file decision, validation through lessons_parse_file, and the printed report.
 * Does not: run SQL (store_lesson_sync.c, store_lessons.c) or parse lessons itself.
 */
#include "lessons_sync.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lessons/lessons.h"
#include "../lessons/markdown.h"
#include "../store/store_lesson_sync.h"
#include "../store/store_lessons.h"
#include "../util/linediff.h"
#include "../util/readall.h"
#include "../util/strbuf.h"
#include "lessons_db.h"

static const char *const STATE_WORD[LESSONS_SYNC_STATES] = {
    "new", "changed", "unchanged", "kept", "refused", "forced", "refused",
};

static void hash_hex(const char *body, size_t len, char out[65])
{
    unsigned char h[32];
    if (sodium_init() < 0) {
        out[0] = 0;
        return;
    }
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void when(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!t || !gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm))
        snprintf(out, size, "an unknown time");
}

/* Runs argv (no shell) with stdout into out (NUL-terminated, trailing newline cut) and
 * stderr to /dev/null. The exit status, or -1 when it could not run. */
static int run_capture(char *const argv[], char *out, size_t size)
{
    int fd[2];
    out[0] = 0;
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(fd[1], 1);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 2);
        }
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t got = 0;
    for (;;) {
        char buf[256];
        ssize_t r = read(fd[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++)
            if (got + 1 < size)
                out[got++] = buf[i];
    }
    out[got] = 0;
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    while (got && (out[got - 1] == '\n' || out[got - 1] == '\r'))
        out[--got] = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The author of the file's last commit when it is committed as it is; else "files". */
static void git_author(const char *dir, const char *name, char *out, size_t size)
{
    snprintf(out, size, "files");
    char status[64];
    char *st_argv[] = {"git", "-C", (char *)dir, "status", "--porcelain", "--", (char *)name, NULL};
    if (run_capture(st_argv, status, sizeof status) != 0 || status[0])
        return; /* no git, not a work tree, or changed/untracked */
    char who[96];
    char *log_argv[] = {"git",          "-C", (char *)dir,  "log", "-1",
                        "--format=%an", "--", (char *)name, NULL};
    if (run_capture(log_argv, who, sizeof who) == 0 && who[0])
        snprintf(out, size, "%s", who);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const lessons_sync_entry *)a)->name, ((const lessons_sync_entry *)b)->name);
}

/* The hash of the text the files held at the last sync ("" when unknown). */
static void synced_hash(struct store *st, const store_lesson_sync *r, char out[65])
{
    out[0] = 0;
    if (r->file_hash[0]) {
        snprintf(out, 65, "%s", r->file_hash);
        return;
    }
    store_lesson_rev rev;
    if (store_lesson_revision_get(st, r->slug, r->locale, r->revision, &rev) == STORE_OK) {
        hash_hex(rev.body, rev.body_len, out);
        store_lesson_rev_cleanup(&rev);
    }
}

static void on_problem(void *ctx, const char *path, int line, const char *msg)
{
    strbuf_printf(ctx, "%s:%d: %s\n", path, line, msg);
}

/* Parses the file as `tcplab check` does; invalid → state INVALID with its problems. */
static void validate(lessons_sync_plan *p, lessons_sync_entry *e, const lessons_sync_options *opt)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
    strbuf b = STRBUF_INIT;
    lessons_parse_options po = {opt->static_dir, true, true};
    int problems = 0;
    lesson *l = lessons_parse_text(path, e->file, e->file_len, &po, on_problem, &b, &problems);
    if (!l || problems) {
        if (!b.len)
            strbuf_printf(&b, "%s:1: the lesson does not parse\n", path);
        e->problems = strbuf_take(&b);
        e->state = LESSONS_SYNC_INVALID;
    } else {
        strbuf_cleanup(&b);
    }
    lessons_lesson_free(l);
}

static lessons_sync_entry *find_entry(lessons_sync_plan *p, const char *slug, const char *locale)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].slug, slug) && !strcmp(p->v[i].locale, locale))
            return &p->v[i];
    return NULL;
}

/* Reads the folder's lesson files into p->v (sorted by name). 0 or -1 + err. */
static int read_files(lessons_sync_plan *p, char *err, size_t err_size)
{
    DIR *d = opendir(p->dir);
    if (!d) {
        snprintf(err, err_size, "cannot read lessons folder %s: %s", p->dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    size_t cap = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        char slug[64];
        const char *locale = NULL;
        size_t name_len = strlen(de->d_name);
        if (de->d_name[0] == '.' || !lessons_split_name(de->d_name, slug, sizeof slug, &locale) ||
            name_len >= sizeof p->v[0].name)
            continue;
        if (p->n == cap) {
            size_t nc = cap ? 2 * cap : 32;
            lessons_sync_entry *g = realloc(p->v, nc * sizeof *g);
            if (!g) {
                snprintf(err, err_size, "out of memory");
                rc = -1;
                break;
            }
            p->v = g;
            cap = nc;
        }
        lessons_sync_entry *e = &p->v[p->n++];
        memset(e, 0, sizeof *e);
        memcpy(e->name, de->d_name, name_len + 1); /* fits: checked above */
        snprintf(e->slug, sizeof e->slug, "%s", slug);
        e->locale = locale;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
        const char *why = NULL;
        /* past the 1 MiB lesson limit the parser refuses it with a line number */
        e->file = readall_path(path, 4u * MARKDOWN_MAX_BYTES, &e->file_len, &why);
        if (!e->file) {
            snprintf(err, err_size, "cannot read %s: %s", path, why);
            rc = -1;
        }
    }
    closedir(d);
    if (rc == 0 && p->n)
        qsort(p->v, p->n, sizeof *p->v, cmp_entry);
    return rc;
}

static bool taken(const lessons_sync_entry *e)
{
    return e->state == LESSONS_SYNC_NEW || e->state == LESSONS_SYNC_CHANGED ||
           e->state == LESSONS_SYNC_FORCED;
}

/* Sets `warning` on each SLUG.md whose SLUG.zh-CN.md disagrees with it, where one of the two
 * is imported and both parse. */
static void compare_locales(lessons_sync_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        lessons_sync_entry *en = &p->v[i];
        if (strcmp(en->locale, "en") != 0)
            continue;
        lessons_sync_entry *zh = find_entry(p, en->slug, "zh-CN");
        if (!zh || !(taken(en) || taken(zh)) || en->state == LESSONS_SYNC_INVALID ||
            zh->state == LESSONS_SYNC_INVALID)
            continue;
        lessons_parse_options quiet = {NULL, false, false};
        lesson *a = lessons_parse_text(en->name, en->file, en->file_len, &quiet, NULL, NULL, NULL);
        lesson *b = lessons_parse_text(zh->name, zh->file, zh->file_len, &quiet, NULL, NULL, NULL);
        char why[600];
        if (a && b && lessons_compare_locales(a, b, why, sizeof why) != 0) {
            strbuf w = STRBUF_INIT;
            strbuf_printf(&w, "%s and %s differ: %s", en->name, zh->name, why);
            en->warning = strbuf_take(&w);
        }
        lessons_lesson_free(a);
        lessons_lesson_free(b);
    }
}

size_t lessons_sync_print_warnings(const lessons_sync_plan *p, FILE *f, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].warning) {
            fprintf(f, "%swarning: %s\n", prefix, p->v[i].warning);
            n++;
        }
    return n;
}

lessons_sync_plan *lessons_sync_plan_make(struct store *st, const char *dir,
                                          const lessons_sync_options *opt, char *err,
                                          size_t err_size)
{
    lessons_sync_plan *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    if (strlen(dir) >= sizeof p->dir || !realpath(dir, p->real) ||
        strlen(p->real) >= STORE_SYNC_DIR_SIZE) {
        snprintf(err, err_size, "cannot read lessons folder %s: %s", dir,
                 strlen(dir) >= sizeof p->dir ? "name too long" : strerror(errno));
        free(p);
        return NULL;
    }
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    if (read_files(p, err, err_size) != 0) {
        lessons_sync_plan_free(p);
        return NULL;
    }
    store_lesson_rev *db = NULL;
    store_lesson_sync *rec = NULL;
    size_t ndb = 0, nrec = 0;
    if (store_lesson_list(st, true, true, &db, &ndb) != STORE_OK ||
        store_lesson_sync_list(st, &rec, &nrec) != STORE_OK) {
        snprintf(err, err_size, "reading lessons: %s", store_last_error());
        store_lesson_revs_free(db, ndb);
        free(rec);
        lessons_sync_plan_free(p);
        return NULL;
    }
    for (size_t i = 0; i < ndb; i++) {
        lessons_sync_entry *e = find_entry(p, db[i].slug, db[i].locale);
        if (!e) {
            p->db_only += !db[i].deleted;
            continue;
        }
        e->have_db = true;
        e->db_deleted = db[i].deleted;
        e->db_rev = db[i].id;
        e->db_at = db[i].created_at;
        snprintf(e->db_author, sizeof e->db_author, "%s", db[i].author);
        e->db = db[i].body; /* moved */
        e->db_len = db[i].body_len;
        db[i].body = NULL;
    }
    store_lesson_revs_free(db, ndb);
    for (size_t i = 0; i < p->n; i++) {
        lessons_sync_entry *e = &p->v[i];
        hash_hex(e->file, e->file_len, e->hash);
        const store_lesson_sync *r = NULL;
        for (size_t j = 0; j < nrec && !r; j++)
            if (!strcmp(rec[j].slug, e->slug) && !strcmp(rec[j].locale, e->locale))
                r = &rec[j];
        char base[65] = "";
        if (r) {
            e->have_record = true;
            e->synced_rev = r->revision;
            e->synced_at = r->synced_at;
            synced_hash(st, r, base);
        }
        bool same = e->have_db && !e->db_deleted && e->db_len == e->file_len &&
                    !memcmp(e->db, e->file, e->file_len);
        if (!e->have_db) {
            e->state = LESSONS_SYNC_NEW;
        } else if (same) {
            e->state = LESSONS_SYNC_UNCHANGED;
            e->record = !r || r->revision != e->db_rev || strcmp(r->file_hash, e->hash) ||
                        strcmp(r->dir, p->real);
        } else if (r && base[0] && !strcmp(base, e->hash)) {
            e->state = LESSONS_SYNC_DB_NEWER;
        } else if (r && r->revision == e->db_rev && !e->db_deleted) {
            e->state = LESSONS_SYNC_CHANGED;
        } else {
            e->state = opt->force ? LESSONS_SYNC_FORCED : LESSONS_SYNC_CONFLICT;
        }
        if (e->state == LESSONS_SYNC_NEW || e->state == LESSONS_SYNC_CHANGED ||
            e->state == LESSONS_SYNC_FORCED) {
            if (opt->author && *opt->author)
                snprintf(e->author, sizeof e->author, "%s", opt->author);
            else
                git_author(p->real, e->name, e->author, sizeof e->author);
            validate(p, e, opt);
        }
        p->count[e->state]++;
    }
    free(rec);
    compare_locales(p);
    return p;
}

void lessons_sync_plan_free(lessons_sync_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].file);
        free(p->v[i].db);
        free(p->v[i].problems);
        free(p->v[i].warning);
    }
    free(p->v);
    free(p);
}

bool lessons_sync_refused(const lessons_sync_plan *p)
{
    return p->count[LESSONS_SYNC_CONFLICT] + p->count[LESSONS_SYNC_INVALID] > 0;
}

int lessons_sync_apply(struct store *st, lessons_sync_plan *p, size_t *imported, char *err,
                       size_t err_size)
{
    if (imported)
        *imported = 0;
    if (lessons_sync_refused(p))
        return 1;
    store_lesson_sync_item *items = calloc(p->n ? p->n : 1, sizeof *items);
    if (!items) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    size_t k = 0, revs = 0;
    for (size_t i = 0; i < p->n; i++) {
        lessons_sync_entry *e = &p->v[i];
        bool take = e->state == LESSONS_SYNC_NEW || e->state == LESSONS_SYNC_CHANGED ||
                    e->state == LESSONS_SYNC_FORCED;
        if (!take && !(e->state == LESSONS_SYNC_UNCHANGED && e->record))
            continue;
        store_lesson_sync_item *it = &items[k++];
        it->slug = e->slug;
        it->locale = e->locale;
        it->expected_rev = e->have_db ? e->db_rev : 0;
        it->body = take ? e->file : NULL;
        it->body_len = take ? e->file_len : 0;
        it->author = e->author;
        it->file_hash = e->hash;
        revs += take;
    }
    int rc = 0;
    if (k) {
        store_status s = store_lesson_sync_apply(st, items, k, p->real);
        if (s == STORE_CONFLICT) {
            snprintf(err, err_size, "%s; nothing was imported, run the import again",
                     store_last_error());
            rc = -1;
        } else if (s != STORE_OK) {
            snprintf(err, err_size, "importing lessons: %s", store_last_error());
            rc = -1;
        }
    }
    free(items);
    if (rc == 0 && imported)
        *imported = revs;
    return rc;
}

void lessons_sync_print(const lessons_sync_plan *p, FILE *f, const char *prefix, bool diffs,
                        size_t max_diff_lines)
{
    for (size_t i = 0; i < p->n; i++) {
        const lessons_sync_entry *e = &p->v[i];
        fprintf(f, "%s  %-9s  %s", prefix, STATE_WORD[e->state], e->name);
        bool differs =
            e->have_db && (e->state == LESSONS_SYNC_CHANGED || e->state == LESSONS_SYNC_FORCED ||
                           e->state == LESSONS_SYNC_CONFLICT);
        strbuf d = STRBUF_INIT;
        linediff_stats ds = {0, 0, 0, 0};
        if (differs || (e->state == LESSONS_SYNC_INVALID && e->have_db))
            linediff_unified(&d, e->db, e->db_len, e->file, e->file_len, 3, max_diff_lines, &ds);
        char t[40];
        switch (e->state) {
        case LESSONS_SYNC_NEW:
            fprintf(f, "  (%zu bytes; by %s)", e->file_len, e->author);
            break;
        case LESSONS_SYNC_CHANGED:
            fprintf(f, "  +%zu -%zu lines (by %s)", ds.added, ds.removed, e->author);
            break;
        case LESSONS_SYNC_FORCED:
            fprintf(f, "  +%zu -%zu lines (by %s; replaces r%lld by %s)", ds.added, ds.removed,
                    e->author, (long long)e->db_rev, e->db_author);
            break;
        case LESSONS_SYNC_DB_NEWER:
            when(e->db_at, t, sizeof t);
            fprintf(f, "  database is newer: r%lld by %s, %s%s", (long long)e->db_rev, e->db_author,
                    t, e->db_deleted ? " (deleted)" : "");
            break;
        case LESSONS_SYNC_CONFLICT:
            fprintf(f, "  +%zu -%zu lines, but the database has an edit the file does not have",
                    ds.added, ds.removed);
            break;
        case LESSONS_SYNC_INVALID:
            fprintf(f, "  the file has problems");
            break;
        default:
            break;
        }
        fputc('\n', f);
        if (diffs && d.len && e->state != LESSONS_SYNC_INVALID) {
            fprintf(f, "%s    --- database r%lld (%s)\n%s    +++ file %s/%s\n", prefix,
                    (long long)e->db_rev, e->db_author, prefix, p->dir, e->name);
            for (const char *l = d.data; l && *l;) {
                const char *nl = strchr(l, '\n');
                size_t n = nl ? (size_t)(nl - l) : strlen(l);
                fprintf(f, "%s    %.*s\n", prefix, (int)n, l);
                l += n + (nl ? 1 : 0);
            }
        }
        strbuf_cleanup(&d);
    }
    fprintf(f,
            "%s%zu new, %zu changed, %zu unchanged, %zu database newer, %zu forced, %zu "
            "refused",
            prefix, p->count[LESSONS_SYNC_NEW], p->count[LESSONS_SYNC_CHANGED],
            p->count[LESSONS_SYNC_UNCHANGED], p->count[LESSONS_SYNC_DB_NEWER],
            p->count[LESSONS_SYNC_FORCED],
            p->count[LESSONS_SYNC_CONFLICT] + p->count[LESSONS_SYNC_INVALID]);
    if (p->db_only)
        fprintf(f, "; %zu only in the database (not touched)", p->db_only);
    fputc('\n', f);
}

void lessons_sync_print_refusals(const lessons_sync_plan *p, FILE *f, const char *prefix)
{
    for (size_t i = 0; i < p->n; i++) {
        const lessons_sync_entry *e = &p->v[i];
        if (e->state == LESSONS_SYNC_INVALID) {
            for (const char *l = e->problems; l && *l;) {
                const char *nl = strchr(l, '\n');
                size_t n = nl ? (size_t)(nl - l) : strlen(l);
                fprintf(f, "%s%.*s\n", prefix, (int)n, l);
                l += n + (nl ? 1 : 0);
            }
        } else if (e->state == LESSONS_SYNC_CONFLICT) {
            char t1[40], t2[40];
            when(e->db_at, t1, sizeof t1);
            when(e->synced_at, t2, sizeof t2);
            fprintf(f,
                    "%s%s/%s: the database has an edit the file does not have (r%lld by %s, %s%s) "
                    "and the file changed too",
                    prefix, p->dir, e->name, (long long)e->db_rev, e->db_author, t1,
                    e->db_deleted ? ", lesson deleted" : "");
            if (e->have_record)
                fprintf(f, " since they were last synced (r%lld, %s)", (long long)e->synced_rev,
                        t2);
            else
                fprintf(f, " (they were never synced)");
            fprintf(f,
                    ".\n%s  To keep both: tcplab lessons export OTHER-DIR, merge OTHER-DIR/%s into "
                    "the file, then import again with --force.\n%s  To take the file as it is: "
                    "import again with --force (r%lld stays in the revision history).\n",
                    prefix, e->name, prefix, (long long)e->db_rev);
        }
    }
}

int lessons_sync_export(struct store *st, const char *dir, size_t *written, size_t *recorded,
                        char *err, size_t err_size)
{
    if (written)
        *written = 0;
    if (recorded)
        *recorded = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    char real[PATH_MAX];
    if (!realpath(dir, real)) {
        snprintf(err, err_size, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    store_lesson_rev *v = NULL;
    store_lesson_sync *rec = NULL;
    size_t n = 0, nrec = 0;
    if (store_lesson_list(st, false, true, &v, &n) != STORE_OK ||
        store_lesson_sync_list(st, &rec, &nrec) != STORE_OK) {
        snprintf(err, err_size, "reading lessons: %s", store_last_error());
        store_lesson_revs_free(v, n);
        return -1;
    }
    store_lesson_sync_item *items = calloc(n ? n : 1, sizeof *items);
    char(*hashes)[65] = calloc(n ? n : 1, sizeof *hashes);
    int rc = items && hashes ? 0 : -1;
    if (rc)
        snprintf(err, err_size, "out of memory");
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char name[80];
        lessons_db_file_name(v[i].slug, v[i].locale, name, sizeof name);
        if (lessons_db_write_file(dir, name, v[i].body, v[i].body_len, err, err_size) != 0) {
            rc = -1;
            break;
        }
        if (written)
            (*written)++;
        for (size_t j = 0; j < nrec; j++) {
            if (strcmp(rec[j].slug, v[i].slug) || strcmp(rec[j].locale, v[i].locale) ||
                strcmp(rec[j].dir, real))
                continue;
            hash_hex(v[i].body, v[i].body_len, hashes[k]);
            items[k] = (store_lesson_sync_item){v[i].slug, v[i].locale, v[i].id,   NULL,
                                                0,         NULL,        hashes[k], 0};
            k++;
        }
    }
    /* a lesson saved meanwhile: its record stays as it was (the next import compares) */
    if (rc == 0 && k && store_lesson_sync_apply(st, items, k, real) == STORE_OK && recorded)
        *recorded = k;
    free(items);
    free(hashes);
    free(rec);
    store_lesson_revs_free(v, n);
    return rc;
}

json_t *lessons_sync_source_json(struct store *st, const char *dir, const char *slug,
                                 const char *locale, int64_t current_rev)
{
    store_lesson_sync r;
    bool have = store_lesson_sync_get(st, slug, locale, &r) == STORE_OK;
    char name[80], path[PATH_MAX] = "";
    lessons_db_file_name(slug, locale, name, sizeof name);
    char *file = NULL;
    size_t len = 0;
    if (dir) {
        snprintf(path, sizeof path, "%s/%s", dir, name);
        const char *why;
        file = readall_path(path, 4u * MARKDOWN_MAX_BYTES, &len, &why);
    }
    const char *state = "not-synced";
    if (!file) {
        state = "no-file";
    } else if (have) {
        char base[65], fh[65];
        synced_hash(st, &r, base);
        hash_hex(file, len, fh);
        bool file_moved = strcmp(base, fh) != 0, db_moved = r.revision != current_rev;
        store_lesson_rev cur;
        bool equal = false;
        if (file_moved && db_moved &&
            store_lesson_revision_get(st, slug, locale, current_rev, &cur) == STORE_OK) {
            equal = cur.body_len == len && !memcmp(cur.body, file, len);
            store_lesson_rev_cleanup(&cur);
        }
        state = equal || (!file_moved && !db_moved) ? "same"
                : !file_moved                       ? "database-newer"
                : !db_moved                         ? "file-newer"
                                                    : "both-changed";
    }
    free(file);
    json_t *o = json_pack("{s:s, s:s}", "of_truth", "database", "state", state);
    if (!o)
        return NULL;
    json_object_set_new(o, "file", dir ? json_string(path) : json_null());
    json_object_set_new(o, "synced_at", have ? json_integer(r.synced_at) : json_null());
    json_object_set_new(o, "synced_revision", have ? json_integer(r.revision) : json_null());
    return o;
}
