/*
 * lti_tool.h — TCP Lab as an LTI 1.3 tool: keys, configuration, platform registration, and
 * what the CLI, `tcplab serve` and the launch (lti_launch.h) share.
 *
 * Owns: the tool's key pairs (generated at first start, rotated keeping the old
 * key published), GET /lti/jwks, the tool configuration (GET /lti/config, and
 * /lti/config/canvas: the Canvas developer-key JSON), the rule for platform URLs (https://
 * only; http://127.0.0.1 and http://localhost only with the test setting), and the admin
 * API for platforms (/api/v1/lti/platforms).
 * Does not: check tokens itself (server/lti/), run SQL (server/store/store_lti.c), or speak
 * HTTP to platforms other than through server/util/fetch.c.
 */
#ifndef TCPLAB_WEB_LTI_TOOL_H
#define TCPLAB_WEB_LTI_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "../http/http.h"

struct store;

#define LTI_STATE_COOKIE  "tcplab_lti_state"
#define LTI_LOGIN_SECONDS 600             /* a login must be finished within this */
#define LTI_KEY_OVERLAP   (7 * 24 * 3600) /* a rotated-out key stays published so long */
#define LTI_FETCH_TIMEOUT 5000            /* ms for a JWKS fetch */
#define LTI_FETCH_MAX     (256u * 1024)   /* bytes of a JWKS answer */
#define LTI_INSECURE_ENV  "TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS"

/* The test-only setting: when the environment variable LTI_INSECURE_ENV is "1", platform
 * URLs may also be plain http://127.0.0.1[:port]/… or http://localhost[:port]/…. Read once
 * (lti_tool_setup, or the CLI); never on in production. */
bool lti_tool_insecure_http(void);

/* Is `url` acceptable as a platform endpoint? https://HOST/…, or, with the test setting
 * only, http on the loopback. On refusal `why` says what is wrong. */
bool lti_tool_url_allowed(const char *url, char *why, size_t why_size);

/* At `tcplab serve` start: reads the test setting (a warning on stderr when it is on),
 * initialises libcurl, and generates the tool's first key pair if the database has none.
 * 0, or -1 with a reason in err. */
int lti_tool_setup(struct store *st, int64_t now, char *err, size_t err_size);
/* A new key pair becomes the one that signs; the old one stays published LTI_KEY_OVERLAP
 * seconds. Writes the new kid into kid_out. 0 or -1 (err). */
int lti_tool_key_rotate(struct store *st, int64_t now, char *kid_out, size_t kid_size, char *err,
                        size_t err_size);

/* The tool's current signing key (caller frees) and its kid; NULL when there is none. */
EVP_PKEY *lti_tool_signing_key(struct store *st, char *kid, size_t kid_size);
/* Verifies a token the tool signed itself (any live key, by kid) and returns its claims
 * (caller decrefs); NULL when it does not verify. */
json_t *lti_tool_own_token(struct store *st, const char *token);

/* Registering a platform, shared by the CLI and the API: checks every field (issuer an
 * https URL or the test loopback, client id and deployment ids 1..255 bytes, the three
 * endpoint URLs allowed by lti_tool_url_allowed) and adds it. 0; 1 when already registered
 * (err says so); -1 for bad input or a store failure (err names the field). */
typedef struct lti_tool_platform_in {
    const char *issuer, *client_id, *auth_url, *token_url, *jwks_url;
    const char *const *deployments;
    size_t deployment_count;
} lti_tool_platform_in;
int lti_tool_platform_register(struct store *st, const lti_tool_platform_in *in, int64_t now,
                               int64_t *id, char *err, size_t err_size);

/* handlers */
void lti_tool_jwks(const http_request *req, http_response *res);
void lti_tool_config(const http_request *req, http_response *res);
void lti_tool_config_canvas(const http_request *req, http_response *res);
void lti_tool_api_list(const http_request *req, http_response *res);
void lti_tool_api_add(const http_request *req, http_response *res);
void lti_tool_api_remove(const http_request *req, http_response *res);

/* The tool's own base URL for `req`: the public URL when set, else scheme and Host of the
 * request. Into out (no trailing slash). */
void lti_tool_base_url(const http_request *req, char *out, size_t size);

#endif
