#!/usr/bin/env bash
# tests/cli/run.sh — `tcplab simulate` and `tcplab scenarios` from the outside: output
# shape, exit codes (0 ok, 1 engine bound, 2 bad usage/input) and error messages that name
# the JSON pointer. Uses the ASan build when present (a crash or leak fails the case).
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${TCPLAB_CLI_BIN:-}
if [ -z "$BIN" ]; then
  if [ -x build/asan/tcplab ]; then BIN=build/asan/tcplab; else BIN=build/tcplab; fi
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# check NAME WANT_EXIT [--out PATTERN]... [--err PATTERN]... -- ARGS...  (stdin from $STDIN if set)
check() {
  local name=$1 want=$2; shift 2
  local outs=() errs=() nouts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case $1 in
      --out) outs+=("$2"); shift 2 ;;
      --no-out) nouts+=("$2"); shift 2 ;;
      --err) errs+=("$2"); shift 2 ;;
      *) echo "bad check spec $1"; exit 2 ;;
    esac
  done
  shift
  local rc
  if [ -n "${STDIN:-}" ]; then
    "$BIN" "$@" <"$STDIN" >"$tmp/out" 2>"$tmp/err"; rc=$?
  else
    "$BIN" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; rc=$?
  fi
  local why=""
  [ "$rc" = "$want" ] || why="exit $rc, expected $want"
  for p in "${outs[@]+"${outs[@]}"}"; do grep -qF -- "$p" "$tmp/out" || why="$why; stdout lacks: $p"; done
  for p in "${nouts[@]+"${nouts[@]}"}"; do grep -qF -- "$p" "$tmp/out" && why="$why; stdout has: $p"; done
  for p in "${errs[@]+"${errs[@]}"}"; do grep -qF -- "$p" "$tmp/err" || why="$why; stderr lacks: $p"; done
  grep -q "Sanitizer\|runtime error" "$tmp/err" && why="$why; sanitizer report"
  if [ -z "$why" ]; then
    pass=$((pass+1)); echo "ok   $name"
  else
    fail=$((fail+1)); echo "FAIL $name: ${why#; }"
    sed 's/^/    | /' "$tmp/err" | head -8
  fi
}

# --- scenarios
check "scenarios lists the catalog" 0 --out "handshake-and-close" --out "syn-retries-exhausted" -- scenarios
n=$("$BIN" scenarios 2>/dev/null | wc -l)
if [ "$n" = 17 ]; then pass=$((pass+1)); echo "ok   scenarios: 17 lines"; else fail=$((fail+1)); echo "FAIL scenarios: $n lines, expected 17"; fi
check "scenarios --json" 0 --out '"name": "lost-final-ack"' --out '"summary": ' --out '"title": ' -- scenarios --json
check "scenarios bad argument" 2 --err "unknown argument" -- scenarios --xml

# --- simulate: success paths
for s in $("$BIN" scenarios 2>/dev/null | awk '{print $1}'); do
  check "simulate --scenario $s" 0 --out '"steps": [' --out '"final": {' --out '"state_before"' -- simulate --scenario "$s"
done
check "simulate json shape" 0 --out '"kind": "call"' --out '"call": "connect"' --out '"flags": [' \
  --out '"SYN"' --out '"tcb": {' --out '"end_ms"' -- simulate --scenario handshake-and-close
check "simulate --format text" 0 --out "SEQ=100 <SYN> LEN=0" --out "CLIENT" --out "SERVER" \
  --out "TIME-WAIT" --out "final" -- simulate --scenario handshake-and-close --format text
check "simulate --format=text" 0 --out "✕ lost" --out "retransmission" -- simulate --scenario lost-syn --format=text
check "simulate text marks faults" 0 --out "fault: drop" -- simulate --scenario lost-fin --format text

cat >"$tmp/ok.json" <<'J'
{"title": "mine", "client": {"iss": 5000}, "server": {"iss": 9000},
 "events": [{"at_ms": 0, "endpoint": "server", "call": "listen"},
            {"at_ms": 0, "endpoint": "client", "call": "connect"}]}
J
check "simulate FILE" 0 --out '"seq": 5000' --out '"ack": 5001' -- simulate "$tmp/ok.json"
STDIN=$tmp/ok.json check "simulate - (stdin)" 0 --out '"seq": 9000' -- simulate -
check "simulate fault names action" 0 --out '"action": "drop"' -- simulate --scenario lost-syn

# --- simulate: bad usage and bad input (exit 2)
check "no arguments" 2 --err "give either a FILE" -- simulate
check "both FILE and --scenario" 2 --err "give either a FILE" -- simulate "$tmp/ok.json" --scenario lost-syn
check "unknown scenario" 2 --err 'unknown scenario "nope"' -- simulate --scenario nope
check "--scenario without name" 2 --err "needs a NAME" -- simulate --scenario
check "bad --format" 2 --err "json or text" -- simulate --scenario lost-syn --format xml
check "unknown option" 2 --err 'unknown option "--frobnicate"' -- simulate --frobnicate
check "missing file" 2 --err "$tmp/missing.json: No such file" -- simulate "$tmp/missing.json"
check "directory as file" 2 --err "$tmp" -- simulate "$tmp"

