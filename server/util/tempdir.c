/*
 * tempdir.c — temporary folders named `<prefix>-<pid>-XXXXXX` and their sweep (contract in
 * tempdir.h).
 *
 * Owns: the temp base folder choice, the name format and the recursive removal (openat /
 * unlinkat, no symbolic link followed). Does not: know which prefixes the program uses.
 */
#include "tempdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 8

/* $TMPDIR when set, absolute and at most 200 bytes; else /tmp. */
static const char *temp_base(void)
{
    const char *t = getenv("TMPDIR");
    if (t && t[0] == '/' && strlen(t) <= 200)
        return t;
    return "/tmp";
}

int tempdir_make(const char *prefix, char *out, size_t size)
{
    const char *base = temp_base();
    size_t bl = strlen(base);
    while (bl > 1 && base[bl - 1] == '/')
        bl--;
    int n = snprintf(out, size, "%.*s/%s-%ld-XXXXXX", (int)bl, base, prefix, (long)getpid());
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(out) ? 0 : -1;
}

/* Removes what folder `fd` (consumed) holds, `depth` levels down at most. */
static void empty_dir(int fd, int depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0 || (errno != EISDIR && errno != EPERM))
            continue;
        if (depth <= 0)
            continue;
        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            continue;
        empty_dir(sub, depth - 1);
        unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

/* Is `name` "<prefix>-<pid>-XXXXXX"? Then *pid is its pid. */
static bool parse_name(const char *name, const char *prefix, long *pid)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0 || name[pl] != '-')
        return false;
    const char *p = name + pl + 1;
    if (*p < '0' || *p > '9')
        return false;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (errno || v <= 0 || *end != '-' || strlen(end + 1) != 6)
        return false;
    for (const char *s = end + 1; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return false;
    *pid = v;
    return true;
}

static bool running(long pid)
{
    if (pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int tempdir_sweep(const char *prefix)
{
    const char *base = temp_base();
    int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (bfd < 0)
        return 0;
    DIR *d = fdopendir(bfd);
    if (!d) {
        close(bfd);
        return 0;
    }
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        struct stat st;
        if (!parse_name(e->d_name, prefix, &pid) || running(pid))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
            st.st_uid != geteuid())
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        empty_dir(fd, MAX_DEPTH);
        if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
