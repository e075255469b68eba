/*
 * api_capture.h — a simulation's trace answered as a pcap capture (format=pcap).
 *
 * Owns: deciding whether a simulation request wants a capture (?format=, else the Accept
 * header), the ?ip= choice, and the answer itself: application/vnd.tcpdump.pcap with
 * Content-Disposition: attachment, or a 422 naming max_capture_bytes (app.h).
 * Does not: run the engine (api_simulations.c) or lay out packets (capture/pcap_write.c).
 */
#ifndef TCPLAB_WEB_API_CAPTURE_H
#define TCPLAB_WEB_API_CAPTURE_H

#include <stdbool.h>

#include "../engine/sim.h"
#include "../http/http.h"

/* The media type of a classic pcap file (IANA). */
#define API_CAPTURE_MEDIA_TYPE "application/vnd.tcpdump.pcap"

/* 1: the request wants a capture (?format=pcap, or no ?format and an Accept header naming
 * application/vnd.tcpdump.pcap); 0: the trace JSON (?format=json or neither); -1: a 400 is
 * in res (?format other than json or pcap, or ?ip other than 4 or 6). */
int api_capture_wanted(const http_request *req, http_response *res);

/* Answers the capture of `t` (sc: its scenario, for the MSS option; may be NULL) with the
 * ?ip= of the request, as "tcplab-NAME.pcap" (`name`: letters, digits, '-' and '_' are
 * kept, anything else becomes '-'), with `cache_control` (NULL: none). 200, or 422 past
 * APP_SIM_MAX_CAPTURE_BYTES or for a step that cannot be a packet, 500 out of memory. */
void api_capture_respond(const http_request *req, http_response *res, const sim_trace *t,
                         const sim_scenario *sc, const char *name, const char *cache_control);

#endif
