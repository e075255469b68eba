#!/usr/bin/env bash
# bench/run.sh — the benchmarks, one section each; figures and ratios, not pass/fail.
# Sections append below; each builds what it needs. Run from anywhere: `make bench`.
set -uo pipefail
cd "$(dirname "$0")/.."

# --- engine: lifecycles/s with recording off/on, allocations per lifecycle (bench/engine_bench.c)
echo "=== engine"
make --no-print-directory build/bench_engine >/dev/null && build/bench_engine "${ENGINE_BENCH_N:-2000000}"

# --- capture: traces written as pcap files — packets/s and MB/s on a 27,000-packet trace,
# files/s over the built-ins (bench/capture_bench.c)
echo "=== capture"
make --no-print-directory build/bench_capture >/dev/null && build/bench_capture "${CAPTURE_BENCH_SECONDS:-2}"

# --- http: wrk beside nginx — static file, cached trace, POST custom scenario; 2,000
# keep-alive connections, 16-deep pipelining, RSS with 1,000 connections (bench/http.sh)
echo "=== http"
make --no-print-directory build/tcplab >/dev/null && bench/http.sh

# --- grading: acknowledged durable challenge submissions/s, 32 clients, p99 (bench/grading.sh)
echo "=== grading"
make --no-print-directory build/tcplab >/dev/null && bench/grading.sh

# --- page weight: the heaviest lesson page's first-visit transfer size, target <= 150 KB
# (bench/page_weight.mjs; Debian's chromium through playwright-core)
echo "=== page weight"
make --no-print-directory build/tcplab >/dev/null && node bench/page_weight.mjs | tail -1

# --- class: the class page's data for 1,000 students in 4 sections with 20,000 quiz attempts and
# 5,000 challenge submissions (p99 server time, target <= 100 ms each), a 5,000-line roster
# import (target <= 2 s) (bench/class.sh)
echo "=== class"
make --no-print-directory build/tcplab >/dev/null && bench/class.sh

# --- analyze: tcplab analyze's packets/s on 100,000 packets of 10,000 short connections
# (target >= 1,000,000/s on one core) and the memory it holds (bench/analyze_bench.c)
echo "=== analyze"
make --no-print-directory build/bench_analyze >/dev/null && build/bench_analyze
