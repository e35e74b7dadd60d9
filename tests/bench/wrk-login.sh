#!/bin/bash
# `make bench`, part two: what the module costs a login location, measured
# with wrk against a real nginx and a real redis-server on this machine.
#
# One nginx (the built module loaded) serves:
#   - a trivial upstream on a port of its own: POST -> 302 /account;
#   - /plain: proxy_pass to it (keepalive), no module;
#   - /login: the same proxy_pass with login_risk on, Redis on a private
#     redis-server (no persistence), GeoIP and realip as a front end has
#     them, success = the application's 302.
# wrk (tests/bench/login.lua) posts the logins of 10,000 users, each with
# a stable address and browser (see login.lua). After a warm-up on /login (so
# the users have profiles, as in production) the two locations are run in
# turns, plain, login, plain, login, with the same wrk settings, so that a
# slow moment of this shared machine hits both. Then one paced pair (each
# connection pausing between requests, well below what either location can
# do): the latency a login gains from the module when nothing queues.
#
# Printed at the end: requests/s of each and the ratio, p99 of each and the
# difference (saturated, and paced); Redis commands per login (INFO
# commandstats deltas over the measured login runs, by command, and the
# Redis time they took); Redis time per script (SLOWLOG of a short extra
# run); the share of measured logins decided without their state
# (state_unavailable: a Redis timeout or error), which must be about 0 for
# the figures to mean anything; the verdicts and reasons of the mix; and
# what nginx logged at warn or above.
#
# A benchmark reports, it does not judge: figures below the targets do not
# fail it. The exit status is non-zero when nginx or Redis does not start
# or dies, an nginx process crashes (also at shutdown), wrk reports socket
# errors, or an answer has a status other than 2xx/3xx.
#
# Settings (environment):
#   BENCH_WRK_THREADS=2 BENCH_WRK_CONNECTIONS=32   wrk -t / -c, every run
#   BENCH_WRK_DURATION=10   seconds of each measured run
#   BENCH_WRK_WARMUP=5      seconds of the warm-up on /login
#   BENCH_WRK_ROUNDS=2      plain+login pairs at full load
#   BENCH_WRK_PAUSE_MS=20   pause of the paced pair (0: no paced pair)
#   BENCH_WRK_USERS=10000   distinct users
#   BENCH_IP_USERS=100      login_risk_limit ip_users (see below);
#                           "default" keeps the module's default
#   BENCH_NGINX_WORKERS=1   nginx worker_processes (see below)
#   BENCH_PIN=none          none: the scheduler places everything; split:
#                           nginx on one CPU, wrk and Redis on the others
#   BENCH_PERF=1            perf record nginx and Redis during the last
#                           login run; the top symbols are printed
#   BENCH_KEEP=1            keep the temporary folder (logs, configuration)
#   NGINX_BIN, LR_MODULE, LR_GEOIP_DIR   as for the integration tests
#   PYTHON                  a python3 with the redis package (per-script
#                           Redis times; skipped without it)
#
# Why one nginx worker: this machine has two cores and wrk, Redis and nginx
# share them. With one worker the plain proxy is bound by that worker (one
# core's worth), which leaves the other core's worth to wrk and, in the
# login runs, Redis: the comparison then asks what the module costs a
# worker, Redis on the same host included, with a fixed and known share of
# the machine for nginx. With two workers the plain proxy spreads over both
# cores (about 1.4x the requests/s here) while the login runs cannot, since
# Redis needs the CPU they would take: the ratio then mostly measures how
# the scheduler shares two cores. BENCH_NGINX_WORKERS=2 shows it.
#
# Why no CPU pinning: the split (nginx alone on one CPU, wrk and Redis on
# the other) made the plain proxy's p99 two to three times worse and the
# runs less steady than leaving placement to the scheduler, Redis and wrk
# fighting over one CPU while nginx's idled in the login runs; the login
# runs' requests/s did not change with the placement (Redis alone on a CPU
# included): they are bound by Redis's time per login. BENCH_PIN=split
# runs the split.

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
nginx_bin=${NGINX_BIN:-/usr/sbin/nginx}
module=${LR_MODULE:-$root/build/ngx_http_login_risk_module.so}
geoip=${LR_GEOIP_DIR:-$root/build/geoip}
python=${PYTHON:-/usr/bin/python3}
script=$root/tests/bench/login.lua

