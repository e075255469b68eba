/*
 * lti_jwt.c — compact JWS RS256 and the launch claims (see lti_jwt.h). Signatures by
 * OpenSSL EVP_DigestSign/EVP_DigestVerify with SHA-256 (PKCS#1 v1.5 padding, the RSA
 * default), base64url by lti_b64.
 */
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lti_b64.h"
#include "lti_jwt.h"

const char *lti_check_name(lti_check c)
{
    static const char *const names[LTI_CHECK_COUNT] = {
        [LTI_CHECK_OK] = "ok",
        [LTI_CHECK_MALFORMED] = "malformed",
        [LTI_CHECK_ALG] = "alg",
        [LTI_CHECK_PLATFORM] = "platform",
        [LTI_CHECK_JWKS] = "jwks",
        [LTI_CHECK_KID] = "kid",
        [LTI_CHECK_SIGNATURE] = "signature",
        [LTI_CHECK_ISS] = "iss",
        [LTI_CHECK_AUD] = "aud",
        [LTI_CHECK_AZP] = "azp",
        [LTI_CHECK_EXP] = "exp",
        [LTI_CHECK_IAT] = "iat",
        [LTI_CHECK_NONCE] = "nonce",
        [LTI_CHECK_STATE] = "state",
        [LTI_CHECK_DEPLOYMENT] = "deployment_id",
        [LTI_CHECK_MESSAGE_TYPE] = "message_type",
        [LTI_CHECK_VERSION] = "version",
        [LTI_CHECK_SUB] = "sub",
        [LTI_CHECK_ROLES] = "roles",
        [LTI_CHECK_CLAIM] = "claim",
        [LTI_CHECK_RESOURCE] = "resource",
    };
    return (unsigned)c < LTI_CHECK_COUNT && names[c] ? names[c] : "unknown";
}

/* Decodes one base64url segment holding a JSON object. */
static json_t *segment_json(const char *s, size_t len)
{
    uint8_t *bin;
    size_t n;
    if (lti_b64_decode(s, len, LTI_JWT_MAX_LEN, &bin, &n) != 0)
        return NULL;
    json_t *j = json_loadb((const char *)bin, n, JSON_REJECT_DUPLICATES, NULL);
    free(bin);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

lti_check lti_jwt_parse(const char *token, size_t len, lti_jwt *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || len > LTI_JWT_MAX_LEN) {
        snprintf(err, err_size, "the id_token is empty or longer than %d bytes", LTI_JWT_MAX_LEN);
        return LTI_CHECK_MALFORMED;
    }
    const char *d1 = memchr(token, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token))) {
        snprintf(err, err_size, "the id_token is not three dot-separated segments");
        return LTI_CHECK_MALFORMED;
    }
    out->header = segment_json(token, (size_t)(d1 - token));
    if (!out->header) {
        snprintf(err, err_size, "the id_token header is not base64url of a JSON object");
        return LTI_CHECK_MALFORMED;
    }
    const char *alg = json_string_value(json_object_get(out->header, "alg"));
    if (!alg || strcmp(alg, "RS256") != 0) {
        snprintf(err, err_size, "the id_token alg is \"%.32s\"; only RS256 is accepted",
                 alg ? alg : "(none)");
        lti_jwt_free(out);
        return LTI_CHECK_ALG;
    }
    const json_t *kid = json_object_get(out->header, "kid");
    if (kid && !json_is_string(kid)) {
        snprintf(err, err_size, "the id_token kid is not a string");
        lti_jwt_free(out);
        return LTI_CHECK_MALFORMED;
    }
    out->kid = json_string_value(kid);
    out->claims = segment_json(d1 + 1, (size_t)(d2 - d1 - 1));
    if (!out->claims) {
        snprintf(err, err_size, "the id_token payload is not base64url of a JSON object");
        lti_jwt_free(out);
        return LTI_CHECK_MALFORMED;
    }
    if (lti_b64_decode(d2 + 1, len - (size_t)(d2 + 1 - token), LTI_JWT_MAX_LEN, &out->sig,
                       &out->sig_len) != 0 ||
        out->sig_len == 0) {
        snprintf(err, err_size, "the id_token signature is not base64url");
        lti_jwt_free(out);
        return LTI_CHECK_MALFORMED;
    }
    out->signing_input = token;
    out->signing_len = (size_t)(d2 - token);
    return LTI_CHECK_OK;
}

