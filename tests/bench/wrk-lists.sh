#!/bin/bash
# `make bench`, part three: what large allow/block lists cost a login in
# nginx, and a worker's memory, measured with wrk.
#
# Two nginx, one worker each, the same module, the same private
# redis-server and the same trivial upstream (a third nginx: POST -> 302):
#   - "bare": /login with login_risk on, no list;
#   - "lists": the same, plus list files of BENCH_CIDRS block entries
#     (default 100,000: nine in ten IPv4 from /16 to single addresses, the
#     rest IPv6) and BENCH_LIST_USERS user block entries (default
#     1,000,000), none of which the bench's logins hit, so that both do the
#     same work but for the lookups.
# wrk (tests/bench/login.lua, 10,000 users) warms both up, then runs them in
# turns, bare, lists, bare, lists (BENCH_WRK_DURATION s each), so that a
# slow moment of this shared machine hits both.
#
# Printed: how long `nginx -t` takes with the lists (reading and compiling
# the files), requests/s and p99 of each and their ratio, the difference in
# worker time per login (1/rps: meaningful when the worker is what limits
# the runs), and the memory of each worker: VmRSS, and from smaps_rollup
# Pss and Private (the lists are compiled by the master and shared with
# the workers after fork: Rss counts them in every worker, Pss shares them
# out).
#
# A benchmark reports, it does not judge; it fails only when something
# does not start, crashes, or answers outside 2xx/3xx.
#
# Settings (environment): BENCH_CIDRS, BENCH_LIST_USERS, BENCH_WRK_THREADS=2,
# BENCH_WRK_CONNECTIONS=32, BENCH_WRK_DURATION=10, BENCH_WRK_ROUNDS=2,
# BENCH_WRK_USERS=10000, BENCH_KEEP=1 (keep the folder), NGINX_BIN,
# LR_MODULE, LR_GEOIP_DIR.

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
nginx_bin=${NGINX_BIN:-/usr/sbin/nginx}
module=${LR_MODULE:-$root/build/ngx_http_login_risk_module.so}
geoip=${LR_GEOIP_DIR:-$root/build/geoip}
script=$root/tests/bench/login.lua

cidrs=${BENCH_CIDRS:-100000}
list_users=${BENCH_LIST_USERS:-1000000}
threads=${BENCH_WRK_THREADS:-2}
conns=${BENCH_WRK_CONNECTIONS:-32}
duration=${BENCH_WRK_DURATION:-10}
rounds=${BENCH_WRK_ROUNDS:-2}
users=${BENCH_WRK_USERS:-10000}

say() { echo "wrk-lists: $*"; }
die() { echo "wrk-lists: FAILED: $*" >&2; exit 1; }

for tool in wrk redis-server redis-cli python3 awk; do
    command -v "$tool" >/dev/null || die "$tool not found (make deps)"
done
[ -f "$module" ] || die "no module at $module (make)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/lr-wrk-lists.XXXXXX")
redis_pid=""
pids=""

