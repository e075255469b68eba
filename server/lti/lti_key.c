/*
 * lti_key.c — RSA keys, PEM and JWK (see lti_key.h). OpenSSL 3 EVP and OSSL_PARAM APIs;
 * base64url by lti_b64.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lti_b64.h"
#include "lti_key.h"

EVP_PKEY *lti_key_generate(int bits)
{
    return EVP_RSA_gen((unsigned)bits);
}

char *lti_key_private_pem(EVP_PKEY *key)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    char *out = NULL;
    if (PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1) {
        char *data = NULL;
        long n = BIO_get_mem_data(b, &data);
        if (n > 0 && (out = malloc((size_t)n + 1))) {
            memcpy(out, data, (size_t)n);
            out[n] = '\0';
        }
    }
    BIO_free(b);
    return out;
}

EVP_PKEY *lti_key_from_pem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    if (!b)
        return NULL;
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    if (k && EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
        EVP_PKEY_free(k);
        k = NULL;
    }
    return k;
}

/* The big number `name` of `key` as base64url of its big-endian bytes; NULL on failure. */
static char *bn_b64(EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return NULL;
    int len = BN_num_bytes(bn);
    uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
    char *out = NULL;
    if (buf && BN_bn2bin(bn, buf) == len)
        out = lti_b64_encode(buf, (size_t)len);
    free(buf);
    BN_free(bn);
    return out;
}

json_t *lti_key_jwk(EVP_PKEY *key, const char *kid)
{
    char *n = bn_b64(key, OSSL_PKEY_PARAM_RSA_N);
    char *e = bn_b64(key, OSSL_PKEY_PARAM_RSA_E);
    json_t *o = NULL;
    if (n && e)
        o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA", "alg", "RS256", "use", "sig",
                      "kid", kid, "n", n, "e", e);
    free(n);
    free(e);
    return o;
}

/* The base64url member `name` of `jwk` as a BIGNUM; NULL (err set) when absent or bad. */
static BIGNUM *jwk_bn(const json_t *jwk, const char *name, char *err, size_t err_size)
{
    const char *t = json_string_value(json_object_get(jwk, name));
    if (!t || !*t) {
        snprintf(err, err_size, "JWK member \"%s\" is missing", name);
        return NULL;
    }
    uint8_t *bin;
    size_t n;
    /* 8192 bits are 1366 characters */
    if (lti_b64_decode(t, strlen(t), 1400, &bin, &n) != 0 || n == 0) {
        snprintf(err, err_size, "JWK member \"%s\" is not base64url of at most 8192 bits", name);
        return NULL;
    }
    BIGNUM *bn = BN_bin2bn(bin, (int)n, NULL);
    free(bin);
    if (!bn)
        snprintf(err, err_size, "out of memory");
    return bn;
}

EVP_PKEY *lti_key_from_jwk(const json_t *jwk, char *err, size_t err_size)
{
    if (!json_is_object(jwk)) {
        snprintf(err, err_size, "a JWK is not a JSON object");
        return NULL;
    }
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    if (!kty || strcmp(kty, "RSA") != 0) {
        snprintf(err, err_size, "JWK kty is \"%s\", not \"RSA\"", kty ? kty : "(none)");
        return NULL;
    }
    const json_t *alg = json_object_get(jwk, "alg");
    if (alg && (!json_is_string(alg) || strcmp(json_string_value(alg), "RS256") != 0)) {
        snprintf(err, err_size, "JWK alg is not \"RS256\"");
        return NULL;
    }
    const json_t *use = json_object_get(jwk, "use");
    if (use && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0)) {
        snprintf(err, err_size, "JWK use is not \"sig\"");
        return NULL;
    }
    BIGNUM *n = jwk_bn(jwk, "n", err, err_size);
    BIGNUM *e = n ? jwk_bn(jwk, "e", err, err_size) : NULL;
    EVP_PKEY *key = NULL;
    if (n && e) {
        int bits = BN_num_bits(n);
        if (bits < LTI_KEY_MIN_BITS || bits > LTI_KEY_MAX_BITS) {
            snprintf(err, err_size, "JWK modulus has %d bits, not %d..%d", bits, LTI_KEY_MIN_BITS,
                     LTI_KEY_MAX_BITS);
        } else if (BN_is_zero(e) || !BN_is_odd(e) || BN_num_bits(e) > 64) {
            snprintf(err, err_size, "JWK exponent e is not an odd number of at most 64 bits");
        } else {
            OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
            OSSL_PARAM *params = NULL;
            EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
            if (bld && ctx && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
                OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
                (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(ctx) == 1 &&
                EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1) {
                /* key made */
            } else {
                key = NULL;
                snprintf(err, err_size, "JWK n and e do not make an RSA key");
            }
            OSSL_PARAM_free(params);
            OSSL_PARAM_BLD_free(bld);
            EVP_PKEY_CTX_free(ctx);
        }
    }
    BN_free(n);
    BN_free(e);
    return key;
}

lti_jwks_result lti_jwks_find(const json_t *jwks, const char *kid, EVP_PKEY **out, char *err,
                              size_t err_size)
{
    *out = NULL;
    const json_t *keys = json_object_get(jwks, "keys");
    if (!json_is_array(keys)) {
        snprintf(err, err_size, "the JWKS is not an object with a \"keys\" array");
        return LTI_JWKS_MALFORMED;
    }
    const json_t *hit = NULL;
    if (kid) {
        size_t i;
        const json_t *k;
        json_array_foreach(keys, i, k)
        {
            const char *id = json_string_value(json_object_get(k, "kid"));
            if (id && strcmp(id, kid) == 0) {
                hit = k;
                break;
            }
        }
    } else if (json_array_size(keys) == 1) {
        hit = json_array_get(keys, 0);
    }
    if (!hit) {
        if (kid)
            snprintf(err, err_size, "the JWKS has no key with kid \"%.80s\"", kid);
        else
            snprintf(err, err_size, "the token names no kid and the JWKS has %zu keys",
                     json_array_size(keys));
        return LTI_JWKS_NO_KID;
    }
    *out = lti_key_from_jwk(hit, err, err_size);
    return *out ? LTI_JWKS_FOUND : LTI_JWKS_MALFORMED;
}