void lti_jwt_free(lti_jwt *t)
{
    json_decref(t->header);
    json_decref(t->claims);
    free(t->sig);
    memset(t, 0, sizeof *t);
}

lti_check lti_jwt_verify(const lti_jwt *t, EVP_PKEY *key)
{
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || !t->sig ||
        t->sig_len != (size_t)EVP_PKEY_get_size(key))
        return LTI_CHECK_SIGNATURE;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_DigestVerify(md, t->sig, t->sig_len, (const unsigned char *)t->signing_input,
                              t->signing_len) == 1;
    EVP_MD_CTX_free(md);
    return ok ? LTI_CHECK_OK : LTI_CHECK_SIGNATURE;
}

/* base64url of the compact JSON of `j`; NULL on failure. */
static char *json_b64(const json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        return NULL;
    char *out = lti_b64_encode((const uint8_t *)text, strlen(text));
    free(text);
    return out;
}

char *lti_jwt_sign(EVP_PKEY *key, const char *kid, const json_t *claims)
{
    json_t *hdr = json_pack("{s:s, s:s, s:s}", "alg", "RS256", "typ", "JWT", "kid", kid);
    char *h = hdr ? json_b64(hdr) : NULL;
    char *p = json_b64(claims);
    json_decref(hdr);
    char *out = NULL, *input = NULL, *s64 = NULL;
    unsigned char *sig = NULL;
    EVP_MD_CTX *md = NULL;
    if (!h || !p)
        goto done;
    size_t ilen = strlen(h) + 1 + strlen(p);
    input = malloc(ilen + 1);
    if (!input)
        goto done;
    snprintf(input, ilen + 1, "%s.%s", h, p);
    size_t slen = 0;
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(md, NULL, &slen, (const unsigned char *)input, ilen) != 1)
        goto done;
    sig = malloc(slen);
    if (!sig || EVP_DigestSign(md, sig, &slen, (const unsigned char *)input, ilen) != 1)
        goto done;
    s64 = lti_b64_encode(sig, slen);
    if (!s64)
        goto done;
    size_t olen = ilen + 1 + strlen(s64);
    out = malloc(olen + 1);
    if (out)
        snprintf(out, olen + 1, "%s.%s", input, s64);
done:
    EVP_MD_CTX_free(md);
    free(h);
    free(p);
    free(input);
    free(sig);
    free(s64);
    return out;
}

/* ---- launch claims ------------------------------------------------------------------------ */

/* Copies the string member `key` of `obj` into dst. Returns 0; -1 (err set, naming `what`)
 * when it is present but not a string, or longer than size - 1 bytes, or absent while
 * `required`. An absent optional member leaves dst "". */
static int take(const json_t *obj, const char *key, const char *what, bool required, char *dst,
                size_t size, char *err, size_t err_size)
{
    dst[0] = '\0';
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (!required)
            return 0;
        snprintf(err, err_size, "the claim %s is missing", what);
        return -1;
    }
    const char *s = json_string_value(v);
    if (!s) {
        snprintf(err, err_size, "the claim %s is not a string", what);
        return -1;
    }
    size_t n = strlen(s);
    if (n >= size) {
        snprintf(err, err_size, "the claim %s is longer than %zu bytes", what, size - 1);
        return -1;
    }
    if (required && n == 0) {
        snprintf(err, err_size, "the claim %s is empty", what);
        return -1;
    }
    memcpy(dst, s, n + 1);
    return 0;
}

