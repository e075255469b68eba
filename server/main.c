/* main.c — the tcplab binary's entry point. Everything happens in server/cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
