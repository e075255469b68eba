/*
 * static_files.h — the static asset set: every allowed file under --static, read into
 * memory once at start, served at /static/<relative path>.
 *
 * Owns: the allow-list (regular files with a known extension, no dot-files, symlinks only
 * when they resolve inside the folder), MIME types, strong ETags, Cache-Control, the gzip
 * variant of each compressible file (negotiated per request by Accept-Encoding), and the
 * lookup by relative path (binary search; a file path is never built from a URL).
 * Does not: watch the folder for changes (restart to pick up new files).
 */
#ifndef TCPLAB_STATIC_FILES_H
#define TCPLAB_STATIC_FILES_H

#include "http.h"

#include <stddef.h>

typedef struct static_files static_files;

typedef struct static_file {
    char *path; /* relative, '/'-separated: "css/app.css" */
    char *data;
    size_t size;
    const char *mime; /* static string */
    char etag[40];    /* "\"<hex>\"" */
    const char *cache_control;
    /* the gzip variant, compressed once at load (gzip.h) for compressible types
     * of at least GZIP_MIN_SIZE bytes, kept only when smaller; NULL otherwise. Its ETag is
     * `etag` with "-gz" inside the quotes. */
    char *gz;
    size_t gz_size;
    char etag_gz[44];
    /* the prepared responses (200 and 304, identity and gzip) */
    http_variants answers;
} static_file;

/* Total bytes the set may hold. */
#define STATIC_FILES_MAX_TOTAL (32u * 1024u * 1024u)

/* Loads `dir`. Returns NULL with a one-line reason in err on failure (unreadable folder,
 * over the size cap, out of memory). */
static_files *static_files_load(const char *dir, char *err, size_t err_size);
void static_files_free(static_files *sf);

/* The file at relative path `rel`, or NULL. */
const static_file *static_files_find(const static_files *sf, const char *rel);
size_t static_files_count(const static_files *sf);

/* GET /static/{path*} (uses req->app->static_files). Serves the gzip variant (with
 * Content-Encoding: gzip and its own ETag) when the file has one and Accept-Encoding allows
 * gzip; If-None-Match is compared with the ETag of the variant chosen. Compressible types
 * get Vary: Accept-Encoding, on 304 too. */
void static_files_handler(const http_request *req, http_response *res);

/* Answers `req` with file `f` exactly as static_files_handler does (variant by
 * Accept-Encoding, 304 by If-None-Match), for routes that serve one known file. */
void static_files_send(const http_request *req, http_response *res, const static_file *f);

#endif
