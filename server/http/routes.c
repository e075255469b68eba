/*
 * routes.c — THE route table: every HTTP endpoint of TCP Lab, one row each.
 *
 * Rows are tried in order (router.c); the first match of path and method wins. Each
 * area adds its rows in its own block below and declares its handlers in its own header.
 * The OpenAPI test parses the {"METHOD", "/path", ...} rows of this file: keep one row
 * per line in that shape. `name` is the metrics label (unique, snake_case).
 */
#include "api.h"
#include "http.h"
#include "metrics.h"
#include "server.h"
#include "static_files.h"
#include "../lessons/pages.h"
#include "../lessons/api_quiz.h"

const http_route http_routes[] = {
    /* core (server/http: H) */
    {"GET", "/healthz", server_healthz, "healthz"},
    {"GET", "/metrics", metrics_handler, "metrics"},
    {"GET", "/static/{path*}", static_files_handler, "static"},
    /* API (server/http/api_*.c: A) */
    {"GET", "/api/v1/scenarios", api_scenarios_list, "scenarios_list"},
    {"GET", "/api/v1/scenarios/{name}", api_scenario_get, "scenario_get"},
    {"POST", "/api/v1/simulations", api_simulations_post, "simulations_post"},
    {"GET", "/api/v1/simulations", api_simulations_get, "simulations_get"},
    {"GET", "/api/v1/simulations/{id}", api_simulation_get, "simulation_get"},
    {"GET", "/api/v1/states", api_states, "states"},
    {"GET", "/api/v1/openapi.json", api_openapi, "openapi"},
    /* pages (server/lessons/pages.c: L1); "/" replaces home.c's minimal page */
    {"GET", "/", pages_home, "home"},
    {"GET", "/lessons", pages_lessons, "lessons_index"},
    {"GET", "/lessons/{slug}", pages_lesson, "lesson_page"},
    {"GET", "/playground", pages_playground, "playground"},
    /* quiz API (server/lessons/api_quiz.c: L2) */
    {"POST", "/api/v1/questions/{id}/variants", api_quiz_variant_post, "quiz_variant_post"},
    {"POST", "/api/v1/variants/{id}/submissions", api_quiz_submission_post, "quiz_submission_post"},
};

const size_t http_route_count = sizeof http_routes / sizeof http_routes[0];
