/*
 * static_files.c — the in-memory static asset set (contract in static_files.h).
 *
 * Owns: walking the folder once at start, the allow-list rules, the sorted table and its
 * lookup, each file's gzip variant (compressed once, at load), ETag/Cache-Control/304 logic
 * per coding. Does not: ever open a file after start-up, or
 * derive a file-system path from a request.
 * Lives in server/http/ rather than server/web/: it serves any folder of files and knows
 * nothing of TCP Lab's pages or API (the server core, server.c, answers from it directly).
 */
#include "static_files.h"

#include "../app.h"
#include "gzip.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 12

struct static_files {
    static_file *files; /* sorted by path (strcmp) */
    size_t count, cap;
    size_t total;
    char root[PATH_MAX]; /* realpath of the folder */
};

static const struct {
    const char *ext;
    const char *mime;
} MIMES[] = {
    {"html", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json"},
};

static const char *mime_for(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof MIMES / sizeof MIMES[0]; i++)
        if (!strcmp(dot + 1, MIMES[i].ext))
            return MIMES[i].mime;
    return NULL;
}

/* name.<8+ lowercase hex>.ext (the hash is the second-to-last dot component). */
static bool fingerprinted(const char *name)
{
    const char *last = strrchr(name, '.');
    if (!last || last == name)
        return false;
    const char *p = last;
    while (p > name && p[-1] != '.')
        p--;
    if (p == name) /* no dot before the hash: "abcdef12.js" is not fingerprinted */
        return false;
    size_t n = (size_t)(last - p);
    if (n < 8)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    return true;
}

static bool name_ok(const char *name)
{
    if (name[0] == '.' || !name[0])
        return false;
    for (const char *c = name; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
        if (!ok)
            return false; /* not reachable through the router's capture rules anyway */
    }
    return true;
}

static int read_file(const char *path, size_t size, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *data = malloc(size ? size : 1);
    if (!data) {
        fclose(f);
        return -1;
    }
    size_t got = size ? fread(data, 1, size, f) : 0;
    int extra = fgetc(f);
    fclose(f);
    if (got != size || extra != EOF) { /* changed while reading */
        free(data);
        return -1;
    }
    *out = data;
    return 0;
}

static int add_file(static_files *sf, const char *abs, const char *rel, size_t size, char *err,
                    size_t err_size)
{
    if (sf->total + size > STATIC_FILES_MAX_TOTAL) {
        snprintf(err, err_size, "static folder %s holds more than %u MiB of assets", sf->root,
                 STATIC_FILES_MAX_TOTAL >> 20);
        return -1;
    }
    if (sf->count == sf->cap) {
        size_t ncap = sf->cap ? sf->cap * 2 : 64;
        static_file *nf = realloc(sf->files, ncap * sizeof *nf);
        if (!nf) {
            snprintf(err, err_size, "out of memory loading static files");
            return -1;
        }
        sf->files = nf;
        sf->cap = ncap;
    }
    static_file *f = &sf->files[sf->count];
    memset(f, 0, sizeof *f);
    if (read_file(abs, size, &f->data) != 0) {
        snprintf(err, err_size, "cannot read static file %s: %s", abs, strerror(errno));
        return -1;
    }
    f->path = strdup(rel);
    if (!f->path) {
        free(f->data);
        snprintf(err, err_size, "out of memory loading static files");
        return -1;
    }
    f->size = size;
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    f->mime = mime_for(base);
    f->cache_control = fingerprinted(base) ? "public, max-age=31536000, immutable" : "no-cache";
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)f->data, size, NULL, 0);
    f->etag[0] = '"';
    sodium_bin2hex(f->etag + 1, sizeof f->etag - 2, h, sizeof h);
    strcat(f->etag, "\"");
    if (size >= GZIP_MIN_SIZE && gzip_compressible_type(f->mime)) {
        if (gzip_compress(f->data, size, GZIP_LEVEL_STATIC, &f->gz, &f->gz_size) != 0) {
            free(f->data);
            free(f->path);
            snprintf(err, err_size, "out of memory compressing static file %s", abs);
            return -1;
        }
        if (f->gz_size >= size) { /* not worth it: identity only */
            free(f->gz);
            f->gz = NULL;
            f->gz_size = 0;
        } else {
            gzip_etag(f->etag, f->etag_gz, sizeof f->etag_gz);
        }
    }
    sf->count++;
    sf->total += size;
    return 0;
}

