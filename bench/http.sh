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
# (css/app.css) and a mid-sized (js/player.js) page asset.
#
# Two more columns explain the ratio:
#   - "MHD floor": a bare libmicrohttpd server (bench/mhd_floor.c, set up as tcplab's daemon)
#     holding the same bytes in memory, run in the same rounds. Its ratio to nginx is what the
#     library itself reaches; "tcplab/floor" is how much of that tcplab keeps. The ratio falls
#     with body size for both, because libmicrohttpd 0.9.75 copies every body byte into the
#     socket (its only one-segment path for a body is a memory buffer; a file body goes out
#     with sendfile but with the header pushed as a segment of its own), while nginx hands
#     the page cache to sendfile; the client then also pays more to read freshly copied bytes.
#     (Measured here and left out: a memfd body through libmicrohttpd's sendfile path with
#     the socket corked around each response, as nginx's tcp_nopush does — five system
#     calls per request — ran at 0.96× nginx on css/app.css where the buffer ran at 1.11×.)
#   - "CPU µs/req": the server's own CPU time (user + system, all its threads or processes)
#     per request in its best run. wrk shares the two cores and spends more CPU per request
#     than either server, so requests/s ratios understate the servers' difference.
# Then: 2,000 keep-alive
# connections and 16-deep pipelining must not hang (the server answers /healthz after),
# and peak RSS (VmHWM) with 1,000 keep-alive connections, target ≤ 64 MiB.
# Figures, not pass/fail: the exit status is 0 unless something could not run at all.
#
# env: TCPLAB_BIN (default build/tcplab), FLOOR_BIN (build/bench_mhd_floor),
#      BENCH_DURATION (default 5s), BENCH_CONNS (100),
#      BENCH_THREADS (wrk threads, 2), BENCH_SCENARIO (handshake-and-close),
#      BENCH_REPEAT (3: each case runs tcplab, the floor and nginx in turn this many times and
#      keeps each server's best run — the machines are shared, so single runs are noisy)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TCPLAB_BIN:-build/tcplab}
FLOOR_BIN=${FLOOR_BIN:-build/bench_mhd_floor}
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
[ -x "$FLOOR_BIN" ] || { echo "http bench: $FLOOR_BIN not built (make build/bench_mhd_floor)"; exit 1; }

