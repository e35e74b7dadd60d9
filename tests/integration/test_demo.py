"""`make demo` end to end: the demo script starts Redis, the demo bank and
nginx with the module; a demo account logs in; the script stops it all."""

import http.client
import os
import subprocess
import tempfile
import time
from urllib.parse import unquote

from conftest import MODULE, NGINX_BIN, free_port, nginx_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_demo_starts_logs_in_and_stops():
    env = dict(os.environ)
    env.update(LR_DEMO_DIR=tempfile.mkdtemp(prefix="lr-demo-"),
               LR_DEMO_PORT=str(free_port()), LR_DEMO_APP_PORT=str(free_port()),
               LR_DEMO_REDIS_PORT=str(free_port()),
               NGINX_BIN=NGINX_BIN, LR_MODULE=MODULE)
    env.update({k: v for k, v in nginx_env(env["LR_DEMO_DIR"]).items()
                if k == "ASAN_OPTIONS"})
    demo = os.path.join(ROOT, "tests", "demo", "demo.sh")
    out = subprocess.run([demo, "start"], env=env, capture_output=True, text=True,
                         timeout=60)
    try:
        assert out.returncode == 0, out.stderr
        assert "http://127.0.0.1:%s/login" % env["LR_DEMO_PORT"] in out.stdout
        assert "make demo-stop" in out.stdout

        port = int(env["LR_DEMO_PORT"])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/login", body="username=%EF%BC%A1lice&password=correct+horse",
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "X-Forwarded-For": "198.51.100.7"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 302 and resp.getheader("Location").endswith("/account")
        cookie = resp.getheader("Set-Cookie").split(";")[0]

        conn.request("GET", "/account", headers={"Cookie": cookie})
        page = conn.getresponse().read().decode()
        assert "X-Login-Risk-Country" in page and "DE" in page
        assert "Berlin" in page

        conn.request("POST", "/login", body="username=alice&password=wrong",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        assert resp.status == 200 and b"Invalid user or password" in resp.read()
        conn.close()

        alert_log = os.path.join(env["LR_DEMO_DIR"], "logs", "alert.log")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and open(alert_log).read().count("\n") < 2:
            time.sleep(0.05)
        lines = open(alert_log).read().splitlines()
        assert '"user":"alice"' in lines[0] and '"status":302' in lines[0]
        assert '"status":200' in lines[1]
        assert "correct horse" not in open(alert_log).read()
    finally:
        stop = subprocess.run([demo, "stop"], env=env, capture_output=True, text=True,
                              timeout=60)
    assert stop.returncode == 0, stop.stderr
    time.sleep(0.5)
    for pidfile in ("nginx.pid", "redis.pid"):
        path = os.path.join(env["LR_DEMO_DIR"], pidfile)
        if os.path.exists(path):
            pid = int(open(path).read())
            assert not os.path.exists("/proc/%d" % pid), pidfile + " still running"
