/*
 * test_scenario_audit.c — regression tests from the robustness audit of the scenario JSON
 * contract (server/scenario/scenario_json.c): inputs that once gave wrong or unusable
 * errors.
 * Does not: repeat the contract's ordinary cases (test_scenario_json.c has those).
 */
#include "testlib.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/scenario/scenario_json.h"

/* true when s is valid UTF-8 (jansson refuses to build a string otherwise) */
static bool valid_utf8(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

/* An unknown member whose name is long enough that its pointer is cut: the cut must not
 * split a multi-byte character, or the error cannot be sent as JSON (the API used to answer
 * 422 with an empty "errors" list). Every cut position, for 2-, 3- and 4-byte characters,
 * at the root and inside an event. */
TEST(scenario_audit_long_unknown_key_pointer_is_utf8)
{
    static const char *const chars[] = {"\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"};
    static const char *const fmts[] = {"{\"events\": [], \"%s\": 1}",
                                       "{\"events\": [{\"at_ms\": 0, \"endpoint\": \"client\", "
                                       "\"call\": \"connect\", \"%s\": 1}]}"};
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    CHECK(sc && errs);
    if (!sc || !errs) {
        free(sc);
        free(errs);
        return;
    }
    for (size_t f = 0; f < 2; f++) {
        for (size_t c = 0; c < 3; c++) {
            for (size_t pre = 100; pre < 130; pre++) {
                char key[200], text[400];
                memset(key, 'a', pre);
                key[pre] = '\0';
                strcat(key, chars[c]);
                strcat(key, "zz");
                snprintf(text, sizeof text, fmts[f], key);
                CHECK_EQ_INT(scenario_parse(text, strlen(text), sc, errs), -1);
                CHECK_EQ_INT(errs->count, 1);
                if (errs->count != 1)
                    continue;
                CHECK(strstr(errs->items[0].detail, "unknown field") != NULL);
                if (!valid_utf8(errs->items[0].pointer)) {
                    testlib_fail(__FILE__, __LINE__,
                                 "pointer not UTF-8 (prefix %zu, char %zu, fmt %zu)", pre, c, f);
                    continue;
                }
                json_t *j = scenario_errors_to_json(errs);
                CHECK(j != NULL);
                CHECK_EQ_INT(json_array_size(j), 1);
                json_decref(j);
            }
        }
    }
    free(sc);
    free(errs);
}
