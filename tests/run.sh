#!/usr/bin/env bash
# tests/run.sh — every test suite, in order; each runs even if an earlier one failed.
#   0. lint (cppcheck, must be clean; not counted as tests)
#   1. C unit tests, optimised build          (build/unit_tests)
#   2. C unit tests, ASan + UBSan build        (build/asan/unit_tests)
#   3. lesson check on the shipped lessons     (build/tcplab check lessons/), if built in
#   3b. libFuzzer harnesses (tests/fuzz/run.sh brief): corpus and regression replay plus a
#       short fuzz of each; fails when clang with libFuzzer is missing (deps.sh installs it)
#   4. HTTP API tests against the ASan server  (node --test tests/api), if present
#   5. browser tests, headless chromium        (node --test tests/browser), if present
# Prints each suite's own summary, then the closing "N passed, N failed" over all suites.
# Exit status: 0 only if every suite passed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
total_pass=0; total_fail=0; suites_failed=""

# run_c NAME CMD...: a suite whose last line is "N passed, N failed".
run_c() {
  local name=$1; shift
  echo "=== $name"
  local log="tests/out/$name.log"
  "$@" >"$log" 2>&1; local rc=$?
  grep -E '^(FAIL|    |not ok)' "$log" | head -60
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then
    tail -30 "$log"; echo "$name: no summary (exit $rc)"; total_fail=$((total_fail+1))
    suites_failed="$suites_failed $name"; return
  fi
  echo "$name: $line"
  local p f; p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  total_pass=$((total_pass+p)); total_fail=$((total_fail+f))
  if [ "$rc" != 0 ] || [ "$f" != 0 ]; then suites_failed="$suites_failed $name"; fi
}

# run_node NAME DIR: node's built-in runner with the TAP reporter ("# pass N", "# fail N").
run_node() {
  local name=$1 dir=$2
  echo "=== $name"
  local log="tests/out/$name.log"
  # Explicit file list: works on Debian 12's node 18 as on node 20+.
  node --test --test-reporter=tap "$dir"/*.test.mjs >"$log" 2>&1; local rc=$?
  grep -E '^\s*not ok|^\s+(expected|actual|error|message):' "$log" | head -60
  local p f
  p=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  if [ -z "$p" ]; then
    tail -30 "$log"; echo "$name: no summary (exit $rc)"; total_fail=$((total_fail+1))
    suites_failed="$suites_failed $name"; return
  fi
  echo "$name: $p passed, $f failed"
  total_pass=$((total_pass+p)); total_fail=$((total_fail+f))
  if [ "$rc" != 0 ] || [ "$f" != 0 ]; then suites_failed="$suites_failed $name"; fi
}

# run_gate NAME CMD...: a check with no test count (lint); it fails the run if CMD fails.
run_gate() {
  local name=$1; shift
  echo "=== $name"
  if "$@" >"tests/out/$name.log" 2>&1; then echo "$name: clean"
  else cat "tests/out/$name.log" | head -40; echo "$name: FAILED"; suites_failed="$suites_failed $name"; fi
}

run_gate lint make --no-print-directory lint
run_c unit build/unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  run_c unit-asan build/asan/unit_tests
run_c cli tests/cli/run.sh

run_c lessons build/tcplab check lessons/

run_c fuzz tests/fuzz/run.sh brief

# Node test dependencies (playwright-core only; it never downloads a browser: the browser
# tests drive Debian's /usr/bin/chromium).
if [ ! -d node_modules/playwright-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >tests/out/npm.log 2>&1 \
    || { cat tests/out/npm.log; echo "npm ci failed"; }
fi
export TCPLAB_BIN=${TCPLAB_BIN:-build/asan/tcplab}
export ASAN_OPTIONS=detect_leaks=1
run_node api tests/api
run_node browser tests/browser

echo
[ -n "$suites_failed" ] && echo "failing suites:$suites_failed"
echo "$total_pass passed, $total_fail failed"
[ -z "$suites_failed" ]
