/*
 * quiz_source.c — a parsed question as its author wrote it, as JSON (see quiz.h,
 * quiz_question_source): what the editor's question builder fills its form from.
 *
 * Owns: the field names and shapes of that JSON (the keys of docs/quiz.md).
 * Does not: keep the YAML text or its formatting (the builder keeps the source lines), or
 * compute answers (quiz_answer_payload does).
 */
#include "quiz_internal.h"

#include <stdio.h>

#include "../engine/sim.h"
#include "../engine/tcp.h"

static json_t *index_list(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

json_t *quiz_question_source(const quiz_question *q)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s}", "id", q->id, "type", quiz_type_names[q->type], "prompt",
                  q->prompt ? q->prompt : "", "explanation", q->explanation ? q->explanation : "");
    if (!o)
        return NULL;
    if (q->hint)
        json_object_set_new(o, "hint", json_string(q->hint));
    switch (q->type) {
    case QUIZ_SINGLE:
    case QUIZ_MULTIPLE:
    case QUIZ_ORDER: {
        json_t *c = json_array();
        for (size_t i = 0; c && i < q->choice_count; i++)
            json_array_append_new(c, json_string(q->choices[i]));
        json_object_set_new(o, "choices", c);
        json_object_set_new(o, "answer",
                            q->type == QUIZ_SINGLE ? json_integer(q->answer_int)
                                                   : index_list(q->answer_list, q->answer_count));
        break;
    }
    case QUIZ_NUMBER:
        json_object_set_new(o, "answer", json_integer(q->answer_int));
        json_object_set_new(o, "tolerance", json_integer(q->tolerance));
        break;
    case QUIZ_STATE:
    case QUIZ_LADDER:
        if (q->scenario_name)
            json_object_set_new(o, "scenario", json_string(q->scenario_name));
        if (q->scenario_json)
            json_object_set_new(o, "scenario_json", json_string(q->scenario_json));
        if (q->param_count) {
            json_t *p = json_object();
            char spec[64];
            for (size_t i = 0; p && i < q->param_count; i++) {
                snprintf(spec, sizeof spec, "int[%lld, %lld]", (long long)q->params[i].lo,
                         (long long)q->params[i].hi);
                json_object_set_new(p, q->params[i].name, json_string(spec));
            }
            json_object_set_new(o, "params", p);
        }
        if (q->type == QUIZ_STATE) {
            json_object_set_new(o, "endpoint", json_string(sim_endpoint_name(q->endpoint)));
            json_object_set_new(o, "step", json_integer((json_int_t)q->step));
            if (q->answer_state >= 0)
                json_object_set_new(o, "answer",
                                    json_string(tcp_state_name((tcp_state)q->answer_state)));
        } else {
            json_object_set_new(o, "segments", json_integer((json_int_t)q->segments));
        }
        break;
    }
    return o;
}
