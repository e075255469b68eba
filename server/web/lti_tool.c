/*
 * lti_tool.c — the tool side of LTI 1.3 that needs no launch: keys, JWKS, configuration,
 * the platform-URL rule, platform registration and its admin API (see lti_tool.h).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "../lti/lti_jwt.h"
#include "../lti/lti_key.h"
#include "../store/store_lti.h"
#include "../util/fetch.h"
#include "guard.h"
#include "lti_tool.h"

static int insecure_http = -1; /* -1: not read yet */

bool lti_tool_insecure_http(void)
{
    if (insecure_http < 0) {
        const char *v = getenv(LTI_INSECURE_ENV);
        insecure_http = v && strcmp(v, "1") == 0;
    }
    return insecure_http == 1;
}

bool lti_tool_url_allowed(const char *url, char *why, size_t why_size)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0 || n >= STORE_LTI_URL_SIZE) {
        snprintf(why, why_size, "is empty or longer than %d bytes", STORE_LTI_URL_SIZE - 1);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)url[i];
        if (ch <= ' ' || ch >= 0x7f) {
            snprintf(why, why_size, "holds a space, control or non-ASCII byte");
            return false;
        }
    }
    if (strncasecmp(url, "https://", 8) == 0 && url[8] && url[8] != '/')
        return true;
    if (strncasecmp(url, "http://", 7) == 0) {
        const char *h = url + 7;
        bool loop = (strncmp(h, "127.0.0.1", 9) == 0 && strchr(":/", h[9] ? h[9] : '/')) ||
                    (strncmp(h, "localhost", 9) == 0 && strchr(":/", h[9] ? h[9] : '/'));
        if (loop && lti_tool_insecure_http())
            return true;
        snprintf(why, why_size,
                 loop ? "is plain http: allowed only with the test setting " LTI_INSECURE_ENV "=1"
                      : "is plain http: platforms must be reached over https://");
        return false;
    }
    snprintf(why, why_size, "is not an https:// URL");
    return false;
}

/* ---- keys ----------------------------------------------------------------------------------- */

/* A new key pair stored as the current key. */
static int new_key(store *st, int64_t now, char *kid, size_t kid_size, char *err, size_t err_size)
{
    uint8_t rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(kid, kid_size, "tcplab-%s", hex);
    EVP_PKEY *k = lti_key_generate(LTI_KEY_BITS);
    char *pem = k ? lti_key_private_pem(k) : NULL;
    EVP_PKEY_free(k);
    if (!pem) {
        snprintf(err, err_size, "cannot generate an RSA key pair");
        return -1;
    }
    store_status rc = store_lti_key_rotate(st, kid, pem, now, now + LTI_KEY_OVERLAP);
    sodium_memzero(pem, strlen(pem));
    free(pem);
    if (rc != STORE_OK) {
        snprintf(err, err_size, "cannot store the tool's key: %s", store_last_error());
        return -1;
    }
    return 0;
}

int lti_tool_setup(store *st, int64_t now, char *err, size_t err_size)
{
    if (lti_tool_insecure_http())
        fprintf(stderr,
                "tcplab: WARNING: %s=1: LTI platforms may be reached over plain "
                "http on 127.0.0.1 — for tests only, never in production\n",
                LTI_INSECURE_ENV);
    if (fetch_global_init() != 0) {
        snprintf(err, err_size, "libcurl cannot start");
        return -1;
    }
    store_lti_key *keys;
    size_t n;
    if (store_lti_keys_live(st, now, &keys, &n) != STORE_OK) {
        snprintf(err, err_size, "cannot read the LTI keys: %s", store_last_error());
        return -1;
    }
    bool have = n > 0 && keys[0].retired_at == 0;
    store_lti_keys_free(keys, n);
    char kid[STORE_LTI_TEXT_SIZE];
    return have ? 0 : new_key(st, now, kid, sizeof kid, err, err_size);
}

int lti_tool_key_rotate(store *st, int64_t now, char *kid_out, size_t kid_size, char *err,
                        size_t err_size)
{
    return new_key(st, now, kid_out, kid_size, err, err_size);
}

