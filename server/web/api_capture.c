/*
 * api_capture.c — a simulation's trace answered as a pcap capture (see api_capture.h).
 *
 * Owns: the format choice of the simulation endpoints (?format=json|pcap; without it, the
 * Accept header: a capture when application/vnd.tcpdump.pcap has a higher q than
 * application/json, which counts as 0 when not listed), the address family (?ip=4|6), the
 * file name and the capture answer with its limit, APP_SIM_MAX_CAPTURE_BYTES.
 * Does not: run the engine or lay out packets (capture/pcap_write.c); answers whose URL does
 * not say format=pcap carry Vary: Accept.
 */
#include "api_capture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../app.h"
#include "../capture/pcap_write.h"

/* The q (0..1000) of media type `type` in an Accept header, -1 when it is not listed. */
static int accept_q(const char *accept, const char *type)
{
    size_t tn = strlen(type);
    const char *p = accept;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t m = 0;
        while (m < n && p[m] != ';' && p[m] != ' ' && p[m] != '\t')
            m++;
        if (m == tn && !strncasecmp(p, type, tn)) {
            int q = 1000;
            const char *qp = p + m;
            for (; qp < p + n; qp++) {
                if ((qp[0] == 'q' || qp[0] == 'Q') && qp + 1 < p + n && qp[1] == '=' &&
                    (qp == p || qp[-1] == ';' || qp[-1] == ' ')) {
                    double v = strtod(qp + 2, NULL);
                    q = v <= 0 ? 0 : v >= 1 ? 1000 : (int)(v * 1000 + 0.5);
                    break;
                }
            }
            return q;
        }
        p = end;
    }
    return -1;
}

static int ip_param(const http_request *req, http_response *res, bool *ipv6)
{
    const char *ip = http_query(req, "ip");
    *ipv6 = false;
    if (!ip || !ip[0] || !strcmp(ip, "4"))
        return 0;
    if (!strcmp(ip, "6")) {
        *ipv6 = true;
        return 0;
    }
    http_problem(res, 400, NULL, "query parameter ip must be 4 or 6");
    return -1;
}

int api_capture_wanted(const http_request *req, http_response *res)
{
    bool ipv6;
    if (ip_param(req, res, &ipv6) < 0)
        return -1;
    const char *format = http_query(req, "format");
    if (format && format[0]) {
        if (!strcmp(format, "json"))
            return 0;
        if (!strcmp(format, "pcap"))
            return 1;
        http_problem(res, 400, NULL, "query parameter format must be json or pcap");
        return -1;
    }
    const char *accept = http_header(req, "Accept");
    if (!accept)
        return 0;
    int qp = accept_q(accept, API_CAPTURE_MEDIA_TYPE);
    int qj = accept_q(accept, "application/json");
    return qp > 0 && qp > qj;
}

void api_capture_respond(const http_request *req, http_response *res, const sim_trace *t,
                         const sim_scenario *sc, const char *name, const char *cache_control)
{
    pcap_write_opts o;
    bool ipv6 = false;
    if (ip_param(req, res, &ipv6) < 0)
        return;
    pcap_write_defaults(&o, ipv6);
    o.max_bytes = APP_SIM_MAX_CAPTURE_BYTES;
    char *data = NULL, msg[200];
    size_t len = 0;
    pcap_write_status st = pcap_write_trace(t, sc, &o, &data, &len, msg, sizeof msg);
    if (st == PCAP_WRITE_TOO_BIG || st == PCAP_WRITE_INVALID) {
        char detail[320];
        bool big = st == PCAP_WRITE_TOO_BIG;
        snprintf(detail, sizeof detail, "%s%s", msg,
                 big ? " (max_capture_bytes; send fewer bytes or set until_ms)" : "");
        http_problem_json(res, 422, "/api/v1/openapi.json#capture-too-large",
                          big ? "Capture too large" : "Trace cannot be a capture", detail,
                          big ? json_pack("{s:s, s:I}", "limit", "max_capture_bytes", "max",
                                          (json_int_t)APP_SIM_MAX_CAPTURE_BYTES)
                              : NULL);
        return;
    }
    if (st != PCAP_WRITE_OK) {
        http_problem(res, 500, NULL, "out of memory writing the capture");
        return;
    }
    free(res->body);
    res->static_body = NULL;
    res->status = 200;
    res->content_type = API_CAPTURE_MEDIA_TYPE;
    res->body = data;
    res->body_len = len;
    char disp[128], safe[64];
    size_t n = 0;
    for (const char *p = name && name[0] ? name : "simulation"; *p && n + 1 < sizeof safe; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        safe[n++] = ok ? c : '-';
    }
    safe[n] = '\0';
    snprintf(disp, sizeof disp, "attachment; filename=\"tcplab-%s%s.pcap\"", safe,
             ipv6 ? "-ipv6" : "");
    http_set_header(res, "Content-Disposition", disp);
    if (cache_control)
        http_set_header(res, "Cache-Control", cache_control);
    const char *format = http_query(req, "format");
    if (!format || !format[0])
        http_set_header(res, "Vary", "Accept");
}
