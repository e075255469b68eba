/*
 * request.c — the http_request accessors on libmicrohttpd's connection values, and the
 * public-URL setting (contract in request.h).
 *
 * Owns: the process-wide public URL (scheme and host[:port]), written once at start-up
 * before any worker thread exists and only read afterwards.
 * Does not: police requests (server.c calls http_host_allowed) or add headers
 * (response.c asks http_public_https).
 */
#include "request.h"

#include "http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct {
    bool set;
    bool https;
    char authority[256]; /* host[:port] as given, without a default port */
} public_url;

const char *http_query(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *http_header(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *http_cookie(const http_request *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name) : NULL;
}

/* The length of `auth` without a ":port" suffix equal to the scheme's default port. */
static size_t without_default_port(const char *auth, size_t n, bool https)
{
    const char *dflt = https ? ":443" : ":80";
    size_t dl = strlen(dflt);
    if (n > dl && !strncmp(auth + n - dl, dflt, dl) && auth[0] != '[')
        return n - dl;
    if (n > dl && auth[0] == '[' && !strncmp(auth + n - dl, dflt, dl) && auth[n - dl - 1] == ']')
        return n - dl;
    return n;
}

int http_set_public_url(const char *url, char *err, size_t err_size)
{
    memset(&public_url, 0, sizeof public_url);
    if (!url || !*url)
        return 0;
    bool https;
    const char *rest;
    if (!strncasecmp(url, "https://", 8)) {
        https = true;
        rest = url + 8;
    } else if (!strncasecmp(url, "http://", 7)) {
        https = false;
        rest = url + 7;
    } else {
        snprintf(err, err_size, "public URL \"%.64s\" does not start with http:// or https://",
                 url);
        return -1;
    }
    size_t n = strcspn(rest, "/?#");
    if ((rest[n] && strcmp(rest + n, "/") != 0) || n == 0 || n >= sizeof public_url.authority ||
        memchr(rest, '@', n) || rest[0] == ':') {
        snprintf(err, err_size,
                 "public URL \"%.64s\" must be scheme://host[:port] with no path, query or user",
                 url);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rest[i];
        if (c <= 0x20 || c >= 0x7f) {
            snprintf(err, err_size, "public URL \"%.64s\": a control, space or non-ASCII byte",
                     url);
            return -1;
        }
    }
    n = without_default_port(rest, n, https);
    memcpy(public_url.authority, rest, n);
    public_url.authority[n] = '\0';
    public_url.https = https;
    public_url.set = true;
    return 0;
}

bool http_public_https(void)
{
    return public_url.set && public_url.https;
}

const char *http_public_authority(void)
{
    return public_url.set ? public_url.authority : NULL;
}

bool http_request_is_secure(const http_request *req)
{
    if (public_url.set)
        return public_url.https;
    const char *p = http_header(req, "X-Forwarded-Proto");
    return p && !strcasecmp(p, "https");
}

bool http_host_allowed(const char *host)
{
    if (!public_url.set)
        return true;
    if (!host)
        return false;
    while (*host == ' ' || *host == '\t')
        host++;
    size_t n = strlen(host);
    while (n && (host[n - 1] == ' ' || host[n - 1] == '\t'))
        n--;
    n = without_default_port(host, n, public_url.https);
    return n == strlen(public_url.authority) && !strncasecmp(host, public_url.authority, n);
}