EVP_PKEY *lti_tool_signing_key(store *st, char *kid, size_t kid_size)
{
    store_lti_key *keys = NULL;
    size_t n = 0;
    EVP_PKEY *k = NULL;
    if (store_lti_keys_live(st, time(NULL), &keys, &n) == STORE_OK && n > 0 &&
        keys[0].retired_at == 0) {
        k = lti_key_from_pem(keys[0].private_pem);
        snprintf(kid, kid_size, "%s", keys[0].kid);
    }
    store_lti_keys_free(keys, n);
    return k;
}

json_t *lti_tool_own_token(store *st, const char *token)
{
    lti_jwt t;
    char err[256];
    if (lti_jwt_parse(token, strlen(token), &t, err, sizeof err) != LTI_CHECK_OK)
        return NULL;
    store_lti_key *keys = NULL;
    size_t n = 0;
    json_t *claims = NULL;
    if (t.kid && store_lti_keys_live(st, time(NULL), &keys, &n) == STORE_OK) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(keys[i].kid, t.kid) != 0)
                continue;
            EVP_PKEY *k = lti_key_from_pem(keys[i].private_pem);
            if (k && lti_jwt_verify(&t, k) == LTI_CHECK_OK)
                claims = json_incref(t.claims);
            EVP_PKEY_free(k);
        }
    }
    store_lti_keys_free(keys, n);
    lti_jwt_free(&t);
    return claims;
}

void lti_tool_jwks(const http_request *req, http_response *res)
{
    store *st = req->app ? req->app->store : NULL;
    store_lti_key *keys = NULL;
    size_t n = 0;
    if (!st || store_lti_keys_live(st, time(NULL), &keys, &n) != STORE_OK) {
        http_problem(res, 503, NULL, "the tool's keys cannot be read");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        EVP_PKEY *k = lti_key_from_pem(keys[i].private_pem);
        json_t *jwk = k ? lti_key_jwk(k, keys[i].kid) : NULL;
        EVP_PKEY_free(k);
        if (jwk)
            json_array_append_new(arr, jwk);
    }
    store_lti_keys_free(keys, n);
    http_json_steal(res, 200, json_pack("{s:o}", "keys", arr));
    http_set_header(res, "Cache-Control", "public, max-age=300");
}

/* ---- configuration ----------------------------------------------------------------------------
 */

void lti_tool_base_url(const http_request *req, char *out, size_t size)
{
    const char *pub = http_public_authority();
    if (pub) {
        snprintf(out, size, "%s://%s", http_public_https() ? "https" : "http", pub);
        return;
    }
    const char *host = http_header(req, "Host");
    snprintf(out, size, "%s://%s", http_request_is_secure(req) ? "https" : "http",
             host ? host : "127.0.0.1");
}

#define AGS_SCOPE "https://purl.imsglobal.org/spec/lti-ags/scope/"

void lti_tool_config(const http_request *req, http_response *res)
{
    char base[512], login[600], launch[600], jwks[600];
    lti_tool_base_url(req, base, sizeof base);
    snprintf(login, sizeof login, "%s/lti/login", base);
    snprintf(launch, sizeof launch, "%s/lti/launch", base);
    snprintf(jwks, sizeof jwks, "%s/lti/jwks", base);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:[s], s:s, s:s, s:[s, s, s], s:[s, s], s:[s, s, s, s]}", "title",
        "TCP Lab", "description",
        "TCP connection management (RFC 9293): lessons, quizzes and challenges",
        "oidc_initiation_url", login, "target_link_uri", launch, "redirect_uris", launch,
        "jwks_uri", jwks, "deep_linking_url", launch, "scopes", AGS_SCOPE "lineitem",
        AGS_SCOPE "score", AGS_SCOPE "result.readonly", "messages", "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest", "claims", "sub", "iss", "name", "email");
    http_json_steal(res, 200, o);
}

