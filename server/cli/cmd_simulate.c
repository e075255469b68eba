/*
 * cmd_simulate.c — `tcplab simulate` (run a scenario, print its trace) and
 * `tcplab scenarios` (list the built-in catalog).
 *
 * Owns: argument parsing for these two verbs, reading the scenario file (or stdin),
 * and turning codec/engine failures into messages and exit codes:
 *   0 success; 1 the engine refused or failed (a bound such as SIM_MAX_STEPS, memory,
 *   output, a capture over --max-bytes); 2 bad usage or bad input (unreadable file, malformed
 *   JSON, invalid scenario — every problem printed with its JSON pointer — or an unknown
 *   scenario name).
 * The output (json, text or a pcap capture) is made whole in memory first and then written
 * to standard output or --output FILE, so a refused run leaves no partial file. A capture is
 * never written to a terminal, and is at most --max-bytes long (default 64 MiB).
 * Does not: validate scenarios itself (scenario_json.c), simulate (sim.c) or lay out packets
 * (capture/pcap_write.c).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../capture/pcap_write.h"
#include "../engine/sim.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "../util/readall.h"

#define MAX_INPUT           (8u * 1024u * 1024u) /* scenario files larger than this are refused */
#define DEFAULT_MAX_CAPTURE ((size_t)64 * 1024 * 1024) /* --max-bytes without the option */

static void simulate_usage(FILE *f)
{
    fprintf(f, "usage: tcplab simulate [FILE|-] [--scenario NAME] [--format json|text|pcap]\n"
               "                        [--output FILE] [--ip 4|6] [--max-bytes N]\n"
               "  FILE        a scenario JSON (docs/scenario.md) (\"-\": standard input)\n"
               "  --scenario  run a built-in scenario (see `tcplab scenarios`)\n"
               "  --format    json (default): the trace JSON; text: a ladder diagram;\n"
               "              pcap: a capture file for Wireshark and tcpdump (each segment at\n"
               "              its sender, dropped ones included; see README)\n"
               "  --output    write to FILE instead of standard output (a pcap is never\n"
               "              written to a terminal)\n"
               "  --ip        pcap: IPv4 (default: 192.0.2.1:49152 -> 198.51.100.1:9000) or\n"
               "              IPv6 (2001:db8::1 -> 2001:db8::2)\n"
               "  --max-bytes pcap: refuse a capture longer than N bytes (default 67108864)\n");
}

/* Writes `len` bytes to `path` (NULL: standard output). 0, or 1 with a message. */
static int write_out(const char *path, const char *data, size_t len)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "tcplab simulate: %s: %s\n", path, strerror(errno));
        return 1;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    if (path)
        ok = fclose(f) == 0 && ok;
    else
        ok = fflush(f) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "tcplab simulate: writing %s: %s\n", path ? path : "output",
                strerror(errno));
        return 1;
    }
    return 0;
}

/* Accepts "--opt VALUE" and "--opt=VALUE". Returns 1 if argv[*i] is `opt` (advancing *i
 * past a separate value and storing it), 0 if not, -1 if the value is missing. */
