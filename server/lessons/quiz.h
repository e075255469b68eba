/*
 * quiz.h — ```quiz blocks (docs/quiz.md): parsing, checking, rendering, grading.
 *
 * Owns: the question model (six types), the YAML parser (libyaml) with "line N" errors,
 * deterministic parameters drawn from a seed (splitmix64), answers computed by running the
 * engine (state, ladder), the question HTML of dom.md (never containing an answer), and
 * grading a JSON answer payload into the result JSON of dom.md.
 * Does not: know HTTP (api_quiz.c), lesson files (lessons.c), or store attempts.
 * Questions are immutable after parsing; every function here may be called from several
 * threads at once on the same question.
 */
#ifndef TCPLAB_LESSONS_QUIZ_H
#define TCPLAB_LESSONS_QUIZ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct quiz_question quiz_question; /* opaque */
typedef struct quiz_set {
    quiz_question **items;
    size_t count;
} quiz_set;

typedef enum quiz_type {
    QUIZ_SINGLE = 0,
    QUIZ_MULTIPLE,
    QUIZ_NUMBER,
    QUIZ_ORDER,
    QUIZ_STATE,
    QUIZ_LADDER
} quiz_type;

#define QUIZ_MAX_PARAMS   4
#define QUIZ_MAX_CHOICES  16
#define QUIZ_MAX_SEGMENTS 16

/* Parses one ```quiz block (a YAML list of questions). On error returns -1 and writes
 * "line N: reason" into err, N counted from 1 at the block's first line (the line after
 * the opening fence); nothing is appended then. On success appends every question to
 * *set (ids must be unique across the whole set) and returns 0. A zero-initialised
 * quiz_set is empty and valid. */
int quiz_parse_block(const char *yaml, size_t len, quiz_set *set, char *err, size_t err_size);
void quiz_set_cleanup(quiz_set *set); /* frees every question; set becomes empty */

const char *quiz_question_id(const quiz_question *q);
quiz_type quiz_question_type(const quiz_question *q);
const char *quiz_type_name(quiz_type t); /* "single", ... */
/* 1-based line of the question's "- " item inside its block. */
int quiz_question_line(const quiz_question *q);
/* The question as its author wrote it: {id, type, prompt, explanation, hint?, choices?,
 * answer?, tolerance?, scenario? | scenario_json?, params? {name: "int[a, b]"}, endpoint?,
 * step?, segments?} (docs/quiz.md); NULL when out of memory. For the question builder. */
json_t *quiz_question_source(const quiz_question *q);
bool quiz_question_has_params(const quiz_question *q);

/* <form class="tl-question"> HTML per dom.md, never containing the answer. `global_id`
 * is "slug.id". malloc'ed; NULL on allocation failure. */
char *quiz_render_question(const quiz_question *q, const char *global_id, const char *locale);

/* Deeper check for `tcplab check`: runs the engine for several seeds (parameter bounds
 * included), checks steps/segments exist for every draw, placeholders name known
 * parameters, a state question's optional `answer` agrees with the engine. 0 ok, -1 with
 * a one-line reason in err. */
int quiz_check_question(const quiz_question *q, char *err, size_t err_size);

/* Both locales have the same questions in the same order (ids, types, answers,
 * scenarios, parameters). 0 ok, -1 with a reason naming the question. */
int quiz_sets_equivalent(const quiz_set *a, const quiz_set *b, char *err, size_t err_size);

/* A variant: the question with its parameters drawn from `seed`. Returns a new JSON
 * object {"variant_id": "v<seed>-<global_id>", "params": {name: value}, "prompt": "…"}
 * (placeholders filled); NULL on allocation or engine failure. */
json_t *quiz_variant_json(const quiz_question *q, const char *global_id, uint64_t seed);

/* Parameter values drawn for `seed`, in declaration order; returns how many (<=
 * QUIZ_MAX_PARAMS), names into names[] (borrowed from q). */
size_t quiz_draw_params(const quiz_question *q, uint64_t seed, const char *names[],
                        int64_t values[]);

/* Grades an answer payload (see quiz.md: {"choice": 1}, {"segments": [...]}, ...) for the
 * variant `seed`. Returns a new JSON object {gradable, score (0..1), points, max_points,
 * feedback, feedback_detail, explanation, hint, format_errors: [{"field", "detail",
 * "message", "row"?, "column"?}], parts: [{name, points, max_points, feedback, "row"?,
 * "column"?}], choice_marks?: [{index, picked, right}]} (docs/dom.md).
 * `field` is a JSON pointer and `detail` its API wording; `message` says the same in plain
 * words in `locale`, counting table rows from 1 ("Row 1, SEQ: …"); `row` (1-based) and
 * `column` ("seq" or "ack") locate a ladder cell. `feedback_detail` is the feedback without
 * its verdict (NULL when there is nothing to add). `hint` (NULL when right) is the authored
 * hint after a generated one naming what is wrong without its value: the ladder cells, the
 * step that changes the state, whether a number is too high or too low. The explanation is
 * always present when gradable (the caller decides when to show it). A malformed payload
 * gives gradable false, score 0, explanation and hint null. NULL only on allocation/engine
 * failure. `answer` may be NULL (treated as malformed). */
json_t *quiz_grade(const quiz_question *q, uint64_t seed, const json_t *answer, const char *locale);

/* The worked answer of the variant `seed` without grading anything: a new JSON object
 * {"explanation": text with placeholders filled, "answer": the key as text}. NULL on
 * allocation or engine failure. */
json_t *quiz_explain(const quiz_question *q, uint64_t seed, const char *locale);

/* Variant ids: "v<seed>-<global id>". Parses one; returns 0 and the parts (global id
 * copied into id_out) or -1 when malformed. */
int quiz_parse_variant_id(const char *vid, uint64_t *seed, char *id_out, size_t id_size);

/* splitmix64 step (exposed for tests): advances *state and returns the next value. */
uint64_t quiz_splitmix64(uint64_t *state);

#endif
