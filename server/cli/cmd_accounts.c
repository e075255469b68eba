/* cmd_accounts.c — placeholder until its issue lands. */
#include "cli.h"

#include <stdio.h>

int cmd_user(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "tcplab %s: not built yet\n", argv[0]);
    return 2;
}

int cmd_token(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "tcplab %s: not built yet\n", argv[0]);
    return 2;
}

int cmd_lessons(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "tcplab %s: not built yet\n", argv[0]);
    return 2;
}

