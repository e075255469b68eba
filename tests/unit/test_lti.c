/* test_lti.c — the pure LTI 1.3 floor (server/lti/): base64url, RSA keys and JWKs, the
 * id_token (RS256 only, signature, every claim check with the clock passed in), the role
 * mapping, the grade-passback outbox policy; and the LTI store (logins used once, key
 * rotation, accounts by issuer and sub). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lti/lti_b64.h"
#include "../../server/lti/lti_jwt.h"
#include "../../server/lti/lti_key.h"
#include "../../server/lti/lti_outbox.h"
#include "../../server/lti/lti_roles.h"
#include "../../server/store/store_lti.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* ---- base64url ---- */

TEST(lti_b64_round_trip_and_refusals)
{
    const uint8_t bin[] = {0xfb, 0xff, 0x00, 0x3e, 0x3f};
    char *t = lti_b64_encode(bin, sizeof bin);
    CHECK_EQ_STR(t, "-_8APj8");
    uint8_t *back;
    size_t n;
    CHECK_EQ_INT(lti_b64_decode(t, strlen(t), 100, &back, &n), 0);
    CHECK_EQ_INT(n, 5);
    CHECK(memcmp(back, bin, 5) == 0);
    free(back);
    free(t);
    CHECK_EQ_INT(lti_b64_decode("+/8APj8", 7, 100, &back, &n), -1);  /* standard alphabet */
    CHECK_EQ_INT(lti_b64_decode("-_8APj8=", 8, 100, &back, &n), -1); /* padding */
    CHECK_EQ_INT(lti_b64_decode("-_8A Pj8", 8, 100, &back, &n), -1);
    CHECK_EQ_INT(lti_b64_decode("abcde", 5, 100, &back, &n), -1); /* 4k+1 characters */
    CHECK_EQ_INT(lti_b64_decode("abcd", 4, 3, &back, &n), -1);    /* over the limit */
    CHECK_EQ_INT(lti_b64_decode("", 0, 3, &back, &n), 0);
    CHECK_EQ_INT(n, 0);
    free(back);
}

/* ---- keys ---- */

static EVP_PKEY *test_key(int which)
{
    static EVP_PKEY *keys[2];
    if (!keys[which])
        keys[which] = lti_key_generate(LTI_KEY_BITS);
    return keys[which];
}

TEST(lti_key_pem_and_jwk_round_trip)
{
    EVP_PKEY *k = test_key(0);
    CHECK(k != NULL);
    char *pem = lti_key_private_pem(k);
    CHECK(pem && strstr(pem, "BEGIN PRIVATE KEY"));
    EVP_PKEY *k2 = lti_key_from_pem(pem);
    CHECK(k2 && EVP_PKEY_eq(k, k2) == 1);
    json_t *jwk = lti_key_jwk(k, "kid-1");
    CHECK_EQ_STR(json_string_value(json_object_get(jwk, "kid")), "kid-1");
    CHECK_EQ_STR(json_string_value(json_object_get(jwk, "e")), "AQAB");
    CHECK_EQ_STR(json_string_value(json_object_get(jwk, "alg")), "RS256");
    CHECK(json_object_get(jwk, "d") == NULL); /* never the private part */
    char err[200];
    EVP_PKEY *pub = lti_key_from_jwk(jwk, err, sizeof err);
    CHECK(pub && EVP_PKEY_eq(k, pub) == 1);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k2);
    free(pem);
    /* refusals */
    json_object_set_new(jwk, "alg", json_string("RS512"));
    CHECK(lti_key_from_jwk(jwk, err, sizeof err) == NULL);
    CHECK(strstr(err, "alg"));
    json_object_set_new(jwk, "alg", json_string("RS256"));
    json_object_set_new(jwk, "kty", json_string("oct"));
    CHECK(lti_key_from_jwk(jwk, err, sizeof err) == NULL);
    CHECK(strstr(err, "kty"));
    json_object_set_new(jwk, "kty", json_string("RSA"));
    json_object_set_new(jwk, "n", json_string("AQAB")); /* 17 bits */
    CHECK(lti_key_from_jwk(jwk, err, sizeof err) == NULL);
    CHECK(strstr(err, "modulus"));
    json_object_set_new(jwk, "n", json_string("not base64!"));
    CHECK(lti_key_from_jwk(jwk, err, sizeof err) == NULL);
    CHECK(lti_key_from_pem("garbage") == NULL);
    json_decref(jwk);
}

