/*
 * stripe.h — which stripe of a striped counter the calling thread writes to.
 *
 * Counters bumped on every request by every worker thread (request metrics, the server's
 * in-flight count) are split into STRIPE_COUNT cache-line-sized stripes, one per thread
 * where there are at most that many, so threads do not bounce one cache line between
 * cores; readers add the stripes up. Owns: the per-thread stripe number. Does not: own
 * any counter.
 */
#ifndef TCPLAB_STRIPE_H
#define TCPLAB_STRIPE_H

#define STRIPE_COUNT 8u
#define STRIPE_LINE  64u /* bytes; a stripe's counters start on their own cache line */

/* The calling thread's stripe, 0..STRIPE_COUNT-1: handed out round-robin on a thread's
 * first call, the same for that thread afterwards. Thread-safe, lock-free. */
unsigned stripe_of_thread(void);

#endif
