/*
 * store_schema.c — the database schema, as one ordered list of migrations.
 *
 * Owns: every CREATE/ALTER the program has ever shipped. store.c applies the pending
 * ones at open, each in its own BEGIN IMMEDIATE transaction, and records the reached
 * version in PRAGMA user_version.
 * Does not: run anything itself, or hold queries (those live in each area's file).
 *
 * RULES for later helpers: APPEND a new entry with the next version number (2, 3, ...)
 * at the end of the list. Never edit, reorder or delete a migration that has been
 * committed: databases in the field have already applied it. A migration must be valid
 * SQLite and should be written so that a PostgreSQL backend could mirror it.
 */
#include "store_internal.h"

const store_migration store_migrations[] = {
    {1, "simulations",
     "CREATE TABLE simulations (\n"
     "  id            TEXT PRIMARY KEY NOT NULL,  -- random, URL-safe (base64url, 22 chars)\n"
     "  scenario_json TEXT NOT NULL,              -- the resolved scenario (docs/scenario.md)\n"
     "  created_at    INTEGER NOT NULL            -- Unix time, seconds\n"
     ");\n"},
    {2, "accounts",
     "CREATE TABLE users (\n"
     "  id         INTEGER PRIMARY KEY,\n"
     "  name       TEXT NOT NULL UNIQUE,\n"
     "  role       TEXT NOT NULL CHECK (role IN ('student','instructor','admin')),\n"
     "  pw_hash    TEXT NOT NULL,               -- libsodium crypto_pwhash_str (argon2id)\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE TABLE sessions (\n"
     "  token_hash TEXT PRIMARY KEY NOT NULL,   -- hex BLAKE2b-256 of the cookie value\n"
     "  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "  csrf       TEXT NOT NULL,               -- double-submit token for X-CSRF-Token\n"
     "  created_at INTEGER NOT NULL,\n"
     "  expires_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE TABLE api_tokens (\n"
     "  id           INTEGER PRIMARY KEY,\n"
     "  name         TEXT NOT NULL,\n"
     "  role         TEXT NOT NULL CHECK (role IN ('student','grader','instructor','admin')),\n"
     "  token_hash   TEXT NOT NULL UNIQUE,      -- hex BLAKE2b-256 of the bearer token\n"
     "  created_at   INTEGER NOT NULL,\n"
     "  last_used_at INTEGER,\n"
     "  revoked_at   INTEGER\n"
     ");\n"},
    {3, "grading",
     "CREATE TABLE challenges (\n"
     "  id            INTEGER PRIMARY KEY,\n"
     "  title         TEXT NOT NULL,\n"
     "  scenario_json TEXT NOT NULL,            -- the resolved scenario (docs/scenario.md)\n"
     "  goal_json     TEXT NOT NULL,            -- predicates, see server/grading/goal.h\n"
     "  points        REAL NOT NULL DEFAULT 1,\n"
     "  created_by    TEXT NOT NULL,\n"
     "  created_at    INTEGER NOT NULL\n"
     ");\n"
     "CREATE TABLE submissions (\n"
     "  id              INTEGER PRIMARY KEY,\n"
     "  kind            TEXT NOT NULL,          -- 'trace' | 'challenge' | 'quiz'\n"
     "  ref             TEXT NOT NULL,          -- scenario name, challenge id, question id\n"
     "  user_name       TEXT,                   -- the student graded (NULL: anonymous)\n"
     "  actor           TEXT NOT NULL,          -- who posted: 'user:NAME' or 'token:ID'\n"
     "  idempotency_key TEXT,\n"
     "  request_hash    TEXT NOT NULL,\n"
     "  answer_json     TEXT NOT NULL,\n"
     "  result_json     TEXT NOT NULL,\n"
     "  score           REAL NOT NULL,          -- 0..1\n"
     "  status          INTEGER NOT NULL,       -- HTTP status the submission was answered with\n"
     "  created_at      INTEGER NOT NULL,\n"
     "  UNIQUE (actor, idempotency_key)\n"
     ");\n"
     "CREATE INDEX submissions_user ON submissions (user_name, kind, ref);\n"
     "CREATE INDEX submissions_ref ON submissions (kind, ref);\n"},
    {4, "lessons",
     "CREATE TABLE lesson_revisions (\n"
     "  id         INTEGER PRIMARY KEY,         -- global; the lesson's ETag is \"r<id>\"\n"
     "  slug       TEXT NOT NULL,\n"
     "  locale     TEXT NOT NULL CHECK (locale IN ('en','zh-CN')),\n"
     "  body       TEXT NOT NULL,               -- the whole file, byte-exact\n"
     "  author     TEXT NOT NULL,               -- 'import', 'user:NAME', 'token:ID'\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX lesson_revisions_lesson ON lesson_revisions (slug, locale, id);\n"
     "CREATE TABLE lessons (\n"
     "  slug             TEXT NOT NULL,\n"
     "  locale           TEXT NOT NULL CHECK (locale IN ('en','zh-CN')),\n"
     "  deleted          INTEGER NOT NULL DEFAULT 0,\n"
     "  current_revision INTEGER NOT NULL REFERENCES lesson_revisions (id),\n"
     "  created_at       INTEGER NOT NULL,\n"
     "  updated_at       INTEGER NOT NULL,\n"
     "  PRIMARY KEY (slug, locale)\n"
     ");\n"},
    {5, "server secrets",
     "CREATE TABLE server_secrets (\n"
     "  name       TEXT PRIMARY KEY NOT NULL,    -- what the secret is for\n"
     "  value      TEXT NOT NULL,                -- hex, random; never leaves the server\n"
     "  created_at INTEGER NOT NULL\n"
     ");\n"
     "INSERT INTO server_secrets (name, value, created_at)\n"
     "  VALUES ('quiz-exam-seed', lower(hex(randomblob(32))),\n"
     "          CAST(strftime('%s', 'now') AS INTEGER));\n"},
    {6, "student tokens act as a user",
     "ALTER TABLE api_tokens ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;\n"},
    {7, "anonymous saved simulations",
     "ALTER TABLE simulations ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;\n"
     "CREATE INDEX simulations_anonymous ON simulations (anonymous, created_at);\n"},
    {8, "lesson revision notes",
     "ALTER TABLE lesson_revisions ADD COLUMN note TEXT NOT NULL DEFAULT '';\n"},
    {9, "roster: display names, e-mail, sections, one-time sign-in links",
     "ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';\n"
     "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';\n"
     "ALTER TABLE users ADD COLUMN section TEXT NOT NULL DEFAULT '';  -- '' : none\n"
     "CREATE INDEX users_role_section ON users (role, section, name);\n"
     "CREATE TABLE signin_links (\n"
     "  token_hash TEXT PRIMARY KEY NOT NULL,   -- hex BLAKE2b-256 of the link's token\n"
     "  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "  created_at INTEGER NOT NULL,\n"
     "  expires_at INTEGER NOT NULL\n"
     ");\n"
     "CREATE INDEX signin_links_user ON signin_links (user_id);\n"
     "CREATE INDEX submissions_user_score ON submissions (user_name, kind, ref, score);\n"},
    {10, "lesson files synced",
     "CREATE TABLE lesson_file_sync (\n"
     "  slug      TEXT NOT NULL,\n"
     "  locale    TEXT NOT NULL CHECK (locale IN ('en','zh-CN')),\n"
     "  revision  INTEGER NOT NULL REFERENCES lesson_revisions (id), -- holds the file's text\n"
     "  file_hash TEXT,            -- hex BLAKE2b-256 of that text; NULL: hash the revision\n"
     "  dir       TEXT NOT NULL,   -- the folder it was synced with (real path; '' unknown)\n"
     "  synced_at INTEGER NOT NULL,\n"
     "  PRIMARY KEY (slug, locale)\n"
     ");\n"
     "INSERT INTO lesson_file_sync (slug, locale, revision, file_hash, dir, synced_at)\n"
     "  SELECT slug, locale, min(id), NULL, '', min(created_at) FROM lesson_revisions\n"
     "  WHERE author = 'import' GROUP BY slug, locale;\n"},
    {11, "LTI 1.3: platforms, deployments, logins, tool keys, accounts, links, outbox",
     "CREATE TABLE lti_platforms (\n"
     "  id              INTEGER PRIMARY KEY,\n"
     "  issuer          TEXT NOT NULL,\n"
     "  client_id       TEXT NOT NULL,\n"
     "  auth_url        TEXT NOT NULL,          -- OIDC authorization endpoint\n"
     "  token_url       TEXT NOT NULL,          -- OAuth 2 token endpoint (AGS)\n"
     "  jwks_url        TEXT NOT NULL,\n"
     "  jwks_json       TEXT,                   -- the platform's keys as last fetched\n"
     "  jwks_fetched_at INTEGER,\n"
     "  created_at      INTEGER NOT NULL,\n"
     "  UNIQUE (issuer, client_id)\n"
     ");\n"
     "CREATE TABLE lti_deployments (\n"
     "  platform_id   INTEGER NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,\n"
     "  deployment_id TEXT NOT NULL,\n"
     "  PRIMARY KEY (platform_id, deployment_id)\n"
     ");\n"
     "CREATE TABLE lti_logins (\n"
     "  state_hash  TEXT PRIMARY KEY NOT NULL,  -- hex BLAKE2b-256 of the state\n"
     "  nonce       TEXT NOT NULL UNIQUE,       -- single use: used_at set by the launch\n"
     "  platform_id INTEGER NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,\n"
     "  created_at  INTEGER NOT NULL,\n"
     "  expires_at  INTEGER NOT NULL,\n"
     "  used_at     INTEGER\n"
     ");\n"
     "CREATE TABLE lti_keys (\n"
     "  kid         TEXT PRIMARY KEY NOT NULL,\n"
     "  private_pem TEXT NOT NULL,              -- PKCS#8; never leaves the server\n"
     "  created_at  INTEGER NOT NULL,\n"
     "  retired_at  INTEGER,                    -- NULL: the key that signs\n"
     "  expires_at  INTEGER                     -- a retired key is published until then\n"
     ");\n"
     "CREATE TABLE lti_users (\n"
     "  issuer  TEXT NOT NULL,\n"
     "  sub     TEXT NOT NULL,\n"
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "  PRIMARY KEY (issuer, sub)\n"
     ");\n"
     "CREATE TABLE lti_links (\n"
     "  platform_id      INTEGER NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,\n"
     "  resource_link_id TEXT NOT NULL,\n"
     "  resource         TEXT NOT NULL,         -- 'lesson:SLUG', 'quiz:ID', 'challenge:ID'\n"
     "  lineitem         TEXT NOT NULL DEFAULT '', -- AGS line item URL ('' none)\n"
     "  updated_at       INTEGER NOT NULL,\n"
     "  PRIMARY KEY (platform_id, resource_link_id)\n"
     ");\n"
     "CREATE TABLE lti_outbox (\n"
     "  id            INTEGER PRIMARY KEY,\n"
     "  platform_id   INTEGER NOT NULL REFERENCES lti_platforms(id) ON DELETE CASCADE,\n"
     "  lineitem      TEXT NOT NULL,\n"
     "  sub           TEXT NOT NULL,            -- the platform's user id\n"
     "  score_given   REAL NOT NULL,\n"
     "  score_maximum REAL NOT NULL,\n"
     "  score_ts      INTEGER NOT NULL,         -- Unix ms of the score; only newer replace\n"
     "  version       INTEGER NOT NULL,\n"
     "  state         TEXT NOT NULL CHECK (state IN ('pending','done','failed')),\n"
     "  attempts      INTEGER NOT NULL DEFAULT 0,\n"
     "  next_at       INTEGER NOT NULL,\n"
     "  last_status   INTEGER NOT NULL DEFAULT 0, -- HTTP status of the last post (0 none)\n"
     "  last_answer   TEXT NOT NULL DEFAULT '',   -- its first bytes, for admins\n"
     "  updated_at    INTEGER NOT NULL,\n"
     "  UNIQUE (platform_id, lineitem, sub)\n"
     ");\n"
     "CREATE INDEX lti_outbox_due ON lti_outbox (state, next_at);\n"},
    /* Append migration 12 here. */
};
const size_t store_migration_count = sizeof store_migrations / sizeof store_migrations[0];
