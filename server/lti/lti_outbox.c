/*
 * lti_outbox.c — grade passback retry policy (see lti_outbox.h).
 */
#include "lti_outbox.h"

lti_outbox_verdict lti_outbox_classify(int http_status)
{
    if (http_status >= 200 && http_status < 300)
        return LTI_OUTBOX_ACCEPTED;
    if (http_status == 0 || http_status == 408 || http_status == 429 || http_status >= 500)
        return LTI_OUTBOX_RETRY;
    return LTI_OUTBOX_REFUSED;
}

int64_t lti_outbox_backoff(int attempts)
{
    int64_t d = LTI_OUTBOX_FIRST_DELAY;
    for (int i = 1; i < attempts && d < LTI_OUTBOX_MAX_DELAY; i++)
        d *= 2;
    return d < LTI_OUTBOX_MAX_DELAY ? d : LTI_OUTBOX_MAX_DELAY;
}

bool lti_outbox_newer(int64_t stored_ts, int64_t incoming_ts)
{
    return incoming_ts > stored_ts;
}

void lti_outbox_replace(lti_outbox_entry *e, int64_t now)
{
    e->version++;
    e->state = LTI_OUTBOX_PENDING;
    e->attempts = 0;
    e->next_at = now;
}

void lti_outbox_settle(lti_outbox_entry *e, int64_t posted, lti_outbox_verdict verdict, int64_t now)
{
    if (e->version != posted) {
        /* a newer score came in while this one was on its way: it goes next */
        e->state = LTI_OUTBOX_PENDING;
        e->attempts = 0;
        e->next_at = now;
        return;
    }
    switch (verdict) {
    case LTI_OUTBOX_ACCEPTED:
        e->state = LTI_OUTBOX_DONE;
        return;
    case LTI_OUTBOX_RETRY:
        e->attempts++;
        if (e->attempts >= LTI_OUTBOX_MAX_ATTEMPTS) {
            e->state = LTI_OUTBOX_FAILED;
            return;
        }
        e->state = LTI_OUTBOX_PENDING;
        e->next_at = now + lti_outbox_backoff(e->attempts);
        return;
    case LTI_OUTBOX_REFUSED:
        e->attempts++;
        e->state = LTI_OUTBOX_FAILED;
        return;
    }
}
