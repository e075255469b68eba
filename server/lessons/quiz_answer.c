/*
 * quiz_answer.c — the full-marks answer payload of a variant (see quiz_answer.h).
 *
 * Owns: the mapping from a question's key (single, multiple, number, order) or the engine's
 * trace of the variant (state, ladder) to the payload shape of docs/quiz.md.
 * Does not: decide scores (quiz_grade.c) or draw parameters (quiz.c).
 */
#include "quiz_answer.h"

#include "quiz_internal.h"

static json_t *index_list(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

json_t *quiz_answer_payload(const quiz_question *q, uint64_t seed)
{
    switch (q->type) {
    case QUIZ_SINGLE:
        return json_pack("{s:I}", "choice", (json_int_t)q->answer_int);
    case QUIZ_MULTIPLE:
        return json_pack("{s:o}", "choices", index_list(q->answer_list, q->answer_count));
    case QUIZ_NUMBER:
        return json_pack("{s:I}", "value", (json_int_t)q->answer_int);
    case QUIZ_ORDER:
        return json_pack("{s:o}", "order", index_list(q->answer_list, q->choice_count));
    case QUIZ_STATE:
    case QUIZ_LADDER:
        break;
    }
    sim_trace t;
    sim_trace_init(&t);
    char msg[256];
    json_t *out = NULL;
    if (quiz_run_variant(q, seed, &t, msg, sizeof msg) != 0)
        goto done;
    if (q->type == QUIZ_STATE) {
        if (q->step >= 1 && q->step <= t.count)
            out = json_pack("{s:s}", "state",
                            tcp_state_name(t.steps[q->step - 1].vars[q->endpoint].state));
        goto done;
    }
    json_t *segs = json_array();
    for (size_t j = 0; segs && j < q->segments; j++) {
        const sim_step *s = quiz_nth_send(&t, j);
        if (!s) {
            json_decref(segs);
            goto done;
        }
        json_array_append_new(segs, json_pack("{s:I, s:I}", "seq", (json_int_t)s->seg.seq, "ack",
                                              (json_int_t)s->seg.ack));
    }
    out = segs ? json_pack("{s:o}", "segments", segs) : NULL;
done:
    sim_trace_cleanup(&t);
    return out;
}
