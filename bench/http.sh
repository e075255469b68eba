#!/usr/bin/env bash
# bench/http.sh — HTTP figures for tcplab serve beside nginx, in the same run.
#
#   (a) a static file                               target ≥ 1.2× nginx
#   (b) GET /api/v1/simulations?scenario=NAME        target ≥ 1.2× nginx
#   (c) POST /api/v1/simulations (custom scenario)   target ≥ 0.5× nginx
# nginx (Debian nginx-light, started here on a loopback port with a temporary config, sendfile
# on) serves the same bytes as a static file for each case. (a) and (b) run as wrk sends them
# by default (no Accept-Encoding: the identity body) and as browsers ask for them
# (Accept-Encoding: gzip: the server's precompressed variant; nginx serves those same gzip
# bytes as a plain file). (a) identity runs on a small (js/app.js), the largest
# (css/app.css) and a mid-sized (js/player.js) page asset: the ratio falls with size,
# because libmicrohttpd copies every body byte into the socket (nginx hands the file to
# sendfile) and the client's own cost per received byte, the same for both servers, grows
# to dominate the total. Then: 2,000 keep-alive
# connections and 16-deep pipelining must not hang (the server answers /healthz after),
# and peak RSS (VmHWM) with 1,000 keep-alive connections, target ≤ 64 MiB.
# Figures, not pass/fail: the exit status is 0 unless something could not run at all.
#
# env: TCPLAB_BIN (default build/tcplab), BENCH_DURATION (default 5s), BENCH_CONNS (100),
#      BENCH_THREADS (wrk threads, 2), BENCH_SCENARIO (handshake-and-close),
#      BENCH_REPEAT (3: each case runs tcplab, nginx alternately this many times and keeps
#      each server's best run — the machines are shared, so single runs are noisy)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TCPLAB_BIN:-build/tcplab}
DUR=${BENCH_DURATION:-5s}
CONNS=${BENCH_CONNS:-100}
THREADS=${BENCH_THREADS:-2}
SCENARIO=${BENCH_SCENARIO:-handshake-and-close}
REPEAT=${BENCH_REPEAT:-3}

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "http bench: $tool is missing (make deps-bench)"; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$BIN" ] || { echo "http bench: $BIN not built (make build/tcplab)"; exit 1; }