work=$(mktemp -d /tmp/tcplab-bench-XXXXXX)
tcplab_pid=""; nginx_pid=""; floor_pid=""
cleanup() {
  [ -n "$floor_pid" ] && kill "$floor_pid" 2>/dev/null && wait "$floor_pid" 2>/dev/null || true
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

# ---- the floor: bare libmicrohttpd with the same bytes ------------------------------------------
FPORT=""
for p in $(seq 18581 18680); do if port_free "$p"; then FPORT=$p; break; fi; done
[ -n "$FPORT" ] || { echo "http bench: no free port for the MHD floor"; exit 1; }
"$FLOOR_BIN" "$FPORT" /small.file="$work/www/small.file" /static.file="$work/www/static.file" \
  /mid.file="$work/www/mid.file" /static.gz="$work/www/static.gz" \
  /trace.json="$work/www/trace.json" /trace.gz="$work/www/trace.gz" >"$work/floor.out" 2>&1 &
floor_pid=$!
FL="http://127.0.0.1:$FPORT"
for _ in $(seq 50); do curl -fsS -o /dev/null "$FL/static.file" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$FL/static.file" || { echo "http bench: the MHD floor did not start:"; cat "$work/floor.out"; exit 1; }

# ---- measuring --------------------------------------------------------------------------------
# cpu_ticks PID...: user + system clock ticks so far of the processes and all their threads
cpu_ticks() {
  local p t s=0
  for p in "$@"; do
    for t in /proc/"$p"/task/*/stat; do
      [ -r "$t" ] && s=$((s + $(awk '{print $14 + $15}' "$t" 2>/dev/null || echo 0)))
    done
  done
  echo "$s"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# wrk_run OUTFILE URL [wrk args...]: runs wrk; prints "RPS P99_MS ERRORS CPU_US_PER_REQ", the
# last from the processes in $SERVER_PIDS (? when unset)
wrk_run() {
  local out=$1 url=$2; shift 2
  local t0=""; [ -n "${SERVER_PIDS:-}" ] && t0=$(cpu_ticks $SERVER_PIDS)
  wrk --latency "$@" "$url" >"$out" 2>&1 || true
  local cpu="?"
  if [ -n "$t0" ]; then
    local t1 n; t1=$(cpu_ticks $SERVER_PIDS); n=$(awk '/ requests in / {print $1}' "$out")
    cpu=$(awk -v d=$((t1 - t0)) -v n="${n:-0}" -v us="$TICK_US" 'BEGIN { if (n > 0) printf "%.1f", d * us / n; else print "?" }')
  fi
  local rps p99 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}' "$out")
  errs=$(awk '/Socket errors:/ {gsub(",",""); s+=$4+$6+$8+$10} /Non-2xx/ {s+=$NF} END {print s+0}' "$out")
  echo "${rps:-0} ${p99:-?} ${errs:-0} $cpu"
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$tcplab_pid/status"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$tcplab_pid/status"; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r + 0 >= t + 0) print "ok"; else print "BELOW TARGET" }'; }
nginx_pids() { echo "$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }

echo "HTTP benchmark: wrk -t$THREADS -c$CONNS -d$DUR (best of $REPEAT rounds of tcplab, MHD floor, nginx in turn), tcplab ($BIN) vs nginx $("$NGINX" -v 2>&1 | sed 's#.*/##'), libmicrohttpd $(pkg-config --modversion libmicrohttpd 2>/dev/null || echo '?'), $(nproc) cores"
FMT='%-66s %10s %7s %10s %7s %6s %6s %-12s %10s %6s %7s %11s\n'
printf "$FMT" case "tcplab r/s" "p99 ms" "nginx r/s" "p99 ms" ratio target verdict "floor r/s" "fl/ng" "tl/fl" "CPU µs/req"
printf "$FMT" "" "" "" "" "" "" "" "" "(bare MHD)" "" "" "tcplab|ng"
row() { # name tcplab-result nginx-result floor-result target
  local name=$1 t=$2 n=$3 f=$4 target=$5
  set -- $t; local trps=$1 tp99=$2 terr=$3 tcpu=$4
  set -- $n; local nrps=$1 np99=$2 ncpu=$4
  local frps="-" fng="-" tfl="-"
  if [ -n "$f" ]; then set -- $f; frps=$1; fng=$(ratio "$frps" "$nrps"); tfl=$(ratio "$trps" "$frps"); fi
  local r; r=$(ratio "$trps" "$nrps")
  printf "$FMT" "$name" "$trps" "$tp99" "$nrps" "$np99" "$r" "≥$target" "$(verdict "$r" "$target")" \
    "$frps" "$fng" "$tfl" "$tcpu|$ncpu"
  [ "$terr" != 0 ] && echo "    ($terr socket errors/non-2xx from tcplab)"
  return 0
}
W=(-t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 10s)
best() { # best "RPS P99 ERR CPU" of two results (by RPS)
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); if (a == "" || y[1] + 0 > x[1] + 0) print b; else print a }'
}
# compare NAME TARGET TCPLAB_URL NGINX_URL FLOOR_URL|- [wrk args for all...] [-- wrk args for tcplab only...]
compare() {
  local name=$1 target=$2 turl=$3 nurl=$4 furl=$5; shift 5
  local both=() own=() seen=0 a
  for a in "$@"; do
    if [ "$a" = -- ]; then seen=1; elif [ $seen = 0 ]; then both+=("$a"); else own+=("$a"); fi
  done
  local bt="" bn="" bf="" i
  for i in $(seq "$REPEAT"); do
    bt=$(best "$bt" "$(SERVER_PIDS=$tcplab_pid wrk_run "$work/t.txt" "$turl" "${W[@]}" "${both[@]}" "${own[@]}")")
    [ "$furl" != - ] && bf=$(best "$bf" "$(SERVER_PIDS=$floor_pid wrk_run "$work/f.txt" "$furl" "${W[@]}" "${both[@]}")")
    bn=$(best "$bn" "$(SERVER_PIDS=$(nginx_pids) wrk_run "$work/n.txt" "$nurl" "${W[@]}" "${both[@]}")")
  done
  row "$name" "$bt" "$bn" "$bf" "$target"
}
size() { stat -c %s "$1"; }
AE=(-H 'Accept-Encoding: gzip, deflate, br')
compare "(a) /static/$STATIC_SMALL_REL, identity, $(size "$work/www/small.file") B" 1.2 \
  "$TL/static/$STATIC_SMALL_REL" "$NG/small.file" "$FL/small.file"
compare "(a) /static/$STATIC_MID_REL, identity, $(size "$work/www/mid.file") B" 1.2 \
  "$TL/static/$STATIC_MID_REL" "$NG/mid.file" "$FL/mid.file"
compare "(a) /static/$STATIC_REL, identity, $(size "$work/www/static.file") B" 1.2 \
  "$TL/static/$STATIC_REL" "$NG/static.file" "$FL/static.file"
compare "(a) /static/$STATIC_REL as browsers ask, gzip, $(size "$work/www/static.gz") B" 1.2 \
  "$TL/static/$STATIC_REL" "$NG/static.gz" "$FL/static.gz" "${AE[@]}"
compare "(b) simulations?scenario=$SCENARIO, identity, $(size "$work/www/trace.json") B" 1.2 \
  "$TL/api/v1/simulations?scenario=$SCENARIO" "$NG/trace.json" "$FL/trace.json"
compare "(b) the same as browsers ask, gzip, $(size "$work/www/trace.gz") B" 1.2 \
  "$TL/api/v1/simulations?scenario=$SCENARIO" "$NG/trace.gz" "$FL/trace.gz" "${AE[@]}"
compare "(c) POST simulations (custom scenario), $(size "$work/www/post.json") B" 0.5 \
  "$TL/api/v1/simulations" "$NG/post.json" - -- -s "$work/post.lua"

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
