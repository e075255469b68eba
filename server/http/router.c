/*
 * router.c — path validation and route-table matching (contract in router.h / http.h).
 *
 * Owns: deciding which row of http_routes[] a request belongs to, its captures, and the
 * Allow list for a 405. Does not: allocate, touch libmicrohttpd, or call handlers.
 * The table is small (tens of rows): a linear scan over it, rejecting a row at its first
 * differing character, is faster than anything fancy.
 */
#include "router.h"

#include <string.h>

bool router_path_ok(const char *path)
{
    if (!path || path[0] != '/')
        return false;
    if (path[1] == '\0')
        return true;
    const char *seg = path + 1;
    for (;;) {
        size_t len = 0;
        while (seg[len] && seg[len] != '/') {
            unsigned char c = (unsigned char)seg[len];
            if (c <= 0x20 || c >= 0x7f || c == '\\')
                return false;
            len++;
        }
        if (len == 0)
            return false; /* "//" or a trailing '/' */
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (seg[len] == '\0')
            return true;
        seg += len + 1;
    }
}

static bool capture_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

typedef struct span {
    const char *start;
    size_t len;
} span;

/* Does `pattern` match `path`? Fills caps[0..*ncap) with the captured spans. One pass,
 * character by character, so a row that does not match costs a few comparisons: literal
 * characters (slashes included) must be equal; a "{name}" (always a whole segment in a
 * well-formed table, see the route-table test) takes the path up to the next '/', a final
 * "{name*}" the rest of it. */
static bool match_pattern(const char *pattern, const char *path, span *caps, size_t *ncap)
{
    *ncap = 0;
    const char *p = pattern, *s = path;
    for (;;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return false;
            bool rest = close - p >= 2 && close[-1] == '*' && close[1] == '\0';
            size_t take = rest ? strlen(s) : strcspn(s, "/");
            if (take == 0 || *ncap >= HTTP_MAX_PARAMS)
                return false;
            for (size_t i = 0; i < take; i++)
                if (!capture_char(s[i]) && !(rest && s[i] == '/'))
                    return false;
            caps[*ncap].start = s;
            caps[*ncap].len = take;
            (*ncap)++;
            p = close + 1;
            s += take;
            continue;
        }
        if (*p != *s)
            return false;
        if (*p == '\0')
            return true;
        p++;
        s++;
    }
}

static bool method_matches(const char *row, const char *method)
{
    if (!strcmp(row, method))
        return true;
    return !strcmp(method, "HEAD") && !strcmp(row, "GET");
}

static void allow_add(char *allow, size_t size, const char *method)
{
    /* skip duplicates: compare whole comma-separated items */
    size_t mlen = strlen(method);
    for (const char *a = allow; *a;) {
        size_t l = strcspn(a, ",");
        if (l == mlen && !strncmp(a, method, l))
            return;
        a += l;
        while (*a == ',' || *a == ' ')
            a++;
    }
    size_t used = strlen(allow);
    if (used + mlen + 3 >= size)
        return;
    if (used) {
        memcpy(allow + used, ", ", 2);
        used += 2;
    }
    memcpy(allow + used, method, mlen + 1);
}

router_result router_match_path(const http_route *routes, size_t n, const char *method,
                                const char *path, char *buf, size_t buf_size, router_match *m)
{
    memset(m, 0, sizeof *m);
    bool path_known = false;
    span caps[HTTP_MAX_PARAMS];
    size_t ncap = 0;
    for (size_t i = 0; i < n; i++) {
        if (!match_pattern(routes[i].pattern, path, caps, &ncap))
            continue;
        if (!method_matches(routes[i].method, method)) {
            if (!path_known)
                m->allow[0] = '\0';
            path_known = true;
            allow_add(m->allow, sizeof m->allow, routes[i].method);
            if (!strcmp(routes[i].method, "GET"))
                allow_add(m->allow, sizeof m->allow, "HEAD");
            continue;
        }
        size_t need = 1;
        for (size_t k = 0; k < ncap; k++)
            need += caps[k].len + 1;
        if (need > buf_size)
            return ROUTER_NOT_FOUND;
        char *out = buf;
        for (size_t k = 0; k < ncap; k++) {
            memcpy(out, caps[k].start, caps[k].len);
            out[caps[k].len] = '\0';
            m->params[k] = out;
            out += caps[k].len + 1;
        }
        m->param_count = ncap;
        m->index = i;
        m->allow[0] = '\0';
        return ROUTER_FOUND;
    }
    return path_known ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