threads=${BENCH_WRK_THREADS:-2}
conns=${BENCH_WRK_CONNECTIONS:-32}
duration=${BENCH_WRK_DURATION:-10}
warmup=${BENCH_WRK_WARMUP:-5}
rounds=${BENCH_WRK_ROUNDS:-2}
pause=${BENCH_WRK_PAUSE_MS:-20}
users=${BENCH_WRK_USERS:-10000}
ip_users=${BENCH_IP_USERS:-100}
workers=${BENCH_NGINX_WORKERS:-1}
pin=${BENCH_PIN:-none}

say() { echo "wrk-login: $*"; }
die() { echo "wrk-login: FAILED: $*" >&2; exit 1; }

for tool in wrk redis-server redis-cli python3 awk; do
    command -v "$tool" >/dev/null || die "$tool not found (make deps)"
done
[ -x "$nginx_bin" ] || die "no nginx at $nginx_bin"
[ -f "$module" ] || die "no module at $module (make)"
[ -f "$geoip/test-city.mmdb" ] && [ -f "$geoip/test-asn.mmdb" ] \
    || die "no GeoIP test databases in $geoip (make geoip)"

# --- where everything runs --------------------------------------------------

dir=$(mktemp -d "${TMPDIR:-/tmp}/lr-wrk.XXXXXX")
redis_pid=""
nginx_pid=""
nginx_workers=""
perf_pid=""