TEST(lti_jwks_find_by_kid)
{
    json_t *set = json_pack("{s:[o, o]}", "keys", lti_key_jwk(test_key(0), "a"),
                            lti_key_jwk(test_key(1), "b"));
    EVP_PKEY *k = NULL;
    char err[200];
    CHECK_EQ_INT(lti_jwks_find(set, "b", &k, err, sizeof err), LTI_JWKS_FOUND);
    CHECK(k && EVP_PKEY_eq(k, test_key(1)) == 1);
    EVP_PKEY_free(k);
    CHECK_EQ_INT(lti_jwks_find(set, "c", &k, err, sizeof err), LTI_JWKS_NO_KID);
    CHECK(strstr(err, "\"c\""));
    CHECK_EQ_INT(lti_jwks_find(set, NULL, &k, err, sizeof err), LTI_JWKS_NO_KID);
    json_t *bad = json_pack("{s:s}", "keys", "x");
    CHECK_EQ_INT(lti_jwks_find(bad, "a", &k, err, sizeof err), LTI_JWKS_MALFORMED);
    json_decref(bad);
    json_decref(set);
}

/* ---- tokens ---- */

#define NOW 1800000000
static const char *const deployments[] = {"dep-1", "dep-2"};
static const lti_expect expect = {"https://lms.example", "client-7", deployments, 2, NOW};

/* The claims of a valid resource link launch at NOW. */
static json_t *launch_claims(void)
{
    return json_pack(
        "{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s}, s:{s:s}, "
        "s:{s:s}, s:{s:[s], s:s}}",
        "iss", "https://lms.example", "aud", "client-7", "iat", (json_int_t)NOW - 5, "exp",
        (json_int_t)NOW + 300, "nonce", "n-1", "sub", "user-42", "name", "Ada", LTI_CLAIM "version",
        "1.3.0", LTI_CLAIM "message_type", "LtiResourceLinkRequest", LTI_CLAIM "deployment_id",
        "dep-2", LTI_CLAIM "roles", "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
        LTI_CLAIM "context", "id", "c-1", "label", "NET101", LTI_CLAIM "resource_link", "id",
        "rl-9", LTI_CLAIM "custom", "resource", "lesson:handshake", LTI_AGS_CLAIM "endpoint",
        "scope", LTI_AGS_SCOPE_SCORE, "lineitem", "https://lms.example/li/1");
}

static lti_check validate(json_t *claims, lti_launch *l, char *err, size_t n)
{
    lti_check r = lti_launch_validate(claims, &expect, l, err, n);
    json_decref(claims);
    return r;
}

TEST(lti_jwt_sign_parse_verify)
{
    json_t *c = launch_claims();
    char *tok = lti_jwt_sign(test_key(0), "kid-a", c);
    CHECK(tok != NULL);
    lti_jwt t;
    char err[256];
    CHECK_EQ_INT(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err), LTI_CHECK_OK);
    CHECK_EQ_STR(t.kid, "kid-a");
    CHECK_EQ_INT(lti_jwt_verify(&t, test_key(0)), LTI_CHECK_OK);
    CHECK_EQ_INT(lti_jwt_verify(&t, test_key(1)), LTI_CHECK_SIGNATURE); /* another key */
    CHECK_EQ_INT(lti_jwt_verify(&t, NULL), LTI_CHECK_SIGNATURE);
    lti_launch l;
    CHECK_EQ_INT(lti_launch_validate(t.claims, &expect, &l, err, sizeof err), LTI_CHECK_OK);
    CHECK_EQ_STR(l.sub, "user-42");
    CHECK_EQ_STR(l.nonce, "n-1");
    CHECK_EQ_STR(l.deployment_id, "dep-2");
    CHECK_EQ_INT(l.role, LTI_ROLE_STUDENT);
    CHECK_EQ_STR(l.context_label, "NET101");
    CHECK_EQ_STR(l.resource_link_id, "rl-9");
    CHECK_EQ_STR(l.custom_resource, "lesson:handshake");
    CHECK_EQ_STR(l.ags_lineitem, "https://lms.example/li/1");
    CHECK(!l.deep_linking);
    lti_jwt_free(&t);
    /* a changed payload byte breaks the signature */
    char *dot = strchr(tok, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    if (lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err) == LTI_CHECK_OK) {
        CHECK_EQ_INT(lti_jwt_verify(&t, test_key(0)), LTI_CHECK_SIGNATURE);
        lti_jwt_free(&t);
    }
    free(tok);
    json_decref(c);
}

