/*
 * readall.h — read a whole stream or file into memory, with a size cap.
 *
 * Owns: the one growable-buffer read loop the program needs (scenario files and stdin for
 * `tcplab simulate`, lesson files for the first-start import).
 * Does not: interpret the bytes, or read anything for the engine (which does no I/O).
 */
#ifndef TCPLAB_UTIL_READALL_H
#define TCPLAB_UTIL_READALL_H

#include <stddef.h>
#include <stdio.h>

/* Reads all of `f` (not closed) into a new malloc'ed, NUL-terminated buffer; *len gets the
 * byte count (without the NUL). Returns NULL with *err set to a static message ("out of
 * memory", "input larger than the limit", or strerror of the read error) on failure or when
 * the input exceeds `max` bytes. The caller frees the buffer. */
char *readall_stream(FILE *f, size_t max, size_t *len, const char **err);

/* The same for the file at `path` ("cannot open" errors give strerror(errno)). */
char *readall_path(const char *path, size_t max, size_t *len, const char **err);

#endif
