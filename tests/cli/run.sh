#!/usr/bin/env bash
# tests/cli/run.sh — `tcplab simulate`, `tcplab scenarios`, `tcplab analyze` and `tcplab lessons import/export`
# from the outside: output shape, exit codes (0 ok, 1 engine bound or refused, 2 bad
# usage/input) and error messages that name the JSON pointer or FILE:LINE. Uses the ASan build when present (a crash or leak fails the case).
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
if [ "$n" = 20 ]; then pass=$((pass+1)); echo "ok   scenarios: 20 lines"; else fail=$((fail+1)); echo "FAIL scenarios: $n lines, expected 20"; fi
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
check "bad --format" 2 --err "json, text or pcap" -- simulate --scenario lost-syn --format xml
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

# --- lessons import / export: a course folder beside the database
L=$tmp/course; DB=$tmp/lessons.db
mkdir -p "$L" && cp lessons/*.md "$L"/
check "lessons import --help" 0 --out "--dry-run" --out "--force" --out "database is newer" -- lessons import --help
check "lessons: unknown verb" 2 --err 'unknown verb "sync"' -- lessons sync "$L" --db "$DB"
check "lessons import: missing folder" 1 --err "cannot read lessons folder $tmp/nope" -- lessons import "$tmp/nope" --db "$DB"
check "import --dry-run on an empty database lists new files" 0 --out "new        reset.md" \
  --out "new        time-wait.zh-CN.md" --out "16 new, 0 changed" --out "dry run: 16 files would become new revisions" \
  -- lessons import "$L" --db "$DB" --dry-run
check "dry run wrote nothing" 0 --out "exported 0 lesson files" -- lessons export "$tmp/e0" --db "$DB"
check "import creates a revision per file" 0 --out "imported 16 files as new revisions" \
  --out "by Prof Ada)" -- lessons import "$L" --db "$DB" --author "Prof Ada"
check "import again: all unchanged" 0 --out "0 new, 0 changed, 16 unchanged" --out "imported 0 files" \
  -- lessons import "$L" --db "$DB"
sed -i 's/^# Reset: \(.*\)$/# Reset — \1/' "$L/reset.md"
check "dry run shows the changed file with a line diff" 0 --out "changed    reset.md  +1 -1 lines" \
  --out "--- database r" --out "+++ file $L/reset.md" --out "-# Reset: refused" --out "+# Reset — refused" \
  --out "unchanged  reset.zh-CN.md" --out "dry run: 1 file would become new revisions" \
  -- lessons import "$L" --db "$DB" --dry-run
check "import takes the changed file" 0 --out "imported 1 file as new revisions" -- lessons import "$L" --db "$DB"

# a browser edit: PUT through the running server (an instructor token), as the editor does
browser_edit() { # SLUG FIND REPLACE
  local tok port pid
  tok=$("$BIN" token create --role instructor --name cli-test --db "$DB" 2>/dev/null | grep -o 'tl_[A-Za-z0-9_-]*' | head -1)
  "$BIN" serve --port 0 --db "$DB" --lessons "$L" --quiet >"$tmp/srv.out" 2>"$tmp/srv.err" &
  pid=$!
  for _ in $(seq 1 300); do grep -q "listening on" "$tmp/srv.out" && break; sleep 0.1; done
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\)\/.*/\1/p' "$tmp/srv.out")
  PORT=$port TOKEN=$tok SLUG=$1 FIND=$2 REPLACE=$3 node -e '
    const h = { Authorization: `Bearer ${process.env.TOKEN}` };
    const u = `http://127.0.0.1:${process.env.PORT}/api/v1/lessons/${process.env.SLUG}?locale=en`;
    (async () => {
      const g = await (await fetch(u, { headers: h })).json();
      const text = g.text.replace(process.env.FIND, process.env.REPLACE);
      const r = await fetch(u, { method: "PUT", body: JSON.stringify({ text }),
        headers: { ...h, "Content-Type": "application/json", "If-Match": g.etag } });
      if (r.status !== 200) { console.error("PUT", r.status, await r.text()); process.exit(1); }
    })();' || echo "browser edit failed" >&2
  kill "$pid"; wait "$pid" 2>/dev/null
}
browser_edit reset "FIN ends a connection politely" "FIN closes a connection politely"
check "browser edit, file unchanged: database is newer, kept" 0 \
  --out "kept       reset.md  database is newer: r" --out "by token:" --out "imported 0 files" \
  -- lessons import "$L" --db "$DB"
sed -i 's/^# Reset — \(.*\)$/# Reset, \1/' "$L/reset.md"
sed -i 's/^# TIME-WAIT\(.*\)$/# TIME-WAIT\1 (file edit)/' "$L/time-wait.md"
check "both changed: refused with a diff, nothing imported" 1 \
  --out "refused    reset.md" --out "-FIN closes a connection politely" --out "+FIN ends a connection politely" \
  --out "changed    time-wait.md" \
  --err "refused, nothing was imported" --err "reset.md: the database has an edit the file does not have" \
  --err "tcplab lessons export OTHER-DIR" --err "--force" -- lessons import "$L" --db "$DB"
check "after a refusal the other change is still pending" 0 --out "changed    time-wait.md" \
  --no-out "imported" -- lessons import "$L" --db "$DB" --dry-run --force
check "--force takes the file" 0 --out "forced     reset.md" --out "replaces r" \
  --out "imported 2 files as new revisions" -- lessons import "$L" --db "$DB" --force
