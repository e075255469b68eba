/*
 * quiz_modes.c — exam seeds and exam attempts (see quiz_modes.h).
 *
 * Owns: the derivation of a student's exam seed and the finish callback that turns a
 * grade into an attempt on the store's writer thread.
 * Does not: run SQL itself (store_quiz.c) or grade.
 */
#include "quiz_modes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_quiz.h"

#define EXAM_SECRET "quiz-exam-seed"
#define SEED_MASK   ((UINT64_C(1) << 53) - 1) /* API_QUIZ_MAX_SEED: exact in JSON numbers */

void quiz_modes_taker(const grading_principal *p, char *out, size_t out_size)
{
    if (p->user_id)
        snprintf(out, out_size, "u%lld", (long long)p->user_id);
    else
        snprintf(out, out_size, "%s", p->actor);
}

int quiz_modes_seed(struct store *s, const char *taker, const char *question_id, uint64_t *seed)
{
    *seed = 0;
    char secret[160];
    if (!s || grading_crypto_init() != 0 ||
        store_server_secret(s, EXAM_SECRET, secret, sizeof secret) != STORE_OK)
        return -1;
    size_t klen = strlen(secret);
    if (klen < crypto_generichash_KEYBYTES_MIN)
        return -1;
    if (klen > crypto_generichash_KEYBYTES_MAX)
        klen = crypto_generichash_KEYBYTES_MAX;
    char msg[400];
    int n = snprintf(msg, sizeof msg, "exam\n%s\n%s", taker, question_id);
    if (n < 0 || (size_t)n >= sizeof msg)
        return -1;
    unsigned char h[16];
    if (crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n,
                           (const unsigned char *)secret, klen) != 0)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | h[i];
    *seed = v & SEED_MASK;
    sodium_memzero(secret, sizeof secret);
    return 0;
}

int quiz_modes_attempts_used(struct store *s, const grading_principal *p, const char *question_id)
{
    int n = 0;
    if (!s || store_quiz_attempts_used(s, "quiz", question_id, p->name, &n) != STORE_OK)
        return -1;
    return n;
}

typedef struct finish_ctx {
    json_t *result;
    int max_attempts;
    double decay;
} finish_ctx;

/* On the writer thread, while the request thread waits: scales points for `attempt`. */
static char *finish(void *arg, int attempt, double *score)
{
    finish_ctx *f = arg;
    double raw = json_number_value(json_object_get(f->result, "score"));
    double max_points = json_number_value(json_object_get(f->result, "max_points"));
    double factor = 1.0 - f->decay * (double)(attempt - 1);
    if (factor < 0)
        factor = 0;
    *score = raw * factor;
    int left = f->max_attempts - attempt;
    if (json_object_set_new(f->result, "points", json_real(max_points * factor * raw)) ||
        json_object_set_new(f->result, "mode", json_string("exam")) ||
        json_object_set_new(f->result, "attempt", json_integer(attempt)) ||
        json_object_set_new(f->result, "attempts_left", json_integer(left < 0 ? 0 : left)))
        return NULL;
    return json_dumps(f->result, JSON_COMPACT | JSON_ENCODE_ANY);
}

quiz_modes_status quiz_modes_record_attempt(struct store *s, const grading_principal *p,
                                            const char *question_id, const json_t *answer,
                                            json_t *result, int max_attempts, double decay,
                                            const char *key, const char *hash, int *attempt_out)
{
    *attempt_out = 0;
    if (!s || !p->name[0] || !question_id || !result || !hash)
        return QUIZ_MODES_ERROR;
    char *a = json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!a)
        return QUIZ_MODES_ERROR;
    finish_ctx f = {result, max_attempts, decay};
    store_quiz_attempt_in in;
    memset(&in, 0, sizeof in);
    in.sub.kind = "quiz";
    in.sub.ref = question_id;
    in.sub.user_name = p->name;
    in.sub.actor = p->actor;
    in.sub.idempotency_key = key;
    in.sub.request_hash = hash;
    in.sub.answer_json = a;
    in.sub.status = 200;
    in.max_attempts = max_attempts;
    in.finish = finish;
    in.ctx = &f;
    int64_t id = 0;
    store_status rc = store_quiz_attempt_put(s, &in, attempt_out, &id);
    free(a);
    if (rc == STORE_OK)
        return QUIZ_MODES_RECORDED;
    return rc == STORE_CONFLICT ? QUIZ_MODES_NO_ATTEMPTS : QUIZ_MODES_ERROR;
}
