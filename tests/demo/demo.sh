#!/bin/bash
# `make demo` / `make demo-stop`: a private Redis, the demo bank application
# and nginx with the module, all running from build/demo.
#   tests/demo/demo.sh start|stop
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${LR_DEMO_DIR:-$root/build/demo}
port=${LR_DEMO_PORT:-8080}
app_port=${LR_DEMO_APP_PORT:-8081}
redis_port=${LR_DEMO_REDIS_PORT:-6380}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
module=${LR_MODULE:-$root/build/ngx_http_login_risk_module.so}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "demo: nothing answers on port $1; see $dir/logs" >&2
    return 1
}

stop() {
    if alive "$dir/nginx.pid"; then
        "$nginx" -p "$dir" -c "$dir/nginx.conf" -s quit 2>/dev/null \
            || kill "$(cat "$dir/nginx.pid")"
    fi
    if alive "$dir/app.pid"; then
        kill "$(cat "$dir/app.pid")"
    fi
    if alive "$dir/redis.pid"; then
        kill "$(cat "$dir/redis.pid")"
    fi
    rm -f "$dir/app.pid"
    echo "demo stopped"
}

start() {
    if alive "$dir/nginx.pid"; then
        echo "demo: already running (make demo-stop first)"
        info
        return 0
    fi

    for p in "$port" "$app_port" "$redis_port"; do
        if ! port_free "$p"; then
            echo "demo: port $p is taken; choose others with" \
                 "LR_DEMO_PORT, LR_DEMO_APP_PORT, LR_DEMO_REDIS_PORT" >&2
            exit 1
        fi
    done

    mkdir -p "$dir/logs" "$dir/tmp" "$dir/redis"

    # Started by root, nginx's workers would become "nobody", who may not
    # be allowed into this checkout: the demo's workers stay root (they
    # listen on 127.0.0.1 only). A production nginx keeps its own "user".
    user=""
    if [ "$(id -u)" = 0 ]; then
        user="user root;"
    fi

    sed -e "s|@DIR@|$dir|g" -e "s|@MODULE@|$module|g" \
        -e "s|@GEOIP@|$root/build/geoip|g" -e "s|@PORT@|$port|g" \
        -e "s|@APP_PORT@|$app_port|g" -e "s|@REDIS_PORT@|$redis_port|g" \
        -e "s|@USER@|$user|" -e "s|@COLLECTOR_DIR@|$root/js-collector/dist|g" \
        "$root/tests/demo/nginx.conf.in" > "$dir/nginx.conf"

    # The key that signs step-up tickets, made once and kept: 0640, owned
    # by whoever runs the demo (nginx's master reads it; its workers run as
    # that user too, or root, see above), never readable by everyone.
    keys="$dir/login-risk.keys"
    if [ ! -s "$keys" ]; then
        (umask 077 && echo "k1 $(openssl rand -hex 32)" > "$keys.tmp")
        mv "$keys.tmp" "$keys"
    fi
    chmod 0640 "$keys"

    redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" \
        --save "" --appendonly no --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/logs/redis.log"

    # the application says what became of a login (success / failure) with
    # the header nginx-login-risk reads and removes
    # the collector's file name carries its content hash (make builds it)
    collector=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["collector.js"])' "$root/js-collector/dist/manifest.json")

    /usr/bin/python3 "$root/tests/demo/bank_app.py" --listen "127.0.0.1:$app_port" \
        --outcome-header X-Login-Risk-Outcome \
        --collector "/login-risk/$collector" >"$dir/logs/app.log" 2>&1 &
    echo $! > "$dir/app.pid"

    # nginx's workers connect to Redis when they start: let it listen first
    wait_port "$redis_port"

    if ! "$nginx" -p "$dir" -c "$dir/nginx.conf"; then
        echo "demo: nginx did not start; see above and $dir/logs/error.log" >&2
        stop >/dev/null
        exit 1
    fi

    wait_port "$app_port"
    wait_port "$port"
    info
}

info() {
    local IPHONE="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile Safari/604.1"
    cat <<INFO

  nginx-login-risk demo is running (nginx with 2 workers, Redis, demo bank)

  Open      http://127.0.0.1:$port/login   (in a browser, the page runs the
            collector: device, typing and pointer telemetry join the login)
  Accounts  alice / correct horse      bob / hunter2-bank
            yamada / sakura-2026       carol@example.com / carol-pass
            (any other password fails: 200 with an error page)

  Try this (the demo trusts X-Forwarded-For: curl logs in from anywhere)
    1. alice logs in from Tokyo a few times: allowed (302), and learnt;
       curl keeps the device cookie as her browser would (no collector
       runs in curl: each login shows no_telemetry, 10 points)
       for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{http_code} ' \\
         -b $dir/alice.cookies -c $dir/alice.cookies \\
         -d 'username=alice&password=correct horse' \\
         -H 'X-Forwarded-For: 192.0.2.10' http://127.0.0.1:$port/login; done
    2. then from São Paulo on an iPhone: challenged, the bank asks for a
       one-time password (shown on the page, for the demo) before the session
       curl -s -d 'username=alice&password=correct horse' \\
         -A '$IPHONE' \\
         -H 'X-Forwarded-For: 198.51.100.200' http://127.0.0.1:$port/login \\
         | grep -o 'one-time password is [0-9]*'
    3. why: score, action, reasons and the points of each reason
       tail -1 $dir/logs/alert.log | python3 -m json.tool --no-ensure-ascii
    Once the code is right (that page's form, POST /otp) nginx learns the
    place and device; the JSON login (/api/login, /api/otp) works alike.
  Test addresses: 192.0.2.0/25 JP, 192.0.2.128/25 US, 198.51.100.0/25 DE,
    198.51.100.128/26 CH, 198.51.100.192/26 BR, 203.0.113.0/26 GB,
    2001:db8:1::/48 .. 2001:db8:6::/48 the same countries.

  Look at
    $dir/logs/alert.log    one JSON line per login (never the password)
    $dir/logs/access.log   the \$login_risk_* variables
    $dir/logs/error.log    why a request was refused (info level)
    the account page after a login: what the application was told

  Stop it   make demo-stop
INFO
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