rm -rf "$tmp/e1"
check "export writes every lesson" 0 --out "exported 16 lesson files to $tmp/e1" -- lessons export "$tmp/e1" --db "$DB"
if diff -r "$L" "$tmp/e1" >/dev/null; then pass=$((pass+1)); echo "ok   export round-trips byte-identically"
else fail=$((fail+1)); echo "FAIL export differs from the imported files"; diff -r "$L" "$tmp/e1" | head -5; fi
printf -- '---\r\ntitle: "CRLF"\r\nsummary: "s"\r\norder: 99\r\ntags: [x]\r\nlocale: en\r\n---\r\n\r\n# CRLF\r\n\r\nNo final newline.' >"$L/crlf-lesson.md"
check "import a CRLF file without a final newline" 0 --out "new        crlf-lesson.md" -- lessons import "$L" --db "$DB"
rm -rf "$tmp/e2"
"$BIN" lessons export "$tmp/e2" --db "$DB" >/dev/null 2>&1
if cmp -s "$L/crlf-lesson.md" "$tmp/e2/crlf-lesson.md"; then pass=$((pass+1)); echo "ok   CRLF file round-trips byte-identically"
else fail=$((fail+1)); echo "FAIL CRLF file changed on the way through the database"; fi

# export into the folder imported from: the files hold the database's copy now
browser_edit time-wait "(file edit)" "(browser edit)"
check "export into the imported folder" 0 --out "exported 17 lesson files to $L" -- lessons export "$L" --db "$DB"
grep -q "(browser edit)" "$L/time-wait.md" && sed -i 's/(browser edit)/(browser edit, then file edit)/' "$L/time-wait.md"
check "after export a file edit imports as a change" 0 --out "changed    time-wait.md" \
  --out "imported 1 file" -- lessons import "$L" --db "$DB"

# a file that does not parse: FILE:LINE, and nothing of the run is imported
printf -- '---\ntitle: "Broken"\nsummary: "s"\norder: [1\n---\n\n# Broken\n' >"$L/broken.md"
sed -i 's/^# TIME-WAIT\(.*\)$/# TIME-WAIT\1!/' "$L/time-wait.md"
check "a bad file gives FILE:LINE and imports nothing" 1 --out "refused    broken.md" \
  --err "$L/broken.md:" --err "nothing was imported" -- lessons import "$L" --db "$DB"
rm "$L/broken.md"
check "the other change was not imported" 0 --out "changed    time-wait.md" \
  --out "dry run: 1 file would become new revisions" -- lessons import "$L" --db "$DB" --dry-run --static static

# the two locales of a lesson disagree after an import: a warning, not a refusal
cp "$L/state-diagram.md" "$tmp/sd.md"
sed -i 's/^order: .*/order: 77/' "$L/state-diagram.md"
check "locales that disagree: a warning" 0 --out "changed    state-diagram.md" \
  --err "warning: state-diagram.md and state-diagram.zh-CN.md differ: order is 77" \
  -- lessons import "$L" --db "$DB" --dry-run
cp "$tmp/sd.md" "$L/state-diagram.md"

# the author of a new revision: the git author of the file's last commit, if committed as it is
if command -v git >/dev/null 2>&1; then
  G=$tmp/gitcourse; mkdir -p "$G"
  printf -- '---\ntitle: "G"\nsummary: "s"\norder: 1\ntags: [x]\nlocale: en\n---\n\n# G\n' >"$G/g-lesson.md"
  git -C "$G" init -q && git -C "$G" add g-lesson.md \
    && git -C "$G" -c user.name="Grace Hopper" -c user.email=g@example.org commit -qm g
  check "author: the git author of the committed file" 0 --out "new        g-lesson.md" \
    --out "by Grace Hopper)" -- lessons import "$G" --db "$tmp/git.db"
  echo "More." >>"$G/g-lesson.md"
  check "author: an uncommitted change is by files" 0 --out "changed    g-lesson.md  +1 -0 lines (by files)" \
    -- lessons import "$G" --db "$tmp/git.db"
fi

# --- analyze: a capture explained (tests/fixtures/captures/, recorded from the Linux stack)
CAP=tests/fixtures/captures
check "analyze a pcap: trace JSON with connections and observations" 0 --out '"steps":[' \
  --out '"connections":[{"id":1,"client":"10.14.0.1:' --out '"kind":"rst-ack-abort"' -- analyze "$CAP/abort.pcap"
check "analyze --format text: the ladder and the final states" 0 --out "final (t=" \
  --out "client TIME-WAIT, server TIME-WAIT" --out "FIN-WAIT-1 → CLOSING" -- analyze "$CAP/simultaneous-close.pcap" --format text
check "analyze a pcapng" 0 --out '"link_type":"EN10MB"' -- analyze "$CAP/client-first-close.pcapng"
check "analyze --lang zh-CN: rule_zh and text_zh" 0 --out '"rule_zh":' --out '"text_zh":' -- analyze "$CAP/abort.pcap" --lang zh-CN
STDIN="$CAP/refused.pcap" check "analyze - reads standard input" 0 --out '"state_after":"CLOSED"' -- analyze -
check "analyze --connection past the last: exit 2" 2 --err "there is no connection 2: the capture has 1" -- analyze "$CAP/abort.pcap" --connection 2
printf 'not a capture' >"$tmp/not.pcap"
check "analyze a file that is not a capture: exit 2" 2 --err "not a pcap or pcapng file" -- analyze "$tmp/not.pcap"
head -c 300 "$CAP/abort.pcap" >"$tmp/cut.pcap"
check "analyze a capture cut inside a packet: the packet is named" 2 --err "packet 4: the file ends inside this packet" -- analyze "$tmp/cut.pcap"
check "analyze without a file: usage" 2 --err "give a capture FILE" -- analyze
check "analyze --format xml: refused" 2 --err "--format must be json or text" -- analyze "$CAP/abort.pcap" --format xml
check "analyze a missing file: exit 2" 2 --err "cannot read the capture" -- analyze "$tmp/missing.pcap"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
