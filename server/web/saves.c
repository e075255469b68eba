/*
 * saves.c — the shared pieces of saving by link (saves.h).
 *
 * Owns: the table of per-address windows of anonymous saves: a fixed table (no
 * allocation; bounded whatever the number of addresses): an address probes SLOT_PROBE
 * slots from its hash; a new one takes a free or expired slot, else evicts the one whose
 * window began first.
 * Does not: store anything, or decide the size and quota limits of each kind of save (the
 * handlers do).
 */
#include "saves.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "../grading/auth.h"
#include "../util/fnv.h"
#include "guard.h"

#define SLOTS      512
#define SLOT_PROBE 8

typedef struct anon_slot {
    char ip[64];
    int64_t start; /* window start, Unix seconds; 0: free */
    int count;
} anon_slot;
static anon_slot slots[SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

int saves_param(const http_request *req, http_response *res)
{
    const char *v = http_query(req, "save");
    if (!v || !strcmp(v, "false") || !strcmp(v, "0"))
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1") || !v[0])
        return 1;
    http_problem(res, 400, NULL, "query parameter save must be true or false");
    return -1;
}

bool saves_signed_in(const http_request *req)
{
    grading_principal p;
    return guard_auth(req, &p) == GUARD_AUTH_OK && p.role != GRADING_ANONYMOUS;
}

int64_t saves_admit(const char *ip, int64_t now)
{
    char key[64];
    snprintf(key, sizeof key, "%s", ip ? ip : "");
    uint64_t h = fnv1a64(key, strlen(key));
    int64_t wait = 0;
    pthread_mutex_lock(&slots_lock);
    anon_slot *hit = NULL, *spare = NULL;
    for (size_t i = 0; i < SLOT_PROBE && !hit; i++) {
        anon_slot *sl = &slots[(h + i) % SLOTS];
        bool expired = sl->start == 0 || now - sl->start >= APP_ANON_SAVE_WINDOW_S;
        if (sl->start != 0 && !strcmp(sl->ip, key))
            hit = sl;
        else if (!spare ||
                 (expired && spare->start != 0 && now - spare->start < APP_ANON_SAVE_WINDOW_S) ||
                 (!expired && sl->start < spare->start))
            spare = sl;
    }
    if (!hit) {
        hit = spare;
        snprintf(hit->ip, sizeof hit->ip, "%s", key);
        hit->start = 0;
    }
    if (hit->start == 0 || now - hit->start >= APP_ANON_SAVE_WINDOW_S) {
        hit->start = now;
        hit->count = 0;
    }
    if (hit->count >= APP_ANON_SAVES_PER_WINDOW)
        wait = hit->start + APP_ANON_SAVE_WINDOW_S - now;
    else
        hit->count++;
    pthread_mutex_unlock(&slots_lock);
    return wait > 0 ? wait : 0;
}

bool saves_admit_request(const http_request *req, http_response *res, int64_t now)
{
    int64_t wait = saves_admit(req->client_ip, now);
    if (wait <= 0)
        return true;
    char detail[240], ra[24];
    snprintf(detail, sizeof detail,
             "at most %d saves without sign-in per %d seconds from one address "
             "(anonymous_saves_per_minute); try again in %lld s",
             APP_ANON_SAVES_PER_WINDOW, APP_ANON_SAVE_WINDOW_S, (long long)wait);
    http_problem_json(res, 429, "/api/v1/openapi.json#anonymous-saves", "Too many saves", detail,
                      json_pack("{s:s, s:i, s:[{s:s, s:s}]}", "limit", "anonymous_saves_per_minute",
                                "max", APP_ANON_SAVES_PER_WINDOW, "errors", "pointer", "", "detail",
                                detail));
    snprintf(ra, sizeof ra, "%lld", (long long)wait);
    http_set_header(res, "Retry-After", ra);
    return false;
}
