/*
 * quiz_internal.h — what the quiz modules share and nobody else sees: the question struct
 * and the helpers used by more than one of quiz.c (model, engine runs, placeholders, checks),
 * quiz_parse.c (YAML), quiz_render.c (HTML, variants) and quiz_grade.c (grading).
 * Does not: form part of the public API (quiz.h); only quiz*.c include it.
 */
#ifndef TCPLAB_LESSONS_QUIZ_INTERNAL_H
#define TCPLAB_LESSONS_QUIZ_INTERNAL_H

#include "quiz.h"

#include <string.h>

#include "../engine/sim.h"

typedef struct quiz_param {
    char *name;
    int64_t lo, hi;
} quiz_param;

struct quiz_question {
    char *id;
    quiz_type type;
    int line;
    char *prompt, *explanation;
    char *hint; /* optional `hint:`, shown after a wrong answer; NULL when absent */
    char *choices[QUIZ_MAX_CHOICES];
    size_t choice_count;
    int64_t answer_int;                   /* single: index; number: value */
    size_t answer_list[QUIZ_MAX_CHOICES]; /* multiple: set; order: sequence */
    size_t answer_count;
    int64_t tolerance;
    char *scenario_name, *scenario_json; /* one of them, for state/ladder */
    sim_scenario *base;
    int endpoint;
    size_t step;
    int answer_state; /* state: optional key, -1 when absent */
    quiz_param params[QUIZ_MAX_PARAMS];
    size_t param_count;
    size_t segments;
    int seg_from[QUIZ_MAX_SEGMENTS]; /* ladder: who sends segment J, and its flags */
    unsigned seg_flags[QUIZ_MAX_SEGMENTS];
};

extern const char *const quiz_type_names[]; /* indexed by quiz_type */

/* `zh` for locale "zh-CN", else `en`. */
static inline const char *quiz_tr(const char *locale, const char *en, const char *zh)
{
    return locale && strcmp(locale, "zh-CN") == 0 ? zh : en;
}

/* Frees a question and everything it owns; NULL is a no-op. */
void quiz_question_free(quiz_question *q);

/* Runs the question's scenario with the parameter values[] (in declaration order, n of
 * them) into t. 0 or -1 with msg. */
int quiz_run_values(const quiz_question *q, const char *const names[], const int64_t values[],
                    size_t n, sim_trace *t, char *msg, size_t msg_size);
/* Runs the question's scenario with the params of `seed` into t. 0 or -1 with msg. */
int quiz_run_variant(const quiz_question *q, uint64_t seed, sim_trace *t, char *msg,
                     size_t msg_size);
/* The n-th (0-based) send step of t, or NULL. */
const sim_step *quiz_nth_send(const sim_trace *t, size_t n);
/* The number of send steps of t. */
size_t quiz_send_count(const sim_trace *t);

/* When p starts a placeholder "{name}" (name: one or more of a-z 0-9 _), the address of its
 * closing brace; otherwise NULL. The one scanner for quiz_each_placeholder, quiz_fill and
 * the prompt renderer. */
const char *quiz_placeholder_end(const char *p);
/* Calls fn for each "{name}" in text; returns the first nonzero result. */
typedef int (*quiz_ph_fn)(void *ctx, const char *name, size_t len);
int quiz_each_placeholder(const char *text, quiz_ph_fn fn, void *ctx);

/* quiz_ph_known's context: the question, whether {answer} is allowed, and the first
 * unknown name found. */
typedef struct quiz_ph_check {
    const quiz_question *q;
    bool allow_answer;
    char bad[48];
} quiz_ph_check;

/* quiz_ph_fn: 0 for a placeholder the question defines, else 1 with its name in bad. */
int quiz_ph_known(void *ctx, const char *name, size_t len);

/* Replaces placeholders ({param}, {step}, {answer}) with their values as text; `answer`
 * may be NULL. Returns malloc'ed text, or NULL when out of memory. */
char *quiz_fill(const quiz_question *q, const char *text, const char *const names[],
                const int64_t values[], size_t n, const char *answer);

#endif
