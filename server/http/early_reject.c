/*
 * early_reject.c — the first request of a connection checked from peeked bytes, and the
 * one problem+json written for a malformed one (contract and limits in early_reject.h).
 *
 * Owns: the request-line and head grammar checked here (RFC 9112 §2.2, §3, §5.1, §6.3)
 * and the raw answer. Does not: consume a request it lets through, know MHD, log.
 */
#include "early_reject.h"

#include "http.h"
#include "response.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Reads and drops at most this much of a rejected request before shutting down. */
#define EARLY_DRAIN_BYTES (64 * 1024)

/* RFC 9110 §5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void bad(early_verdict *v, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void bad(early_verdict *v, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    v->status = status;
}

/* The first two space-separated fields of the request line starting at buf[i], for the
 * access log (whatever they hold). */
static void log_fields(const char *buf, size_t n, size_t i, early_verdict *v)
{
    size_t a = i;
    while (i < n && buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\n')
        i++;
    v->method = buf + a;
    v->method_len = i - a;
    if (i >= n || buf[i] != ' ')
        return;
    size_t b = ++i;
    while (i < n && buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\n')
        i++;
    v->target = buf + b;
    v->target_len = i - b;
}

/* Checks one Content-Length value buf[a..e) (OWS around allowed). */
static void check_content_length(const char *buf, size_t a, size_t e, early_verdict *v)
{
    while (a < e && (buf[a] == ' ' || buf[a] == '\t'))
        a++;
    while (e > a && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        e--;
    int shown = e - a > 40 ? 40 : (int)(e - a);
    uint64_t value = 0;
    bool overflow = false;
    for (size_t i = a; i < e; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < '0' || c > '9') {
            bad(v, 400, "Content-Length \"%.*s\" is not a decimal number of bytes", shown, buf + a);
            return;
        }
        if (value > (UINT64_MAX - (c - '0')) / 10)
            overflow = true;
        else
            value = value * 10 + (c - '0');
    }
    if (a == e)
        bad(v, 400, "Content-Length is empty");
    else if (overflow)
        bad(v, 413, "Content-Length %.*s does not fit in 64 bits: the body is far over the limit",
            shown, buf + a);
}

/* Checks the header lines from buf[i] to the end of the head or of what was received. */
static void check_fields(const char *buf, size_t n, size_t i, early_verdict *v)
{
    for (unsigned line = 1; i < n; line++) {
        const char *nl = memchr(buf + i, '\n', n - i);
        if (!nl)
            return; /* an incomplete line is not judged */
        size_t le = (size_t)(nl - buf), e = le;
        if (e > i && buf[e - 1] == '\r')
            e--;
        if (e == i)
            return;                            /* the empty line: end of the head */
        if (buf[i] != ' ' && buf[i] != '\t') { /* obs-fold lines are the library's */
            size_t j = i;
            while (j < e && is_tchar((unsigned char)buf[j]))
                j++;
            if (j == e) {
                bad(v, 400, "header line %u has no colon", line);
                return;
            }
            if (buf[j] == ' ' || buf[j] == '\t') {
                bad(v, 400, "whitespace between a header field name and its colon (line %u)", line);
                return;
            }
            if (j == i || buf[j] != ':') {
                bad(v, 400, "byte 0x%02X in the name of header line %u", (unsigned char)buf[j],
                    line);
                return;
            }
            if (j - i == 14 && !strncasecmp(buf + i, "Content-Length", 14)) {
                check_content_length(buf, j + 1, e, v);
                if (v->status)
                    return;
            }
        }
        i = le + 1;
    }
}

void early_check(const char *buf, size_t n, early_verdict *v)
{
    memset(v, 0, sizeof *v);
    size_t i = 0;
    /* empty lines before the request line (RFC 9112 §2.2) */
    while (i < n && (buf[i] == '\n' || (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')))
        i += buf[i] == '\r' ? 2 : 1;
    if (i == n || (i + 1 == n && buf[i] == '\r'))
        return;
    log_fields(buf, n, i, v);

    size_t m = i;
    while (i < n && is_tchar((unsigned char)buf[i]))
        i++;
    if (i == n)
        return;
    unsigned char c = (unsigned char)buf[i];
    if (i == m || (c != ' ' && c != '\r' && c != '\n')) {
        bad(v, 400, "byte 0x%02X in the method: a request line begins with a method token", c);
        return;
    }
    if (c != ' ') {
        bad(v, 400, "the request line has only a method: no target and no HTTP version");
        return;
    }
    size_t t = ++i;
    while (i < n && (unsigned char)buf[i] > 0x20 && buf[i] != 0x7f)
        i++;
    if (i == n)
        return;
    c = (unsigned char)buf[i];
    if (i == t) {
        bad(v, 400, "byte 0x%02X where the request target begins", c);
        return;
    }
    if (c == '\r' || c == '\n') {
        bad(v, 400, "the request line has no HTTP version (HTTP/0.9 is not served)");
        return;
    }
    if (c != ' ') {
        bad(v, 400, "byte 0x%02X in the request target", c);
        return;
    }
    i++;
    static const char VERSION[] = "HTTP/d.d"; /* d: a digit */
    size_t ver = i;
    for (size_t k = 0; k < sizeof VERSION - 1; k++, i++) {
        if (i == n)
            return;
        c = (unsigned char)buf[i];
        if (VERSION[k] == 'd' ? !(c >= '0' && c <= '9') : c != (unsigned char)VERSION[k]) {
            bad(v, 400, "the request line does not end in HTTP/<digit>.<digit>");
            return;
        }
    }
    if (i < n && buf[i] == '\r')
        i++;
    if (i == n)
        return;
    if (buf[i] != '\n') {
        bad(v, 400, "the request line does not end in HTTP/<digit>.<digit>");
        return;
    }
    i++;
    if (buf[ver + 5] != '1') {
        bad(v, 505, "HTTP/%c.%c is not supported: this server speaks HTTP/1.1", buf[ver + 5],
            buf[ver + 7]);
        return;
    }
    check_fields(buf, n, i, v);
}

bool early_reject(int fd, unsigned wait_ms, char *buf, size_t size, early_verdict *v,
                  size_t *body_len)
{
    memset(v, 0, sizeof *v);
    *body_len = 0;
    ssize_t n = recv(fd, buf, size, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_ms) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)wait_ms) > 0)
            n = recv(fd, buf, size, MSG_PEEK | MSG_DONTWAIT);
    }
    if (n <= 0)
        return false;
    early_check(buf, (size_t)n, v);
    if (!v->status)
        return false;

    http_response res;
    memset(&res, 0, sizeof res);
    http_problem(&res, v->status, NULL, v->detail);
    const char *body = res.body ? res.body : res.static_body;
    char head[1024];
    int hl = response_raw_head(head, sizeof head, res.status, res.content_type, res.body_len);
    if (hl > 0 && body) {
        struct iovec iov[2] = {{head, (size_t)hl}, {(void *)body, res.body_len}};
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = iov;
        mh.msg_iovlen = 2;
        if (sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
            *body_len = res.body_len;
    }
    response_cleanup(&res);
    char sink[4096];
    for (size_t drained = 0; drained < EARLY_DRAIN_BYTES;) {
        ssize_t r = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r <= 0)
            break;
        drained += (size_t)r;
    }
    shutdown(fd, SHUT_RDWR);
    return true;
}
