/*
 * catalog.h — the built-in scenario catalog (docs/scenario.md).
 *
 * Owns: each built-in's name, title, one-paragraph explanation and scenario JSON text, and
 * the Simplified Chinese title and explanation (same facts, same RFC references).
 * Does not: parse or run them (scenario_json.h and sim.h do).
 */
#ifndef TCPLAB_SCENARIO_CATALOG_H
#define TCPLAB_SCENARIO_CATALOG_H

#include <stddef.h>

typedef struct catalog_entry {
    const char *name;       /* URL-safe slug, e.g. "lost-syn" */
    const char *title;      /* "Lost SYN" */
    const char *summary;    /* one paragraph: what happens and why, citing RFC 9293 */
    const char *json;       /* the scenario, as scenario JSON (docs/scenario.md) */
    const char *title_zh;   /* added: Simplified Chinese title, e.g. "SYN 丢失" */
    const char *summary_zh; /* added: Simplified Chinese summary, same facts as summary */
} catalog_entry;

size_t catalog_count(void);
const catalog_entry *catalog_at(size_t i);           /* NULL if out of range */
const catalog_entry *catalog_find(const char *name); /* NULL if unknown */

/* Added: the entry's title / summary in `locale`: the Simplified Chinese text for "zh-CN",
 * the English one for anything else (including NULL). `e` must not be NULL. */
const char *catalog_title(const catalog_entry *e, const char *locale);
const char *catalog_summary(const catalog_entry *e, const char *locale);

#endif
