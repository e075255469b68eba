/*
 * cli.h — the `tcplab` command line: one binary, one subcommand per verb.
 *
 * Owns: the table of subcommands and their one-line help. Each subcommand lives in its
 * own file (cmd_<verb>.c) and has the shape below: argv[0] is the verb itself.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 */
#ifndef TCPLAB_CLI_H
#define TCPLAB_CLI_H

int cli_main(int argc, char **argv);

int cmd_simulate(int argc, char **argv);  /* cmd_simulate.c: run a scenario, print its trace */
int cmd_scenarios(int argc, char **argv); /* cmd_simulate.c: list the built-in catalog */
int cmd_analyze(int argc, char **argv);   /* cmd_analyze.c: a capture explained */
int cmd_serve(int argc, char **argv);     /* cmd_serve.c: the HTTP server */
int cmd_check(int argc, char **argv);     /* cmd_check.c: validate lesson files */
int cmd_user(int argc, char **argv);      /* cmd_accounts.c: user add/list */
int cmd_token(int argc, char **argv);     /* cmd_accounts.c: API tokens */
int cmd_lessons(int argc, char **argv);   /* cmd_lessons.c: lessons import/export DIR */
int cmd_roster(int argc, char **argv);    /* cmd_roster.c: roster import FILE */
int cmd_lti(int argc, char **argv);       /* cmd_lti.c: LTI 1.3 platforms and keys */

#endif