work=$(mktemp -d /tmp/tcplab-bench-XXXXXX)
tcplab_pid=""; nginx_pid=""
cleanup() {
  [ -n "$tcplab_pid" ] && kill "$tcplab_pid" 2>/dev/null && wait "$tcplab_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- tcplab --------------------------------------------------------------------------
start_tcplab() {
  [ -n "$tcplab_pid" ] && kill "$tcplab_pid" 2>/dev/null && wait "$tcplab_pid" 2>/dev/null || true
  : >"$work/tcplab.out"
  "$BIN" serve --port 0 --bind 127.0.0.1 --db "$work/tcplab.db" --quiet >"$work/tcplab.out" 2>"$work/tcplab.err" &
  tcplab_pid=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$work/tcplab.out" 2>/dev/null && break
    sleep 0.1
  done
  TL=$(sed -n 's#.*listening on \(http://[^/]*\)/.*#\1#p' "$work/tcplab.out")
  [ -n "$TL" ] || { echo "http bench: tcplab did not start:"; cat "$work/tcplab.err"; exit 1; }
}
start_tcplab

# ---- the bytes both servers serve ---------------------------------------------------------
mkdir -p "$work/www"
STATIC_REL=css/app.css
[ -f "static/$STATIC_REL" ] || STATIC_REL=$(cd static && find . -type f -name '*.css' -o -type f -name '*.js' | head -1 | sed 's#^\./##')
cp "static/$STATIC_REL" "$work/www/static.file"
STATIC_MID_REL=js/player.js
[ -f "static/$STATIC_MID_REL" ] || STATIC_MID_REL=$STATIC_REL
cp "static/$STATIC_MID_REL" "$work/www/mid.file"
STATIC_SMALL_REL=js/app.js
[ -f "static/$STATIC_SMALL_REL" ] || STATIC_SMALL_REL=$STATIC_REL
cp "static/$STATIC_SMALL_REL" "$work/www/small.file"
# what a browser gets (it always sends Accept-Encoding: gzip): the server's gzip variants
curl -fsS -H 'Accept-Encoding: gzip' "$TL/static/$STATIC_REL" -o "$work/www/static.gz" \
  || { echo "http bench: GET /static/$STATIC_REL failed"; exit 1; }
curl -fsS "$TL/api/v1/simulations?scenario=$SCENARIO" -o "$work/www/trace.json" \
  || { echo "http bench: GET simulations?scenario=$SCENARIO failed"; exit 1; }
curl -fsS -H 'Accept-Encoding: gzip' "$TL/api/v1/simulations?scenario=$SCENARIO" -o "$work/www/trace.gz" \
  || { echo "http bench: GET simulations?scenario=$SCENARIO (gzip) failed"; exit 1; }
cat >"$work/scenario.json" <<'JSON'
{"title": "bench: handshake, 100 bytes, close from both sides",
 "client": {"iss": 1000}, "server": {"iss": 5000},
 "network": {"latency_ms": 20},
 "events": [
  {"at_ms": 0, "endpoint": "server", "call": "listen"},
  {"at_ms": 0, "endpoint": "client", "call": "connect"},
  {"at_ms": 100, "endpoint": "client", "call": "send", "bytes": 100},
  {"at_ms": 200, "endpoint": "client", "call": "close"},
  {"at_ms": 300, "endpoint": "server", "call": "close"}],
 "until_ms": 600000}
JSON
post_code=$(curl -sS -o "$work/www/post.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @"$work/scenario.json" "$TL/api/v1/simulations")
[ "$post_code" = 200 ] || { echo "http bench: POST simulations answered $post_code:"; head -c 400 "$work/www/post.json"; echo; exit 1; }

{ printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==['
  cat "$work/scenario.json"; printf ']==]\n'; } >"$work/post.lua"
cat >"$work/pipeline.lua" <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil) end
  req = table.concat(r)
end
request = function() return req end
LUA

# ---- nginx ---------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NPORT=""
for p in $(seq 18480 18580); do if port_free "$p"; then NPORT=$p; break; fi; done
[ -n "$NPORT" ] || { echo "http bench: no free port for nginx"; exit 1; }
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 60s;
  keepalive_requests 100000000;
  open_file_cache max=64;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/css css; application/json json; text/javascript js; application/gzip gz; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NPORT;
    root $work/www;
  }
}
EOF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/stderr" &
nginx_pid=$!
NG="http://127.0.0.1:$NPORT"
for _ in $(seq 50); do curl -fsS -o /dev/null "$NG/static.file" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$NG/static.file" || { echo "http bench: nginx did not start:"; cat "$work/nginx/stderr" "$work/nginx/error.log" 2>/dev/null; exit 1; }

# ---- measuring --------------------------------------------------------------------------------
# wrk_run OUTFILE URL [wrk args...]: runs wrk; prints "RPS P99_MS ERRORS"
wrk_run() {
  local out=$1 url=$2; shift 2
  wrk --latency "$@" "$url" >"$out" 2>&1 || true
  local rps p99 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}' "$out")
  errs=$(awk '/Socket errors:/ {gsub(",",""); s+=$4+$6+$8+$10} /Non-2xx/ {s+=$NF} END {print s+0}' "$out")
  echo "${rps:-0} ${p99:-?} ${errs:-0}"
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$tcplab_pid/status"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$tcplab_pid/status"; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r + 0 >= t + 0) print "ok"; else print "BELOW TARGET" }'; }

echo "HTTP benchmark: wrk -t$THREADS -c$CONNS -d$DUR (best of $REPEAT alternating runs), tcplab ($BIN) vs nginx $("$NGINX" -v 2>&1 | sed 's#.*/##'), $(nproc) cores"
printf '%-66s %12s %9s %12s %9s %7s %7s %s\n' case "tcplab r/s" "p99 ms" "nginx r/s" "p99 ms" ratio target verdict
row() { # name tcplab-result nginx-result target
  local name=$1 t=$2 n=$3 target=$4
  set -- $t; local trps=$1 tp99=$2 terr=$3
  set -- $n; local nrps=$1 np99=$2
  local ratio; ratio=$(awk -v a="$trps" -v b="$nrps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
  printf '%-66s %12s %9s %12s %9s %7s %7s %s%s\n' "$name" "$trps" "$tp99" "$nrps" "$np99" "$ratio" "≥$target" \
    "$(verdict "$ratio" "$target")" "$( [ "$terr" != 0 ] && echo " ($terr socket errors/non-2xx)")"
}
W=(-t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 10s)
best() { # best "RPS P99 ERR" of two results (by RPS)
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); if (a == "" || y[1] + 0 > x[1] + 0) print b; else print a }'
}
# compare NAME TARGET TCPLAB_URL NGINX_URL [wrk args for both...] [-- wrk args for tcplab only...]
compare() {
  local name=$1 target=$2 turl=$3 nurl=$4; shift 4
  local both=() own=() seen=0 a
  for a in "$@"; do
    if [ "$a" = -- ]; then seen=1; elif [ $seen = 0 ]; then both+=("$a"); else own+=("$a"); fi
  done
  local bt="" bn="" i
  for i in $(seq "$REPEAT"); do
    bt=$(best "$bt" "$(wrk_run "$work/t.txt" "$turl" "${W[@]}" "${both[@]}" "${own[@]}")")
    bn=$(best "$bn" "$(wrk_run "$work/n.txt" "$nurl" "${W[@]}" "${both[@]}")")
  done
  row "$name" "$bt" "$bn" "$target"
}
size() { stat -c %s "$1"; }
AE=(-H 'Accept-Encoding: gzip, deflate, br')
compare "(a) /static/$STATIC_SMALL_REL, identity, $(size "$work/www/small.file") B" 1.2 \
  "$TL/static/$STATIC_SMALL_REL" "$NG/small.file"
