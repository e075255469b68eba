/*
 * lti_key.h — RSA keys as LTI uses them: the tool's own key pair (generated, kept as PEM
 * text) and platform public keys read from a JWK Set (RFC 7517; kty RSA, members n and e
 * in base64url).
 *
 * Owns: generating, PEM in and out, a public key as a JWK with its kid, and finding the
 * key of a kid in a JWKS document. All on OpenSSL's libcrypto (EVP_PKEY).
 * Does not: fetch a JWKS, cache keys or store them (server/web/lti_keys.c, the store).
 */
#ifndef TCPLAB_LTI_KEY_H
#define TCPLAB_LTI_KEY_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#define LTI_KEY_BITS     2048 /* the tool's keys */
#define LTI_KEY_MIN_BITS 2048 /* platform keys shorter than this are refused */
#define LTI_KEY_MAX_BITS 8192

/* A new RSA key pair of `bits` bits; NULL on failure. Free with EVP_PKEY_free. */
EVP_PKEY *lti_key_generate(int bits);
/* The private key as PKCS#8 PEM text, malloc'ed (caller frees); NULL on failure. */
char *lti_key_private_pem(EVP_PKEY *key);
/* A key (private) from PEM text; NULL when it is not an RSA key. */
EVP_PKEY *lti_key_from_pem(const char *pem);

/* The public half of `key` as a JWK: {"kty":"RSA","alg":"RS256","use":"sig","kid":kid,
 * "n":…,"e":…}. NULL on failure. */
json_t *lti_key_jwk(EVP_PKEY *key, const char *kid);

/* The public key a JWK describes. Refused (NULL, a reason in err): not an object, kty
 * other than "RSA", an "alg" other than "RS256", a "use" other than "sig", n or e missing or
 * not base64url, a modulus outside LTI_KEY_MIN_BITS..LTI_KEY_MAX_BITS bits. */
EVP_PKEY *lti_key_from_jwk(const json_t *jwk, char *err, size_t err_size);

typedef enum lti_jwks_result {
    LTI_JWKS_FOUND = 0,
    LTI_JWKS_NO_KID,   /* no key with that kid (or, kid NULL, not exactly one key) */
    LTI_JWKS_MALFORMED /* not {"keys":[…]}, or the matching key is refused */
} lti_jwks_result;

/* Finds in the JWK Set `jwks` the key whose "kid" is `kid` (NULL: the set's only key) and
 * returns it in *out (caller frees). err says why when the result is not LTI_JWKS_FOUND. */
lti_jwks_result lti_jwks_find(const json_t *jwks, const char *kid, EVP_PKEY **out, char *err,
                              size_t err_size);

#endif
