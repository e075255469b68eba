/* test_roster.c — the CSV reader (server/util/csv.c), the roster rules
 * (server/grading/roster.c) and the roster store (server/store/store_roster.c): quoting,
 * line numbers, bounds, per-line errors, all-or-nothing imports, idempotence, sections,
 * sign-in links. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/grading/roster.h"
#include "../../server/store/store_accounts.h"
#include "../../server/store/store_grading.h"
#include "../../server/store/store_roster.h"
#include "../../server/util/csv.h"
#include "test_store_fixture.h"
#include "testlib.h"

/* ---- csv ---- */

TEST(csv_quoting_and_line_numbers)
{
    const char *t = "\xEF\xBB\xBF"
                    "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\nlast,";
    csv_reader r;
    csv_init(&r, t, strlen(t));
    char buf[128];
    const char *f[8];
    size_t nf, line;
    csv_error e;
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 8, &nf, &line, &e), 1);
    CHECK_EQ_INT(nf, 2);
    CHECK_EQ_STR(f[0], "a");
    CHECK_EQ_INT(line, 1);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 8, &nf, &line, &e), 1);
    CHECK_EQ_STR(f[0], "x, y");
    CHECK_EQ_STR(f[1], "say \"hi\"");
    CHECK_EQ_INT(line, 2);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 8, &nf, &line, &e), 1);
    CHECK_EQ_STR(f[0], "two\nlines");
    CHECK_EQ_STR(f[1], "z");
    CHECK_EQ_INT(line, 4); /* the empty line 3 is skipped */
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 8, &nf, &line, &e), 1);
    CHECK_EQ_INT(line, 6);
    CHECK_EQ_INT(nf, 2);
    CHECK_EQ_STR(f[1], "");
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 8, &nf, &line, &e), 0);
}

TEST(csv_errors_name_line_and_field_and_recover)
{
    const char *t = "ok,1\na\"b,2\n\"c\"d,3\nfine,4\n\"open,5\nmore";
    csv_reader r;
    csv_init(&r, t, strlen(t));
    char buf[64];
    const char *f[4];
    size_t nf, line;
    csv_error e;
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e), 1);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e), -1);
    CHECK_EQ_INT(e.line, 2);
    CHECK_EQ_INT(e.field, 1);
    CHECK(strstr(e.message, "double quote inside an unquoted field") != NULL);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e), -1);
    CHECK_EQ_INT(e.line, 3);
    CHECK(strstr(e.message, "after the closing quote") != NULL);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e), 1);
    CHECK_EQ_STR(f[0], "fine");
    CHECK_EQ_INT(line, 4);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 4, &nf, &line, &e), -1);
    CHECK_EQ_INT(e.line, 5);
    CHECK(strstr(e.message, "not closed") != NULL);
}

TEST(csv_bounds)
{
    const char *t = "a,b,c,d,e\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nq\n";
    csv_reader r;
    csv_init(&r, t, strlen(t));
    char buf[16];
    const char *f[3];
    size_t nf, line;
    csv_error e;
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 3, &nf, &line, &e), -1);
    CHECK(strstr(e.message, "too many fields") != NULL);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 3, &nf, &line, &e), -1);
    CHECK(strstr(e.message, "too long") != NULL);
    CHECK_EQ_INT(e.line, 2);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 3, &nf, &line, &e), 1);
    CHECK_EQ_STR(f[0], "q");
    const char nul[] = "a\0b\n";
    csv_init(&r, nul, sizeof nul - 1);
    CHECK_EQ_INT(csv_next(&r, buf, sizeof buf, f, 3, &nf, &line, &e), -1);
    CHECK(strstr(e.message, "NUL") != NULL);
}

/* ---- roster rules ---- */