static lti_check check_aud(const json_t *c, const char *client_id, char *err, size_t err_size)
{
    const json_t *aud = json_object_get(c, "aud");
    size_t naud = 0;
    bool found = false;
    if (json_is_string(aud)) {
        naud = 1;
        found = strcmp(json_string_value(aud), client_id) == 0;
    } else if (json_is_array(aud)) {
        size_t i;
        const json_t *v;
        json_array_foreach(aud, i, v)
        {
            naud++;
            if (json_is_string(v) && strcmp(json_string_value(v), client_id) == 0)
                found = true;
        }
    }
    if (!found) {
        snprintf(err, err_size, "aud does not name this tool's client id \"%.80s\"", client_id);
        return LTI_CHECK_AUD;
    }
    const json_t *azp = json_object_get(c, "azp");
    if (azp && (!json_is_string(azp) || strcmp(json_string_value(azp), client_id) != 0)) {
        snprintf(err, err_size, "azp is not this tool's client id \"%.80s\"", client_id);
        return LTI_CHECK_AZP;
    }
    if (naud > 1 && !azp) {
        snprintf(err, err_size, "aud names %zu audiences and there is no azp", naud);
        return LTI_CHECK_AZP;
    }
    return LTI_CHECK_OK;
}

/* The integer NumericDate member `key`; -1 when absent or not a number. */
static int64_t numeric_date(const json_t *c, const char *key)
{
    const json_t *v = json_object_get(c, key);
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e15)
        return (int64_t)json_real_value(v);
    return -1;
}

