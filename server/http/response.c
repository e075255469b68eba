/*
 * response.c — http_response → libmicrohttpd response, and prepared responses (contract in
 * response.h and, for http_prepared_*, http.h).
 *
 * Owns: the headers on every response and struct http_prepared. A prepared response holds
 * one MHD_Response built at start; MHD reference-counts it under its own lock, so worker
 * threads queue it concurrently and nothing is allocated or copied per request.
 * Also http_variants: the 200/304 × identity/gzip answers of one fixed body, and the choice
 * among them, and the head of an answer written on the raw socket (response_raw_head).
 * Does not: content coding, problem `instance`, queueing (server.c).
 */
#include "response.h"

#include "gzip.h"
#include "request.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Content-Security-Policy sent with every HTML response (docs/dom.md). */
#define CSP_BASE                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "object-src 'none'; base-uri 'none'; "
static char csp[2048] = CSP_BASE "frame-ancestors 'none'; form-action 'self'";

int http_set_frame_ancestors(const char *list, char *err, size_t err_size)
{
    if (!list || !*list)
        return 0;
    char origins[900] = ""; /* twice in csp, with CSP_BASE: fits in its 2048 bytes */
    size_t used = 0, count = 0;
    const char *p = list;
    while (*p) {
        p += strspn(p, " ,");
        size_t n = strcspn(p, " ,");
        if (n == 0)
            break;
        bool https = n > 8 && !strncmp(p, "https://", 8);
        bool http = n > 7 && !strncmp(p, "http://", 7);
        size_t ok = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/-");
        if ((!https && !http) || ok < n || memchr(p + (https ? 8 : 7), '/', n - (https ? 8 : 7)) ||
            ++count > 16 || used + n + 2 >= sizeof origins) {
            snprintf(err, err_size,
                     "frame ancestors: \"%.*s\" is not an origin like https://lms.example.edu "
                     "(at most 16, no path)",
                     (int)(n < 100 ? n : 100), p);
            return -1;
        }
        used += (size_t)snprintf(origins + used, sizeof origins - used, " %.*s", (int)n, p);
        p += n;
    }
    char next[sizeof csp];
    int w = snprintf(next, sizeof next, CSP_BASE "frame-ancestors 'self'%s; form-action 'self'%s",
                     origins, origins);
    if (w < 0 || (size_t)w >= sizeof next) {
        snprintf(err, err_size, "frame ancestors: the list is too long for the policy");
        return -1;
    }
    memcpy(csp, next, (size_t)w + 1);
    return 0;
}

struct http_prepared {
    struct MHD_Response *mhd;
    int status;
    const char *content_type; /* static string or NULL */
    const char *body;         /* borrowed */
    size_t len;
    size_t header_count;
    char *names[HTTP_MAX_HEADERS], *values[HTTP_MAX_HEADERS];
};

void response_cleanup(http_response *res)
{
    free(res->body);
    res->body = NULL;
    for (size_t i = 0; i < res->header_count; i++) {
        free(res->header_names[i]);
        free(res->header_values[i]);
    }
    res->header_count = 0;
    res->prepared = NULL;
}

int response_find_header(const http_response *res, const char *name)
{
    for (size_t i = 0; i < res->header_count; i++)
        if (!strcasecmp(res->header_names[i], name))
            return (int)i;
    return -1;
}

/* Does the comma-separated header value list `token` (case-insensitive) or "*"? */
static bool lists_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m && (p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        if ((m == tl && !strncasecmp(p, token, tl)) || (m == 1 && *p == '*'))
            return true;
        p += n;
    }
    return false;
}

