#!/bin/bash
# `make bench`, part two: what the module costs a login location, measured
# with wrk against a real nginx and a real redis-server on this machine.
#
# One nginx (the built module loaded) serves three things:
#   - a trivial upstream on a port of its own: POST -> 302 /account;
#   - /plain: proxy_pass to it (keepalive), no module;
#   - /login: the same proxy_pass with login_risk on, Redis on a private
#     redis-server, GeoIP and realip as a front end has them.
# wrk (tests/bench/login.lua) posts the logins of 10,000 users, each from
# its own stable address and browser. After a warm-up on /login (so the
# users have profiles, as in production) the two locations are measured
# in turns, plain, login, plain, login, ..., with the same wrk settings,
# so a slow moment of this shared machine hits both. Printed at the end:
# requests/s of each and their ratio, p99 latency of each and the
# difference, Redis commands per login (INFO commandstats deltas over the
# measured login runs, by command), and how many measured logins were
# decided without their state (state_unavailable: a Redis timeout or
# error), which must be about 0 for the figures to mean anything.
#
# A benchmark reports, it does not judge: the exit status is non-zero only
# when nginx or Redis does not start or dies, wrk reports socket errors,
# or an answer has a status other than 2xx/3xx.
#
# Settings (environment):
#   BENCH_WRK_THREADS=2 BENCH_WRK_CONNECTIONS=32   wrk -t / -c, every run
#   BENCH_WRK_DURATION=10   seconds of each measured run
#   BENCH_WRK_WARMUP=5      seconds of the warm-up on /login
#   BENCH_WRK_ROUNDS=2      plain+login pairs
#   BENCH_WRK_USERS=10000   distinct users (and addresses, browsers)
#   BENCH_NGINX_WORKERS=1   nginx worker_processes (see below)
#   BENCH_PIN=split         split: nginx on one CPU, wrk and Redis on the
#                           others; none: let the scheduler place them
#   BENCH_PERF=1            also profile nginx during the last login run
#                           (perf record; the report goes to the output)
#   BENCH_KEEP=1            keep the temporary folder (logs, configuration)
#   NGINX_BIN, LR_MODULE, LR_GEOIP_DIR   as for the integration tests
#
# Why one nginx worker: this machine has two cores and wrk, Redis and
# nginx share them. One worker is a fixed, known share of the machine, so
# the comparison measures what the module adds to the work of a worker
# (parsing, GeoIP, scoring, the Redis round trip and its event handling)
# rather than how the scheduler shares two cores between two workers, a
# Redis and two wrk threads; and it is the harder case for latency: the
# module's Redis replies and the requests queue behind each other on one
# event loop. With BENCH_PIN=split that worker has a core to itself and
# wrk and Redis share the other; this gave the steadiest figures here.

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
nginx_bin=${NGINX_BIN:-/usr/sbin/nginx}
module=${LR_MODULE:-$root/build/ngx_http_login_risk_module.so}
geoip=${LR_GEOIP_DIR:-$root/build/geoip}
script=$root/tests/bench/login.lua

threads=${BENCH_WRK_THREADS:-2}
conns=${BENCH_WRK_CONNECTIONS:-32}
duration=${BENCH_WRK_DURATION:-10}
warmup=${BENCH_WRK_WARMUP:-5}
rounds=${BENCH_WRK_ROUNDS:-2}
users=${BENCH_WRK_USERS:-10000}
workers=${BENCH_NGINX_WORKERS:-1}
pin=${BENCH_PIN:-split}

say() { echo "wrk-login: $*"; }
die() { echo "wrk-login: FAILED: $*" >&2; exit 1; }

for tool in wrk redis-server redis-cli python3 awk; do
    command -v "$tool" >/dev/null || die "$tool not found (make deps)"
done
[ -x "$nginx_bin" ] || die "no nginx at $nginx_bin"
[ -f "$module" ] || die "no module at $module (make)"
[ -f "$geoip/test-city.mmdb" ] && [ -f "$geoip/test-asn.mmdb" ] \
    || die "no GeoIP test databases in $geoip (make geoip)"

