/*
 * api_captures.c — POST /api/v1/captures: a student's capture (pcap or pcapng, at most
 * CAPTURE_MAX_BYTES) explained as the trace JSON the player draws, plus "packets",
 * "connection", "connections", "observations" and "capture" (server/capture/capture.h).
 *
 * Query: ?connection=N (whose steps, 1-based, default 1), ?lang=zh-CN (adds rule_zh and
 * text_zh). Body: the file as it is, Content-Type application/vnd.tcpdump.pcap,
 * application/x-pcapng (or application/pcapng, application/octet-stream).
 * Owns: the HTTP mapping of capture errors: every problem+json names the packet it concerns
 * ("packet" member, and in the detail): 413 for more than 100,000 packets (and bodies over
 * the route's limit, from the server), 422 for more than 1,000 connections and for anything
 * that is not a readable capture, 404 for a connection the capture does not have, 415 for
 * another media type. Nothing is stored.
 * Does not: read packets (capture.h) or render HTML (pages_capture.c).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../capture/capture.h"
#include "api.h"
#include "api_captures.h"

static bool media_ok(const http_request *req, http_response *res)
{
    const char *ct = http_header(req, "Content-Type");
    static const char *const ok[] = {"application/vnd.tcpdump.pcap", "application/x-pcapng",
                                     "application/pcapng", "application/octet-stream"};
    if (ct) {
        size_t n = strcspn(ct, "; \t");
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            if (n == strlen(ok[i]) && !strncasecmp(ct, ok[i], n))
                return true;
    }
    http_problem(res, 415, NULL,
                 "send the capture file as it is, with Content-Type "
                 "application/vnd.tcpdump.pcap (pcap) or application/x-pcapng (pcapng)");
    return false;
}

static int connection_param(const http_request *req, http_response *res, uint32_t *out)
{
    const char *c = http_query(req, "connection");
    *out = 0;
    if (!c || !*c)
        return 0;
    char *end;
    unsigned long v = strtoul(c, &end, 10);
    if (*end || c[0] == '-' || v == 0 || v > CAPTURE_MAX_CONNECTIONS) {
        http_problem(res, 400, NULL, "connection must be a number from 1 to 1000");
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static void problem(http_response *res, const capture_result *r)
{
    int status = 422;
    const char *title = "Not a readable capture";
    json_t *extra = json_object();
    switch (r->error) {
    case CAPTURE_ERR_TOO_MANY_PACKETS:
        status = 413;
        title = "Too many packets";
        json_object_set_new(extra, "limit", json_integer(CAPTURE_MAX_PACKETS));
        break;
    case CAPTURE_ERR_TOO_MANY_CONNECTIONS:
        title = "Too many connections";
        json_object_set_new(extra, "limit", json_integer(CAPTURE_MAX_CONNECTIONS));
        break;
    case CAPTURE_ERR_NO_SUCH_CONNECTION:
        status = 404;
        title = "No such connection";
        break;
    case CAPTURE_ERR_NOMEM:
        status = 500;
        title = "Out of memory";
        break;
    default:
        break;
    }
    if (r->packet)
        json_object_set_new(extra, "packet", json_integer((json_int_t)r->packet));
    json_object_set_new(extra, "error", json_string(capture_error_name(r->error)));
    http_problem_json(res, status, NULL, title, r->message, extra);
}

bool api_captures_analyze(const http_request *req, http_response *res, capture_result *r)
{
    uint32_t connection;
    if (connection_param(req, res, &connection) != 0)
        return false;
    if (!media_ok(req, res))
        return false;
    capture_options opt = {connection, 0, 0};
    if (capture_analyze_memory(req->body, req->body_len, &opt, r) != 0) {
        problem(res, r);
        capture_result_cleanup(r);
        return false;
    }
    return true;
}

void api_captures_post(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    if (!lang)
        return;
    capture_result r;
    if (!api_captures_analyze(req, res, &r))
        return;
    size_t len = 0;
    char *json = capture_json(&r, !strcmp(lang, "zh-CN"), &len);
    capture_result_cleanup(&r);
    if (!json) {
        http_problem(res, 500, NULL, "out of memory writing the analysis");
        return;
    }
    free(res->body);
    res->status = 200;
    res->content_type = "application/json";
    res->body = json;
    res->body_len = len;
    http_set_header(res, "Cache-Control", "no-store");
}
