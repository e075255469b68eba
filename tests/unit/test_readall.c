/* test_readall.c — server/util/readall.c: whole files, the size cap, missing files. */
#include "../../server/util/readall.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *temp_with(size_t n, char path[64])
{
    snprintf(path, 64, "/tmp/tcplab-readall-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "wb");
    for (size_t i = 0; i < n; i++)
        fputc('a' + (int)(i % 26), f);
    fclose(f);
    return path;
}

TEST(readall_reads_whole_files_across_buffer_growth)
{
    char path[64];
    CHECK(temp_with(200000, path) != NULL);
    size_t len = 0;
    const char *err = NULL;
    char *buf = readall_path(path, 1u << 20, &len, &err);
    CHECK(buf != NULL);
    CHECK_EQ_INT(len, 200000);
    if (buf) {
        CHECK_EQ_INT(buf[199999], 'a' + 199999 % 26);
        CHECK_EQ_INT(buf[len], 0);
    }
    free(buf);
    /* exactly at the cap is fine; one byte over is refused */
    buf = readall_path(path, 200000, &len, &err);
    CHECK(buf != NULL);
    free(buf);
    buf = readall_path(path, 199999, &len, &err);
    CHECK(buf == NULL);
    CHECK_EQ_STR(err, "input larger than the limit");
    unlink(path);
}

TEST(readall_empty_and_missing_files)
{
    char path[64];
    CHECK(temp_with(0, path) != NULL);
    size_t len = 99;
    const char *err = NULL;
    char *buf = readall_path(path, 10, &len, &err);
    CHECK(buf != NULL);
    CHECK_EQ_INT(len, 0);
    free(buf);
    unlink(path);
    CHECK(readall_path("/nonexistent/tcplab", 10, &len, &err) == NULL);
    CHECK_EQ_STR(err, "No such file or directory");
}
