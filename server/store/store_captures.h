/*
 * store_captures.h — saved captures: a capture file a student chose to share by link.
 *
 * Owns: the `captures` table (migration 13): id, the file's bytes exactly as uploaded,
 * its size, whether it was saved anonymously, created_at; the anonymous quota and the
 * purge of old anonymous saves. Saves of signed-in senders are never purged.
 * Does not: read or check the file (the API analyses it before saving, and again for
 * every reading: the analysis is a pure function of the bytes).
 */
#ifndef TCPLAB_STORE_CAPTURES_H
#define TCPLAB_STORE_CAPTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_CAPTURE_ID_SIZE 32 /* buffer size for an id; ids are 22 characters */

/* A saved capture as read back: `data` (malloc'ed, `size` bytes) is the file as it was
 * uploaded; release it with store_capture_cleanup. */
typedef struct store_capture {
    unsigned char *data;
    size_t size;
    bool anonymous;
    int64_t created_at; /* Unix seconds */
} store_capture;

/* Stores the `size` bytes at `data` (size > 0) under a new random URL-safe id (22
 * characters of base64url, 128 random bits), written NUL-terminated into id_out.
 * `anonymous`: the row is marked anonymous, and with max_rows > 0 it is only stored while
 * fewer than `max_rows` anonymous captures exist (counted in the same transaction):
 * STORE_CONFLICT (nothing stored, id_out "") when that quota is full. STORE_OK, or
 * STORE_ERROR (store_last_error says why). */
store_status store_capture_put(store *s, const void *data, size_t size, bool anonymous,
                               int64_t max_rows, char id_out[STORE_CAPTURE_ID_SIZE]);

/* Looks `id` up into *out (zeroed first). STORE_OK: the caller calls store_capture_cleanup.
 * STORE_NOT_FOUND: no such id (also for a malformed id). STORE_ERROR otherwise. */
store_status store_capture_get(store *s, const char *id, store_capture *out);

/* Frees what *c owns and zeroes it. NULL is a no-op. */
void store_capture_cleanup(store_capture *c);

/* Deletes the anonymous captures saved before `before` (Unix seconds); *deleted (may be
 * NULL) gets how many. STORE_OK or STORE_ERROR. */
store_status store_capture_purge_anonymous(store *s, int64_t before, int64_t *deleted);

/* True if `id` has the shape of a saved capture's id ([A-Za-z0-9_-], 1..31 characters). */
bool store_capture_id_valid(const char *id);

#endif
