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

/* POST /api/v1/captures */
void api_captures_post(const http_request *req, http_response *res);

/* True for a pcap/pcapng Content-Type; else a 415 problem in res. */
bool api_captures_media_ok(const http_request *req, http_response *res);
/* ?connection=N into *out (0 when absent); -1 after a 400 problem in res. */
int api_captures_connection_param(const http_request *req, http_response *res, uint32_t *out);
/* The problem+json for a failed analysis (status by error; "packet", "limit", "error"). */
void api_captures_problem(http_response *res, const capture_result *r);

#endif
