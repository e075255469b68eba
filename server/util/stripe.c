/*
 * stripe.c — per-thread stripe numbers (contract in stripe.h).
 *
 * Owns: one thread-local number and the round-robin counter handing them out.
 */
#include "stripe.h"

#include <stdatomic.h>

static atomic_uint next_stripe;
static _Thread_local unsigned my_stripe; /* 0: not assigned yet; else stripe + 1 */

unsigned stripe_of_thread(void)
{
    if (!my_stripe)
        my_stripe =
            atomic_fetch_add_explicit(&next_stripe, 1, memory_order_relaxed) % STRIPE_COUNT + 1;
    return my_stripe - 1;
}
