/*
 * store_roster.h — the class roster: students with display names, e-mail addresses and
 * sections, imported in one transaction, and their one-time sign-in links.
 *
 * Owns: the roster columns of `users` and the `signin_links` table (migration 8). A
 * student is a user of role student; a section is the text of its `section` column ("":
 * none), so a class has as many sections as distinct texts. A student created by an
 * import has no usable password (pw_hash "!", which no password verifies) until they
 * redeem a sign-in link and set one. Link tokens, like every secret, arrive here hashed.
 * Does not: parse CSV or check rows (server/grading/roster.c), hash or generate secrets
 * (server/grading/auth.c), or know HTTP.
 */
#ifndef TCPLAB_STORE_ROSTER_H
#define TCPLAB_STORE_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_accounts.h"

#define STORE_ROSTER_NAME_SIZE    256
#define STORE_ROSTER_EMAIL_SIZE   256
#define STORE_ROSTER_SECTION_SIZE 64
#define STORE_NO_PASSWORD         "!" /* the pw_hash of an account without a password */

typedef struct store_roster_in {
    const char *login, *name, *email, *section; /* name/email/section "" for none */
    const char *link_hash; /* the sign-in link given to the student if the row creates one */
} store_roster_in;

typedef enum store_roster_action {
    STORE_ROSTER_CREATED,    /* a new student (with the row's sign-in link) */
    STORE_ROSTER_UPDATED,    /* the student exists; name, e-mail or section changed */
    STORE_ROSTER_UNCHANGED,  /* the student exists exactly so */
    STORE_ROSTER_NOT_STUDENT /* the login belongs to an instructor or admin: refused */
} store_roster_action;

/* Imports `n` rows in ONE durable transaction, all or nothing; actions[i] gets what row i
 * does. `dry_run`: the same decisions, then rolled back. Links expire at `link_expires`.
 * Returns STORE_OK, STORE_CONFLICT when any row is STORE_ROSTER_NOT_STUDENT (nothing
 * written), STORE_ERROR otherwise (nothing written). */
store_status store_roster_import(store *s, const store_roster_in *rows, size_t n, bool dry_run,
                                 int64_t now, int64_t link_expires, store_roster_action *actions);

typedef struct store_student {
    int64_t id;
    char login[STORE_NAME_SIZE];
    char name[STORE_ROSTER_NAME_SIZE];
    char email[STORE_ROSTER_EMAIL_SIZE];
    char section[STORE_ROSTER_SECTION_SIZE];
    int64_t created_at;
    bool has_password; /* false: can sign in only with a sign-in link */
    bool link_pending; /* an unexpired, unused sign-in link exists */
} store_student;

/* Students (role student) by login; `section` NULL: all, else only that section ("": the
 * students without one). `now` decides link_pending. *out malloc'ed (caller frees). */
store_status store_roster_list(store *s, const char *section, int64_t now, store_student **out,
                               size_t *n);
/* One student by login; STORE_NOT_FOUND if no student has it. */
store_status store_roster_get(store *s, const char *login, int64_t now, store_student *out);

typedef struct store_section {
    char name[STORE_ROSTER_SECTION_SIZE];
    int64_t students;
} store_section;
/* Every section with students, by name ("" — students without a section — included when
 * there are any). *out malloc'ed (caller frees). */
store_status store_roster_sections(store *s, store_section **out, size_t *n);

/* Removes the student `login` (their sessions, tokens and links go with the account; their
 * submissions stay, as records, and their login, name and section are kept in the removed
 * list until an import brings the login back). STORE_NOT_FOUND if no student has that
 * login. */
store_status store_roster_remove(store *s, const char *login);

typedef struct store_removed {
    char login[STORE_NAME_SIZE];
    char name[STORE_ROSTER_NAME_SIZE];
    char section[STORE_ROSTER_SECTION_SIZE];
    int64_t removed_at;
} store_removed;

/* Removed students by login; `section` NULL: all, else those who were in that section. */
store_status store_roster_removed(store *s, const char *section, store_removed **out, size_t *n);
/* Resets the student `login`: the password is cleared, sessions and earlier links are
 * deleted, and `link_hash` becomes their one sign-in link. STORE_NOT_FOUND if no student. */
store_status store_roster_reset(store *s, const char *login, const char *link_hash, int64_t now,
                                int64_t link_expires);

/* Redeems a sign-in link: deletes it (a link works once) and returns its user. STORE_NOT_FOUND
 * if there is no such unexpired link. */
store_status store_signin_redeem(store *s, const char *link_hash, int64_t now, store_user *out);
/* Sets user `id`'s password hash (crypto_pwhash_str). STORE_NOT_FOUND if no such user. */
store_status store_user_set_password(store *s, int64_t id, const char *pw_hash);

#endif
