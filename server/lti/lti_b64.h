/*
 * lti_b64.h — base64url without padding (RFC 7515 §2, "Base64url Encoding"), the text form
 * of every JWT segment and JWK number.
 *
 * Owns: the two conversions, on libsodium's sodium_bin2base64 / sodium_base642bin with the
 * URLSAFE_NO_PADDING variant, and their size rules.
 * Does not: accept padding, whitespace or the standard alphabet ('+', '/'): a JWT that
 * carries them is malformed.
 */
#ifndef TCPLAB_LTI_B64_H
#define TCPLAB_LTI_B64_H

#include <stddef.h>
#include <stdint.h>

/* The base64url text of `n` bytes, malloc'ed and NUL-terminated (caller frees); NULL when
 * out of memory. */
char *lti_b64_encode(const uint8_t *bin, size_t n);

/* Decodes the `len` characters at `text` into a malloc'ed buffer (*out, caller frees; one
 * spare NUL byte after the *n bytes, so decoded JSON can be parsed in place). Returns 0, or
 * -1 (nothing allocated) when the text is not base64url without padding or is longer than
 * `max_len` characters. */
int lti_b64_decode(const char *text, size_t len, size_t max_len, uint8_t **out, size_t *n);

#endif