cleanup() {
    local rc=$? p
    set +e
    for p in $pids; do
        kill -QUIT "$p" 2>/dev/null
    done
    for p in $pids; do
        for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    done
    [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    if cat "$dir"/*/logs/error.log 2>/dev/null | grep -q "exited on signal"; then
        echo "wrk-lists: FAILED: an nginx process crashed" >&2
        rc=1
    fi
    if [ "$rc" != 0 ] || [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "wrk-lists: kept $dir" >&2
    else
        rm -rf "$dir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

chmod 755 "$dir"
mkdir -p "$dir/redis" "$dir/geoip" "$dir/lists"
cp "$geoip/test-city.mmdb" "$geoip/test-asn.mmdb" "$dir/geoip/"
cp "$module" "$dir/module.so"
chmod 644 "$dir/geoip/"* "$dir/module.so"

# --- the list files ------------------------------------------------------------

python3 - "$dir/lists" "$cidrs" "$list_users" <<'EOF'
import random, sys
out, ncidr, nuser = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(4711)
seen = set()
with open(out + "/ip-block.txt", "w") as f:
    f.write("# a feed of attacking networks, none of which the bench uses\n")
    while len(seen) < ncidr:
        i = len(seen)
        if i % 10 == 9:
            # IPv6 outside 2001:db8:1..4::, the test databases' networks
            bits = rnd.randint(32, 64)
            a = (0x2001 << 112) | (rnd.getrandbits(32) << 80) | (1 << 79)
            a &= ((1 << 128) - 1) ^ ((1 << (128 - bits)) - 1)
            text = "%x:%x:%x:%x::/%d" % (a >> 112, (a >> 96) & 0xffff,
                                         (a >> 80) & 0xffff, (a >> 64) & 0xffff, bits)
        else:
            bits = 32 if i % 2 else (24 if i % 5 else rnd.randint(16, 22))
            a = rnd.getrandbits(32) & (((1 << 32) - 1) ^ ((1 << (32 - bits)) - 1))
            first = a >> 24
            # not the documentation ranges the logins come from
            if first in (192, 198, 203) or first == 0:
                continue
            text = "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
            if bits != 32:
                text += "/%d" % bits
        if text not in seen:
            seen.add(text)
            f.write(text + "\n")
with open(out + "/user-block.txt", "w") as f:
    for i in range(nuser):
        f.write("listed-%d\n" % i)
EOF
chmod 644 "$dir/lists/"*
say "$cidrs CIDR entries ($(du -h "$dir/lists/ip-block.txt" | cut -f1)) and" \
    "$list_users user entries ($(du -h "$dir/lists/user-block.txt" | cut -f1)) in $dir/lists"

# --- Redis and the two nginx -----------------------------------------------------

read -r redis_port app_port port_bare port_lists <<<"$(python3 -c '
import socket
s = [socket.socket() for _ in range(4)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')"

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --save "" \
    --appendonly no --logfile "$dir/redis/redis.log" >/dev/null 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done

# the trivial upstream: an nginx of its own, without the module
mkdir -p "$dir/app/logs"
cat >"$dir/app/nginx.conf" <<EOF
daemon off;
worker_processes 1;
error_log $dir/app/logs/error.log warn;
pid $dir/app/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $dir/app/logs;
    server {
        listen 127.0.0.1:$app_port;
        location / { return 302 /account; }
    }
}
EOF

# conf NAME PORT LISTS: one nginx in $dir/NAME
conf() {
    local name=$1 port=$2 lists=$3
    mkdir -p "$dir/$name/logs" "$dir/$name/tmp"
    chmod 777 "$dir/$name/tmp"
    cat >"$dir/$name/nginx.conf" <<EOF
load_module $dir/module.so;
daemon off;
master_process on;
worker_processes 1;
error_log $dir/$name/logs/error.log warn;
pid $dir/$name/nginx.pid;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/$name/tmp;
    proxy_temp_path $dir/$name/tmp;
    keepalive_requests 1000000;
    access_log off;
    login_risk_geoip_city $dir/geoip/test-city.mmdb;
    login_risk_geoip_asn $dir/geoip/test-asn.mmdb;
    login_risk_redis 127.0.0.1:$redis_port;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    $lists
    upstream app { server 127.0.0.1:$app_port; keepalive 64; }
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {
        listen 127.0.0.1:$port;
        location = /login {
            login_risk on;
            login_risk_success status=302;
            login_risk_limit ip_users 100;
            proxy_pass http://app;
        }
    }
}
EOF
}

conf bare "$port_bare" ""
conf lists "$port_lists" "login_risk_list ip block $dir/lists/ip-block.txt;
    login_risk_list user block $dir/lists/user-block.txt;"

t0=$(date +%s.%N)
"$nginx_bin" -t -q -p "$dir/lists" -c "$dir/lists/nginx.conf" 2>"$dir/lists/logs/t.log" \
    || die "nginx -t: $(cat "$dir/lists/logs/t.log")"
t1=$(date +%s.%N)
say "nginx -t with the lists: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"

start() {
    local name=$1 port=$2
    "$nginx_bin" -p "$dir/$name" -c "$dir/$name/nginx.conf" \
        >"$dir/$name/logs/stderr.log" 2>&1 &
    pids="$pids $!"
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
        sleep 0.1
    done
    die "$name does not answer on $port: $(tail -3 "$dir/$name/logs/error.log")"
}
start app "$app_port"
start bare "$port_bare"
start lists "$port_lists"
sleep 1

worker_of() { pgrep -P "$(cat "$dir/$1/nginx.pid")" | head -1; }

# run NAME PORT SECONDS
run() {
    local name=$1 port=$2 secs=$3 out
    out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$script" \
        "http://127.0.0.1:$port" -- /login "$users" "$threads" 0 2>&1) \
        || die "wrk failed on $name: $out"
    line=$(grep '^wrk-result ' <<<"$out")
    grep -q 'err_status=0 ' <<<"$line" || die "answers outside 2xx/3xx on $name: $line"
    echo "$name $line" >>"$dir/results"
    printf '  %-6s %s\n' "$name" "$(sed -E 's/ err_[a-z]+=[0-9]+//g; s/ (duration_s|p90_ms|mean_ms|path)=[^ ]*//g; s/^wrk-result//' <<<"$line")"
}

say "wrk -t$threads -c$conns, $users users: warm-up, then $rounds x (bare ${duration}s, lists ${duration}s)"
: >"$dir/results"
run bare "$port_bare" 5 >/dev/null
run lists "$port_lists" 5 >/dev/null
: >"$dir/results"
for _ in $(seq 1 "$rounds"); do
    run bare "$port_bare" "$duration"
    run lists "$port_lists" "$duration"
done

# memory of a worker: kB
mem() {
    local pid=$1
    awk '/^VmRSS/ { print "rss=" $2 }' "/proc/$pid/status"
    awk '/^Pss:/ { print "pss=" $2 } /^Private_Clean/ { c = $2 } /^Private_Dirty/ { d = $2 }
         END { print "private=" c + d }' "/proc/$pid/smaps_rollup"
}
eval "$(mem "$(worker_of bare)" | sed 's/^/bare_/')"
eval "$(mem "$(worker_of lists)" | sed 's/^/lists_/')"

echo
say "summary"
awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] += kv[2] } n[$1]++ }
     END {
        rb = v["bare", "requests"] / v["bare", "duration_s"]
        rl = v["lists", "requests"] / v["lists", "duration_s"]
        printf "  requests/s   bare %8.0f   lists %8.0f   ratio %.3f\n", rb, rl, rl / rb
        printf "  p99 ms       bare %8.3f   lists %8.3f\n", v["bare", "p99_ms"] / n["bare"], v["lists", "p99_ms"] / n["lists"]
        printf "  worker time per login: %+.2f us with the lists (1/rps; the noise of this machine is several us)\n", 1e6 / rl - 1e6 / rb
     }' "$dir/results"
awk -v br="$bare_rss" -v bp="$bare_pss" -v bv="$bare_private" \
    -v lr="$lists_rss" -v lp="$lists_pss" -v lv="$lists_private" 'BEGIN {
    printf "  memory of the worker: bare   VmRSS %6.1f MiB  Pss %6.1f MiB  private %6.1f MiB\n", br / 1024, bp / 1024, bv / 1024
    printf "                        lists  VmRSS %6.1f MiB  Pss %6.1f MiB  private %6.1f MiB\n", lr / 1024, lp / 1024, lv / 1024
    printf "  the lists add %.1f MiB of VmRSS to a worker (%.1f MiB of it private)\n", (lr - br) / 1024, (lv - bv) / 1024 }'
