/*
 * cmd_analyze.c — `tcplab analyze FILE|-`: a capture (pcap or pcapng) explained state by
 * state, printed as the trace JSON (with connections and observations) or as text.
 *
 * Owns: the options (--format json|text, --connection N, --lang en|zh-CN,
 * --max-connections N|0) and the exit codes: 0 success; 2 a file that is not a readable
 * capture or breaks a limit (the message names the packet); 1 out of memory or output.
 * Does not: read or interpret packets itself (server/capture/capture.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"

static void analyze_usage(FILE *f)
{
    fprintf(f,
            "usage: tcplab analyze FILE|- [--format json|text] [--connection N] "
            "[--lang en|zh-CN] [--max-connections N]\n"
            "  FILE               a capture from tcpdump -w or Wireshark (pcap or pcapng; "
            "\"-\": standard input)\n"
            "  --format           json (default): the trace JSON with \"connections\" and "
            "\"observations\"; text: a ladder\n"
            "  --connection       which connection's steps to show (1-based, default 1)\n"
            "  --lang             zh-CN adds rule_zh and text_zh (json)\n"
            "  --max-connections  default %u; 0 lifts the limit (at most %u packets "
            "either way)\n",
            CAPTURE_MAX_CONNECTIONS, CAPTURE_MAX_PACKETS);
}

static int parse_uint(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

int cmd_analyze(int argc, char **argv)
{
    const char *file = NULL, *format = "json", *lang = "en";
    capture_options opt = {0, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            analyze_usage(stdout);
            return 0;
        }
        const char *names[] = {"--format", "--connection", "--lang", "--max-connections"};
        int which = -1;
        for (int k = 0; k < 4; k++) {
            size_t n = strlen(names[k]);
            if (!strncmp(a, names[k], n) && (a[n] == '\0' || a[n] == '=')) {
                which = k;
                if (a[n] == '=')
                    v = a + n + 1;
                else if (i + 1 < argc)
                    v = argv[++i];
                break;
            }
        }
        if (which >= 0 && !v) {
            fprintf(stderr, "tcplab analyze: %s needs a value\n", names[which]);
            return 2;
        }
        unsigned long n;
        switch (which) {
        case 0:
            if (strcmp(v, "json") && strcmp(v, "text")) {
                fprintf(stderr, "tcplab analyze: --format must be json or text\n");
                return 2;
            }
            format = v;
            continue;
        case 1:
            if (parse_uint(v, &n) || n == 0 || n > UINT32_MAX) {
                fprintf(stderr, "tcplab analyze: --connection must be a number from 1\n");
                return 2;
            }
            opt.connection = (uint32_t)n;
            continue;
        case 2:
            if (strcmp(v, "en") && strcmp(v, "zh-CN")) {
                fprintf(stderr, "tcplab analyze: --lang must be en or zh-CN\n");
                return 2;
            }
            lang = v;
            continue;
        case 3:
            if (parse_uint(v, &n)) {
                fprintf(stderr, "tcplab analyze: --max-connections must be a number (0: no "
                                "limit)\n");
                return 2;
            }
            opt.max_connections = n ? (size_t)n : SIZE_MAX;
            continue;
        default:
            break;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "tcplab analyze: unknown option \"%s\"\n", a);
            analyze_usage(stderr);
            return 2;
        }
        if (file) {
            fprintf(stderr, "tcplab analyze: more than one FILE given\n");
            return 2;
        }
        file = a;
    }
    if (!file) {
        fprintf(stderr, "tcplab analyze: give a capture FILE (or - for stdin)\n");
        analyze_usage(stderr);
        return 2;
    }
    capture_result res;
    int rc = 0;
    if (capture_analyze_file(file, &opt, &res) != 0) {
        fprintf(stderr, "tcplab analyze: %s: %s\n", strcmp(file, "-") ? file : "<stdin>",
                res.message);
        rc = res.error == CAPTURE_ERR_NOMEM ? 1 : 2;
        capture_result_cleanup(&res);
        return rc;
    }
    char *out = !strcmp(format, "text") ? capture_text(&res)
                                        : capture_json(&res, !strcmp(lang, "zh-CN"), NULL);
    if (!out) {
        fprintf(stderr, "tcplab analyze: out of memory\n");
        rc = 1;
    } else {
        fputs(out, stdout);
        if (strcmp(format, "text"))
            fputc('\n', stdout);
        free(out);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "tcplab analyze: writing output: %s\n", strerror(errno));
            rc = 1;
        }
    }
    capture_result_cleanup(&res);
    return rc;
}