struct MHD_Response *response_to_mhd(http_response *res, const char *allow, bool close)
{
    struct MHD_Response *r;
    if (res->body) {
        r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
        if (r)
            res->body = NULL; /* MHD owns it now */
    } else {
        r = MHD_create_response_from_buffer(res->static_body ? res->body_len : 0,
                                            (void *)(res->static_body ? res->static_body : ""),
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return NULL;
    /* Vary: Accept-Encoding on every response whose type the server may compress, gzip or
     * not (a cache must not hand one client's coding to another), merged into the
     * handler's own Vary. */
    bool vary_ae = response_find_header(res, "Content-Encoding") >= 0 ||
                   gzip_compressible_type(res->content_type);
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (http_public_https())
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (res->content_type && !strncasecmp(res->content_type, "text/html", 9))
        MHD_add_response_header(r, "Content-Security-Policy", csp);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    if (close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    for (size_t i = 0; i < res->header_count; i++) {
        const char *name = res->header_names[i], *value = res->header_values[i];
        if (vary_ae && !strcasecmp(name, "Vary")) {
            vary_ae = false; /* handled here, on the first Vary */
            if (!lists_token(value, "Accept-Encoding")) {
                char merged[256];
                if ((size_t)snprintf(merged, sizeof merged, "%s, Accept-Encoding", value) <
                    sizeof merged) {
                    MHD_add_response_header(r, name, merged);
                    continue;
                }
                MHD_add_response_header(r, name, "Accept-Encoding"); /* a second Vary line */
            }
        }
        MHD_add_response_header(r, name, value);
    }
    if (vary_ae)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    return r;
}

int response_raw_head(char *out, size_t size, int status, const char *content_type, size_t body_len)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return -1;
    int n = snprintf(out, size,
                     "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\nX-Content-Type-Options: nosniff\r\n"
                     "Referrer-Policy: no-referrer\r\nContent-Security-Policy: %s\r\n%s\r\n",
                     status, http_status_phrase(status), date, content_type, body_len, csp,
                     http_public_https() ? "Strict-Transport-Security: max-age=31536000\r\n" : "");
    return n < 0 || (size_t)n >= size ? -1 : n;
}

/* ---- prepared responses (http.h) ----------------------------------------------------------- */

http_prepared *http_prepared_new(int status, const char *content_type, const char *body, size_t len,
                                 const char *const *headers)
{
    if (status < 200 || status > 399)
        return NULL;
    http_prepared *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->status = status;
    p->content_type = content_type;
    p->body = body ? body : "";
    p->len = body ? len : 0;
    http_response tmp;
    memset(&tmp, 0, sizeof tmp);
    http_static_body(&tmp, status, content_type, p->body, p->len);
    for (size_t i = 0; headers && headers[i]; i += 2) {
        if (!headers[i + 1] || http_set_header(&tmp, headers[i], headers[i + 1]) != 0)
            goto fail;
    }
    p->mhd = response_to_mhd(&tmp, NULL, false);
    if (!p->mhd)
        goto fail;
    /* keep the handler-level headers for response_unprepare */
    p->header_count = tmp.header_count;
    memcpy(p->names, tmp.header_names, sizeof p->names);
    memcpy(p->values, tmp.header_values, sizeof p->values);
    return p;
fail:
    response_cleanup(&tmp);
    free(p);
    return NULL;
}

int http_variants_init(http_variants *v, const char *content_type, const char *cache_control,
                       const char *body, size_t len, const char *etag, const char *gz,
                       size_t gz_len, const char *etag_gz)
{
    memset(v, 0, sizeof *v);
    v->etag = etag;
    v->etag_gz = gz ? etag_gz : NULL;
    const char *vary = gzip_compressible_type(content_type) ? "Vary" : NULL;
    const char *const plain[] = {
        "ETag", etag, "Cache-Control", cache_control, vary, "Accept-Encoding", NULL};
    v->ok = http_prepared_new(200, content_type, body, len, plain);
    v->not_modified = http_prepared_new(304, NULL, "", 0, plain);
    if (!v->ok || !v->not_modified)
        return -1;
    if (!gz)
        return 0;
    const char *const coded[] = {"ETag", etag_gz,           "Cache-Control",    cache_control,
                                 "Vary", "Accept-Encoding", "Content-Encoding", "gzip",
                                 NULL};
    const char *const coded_304[] = {
        "ETag", etag_gz, "Cache-Control", cache_control, "Vary", "Accept-Encoding", NULL};
    v->ok_gz = http_prepared_new(200, content_type, gz, gz_len, coded);
    v->not_modified_gz = http_prepared_new(304, NULL, "", 0, coded_304);
    return v->ok_gz && v->not_modified_gz ? 0 : -1;
}

void http_variants_send(const http_request *req, http_response *res, const http_variants *v)
{
    bool gz = v->ok_gz && gzip_accepted(http_header(req, "Accept-Encoding"));
    if (http_etag_listed(http_header(req, "If-None-Match"), gz ? v->etag_gz : v->etag))
        http_send_prepared(res, gz ? v->not_modified_gz : v->not_modified);
    else
        http_send_prepared(res, gz ? v->ok_gz : v->ok);
}

void http_variants_cleanup(http_variants *v)
{
    if (!v)
        return;
    http_prepared_free(v->ok);
    http_prepared_free(v->not_modified);
    http_prepared_free(v->ok_gz);
    http_prepared_free(v->not_modified_gz);
    memset(v, 0, sizeof *v);
}

void http_prepared_free(http_prepared *p)
{
    if (!p)
        return;
    if (p->mhd)
        MHD_destroy_response(p->mhd);
    for (size_t i = 0; i < p->header_count; i++) {
        free(p->names[i]);
        free(p->values[i]);
    }
    free(p);
}

void http_send_prepared(http_response *res, const http_prepared *p)
{
    response_cleanup(res); /* the prepared response is the whole answer */
    http_static_body(res, p->status, p->content_type, p->body, p->len);
    res->prepared = p;
}

struct MHD_Response *response_prepared_mhd(const http_prepared *p)
{
    return p->mhd;
}

int response_unprepare(http_response *res)
{
    const http_prepared *p = res->prepared;
    res->prepared = NULL;
    if (!p)
        return 0;
    http_static_body(res, p->status, p->content_type, p->body, p->len);
    for (size_t i = 0; i < p->header_count; i++) {
        if (http_set_header(res, p->names[i], p->values[i]) != 0) {
            response_cleanup(res);
            http_problem(res, 500, NULL, "out of memory");
            return -1;
        }
    }
    return 0;
}