cleanup() {
    local rc=$?
    set +e
    if [ -n "$perf_pid" ] && kill -0 "$perf_pid" 2>/dev/null; then
        kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null
    fi
    if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill -QUIT "$nginx_pid"
        for _ in $(seq 1 100); do
            kill -0 "$nginx_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$nginx_pid" 2>/dev/null && kill -KILL "$nginx_pid"
        wait "$nginx_pid" 2>/dev/null
        st=$?
        if [ "$st" -gt 128 ]; then
            echo "wrk-login: FAILED: the nginx master died of signal $((st - 128))" >&2
            [ "$rc" = 0 ] && rc=1
        fi
    fi
    # workers outlive a killed master: only the ones this run started
    for p in $nginx_workers; do
        kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    done
    if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
        kill -TERM "$redis_pid"
        wait "$redis_pid" 2>/dev/null
    fi
    if [ -f "$dir/logs/error.log" ] && grep -q "exited on signal" "$dir/logs/error.log"; then
        echo "wrk-login: FAILED: an nginx process crashed (the figures above stand):" >&2
        grep "exited on signal" "$dir/logs/error.log" | head -3 >&2
        [ "$rc" = 0 ] && rc=1
    fi
    if [ "$rc" != 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "wrk-login: logs and configuration kept in $dir" >&2
    else
        rm -rf "$dir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Started by root, nginx's workers become "nobody": the folder must be
# readable by them and its temporary folder writable; the GeoIP files are
# copied here, as the checkout may be closed to them. So is the module: a
# rebuild during the run (cp over the .so) would change the code under the
# running workers.
chmod 755 "$dir"
mkdir -p "$dir/logs" "$dir/tmp" "$dir/redis" "$dir/geoip"
chmod 777 "$dir/tmp"
cp "$geoip/test-city.mmdb" "$geoip/test-asn.mmdb" "$dir/geoip/"
chmod 644 "$dir/geoip/"*
cp "$module" "$dir/module.so"

free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

read -r port app_port redis_port <<<"$(free_ports 3)"

# CPU placement. No CPU number is written down: the split takes the CPUs
# this script may use, gives the first to nginx and the rest to wrk and
# Redis.
cpus=$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')
ncpus=$(wc -w <<<"$cpus")
pin_nginx=()
pin_load=()
if [ "$pin" = split ] && [ "$ncpus" -ge 2 ]; then
    first=${cpus%% *}
    rest=$(tr ' ' ',' <<<"${cpus#* }")
    pin_nginx=(taskset -c "$first")
    pin_load=(taskset -c "$rest")
    placement="nginx on CPU $first; wrk and redis-server on CPU $rest"
elif [ "$pin" = split ]; then
    placement="one CPU: nothing to split"
else
    placement="no pinning"
fi

# The request mix gives every user an address of its own, but the three
# documentation /24s hold 762 addresses for 10,000 users: about 13 users
# share each, as behind a carrier NAT. With the module's default limit
# (ip_users 5 an hour) every login would be "ip_many_users" and challenged,
# and a challenged login teaches nothing: the benchmark would measure a
# site under attack, never the habitual logins that succeed and are learnt
# (profile write, population count), most of a real site's traffic. So the
# limit is raised above what the address plan gives.
ip_users_limit=""
if [ "$ip_users" != default ]; then
    ip_users_limit="login_risk_limit ip_users $ip_users;"
fi

# --- Redis ----------------------------------------------------------------------

"${pin_load[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 \
    --dir "$dir/redis" --save "" --appendonly no --daemonize no \
    --logfile "$dir/logs/redis.log" >/dev/null 2>&1 &
redis_pid=$!

rcli() { redis-cli -p "$redis_port" "$@"; }

for _ in $(seq 1 100); do
    [ "$(rcli ping 2>/dev/null)" = PONG ] && break
    kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited; see $dir/logs/redis.log"
    sleep 0.1
done
[ "$(rcli ping 2>/dev/null)" = PONG ] || die "redis-server does not answer on $redis_port"

# --- nginx ----------------------------------------------------------------------

cat >"$dir/nginx.conf" <<EOF
load_module $dir/module.so;
daemon off;
master_process on;
worker_processes $workers;
error_log $dir/logs/error.log info;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    # wrk keeps its connections for a whole run; so does the proxy
    keepalive_requests 1000000;

    # one line per request, the same format in both locations (the module's
    # variables are empty on /plain): the status and verdict of every
    # login are counted from it
    log_format bench '\$status \$login_risk_action [\$login_risk_reasons] '
                     '\$request_time';

    login_risk_geoip_city $dir/geoip/test-city.mmdb;
    login_risk_geoip_asn $dir/geoip/test-asn.mmdb;
    login_risk_redis 127.0.0.1:$redis_port;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;

    upstream app {
        server 127.0.0.1:$app_port;
        keepalive 64;
    }

    proxy_http_version 1.1;
    proxy_set_header Connection "";

    # the trivial application
    server {
        listen 127.0.0.1:$app_port;
        access_log off;
        location / {
            if (\$request_method = POST) {
                return 302 /account;
            }
            return 200;
        }
    }

    server {
        listen 127.0.0.1:$port;

        location = /plain {
            access_log $dir/logs/plain.log bench;
            proxy_pass http://app;
        }

        location = /login {
            login_risk on;
            login_risk_success status=302;
            $ip_users_limit
            access_log $dir/logs/login.log bench;
            proxy_pass http://app;
        }
    }
}
EOF

"$nginx_bin" -t -q -p "$dir" -c "$dir/nginx.conf" 2>"$dir/logs/nginx-t.log" \
    || die "nginx -t: $(cat "$dir/logs/nginx-t.log")"

"${pin_nginx[@]}" "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" \
    >"$dir/logs/stderr.log" 2>&1 &
nginx_pid=$!

for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$nginx_pid" 2>/dev/null \
        || die "nginx exited: $(tail -5 "$dir/logs/error.log" "$dir/logs/stderr.log")"
    sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "nginx does not answer on $port"

for _ in $(seq 1 50); do
    nginx_workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ' || true)
    [ "$(wc -w <<<"$nginx_workers")" -ge "$workers" ] && break
    sleep 0.1
done

# one login through the module, again until the workers' Redis connection
# is up (made when a worker starts): then the runs can begin
probe() {
    python3 - "$port" <<'EOF'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("POST", "/login", body="username=probe&password=x",
          headers={"Content-Type": "application/x-www-form-urlencoded",
                   "X-Forwarded-For": "192.0.2.1"})
print(c.getresponse().status)
EOF
}
for _ in $(seq 1 50); do
    status=$(probe) || die "the probe login failed"
    [ "$status" = 302 ] || die "the probe login got $status, not 302"
    tail -1 "$dir/logs/login.log" | grep -q state_unavailable || break
    sleep 0.1
done
tail -1 "$dir/logs/login.log" | grep -q state_unavailable \
    && die "the module does not reach Redis: $(grep login_risk "$dir/logs/error.log" | tail -3)"

alive() {
    kill -0 "$nginx_pid" 2>/dev/null || die "nginx died; see $dir/logs/error.log"
    kill -0 "$redis_pid" 2>/dev/null || die "redis-server died; see $dir/logs/redis.log"
    if grep -q "exited on signal" "$dir/logs/error.log"; then
        die "an nginx worker crashed: $(grep 'exited on signal' "$dir/logs/error.log" | head -3)"
    fi
}

# --- runs -------------------------------------------------------------------------

# CPU time in ticks: of processes (user + system), of the machine (busy,
# steal)
proc_ticks() {
    local p t=0
    for p in "$@"; do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
machine_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat
}
hz=$(getconf CLK_TCK)

# run NAME PATH SECONDS [PAUSE_MS]: one wrk run; its result line, with the
# CPU each part used (100% = one CPU for the whole run; cpu_rest is wrk,
# the kernel's network work and anything else on the machine), goes to
# $dir/results
run() {
    local name=$1 path=$2 secs=$3 pause_ms=${4:-0} out line n0 r0 m0 n1 r1 m1 t0 t1 errs
    n0=$(proc_ticks $nginx_workers); r0=$(proc_ticks "$redis_pid"); m0=$(machine_ticks)
    t0=$(date +%s.%N)
    out=$("${pin_load[@]}" wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$script" \
        "http://127.0.0.1:$port" -- "$path" "$users" "$threads" "$pause_ms" 2>&1) \
        || die "wrk failed on $path: $out"
    t1=$(date +%s.%N)
    n1=$(proc_ticks $nginx_workers); r1=$(proc_ticks "$redis_pid"); m1=$(machine_ticks)
    line=$(grep '^wrk-result ' <<<"$out" || true)
    [ -n "$line" ] || die "wrk printed no result on $path: $out"
    line="${line#wrk-result } $(awk -v hz="$hz" -v t="$t0 $t1" -v n="$n0 $n1" \
        -v r="$r0 $r1" -v m0="$m0" -v m1="$m1" 'BEGIN {
            split(t, T, " "); split(n, N, " "); split(r, R, " ")
            split(m0, A, " "); split(m1, B, " "); s = (T[2] - T[1]) * hz / 100
            printf "cpu_nginx=%.0f%% cpu_redis=%.0f%% cpu_rest=%.0f%% steal=%.0f%%",
                (N[2] - N[1]) / s, (R[2] - R[1]) / s,
                (B[1] - A[1] - (N[2] - N[1]) - (R[2] - R[1])) / s, (B[2] - A[2]) / s }')"
    echo "$name $line" >>"$dir/results"
    printf '  %-7s %s\n' "$name" "$(sed -E 's/ err_[a-z]+=0//g; s/ (duration_s|p90_ms|mean_ms)=[^ ]*//g' <<<"$line")"
    alive
    errs=$(awk '{ s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^err_/) { split($i, kv, "="); s += kv[2] } print s }' <<<"$line")
    [ "$errs" = 0 ] || die "wrk reported errors on $path (status >399 or socket errors): $line"
}

# name calls usec, per command
commandstats() {
    rcli info commandstats | tr -d '\r' \
        | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2 \3/p' \
        | LC_ALL=C sort
}

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

say "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///'), worker_processes $workers," \
    "redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), $ncpus CPUs, $placement"
say "wrk -t$threads -c$conns, $users users; warm-up ${warmup}s on /login, then" \
    "$rounds x (plain ${duration}s, login ${duration}s)$([ "$pause" -gt 0 ] \
    && echo ", then paced (${pause} ms pause per connection) plain and login ${duration}s")"
: >"$dir/results"

# this machine is shared: say so when something else keeps it busy
m0=$(machine_ticks); sleep 1; m1=$(machine_ticks)
busy=$(awk -v a="$m0" -v b="$m1" -v hz="$hz" 'BEGIN { split(a, A, " "); split(b, B, " "); printf "%.0f", 100 * (B[1] - A[1]) / hz }')
if [ "$busy" -gt 15 ]; then
    say "NOTE: the machine was ${busy}% busy (100% = one CPU) before the runs began:"         "something else runs here, the figures may be disturbed (see cpu_rest)"
fi

run warmup /login "$warmup"
sleep 1    # the warm-up's learning writes land before the counting starts

commandstats >"$dir/cmd.before"
login_from=$(lines "$dir/logs/login.log")

for r in $(seq 1 "$rounds"); do
    run plain /plain "$duration"
    if [ "${BENCH_PERF:-0}" = 1 ] && [ "$r" = "$rounds" ] && command -v perf >/dev/null; then
        perf record -q -o "$dir/perf.data" \
            -p "$(tr ' ' ',' <<<"${nginx_workers% }"),$redis_pid" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    run login /login "$duration"
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
        perf_pid=""
    fi
done
sleep 1    # the last run's learning writes

commandstats >"$dir/cmd.after"
login_to=$(lines "$dir/logs/login.log")

if [ "$pause" -gt 0 ]; then
    run paced-plain /plain "$duration" "$pause"
    run paced-login /login "$duration" "$pause"
fi

# Redis time per script: every command logged by SLOWLOG (threshold 0) in
# a short run that is not measured; the log holds the scripts' SHA1s
if "$python" -c 'import redis' 2>/dev/null; then
    rcli config set slowlog-max-len 200000 >/dev/null
    rcli slowlog reset >/dev/null
    rcli config set slowlog-log-slower-than 0 >/dev/null
    run slowlog /login 3
    rcli config set slowlog-log-slower-than 10000 >/dev/null
fi
alive

# --- what the logs say ----------------------------------------------------------------

sed -n "$((login_from + 1)),${login_to}p" "$dir/logs/login.log" >"$dir/login.measured"
logins=$(wc -l <"$dir/login.measured")
[ "$logins" -gt 0 ] || die "no login was logged"

# 499: wrk closed a connection with a request in flight as a run ended;
# nobody got that answer. Anything else outside 2xx/3xx is a failure.
bad=$(cat "$dir/logs/login.log" "$dir/logs/plain.log" \
    | awk '($1 < 200 || $1 >= 400) && $1 != 499 { print $1 }' | sort | uniq -c | tr -s ' \n' ' ')
[ -z "$bad" ] || die "answers outside 2xx/3xx (count, status):$bad"
cut=$(awk '$1 == 499' "$dir/login.measured" | wc -l)
unavailable=$(grep -c 'state_unavailable' "$dir/login.measured" || true)

# --- summary --------------------------------------------------------------------------

echo
say "summary"

awk -v pause="$pause" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } }
    $1 == "plain" || $1 == "login" {
        req[$1] += v[$1, "requests"]; dur[$1] += v[$1, "duration_s"]
        p99[$1] += v[$1, "p99_ms"]; p50[$1] += v[$1, "p50_ms"]; n[$1]++
        if (v[$1, "p99_ms"] > worst[$1]) worst[$1] = v[$1, "p99_ms"]
    }
    END {
        rp = req["plain"] / dur["plain"]; rl = req["login"] / dur["login"]
        printf "  full load, %d runs each:\n", n["login"]
        printf "    requests/s  plain %8.0f   module %8.0f   ratio %.2f   (target: at least 0.5, aim 0.7)\n", rp, rl, rl / rp
        printf "    p50 ms      plain %8.3f   module %8.3f\n", p50["plain"] / n["plain"], p50["login"] / n["login"]
        printf "    p99 ms      plain %8.3f   module %8.3f   difference %+.3f ms   (target: within 1 ms)\n", p99["plain"] / n["plain"], p99["login"] / n["login"], p99["login"] / n["login"] - p99["plain"] / n["plain"]
        printf "    worst p99   plain %8.3f   module %8.3f\n", worst["plain"], worst["login"]
        if (pause > 0) {
            printf "  paced (%d ms pause per connection):\n", pause
            printf "    requests/s  plain %8.0f   module %8.0f\n", v["paced-plain", "rps"], v["paced-login", "rps"]
            printf "    p50 ms      plain %8.3f   module %8.3f\n", v["paced-plain", "p50_ms"], v["paced-login", "p50_ms"]
            printf "    p99 ms      plain %8.3f   module %8.3f   difference %+.3f ms\n", v["paced-plain", "p99_ms"], v["paced-login", "p99_ms"], v["paced-login", "p99_ms"] - v["paced-plain", "p99_ms"]
        }
    }' "$dir/results"