TEST(roster_parse_canvas_and_rules)
{
    const char *t = "Student,ID,SIS User ID,SIS Login ID,Section,Quiz (1)\n"
                    "    Points Possible,,,,,1\n"
                    "\"Lovelace, Ada\",1,,ada,A,1\n"
                    "张伟,2,,zhangwei,B,\n";
    roster r;
    roster_init(&r);
    CHECK_EQ_INT(roster_parse_csv(&r, t, strlen(t)), 0);
    CHECK_EQ_INT(r.error_total, 0);
    CHECK_EQ_INT(r.nrows, 2);
    CHECK_EQ_STR(r.rows[0].name, "Lovelace, Ada");
    CHECK_EQ_STR(r.rows[0].login, "ada");
    CHECK_EQ_INT(r.rows[0].line, 3);
    CHECK_EQ_STR(r.rows[1].name, "张伟");
    CHECK_EQ_STR(r.rows[1].section, "B");
    roster_free(&r);

    const char *bad = "login,name,email,section\n"
                      "ok,Ok,,\n"
                      "ok,Again,,\n"
                      ",Empty,,\n"
                      "sp ace,X,,\n"
                      "m,M,a@b,\n"
                      "n,N,\xff\xfe,\n";
    roster_init(&r);
    CHECK_EQ_INT(roster_parse_csv(&r, bad, strlen(bad)), 0);
    CHECK_EQ_INT(r.nrows, 1);
    CHECK_EQ_INT(r.error_total, 5);
    CHECK_EQ_INT(r.errors[0].line, 3);
    CHECK_EQ_STR(r.errors[0].column, "login");
    CHECK(strstr(r.errors[0].message, "already on line 2") != NULL);
    CHECK(strstr(r.errors[1].message, "empty") != NULL);
    CHECK_EQ_STR(r.errors[3].column, "email");
    CHECK_EQ_STR(r.errors[4].column, "email");
    roster_free(&r);

    roster_init(&r);
    CHECK_EQ_INT(roster_parse_csv(&r, "name,email\nA,a@b.c\n", 19), 0);
    CHECK_EQ_INT(r.error_total, 1);
    CHECK_EQ_INT(r.errors[0].line, 1);
    roster_free(&r);
}

TEST(roster_row_limit_and_duplicates_at_scale)
{
    roster r;
    roster_init(&r);
    char login[16];
    for (int i = 0; i < ROSTER_MAX_ROWS; i++) {
        snprintf(login, sizeof login, "u%d", i);
        CHECK_EQ_INT(roster_add(&r, (size_t)i + 2, login, "", "", ""), 0);
    }
    CHECK_EQ_INT(r.error_total, 0);
    CHECK_EQ_INT(roster_add(&r, 99999, "extra", "", "", ""), -2);
    CHECK(r.too_many_rows);
    roster_free(&r);
    roster_init(&r);
    CHECK_EQ_INT(roster_add(&r, 2, "a", "", "", ""), 0);
    CHECK_EQ_INT(roster_add(&r, 3, "a", "", "", ""), 0);
    CHECK_EQ_INT(r.nrows, 1);
    CHECK_EQ_INT(r.error_total, 1);
    roster_free(&r);
}

/* ---- roster store ---- */

