#!/usr/bin/env bash
# tools/deps.sh — install the Debian packages TCP Lab needs, only those missing.
#
# usage: tools/deps.sh build|test|bench|list-build|list-test|list-bench
#   build: compiler toolchain and the C libraries (what `make` and `make run` need)
#   test:  build + what `make test` needs (node/npm for the API and browser tests, chromium;
#          clang and its libFuzzer runtime libclang-rt-14-dev for tests/fuzz; tcpdump reads
#          the exported captures back; tshark is optional, not installed: it pulls in much of
#          Wireshark, and the test that uses it skips without it)
#   bench: test + load generators (wrk, nginx)
#   list-*: print the package list, one a line (docker/Dockerfile and a test compare it)
# The package lists below are the single source of truth for the README, CI and Docker.
set -euo pipefail

BUILD_PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libmd4c-dev libmd4c-html0-dev libyaml-dev libsodium-dev zlib1g-dev libpcap-dev"
# LTI 1.3: OpenSSL's libcrypto (RSA keys, RS256) and libcurl (HTTPS to the platforms).
BUILD_PKGS="$BUILD_PKGS libssl-dev libcurl4-openssl-dev"
TEST_PKGS="nodejs npm chromium cppcheck clang-format curl ca-certificates procps clang libclang-rt-14-dev fonts-noto-cjk tcpdump"
BENCH_PKGS="wrk nginx-light valgrind"

want=""
case "${1:-build}" in
  build) want="$BUILD_PKGS" ;;
  test)  want="$BUILD_PKGS $TEST_PKGS" ;;
  bench) want="$BUILD_PKGS $TEST_PKGS $BENCH_PKGS" ;;
  list-build) printf '%s\n' $BUILD_PKGS; exit 0 ;;
  list-test)  printf '%s\n' $TEST_PKGS; exit 0 ;;
  list-bench) printf '%s\n' $BENCH_PKGS; exit 0 ;;
  *) echo "usage: $0 build|test|bench|list-build|list-test|list-bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  # node/npm may come from elsewhere (nodesource, nvm): accept the commands themselves.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm)    command -v npm  >/dev/null 2>&1 && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done

if [ -z "$missing" ]; then
  exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages and not root; run: sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
