/*
 * quiz_answer.h — the full-marks answer of a question's variant, as a student would submit it.
 *
 * Owns: building that payload ({"choice": 1}, {"segments": [...]}, … — docs/quiz.md) from
 * the question's key or, for state and ladder questions, from the engine's run of the
 * variant. The editor's question builder shows it beside the student's variant, and grading
 * it with quiz_grade gives full marks.
 * Does not: grade, render or parse (quiz_grade.c, quiz_render.c, quiz_parse.c).
 */
#ifndef TCPLAB_LESSONS_QUIZ_ANSWER_H
#define TCPLAB_LESSONS_QUIZ_ANSWER_H

#include <jansson.h>
#include <stdint.h>

#include "quiz.h"

/* The answer payload that earns full marks for the variant `seed` of `q`. New JSON object;
 * NULL on allocation or engine failure (a step or segment the variant does not have). */
json_t *quiz_answer_payload(const quiz_question *q, uint64_t seed);

#endif