TEST(store_roster_import_idempotent_all_or_nothing)
{
    test_db t;
    if (test_db_open(&t, "roster")) {
        testlib_fail(__FILE__, __LINE__, "%s", t.err);
        return;
    }
    CHECK_EQ_INT(store_user_add(t.s, "prof", "instructor", "x", NULL), STORE_OK);
    store_roster_in rows[3] = {{"ada", "Ada", "ada@example.org", "A", "h1"},
                               {"wei", "张伟", "", "B", "h2"},
                               {"bob", "Bob", "", "A", "h3"}};
    store_roster_action act[3];
    CHECK_EQ_INT(store_roster_import(t.s, rows, 3, true, 100, 1000, act), STORE_OK);
    CHECK_EQ_INT(act[0], STORE_ROSTER_CREATED);
    store_student *list;
    size_t n;
    CHECK_EQ_INT(store_roster_list(t.s, NULL, 100, &list, &n), STORE_OK);
    CHECK_EQ_INT(n, 0); /* dry run */
    free(list);
    CHECK_EQ_INT(store_roster_import(t.s, rows, 3, false, 100, 1000, act), STORE_OK);
    CHECK_EQ_INT(store_roster_import(t.s, rows, 3, false, 100, 1000, act), STORE_OK);
    CHECK_EQ_INT(act[0], STORE_ROSTER_UNCHANGED);
    CHECK_EQ_INT(act[2], STORE_ROSTER_UNCHANGED);
    rows[2].section = "B";
    CHECK_EQ_INT(store_roster_import(t.s, rows, 3, false, 100, 1000, act), STORE_OK);
    CHECK_EQ_INT(act[2], STORE_ROSTER_UPDATED);
    CHECK_EQ_INT(store_roster_list(t.s, "B", 100, &list, &n), STORE_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_STR(list[0].login, "bob");
        CHECK_EQ_STR(list[1].name, "张伟");
        CHECK(list[1].link_pending);
        CHECK(!list[1].has_password);
    }
    free(list);
    /* a staff login refuses the whole import */
    store_roster_in mixed[2] = {{"new1", "N", "", "A", "h4"}, {"prof", "P", "", "A", "h5"}};
    CHECK_EQ_INT(store_roster_import(t.s, mixed, 2, false, 100, 1000, act), STORE_CONFLICT);
    CHECK_EQ_INT(act[1], STORE_ROSTER_NOT_STUDENT);
    store_student one;
    CHECK_EQ_INT(store_roster_get(t.s, "new1", 100, &one), STORE_NOT_FOUND);
    store_section *secs;
    CHECK_EQ_INT(store_roster_sections(t.s, &secs, &n), STORE_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_STR(secs[0].name, "A");
        CHECK_EQ_INT(secs[0].students, 1);
        CHECK_EQ_INT(secs[1].students, 2);
    }
    free(secs);
    test_db_close(&t);
}

TEST(store_roster_links_reset_remove)
{
    test_db t;
    if (test_db_open(&t, "roster2")) {
        testlib_fail(__FILE__, __LINE__, "%s", t.err);
        return;
    }
    store_roster_in rows[1] = {{"ada", "Ada", "", "A", "link-a"}};
    store_roster_action act[1];
    CHECK_EQ_INT(store_roster_import(t.s, rows, 1, false, 100, 200, act), STORE_OK);
    store_user u;
    CHECK_EQ_INT(store_signin_redeem(t.s, "link-a", 300, &u), STORE_NOT_FOUND); /* expired */
    CHECK_EQ_INT(store_roster_reset(t.s, "ada", "link-b", 100, 1000), STORE_OK);
    CHECK_EQ_INT(store_signin_redeem(t.s, "link-a", 150, &u), STORE_NOT_FOUND); /* replaced */
    CHECK_EQ_INT(store_signin_redeem(t.s, "link-b", 150, &u), STORE_OK);
    CHECK_EQ_STR(u.name, "ada");
    CHECK_EQ_STR(u.role, "student");
    CHECK_EQ_INT(store_signin_redeem(t.s, "link-b", 150, &u), STORE_NOT_FOUND); /* used */
    CHECK_EQ_INT(store_user_set_password(t.s, u.id, "$argon2id$fake"), STORE_OK);
    store_student s;
    CHECK_EQ_INT(store_roster_get(t.s, "ada", 150, &s), STORE_OK);
    CHECK(s.has_password);
    CHECK(!s.link_pending);
    CHECK_EQ_INT(store_roster_reset(t.s, "nobody", "x", 100, 1000), STORE_NOT_FOUND);
    CHECK_EQ_INT(store_roster_remove(t.s, "ada"), STORE_OK);
    CHECK_EQ_INT(store_roster_remove(t.s, "ada"), STORE_NOT_FOUND);
    test_db_close(&t);
}
