/*
 * lti_ags.c — grade passback through the outbox (see lti_ags.h).
 */
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "../app.h"
#include "../lessons/lessons.h"
#include "../lti/lti_jwt.h"
#include "../lti/lti_key.h"
#include "../lti/lti_outbox.h"
#include "../store/store_lti.h"
#include "../store/store_progress.h"
#include "../util/fetch.h"
#include "../util/strbuf.h"
#include "guard.h"
#include "lti_ags.h"
#include "lti_tool.h"

#define BATCH        16    /* entries posted per round */
#define TOKEN_SLOTS  16    /* platforms with a cached access token */
#define POST_TIMEOUT 10000 /* ms per token or score request */
#define ANSWER_MAX   (64u * 1024)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t thread;
static bool running, stopping, kicked;
static store *st;

typedef struct token_slot {
    int64_t platform_id;
    char token[1024];
    int64_t expires_at;
} token_slot;
static token_slot tokens[TOKEN_SLOTS]; /* only the poster thread touches these */

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void lti_ags_score_changed(app *a, int64_t user_id, const char *user_name, const lesson *les)
{
    if (!a || !a->store || !les || !user_id || les->quiz.count == 0)
        return;
    char resource[160];
    snprintf(resource, sizeof resource, "lesson:%s", les->slug);
    store_lti_target *t = NULL;
    size_t nt = 0;
    if (store_lti_targets(a->store, user_id, resource, &t, &nt) != STORE_OK || nt == 0) {
        free(t);
        return;
    }
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s.", les->slug);
    store_progress *p = NULL;
    size_t np = 0;
    double given = 0;
    if (store_progress_list(a->store, user_name, prefix, false, &p, &np) == STORE_OK)
        for (size_t i = 0; i < np; i++)
            given += p[i].best;
    store_progress_free(p, np);
    double max = (double)les->quiz.count;
    if (given > max)
        given = max;
    int64_t ts = now_ms();
    for (size_t i = 0; i < nt; i++)
        if (store_lti_outbox_put(a->store, t[i].platform_id, t[i].lineitem, t[i].sub, given, max,
                                 ts, ts / 1000) != STORE_OK)
            fprintf(stderr, "lti: cannot queue a score for %s: %s\n", user_name,
                    store_last_error());
    free(t);
    pthread_mutex_lock(&lock);
    kicked = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

/* An access token for platform `p` (cached until a minute before it expires). */
static int access_token(const store_lti_platform *p, char *out, size_t size, char *err,
                        size_t err_size)
{
    int64_t now = time(NULL);
    token_slot *free_slot = &tokens[0];
    for (size_t i = 0; i < TOKEN_SLOTS; i++) {
        if (tokens[i].platform_id == p->id && tokens[i].expires_at > now + 60) {
            snprintf(out, size, "%s", tokens[i].token);
            return 0;
        }
        if (tokens[i].expires_at < free_slot->expires_at)
            free_slot = &tokens[i];
    }
    store_lti_key *keys = NULL;
    size_t nk = 0;
    if (store_lti_keys_live(st, now, &keys, &nk) != STORE_OK || nk == 0 ||
        keys[0].retired_at != 0) {
        store_lti_keys_free(keys, nk);
        snprintf(err, err_size, "the tool has no signing key");
        return -1;
    }
    EVP_PKEY *k = lti_key_from_pem(keys[0].private_pem);
    uint8_t rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    char jti[33];
    sodium_bin2hex(jti, sizeof jti, rnd, sizeof rnd);
    json_t *claims =
        json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "iss", p->client_id, "sub", p->client_id, "aud",
                  p->token_url, "iat", (json_int_t)now, "exp", (json_int_t)now + 300, "jti", jti);
    char *assertion = k && claims ? lti_jwt_sign(k, keys[0].kid, claims) : NULL;
    json_decref(claims);
    EVP_PKEY_free(k);
    store_lti_keys_free(keys, nk);
    if (!assertion) {
        snprintf(err, err_size, "cannot sign the client assertion");
        return -1;
    }
    strbuf body = {0};
    strbuf_put(&body, "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3A"
                      "oauth%3Aclient-assertion-type%3Ajwt-bearer&scope=https%3A%2F%2Fpurl."
                      "imsglobal.org%2Fspec%2Flti-ags%2Fscope%2Fscore&client_assertion=");
    strbuf_put(&body, assertion); /* base64url and dots: nothing to encode */
    free(assertion);
    char *form = strbuf_take(&body);
    fetch_request rq = {.method = "POST",
                        .url = p->token_url,
                        .content_type = "application/x-www-form-urlencoded",
                        .body = form,
                        .accept = "application/json",
                        .timeout_ms = POST_TIMEOUT,
                        .max_bytes = ANSWER_MAX,
                        .allow_http = lti_tool_insecure_http()};
    fetch_result fr;
    char why[160];
    int rc = -1;
    if (!form || !lti_tool_url_allowed(p->token_url, why, sizeof why)) {
        snprintf(err, err_size, "token URL %s", form ? why : "(out of memory)");
    } else if (fetch_perform(&rq, &fr) != 0) {
        snprintf(err, err_size, "token request: %s", fr.error);
    } else {
        json_t *j = fr.status == 200 ? json_loadb(fr.body, fr.len, 0, NULL) : NULL;
        const char *at = json_string_value(json_object_get(j, "access_token"));
        json_int_t exp = json_integer_value(json_object_get(j, "expires_in"));
        if (at && strlen(at) < sizeof free_slot->token && strlen(at) < size) {
            free_slot->platform_id = p->id;
            snprintf(free_slot->token, sizeof free_slot->token, "%s", at);
            free_slot->expires_at = now + (exp > 0 ? exp : 300);
            snprintf(out, size, "%s", at);
            rc = 0;
        } else {
            snprintf(err, err_size, "token request: HTTP %d without a usable access_token",
                     fr.status);
        }
        json_decref(j);
        fetch_result_free(&fr);
    }
    free(form);
    return rc;
}

