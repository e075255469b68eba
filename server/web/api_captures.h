/*
 * api_captures.h — a capture file analysed over HTTP (api_captures.c), and the pieces the
 * "Your capture" page shares with it (pages_capture.c): media type, ?connection=, problems.
 */
#ifndef TCPLAB_WEB_API_CAPTURES_H
#define TCPLAB_WEB_API_CAPTURES_H

#include <stdbool.h>
#include <stdint.h>

#include "../capture/capture.h"
#include "../http/http.h"

/* POST /api/v1/captures (?save=true: stored, 201 {"id", "url", "analysis"}) */
void api_captures_post(const http_request *req, http_response *res);

/* GET /api/v1/captures/{id}: the saved capture analysed again, 200 {"id", "url",
 * "analysis"}; ?connection=N and ?lang= as for POST. */
void api_capture_saved_get(const http_request *req, http_response *res);

/* Reads the saved capture `id` and analyses it for the ?connection=N of `req` into *r.
 * True when *r holds a result the caller then cleans up. Otherwise `res` holds the
 * problem — 404 for an unknown or malformed id, 400 for a bad ?connection=,
 * 404 for a connection the capture does not have, 503 without a database, 500 for a
 * storage error — and *r needs no cleanup. */
bool api_captures_saved(const http_request *req, http_response *res, const char *id,
                        capture_result *r);

/* Analyses the request body (a pcap/pcapng upload) for the connection its ?connection=N
 * names (0 when absent) into *r. Returns true when *r holds a result the caller then
 * cleans up (capture_result_cleanup). Otherwise `res` holds the problem — 400 for a bad
 * ?connection=, 415 for another Content-Type, 4xx by error for a failed analysis (members
 * "packet", "limit", "error") — and *r needs no cleanup. */
bool api_captures_analyze(const http_request *req, http_response *res, capture_result *r);

#endif
