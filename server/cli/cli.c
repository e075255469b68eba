/*
 * cli.c — dispatches `tcplab VERB ...` to the subcommand that owns VERB.
 * Owns only the table below; every verb's parsing and work is in its own file.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct cli_command {
    const char *verb;
    int (*run)(int argc, char **argv);
    const char *usage;
} cli_command;

static const cli_command commands[] = {
    {"simulate", cmd_simulate, "simulate [FILE|-] [--scenario NAME] [--format json|text]"},
    {"analyze", cmd_analyze,
     "analyze FILE|- [--format json|text] [--connection N]   a capture explained"},
    {"scenarios", cmd_scenarios, "scenarios            list the built-in scenarios"},
    {"serve", cmd_serve,
     "serve [--port N] [--bind ADDR] [--db FILE] [--static DIR] [--lessons DIR] "
     "[--lessons-sync]"},
    {"check", cmd_check, "check DIR|FILE...     validate lesson files"},
    {"user", cmd_user, "user add --role ROLE NAME | user list"},
    {"token", cmd_token, "token create --role ROLE --name NAME | token list | token revoke ID"},
    {"lessons", cmd_lessons,
     "lessons import DIR [--dry-run] [--force] [--author NAME] | lessons export DIR"},
    {"roster", cmd_roster, "roster import FILE [--dry-run]   students from a CSV file"},
    {"lti", cmd_lti, "lti platform add|list|remove … | lti key rotate   LTI 1.3 platforms"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tcplab COMMAND [ARGS]\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].verb))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tcplab: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
