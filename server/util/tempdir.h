/*
 * tempdir.h — private temporary folders named after the process that made them, and the
 * sweep that removes those a stopped (crashed, killed) process left behind.
 *
 * A folder is `$TMPDIR/<prefix>-<pid>-XXXXXX` (TMPDIR when it is set, absolute and short
 * enough, else /tmp; mode 0700, mkdtemp), so the process that owns it can be told from
 * its name. Owns: the name and the sweep. Does not: decide what goes in the folders or
 * when to sweep (`tcplab serve` sweeps at start, before it makes any folder). A process
 * in another PID namespace sharing the same /tmp is not seen: its folders look stale.
 */
#ifndef TCPLAB_UTIL_TEMPDIR_H
#define TCPLAB_UTIL_TEMPDIR_H

#include <stddef.h>

/* Room enough for any folder name tempdir_make writes (a base folder of at most 200 bytes). */
#define TEMPDIR_PATH_MAX 256

/* Creates `<temp>/<prefix>-<pid>-XXXXXX` and writes its path to `out` (`size` bytes, at
 * least TEMPDIR_PATH_MAX). `prefix` is a short name such as "tcplab-render" ([a-z-]).
 * Returns 0, or -1 with errno set. */
int tempdir_make(const char *prefix, char *out, size_t size);

/* Removes, with what they hold, the folders `<temp>/<prefix>-<pid>-XXXXXX` owned by this
 * user whose pid is no running process (or is this process: call it before making any).
 * Symbolic links are never followed; nesting deeper than 8 folders is left. Returns the
 * number removed. */
int tempdir_sweep(const char *prefix);

#endif