# wrk and the kernel's loopback work take 15-50% of a CPU here; much more
# means something else ran on the machine during that run
awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^cpu_rest=/) { v = substr($i, 10) + 0
       if (v > 70) printf "  NOTE: %s run: cpu_rest=%d%%, other load on the machine: its figures may be disturbed\n", $1, v } }' \
    "$dir/results"
echo "  logins in the full-load runs (access log): $logins; state_unavailable: $unavailable" \
     "($(awk -v u="$unavailable" -v n="$logins" 'BEGIN { printf "%.3f", 100 * u / n }')%);" \
     "cut off by the end of a run (499): $cut"
echo "  verdicts: $(awk '{ print $2 }' "$dir/login.measured" | sort | uniq -c | sort -rn \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"
echo "  reasons:  $(sed -n 's/.*\[\(.*\)\].*/\1/p' "$dir/login.measured" | tr ',' '\n' \
    | sort | uniq -c | sort -rn | head -8 \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"

# Commands per login. Redis 7 counts the commands its scripts call too:
# the user's read script runs 3 GET, the profile's compare-and-set a GET and
# a SET; the rest are sent by nginx as they are. Time is Redis's own (usec
# in commandstats); a script's includes its commands'. INFO, CONFIG and
# SLOWLOG, sent by this script, are left out.
echo "  Redis commands per login, full-load runs (INFO commandstats / $logins logins):"
LC_ALL=C join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$dir/cmd.before" "$dir/cmd.after" \
    | awk -v n="$logins" '
        $1 ~ /^(info|config\|.*|slowlog\|.*|ping|client\|.*)$/ { next }
        { c = $4 - $2; u = $5 - $3; if (c <= 0) next
          all += c
          if ($1 ~ /^(eval|evalsha)$/) { scripts += c; su += u }
          else if ($1 !~ /^(get|set)$/) { plain += c; pu += u }
          ls = ls sprintf("      %-12s %6.2f per login  %6.1f us each\n", $1, c / n, u / c) }
        END {
          printf "%s", ls
          printf "    scripts (EVALSHA): %.2f per login, %.0f us of Redis time per login\n", scripts / n, su / n
          printf "    plain commands other than GET/SET: %.2f per login, %.0f us per login\n", plain / n, pu / n
          printf "    all, counting those inside scripts: %.2f per login\n", all / n
        }'

