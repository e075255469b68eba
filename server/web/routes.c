/*
 * routes.c — THE route table: every HTTP endpoint of TCP Lab, one row each.
 *
 * Rows are tried in order (router.c); the first match of path and method wins. Each
 * area adds its rows in its own block below and declares its handlers in its own header.
 * The OpenAPI test parses the {"METHOD", "/path", ...} rows of this file: keep one row
 * per line in that shape. `name` is the metrics label (unique, snake_case).
 */
#include "api.h"
#include "../http/http.h"
#include "../http/metrics.h"
#include "../http/server.h"
#include "../http/static_files.h"
#include "pages.h"
#include "pages_editor.h"
#include "grading.h"
#include "api_quiz.h"
#include "api_lessons.h"
#include "api_progress.h"
#include "pages_progress.h"
#include "api_builder.h"
#include "api_class.h"
#include "pages_class.h"
#include "api_captures.h"
#include "pages_capture.h"
#include "lti_tool.h"
#include "lti_launch.h"
#include "lti_ags.h"

const http_route http_routes[] = {
    /* core (server/http) */
    {"GET", "/healthz", server_healthz, "healthz"},
    {"GET", "/metrics", metrics_handler, "metrics"},
    {"GET", "/static/{path*}", static_files_handler, "static"},
    /* API (server/web/api_*.c) */
    {"GET", "/api/v1/scenarios", api_scenarios_list, "scenarios_list"},
    {"GET", "/api/v1/scenarios/{name}", api_scenario_get, "scenario_get"},
    {"POST", "/api/v1/simulations", api_simulations_post, "simulations_post"},
    {"GET", "/api/v1/simulations", api_simulations_get, "simulations_get"},
    {"GET", "/api/v1/simulations/{id}", api_simulation_get, "simulation_get"},
    {"GET", "/api/v1/states", api_states, "states"},
    {"GET", "/api/v1/openapi.json", api_openapi, "openapi"},
    /* pages (server/web/pages.c) */
    {"GET", "/", pages_home, "home"},
    {"GET", "/lessons", pages_lessons, "lessons_index"},
    {"GET", "/lessons/{slug}", pages_lesson, "lesson_page"},
    {"GET", "/playground", pages_playground, "playground"},
    {"POST", "/playground/figure", pages_playground_figure, "playground_figure"},
    /* quiz API (server/web/api_quiz.c) */
    {"POST", "/api/v1/questions/{id}/variants", api_quiz_variant_post, "quiz_variant_post"},
    {"POST", "/api/v1/variants/{id}/submissions", api_quiz_submission_post, "quiz_submission_post"},
    {"POST", "/api/v1/variants/{id}/answer", api_quiz_answer_post, "quiz_answer_post"},
    /* accounts and grading (server/grading/) */
    {"POST", "/api/v1/login", grading_login, "login"},
    {"POST", "/api/v1/logout", grading_logout, "logout"},
    {"GET", "/api/v1/me", grading_me, "me"},
    {"POST", "/api/v1/grade/trace", grading_trace, "grade_trace"},
    {"GET", "/api/v1/challenges", grading_challenge_list, "challenges_list"},
    {"POST", "/api/v1/challenges", grading_challenge_create, "challenge_create"},
    {"GET", "/api/v1/challenges/{id}", grading_challenge_get, "challenge_get"},
    {"POST", "/api/v1/challenges/{id}/submissions", grading_challenge_submit, "challenge_submit"},
    {"GET", "/api/v1/submissions/{id}", grading_submission_get, "submission_get"},
    {"GET", "/api/v1/submissions/{id}/gradescope", grading_submission_gradescope,
     "submission_gradescope"},
    {"GET", "/api/v1/submissions/{id}/lti", grading_submission_lti, "submission_lti"},
    {"GET", "/api/v1/gradebook", grading_gradebook, "gradebook"},
    {"GET", "/api/v1/statistics", grading_statistics, "statistics"},
    {"POST", "/api/v1/render", grading_render, "render"},
    {"POST", "/api/v1/render/question", api_builder_question, "render_question"},
    /* authoring: lessons in the database (server/web/api_lessons.c) */
    {"GET", "/api/v1/lessons", api_lessons_list, "lessons_list"},
    {"POST", "/api/v1/lessons", api_lessons_create, "lesson_create"},
    {"GET", "/api/v1/lessons/{slug}", api_lesson_get, "lesson_get"},
    {"PUT", "/api/v1/lessons/{slug}", api_lesson_put, "lesson_put"},
    {"DELETE", "/api/v1/lessons/{slug}", api_lesson_delete, "lesson_delete"},
    {"GET", "/api/v1/lessons/{slug}/revisions", api_lesson_revisions, "lesson_revisions"},
    {"POST", "/api/v1/lessons/{slug}/check", api_lesson_check, "lesson_check"},
    {"GET", "/api/v1/lessons/{slug}/revisions/{rev}", api_lesson_revision_get,
     "lesson_revision_get"},
    {"POST", "/api/v1/lessons/{slug}/revisions/{rev}/restore", api_lesson_restore,
     "lesson_restore"},
    /* sign-in page and the lesson editor (server/web/pages_editor.c) */
    {"GET", "/login", pages_login, "login_page"},
    {"GET", "/editor", pages_editor, "editor_page"},
    /* a student's progress (server/web/api_progress.c, pages_progress.c) */
    {"GET", "/api/v1/progress", api_progress_list, "progress_list"},
    {"GET", "/api/v1/progress/{slug}", api_progress_lesson, "progress_lesson"},
    {"GET", "/progress", pages_progress, "progress_page"},
    /* the class: roster, progress, sign-in links (server/web/api_class.c, pages_class.c) */
    {"POST", "/api/v1/roster/import", api_roster_import, "roster_import"},
    {"GET", "/api/v1/roster", api_roster_list, "roster_list"},
    {"DELETE", "/api/v1/roster/{login}", api_roster_remove, "roster_remove"},
    {"POST", "/api/v1/roster/{login}/reset", api_roster_reset, "roster_reset"},
    {"GET", "/api/v1/class", api_class_overview, "class_overview"},
    {"GET", "/api/v1/class/students/{login}/attempts", api_class_attempts, "class_attempts"},
    {"POST", "/api/v1/signin", api_signin, "signin"},
    {"POST", "/api/v1/me/password", api_me_password, "me_password"},
    {"GET", "/class", pages_class, "class_page"},
    {"GET", "/signin", pages_signin, "signin_page"},
    /* a student's capture explained (server/web/api_captures.c, pages_capture.c) */
    {"POST", "/api/v1/captures", api_captures_post, "captures_post"},
    {"GET", "/api/v1/captures/{id}", api_capture_saved_get, "capture_saved_get"},
    {"GET", "/capture", pages_capture, "capture_page"},
    {"POST", "/capture/figure", pages_capture_figure, "capture_figure"},
    {"GET", "/capture/{id}", pages_capture_saved, "capture_saved_page"},
    /* LTI 1.3 tool (server/web/lti_tool.c, lti_launch.c) */
    {"GET", "/lti/jwks", lti_tool_jwks, "lti_jwks"},
    {"GET", "/lti/config", lti_tool_config, "lti_config"},
    {"GET", "/lti/config/canvas", lti_tool_config_canvas, "lti_config_canvas"},
    {"GET", "/lti/login", lti_launch_login, "lti_login_get"},
    {"POST", "/lti/login", lti_launch_login, "lti_login_post"},
    {"POST", "/lti/launch", lti_launch_post, "lti_launch"},
    {"POST", "/lti/deep-link", lti_launch_deep_link, "lti_deep_link"},
    {"GET", "/api/v1/lti/platforms", lti_tool_api_list, "lti_platforms_list"},
    {"POST", "/api/v1/lti/platforms", lti_tool_api_add, "lti_platform_add"},
    {"DELETE", "/api/v1/lti/platforms/{id}", lti_tool_api_remove, "lti_platform_remove"},
    {"GET", "/api/v1/lti/outbox", lti_ags_api_outbox, "lti_outbox_list"},
    {"POST", "/api/v1/lti/outbox/{id}/retry", lti_ags_api_retry, "lti_outbox_retry"},
};

const size_t http_route_count = sizeof http_routes / sizeof http_routes[0];

/* Bodies with their own limit (every other route: TCPLAB_MAX_BODY). */
const http_body_limit http_body_limits[] = {
    {"POST", "/api/v1/captures", CAPTURE_MAX_BYTES}, /* a capture file */
    {"POST", "/capture/figure", CAPTURE_MAX_BYTES},
};
const size_t http_body_limit_count = sizeof http_body_limits / sizeof http_body_limits[0];
