#!/usr/bin/env bash
# bench/soak.sh — a long run of mixed traffic against the ASan server, with leak and
# durability checks. Not part of make test.
#
# Traffic (bench/soak.mjs, SOAK_CONCURRENCY clients): pages and static files, built-in and
# posted simulations (some saved), quiz variants and answers, good and bad sign-ins, lesson
# saves (each client edits its own lesson with If-Match), and bad input (malformed JSON, a
# 3 MiB body, bad paths, unknown ids, an invalid lesson). Every SOAK_SAMPLE_SECONDS it samples
# the server's RSS, open fds (/proc/PID/fd) and threads (/proc/PID/status). At the end it
# checks that every acknowledged write is there (each saved simulation, each acknowledged
# lesson revision and a sample of their texts), stops the server with SIGTERM and prints the
# figures. Exit status 1 on a 5xx, a network error, a lost write, a leak trend (idle fds
# more than 8 or threads more than 2 above the idle baseline after warm-up; idle RSS more than
# SOAK_RSS_GROWTH_MAX MiB above it; or the lowest RSS of each quarter of the run climbing
# quarter after quarter by more than half that), a sanitizer report (LeakSanitizer runs at
# exit), or a server that crashed or did not exit 0.
#
# env: SOAK_MINUTES (30), TCPLAB_BIN (build/asan/tcplab), SOAK_CONCURRENCY (8),
#      SOAK_SAMPLE_SECONDS (5), SOAK_RSS_GROWTH_MAX (MiB, 16).
# ASan keeps freed memory in a quarantine that fills up over the first minutes; it is set to
# 16 MiB here so that its filling is not read as a leak.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TCPLAB_BIN:-build/asan/tcplab}
MINUTES=${SOAK_MINUTES:-30}
[ -x "$BIN" ] || { echo "soak: $BIN not built (make build/asan/tcplab)" >&2; exit 2; }
command -v node >/dev/null || { echo "soak: node is needed" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/tcplab-soak.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16}
db=$dir/soak.db
TCPLAB_PASSWORD=soak-student-pw1 "$BIN" user add --role student soak-stu --db "$db" >/dev/null
TCPLAB_PASSWORD=soak-victim-pw1 "$BIN" user add --role student soak-victim --db "$db" >/dev/null
token=$("$BIN" token create --role instructor --name soak --db "$db")

"$BIN" serve --port 0 --bind 127.0.0.1 --db "$db" --quiet >"$dir/out" 2>"$dir/err" &
pid=$!
base=
for _ in $(seq 100); do
    base=$(grep -o 'http://[^ /]*' "$dir/out" 2>/dev/null | head -1 || true)
    [ -n "$base" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$base" ] || { echo "soak: server did not start" >&2; cat "$dir/err" >&2; exit 1; }
echo "soak: $BIN pid $pid at $base for $MINUTES min"

rc=0
SOAK_BASE=$base SOAK_PID=$pid SOAK_TOKEN=$token SOAK_STUDENT=soak-stu SOAK_STUDENT_PW=soak-student-pw1 \
    SOAK_SECONDS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }') node bench/soak.mjs || rc=1

if ! kill -0 "$pid" 2>/dev/null; then
    echo "soak: FAILED: the server died during the run" >&2
    rc=1
fi
kill -TERM "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 0 ]; then
    echo "soak: FAILED: the server exited with status $status" >&2
    rc=1
fi
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$dir/err"; then
    echo "soak: FAILED: sanitizer report:" >&2
    head -40 "$dir/err" >&2
    rc=1
fi
[ "$rc" -eq 0 ] && echo "soak: PASS" || echo "soak: FAIL"
exit "$rc"