if "$python" -c 'import redis' 2>/dev/null; then
    echo "  Redis time per script (SLOWLOG of an extra 3 s run at full load; names from src/lr_redis.c):"
    "$python" - "$redis_port" "$root/src/lr_redis.c" <<'EOF' || echo "    (could not read the slow log)"
import collections, hashlib, re, sys
import redis

r = redis.Redis(port=int(sys.argv[1]))
names = {}
try:
    src = open(sys.argv[2], encoding="utf-8").read()
    for m in re.finditer(r'static const char\s+lr_script_(\w+)\[\]\s*=\s*((?:\s*"(?:[^"\\]|\\.)*")+)\s*;', src):
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        text = text.encode().decode("unicode_escape")
        names[hashlib.sha1(text.encode()).hexdigest()] = m.group(1)
except OSError:
    pass

log = r.slowlog_get(200000)
stats = collections.defaultdict(list)
for e in log:
    argv = e["command"].split()
    if argv and argv[0].upper() == b"EVALSHA" and len(argv) > 2:
        sha = argv[1].decode()
        key = argv[3].decode(errors="replace") if int(argv[2]) > 0 and len(argv) > 3 else ""
        tag = re.sub(r"^.*\{([a-z]+)[:}].*$", r"{\1}", key)
        stats[(names.get(sha, sha[:10]), tag)].append(e["duration"])