/* A token with header `hdr` (JSON text), the launch claims and signature bytes `sig`. */
static char *forge(const char *hdr, const uint8_t *sig, size_t sig_len)
{
    json_t *c = launch_claims();
    char *ctext = json_dumps(c, JSON_COMPACT);
    char *h = lti_b64_encode((const uint8_t *)hdr, strlen(hdr));
    char *p = lti_b64_encode((const uint8_t *)ctext, strlen(ctext));
    char *s = lti_b64_encode(sig, sig_len);
    size_t n = strlen(h) + strlen(p) + strlen(s) + 3;
    char *out = malloc(n);
    snprintf(out, n, "%s.%s.%s", h, p, s);
    free(h);
    free(p);
    free(s);
    free(ctext);
    json_decref(c);
    return out;
}

TEST(lti_jwt_refuses_other_algs)
{
    char err[256];
    lti_jwt t;
    const uint8_t one = 1;
    const char *algs[] = {"{\"alg\":\"none\"}",  "{\"alg\":\"HS256\",\"kid\":\"kid-a\"}",
                          "{\"alg\":\"RS512\"}", "{\"alg\":\"PS256\"}",
                          "{\"typ\":\"JWT\"}",   "{\"alg\":\"rs256\"}"};
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        char *tok = forge(algs[i], &one, 1);
        CHECK_EQ_INT(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err), LTI_CHECK_ALG);
        CHECK(strstr(err, "only RS256"));
        free(tok);
    }
    /* alg none with an empty signature segment: refused too */
    char *tok = forge("{\"alg\":\"none\"}", &one, 0);
    CHECK(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err) != LTI_CHECK_OK);
    free(tok);
}

TEST(lti_jwt_hs256_with_public_key_as_secret_is_refused)
{
    /* The classic key confusion: HMAC-SHA256 keyed with the platform's public key (PEM). A
     * verifier that took alg from the header would accept it. */
    json_t *jwk = lti_key_jwk(test_key(0), "kid-a");
    char *secret = json_dumps(jwk, JSON_COMPACT);
    json_decref(jwk);
    const char *hdr = "{\"alg\":\"HS256\",\"kid\":\"kid-a\"}";
    json_t *c = launch_claims();
    char *ctext = json_dumps(c, JSON_COMPACT);
    char *h = lti_b64_encode((const uint8_t *)hdr, strlen(hdr));
    char *p = lti_b64_encode((const uint8_t *)ctext, strlen(ctext));
    char input[8192];
    snprintf(input, sizeof input, "%s.%s", h, p);
    uint8_t mac[32];
    unsigned mlen = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const uint8_t *)input, strlen(input), mac,
         &mlen);
    char *s = lti_b64_encode(mac, mlen);
    char tok[16384];
    snprintf(tok, sizeof tok, "%s.%s", input, s);
    lti_jwt t;
    char err[256];
    CHECK_EQ_INT(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err), LTI_CHECK_ALG);
    /* and with the header lying RS256 the MAC is no RSA signature */
    char *h2 = lti_b64_encode((const uint8_t *)"{\"alg\":\"RS256\",\"kid\":\"kid-a\"}", 29);
    snprintf(tok, sizeof tok, "%s.%s.%s", h2, p, s);
    CHECK_EQ_INT(lti_jwt_parse(tok, strlen(tok), &t, err, sizeof err), LTI_CHECK_OK);
    CHECK_EQ_INT(lti_jwt_verify(&t, test_key(0)), LTI_CHECK_SIGNATURE);
    lti_jwt_free(&t);
    free(h2);
    free(s);
    free(h);
    free(p);
    free(ctext);
    free(secret);
    json_decref(c);
}