printf '{"events": [\n  {"at_ms": 0,,}\n]}' >"$tmp/bad.json"
check "malformed JSON names line and column" 2 --err "malformed JSON: line 2, column" -- simulate "$tmp/bad.json"
printf '' >"$tmp/empty.json"
check "empty input" 2 --err "malformed JSON" -- simulate "$tmp/empty.json"
cat >"$tmp/connet.json" <<'J'
{"events": [{"at_ms": 0, "endpoint": "server", "call": "listen"},
            {"at_ms": 0, "endpoint": "client", "call": "connect"},
            {"at_ms": 9, "endpoint": "client", "call": "close"},
            {"at_ms": 10, "endpoint": "client", "call": "connet"}]}
J
check "unknown call" 2 --err '/events/3/call: unknown call "connet"' --no-out '"steps"' -- simulate "$tmp/connet.json"
cat >"$tmp/many.json" <<'J'
{"client": {"iss": "100"},
 "network": {"faults": [{"action": "drop", "from": "server", "flags": ["SYN"], "nth": 0},
                        {"action": "delay", "from": "client", "flags": ["ACK"]}]},
 "events": [{"at_ms": -5, "endpoint": "client", "call": "connect"},
            {"at_ms": 0, "endpoint": "router", "call": "listen"},
            {"at_ms": 0, "endpoint": "client", "call": "close", "bytes": 3, "colour": "red"}]}
J
check "every problem named by pointer" 2 \
  --err "/client/iss: must be an integer or a list of integers" \
  --err "/network/faults/0/nth: out of range: 0" \
  --err "/network/faults/1/extra_ms: missing" \
  --err "/events/0/at_ms: out of range: -5" \
  --err '/events/1/endpoint: unknown endpoint "router"' \
  --err '/events/2/bytes: only valid with call "send"' \
  --err "/events/2/colour: unknown field" -- simulate "$tmp/many.json"
printf '{"events": [], "title": "\xff"}' >"$tmp/utf8.json"
check "invalid UTF-8" 2 --err "malformed JSON" -- simulate "$tmp/utf8.json"
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$tmp/deep.json" 2>/dev/null \
  || { head -c 100000 /dev/zero | tr '\0' '[' >"$tmp/deep.json"; }
check "deep nesting" 2 --err "malformed JSON" -- simulate "$tmp/deep.json"
echo '{"events": [{"at_ms": 99999999999999999999999, "endpoint": "client", "call": "connect"}]}' >"$tmp/huge.json"
check "huge integer" 2 --err "/events/0/at_ms: out of range" -- simulate "$tmp/huge.json"
echo '{"events": [{"at_ms": 1e400, "endpoint": "client", "call": "connect"}]}' >"$tmp/huge2.json"
check "real overflow" 2 --err "malformed JSON" -- simulate "$tmp/huge2.json"

# --- engine bound (exit 1): one send of 10^9 bytes in 1-byte segments exceeds SIM_MAX_STEPS
cat >"$tmp/bound.json" <<'J'
{"client": {"mss": 1},
 "events": [{"at_ms": 0, "endpoint": "server", "call": "listen"},
            {"at_ms": 0, "endpoint": "client", "call": "connect"},
            {"at_ms": 500, "endpoint": "client", "call": "send", "bytes": 1000000000}]}
J
check "engine step bound exits 1" 1 --err "the simulation stopped" --no-out '"steps"' -- simulate "$tmp/bound.json"

# --- roster import: dry run, per-line errors, all or nothing, idempotent, sign-in links
printf 'name,login,email,section\nAda Lovelace,ada,ada@example.org,A\n张伟,zhangwei,,B\n"Smith, Bob",bob,,A\n' >"$tmp/roster.csv"
printf 'name,login,email,section\nAda,ada,,A\nBad,bad login,,A\nDup,ada,,B\nMail,mm,not-mail,A\n"open,zz,,A\n' >"$tmp/roster-bad.csv"
check "roster dry run" 0 --out "2 ada created" --out "dry run (nothing saved): 3 created" --no-out "/signin#" -- roster import "$tmp/roster.csv" --dry-run --db "$tmp/roster.db"
check "roster errors name line and column" 1 --err "roster-bad.csv:3: login:" --err "roster-bad.csv:4: login: the login \"ada\" is already on line 2" --err "roster-bad.csv:5: email:" --err "roster-bad.csv:6: name: field 1: a quoted field is not closed" --err "nothing was imported" -- roster import "$tmp/roster-bad.csv" --db "$tmp/roster.db"
check "roster bad file imported nothing" 0 --out "3 created" -- roster import "$tmp/roster.csv" --dry-run --db "$tmp/roster.db"
check "roster import prints links once" 0 --out "2 ada created /signin#tl_" --out "3 zhangwei created /signin#" --out "imported: 3 created, 0 updated, 0 unchanged" -- roster import "$tmp/roster.csv" --db "$tmp/roster.db"
check "roster re-import is idempotent" 0 --out "imported: 0 created, 0 updated, 3 unchanged" --no-out "/signin#" -- roster import "$tmp/roster.csv" --db "$tmp/roster.db"
check "roster missing file" 1 --err "nofile.csv" -- roster import "$tmp/nofile.csv" --db "$tmp/roster.db"
check "roster usage" 2 --err "usage: tcplab roster import" -- roster frobnicate

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