/* Posts one entry; returns the HTTP status (0: no answer) and the answer's first bytes. */
static int post_score(const store_lti_outbox_row *r, char *answer, size_t answer_size)
{
    store_lti_platform p;
    if (store_lti_platform_get(st, r->platform_id, &p) != STORE_OK) {
        snprintf(answer, answer_size, "the platform is no longer registered");
        return 410; /* refused for good */
    }
    char token[1024], err[300];
    if (access_token(&p, token, sizeof token, err, sizeof err) != 0) {
        snprintf(answer, answer_size, "%.250s", err);
        return 0;
    }
    char url[STORE_LTI_URL_SIZE + 16], why[160];
    size_t q = strcspn(r->lineitem, "?");
    snprintf(url, sizeof url, "%.*s/scores%s", (int)q, r->lineitem, r->lineitem + q);
    if (!lti_tool_url_allowed(url, why, sizeof why)) {
        snprintf(answer, answer_size, "line item URL %s", why);
        return 400;
    }
    time_t secs = (time_t)(r->score_ts / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char stamp[48], day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof stamp, "%s.%03dZ", day, (int)(r->score_ts % 1000));
    json_t *score = json_pack("{s:s, s:f, s:f, s:s, s:s, s:s}", "userId", r->sub, "scoreGiven",
                              r->given, "scoreMaximum", r->maximum, "activityProgress",
                              r->given >= r->maximum ? "Completed" : "InProgress",
                              "gradingProgress", "FullyGraded", "timestamp", stamp);
    char *body = score ? json_dumps(score, JSON_COMPACT) : NULL;
    json_decref(score);
    char auth[1100];
    snprintf(auth, sizeof auth, "Bearer %s", token);
    fetch_request rq = {.method = "POST",
                        .url = url,
                        .content_type = "application/vnd.ims.lis.v1.score+json",
                        .body = body,
                        .authorization = auth,
                        .timeout_ms = POST_TIMEOUT,
                        .max_bytes = ANSWER_MAX,
                        .allow_http = lti_tool_insecure_http()};
    fetch_result fr;
    int status = 0;
    if (!body) {
        snprintf(answer, answer_size, "out of memory");
    } else if (fetch_perform(&rq, &fr) != 0) {
        snprintf(answer, answer_size, "%s", fr.error);
    } else {
        status = fr.status;
        snprintf(answer, answer_size, "%.*s",
                 (int)(fr.len < answer_size ? fr.len : answer_size - 1), fr.body ? fr.body : "");
        if (status == 401) /* a revoked token: the next try gets a new one */
            for (size_t i = 0; i < TOKEN_SLOTS; i++)
                if (tokens[i].platform_id == p.id)
                    tokens[i].expires_at = 0;
        fetch_result_free(&fr);
    }
    free(body);
    return status;
}

