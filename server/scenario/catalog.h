/*
 * catalog.h — the built-in scenario catalog (issue #2 §3).
 *
 * Owns: each built-in's name, title, one-paragraph explanation and scenario JSON text.
 * Does not: parse or run them (scenario_json.h and sim.h do).
 */
#ifndef TCPLAB_SCENARIO_CATALOG_H
#define TCPLAB_SCENARIO_CATALOG_H

#include <stddef.h>

typedef struct catalog_entry {
    const char *name;    /* URL-safe slug, e.g. "lost-syn" */
    const char *title;   /* "Lost SYN" */
    const char *summary; /* one paragraph: what happens and why, citing RFC 9293 */
    const char *json;    /* the scenario, in the issue #2 contract */
} catalog_entry;

size_t catalog_count(void);
const catalog_entry *catalog_at(size_t i);          /* NULL if out of range */
const catalog_entry *catalog_find(const char *name); /* NULL if unknown */

#endif
