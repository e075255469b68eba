/*
 * cmd_simulate.c — `tcplab simulate` (run a scenario, print its trace) and
 * `tcplab scenarios` (list the built-in catalog).
 *
 * Owns: argument parsing for these two verbs, reading the scenario file (or stdin),
 * and turning codec/engine failures into messages and exit codes:
 *   0 success; 1 the engine refused or failed (a bound such as SIM_MAX_STEPS, memory,
 *   output); 2 bad usage or bad input (unreadable file, malformed JSON, invalid scenario —
 *   every problem printed with its JSON pointer — or an unknown scenario name).
 * Does not: validate scenarios itself (scenario_json.c) or simulate (sim.c).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/sim.h"
#include "../scenario/catalog.h"
#include "../scenario/scenario_json.h"
#include "../util/readall.h"

#define MAX_INPUT (8u * 1024u * 1024u) /* scenario files larger than this are refused */

static void simulate_usage(FILE *f)
{
    fprintf(f, "usage: tcplab simulate [FILE|-] [--scenario NAME] [--format json|text]\n"
               "  FILE       a scenario JSON (docs/scenario.md) (\"-\": standard input)\n"
               "  --scenario run a built-in scenario (see `tcplab scenarios`)\n"
               "  --format   json (default): the trace JSON; text: a ladder diagram\n");
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
    const char *file = NULL, *name = NULL, *format = "json";
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
            if (r < 0 || (strcmp(v, "json") && strcmp(v, "text"))) {
                fprintf(stderr, "tcplab simulate: --format must be json or text\n");
                return 2;
            }
            format = v;
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
    if (!strcmp(format, "text")) {
        char *t = trace_to_text_full(&trace, sc);
        if (!t) {
            fprintf(stderr, "tcplab simulate: out of memory\n");
            rc = 1;
            goto out;
        }
        fputs(t, stdout);
        free(t);
    } else {
        json_t *j = trace_to_json_full(&trace, sc);
        char *out = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        json_decref(j);
        if (!out) {
            fprintf(stderr, "tcplab simulate: out of memory\n");
            rc = 1;
            goto out;
        }
        fputs(out, stdout);
        fputc('\n', stdout);
        free(out);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tcplab simulate: writing output: %s\n", strerror(errno));
        rc = 1;
    }
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
