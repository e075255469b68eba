/*
 * test_gzip.c — unit tests of server/http/gzip.c: Accept-Encoding q-value negotiation,
 * the compressible media types, a compress/inflate round trip, and gzip ETags.
 */
#include "testlib.h"

#include "../../server/http/gzip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

TEST(gzip_accept_encoding)
{
    CHECK(!gzip_accepted(NULL));
    CHECK(!gzip_accepted(""));
    CHECK(gzip_accepted("gzip"));
    CHECK(gzip_accepted("GZip"));
    CHECK(gzip_accepted("x-gzip"));
    CHECK(gzip_accepted("gzip, deflate, br"));
    CHECK(gzip_accepted("br;q=1.0, gzip;q=0.8, *;q=0.1"));
    CHECK(gzip_accepted(" gzip ; q = 0.5 "));
    CHECK(gzip_accepted("gzip;q=1"));
    CHECK(gzip_accepted("gzip;q=1.000"));
    CHECK(gzip_accepted("gzip;q=0.001"));
    CHECK(gzip_accepted("*"));
    CHECK(gzip_accepted("br, *;q=0.3"));
    CHECK(gzip_accepted("gzip;level=3"));         /* unknown parameter ignored */
    CHECK(gzip_accepted("gzip;q=0, gzip;q=0.5")); /* the better of two listings */
    CHECK(!gzip_accepted("gzip;q=0"));
    CHECK(!gzip_accepted("gzip;Q=0.000"));
    CHECK(!gzip_accepted("gzip;q=0, *")); /* explicit refusal beats the wildcard */
    CHECK(!gzip_accepted("*;q=0"));
    CHECK(!gzip_accepted("br, deflate"));
    CHECK(!gzip_accepted("identity"));
    CHECK(!gzip_accepted("gzipx, xgzip"));
    CHECK(!gzip_accepted("gzip;q=1.5")); /* malformed q-values count as 0 */
    CHECK(!gzip_accepted("gzip;q=0.1234"));
    CHECK(!gzip_accepted("gzip;q=abc"));
    CHECK(!gzip_accepted("gzip;q="));
    CHECK(!gzip_accepted("gzip;q=  ;")); /* the value runs past the parameter: empty */
    CHECK(!gzip_accepted("gzip;q=\t"));
}

TEST(gzip_compressible_types)
{
    CHECK(gzip_compressible_type("text/html; charset=utf-8"));
    CHECK(gzip_compressible_type("text/css"));
    CHECK(gzip_compressible_type("text/plain; version=0.0.4; charset=utf-8"));
    CHECK(gzip_compressible_type("application/json"));
    CHECK(gzip_compressible_type("Application/JSON"));
    CHECK(gzip_compressible_type("application/problem+json"));
    CHECK(gzip_compressible_type("application/vnd.oai.openapi+json"));
    CHECK(gzip_compressible_type("image/svg+xml"));
    CHECK(gzip_compressible_type("application/javascript"));
    CHECK(!gzip_compressible_type(NULL));
    CHECK(!gzip_compressible_type("image/png"));
    CHECK(!gzip_compressible_type("font/woff2"));
    CHECK(!gzip_compressible_type("text/event-stream"));
    CHECK(!gzip_compressible_type("application/octet-stream"));
    CHECK(!gzip_compressible_type("text/"));
    CHECK(!gzip_compressible_type("application/+json"));
}

TEST(gzip_round_trip)
{
    size_t n = 20000;
    char *in = malloc(n);
    CHECK(in != NULL);
    if (!in)
        return;
    for (size_t i = 0; i < n; i++)
        in[i] = "<g class=\"tl-state\">SYN-SENT</g>\n"[i % 33];
    char *gz = NULL;
    size_t gz_len = 0;
    CHECK_EQ_INT(gzip_compress(in, n, GZIP_LEVEL_DYNAMIC, &gz, &gz_len), 0);
    CHECK(gz != NULL && gz_len > 18 && gz_len < n / 10);
    if (gz) {
        CHECK_EQ_INT((unsigned char)gz[0], 0x1f); /* gzip magic */
        CHECK_EQ_INT((unsigned char)gz[1], 0x8b);
        char *out = malloc(n + 16);
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        CHECK_EQ_INT(inflateInit2(&zs, 15 + 16), Z_OK);
        zs.next_in = (Bytef *)gz;
        zs.avail_in = (uInt)gz_len;
        zs.next_out = (Bytef *)out;
        zs.avail_out = (uInt)(n + 16);
        CHECK_EQ_INT(inflate(&zs, Z_FINISH), Z_STREAM_END);
        CHECK_EQ_INT(zs.total_out, n);
        CHECK(out && memcmp(out, in, n) == 0);
        inflateEnd(&zs);
        free(out);
    }
    free(gz);
    gz = NULL;
    CHECK_EQ_INT(gzip_compress("", 0, GZIP_LEVEL_STATIC, &gz, &gz_len), 0);
    CHECK(gz != NULL && gz_len >= 18);
    free(gz);
    free(in);
}

TEST(gzip_etags)
{
    char buf[64];
    CHECK_EQ_INT(gzip_etag("\"abc\"", buf, sizeof buf), 0);
    CHECK_EQ_STR(buf, "\"abc-gz\"");
    CHECK_EQ_INT(gzip_etag("W/\"abc\"", buf, sizeof buf), 0);
    CHECK_EQ_STR(buf, "W/\"abc-gz\"");
    CHECK_EQ_INT(gzip_etag("abc", buf, sizeof buf), -1);
    CHECK_EQ_INT(gzip_etag(NULL, buf, sizeof buf), -1);
    CHECK_EQ_INT(gzip_etag("\"abc\"", buf, 8), -1); /* needs 9 bytes */
    CHECK_EQ_INT(gzip_etag("\"abc\"", buf, 9), 0);
}
