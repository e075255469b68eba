/*
 * lti_jwt.h — the LTI 1.3 id_token: a JWS in compact form (RFC 7515), signed RS256 by
 * the platform (IMS Security Framework 1.0 §5.1.3), and the launch claims it carries
 * (LTI Core 1.3 §5, Deep Linking 2.0 §4.4, AGS 2.0 §3.1).
 *
 * Owns: splitting and decoding a token (alg must be RS256: "none", HS256 and every other
 * alg are refused before any key is looked at), the RS256 signature check against a key
 * the caller passes in, signing (the tool's own messages), and the claim checks of a
 * launch with the clock and the registration passed in. Every refusal names its check
 * (lti_check) and says what was wrong in err.
 * Does not: fetch keys, remember nonces or states (the caller checks a nonce is unused
 * and matches its state), read a clock, or know HTTP.
 */
#ifndef TCPLAB_LTI_JWT_H
#define TCPLAB_LTI_JWT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lti_roles.h"

#define LTI_JWT_MAX_LEN 65536 /* a longer token is refused as malformed */
#define LTI_CLOCK_SKEW  60    /* seconds allowed either way for exp and iat */

#define LTI_CLAIM           "https://purl.imsglobal.org/spec/lti/claim/"
#define LTI_DL_CLAIM        "https://purl.imsglobal.org/spec/lti-dl/claim/"
#define LTI_AGS_CLAIM       "https://purl.imsglobal.org/spec/lti-ags/claim/"
#define LTI_AGS_SCOPE_SCORE "https://purl.imsglobal.org/spec/lti-ags/scope/score"

/* The check a launch failed; LTI_CHECK_OK when it passed them all. */
typedef enum lti_check {
    LTI_CHECK_OK = 0,
    LTI_CHECK_MALFORMED,    /* not three base64url segments of JSON objects */
    LTI_CHECK_ALG,          /* alg is not RS256 */
    LTI_CHECK_PLATFORM,     /* no platform registered for this iss and aud */
    LTI_CHECK_JWKS,         /* the platform's key set could not be fetched or read */
    LTI_CHECK_KID,          /* no key with the token's kid, even after refetching */
    LTI_CHECK_SIGNATURE,    /* the signature does not verify */
    LTI_CHECK_ISS,          /* iss is not the platform's issuer */
    LTI_CHECK_AUD,          /* aud does not name the client id */
    LTI_CHECK_AZP,          /* azp missing with several audiences, or not the client id */
    LTI_CHECK_EXP,          /* expired (exp + skew is past) or exp missing */
    LTI_CHECK_IAT,          /* issued in the future (beyond the skew) or iat missing */
    LTI_CHECK_NONCE,        /* nonce missing, unknown, of another login, or used before */
    LTI_CHECK_STATE,        /* state missing or not the browser's state cookie */
    LTI_CHECK_DEPLOYMENT,   /* deployment id not registered for the platform */
    LTI_CHECK_MESSAGE_TYPE, /* not LtiResourceLinkRequest or LtiDeepLinkingRequest */
    LTI_CHECK_VERSION,      /* version is not "1.3.0" */
    LTI_CHECK_SUB,          /* sub missing, empty or longer than 255 bytes */
    LTI_CHECK_ROLES,        /* no role TCP Lab maps (lti_roles.h) */
    LTI_CHECK_CLAIM,        /* another required claim missing or malformed */
    LTI_CHECK_RESOURCE,     /* the link points at nothing TCP Lab has */
    LTI_CHECK_COUNT
} lti_check;

/* A short stable name of the check ("signature", "aud", …), for logs and pages. */
const char *lti_check_name(lti_check c);

/* A decoded token. header and claims are owned (lti_jwt_free). */
typedef struct lti_jwt {
    json_t *header, *claims;
    const char *kid;           /* the header's kid, borrowed from header; NULL when absent */
    const char *signing_input; /* borrowed from the token text: header "." payload */
    size_t signing_len;
    uint8_t *sig;
    size_t sig_len;
} lti_jwt;

/* Splits and decodes `token` (len bytes, borrowed: it must outlive *out). LTI_CHECK_OK, or
 * LTI_CHECK_MALFORMED or LTI_CHECK_ALG (nothing left to free). */
lti_check lti_jwt_parse(const char *token, size_t len, lti_jwt *out, char *err, size_t err_size);
void lti_jwt_free(lti_jwt *t);

/* Does the RS256 signature verify with `key`? Only an RSA key is used: any other key type
 * (or a NULL key) fails. LTI_CHECK_OK or LTI_CHECK_SIGNATURE. */
lti_check lti_jwt_verify(const lti_jwt *t, EVP_PKEY *key);

/* A compact RS256 JWS of `claims` signed with the private `key`, its header naming `kid`:
 * malloc'ed text (caller frees), NULL on failure. */
char *lti_jwt_sign(EVP_PKEY *key, const char *kid, const json_t *claims);

/* What the registration expects of a launch. */
typedef struct lti_expect {
    const char *issuer;
    const char *client_id;
    const char *const *deployments; /* the registered deployment ids */
    size_t deployment_count;
    int64_t now; /* Unix seconds */
} lti_expect;

#define LTI_ID_SIZE   256
#define LTI_TEXT_SIZE 256
#define LTI_URL_SIZE  1024

/* What a valid launch says, bounded copies of its claims ("" when absent). */
typedef struct lti_launch {
    bool deep_linking; /* LtiDeepLinkingRequest; else LtiResourceLinkRequest */
    char sub[LTI_ID_SIZE];
    char nonce[LTI_ID_SIZE];
    char deployment_id[LTI_ID_SIZE];
    lti_role role;
    char name[LTI_TEXT_SIZE];
    char email[LTI_TEXT_SIZE];
    char context_id[LTI_ID_SIZE];
    char context_label[LTI_TEXT_SIZE];
    char context_title[LTI_TEXT_SIZE];
    char resource_link_id[LTI_ID_SIZE];
    char target_link_uri[LTI_URL_SIZE];
    char custom_resource[LTI_TEXT_SIZE]; /* custom claim "resource", e.g. "lesson:handshake" */
    char ags_lineitem[LTI_URL_SIZE];     /* with the score scope granted; else "" */
    char dl_return_url[LTI_URL_SIZE];    /* deep linking */
    char dl_data[LTI_URL_SIZE];
} lti_launch;

/* Checks the claims of a launch in this order: iss, aud, azp, exp, iat, nonce present, sub,
 * version, message_type, deployment_id, roles, then the message's own claims
 * (resource_link.id for a resource link; deep_link_return_url for deep linking).
 * Fills *out on LTI_CHECK_OK. */
lti_check lti_launch_validate(const json_t *claims, const lti_expect *e, lti_launch *out, char *err,
                              size_t err_size);

#endif
