/*
 * request.c — the http_request accessors on libmicrohttpd's connection values, and the
 * public-URL setting (contract in request.h).
 *
 * Owns: the process-wide public URL (scheme and host[:port]) and allowed-hosts list,
 * written once at start-up before any worker thread exists and only read afterwards.
 * Does not: police requests (server.c calls http_host_allowed) or add headers
 * (response.c asks http_public_https).
 */
#include "request.h"

#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct {
    bool set;
    bool https;
    char authority[256]; /* host[:port] as given, without a default port */
} public_url;

/* The allowed-hosts list (http_set_allowed_hosts); like public_url written once at start. */
#define ALLOWED_MAX 32
static struct {
    bool set;
    bool any; /* "*" */
    size_t count;
    char names[ALLOWED_MAX][254]; /* lower case; "*.example.org" kept with its "*." */
} allowed;

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

/* Is s[0..n) a name or address an allowed-hosts entry may hold: letters, digits, '-', '.'
 * ('*.' first for a wildcard), or an IPv6 address in brackets? */
static bool entry_valid(const char *s, size_t n)
{
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        char inner[64];
        struct in6_addr a6;
        if (n - 2 >= sizeof inner)
            return false;
        memcpy(inner, s + 1, n - 2);
        inner[n - 2] = '\0';
        return inet_pton(AF_INET6, inner, &a6) == 1;
    }
    size_t i = n > 2 && s[0] == '*' && s[1] == '.' ? 2 : 0;
    if (i == n)
        return false;
    for (; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
            return false;
    return true;
}

int http_set_allowed_hosts(const char *list, char *err, size_t err_size)
{
    memset(&allowed, 0, sizeof allowed);
    if (!list || !*list)
        return 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m && (p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        if (m == 1 && p[0] == '*') {
            allowed.any = true;
        } else if (m) {
            if (m >= sizeof allowed.names[0] || !entry_valid(p, m)) {
                snprintf(err, err_size,
                         "allowed host \"%.*s\" is not a host name, *.domain or IP address",
                         (int)(m > 64 ? 64 : m), p);
                memset(&allowed, 0, sizeof allowed);
                return -1;
            }
            if (allowed.count == ALLOWED_MAX) {
                snprintf(err, err_size, "more than %d allowed hosts", ALLOWED_MAX);
                memset(&allowed, 0, sizeof allowed);
                return -1;
            }
            char *dst = allowed.names[allowed.count++];
            for (size_t i = 0; i < m; i++)
                dst[i] = (char)tolower((unsigned char)p[i]);
            dst[m] = '\0';
        }
        p += n;
    }
    allowed.set = allowed.any || allowed.count > 0;
    return 0;
}

/* The host part of a Host header value h[0..n) (no port; an IPv6 literal keeps its
 * brackets; one trailing dot dropped) into out. False when it is empty or does not fit. */
static bool host_name(const char *h, size_t n, char *out, size_t size)
{
    size_t end = n;
    if (n && h[0] == '[') {
        const char *close = memchr(h, ']', n);
        if (!close)
            return false;
        end = (size_t)(close - h) + 1;
    } else {
        const char *colon = memchr(h, ':', n);
        if (colon)
            end = (size_t)(colon - h);
    }
    if (end && h[end - 1] == '.')
        end--;
    if (!end || end >= size)
        return false;
    for (size_t i = 0; i < end; i++)
        out[i] = (char)tolower((unsigned char)h[i]);
    out[end] = '\0';
    return true;
}

/* The default without a public URL or list: an IP address, localhost, *.localhost, or a
 * name without a dot (a LAN or container name) — never a name an outsider's DNS serves. */
static bool default_allowed(const char *name)
{
    struct in_addr a4;
    struct in6_addr a6;
    size_t n = strlen(name);
    if (inet_pton(AF_INET, name, &a4) == 1)
        return true;
    if (n > 2 && name[0] == '[') {
        char inner[64];
        if (n - 2 >= sizeof inner)
            return false;
        memcpy(inner, name + 1, n - 2);
        inner[n - 2] = '\0';
        return inet_pton(AF_INET6, inner, &a6) == 1;
    }
    if (!strcmp(name, "localhost") || (n > 10 && !strcmp(name + n - 10, ".localhost")))
        return true;
    return !strchr(name, '.');
}

static bool listed(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < allowed.count; i++) {
        const char *e = allowed.names[i];
        if (e[0] == '*') { /* "*.example.org": any name ending in ".example.org" */
            size_t el = strlen(e + 1);
            if (n > el && !strcmp(name + n - el, e + 1))
                return true;
        } else if (!strcmp(name, e)) {
            return true;
        }
    }
    return false;
}

bool http_host_allowed(const char *host)
{
    if (allowed.any)
        return true;
    if (!host)
        return !public_url.set && !allowed.set;
    while (*host == ' ' || *host == '\t')
        host++;
    size_t n = strlen(host);
    while (n && (host[n - 1] == ' ' || host[n - 1] == '\t'))
        n--;
    if (public_url.set) {
        size_t m = without_default_port(host, n, public_url.https);
        if (m == strlen(public_url.authority) && !strncasecmp(host, public_url.authority, m))
            return true;
    }
    char name[256];
    if (!host_name(host, n, name, sizeof name))
        return false;
    if (allowed.set)
        return listed(name);
    return !public_url.set && default_allowed(name);
}

void http_host_refusal(const char *host, char *out, size_t size)
{
    char shown[72];
    size_t o = 0;
    for (const char *p = host ? host : ""; *p && o + 1 < sizeof shown; p++)
        shown[o++] = *p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? *p : '?';
    shown[o] = '\0';
    if (!host)
        snprintf(out, size, "a request without Host is not served here");
    else if (public_url.set && !allowed.set)
        snprintf(out, size, "Host \"%s\" is not served: this server answers only for Host %s",
                 shown, public_url.authority);
    else if (allowed.set)
        snprintf(out, size,
                 "Host \"%s\" is not served: it is not in the allowed hosts (--allowed-hosts, "
                 "TCPLAB_ALLOWED_HOSTS)",
                 shown);
    else
        snprintf(out, size,
                 "Host \"%s\" is not served: without --allowed-hosts (TCPLAB_ALLOWED_HOSTS) only "
                 "IP addresses, localhost and names without a dot are",
                 shown);
}
