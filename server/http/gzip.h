/*
 * gzip.h — HTTP gzip content coding (RFC 9110 §8.4.1.3, §12.5.3) on zlib: Accept-Encoding
 * negotiation, which media types are worth compressing, one-shot compression, and the
 * ETag of a gzip variant.
 *
 * Owns: those four pure functions. Does not: touch responses or headers (server.c decides
 * per response, static_files.c compresses its assets once at load).
 */
#ifndef TCPLAB_GZIP_H
#define TCPLAB_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies shorter than this are sent as they are (the gzip framing alone is 18 bytes and a
 * small body gains little). */
#define GZIP_MIN_SIZE 1024u

/* zlib level for bodies compressed per response (fast) and once at load (best). */
#define GZIP_LEVEL_DYNAMIC 6
#define GZIP_LEVEL_STATIC  9

/* Does this Accept-Encoding header value allow gzip? NULL (no header) → false.
 * "gzip" / "x-gzip" with q > 0 → true; "gzip;q=0" → false even when "*" is listed;
 * not listed → the q of "*" if listed, else false. A malformed q-value counts as 0. */
bool gzip_accepted(const char *accept_encoding);

/* Is `content_type` (a full Content-Type value, parameters allowed) a textual type that
 * compresses well? text/<any> (not text/event-stream), application/json,
 * application/<x>+json, application/javascript, application/xml, application/<x>+xml,
 * image/svg+xml. NULL → false. */
bool gzip_compressible_type(const char *content_type);

/* Compresses len bytes into a new malloc'ed gzip member (*out, *out_len; the caller frees)
 * at zlib `level` (1..9). Returns 0, or -1 (out of memory or zlib error; *out untouched). */
int gzip_compress(const void *in, size_t len, int level, char **out, size_t *out_len);

/* Writes the ETag of the gzip variant of `etag` into buf: "-gz" is put inside the closing
 * quote ("abc" → "abc-gz", W/"abc" → W/"abc-gz"). Returns 0, or -1 when `etag` is not a
 * quoted entity tag or buf is too small. */
int gzip_etag(const char *etag, char *buf, size_t size);

#endif
