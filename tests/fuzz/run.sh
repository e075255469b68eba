#!/usr/bin/env bash
# tests/fuzz/run.sh — runs the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
#
# usage: tests/fuzz/run.sh brief|long
#   brief (tests/run.sh's "fuzz" suite): builds build/fuzz/fuzz_* (make fuzz-build), then per
#         harness T: replays every file of tests/fuzz/corpus/T/ and every reproducer
#         tests/fuzz/regressions/T-*, then fuzzes FUZZ_BRIEF_SECONDS (default 12) from a
#         scratch copy of the corpus (build/fuzz/work-brief/T, -seed=1). One test per
#         harness; ends "N passed, N failed".
#   long  (make fuzz): per harness, FUZZ_SECONDS (default 60) on build/fuzz/work/T (the
#         committed corpus copied in; what it grows stays there, never in the tree), crashes
#         saved as build/fuzz/artifacts/T-crash-*; prints libFuzzer's final figures.
#
# Reproducers (file name <target>-<short-name>; the target picks the harness):
#   tests/fuzz/regressions/      crashes that were fixed: replayed by every brief run, so a
#                                regression fails `make test`.
#   tests/fuzz/crashes-pending/  crashes found but not fixed yet (their module belongs to
#                                someone else). Not replayed. Each has a companion
#                                <target>-<short-name>.frame holding the function of the
#                                first server/ frame of its stack: a brief fuzz run that
#                                finds a crash whose first server/ frame is that function
#                                reports it as the known pending crash and does not fail.
#   Once the fix is in, `git mv` the reproducer into regressions/ (drop its .frame).
# Needs clang with libFuzzer (tools/deps.sh test installs clang and libclang-rt-14-dev);
# without it the suite fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-brief}
# UBSan reports carry a stack (first_frame below reads it); both sanitizers abort at once.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
CC_FUZZ=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out/artifacts"
pass=0; fail=0

targets=$(for f in tests/fuzz/fuzz_*.c; do t=${f##*/fuzz_}; echo "${t%.c}"; done)
ntargets=$(echo "$targets" | wc -w)

# libFuzzer present? (-fsanitize=fuzzer links only with libclang-rt-*-dev installed)
probe=$(mktemp -d)
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v "$CC_FUZZ" >/dev/null 2>&1 ||
   ! "$CC_FUZZ" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >"$probe/log" 2>&1; then
  cat "$probe/log" 2>/dev/null | head -5
  rm -rf "$probe"
  echo "FAIL fuzz: $CC_FUZZ with libFuzzer is not available (tools/deps.sh test installs clang libclang-rt-14-dev)"
  echo "0 passed, $ntargets failed"
  exit 1
fi
rm -rf "$probe"

if ! make --no-print-directory -j"$(nproc)" fuzz-build >"$out/build.log" 2>&1; then
  tail -30 "$out/build.log"
  echo "FAIL fuzz: make fuzz-build failed (log: $out/build.log)"
  echo "0 passed, $ntargets failed"
  exit 1
fi

# first_frame LOG: the function of the first stack frame in server/ (ASan/UBSan report).
first_frame() {
  grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in [^ ]+ .*server/' "$1" | head -1 | sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in ([^ ]+) .*/\1/'
}

# pending_match T LOG: prints the name of the pending reproducer whose frame the crash in LOG
# shares, if any.
pending_match() {
  local t=$1 log=$2 fn sig
  fn=$(first_frame "$log")
  [ -n "$fn" ] || return 1
  for sig in tests/fuzz/crashes-pending/"$t"-*.frame; do
    [ -e "$sig" ] || continue
    if [ "$(tr -d ' \n' <"$sig")" = "$fn" ]; then basename "${sig%.frame}"; return 0; fi
  done
  return 1
}

if [ "$mode" = long ]; then
  secs=${FUZZ_SECONDS:-60}
  rc=0
  for t in $targets; do
    work="$out/work/$t"
    mkdir -p "$work"
    cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
    log="$out/long-$t.log"
    echo "=== fuzz_$t for ${secs}s (corpus $work, log $log)"
    nice build/fuzz/fuzz_"$t" "$work" -max_total_time="$secs" -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$t-" >"$log" 2>&1
    r=$?
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log"
    echo "corpus: $(ls "$work" | wc -l) files"
    if [ "$r" != 0 ]; then
      rc=1
      grep -E '^==[0-9]+==ERROR|^SUMMARY|FUZZ_CHECK|Test unit written' "$log" | head -5
      echo "fuzz_$t: CRASH (first server frame: $(first_frame "$log"))"
    fi
  done
  exit $rc
fi

secs=${FUZZ_BRIEF_SECONDS:-12}
for t in $targets; do
  bin=build/fuzz/fuzz_$t
  ok=1
  # 1. the committed corpus and every fixed crash's reproducer, each run once
  files=()
  for f in tests/fuzz/corpus/"$t"/* tests/fuzz/regressions/"$t"-*; do
    [ -f "$f" ] && files+=("$f")
  done
  log="$out/replay-$t.log"
  if ! "$bin" "${files[@]}" >"$log" 2>&1; then
    ok=0
    echo "FAIL fuzz_$t replay: $(grep -E '^Running: ' "$log" | tail -1)"
    grep -E '^==[0-9]+==ERROR|^SUMMARY|FUZZ_CHECK|runtime error' "$log" | head -4 | sed 's/^/    /'
  fi
  # 2. a short fuzz run from a scratch copy of the corpus
  work="$out/work-brief/$t"
  rm -rf "$work"; mkdir -p "$work"
  cp tests/fuzz/corpus/"$t"/* "$work"/
  log="$out/brief-$t.log"
  if ! "$bin" "$work" -seed=1 -max_total_time="$secs" -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/brief-$t-" >"$log" 2>&1; then
    if name=$(pending_match "$t" "$log"); then
      echo "fuzz_$t: found the pending crash $name again (tests/fuzz/crashes-pending/; not counted)"
    else
      ok=0
      echo "FAIL fuzz_$t fuzzing: new crash (first server frame: $(first_frame "$log"); log $log)"
      grep -E '^==[0-9]+==ERROR|^SUMMARY|FUZZ_CHECK|runtime error|Test unit written' "$log" | head -4 | sed 's/^/    /'
    fi
  fi
  stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  if [ $ok = 1 ]; then
    pass=$((pass+1)); echo "ok   fuzz_$t (${#files[@]} replayed; ${stats:-no DONE line})"
  else
    fail=$((fail+1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