# --- where everything runs ---------------------------------------------------

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
    fi
    # workers outlive a killed master: only the ones this run started
    for p in $nginx_workers; do
        kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    done
    if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
        kill -TERM "$redis_pid"
        wait "$redis_pid" 2>/dev/null
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
# readable by them and its temporary folder writable.
chmod 755 "$dir"
mkdir -p "$dir/logs" "$dir/tmp" "$dir/redis" "$dir/geoip"
chmod 777 "$dir/tmp"
cp "$geoip/test-city.mmdb" "$geoip/test-asn.mmdb" "$dir/geoip/"
chmod 644 "$dir/geoip/"*

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
# Redis. With one CPU there is nothing to split.
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
    placement="one CPU: nothing to split, no pinning"
else
    placement="no pinning ($ncpus CPUs shared by all)"
fi

# --- Redis ---------------------------------------------------------------------

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

# --- nginx ---------------------------------------------------------------------

cat >"$dir/nginx.conf" <<EOF
load_module $module;
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

    # wrk keeps its connections for the whole run; so does the proxy
    keepalive_requests 1000000;
    keepalive_timeout 60s;

    # one line per request, the same format in both locations (the module's
    # variables are empty on /plain): the status and the verdict of every
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

# one login through the module, again until the worker's Redis connection
# is up (it connects when the worker starts): then the runs can begin
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

# --- runs ------------------------------------------------------------------------

# run NAME PATH SECONDS: one wrk run; its result line goes to $dir/results
run() {
    local name=$1 path=$2 secs=$3 out line
    out=$("${pin_load[@]}" wrk -t"$threads" -c"$conns" -d"${secs}s" \
        -s "$script" "http://127.0.0.1:$port" -- "$path" "$users" "$threads" 2>&1) \
        || die "wrk failed on $path: $out"
    line=$(grep '^wrk-result ' <<<"$out" || true)
    [ -n "$line" ] || die "wrk printed no result on $path: $out"
    echo "$name $line" >>"$dir/results"
    printf '  %-7s %s\n' "$name" "${line#wrk-result }"
    alive
    local errs
    errs=$(awk '{ s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^err_/) { split($i, kv, "="); s += kv[2] } print s }' <<<"$line")
    [ "$errs" = 0 ] || die "wrk reported errors on $path (status >399 or socket errors): $line"
}

commandstats() {
    rcli info commandstats | tr -d '\r' \
        | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p'
}

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

say "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///'), worker_processes $workers," \
    "redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), $ncpus CPUs: $placement"
say "wrk -t$threads -c$conns, $users users; warm-up ${warmup}s on /login," \
    "then $rounds x (plain ${duration}s, login ${duration}s)"
: >"$dir/results"

run warmup /login "$warmup"
sleep 1    # the warm-up's learning writes land before the counting starts

commandstats >"$dir/cmd.before"
rcli info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p' >"$dir/total.before"
login_from=$(lines "$dir/logs/login.log")
plain_from=$(lines "$dir/logs/plain.log")

for r in $(seq 1 "$rounds"); do
    run plain /plain "$duration"
    if [ "${BENCH_PERF:-0}" = 1 ] && [ "$r" = "$rounds" ] && command -v perf >/dev/null; then
        perf record -q -g -o "$dir/perf.data" -p "$(tr ' ' ',' <<<"${nginx_workers% }")" \
            >/dev/null 2>&1 &
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
rcli info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p' >"$dir/total.after"
alive

# --- what the logs say ---------------------------------------------------------------

tail -n +"$((login_from + 1))" "$dir/logs/login.log" >"$dir/login.measured"
tail -n +"$((plain_from + 1))" "$dir/logs/plain.log" >"$dir/plain.measured"

logins=$(wc -l <"$dir/login.measured")
[ "$logins" -gt 0 ] || die "no login was logged"

# 499: wrk closed a connection with a request in flight when a run ended;
# nobody got that answer. Anything else outside 2xx/3xx is a failure.
bad=$(cat "$dir/logs/login.log" "$dir/logs/plain.log" \
    | awk '($1 < 200 || $1 >= 400) && $1 != 499 { print $1 }' | sort | uniq -c | tr -s ' \n' ' ')
[ -z "$bad" ] || die "answers outside 2xx/3xx (count, status):$bad"
cut499=$(awk '$1 == 499' "$dir/login.measured" | wc -l)

unavailable=$(grep -c 'state_unavailable' "$dir/login.measured" || true)

# --- summary -------------------------------------------------------------------------

echo
say "summary (measured runs only; the warm-up is left out)"