TEST(lti_jwt_malformed_tokens)
{
    char err[256];
    lti_jwt t;
    const char *bad[] = {"",
                         "abc",
                         "a.b",
                         "a.b.c.d",
                         "...",
                         "e30.e30.",
                         "W10.e30.AA",
                         "eyJhbGciOiJSUzI1NiJ9.W10.AA",
                         "eyJhbGciOiJSUzI1NiJ9.e30.A"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lti_check r = lti_jwt_parse(bad[i], strlen(bad[i]), &t, err, sizeof err);
        CHECK(r == LTI_CHECK_MALFORMED || r == LTI_CHECK_ALG);
    }
    CHECK_EQ_INT(lti_jwt_parse("eyJhbGciOiJSUzI1NiJ9.e30.AA", 27, &t, err, sizeof err),
                 LTI_CHECK_OK);
    lti_jwt_free(&t);
}

TEST(lti_launch_claim_checks_name_what_failed)
{
    lti_launch l;
    char err[256];
    json_t *c;

    c = launch_claims();
    json_object_set_new(c, "iss", json_string("https://evil.example"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_ISS);

    c = launch_claims();
    json_object_set_new(c, "aud", json_string("client-8"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_AUD);

    c = launch_claims();
    json_object_set_new(c, "aud", json_pack("[s, s]", "other", "client-7"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_AZP); /* two audiences, no azp */
    c = launch_claims();
    json_object_set_new(c, "aud", json_pack("[s, s]", "other", "client-7"));
    json_object_set_new(c, "azp", json_string("client-7"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_OK);
    c = launch_claims();
    json_object_set_new(c, "azp", json_string("other"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_AZP);

    /* exp: within the skew passes, past it fails */
    c = launch_claims();
    json_object_set_new(c, "exp", json_integer(NOW - LTI_CLOCK_SKEW));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_OK);
    c = launch_claims();
    json_object_set_new(c, "exp", json_integer(NOW - LTI_CLOCK_SKEW - 1));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_EXP);
    CHECK(strstr(err, "expired"));
    c = launch_claims();
    json_object_del(c, "exp");
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_EXP);
    c = launch_claims();
    json_object_set_new(c, "iat", json_integer(NOW + LTI_CLOCK_SKEW + 1));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_IAT);
    c = launch_claims();
    json_object_set_new(c, "iat", json_string("yesterday"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_IAT);

    c = launch_claims();
    json_object_del(c, "nonce");
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_NONCE);
    c = launch_claims();
    json_object_set_new(c, "sub", json_string(""));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_SUB);
    c = launch_claims();
    json_object_set_new(c, LTI_CLAIM "version", json_string("1.1"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_VERSION);
    c = launch_claims();
    json_object_set_new(c, LTI_CLAIM "message_type", json_string("LtiSubmissionReviewRequest"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_MESSAGE_TYPE);
    c = launch_claims();
    json_object_set_new(c, LTI_CLAIM "deployment_id", json_string("dep-3"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_DEPLOYMENT);
    CHECK(strstr(err, "dep-3"));
    c = launch_claims();
    json_object_set_new(
        c, LTI_CLAIM "roles",
        json_pack("[s]", "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_ROLES);
    c = launch_claims();
    json_object_del(c, LTI_CLAIM "resource_link");
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_CLAIM);
    c = launch_claims();
    json_object_set_new(c, "name", json_integer(3));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_CLAIM);
    CHECK(strstr(err, "name"));
    char longer[LTI_ID_SIZE + 10];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    c = launch_claims();
    json_object_set_new(c, "sub", json_string(longer));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_SUB);
    CHECK(strstr(err, "longer"));
}

TEST(lti_launch_deep_linking)
{
    lti_launch l;
    char err[256];
    json_t *c = launch_claims();
    json_object_set_new(c, LTI_CLAIM "message_type", json_string("LtiDeepLinkingRequest"));
    CHECK_EQ_INT(validate(json_incref(c), &l, err, sizeof err), LTI_CHECK_ROLES); /* a Learner */
    json_object_set_new(c, LTI_CLAIM "roles",
                        json_pack("[s]", "http://purl.imsglobal.org/vocab/lis/v2/"
                                         "membership/Instructor#TeachingAssistant"));
    CHECK_EQ_INT(validate(json_incref(c), &l, err, sizeof err), LTI_CHECK_CLAIM);
    CHECK(strstr(err, "deep_linking_settings"));
    json_object_set_new(c, LTI_DL_CLAIM "deep_linking_settings",
                        json_pack("{s:s, s:s}", "deep_link_return_url",
                                  "https://lms.example/dl/return", "data", "opaque"));
    CHECK_EQ_INT(validate(c, &l, err, sizeof err), LTI_CHECK_OK);
    CHECK(l.deep_linking);
    CHECK_EQ_INT(l.role, LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_STR(l.dl_return_url, "https://lms.example/dl/return");
    CHECK_EQ_STR(l.dl_data, "opaque");
}

/* ---- roles ---- */

static lti_role roles_of(const char *a, const char *b)
{
    json_t *r = b ? json_pack("[s, s]", a, b) : json_pack("[s]", a);
    lti_role out = lti_role_map(r);
    json_decref(r);
    return out;
}

TEST(lti_roles_mapping)
{
#define M "http://purl.imsglobal.org/vocab/lis/v2/membership#"
    CHECK_EQ_INT(roles_of(M "Instructor", NULL), LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(roles_of(M "ContentDeveloper", NULL), LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(roles_of(M "Administrator", NULL), LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(
        roles_of("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
                 NULL),
        LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(
        roles_of("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator", NULL),
        LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(roles_of(M "Learner", NULL), LTI_ROLE_STUDENT);
    CHECK_EQ_INT(roles_of("Learner", NULL), LTI_ROLE_STUDENT);
    CHECK_EQ_INT(roles_of("Instructor", NULL), LTI_ROLE_INSTRUCTOR);
    CHECK_EQ_INT(roles_of(M "Learner", M "Instructor"), LTI_ROLE_INSTRUCTOR); /* highest wins */
    CHECK_EQ_INT(roles_of(M "Mentor", NULL), LTI_ROLE_NONE);
    CHECK_EQ_INT(
        roles_of("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor", NULL),
        LTI_ROLE_NONE); /* faculty somewhere, not of this course */
    CHECK_EQ_INT(roles_of(M "InstructorX", NULL), LTI_ROLE_NONE);
    CHECK_EQ_INT(roles_of("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#", NULL),
                 LTI_ROLE_NONE);
    CHECK_EQ_INT(lti_role_map(NULL), LTI_ROLE_NONE);
    CHECK_EQ_STR(lti_role_name(LTI_ROLE_STUDENT), "student");
#undef M
}

/* ---- outbox policy ---- */

TEST(lti_outbox_classify_and_backoff)
{
    CHECK_EQ_INT(lti_outbox_classify(200), LTI_OUTBOX_ACCEPTED);
    CHECK_EQ_INT(lti_outbox_classify(204), LTI_OUTBOX_ACCEPTED);
    CHECK_EQ_INT(lti_outbox_classify(0), LTI_OUTBOX_RETRY);
    CHECK_EQ_INT(lti_outbox_classify(500), LTI_OUTBOX_RETRY);
    CHECK_EQ_INT(lti_outbox_classify(503), LTI_OUTBOX_RETRY);
    CHECK_EQ_INT(lti_outbox_classify(429), LTI_OUTBOX_RETRY);
    CHECK_EQ_INT(lti_outbox_classify(408), LTI_OUTBOX_RETRY);
    CHECK_EQ_INT(lti_outbox_classify(400), LTI_OUTBOX_REFUSED);
    CHECK_EQ_INT(lti_outbox_classify(401), LTI_OUTBOX_REFUSED);
    CHECK_EQ_INT(lti_outbox_backoff(1), 30);
    CHECK_EQ_INT(lti_outbox_backoff(2), 60);
    CHECK_EQ_INT(lti_outbox_backoff(3), 120);
    CHECK_EQ_INT(lti_outbox_backoff(8), LTI_OUTBOX_MAX_DELAY);
    CHECK_EQ_INT(lti_outbox_backoff(1000), LTI_OUTBOX_MAX_DELAY);
    CHECK(lti_outbox_newer(10, 11));
    CHECK(!lti_outbox_newer(11, 11));
    CHECK(!lti_outbox_newer(11, 10));
}

TEST(lti_outbox_settle_retries_then_succeeds)
{
    lti_outbox_entry e = {0};
    lti_outbox_replace(&e, 100);
    CHECK_EQ_INT(e.version, 1);
    CHECK_EQ_INT(e.next_at, 100);
    lti_outbox_settle(&e, 1, lti_outbox_classify(500), 100);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_PENDING);
    CHECK_EQ_INT(e.attempts, 1);
    CHECK_EQ_INT(e.next_at, 130);
    lti_outbox_settle(&e, 1, lti_outbox_classify(0), 130);
    CHECK_EQ_INT(e.next_at, 190);
    lti_outbox_settle(&e, 1, lti_outbox_classify(200), 190);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_DONE);
}

TEST(lti_outbox_newer_score_wins_never_out_of_order)
{
    lti_outbox_entry e = {0};
    lti_outbox_replace(&e, 100); /* version 1 goes out ... */
    int64_t posting = e.version;
    lti_outbox_replace(&e, 101); /* ... and a newer score arrives meanwhile */
    lti_outbox_settle(&e, posting, LTI_OUTBOX_ACCEPTED, 102);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_PENDING); /* the newer one still has to go */
    CHECK_EQ_INT(e.next_at, 102);
    CHECK_EQ_INT(e.version, 2);
    /* a refusal of the older version does not fail the newer one */
    posting = e.version;
    lti_outbox_replace(&e, 103);
    lti_outbox_settle(&e, posting, LTI_OUTBOX_REFUSED, 104);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_PENDING);
    lti_outbox_settle(&e, e.version, LTI_OUTBOX_ACCEPTED, 105);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_DONE);
}

TEST(lti_outbox_gives_up_after_max_attempts)
{
    lti_outbox_entry e = {0};
    lti_outbox_replace(&e, 0);
    for (int i = 0; i < LTI_OUTBOX_MAX_ATTEMPTS; i++)
        lti_outbox_settle(&e, e.version, LTI_OUTBOX_RETRY, e.next_at);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_FAILED);
    CHECK_EQ_INT(e.attempts, LTI_OUTBOX_MAX_ATTEMPTS);
    lti_outbox_replace(&e, 5); /* an admin's retry, or a new score */
    CHECK_EQ_INT(e.state, LTI_OUTBOX_PENDING);
    CHECK_EQ_INT(e.attempts, 0);
    lti_outbox_settle(&e, e.version, LTI_OUTBOX_REFUSED, 6);
    CHECK_EQ_INT(e.state, LTI_OUTBOX_FAILED);
}

/* ---- store: logins, keys, accounts ---- */

TEST(lti_store_login_is_single_use)
{
    test_db t;
    if (test_db_open(&t, "lti")) {
        CHECK(!"store open");
        return;
    }
    store_lti_platform p = {0};
    snprintf(p.issuer, sizeof p.issuer, "https://lms.example");
    snprintf(p.client_id, sizeof p.client_id, "c");
    const char *deps[] = {"d2", "d1"};
    int64_t id = 0;
    CHECK_EQ_INT(store_lti_platform_add(t.s, &p, deps, 2, 100, &id), STORE_OK);
    CHECK_EQ_INT(store_lti_platform_add(t.s, &p, deps, 1, 100, NULL), STORE_CONFLICT);
    store_lti_platform got;
    CHECK_EQ_INT(store_lti_platform_find(t.s, "https://lms.example", NULL, &got), STORE_OK);
    CHECK_EQ_STR(got.deployments, "d1\nd2");
    CHECK_EQ_INT(store_lti_login_put(t.s, "h1", "nonce-1", id, 100, 700), STORE_OK);
    CHECK_EQ_INT(store_lti_login_put(t.s, "h2", "nonce-2", id, 100, 700), STORE_OK);
    int64_t pid = 0;
    CHECK_EQ_INT(store_lti_login_platform(t.s, "h1", 200, &pid), STORE_OK);
    CHECK_EQ_INT(pid, id);
    CHECK_EQ_INT(store_lti_login_use(t.s, "h1", "nonce-2", id, 200), STORE_NOT_FOUND); /* other */
    CHECK_EQ_INT(store_lti_login_use(t.s, "h1", "nonce-1", id + 1, 200), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_lti_login_use(t.s, "h1", "nonce-1", id, 200), STORE_OK);
    CHECK_EQ_INT(store_lti_login_use(t.s, "h1", "nonce-1", id, 201), STORE_CONFLICT); /* replay */
    CHECK_EQ_INT(store_lti_login_use(t.s, "hx", "nonce-1", id, 201),
                 STORE_CONFLICT); /* new state */
    CHECK_EQ_INT(store_lti_login_use(t.s, "h2", "nonce-2", id, 700), STORE_NOT_FOUND); /* expired */
    CHECK_EQ_INT(store_lti_platform_remove(t.s, id), STORE_OK);
    CHECK_EQ_INT(store_lti_platform_remove(t.s, id), STORE_NOT_FOUND);
    test_db_close(&t);
}

TEST(lti_store_key_rotation_keeps_the_old_key_published)
{
    test_db t;
    if (test_db_open(&t, "lti")) {
        CHECK(!"store open");
        return;
    }
    CHECK_EQ_INT(store_lti_key_rotate(t.s, "k1", "pem1", 100, 100 + 50), STORE_OK);
    CHECK_EQ_INT(store_lti_key_rotate(t.s, "k2", "pem2", 200, 200 + 50), STORE_OK);
    store_lti_key *k;
    size_t n;
    CHECK_EQ_INT(store_lti_keys_live(t.s, 210, &k, &n), STORE_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_STR(k[0].kid, "k2"); /* the current one first */
        CHECK_EQ_INT(k[0].retired_at, 0);
        CHECK_EQ_STR(k[1].kid, "k1");
        CHECK_EQ_INT(k[1].expires_at, 250);
    }
    store_lti_keys_free(k, n);
    CHECK_EQ_INT(store_lti_keys_live(t.s, 250, &k, &n), STORE_OK);
    CHECK_EQ_INT(n, 1); /* k1 has expired */
    store_lti_keys_free(k, n);
    test_db_close(&t);
}

TEST(lti_store_account_by_issuer_and_sub)
{
    test_db t;
    if (test_db_open(&t, "lti")) {
        CHECK(!"store open");
        return;
    }
    store_lti_account_in in = {
        "https://lms.example", "sub-1", "lti-0001", "student", "Ada", "", "NET101"};
    store_user u, u2;
    CHECK_EQ_INT(store_lti_account(t.s, &in, 100, &u), STORE_OK);
    CHECK_EQ_STR(u.name, "lti-0001");
    in.role = "instructor";
    in.login = "ignored-once-linked";
    CHECK_EQ_INT(store_lti_account(t.s, &in, 101, &u2), STORE_OK);
    CHECK_EQ_INT(u2.id, u.id);
    CHECK_EQ_STR(u2.name, "lti-0001");
    CHECK_EQ_STR(u2.role, "instructor");
    in.issuer = "https://other.example"; /* the same sub elsewhere is someone else */
    in.login = "lti-0002";
    CHECK_EQ_INT(store_lti_account(t.s, &in, 102, &u2), STORE_OK);
    CHECK(u2.id != u.id);
    test_db_close(&t);
}