static void post_round(void)
{
    store_lti_outbox_row *rows = NULL;
    size_t n = 0;
    int64_t now = time(NULL);
    if (store_lti_outbox_list(st, false, now, BATCH, &rows, &n) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        const store_lti_outbox_row *r = &rows[i];
        char answer[256];
        int status = post_score(r, answer, sizeof answer);
        lti_outbox_entry e = {LTI_OUTBOX_PENDING, r->version, r->attempts, r->next_at};
        int64_t after = time(NULL);
        lti_outbox_settle(&e, r->version, lti_outbox_classify(status), after);
        const char *state = e.state == LTI_OUTBOX_DONE     ? "done"
                            : e.state == LTI_OUTBOX_FAILED ? "failed"
                                                           : "pending";
        fprintf(stderr, "lti: score for %s at %s: HTTP %d -> %s\n", r->sub, r->lineitem, status,
                state);
        /* STORE_CONFLICT: a newer score replaced this one meanwhile; it is due already */
        store_lti_outbox_settle(st, r->id, r->version, state, e.attempts, e.next_at, status, answer,
                                after);
    }
    free(rows);
}

static void *poster(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        kicked = false;
        pthread_mutex_unlock(&lock);
        post_round();
        pthread_mutex_lock(&lock);
        if (stopping || kicked)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&wake, &lock, &until);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int lti_ags_start(app *a)
{
    st = a->store;
    stopping = false;
    /* the poster takes no signals: they are the main thread's (SIGTERM stops the server) */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&thread, NULL, poster, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    running = true;
    return 0;
}

void lti_ags_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = false;
}

void lti_ags_api_outbox(const http_request *req, http_response *res)
{
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ALLOW(GRADING_ADMIN)))
        return;
    store_lti_outbox_row *rows = NULL;
    size_t n = 0;
    if (store_lti_outbox_list(req->app->store, true, 0, 500, &rows, &n) != STORE_OK) {
        http_problem(res, 503, NULL, "the grade outbox cannot be read");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const store_lti_outbox_row *r = &rows[i];
        json_array_append_new(
            arr, json_pack("{s:I, s:I, s:s, s:s, s:f, s:f, s:I, s:s, s:i, s:I, s:i, s:s, s:I}",
                           "id", (json_int_t)r->id, "platform_id", (json_int_t)r->platform_id,
                           "lineitem", r->lineitem, "user_id", r->sub, "score_given", r->given,
                           "score_maximum", r->maximum, "score_timestamp_ms",
                           (json_int_t)r->score_ts, "state", r->state, "attempts", r->attempts,
                           "next_at", (json_int_t)r->next_at, "last_status", r->last_status,
                           "last_answer", r->last_answer, "updated_at", (json_int_t)r->updated_at));
    }
    free(rows);
    http_json_steal(res, 200, json_pack("{s:o}", "entries", arr));
    http_set_header(res, "Cache-Control", "no-store");
}

void lti_ags_api_retry(const http_request *req, http_response *res)
{
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ALLOW(GRADING_ADMIN)))
        return;
    char *end = NULL;
    long long id = strtoll(req->params[0], &end, 10);
    store_status rc = (!end || *end || id <= 0)
                          ? STORE_NOT_FOUND
                          : store_lti_outbox_retry(req->app->store, id, time(NULL));
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such outbox entry");
        return;
    }
    if (rc != STORE_OK) {
        http_problem(res, 503, NULL, "the entry cannot be retried");
        return;
    }
    pthread_mutex_lock(&lock);
    kicked = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    http_json_steal(res, 202, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}
