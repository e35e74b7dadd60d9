#!/usr/bin/python3
"""Runs nginx with the module under valgrind twice, with a small and a ten
times larger mix of logins (allowed, failed, challenged and stepped up,
blocked, state unavailable while Redis is paused, clients that go away
mid-lookup, bodies spooled to a file and abandoned half-way, slow bodies),
and checks that what valgrind finds lost does not grow with the
number of requests, and that it reports no invalid access.

    tests/tools/valgrind_leaks.py [--small N]      (make test-valgrind)
"""

import argparse
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import http.client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(ROOT, "build", "ngx_http_login_risk_module.so")
GEOIP = os.path.join(ROOT, "build", "geoip")

CONF = """
load_module {module};
daemon off;
master_process off;
worker_processes 1;
error_log {dir}/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    login_risk_geoip_city {dir}/test-city.mmdb;
    login_risk_geoip_asn {dir}/test-asn.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    login_risk_redis 127.0.0.1:{redis} timeout=100ms;
    login_risk_secret_file {dir}/keys;
    server {{
        listen 127.0.0.1:{app};
        location / {{
            # a challenged login: its step-up passes at once
            if ($http_x_login_risk_ticket != "") {{
                add_header X-Login-Risk-Outcome challenge_passed;
                add_header X-Login-Risk-Ticket $http_x_login_risk_ticket;
            }}
            return 302 /account;
        }}
        location = /fail {{ return 200 "no\\n"; }}
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /login {{
            login_risk on;
            login_risk_body_limit 64k;
            client_body_buffer_size 1k;
            login_risk_success status=302;
            login_risk_limit ip_user_failures 3;
            login_risk_limit ip_failures 3;
            login_risk_alert_log {dir}/alert.log;
            proxy_pass http://127.0.0.1:{app}/;
        }}
        location = /bad {{
            login_risk on;
            login_risk_success status=302;
            login_risk_limit ip_user_failures 3;
            login_risk_limit ip_failures 3;
            proxy_pass http://127.0.0.1:{app}/fail;
        }}
        location / {{ proxy_pass http://127.0.0.1:{app}; }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("port %d did not open" % port)


def post(port, path, user, ip, ua="Mozilla/5.0 (Windows NT 10.0) Chrome/131.0", extra=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"Content-Type": "application/x-www-form-urlencoded",
         "X-Forwarded-For": ip, "User-Agent": ua}
    h.update(extra or {})
    c.request("POST", path, "username=%s&password=p" % user, h)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, dict(r.getheaders())


def mix(port, redis_cli, n):
    """n rounds of the kinds of login the module handles."""
    for i in range(n):
        user = "u%d" % (i % 50)
        post(port, "/login", user, "192.0.2.%d" % (10 + i % 5))
        post(port, "/bad", user, "198.51.100.%d" % (i % 60))
        if i % 10 == 0:
            # a stranger: challenged, with a ticket; the step-up passes
            status, _ = post(port, "/login", user, "198.51.100.200",
                             ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
                                "Version/17.5 Mobile/15E148 Safari/604.1")
        if i % 5 == 0:
            # a body spooled to a temporary file, abandoned half-way (FIN,
            # then RST); one that comes slowly
            body = b"pad=" + b"p" * 20000 + b"&username=%s&password=p" % user.encode()
            head = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                    % len(body))
            for rst in (False, True):
                s = socket.create_connection(("127.0.0.1", port))
                if rst:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.sendall(head + body[:len(body) // 2])
                time.sleep(0.05)
                s.close()
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            for k in range(0, len(body), len(body) // 3 + 1):
                s.sendall((head if k == 0 else b"") + body[k:k + len(body) // 3 + 1])
                time.sleep(0.1)
            s.recv(4096)
            s.close()
        if i % 25 == 0:
            # Redis paused: logins time out; some clients go away mid-lookup
            t = threading.Thread(target=lambda: subprocess.run(
                redis_cli + ["DEBUG", "SLEEP", "0.5"], capture_output=True))
            t.start()
            time.sleep(0.05)
            post(port, "/login", user, "192.0.2.10")
            s = socket.create_connection(("127.0.0.1", port))
            body = b"username=gone&password=p"
            s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
                      % (len(body), body))
            s.close()
            t.join()


def run(n, tmp):
    redis_port, port, app = free_port(), free_port(), free_port()
    d = tempfile.mkdtemp(prefix="lr-vg-", dir=tmp)
    for f in ("test-city.mmdb", "test-asn.mmdb"):
        shutil.copy(os.path.join(GEOIP, f), d)
    with open(os.path.join(d, "keys"), "w") as f:
        f.write("k1 " + "cd" * 32 + "\n")
    os.chmod(d, 0o755)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(CONF.format(module=MODULE, dir=d, redis=redis_port, port=port, app=app))

    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(redis_port)
    vlog = os.path.join(d, "valgrind.log")
    nginx = subprocess.Popen(["valgrind", "--leak-check=full", "--show-leak-kinds=definite",
                              "--num-callers=30", "--log-file=" + vlog,
                              "/usr/sbin/nginx", "-p", d, "-c", os.path.join(d, "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        time.sleep(1)
        mix(port, ["redis-cli", "-p", str(redis_port)], n)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=120)
        redis.terminate()
        redis.wait()
    with open(vlog) as f:
        text = f.read()
    with open(os.path.join(d, "error.log")) as f:
        elog = f.read()
    return text, elog


def lost(text):
    m = re.search(r"definitely lost: ([\d,]+) bytes", text)
    return int(m.group(1).replace(",", "")) if m else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=20)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lr-valgrind-")
    os.chmod(tmp, 0o755)
    results = []
    for n in (args.small, 10 * args.small):
        text, elog = run(n, tmp)
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        results.append((n, lost(text), int(errors.group(1)) if errors else -1))
        print("rounds %4d: definitely lost %d bytes, %s errors"
              % (n, results[-1][1], results[-1][2]))
        # what was lost, and where it was allocated
        for block in re.split(r"==\d+== \n", text):
            if "definitely lost in loss record" in block:
                print(block.rstrip())
        if "exited on signal" in elog or "[alert]" in elog:
            print(elog)
            return 1
        invalid = [l for l in text.splitlines() if "Invalid" in l or "uninitialised" in l]
        if invalid:
            print("\n".join(invalid[:20]))
            print(text[-4000:])
            return 1
    (n1, l1, _), (n2, l2, _) = results
    if l2 > l1:
        print("lost memory grows with requests: %d -> %d bytes" % (l1, l2))
        print(text[-6000:])
        return 1
    print("no leak that grows with requests")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
