/*
 * api_builder.h — POST /api/v1/render/question (instructor, admin): the editor's question
 * builder previews a ```quiz block before it is in any saved lesson.
 *
 * Body: {"yaml": "- id: q1\n  type: state\n…" (the block's body, at most 64 KiB),
 * "slug": "my-lesson" (default "preview"), "locale": "en"|"zh-CN" (default "en"),
 * "seed": n (default 1; picks the student's variant)}.
 * 200 {questions: [{id, type, line, variant: {variant_id, params, prompt}, html, answer,
 * grade, problem}]}: per question the variant a student with that seed sees, its form as
 * the lesson page renders it, the full-marks answer the engine computes (`answer`, the
 * payload of docs/quiz.md), that answer graded (`grade`, as the quiz API answers it) and
 * what `tcplab check` finds wrong with the question (`problem`, null when nothing).
 * 422 {errors: [{pointer, detail}]} when the body or the block cannot be used ("line N: …"
 * counted from the block's first line).
 */
#ifndef TCPLAB_WEB_API_BUILDER_H
#define TCPLAB_WEB_API_BUILDER_H

#include "../http/http.h"

void api_builder_question(const http_request *req, http_response *res);

#endif
