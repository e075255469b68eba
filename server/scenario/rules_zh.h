/*
 * rules_zh.h — the engine's rule texts (the "rule" of every trace step) in Simplified
 * Chinese, for the zh-CN pages and the API's ?lang=zh-CN.
 *
 * Owns: one constant table, English rule text → Chinese text, and the lookup in it.
 * Does not: change the English (the engine's strings stay the source of truth, and the
 * trace JSON's "rule" stays English), translate errors or signals, or know about HTTP or
 * HTML. The English keys are copies of the string literals in server/engine/tcp.c and
 * sim.c; tests/unit/test_rules_zh.c fails when the engine can emit a rule the table lacks.
 */
#ifndef TCPLAB_SCENARIO_RULES_ZH_H
#define TCPLAB_SCENARIO_RULES_ZH_H

#include <stdbool.h>
#include <stddef.h>

/* The Chinese text for the exact English rule `en` (a static string, never freed), or NULL
 * when `en` is NULL or not in the table. A binary search: cheap enough for every step. */
const char *rules_zh_lookup(const char *en);

/* The number of table entries, and entry i (0-based, in strcmp order of the English):
 * true and both texts set, or false when i is past the end. For tests and tools. */
size_t rules_zh_count(void);
bool rules_zh_at(size_t i, const char **en, const char **zh);

#endif
