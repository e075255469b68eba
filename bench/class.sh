#!/usr/bin/env bash
# bench/class.sh — the class page's data at class size: 1,000 students in 4 sections, 20,000
# quiz attempts over every lesson question, 5,000 challenge submissions over 5 challenges.
# Prints p50/p99 server time of each read the class page makes (GET /api/v1/roster,
# /api/v1/class, /api/v1/gradebook JSON and CSV, /api/v1/statistics — for everyone and for
# one section) over BENCH_CLASS_N sequential requests, and the time of a 5,000-line roster
# import (dry run, creating 5,000 students, then the idempotent re-import).
# Targets: each read ≤ 100 ms at p99; the import ≤ 2 s. Figures, not pass/fail.
# Server time: curl's time_starttransfer - time_pretransfer (request sent → first byte of the
# answer, over loopback; every answer here is built whole before its first byte is sent).
# The class is seeded with `tcplab roster import` and sqlite3 (the submissions table as the
# server writes it), so the figures do not include the seeding.
# env: TCPLAB_BIN (build/tcplab), BENCH_CLASS_N (200)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TCPLAB_BIN:-build/tcplab}
N=${BENCH_CLASS_N:-200}
command -v sqlite3 >/dev/null || { echo "class bench: sqlite3 is missing (make deps-bench)"; exit 1; }
[ -x "$BIN" ] || { echo "class bench: $BIN not built"; exit 1; }

work=$(mktemp -d /tmp/tcplab-cbench-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db="$work/t.db"

# --- the class: 1,000 students, sections A-D
{
  echo "name,login,email,section"
  for i in $(seq 0 999); do
    printf 'Student %04d,s%04d,s%04d@example.org,%s\n' "$i" "$i" "$i" "$(printf 'ABCD' | cut -c$((i % 4 + 1)))"
  done
} >"$work/class.csv"
"$BIN" roster import "$work/class.csv" --db "$db" >/dev/null
PROF=$("$BIN" token create --role instructor --name prof --db "$db" 2>/dev/null)

# the quiz questions of the bundled lessons (SLUG.ID), from the lesson files
for f in lessons/*.md; do
  case "$f" in *.zh-CN.md) continue ;; esac
  slug=$(basename "$f" .md)
  awk '/^```quiz/{q=1; next} /^```/{q=0} q && /^- id: /{print $3}' "$f" | sed "s/^/$slug./"
done >"$work/questions.txt"
nq=$(wc -l <"$work/questions.txt")

sqlite3 "$db" <<SQL
CREATE TEMP TABLE q (n INTEGER PRIMARY KEY, ref TEXT);
$(awk '{printf "INSERT INTO q (n, ref) VALUES (%d, \x27%s\x27);\n", NR - 1, $1}' "$work/questions.txt")
BEGIN;
INSERT INTO challenges (title, scenario_json, goal_json, points, created_by, created_at)
  SELECT 'Challenge ' || value, '{}', '{}', 5, 'bench', strftime('%s', 'now')
  FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c WHERE value < 5) SELECT value FROM c);
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 19999)
INSERT INTO submissions (kind, ref, user_name, actor, request_hash, answer_json, result_json, score, status, created_at)
  SELECT 'quiz', (SELECT ref FROM q WHERE n = (i * 7919) % $nq), printf('s%04d', (i * 104729) % 1000),
         'token:1', '', '{"choice":' || (i % 4) || '}', '{}', CASE WHEN i % 4 = 1 THEN 1.0 ELSE 0.0 END,
         200, strftime('%s', 'now') - (20000 - i)
  FROM k;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 4999)
INSERT INTO submissions (kind, ref, user_name, actor, request_hash, answer_json, result_json, score, status, created_at)
  SELECT 'challenge', CAST(1 + i % 5 AS TEXT), printf('s%04d', (i * 7) % 1000), 'token:1', '',
         '{"events":[]}', '{}', CASE WHEN i % 3 = 0 THEN 1.0 ELSE 0.0 END, 201, strftime('%s', 'now') - (5000 - i)
  FROM k;
COMMIT;
ANALYZE;
SQL
echo "class: $(sqlite3 "$db" "SELECT count(*) FROM users WHERE role='student'") students in $(sqlite3 "$db" "SELECT count(DISTINCT section) FROM users WHERE role='student'") sections, $(sqlite3 "$db" "SELECT count(*) FROM submissions WHERE kind='quiz'") quiz attempts over $nq questions, $(sqlite3 "$db" "SELECT count(*) FROM submissions WHERE kind='challenge'") challenge submissions"

"$BIN" serve --port 0 --bind 127.0.0.1 --db "$db" --quiet >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's#.*listening on \(http://[^/]*\)/.*#\1#p' "$work/out")
[ -n "$BASE" ] || { echo "class bench: server did not start"; cat "$work/err"; exit 1; }

# measure PATH: N sequential GETs; prints p50, p99, max server time (ms) and the answer size
measure() {
  local path=$1 code bytes
  read -r code bytes < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "Authorization: Bearer $PROF" "$BASE$path")
  [ "$code" = 200 ] || { echo "class bench: GET $path answered $code"; return; }
  for _ in $(seq "$N"); do
    curl -s -o /dev/null -w '%{time_pretransfer} %{time_starttransfer}\n' -H "Authorization: Bearer $PROF" "$BASE$path"
  done | awk '{print ($2 - $1) * 1000}' | sort -n | awk -v p="$path" -v b="$bytes" '
    { v[NR] = $1 }
    END { i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1;
          printf "  %-44s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%d bytes)\n", p, v[i50], v[i99], v[NR], b }'
}
echo "class page data, $N sequential requests each (target p99 <= 100 ms); load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for q in "" "?section=B"; do
  measure "/api/v1/roster$q"
  measure "/api/v1/class$q"
  measure "/api/v1/gradebook$q"
  measure "/api/v1/gradebook?format=csv${q:+&${q#?}}"
  measure "/api/v1/statistics$q"
done

# --- a 5,000-line roster import (new students, sections A-D, some non-ASCII names)
{
  echo "name,login,email,section"
  for i in $(seq 0 4999); do
    printf '"Nachname %04d, Zoë 学生",n%04d,n%04d@example.org,%s\n' "$i" "$i" "$i" "$(printf 'ABCD' | cut -c$((i % 4 + 1)))"
  done
} >"$work/big.csv"
import() {
  curl -s -o "$work/imp.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $PROF" \
    -H 'Content-Type: text/csv' --data-binary @"$work/big.csv" "$BASE/api/v1/roster/import$1"
}
echo "roster import of 5,000 lines ($(wc -c <"$work/big.csv") bytes; target <= 2 s):"
read -r c t < <(import '?dry_run=1'); echo "  dry run (preview)          HTTP $c  $(awk -v t="$t" 'BEGIN{printf "%.0f ms", t * 1000}')"
read -r c t < <(import ''); echo "  import, 5,000 created      HTTP $c  $(awk -v t="$t" 'BEGIN{printf "%.0f ms", t * 1000}')  $(grep -o '"created":[0-9]*' "$work/imp.json")"
read -r c t < <(import ''); echo "  re-import, all unchanged   HTTP $c  $(awk -v t="$t" 'BEGIN{printf "%.0f ms", t * 1000}')  $(grep -o '"unchanged":[0-9]*' "$work/imp.json")"
echo "  (the class now has $(sqlite3 "$db" "SELECT count(*) FROM users WHERE role='student'") students)"
