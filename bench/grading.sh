#!/usr/bin/env bash
# bench/grading.sh — grading throughput: acknowledged challenge submissions per
# second with BENCH_GRADING_CONNS (32) concurrent clients, each one durable before its 201
# (synchronous=FULL, group commit), and the latency percentiles wrk reports. Then every
# acknowledged submission is counted in the database. Target ≥ 2,000/s, p99 < 50 ms.
# Figures, not pass/fail.
# env: TCPLAB_BIN (build/tcplab), BENCH_DURATION (10s), BENCH_GRADING_CONNS (32),
#      BENCH_THREADS (2)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TCPLAB_BIN:-build/tcplab}
DUR=${BENCH_DURATION:-10s}
CONNS=${BENCH_GRADING_CONNS:-32}
THREADS=${BENCH_THREADS:-2}
command -v wrk >/dev/null || { echo "grading bench: wrk is missing (make deps-bench)"; exit 1; }
[ -x "$BIN" ] || { echo "grading bench: $BIN not built"; exit 1; }

work=$(mktemp -d /tmp/tcplab-gbench-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/t.db"
GRADER=$("$BIN" token create --role grader --name bench --db "$db" 2>/dev/null)
PROF=$("$BIN" token create --role instructor --name prof --db "$db" 2>/dev/null)
"$BIN" serve --port 0 --bind 127.0.0.1 --db "$db" --quiet >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/out" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's#.*listening on \(http://[^/]*\)/.*#\1#p' "$work/out")
[ -n "$BASE" ] || { echo "grading bench: server did not start"; cat "$work/err"; exit 1; }

ID=$(curl -s -H "Authorization: Bearer $PROF" -H 'Content-Type: application/json' \
  -d '{"title":"bench","scenario":"half-close","goal":{"reach":{"all":[{"state":{"endpoint":"server","is":"CLOSE-WAIT"}},{"state":{"endpoint":"client","is":"FIN-WAIT-2"}}]},"never":{"state_visited":{"endpoint":"client","is":"TIME-WAIT"}}}}' \
  "$BASE/api/v1/challenges" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
[ -n "$ID" ] || { echo "grading bench: could not create the challenge"; exit 1; }

cat >"$work/post.lua" <<LUA
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $GRADER"
request = function()
  n = n + 1
  local body = '{"user":"s' .. (n % 200) .. '","events":[{"at_ms":0,"endpoint":"server","call":"listen"},{"at_ms":0,"endpoint":"client","call":"connect"},{"at_ms":500,"endpoint":"client","call":"close"}]}'
  return wrk.format(nil, "/api/v1/challenges/$ID/submissions", nil, body)
end
LUA
echo "grading: POST /api/v1/challenges/$ID/submissions, $CONNS connections, $DUR (durable, group commit)"
wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s "$work/post.lua" "$BASE" | tee "$work/wrk.txt" |
  grep -E 'Requests/sec|Non-2xx|50%|90%|99%|requests in'
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
rows=$(sqlite3 "$db" 'SELECT count(*) FROM submissions')
echo "grading: $rows submissions in the database after shutdown"
