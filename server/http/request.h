/*
 * request.h — reading a received request (contract for handlers; http.h includes it):
 * query arguments, headers and cookies, and the process-wide public URL that says
 * whether requests arrive over HTTPS and which Host they must name.
 *
 * Owns: the accessors of http_request, the public-URL setting (TCPLAB_PUBLIC_URL) and the
 * allowed hosts (TCPLAB_ALLOWED_HOSTS).
 * Does not: fill responses (http.c), queue them or police framing (server.c).
 */
#ifndef TCPLAB_REQUEST_H
#define TCPLAB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

struct http_request;

/* Query-string argument / request header / cookie value; NULL if absent. Borrowed, valid
 * for the duration of the handler. Header names are case-insensitive. */
const char *http_query(const struct http_request *req, const char *name);
const char *http_header(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

/* Sets the public URL the service is reached at, "http[s]://host[:port]" with an optional
 * "/" at the end (NULL or "": none, the default). Process-wide; call it before any
 * response is prepared and before the server starts. Returns 0, or -1 with a reason in err
 * (another scheme, a path, userinfo, an empty or over-long host). */
int http_set_public_url(const char *url, char *err, size_t err_size);

/* Is the public URL https? (Then every response carries Strict-Transport-Security.) */
bool http_public_https(void);

/* Did `req` reach the service over HTTPS, so that cookies must be Secure? With a public
 * URL: whether it is https. Without one: whether a proxy sent "X-Forwarded-Proto: https". */
bool http_request_is_secure(const struct http_request *req);

/* Sets the allowed hosts (against DNS rebinding): a comma-separated list of host names,
 * "*.domain" (any name ending in ".domain", not the domain itself), IP addresses ("[..]"
 * for IPv6) or "*" (any Host); the port of a Host is not compared. NULL or "": no list.
 * Process-wide, before the server starts. Returns 0, or -1 with a reason in err. */
int http_set_allowed_hosts(const char *list, char *err, size_t err_size);

/* May a request name `host` (its Host header, NULL when absent)? Case-insensitively:
 *   - the public URL's host[:port] (the port optional when it is the scheme's default);
 *   - with an allowed-hosts list, a host it lists (port ignored);
 *   - with neither a list nor a public URL: an IP address, localhost, a name ending in
 *     ".localhost" or a name without a dot (port ignored), and a request without Host.
 * With a public URL and no list, only the first. */
bool http_host_allowed(const char *host);

/* The detail of the 421 for a refused `host` (may be NULL), into out: what is served. */
void http_host_refusal(const char *host, char *out, size_t size);

/* Lets the listed origins ("https://lms.example.edu", space- or comma-separated, at most 16;
 * no path) show the pages in a frame and receive their forms: the Content-Security-Policy
 * of every HTML answer gets frame-ancestors 'self' ORIGINS and form-action 'self' ORIGINS
 * (default: frame-ancestors 'none', form-action 'self'). For an LMS showing TCP Lab in an
 * iframe (LTI). Process-wide, before the server starts (implemented in response.c).
 * 0, or -1 with a reason in err. NULL or "": unchanged. */
int http_set_frame_ancestors(const char *list, char *err, size_t err_size);

/* The public URL's host[:port], or NULL when none is set. */
const char *http_public_authority(void);

#endif
