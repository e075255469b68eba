/*
 * lti_ags.h — grade passback (LTI Assignment and Grade Services 2.0): a student's lesson
 * score goes to the line item of every LTI link to that lesson, through the durable outbox.
 *
 * Owns: queueing a score when a graded answer changes it, and the poster thread: it takes
 * the due outbox entries, gets an OAuth 2 access token by the client-credentials grant with
 * a JWT assertion signed by the tool's key (scope …/lti-ags/scope/score; cached per platform
 * until it expires), posts application/vnd.ims.lis.v1.score+json to LINEITEM/scores, and
 * settles each entry by the policy of server/lti/lti_outbox.h. The outbox is in the
 * database, so a restart (also after kill -9) picks up where the last one stopped.
 * Does not: decide retries itself (lti_outbox.h) or run SQL (store_lti.h).
 */
#ifndef TCPLAB_WEB_LTI_AGS_H
#define TCPLAB_WEB_LTI_AGS_H

#include <stdint.h>

struct app;
struct lesson;

/* Starts the poster thread (one per process). 0 or -1. */
int lti_ags_start(struct app *a);
/* Stops it (waits for a post in progress, at most the fetch time limit). */
void lti_ags_stop(void);

/* After a recorded graded answer of user `user_id` (`user_name`) in lesson `les`: queues the
 * lesson's score (the sum of the best scores of its questions, of as many points as it has
 * questions) for every LTI line item linked to the lesson, and wakes the poster. Failures
 * are logged, never the caller's. */
void lti_ags_score_changed(struct app *a, int64_t user_id, const char *user_name,
                           const struct lesson *les);

/* GET /api/v1/lti/outbox (admin): the latest 500 entries, each with its state (pending,
 * done, failed), attempts, next try and the platform's last answer. */
struct http_request;
struct http_response;
void lti_ags_api_outbox(const struct http_request *req, struct http_response *res);
/* POST /api/v1/lti/outbox/{id}/retry (admin): the entry is due now again → 202. */
void lti_ags_api_retry(const struct http_request *req, struct http_response *res);

#endif