compare "(a) /static/$STATIC_REL, identity, $(size "$work/www/static.file") B" 1.2 \
  "$TL/static/$STATIC_REL" "$NG/static.file"
compare "(a) /static/$STATIC_MID_REL, identity, $(size "$work/www/mid.file") B" 1.2 \
  "$TL/static/$STATIC_MID_REL" "$NG/mid.file"
compare "(a) /static/$STATIC_REL as browsers ask, gzip, $(size "$work/www/static.gz") B" 1.2 \
  "$TL/static/$STATIC_REL" "$NG/static.gz" "${AE[@]}"
compare "(b) simulations?scenario=$SCENARIO, identity, $(size "$work/www/trace.json") B" 1.2 \
  "$TL/api/v1/simulations?scenario=$SCENARIO" "$NG/trace.json"
compare "(b) the same as browsers ask, gzip, $(size "$work/www/trace.gz") B" 1.2 \
  "$TL/api/v1/simulations?scenario=$SCENARIO" "$NG/trace.gz" "${AE[@]}"
compare "(c) POST simulations (custom scenario), $(size "$work/www/post.json") B" 0.5 \
  "$TL/api/v1/simulations" "$NG/post.json" -- -s "$work/post.lua"

alive() { curl -fsS -m 5 -o /dev/null "$TL/healthz" && echo "answers /healthz" || echo "HUNG: /healthz did not answer"; }
s=$(wrk_run "$work/s1.txt" "$TL/static/$STATIC_REL" -t"$THREADS" -c2000 -d"$DUR" --timeout 10s)
n=$(wrk_run "$work/s1n.txt" "$NG/static.file" -t"$THREADS" -c2000 -d"$DUR" --timeout 10s)
set -- $n; nr=$1; np=$2
set -- $s; echo "2,000 keep-alive connections (static): $1 req/s, p99 $2 ms, $3 socket errors/non-2xx (nginx: $nr req/s, p99 $np ms); afterwards the server $(alive)"
s=$(wrk_run "$work/s2.txt" "$TL/api/v1/simulations?scenario=$SCENARIO" -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 10s -s "$work/pipeline.lua")
set -- $s; echo "16-deep pipelining, $CONNS connections (GET simulations): $1 req/s, $3 socket errors/non-2xx; afterwards the server $(alive)"
echo "peak RSS (VmHWM) of tcplab over the runs above: $(( $(hwm_kib) / 1024 )) MiB"

# RSS with 1,000 keep-alive connections, measured on a fresh process.
start_tcplab
wrk --latency -t"$THREADS" -c1000 -d"$DUR" --timeout 10s "$TL/api/v1/simulations?scenario=$SCENARIO" >"$work/s3.txt" 2>&1 &
wrk_pid=$!
sleep 2
rss_mid=$(rss_kib)
wait "$wrk_pid" || true
hwm=$(hwm_kib)
r3=$(awk '/^Requests\/sec:/ {print $2}' "$work/s3.txt")
echo "1,000 keep-alive connections (fresh server, GET simulations, ${r3:-?} req/s): RSS during the run $((rss_mid / 1024)) MiB, peak (VmHWM) $((hwm / 1024)) MiB (target ≤ 64 MiB: $( [ "$hwm" -le 65536 ] && echo ok || echo OVER)); afterwards the server $(alive)"
