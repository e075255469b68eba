/*
 * saves.h — what saving by link shares between saved simulations (api_simulations.c) and
 * saved captures (api_captures.c): the ?save= parameter, who saves anonymously, and the
 * per-address rate of anonymous saves (one budget for both kinds, app.h).
 */
#ifndef TCPLAB_WEB_SAVES_H
#define TCPLAB_WEB_SAVES_H

#include <stdbool.h>
#include <stdint.h>

#include "../http/http.h"

/* ?save=: absent, "false" or "0" → 0; "", "true" or "1" → 1; anything else → -1 after a
 * 400 problem in `res` ("query parameter save must be true or false"). */
int saves_param(const http_request *req, http_response *res);

/* True when the sender of `req` is signed in (a session or a token); anything else,
 * including a bad token, saves as anonymous. */
bool saves_signed_in(const http_request *req);

/* Counts one anonymous save from `ip` (NULL: "") at `now` (Unix seconds) against
 * APP_ANON_SAVES_PER_WINDOW per APP_ANON_SAVE_WINDOW_S. 0 if allowed (and counted), else
 * the seconds to wait (nothing counted). Bounded memory whatever the number of addresses;
 * thread-safe. */
int64_t saves_admit(const char *ip, int64_t now);

/* saves_admit for the sender of `req`: true if allowed; else `res` holds the 429 problem
 * (type #anonymous-saves, "limit": "anonymous_saves_per_minute", "max", a detail saying
 * how long to wait) with Retry-After. */
bool saves_admit_request(const http_request *req, http_response *res, int64_t now);

#endif
