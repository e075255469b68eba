/*
 * seq.h — sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4).
 *
 * Owns: every comparison of sequence or acknowledgment numbers in the program. Code
 * elsewhere never compares two sequence numbers with <, <=, > or >= directly.
 * Does not: know about segments or TCBs.
 */
#ifndef TCPLAB_ENGINE_SEQ_H
#define TCPLAB_ENGINE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* a < b in sequence space: true when b is "after" a by less than 2^31. */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline bool seq_leq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}
static inline bool seq_geq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) >= 0;
}
/* lo <= x < hi, all modulo 2^32 (an empty range when lo == hi). */
static inline bool seq_in_range(uint32_t x, uint32_t lo, uint32_t hi)
{
    return (uint32_t)(x - lo) < (uint32_t)(hi - lo);
}

#endif
