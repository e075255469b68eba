/*
 * gzip.c — gzip content coding for HTTP responses (contract in gzip.h).
 *
 * Owns: the Accept-Encoding parser, the compressible media-type list, the zlib call.
 * Does not: decide per response (server.c) or keep any state: every call is independent,
 * so it is safe on the server's worker threads.
 */
#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* RFC 9110 §12.4.2 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]. Returns the value in
 * thousandths, or -1 when [p, p+n) is not a qvalue. */
static int parse_qvalue(const char *p, size_t n)
{
    if (n == 0 || (p[0] != '0' && p[0] != '1'))
        return -1;
    int v = (p[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (p[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v += (p[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

bool gzip_accepted(const char *ae)
{
    if (!ae)
        return false;
    int gzip_q = -1, star_q = -1; /* -1: not listed */
    const char *p = ae;
    while (*p) {
        p = skip_ows(p);
        size_t elen = strcspn(p, ",");
        const char *end = p + elen;
        /* coding name */
        size_t nlen = strcspn(p, ";, \t");
        if (nlen > (size_t)(end - p))
            nlen = (size_t)(end - p);
        int q = 1000;
        const char *s = p + nlen;
        while (s < end) { /* parameters: look for q */
            s = skip_ows(s);
            if (*s == ';')
                s = skip_ows(s + 1);
            size_t plen = strcspn(s, ";,");
            if (s + plen > end)
                plen = (size_t)(end - s);
            size_t tl = plen;
            while (tl && (s[tl - 1] == ' ' || s[tl - 1] == '\t'))
                tl--;
            if (tl >= 2 && (s[0] == 'q' || s[0] == 'Q')) {
                const char *v = skip_ows(s + 1);
                if (*v == '=') {
                    v = skip_ows(v + 1);
                    /* "q=" and spaces may run past the trimmed parameter ("q=  ;") */
                    size_t used = (size_t)(v - s);
                    int qv = parse_qvalue(v, used < tl ? tl - used : 0);
                    q = qv < 0 ? 0 : qv; /* malformed: not acceptable */
                }
            }
            if (plen == 0)
                break;
            s += plen;
        }
        if ((nlen == 4 && !strncasecmp(p, "gzip", 4)) ||
            (nlen == 6 && !strncasecmp(p, "x-gzip", 6))) {
            if (q > gzip_q)
                gzip_q = q;
        } else if (nlen == 1 && *p == '*') {
            if (q > star_q)
                star_q = q;
        }
        p = *end ? end + 1 : end;
    }
    if (gzip_q >= 0)
        return gzip_q > 0;
    return star_q > 0;
}

bool gzip_compressible_type(const char *ct)
{
    if (!ct)
        return false;
    ct = skip_ows(ct);
    size_t len = strcspn(ct, "; \t");
    if (len > 5 && !strncasecmp(ct, "text/", 5))
        return !(len == 17 && !strncasecmp(ct, "text/event-stream", 17));
    if (len == 13 && !strncasecmp(ct, "image/svg+xml", 13))
        return true;
    if (len > 12 && !strncasecmp(ct, "application/", 12)) {
        const char *sub = ct + 12;
        size_t sl = len - 12;
        if ((sl == 4 && !strncasecmp(sub, "json", 4)) ||
            (sl == 10 && !strncasecmp(sub, "javascript", 10)) ||
            (sl == 3 && !strncasecmp(sub, "xml", 3)))
            return true;
        if (sl > 5 &&
            (!strncasecmp(sub + sl - 5, "+json", 5) || !strncasecmp(sub + sl - 4, "+xml", 4)))
            return true;
    }
    return false;
}

int gzip_compress(const void *in, size_t len, int level, char **out, size_t *out_len)
{
    if (len > (size_t)UINT32_MAX) /* one deflate call; zlib's counters are uInt */
        return -1;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16: a gzip wrapper instead of zlib's; memLevel 8 is zlib's default */
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&zs, (uLong)len);
    char *buf = malloc(bound ? bound : 1);
    if (!buf) {
        deflateEnd(&zs);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)in; /* zlib does not write through next_in */
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)buf;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    size_t n = (size_t)zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

int gzip_etag(const char *etag, char *buf, size_t size)
{
    size_t n = etag ? strlen(etag) : 0;
    if (n < 2 || etag[n - 1] != '"')
        return -1;
    if (n + 4 > size)
        return -1;
    memcpy(buf, etag, n - 1);
    memcpy(buf + n - 1, "-gz\"", 5);
    return 0;
}