/* Walks abs (a folder inside the root) whose relative path is rel ("" for the root). */
static int walk(static_files *sf, const char *abs, const char *rel, int depth, char *err,
                size_t err_size)
{
    if (depth > MAX_DEPTH)
        return 0;
    DIR *d = opendir(abs);
    if (!d) {
        snprintf(err, err_size, "cannot read static folder %s: %s", abs, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!name_ok(e->d_name))
            continue;
        char child_abs[PATH_MAX], child_rel[PATH_MAX];
        if ((size_t)snprintf(child_abs, sizeof child_abs, "%s/%s", abs, e->d_name) >=
                sizeof child_abs ||
            (size_t)snprintf(child_rel, sizeof child_rel, "%s%s%s", rel, *rel ? "/" : "",
                             e->d_name) >= sizeof child_rel)
            continue;
        struct stat lst, st;
        if (lstat(child_abs, &lst) != 0)
            continue;
        if (S_ISLNK(lst.st_mode)) {
            /* a symlink is served only when it resolves to a regular file inside root */
            char real[PATH_MAX];
            if (!realpath(child_abs, real))
                continue;
            size_t rl = strlen(sf->root);
            if (strncmp(real, sf->root, rl) != 0 || real[rl] != '/')
                continue;
            if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
        } else {
            st = lst;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk(sf, child_abs, child_rel, depth + 1, err, err_size);
        } else if (S_ISREG(st.st_mode) && mime_for(e->d_name)) {
            rc = add_file(sf, child_abs, child_rel, (size_t)st.st_size, err, err_size);
        }
    }
    closedir(d);
    return rc;
}

/* The prepared responses of a loaded file. 0, or -1. */
static int prepare_file(static_file *f)
{
    return http_variants_init(&f->answers, f->mime, f->cache_control, f->data, f->size, f->etag,
                              f->gz, f->gz_size, f->etag_gz);
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const static_file *)a)->path, ((const static_file *)b)->path);
}

static_files *static_files_load(const char *dir, char *err, size_t err_size)
{
    if (sodium_init() < 0) {
        snprintf(err, err_size, "libsodium failed to initialise");
        return NULL;
    }
    static_files *sf = calloc(1, sizeof *sf);
    if (!sf) {
        snprintf(err, err_size, "out of memory loading static files");
        return NULL;
    }
    struct stat st;
    if (!realpath(dir, sf->root) || stat(sf->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "static folder %s is not a readable directory: %s", dir,
                 errno ? strerror(errno) : "not a directory");
        free(sf);
        return NULL;
    }
    if (walk(sf, sf->root, "", 0, err, err_size) != 0) {
        static_files_free(sf);
        return NULL;
    }
    if (sf->count)
        qsort(sf->files, sf->count, sizeof *sf->files, cmp_files);
    for (size_t i = 0; i < sf->count; i++) {
        if (prepare_file(&sf->files[i]) != 0) {
            snprintf(err, err_size, "out of memory preparing static file %s", sf->files[i].path);
            static_files_free(sf);
            return NULL;
        }
    }
    return sf;
}

void static_files_free(static_files *sf)
{
    if (!sf)
        return;
    for (size_t i = 0; i < sf->count; i++) {
        free(sf->files[i].path);
        free(sf->files[i].data);
        free(sf->files[i].gz);
        http_variants_cleanup(&sf->files[i].answers);
    }
    free(sf->files);
    free(sf);
}

size_t static_files_count(const static_files *sf)
{
    return sf ? sf->count : 0;
}

const static_file *static_files_find(const static_files *sf, const char *rel)
{
    if (!sf || !rel || !sf->count)
        return NULL;
    size_t lo = 0, hi = sf->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rel, sf->files[mid].path);
        if (c == 0)
            return &sf->files[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

void static_files_handler(const http_request *req, http_response *res)
{
    const static_files *sf = req->app ? req->app->static_files : NULL;
    const static_file *f = req->param_count ? static_files_find(sf, req->params[0]) : NULL;
    if (!f) {
        http_problem(res, 404, NULL, "no such static file");
        return;
    }
    static_files_send(req, res, f);
}

void static_files_send(const http_request *req, http_response *res, const static_file *f)
{
    /* HEAD chooses like GET: the variant costs nothing here, and the headers then match */
    http_variants_send(req, res, &f->answers);
}