void lti_tool_config_canvas(const http_request *req, http_response *res)
{
    char base[512], login[600], launch[600], jwks[600];
    lti_tool_base_url(req, base, sizeof base);
    snprintf(login, sizeof login, "%s/lti/login", base);
    snprintf(launch, sizeof launch, "%s/lti/launch", base);
    snprintf(jwks, sizeof jwks, "%s/lti/jwks", base);
    json_t *placements =
        json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "placement", "link_selection",
                  "message_type", "LtiDeepLinkingRequest", "target_link_uri", launch, "text",
                  "TCP Lab", "placement", "assignment_selection", "message_type",
                  "LtiDeepLinkingRequest", "target_link_uri", launch, "text", "TCP Lab");
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s, s, s], s:[{s:s, s:s, s:s, s:{s:s, s:o}}], s:{}}",
                  "title", "TCP Lab", "description",
                  "TCP connection management (RFC 9293): lessons, quizzes and challenges",
                  "oidc_initiation_url", login, "target_link_uri", launch, "public_jwk_url", jwks,
                  "scopes", AGS_SCOPE "lineitem", AGS_SCOPE "score", AGS_SCOPE "result.readonly",
                  "extensions", "platform", "canvas.instructure.com", "privacy_level", "public",
                  "domain", base + (strncmp(base, "https://", 8) == 0 ? 8 : 7), "settings", "text",
                  "TCP Lab", "placements", placements, "custom_fields");
    http_json_steal(res, 200, o);
}

/* ---- registration ------------------------------------------------------------------------------
 */

static bool id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= STORE_LTI_TEXT_SIZE)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return false;
    return true;
}

int lti_tool_platform_register(store *st, const lti_tool_platform_in *in, int64_t now, int64_t *id,
                               char *err, size_t err_size)
{
    char why[160];
    const struct {
        const char *name, *value;
    } urls[] = {{"issuer", in->issuer},
                {"auth_url", in->auth_url},
                {"token_url", in->token_url},
                {"jwks_url", in->jwks_url}};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        if (!lti_tool_url_allowed(urls[i].value, why, sizeof why)) {
            snprintf(err, err_size, "%s %s", urls[i].name, why);
            return -1;
        }
    if (strlen(in->issuer) >= STORE_LTI_TEXT_SIZE) {
        snprintf(err, err_size, "issuer is longer than %d bytes", STORE_LTI_TEXT_SIZE - 1);
        return -1;
    }
    if (!id_ok(in->client_id)) {
        snprintf(err, err_size, "client_id must be 1 to %d bytes without control characters",
                 STORE_LTI_TEXT_SIZE - 1);
        return -1;
    }
    if (in->deployment_count == 0 || in->deployment_count > 32) {
        snprintf(err, err_size, "deployment_ids must list 1 to 32 deployment ids");
        return -1;
    }
    size_t total = 0;
    for (size_t i = 0; i < in->deployment_count; i++) {
        if (!id_ok(in->deployments[i]) || strchr(in->deployments[i], '\n')) {
            snprintf(err, err_size,
                     "deployment_ids[%zu] must be 1 to %d bytes without control "
                     "characters",
                     i, STORE_LTI_TEXT_SIZE - 1);
            return -1;
        }
        total += strlen(in->deployments[i]) + 1;
    }
    if (total >= STORE_LTI_DEPS_SIZE) {
        snprintf(err, err_size, "deployment_ids are longer than %d bytes together",
                 STORE_LTI_DEPS_SIZE - 1);
        return -1;
    }
    store_lti_platform p;
    memset(&p, 0, sizeof p);
    snprintf(p.issuer, sizeof p.issuer, "%s", in->issuer);
    snprintf(p.client_id, sizeof p.client_id, "%s", in->client_id);
    snprintf(p.auth_url, sizeof p.auth_url, "%s", in->auth_url);
    snprintf(p.token_url, sizeof p.token_url, "%s", in->token_url);
    snprintf(p.jwks_url, sizeof p.jwks_url, "%s", in->jwks_url);
    store_status rc =
        store_lti_platform_add(st, &p, in->deployments, in->deployment_count, now, id);
    if (rc == STORE_CONFLICT) {
        snprintf(err, err_size, "a platform with issuer %s and client id %s is registered already",
                 in->issuer, in->client_id);
        return 1;
    }
    if (rc != STORE_OK) {
        snprintf(err, err_size, "cannot register the platform: %s", store_last_error());
        return -1;
    }
    return 0;
}

