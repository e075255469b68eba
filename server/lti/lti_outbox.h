/*
 * lti_outbox.h — the retry policy of grade passback (AGS scores waiting in the outbox).
 *
 * The outbox keeps ONE entry per (platform, line item, user): a newer score replaces the
 * waiting one, an older one is dropped, so the platform can never receive an older score
 * after a newer one. Each entry carries a version that grows with every replacement; a
 * post is made of one version, and its outcome is settled against the version the entry
 * has by then.
 *
 * Owns: what an answer means (posted, try again later, given up), the backoff, and the
 * settling of an entry after a post. Pure: the clock and the outcomes are passed in.
 * Does not: post (server/web/lti_ags.c), or store entries (server/store/store_lti.c).
 */
#ifndef TCPLAB_LTI_OUTBOX_H
#define TCPLAB_LTI_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#define LTI_OUTBOX_FIRST_DELAY  30   /* seconds before the first retry */
#define LTI_OUTBOX_MAX_DELAY    3600 /* the backoff doubles up to this */
#define LTI_OUTBOX_MAX_ATTEMPTS 20   /* then the entry is failed (an admin may retry it) */

typedef enum lti_outbox_state {
    LTI_OUTBOX_PENDING = 0, /* waiting to be posted (next_at) */
    LTI_OUTBOX_DONE,        /* the platform accepted this version */
    LTI_OUTBOX_FAILED       /* refused for good, or out of attempts */
} lti_outbox_state;

typedef enum lti_outbox_verdict {
    LTI_OUTBOX_ACCEPTED, /* 2xx */
    LTI_OUTBOX_RETRY,    /* no answer (network, timeout), 408, 429, 5xx */
    LTI_OUTBOX_REFUSED   /* any other status: posting again would not help */
} lti_outbox_verdict;

/* What an HTTP status means for a score post; 0 stands for no answer at all. */
lti_outbox_verdict lti_outbox_classify(int http_status);

/* Seconds to wait after the `attempts`-th failed attempt (1, 2, …): 30, 60, 120, … capped
 * at LTI_OUTBOX_MAX_DELAY. */
int64_t lti_outbox_backoff(int attempts);

/* Should a score stamped `incoming_ts` replace the entry's score stamped `stored_ts`?
 * Only a strictly newer one does (equal stamps: the stored one stays). */
bool lti_outbox_newer(int64_t stored_ts, int64_t incoming_ts);

/* An entry's bookkeeping. */
typedef struct lti_outbox_entry {
    lti_outbox_state state;
    int64_t version; /* grows with every replacement of the score */
    int attempts;    /* failed posts of the current version */
    int64_t next_at; /* Unix seconds: not posted before */
} lti_outbox_entry;

/* Settles *e after posting version `posted` with `verdict` at `now`:
 *   - accepted, and the entry still holds that version: DONE;
 *   - accepted, but a newer score has replaced it meanwhile: still PENDING, due now
 *     (attempts reset), so the newer score follows;
 *   - retry: attempts + 1, due after the backoff, or FAILED after LTI_OUTBOX_MAX_ATTEMPTS —
 *     unless a newer version is waiting, which is then due now with attempts reset;
 *   - refused: FAILED, unless a newer version is waiting (PENDING, due now). */
void lti_outbox_settle(lti_outbox_entry *e, int64_t posted, lti_outbox_verdict verdict,
                       int64_t now);

/* Replaces the score of *e (the caller stores the new score): version + 1, PENDING, due
 * `now`, attempts 0. */
void lti_outbox_replace(lti_outbox_entry *e, int64_t now);

#endif
