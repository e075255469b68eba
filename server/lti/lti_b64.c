/*
 * lti_b64.c — base64url without padding, on libsodium (see lti_b64.h).
 */
#include <sodium.h>
#include <stdlib.h>

#include "lti_b64.h"

char *lti_b64_encode(const uint8_t *bin, size_t n)
{
    const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t size = sodium_base64_ENCODED_LEN(n, v);
    char *out = malloc(size);
    if (!out)
        return NULL;
    sodium_bin2base64(out, size, bin, n, v);
    return out;
}

int lti_b64_decode(const char *text, size_t len, size_t max_len, uint8_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (len > max_len || len % 4 == 1)
        return -1;
    size_t cap = len / 4 * 3 + 3;
    uint8_t *buf = malloc(cap + 1);
    if (!buf)
        return -1;
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(buf, cap, text, len, NULL, &got, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text + len) {
        free(buf);
        return -1;
    }
    buf[got] = '\0';
    *out = buf;
    *n = got;
    return 0;
}