awk '
    $1 == "plain" || $1 == "login" {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        req[$1] += v["requests"]; dur[$1] += v["duration_s"]
        p99[$1] += v["p99_ms"]; p50[$1] += v["p50_ms"]; n[$1]++
        if (v["p99_ms"] > worst[$1]) worst[$1] = v["p99_ms"]
    }
    END {
        rp = req["plain"] / dur["plain"]; rl = req["login"] / dur["login"]
        printf "  requests/s   plain %9.0f   module %9.0f   ratio %.2f  (at least 0.5, aim 0.7)\n", rp, rl, rl / rp
        printf "  p50 ms       plain %9.3f   module %9.3f\n", p50["plain"] / n["plain"], p50["login"] / n["login"]
        printf "  p99 ms       plain %9.3f   module %9.3f   difference %+.3f ms  (within 1 ms)\n", p99["plain"] / n["plain"], p99["login"] / n["login"], p99["login"] / n["login"] - p99["plain"] / n["plain"]
        printf "  worst p99    plain %9.3f   module %9.3f   (of %d runs each)\n", worst["plain"], worst["login"], n["login"]
    }' "$dir/results"

echo "  logins measured (access log): $logins; state_unavailable: $unavailable" \
     "($(awk -v u="$unavailable" -v n="$logins" 'BEGIN { printf "%.3f", 100 * u / n }')%)"

echo "  verdicts: $(awk '{ print $2 }' "$dir/login.measured" | sort | uniq -c | sort -rn \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"
echo "  reasons:  $(sed -n 's/.*\[\(.*\)\].*/\1/p' "$dir/login.measured" | tr ',' '\n' \
    | sed '/^$/d' | sort | uniq -c | sort -rn | head -8 \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"

# Commands per login. Redis counts the commands its scripts call as well
# (in 7.x), so the list has two parts: what nginx sent (the round trips'
# content: EVALSHA, and EVAL/SCRIPT after a flush) and what ran inside
# those scripts. INFO itself, sent by this script, is left out.
echo "  Redis commands per login (INFO commandstats, over $logins logins):"
LC_ALL=C join -a 2 -e 0 -o 0,1.2,2.2 <(LC_ALL=C sort "$dir/cmd.before") \
    <(LC_ALL=C sort "$dir/cmd.after") \
    | awk -v n="$logins" '
        $1 == "info" || $1 ~ /^config/ || $1 == "ping" || $1 ~ /^client/ { next }
        { d = $3 - $2; if (d <= 0) next
          top = ($1 ~ /^(eval|evalsha|eval_ro|evalsha_ro|script\|.*|auth|select|hello)$/)
          if (top) { sent += d; ts = ts sprintf("    sent      %-12s %7.2f\n", $1, d / n) }
          else     { inner += d; is = is sprintf("    in script %-12s %7.2f\n", $1, d / n) } }
        END {
          printf "%s", ts
          printf "    = sent by nginx per login: %.2f\n", sent / n
          printf "%s", is
          printf "    = run inside scripts per login: %.2f; all: %.2f\n", inner / n, (sent + inner) / n
        }'
echo "  (redis total_commands_processed per login: $(awk -v a="$(cat "$dir/total.before")" \
    -v b="$(cat "$dir/total.after")" -v n="$logins" 'BEGIN { printf "%.2f", (b - a) / n }'))"

# what nginx had to say while it ran
notes=$(grep -E '\[(warn|error|crit|alert|emerg)\]' "$dir/logs/error.log" \
    | sed -E 's/^[0-9\/]+ [0-9:]+ \[([a-z]+)\] [0-9]+#[0-9]+: (\*[0-9]+ )?/\1: /; s/, client: .*//' \
    | sort | uniq -c | sort -rn | head -10 || true)
if [ -n "$notes" ]; then
    echo "  nginx error log (warn and above):"
    sed 's/^/   /' <<<"$notes"
else
    echo "  nginx error log: nothing at warn or above"
fi
why=$(grep -o 'state unavailable ([^)]*)' "$dir/logs/error.log" | sort | uniq -c || true)
[ -z "$why" ] || { echo "  state unavailable, by cause (whole run, warm-up included):"; sed 's/^/   /' <<<"$why"; }

if [ -f "$dir/perf.data" ]; then
    echo "  perf: nginx worker(s) during the last login run, top symbols (self):"
    perf report -i "$dir/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null \
        | grep -E '^ +[0-9]' | head -25 | sed 's/^/   /'
fi
