/*
 * store_simulations.h — saved simulations: a scenario a student chose to share by link.
 *
 * Owns: the `simulations` table (migration 1): id, the resolved scenario JSON, created_at;
 * and (migration 7) whether it was saved anonymously, the anonymous quota and the purge of
 * old anonymous saves. Saves of signed-in senders are never purged.
 * Does not: parse or check the JSON (the API validates before saving) or run the engine.
 */
#ifndef TCPLAB_STORE_SIMULATIONS_H
#define TCPLAB_STORE_SIMULATIONS_H

#include <stdbool.h>

#include "store.h"

#define STORE_SIMULATION_ID_SIZE 32 /* buffer size for an id; ids are 22 characters */

/* Stores `scenario_json` under a new random URL-safe id (22 characters of base64url,
 * 128 random bits), written NUL-terminated into id_out. Returns STORE_OK or STORE_ERROR
 * (store_last_error says why). */
store_status store_simulation_put(store *s, const char *scenario_json,
                                  char id_out[STORE_SIMULATION_ID_SIZE]);

/* The same for an anonymous sender: the row is marked anonymous, and it is only stored
 * while fewer than `max_rows` anonymous rows exist (counted in the same transaction).
 * STORE_CONFLICT (nothing stored, id_out "") when the quota is full. */
store_status store_simulation_put_anonymous(store *s, const char *scenario_json, int64_t max_rows,
                                            char id_out[STORE_SIMULATION_ID_SIZE]);

/* Deletes the anonymous saves created before `before` (Unix seconds); *deleted (may be
 * NULL) gets how many. STORE_OK or STORE_ERROR. */
store_status store_simulation_purge_anonymous(store *s, int64_t before, int64_t *deleted);

/* Looks `id` up. STORE_OK: *json_out is a malloc'ed copy of the scenario JSON (caller
 * frees). STORE_NOT_FOUND: no such id (also for a malformed id). STORE_ERROR otherwise.
 * *json_out is NULL unless STORE_OK. */
store_status store_simulation_get(store *s, const char *id, char **json_out);

/* True if `id` has the shape of a simulation id ([A-Za-z0-9_-], 1..31 characters). */
bool store_simulation_id_valid(const char *id);

#endif
