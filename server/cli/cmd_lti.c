/*
 * cmd_lti.c — `tcplab lti …`: LTI 1.3 platforms and the tool's keys from the command line.
 *
 *   tcplab lti platform add --issuer URL --client-id ID --deployment ID [--deployment ID …]
 *                           --auth-url URL --token-url URL --jwks-url URL [--db FILE]
 *   tcplab lti platform list [--db FILE]
 *   tcplab lti platform remove ID [--db FILE]
 *   tcplab lti key rotate [--db FILE]
 *
 * Owns: parsing these and printing the outcome (list: one platform a line, tab-separated:
 * id, issuer, client id, deployment ids joined by ',', then the three URLs). Exit 0; 1 when
 * the platform is refused (the reason names the field) or not found; 2 on a usage or store
 * error.
 * Does not: check a platform's fields itself (lti_tool_platform_register) or run SQL.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/store.h"
#include "../store/store_lti.h"
#include "../web/lti_tool.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: tcplab lti platform add --issuer URL --client-id ID --deployment ID\n"
            "                               [--deployment ID ...] --auth-url URL --token-url URL\n"
            "                               --jwks-url URL [--db FILE]\n"
            "       tcplab lti platform list [--db FILE]\n"
            "       tcplab lti platform remove ID [--db FILE]\n"
            "       tcplab lti key rotate [--db FILE]\n"
            "  URLs must be https:// (plain http on 127.0.0.1 only with %s=1, for tests)\n",
            LTI_INSECURE_ENV);
    return 2;
}

static store *open_db(const char *db)
{
    char err[512];
    store *s = store_open(db, err, sizeof err);
    if (!s)
        fprintf(stderr, "tcplab lti: cannot open database %s: %s\n", db, err);
    return s;
}

static int platform_add(int argc, char **argv, const char *db)
{
    lti_tool_platform_in in = {0};
    const char *deps[32];
    size_t nd = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--issuer"))
            in.issuer = v;
        else if (!strcmp(a, "--client-id"))
            in.client_id = v;
        else if (!strcmp(a, "--auth-url"))
            in.auth_url = v;
        else if (!strcmp(a, "--token-url"))
            in.token_url = v;
        else if (!strcmp(a, "--jwks-url"))
            in.jwks_url = v;
        else if (!strcmp(a, "--deployment") && nd < 32)
            deps[nd++] = v;
        else if (!strcmp(a, "--db"))
            db = v;
        else
            return usage();
    }
    if (!in.issuer || !in.client_id || !in.auth_url || !in.token_url || !in.jwks_url || !nd)
        return usage();
    in.deployments = deps;
    in.deployment_count = nd;
    store *s = open_db(db);
    if (!s)
        return 2;
    char err[512];
    int64_t id = 0;
    int rc = lti_tool_platform_register(s, &in, time(NULL), &id, err, sizeof err);
    store_close(s);
    if (rc != 0) {
        fprintf(stderr, "tcplab lti: %s\n", err);
        return 1;
    }
    printf("%lld\n", (long long)id);
    return 0;
}

static int platform_list(const char *db)
{
    store *s = open_db(db);
    if (!s)
        return 2;
    store_lti_platform *rows = NULL;
    size_t n = 0;
    store_status rc = store_lti_platform_list(s, &rows, &n);
    if (rc != STORE_OK) {
        fprintf(stderr, "tcplab lti: %s\n", store_last_error());
        store_close(s);
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        for (char *c = rows[i].deployments; *c; c++)
            if (*c == '\n')
                *c = ',';
        printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)rows[i].id, rows[i].issuer,
               rows[i].client_id, rows[i].deployments, rows[i].auth_url, rows[i].token_url,
               rows[i].jwks_url);
    }
    free(rows);
    store_close(s);
    return 0;
}

int cmd_lti(int argc, char **argv)
{
    const char *env = getenv("TCPLAB_DB");
    const char *db = env && *env ? env : "var/tcplab.db";
    if (argc >= 3 && !strcmp(argv[1], "platform") && !strcmp(argv[2], "add"))
        return platform_add(argc - 3, argv + 3, db);
    /* the other verbs: only --db may follow */
    int end = argc;
    if (argc >= 2 && !strcmp(argv[argc - 2], "--db")) {
        db = argv[argc - 1];
        end = argc - 2;
    }
    if (end == 3 && !strcmp(argv[1], "platform") && !strcmp(argv[2], "list"))
        return platform_list(db);
    if (end == 4 && !strcmp(argv[1], "platform") && !strcmp(argv[2], "remove")) {
        char *e = NULL;
        long long id = strtoll(argv[3], &e, 10);
        if (!e || *e || id <= 0)
            return usage();
        store *s = open_db(db);
        if (!s)
            return 2;
        store_status rc = store_lti_platform_remove(s, id);
        store_close(s);
        if (rc == STORE_NOT_FOUND) {
            fprintf(stderr, "tcplab lti: no platform %lld\n", id);
            return 1;
        }
        if (rc != STORE_OK) {
            fprintf(stderr, "tcplab lti: %s\n", store_last_error());
            return 2;
        }
        return 0;
    }
    if (end == 3 && !strcmp(argv[1], "key") && !strcmp(argv[2], "rotate")) {
        store *s = open_db(db);
        if (!s)
            return 2;
        char kid[STORE_LTI_TEXT_SIZE], err[512];
        int rc = lti_tool_key_rotate(s, time(NULL), kid, sizeof kid, err, sizeof err);
        store_close(s);
        if (rc != 0) {
            fprintf(stderr, "tcplab lti: %s\n", err);
            return 2;
        }
        printf("%s\n", kid);
        return 0;
    }
    return usage();
}