static int take_opt(int argc, char **argv, int *i, const char *opt, const char **val)
{
    size_t n = strlen(opt);
    if (strncmp(argv[*i], opt, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

int cmd_simulate(int argc, char **argv)
{
    const char *file = NULL, *name = NULL, *format = "json", *output = NULL;
    bool ipv6 = false;
    size_t max_bytes = DEFAULT_MAX_CAPTURE;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            simulate_usage(stdout);
            return 0;
        } else if ((r = take_opt(argc, argv, &i, "--scenario", &v)) != 0) {
            if (r < 0) {
                fprintf(stderr, "tcplab simulate: --scenario needs a NAME\n");
                return 2;
            }
            name = v;
        } else if ((r = take_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0 || (strcmp(v, "json") && strcmp(v, "text") && strcmp(v, "pcap"))) {
                fprintf(stderr, "tcplab simulate: --format must be json, text or pcap\n");
                return 2;
            }
            format = v;
        } else if ((r = take_opt(argc, argv, &i, "--output", &v)) != 0 ||
                   (r = take_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0 || !v[0]) {
                fprintf(stderr, "tcplab simulate: --output needs a FILE\n");
                return 2;
            }
            output = v;
        } else if ((r = take_opt(argc, argv, &i, "--ip", &v)) != 0) {
            if (r < 0 || (strcmp(v, "4") && strcmp(v, "6"))) {
                fprintf(stderr, "tcplab simulate: --ip must be 4 or 6\n");
                return 2;
            }
            ipv6 = v[0] == '6';
        } else if ((r = take_opt(argc, argv, &i, "--max-bytes", &v)) != 0) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = r < 0 ? 0 : strtoull(v, &end, 10);
            if (r < 0 || errno || !end || *end || v[0] < '1' || v[0] > '9' || n > SIZE_MAX) {
                fprintf(stderr, "tcplab simulate: --max-bytes must be a positive number of "
                                "bytes\n");
                return 2;
            }
            max_bytes = (size_t)n;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tcplab simulate: unknown option \"%s\"\n", argv[i]);
            simulate_usage(stderr);
            return 2;
        } else if (file) {
            fprintf(stderr, "tcplab simulate: more than one FILE given\n");
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file == !name) {
        fprintf(stderr,
                "tcplab simulate: give either a FILE (or - for stdin) or --scenario NAME\n");
        simulate_usage(stderr);
        return 2;
    }

    char *owned = NULL;
    const char *text;
    size_t len;
    const char *origin; /* for messages */
    if (name) {
        const catalog_entry *e = catalog_find(name);
        if (!e) {
            fprintf(stderr, "tcplab simulate: unknown scenario \"%s\" (see `tcplab scenarios`)\n",
                    name);
            return 2;
        }
        text = e->json;
        len = strlen(text);
        origin = name;
    } else {
        const char *err = NULL;
        if (!strcmp(file, "-")) {
            owned = readall_stream(stdin, MAX_INPUT, &len, &err);
            origin = "<stdin>";
        } else {
            owned = readall_path(file, MAX_INPUT, &len, &err);
            origin = file;
        }
        if (!owned) {
            fprintf(stderr, "tcplab simulate: %s: %s (at most 8 MiB)\n", origin, err);
            return 2;
        }
        text = owned;
    }

    int rc = 0;
    sim_scenario *sc = malloc(sizeof *sc);
    scenario_errors *errs = malloc(sizeof *errs);
    sim *s = NULL;
    sim_trace trace;
    sim_trace_init(&trace);
    if (!sc || !errs) {
        fprintf(stderr, "tcplab simulate: out of memory\n");
        rc = 1;
        goto out;
    }
    if (scenario_parse(text, len, sc, errs) != 0) {
        for (size_t i = 0; i < errs->count; i++) {
            const scenario_error *e = &errs->items[i];
            if (errs->malformed)
                fprintf(stderr, "tcplab simulate: %s: malformed JSON: %s\n", origin, e->detail);
            else
                fprintf(stderr, "tcplab simulate: %s: %s: %s\n", origin,
                        e->pointer[0] ? e->pointer : "(root)", e->detail);
        }
        if (errs->dropped)
            fprintf(stderr, "tcplab simulate: %s: ... and %zu more errors\n", origin,
                    errs->dropped);
        rc = 2;
        goto out;
    }
    s = sim_new();
    if (!s) {
        fprintf(stderr, "tcplab simulate: out of memory\n");
        rc = 1;
        goto out;
    }
    char msg[256] = "";
    sim_status st = sim_run(s, sc, &trace, msg, sizeof msg);
    if (st != SIM_OK) {
        fprintf(stderr, "tcplab simulate: %s: the simulation stopped: %s\n", origin,
                msg[0] ? msg : "engine error");
        rc = 1;
        goto out;
    }
    char *data = NULL;
    size_t data_len = 0;
    if (!strcmp(format, "pcap")) {
        if (!output && isatty(STDOUT_FILENO)) {
            fprintf(stderr, "tcplab simulate: a pcap is binary: give --output FILE or "
                            "redirect standard output\n");
            rc = 2;
            goto out;
        }
        pcap_write_opts po;
        pcap_write_defaults(&po, ipv6);
        po.max_bytes = max_bytes;
        pcap_write_status ps = pcap_write_trace(&trace, sc, &po, &data, &data_len, msg, sizeof msg);
        if (ps != PCAP_WRITE_OK) {
            fprintf(stderr, "tcplab simulate: %s: %s%s\n", origin, msg,
                    ps == PCAP_WRITE_TOO_BIG ? " (--max-bytes)" : "");
            rc = 1;
            goto out;
        }
    } else if (!strcmp(format, "text")) {
        data = trace_to_text_full(&trace, sc);
        data_len = data ? strlen(data) : 0;
    } else {
        json_t *j = trace_to_json_full(&trace, sc);
        char *dump = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        json_decref(j);
        size_t n = dump ? strlen(dump) : 0;
        data = dump ? realloc(dump, n + 2) : NULL;
        if (!data)
            free(dump);
        else {
            data[n] = '\n';
            data[n + 1] = '\0';
            data_len = n + 1;
        }
    }
    if (!data) {
        fprintf(stderr, "tcplab simulate: out of memory\n");
        rc = 1;
        goto out;
    }
    rc = write_out(output, data, data_len);
    free(data);
out:
    sim_trace_cleanup(&trace);
    sim_free(s);
    free(errs);
    free(sc);
    free(owned);
    return rc;
}

int cmd_scenarios(int argc, char **argv)
{
    bool as_json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            as_json = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: tcplab scenarios [--json]\n");
            return 0;
        } else {
            fprintf(stderr,
                    "tcplab scenarios: unknown argument \"%s\"\nusage: tcplab scenarios [--json]\n",
                    argv[i]);
            return 2;
        }
    }
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < catalog_count(); i++) {
            const catalog_entry *e = catalog_at(i);
            if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", e->name, "title",
                                                     e->title, "summary", e->summary))) {
                json_decref(arr);
                arr = NULL;
            }
        }
        char *out = arr ? json_dumps(arr, JSON_INDENT(2)) : NULL;
        json_decref(arr);
        if (!out) {
            fprintf(stderr, "tcplab scenarios: out of memory\n");
            return 1;
        }
        puts(out);
        free(out);
        return 0;
    }
    size_t w = 0;
    for (size_t i = 0; i < catalog_count(); i++)
        if (strlen(catalog_at(i)->name) > w)
            w = strlen(catalog_at(i)->name);
    for (size_t i = 0; i < catalog_count(); i++)
        printf("%-*s  %s\n", (int)w, catalog_at(i)->name, catalog_at(i)->title);
    return 0;
}
