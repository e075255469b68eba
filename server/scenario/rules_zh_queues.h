/*
 * rules_zh_queues.h — the Simplified Chinese texts of the listen-queue and SYN-cookie rules
 * (server/engine/listenq.c, and tcp.c's SYN cookie entry points).
 *
 * Owns: a second table of rules_zh.h's kind, kept apart so that the listen-queue rules and the
 * RFC 9293 rules can change independently; rules_zh.c searches both and lists them as one.
 * Does not: change the English, or know anything rules_zh.h does not.
 */
#ifndef TCPLAB_SCENARIO_RULES_ZH_QUEUES_H
#define TCPLAB_SCENARIO_RULES_ZH_QUEUES_H

#include <stdbool.h>
#include <stddef.h>

/* As rules_zh_lookup / _count / _at, over this table only (sorted by strcmp of the English). */
const char *rules_zh_queues_lookup(const char *en);
size_t rules_zh_queues_count(void);
bool rules_zh_queues_at(size_t i, const char **en, const char **zh);

#endif
