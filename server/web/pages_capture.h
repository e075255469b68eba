/*
 * pages_capture.h — the "Your capture" page: how to record a capture, upload it, choose a
 * connection and step through it with the lesson figures' player.
 */
#ifndef TCPLAB_WEB_PAGES_CAPTURE_H
#define TCPLAB_WEB_PAGES_CAPTURE_H

#include "../http/http.h"

/* GET /capture: the page (both languages). */
void pages_capture(const http_request *req, http_response *res);

/* POST /capture/figure?connection=N&lang=: the capture file as the body (as for
 * POST /api/v1/captures); 200 text/html: the capture's summary, the connection chooser,
 * the observations and the figure of the chosen connection (its first FIGURE_MAX_STEPS
 * steps); errors as POST /api/v1/captures gives them (problem+json naming the packet). */
void pages_capture_figure(const http_request *req, http_response *res);

/* GET /capture/{id}?connection=N&lang=: a saved capture's page (its share link): the same
 * summary, connection chooser, observations and figure, rendered on the server; an
 * unknown or malformed id or connection is the HTML 404 page, a bad ?connection= a 400
 * problem. */
void pages_capture_saved(const http_request *req, http_response *res);

#endif
