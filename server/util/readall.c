/*
 * readall.c — see readall.h. One read loop: double the buffer until the stream ends or
 * the cap is passed; keep one byte for the terminating NUL.
 */
#include "readall.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *readall_stream(FILE *f, size_t max, size_t *len, const char **err)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        *err = "out of memory";
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = cap > max ? NULL : realloc(buf, cap * 2);
            if (!nb) {
                *err = cap > max ? "input larger than the limit" : "out of memory";
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                *err = strerror(errno ? errno : EIO);
                free(buf);
                return NULL;
            }
            break;
        }
    }
    if (n > max) {
        *err = "input larger than the limit";
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *readall_path(const char *path, size_t max, size_t *len, const char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    char *buf = readall_stream(f, max, len, err);
    fclose(f);
    return buf;
}
