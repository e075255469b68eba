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
 * another media type.
 * Saving: ?save=true stores the file as it was uploaded (store_captures.h), once it has been
 * analysed without error, and answers 201 {"id", "url", "analysis"}; GET
 * /api/v1/captures/{id} analyses the stored file again (the analysis is a pure function of
 * the bytes, so a link shows what was seen) and answers 200 with the same members. The
 * file, not the analysis, is kept: it is at most the upload's size while the analysis of
 * every connection can be many times larger, and one file serves every connection and
 * both languages. Without sign-in: the file at most APP_ANON_CAPTURE_MAX_BYTES (422), the
 * per-address rate of saves.h (429), at most APP_ANON_CAPTURES_MAX anonymous captures
 * (507), purged after APP_ANON_SAVE_DAYS days (their links then answer 404).
 * Does not: read packets (capture.h), run SQL (store_captures.c) or render HTML
 * (pages_capture.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "../capture/capture.h"
#include "../store/store_captures.h"
#include "../util/strbuf.h"
#include "api.h"
#include "api_captures.h"
#include "saves.h"

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

/* A 422 or 507 of the anonymous-save limits: type #anonymous-saves, "limit" and "max". */
static void problem_limit(http_response *res, int status, const char *title, const char *limit,
                          long long max, const char *detail)
{
    http_problem_json(res, status, "/api/v1/openapi.json#anonymous-saves", title, detail,
                      json_pack("{s:s, s:I}", "limit", limit, "max", (json_int_t)max));
}

/* Answers {"id":ID,"url":"/capture/ID","analysis":ANALYSIS} with `status`. */
static void respond_saved(http_response *res, int status, const char *id, const capture_result *r,
                          bool zh)
{
    size_t len = 0;
    char *json = capture_json(r, zh, &len);
    strbuf b = {0};
    if (json) {
        strbuf_printf(&b, "{\"id\":\"%s\",\"url\":\"/capture/%s\",\"analysis\":", id, id);
        strbuf_putn(&b, json, len);
        strbuf_put(&b, "}");
    }
    free(json);
    char *body = json ? strbuf_take(&b) : NULL;
    if (!body) {
        strbuf_cleanup(&b);
        http_problem(res, 500, NULL, "out of memory writing the analysis");
        return;
    }
    free(res->body);
    res->status = status;
    res->content_type = "application/json";
    res->body = body;
    res->body_len = strlen(body);
}

/* Saves the analysed upload of `req`; the answer (201 or a problem) goes into `res`. */
static void save(const http_request *req, http_response *res, const capture_result *r, bool zh)
{
    store *db = req->app ? req->app->store : NULL;
    if (!db) {
        http_problem(res, 503, NULL, "saving is unavailable: the server has no database");
        return;
    }
    bool anonymous = !saves_signed_in(req);
    int64_t now = (int64_t)time(NULL);
    if (anonymous) {
        if (req->body_len > APP_ANON_CAPTURE_MAX_BYTES) {
            char detail[300];
            snprintf(detail, sizeof detail,
                     "the capture is %zu bytes; without sign-in at most "
                     "max_saved_capture_bytes = %u are saved (analysing it needs no save)",
                     req->body_len, APP_ANON_CAPTURE_MAX_BYTES);
            problem_limit(res, 422, "Capture too large to save", "max_saved_capture_bytes",
                          APP_ANON_CAPTURE_MAX_BYTES, detail);
            return;
        }
        if (!saves_admit_request(req, res, now))
            return;
        if (store_capture_purge_anonymous(db, now - (int64_t)APP_ANON_SAVE_DAYS * 86400, NULL) !=
            STORE_OK)
            fprintf(stderr, "tcplab: purging old anonymous captures: %s\n", store_last_error());
    }
    char id[STORE_CAPTURE_ID_SIZE];
    store_status ss =
        store_capture_put(db, req->body, req->body_len, anonymous, APP_ANON_CAPTURES_MAX, id);
    if (ss == STORE_CONFLICT) {
        problem_limit(res, 507, "Saved captures are full", "max_anonymous_captures",
                      APP_ANON_CAPTURES_MAX,
                      "the server holds as many captures saved without sign-in as it keeps "
                      "(max_anonymous_captures); sign in to save, or try again later");
        return;
    }
    if (ss != STORE_OK) {
        fprintf(stderr, "tcplab: saving a capture: %s\n", store_last_error());
        http_problem(res, 500, NULL,
                     "could not save the capture (a storage error; the server log has the "
                     "details)");
        return;
    }
    respond_saved(res, 201, id, r, zh);
    if (res->status == 201) {
        char location[80];
        snprintf(location, sizeof location, "/api/v1/captures/%s", id);
        http_set_header(res, "Location", location);
    }
}

void api_captures_post(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    if (!lang)
        return;
    int want_save = saves_param(req, res);
    if (want_save < 0)
        return;
    capture_result r;
    if (!api_captures_analyze(req, res, &r))
        return;
    if (want_save) {
        save(req, res, &r, !strcmp(lang, "zh-CN"));
        capture_result_cleanup(&r);
        http_set_header(res, "Cache-Control", "no-store");
        return;
    }
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

bool api_captures_saved(const http_request *req, http_response *res, const char *id,
                        capture_result *r)
{
    uint32_t connection;
    if (connection_param(req, res, &connection) != 0)
        return false;
    store *db = req->app ? req->app->store : NULL;
    if (!db) {
        http_problem(res, 503, NULL, "saved captures are unavailable: no database");
        return false;
    }
    store_capture c;
    store_status ss = store_capture_get(db, id, &c);
    if (ss == STORE_NOT_FOUND) {
        char detail[120];
        snprintf(detail, sizeof detail, "no saved capture with id \"%.40s\"", id);
        http_problem_json(res, 404, NULL, "No such capture", detail, NULL);
        return false;
    }
    if (ss != STORE_OK) {
        fprintf(stderr, "tcplab: reading capture %.40s: %s\n", id, store_last_error());
        http_problem(res, 500, NULL,
                     "could not read the capture (a storage error; the server log has the "
                     "details)");
        return false;
    }
    capture_options opt = {connection, 0, 0};
    int rc = capture_analyze_memory(c.data, c.size, &opt, r);
    store_capture_cleanup(&c);
    if (rc != 0) {
        problem(res, r);
        capture_result_cleanup(r);
        return false;
    }
    return true;
}

void api_capture_saved_get(const http_request *req, http_response *res)
{
    const char *lang = api_lang_param(req, res);
    if (!lang)
        return;
    const char *id = req->param_count ? req->params[0] : "";
    capture_result r;
    if (!api_captures_saved(req, res, id, &r))
        return;
    respond_saved(res, 200, id, &r, !strcmp(lang, "zh-CN"));
    capture_result_cleanup(&r);
    /* a saved capture never changes */
    if (res->status == 200)
        http_set_header(res, "Cache-Control", "public, max-age=86400, immutable");
}