static json_t *platform_json(const store_lti_platform *p)
{
    json_t *deps = json_array();
    const char *s = p->deployments;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        json_array_append_new(deps, json_stringn(s, len));
        s += len + (nl ? 1 : 0);
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)p->id, "issuer",
                     p->issuer, "client_id", p->client_id, "auth_url", p->auth_url, "token_url",
                     p->token_url, "jwks_url", p->jwks_url, "deployment_ids", deps, "created_at",
                     (json_int_t)p->created_at);
}

void lti_tool_api_list(const http_request *req, http_response *res)
{
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ALLOW(GRADING_ADMIN)))
        return;
    store_lti_platform *rows = NULL;
    size_t n = 0;
    if (store_lti_platform_list(req->app->store, &rows, &n) != STORE_OK) {
        http_problem(res, 503, NULL, "the platforms cannot be read");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, platform_json(&rows[i]));
    free(rows);
    http_json_steal(res, 200, json_pack("{s:o}", "platforms", arr));
    http_set_header(res, "Cache-Control", "no-store");
}

void lti_tool_api_add(const http_request *req, http_response *res)
{
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ALLOW(GRADING_ADMIN)) ||
        !http_require_json(req, res))
        return;
    json_error_t jerr;
    json_t *b = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!b) {
        http_problem_malformed_json(res, &jerr, NULL);
        return;
    }
    const json_t *deps = json_object_get(b, "deployment_ids");
    const char *dep[32];
    size_t nd = 0;
    bool deps_ok = json_is_array(deps) && json_array_size(deps) <= 32;
    for (size_t i = 0; deps_ok && i < json_array_size(deps); i++) {
        dep[nd] = json_string_value(json_array_get(deps, i));
        deps_ok = dep[nd++] != NULL;
    }
    const char *fields[] = {"issuer", "client_id", "auth_url", "token_url", "jwks_url"};
    const char *val[5];
    for (size_t i = 0; i < 5; i++) {
        val[i] = json_string_value(json_object_get(b, fields[i]));
        if (!val[i]) {
            char d[96];
            snprintf(d, sizeof d, "/%s: a string is required", fields[i]);
            json_decref(b);
            http_problem_json(res, 422, NULL, "Invalid platform", d,
                              json_pack("{s:[{s:s+, s:s}]}", "errors", "pointer", "/", fields[i],
                                        "detail", "a string is required"));
            return;
        }
    }
    if (!deps_ok) {
        json_decref(b);
        http_problem_json(res, 422, NULL, "Invalid platform",
                          "/deployment_ids: an array of at most 32 strings is required",
                          json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "/deployment_ids",
                                    "detail", "an array of at most 32 strings is required"));
        return;
    }
    lti_tool_platform_in in = {val[0], val[1], val[2], val[3], val[4], dep, nd};
    int64_t id = 0;
    char err[512];
    int rc = lti_tool_platform_register(req->app->store, &in, time(NULL), &id, err, sizeof err);
    json_decref(b);
    if (rc == 1) {
        http_problem(res, 409, NULL, err);
        return;
    }
    if (rc != 0) {
        http_problem(res, 422, "Invalid platform", err);
        return;
    }
    store_lti_platform p;
    if (store_lti_platform_get(req->app->store, id, &p) != STORE_OK) {
        http_problem(res, 503, NULL, "the platform cannot be read back");
        return;
    }
    http_json_steal(res, 201, platform_json(&p));
}

void lti_tool_api_remove(const http_request *req, http_response *res)
{
    grading_principal who;
    if (!guard_require(req, res, &who, GRADING_ALLOW(GRADING_ADMIN)))
        return;
    char *end = NULL;
    long long id = strtoll(req->params[0], &end, 10);
    if (!end || *end || id <= 0) {
        http_problem(res, 404, NULL, "no such platform");
        return;
    }
    store_status rc = store_lti_platform_remove(req->app->store, id);
    if (rc == STORE_NOT_FOUND) {
        http_problem(res, 404, NULL, "no such platform");
        return;
    }
    if (rc != STORE_OK) {
        http_problem(res, 503, NULL, "the platform cannot be removed");
        return;
    }
    http_text(res, 204, NULL, "", 0);
}
