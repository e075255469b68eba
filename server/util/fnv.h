/*
 * fnv.h — FNV-1a, 64 bits: a fast, stable, non-cryptographic hash.
 *
 * Owns: the one implementation, used for content ETags (built-in traces, lesson pages)
 * and to mix a question id into a quiz variant's seed. Does not: anything security
 * relevant (secrets and tokens use libsodium's BLAKE2b).
 */
#ifndef TCPLAB_FNV_H
#define TCPLAB_FNV_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a of the n bytes at p (offset basis 0xcbf29ce484222325, prime 0x100000001b3). */
uint64_t fnv1a64(const void *p, size_t n);

#endif