logins = max(1, len(stats.get(("read", "{u}"), [])))
total = sum(sum(v) for v in stats.values())
for (name, tag), v in sorted(stats.items(), key=lambda kv: -sum(kv[1])):
    v.sort()
    print("      %-10s %-6s %5.2f per login  mean %6.1f us  p99 %5d us  %4.1f%% of script time"
          % (name, tag, len(v) / logins, sum(v) / len(v), v[int(len(v) * 0.99)],
             100.0 * sum(v) / max(1, total)))
print("      (a sample: the slow log keeps the last 200,000 commands, the last %d logins)"
      % logins)
EOF
fi

# what nginx had to say while it ran (connections closed by wrk at the end
# of each run are info, not counted)
notes=$(grep -E '\[(warn|error|crit|alert|emerg)\]' "$dir/logs/error.log" \
    | sed -E 's/^[0-9\/]+ [0-9:]+ \[([a-z]+)\] [0-9]+#[0-9]+: (\*[0-9]+ )?/\1: /; s/, client: .*//' \
    | sort | uniq -c | sort -rn | head -10 || true)
if [ -n "$notes" ]; then
    echo "  nginx error log, warn and above:"
    sed 's/^/   /' <<<"$notes"
else
    echo "  nginx error log: nothing at warn or above"
fi
why=$(grep -o 'state unavailable ([^)]*)' "$dir/logs/error.log" | sort | uniq -c || true)
if [ -n "$why" ]; then
    echo "  state unavailable, by cause (all runs, warm-up included):"
    sed 's/^/   /' <<<"$why"
fi

if [ -f "$dir/perf.data" ]; then
    echo "  perf, nginx worker(s) and redis-server in the last full-load login run:"
    perf report -i "$dir/perf.data" --stdio --sort comm,dso 2>/dev/null \
        | grep -E '^ +[0-9]' | head -12 | sed 's/^/   /'
    perf report -i "$dir/perf.data" --stdio --sort comm,dso,symbol 2>/dev/null \
        | grep -E '^ +[0-9]' | head -30 | sed 's/^/   /'
fi
