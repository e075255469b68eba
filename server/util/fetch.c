/*
 * fetch.c — one outbound request on libcurl's easy interface (see fetch.h).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"

int fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

typedef struct sink {
    char *buf;
    size_t len, cap, max;
    bool over;
} sink;

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    sink *k = arg;
    size_t n = size * nmemb;
    if (n > k->max - k->len) {
        k->over = true;
        return 0; /* aborts the transfer */
    }
    if (k->len + n + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 4096;
        while (cap < k->len + n + 1)
            cap *= 2;
        char *b = realloc(k->buf, cap);
        if (!b)
            return 0;
        k->buf = b;
        k->cap = cap;
    }
    memcpy(k->buf + k->len, p, n);
    k->len += n;
    k->buf[k->len] = '\0';
    return n;
}

int fetch_perform(const fetch_request *req, fetch_result *r)
{
    memset(r, 0, sizeof *r);
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(r->error, sizeof r->error, "cannot start a request");
        return -1;
    }
    sink k = {.max = req->max_bytes};
    struct curl_slist *hdrs = NULL;
    char line[2048];
    if (req->accept) {
        snprintf(line, sizeof line, "Accept: %s", req->accept);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (req->authorization) {
        snprintf(line, sizeof line, "Authorization: %s", req->authorization);
        hdrs = curl_slist_append(hdrs, line);
    }
    bool post = req->method && strcmp(req->method, "POST") == 0;
    if (post && req->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
        hdrs = curl_slist_append(hdrs, line);
    }
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, req->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     req->timeout_ms / 2 > 0 ? req->timeout_ms / 2 : 1);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "TCP-Lab-LTI/1.0");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        if (k.over || rc == CURLE_FILESIZE_EXCEEDED)
            snprintf(r->error, sizeof r->error, "the answer is larger than %zu bytes",
                     req->max_bytes);
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(r->error, sizeof r->error, "no answer within %ld ms", req->timeout_ms);
        else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
            snprintf(r->error, sizeof r->error, "only https:// URLs are fetched");
        else
            snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
        free(k.buf);
        return -1;
    }
    r->status = (int)status;
    r->body = k.buf;
    r->len = k.len;
    return 0;
}

void fetch_result_free(fetch_result *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
}