lti_check lti_launch_validate(const json_t *c, const lti_expect *e, lti_launch *out, char *err,
                              size_t err_size)
{
    memset(out, 0, sizeof *out);
    const char *iss = json_string_value(json_object_get(c, "iss"));
    if (!iss || strcmp(iss, e->issuer) != 0) {
        snprintf(err, err_size, "iss \"%.80s\" is not the platform's issuer \"%.80s\"",
                 iss ? iss : "(none)", e->issuer);
        return LTI_CHECK_ISS;
    }
    lti_check r = check_aud(c, e->client_id, err, err_size);
    if (r != LTI_CHECK_OK)
        return r;
    int64_t exp = numeric_date(c, "exp"), iat = numeric_date(c, "iat");
    if (exp < 0 || e->now > exp + LTI_CLOCK_SKEW) {
        snprintf(err, err_size, exp < 0 ? "exp is missing" : "the token expired %lld s ago",
                 (long long)(e->now - exp));
        return LTI_CHECK_EXP;
    }
    if (iat < 0 || iat > e->now + LTI_CLOCK_SKEW) {
        snprintf(err, err_size,
                 iat < 0 ? "iat is missing" : "the token is issued %lld s in the future",
                 (long long)(iat - e->now));
        return LTI_CHECK_IAT;
    }
    if (take(c, "nonce", "nonce", true, out->nonce, sizeof out->nonce, err, err_size))
        return LTI_CHECK_NONCE;
    if (take(c, "sub", "sub", true, out->sub, sizeof out->sub, err, err_size))
        return LTI_CHECK_SUB;
    const char *ver = json_string_value(json_object_get(c, LTI_CLAIM "version"));
    if (!ver || strcmp(ver, "1.3.0") != 0) {
        snprintf(err, err_size, "version is \"%.32s\", not \"1.3.0\"", ver ? ver : "(none)");
        return LTI_CHECK_VERSION;
    }
    const char *mt = json_string_value(json_object_get(c, LTI_CLAIM "message_type"));
    if (mt && strcmp(mt, "LtiDeepLinkingRequest") == 0) {
        out->deep_linking = true;
    } else if (!mt || strcmp(mt, "LtiResourceLinkRequest") != 0) {
        snprintf(err, err_size,
                 "message_type is \"%.48s\", not LtiResourceLinkRequest or LtiDeepLinkingRequest",
                 mt ? mt : "(none)");
        return LTI_CHECK_MESSAGE_TYPE;
    }
    if (take(c, LTI_CLAIM "deployment_id", "deployment_id", true, out->deployment_id,
             sizeof out->deployment_id, err, err_size))
        return LTI_CHECK_DEPLOYMENT;
    bool known = false;
    for (size_t i = 0; i < e->deployment_count && !known; i++)
        known = strcmp(e->deployments[i], out->deployment_id) == 0;
    if (!known) {
        snprintf(err, err_size, "deployment_id \"%.80s\" is not registered for this platform",
                 out->deployment_id);
        return LTI_CHECK_DEPLOYMENT;
    }
    out->role = lti_role_map(json_object_get(c, LTI_CLAIM "roles"));
    if (out->role == LTI_ROLE_NONE) {
        snprintf(err, err_size,
                 "the roles claim holds no role TCP Lab maps (Instructor, "
                 "TeachingAssistant, ContentDeveloper, Administrator, Learner)");
        return LTI_CHECK_ROLES;
    }
    /* optional profile and context claims: bounded, wrong types refused */
    const json_t *ctx = json_object_get(c, LTI_CLAIM "context");
    const json_t *custom = json_object_get(c, LTI_CLAIM "custom");
    if (take(c, "name", "name", false, out->name, sizeof out->name, err, err_size) ||
        take(c, "email", "email", false, out->email, sizeof out->email, err, err_size) ||
        take(ctx, "id", "context.id", false, out->context_id, sizeof out->context_id, err,
             err_size) ||
        take(ctx, "label", "context.label", false, out->context_label, sizeof out->context_label,
             err, err_size) ||
        take(ctx, "title", "context.title", false, out->context_title, sizeof out->context_title,
             err, err_size) ||
        take(custom, "resource", "custom.resource", false, out->custom_resource,
             sizeof out->custom_resource, err, err_size) ||
        take(c, LTI_CLAIM "target_link_uri", "target_link_uri", false, out->target_link_uri,
             sizeof out->target_link_uri, err, err_size))
        return LTI_CHECK_CLAIM;
    if (out->deep_linking) {
        if (out->role != LTI_ROLE_INSTRUCTOR) {
            snprintf(err, err_size, "a deep linking request needs an instructor role");
            return LTI_CHECK_ROLES;
        }
        const json_t *dl = json_object_get(c, LTI_DL_CLAIM "deep_linking_settings");
        if (!json_is_object(dl)) {
            snprintf(err, err_size, "the claim deep_linking_settings is missing");
            return LTI_CHECK_CLAIM;
        }
        if (take(dl, "deep_link_return_url", "deep_linking_settings.deep_link_return_url", true,
                 out->dl_return_url, sizeof out->dl_return_url, err, err_size) ||
            take(dl, "data", "deep_linking_settings.data", false, out->dl_data, sizeof out->dl_data,
                 err, err_size))
            return LTI_CHECK_CLAIM;
        return LTI_CHECK_OK;
    }
    const json_t *rl = json_object_get(c, LTI_CLAIM "resource_link");
    if (!json_is_object(rl)) {
        snprintf(err, err_size, "the claim resource_link is missing");
        return LTI_CHECK_CLAIM;
    }
    if (take(rl, "id", "resource_link.id", true, out->resource_link_id,
             sizeof out->resource_link_id, err, err_size))
        return LTI_CHECK_CLAIM;
    const json_t *ags = json_object_get(c, LTI_AGS_CLAIM "endpoint");
    if (json_is_object(ags)) {
        bool scored = false;
        size_t i;
        const json_t *v;
        json_array_foreach(json_object_get(ags, "scope"), i, v)
        {
            if (json_is_string(v) && strcmp(json_string_value(v), LTI_AGS_SCOPE_SCORE) == 0)
                scored = true;
        }
        if (scored && take(ags, "lineitem", "endpoint.lineitem", false, out->ags_lineitem,
                           sizeof out->ags_lineitem, err, err_size))
            return LTI_CHECK_CLAIM;
    }
    return LTI_CHECK_OK;
}
