/*
 * fuzz_lti_token.c — libFuzzer harness: the LTI 1.3 id_token parser and the launch claim
 * checks (server/lti/lti_jwt.c), with base64url (lti_b64.c) underneath.
 *
 * Input, two modes by the first byte:
 *   '{'  — a claims object: it is signed RS256 with the harness's key, and the token made so
 *          must parse, verify, and then go through lti_launch_validate;
 *   else — the bytes of a token as a platform would post it: parsed, verified with the
 *          harness's key, and validated when it parses.
 * Oracles besides the sanitizers: a parsed token's header alg is exactly "RS256"; a token the
 * harness signed always parses and verifies, and verifies with no other key; a refusal names
 * a check and a non-empty reason; an accepted launch has a non-empty sub, nonce and
 * deployment id (one of the registered ones), a mapped role, and a deep-linking return URL
 * exactly when it is a deep-linking request.
 * Does not: reach the store, the network or HTTP.
 */
#include "fuzz_common.h"

#include "../../server/lti/lti_jwt.h"
#include "../../server/lti/lti_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key, *other;
static const char *const deps[] = {"dep-1", "dep-2"};
static const lti_expect expect = {"https://lms.example", "client-7", deps, 2, 1800000000};

static void check_launch(const json_t *claims)
{
    lti_launch l;
    char err[512] = "";
    lti_check c = lti_launch_validate(claims, &expect, &l, err, sizeof err);
    if (c != LTI_CHECK_OK) {
        FUZZ_CHECK(c > LTI_CHECK_OK && c < LTI_CHECK_COUNT, "a refusal without a check");
        FUZZ_CHECK(err[0] != '\0', "a refusal without a reason");
        return;
    }
    FUZZ_CHECK(l.sub[0] && l.nonce[0] && l.deployment_id[0], "an accepted launch lacks an id");
    FUZZ_CHECK(!strcmp(l.deployment_id, "dep-1") || !strcmp(l.deployment_id, "dep-2"),
               "an unregistered deployment accepted");
    FUZZ_CHECK(l.role != LTI_ROLE_NONE, "an accepted launch without a role");
    FUZZ_CHECK(l.deep_linking == (l.dl_return_url[0] != '\0'), "deep linking without return URL");
    FUZZ_CHECK(l.deep_linking || l.resource_link_id[0], "a resource link without its id");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!key) {
        key = lti_key_generate(LTI_KEY_BITS);
        other = lti_key_generate(LTI_KEY_BITS);
        FUZZ_CHECK(key && other, "no RSA key");
    }
    if (size > LTI_JWT_MAX_LEN)
        size = LTI_JWT_MAX_LEN;
    char err[512];
    lti_jwt t;
    if (size > 0 && data[0] == '{') {
        json_t *claims = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(claims)) {
            json_decref(claims);
            return 0;
        }
        char *tok = lti_jwt_sign(key, "fuzz-kid", claims);
        FUZZ_CHECK(tok != NULL, "signing failed");
        FUZZ_CHECK(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err) == LTI_CHECK_OK,
                   "a signed token does not parse");
        FUZZ_CHECK(lti_jwt_verify(&t, key) == LTI_CHECK_OK, "a signed token does not verify");
        FUZZ_CHECK(lti_jwt_verify(&t, other) == LTI_CHECK_SIGNATURE, "another key verifies");
        FUZZ_CHECK(json_equal(t.claims, claims), "the claims changed on the way");
        check_launch(t.claims);
        lti_jwt_free(&t);
        free(tok);
        json_decref(claims);
        return 0;
    }
    char *text = fuzz_strndup(data, size);
    lti_check c = lti_jwt_parse(text, size, &t, err, sizeof err);
    if (c == LTI_CHECK_OK) {
        const char *alg = json_string_value(json_object_get(t.header, "alg"));
        FUZZ_CHECK(alg && !strcmp(alg, "RS256"), "a token with another alg parsed");
        (void)lti_jwt_verify(&t, key);
        check_launch(t.claims);
        lti_jwt_free(&t);
    } else {
        FUZZ_CHECK(c == LTI_CHECK_MALFORMED || c == LTI_CHECK_ALG, "an unexpected parse check");
        FUZZ_CHECK(err[0] != '\0', "a parse refusal without a reason");
    }
    free(text);
    return 0;
}
