/*
 * http.c — the response helpers of http.h: text, JSON, problem+json (RFC 9457), extra
 * headers, and the JSON Content-Type check.
 *
 * Owns: filling an http_response. Every 4xx/5xx body in the program is produced here.
 * Does not: talk to libmicrohttpd (server.c turns an http_response into a wire response,
 * adds security headers and the problem's `instance`), or know any route.
 */
#include "http.h"

#include "../util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char PROBLEM_TYPE[] = "application/problem+json";

/* The fallback when even building an error fails: a static, valid problem document. */
static const char OOM_PROBLEM[] =
    "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
    "\"detail\":\"out of memory\"}";

const char *http_status_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 421:
        return "Misdirected Request";
    case 422:
        return "Unprocessable Content";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

static void drop_body(http_response *res)
{
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
    res->static_body = NULL;
}

static void set_oom(http_response *res)
{
    drop_body(res);
    res->status = 500;
    res->content_type = PROBLEM_TYPE;
    res->static_body = OOM_PROBLEM;
    res->body_len = sizeof OOM_PROBLEM - 1;
}

int http_set_header(http_response *res, const char *name, const char *value)
{
    if (res->header_count >= HTTP_MAX_HEADERS)
        return -1;
    char *n = strdup(name);
    char *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    res->header_names[res->header_count] = n;
    res->header_values[res->header_count] = v;
    res->header_count++;
    return 0;
}

void http_text(http_response *res, int status, const char *content_type, const char *body,
               size_t len)
{
    drop_body(res);
    char *copy = malloc(len + 1);
    if (!copy) {
        set_oom(res);
        return;
    }
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    res->status = status;
    res->content_type = content_type;
    res->body = copy;
    res->body_len = len;
}

void http_static_body(http_response *res, int status, const char *content_type, const char *body,
                      size_t len)
{
    drop_body(res);
    res->status = status;
    res->content_type = content_type;
    res->static_body = body;
    res->body_len = len;
}

void http_text_steal(http_response *res, int status, const char *content_type, char *body,
                     size_t len)
{
    drop_body(res);
    if (!body) {
        set_oom(res);
        return;
    }
    res->status = status;
    res->content_type = content_type;
    res->body = body;
    res->body_len = len;
}

/* Takes ownership of the malloc'ed `text` (may be NULL: out of memory). */
static void set_owned(http_response *res, int status, const char *content_type, char *text)
{
    drop_body(res);
    if (!text) {
        set_oom(res);
        return;
    }
    res->status = status;
    res->content_type = content_type;
    res->body = text;
    res->body_len = strlen(text);
}

void http_json(http_response *res, int status, const json_t *json)
{
    char *text = json ? json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    set_owned(res, status, "application/json", text);
}

void http_json_steal(http_response *res, int status, json_t *json)
{
    http_json(res, status, json);
    json_decref(json);
}

void http_problem_json(http_response *res, int status, const char *type, const char *title,
                       const char *detail, json_t *extra)
{
    json_t *doc = json_object();
    if (!doc) {
        json_decref(extra);
        set_oom(res);
        return;
    }
    if (extra && json_is_object(extra))
        json_object_update(doc, extra);
    json_decref(extra);
    json_object_set_new(doc, "type", json_string(type ? type : "about:blank"));
    json_object_set_new(doc, "title", json_string(title ? title : http_status_phrase(status)));
    json_object_set_new(doc, "status", json_integer(status));
    if (detail) {
        json_t *d = json_string(detail);
        if (!d) { /* not valid UTF-8 (e.g. input cut inside a character): U+FFFD for the
                   * bad bytes, so the detail still says what is wrong */
            char *fixed = utf8_repair(detail);
            d = json_string(fixed ? fixed : "(detail text was not valid UTF-8)");
            free(fixed);
        }
        json_object_set_new(doc, "detail", d);
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    set_owned(res, status, PROBLEM_TYPE, text);
}

void http_problem(http_response *res, int status, const char *title, const char *detail)
{
    http_problem_json(res, status, NULL, title, detail, NULL);
}

void http_problem_malformed_json(http_response *res, const json_error_t *jerr, const char *type)
{
    char detail[300];
    snprintf(detail, sizeof detail, "line %d, column %d: %s", jerr->line, jerr->column, jerr->text);
    http_problem_json(res, 400, type, "Malformed JSON", detail,
                      json_pack("{s:i, s:i, s:i}", "line", jerr->line, "column", jerr->column,
                                "position", jerr->position));
}

/* True for "application/json" and "application/<x>+json", any case, optional params. */
static bool is_json_type(const char *ct)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t len = strcspn(ct, "; \t");
    if (len == 16 && !strncasecmp(ct, "application/json", 16))
        return true;
    if (len > 17 && !strncasecmp(ct, "application/", 12) && !strncasecmp(ct + len - 5, "+json", 5))
        return true;
    return false;
}

bool http_require_json(const http_request *req, http_response *res)
{
    const char *ct = http_header(req, "Content-Type");
    if (!ct) {
        if (req->body_len == 0)
            return true;
        http_problem(res, 415, NULL, "request body needs Content-Type: application/json");
        return false;
    }
    if (is_json_type(ct))
        return true;
    http_problem(res, 415, NULL, "Content-Type must be application/json for this endpoint");
    return false;
}

/* Weak comparison (RFC 9110 §8.8.3.2): opaque tags equal, W/ ignored on either side. */
bool http_etag_listed(const char *if_none_match, const char *etag)
{
    if (!if_none_match || !etag)
        return false;
    if (etag[0] == 'W' && etag[1] == '/')
        etag += 2;
    size_t want = strlen(etag);
    const char *p = if_none_match;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *end = p;
        if (*end == '"') {
            end = strchr(end + 1, '"');
            if (!end)
                return false;
            end++;
        } else {
            end += strcspn(end, ", \t");
        }
        if ((size_t)(end - p) == want && strncmp(p, etag, want) == 0)
            return true;
        if (end == p)
            break;
        p = end;
    }
    return false;
}
