"""`make demo` end to end: the demo script starts Redis, the demo bank and
nginx with the module; a demo account logs in; habits are allowed, a login
from another continent on another device is challenged and passes the demo
bank's one-time password, after which that place and device are trusted;
the script stops it all."""

import contextlib
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
from html import unescape
from urllib.parse import urlencode

import redis

from conftest import CHROME_WIN, MODULE, NGINX_BIN, SAFARI_IPHONE, free_port, nginx_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "tests", "demo", "demo.sh")

TOKYO = "192.0.2.10"
SAO_PAULO = "198.51.100.200"
FORM = "application/x-www-form-urlencoded"


@contextlib.contextmanager
def demo():
    """Runs `demo.sh start` on free ports in a private folder, yields its
    environment, and checks that `demo.sh stop` stops everything."""
    env = dict(os.environ)
    env.update(LR_DEMO_DIR=tempfile.mkdtemp(prefix="lr-demo-"),
               LR_DEMO_PORT=str(free_port()), LR_DEMO_APP_PORT=str(free_port()),
               LR_DEMO_REDIS_PORT=str(free_port()),
               NGINX_BIN=NGINX_BIN, LR_MODULE=MODULE)
    env.update({k: v for k, v in nginx_env(env["LR_DEMO_DIR"]).items()
                if k == "ASAN_OPTIONS"})
    out = subprocess.run([DEMO, "start"], env=env, capture_output=True, text=True,
                         timeout=60)
    try:
        assert out.returncode == 0, out.stderr
        env["stdout"] = out.stdout
        yield env
    finally:
        stop = subprocess.run([DEMO, "stop"], env=env, capture_output=True, text=True,
                              timeout=60)
    assert stop.returncode == 0, stop.stderr
    time.sleep(0.5)
    for pidfile in ("nginx.pid", "redis.pid"):
        path = os.path.join(env["LR_DEMO_DIR"], pidfile)
        if os.path.exists(path):
            pid = int(open(path).read())
            assert not os.path.exists("/proc/%d" % pid), pidfile + " still running"


def alerts(env, count):
    """The first count lines of the demo's alert log, once written."""
    path = os.path.join(env["LR_DEMO_DIR"], "logs", "alert.log")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and open(path).read().count("\n") < count:
        time.sleep(0.02)
    return [json.loads(line) for line in open(path).read().splitlines()[:count]]


def learnt(r, count):
    """Waits until Redis has learnt count successful logins in all (the
    population counter is the last write of each): the demo runs two
    workers, and the next login may be read by the other one."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        # the population's login count: the sketch's first 64 bits
        if r.bitfield("lr:{pop}:cms").get("i64", 0).execute()[0] >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the demo did not learn %d logins" % count)


class Browser:
    """A client that behaves as a browser on the demo's login page does:
    it keeps its cookies (the device cookie, the session), and before a
    form login it posts the collector's telemetry and sends the token
    along. (The collector itself runs in real Chromium in tests/browser.)"""

    def __init__(self, conn, headers, telemetry):
        self.conn = conn
        self.headers = headers
        self.telemetry = telemetry
        self.jar = {}

    def request(self, method, path, body=None, headers=None):
        h = dict(self.headers)
        h.update(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        self.conn.request(method, path, body=body, headers=h)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        for line in resp.msg.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.jar[name] = rest.split(";")[0]
        return resp, text

    def post(self, path, body, ctype=FORM, collect=None):
        if collect is None:
            collect = ctype == FORM
        if collect:
            resp, text = self.request("POST", "/login-risk/collect",
                                      json.dumps(self.telemetry),
                                      {"Content-Type": "application/json"})
            assert resp.status == 200, text
            body += "&lr_token=" + json.loads(text)["token"]
        return self.request("POST", path, body, {"Content-Type": ctype})


def telemetry(ua, tz, langs, gpu):
    """What the collector sends for a person on that device."""
    return {"v": 1, "ua": ua, "langs": langs, "tz": tz, "scr": [1920, 1080],
            "dpr": 1, "depth": 24, "cores": 8, "gl": ["Demo GPU vendor", gpu],
            "canvas": "0badc0de", "audio": "feedf00d",
            "beh": {"t_first": 1500, "t_submit": 4000, "keys": 20,
                    "hold": [64, 96, 132], "flight": [88, 176, 340],
                    "moves": 120, "straight": 700, "speedvar": 600,
                    "clicks": 1, "blind": 0, "ptr": "mouse"}}


def post(conn, path, body, ctype=FORM, headers=None):
    h = {"Content-Type": ctype}
    h.update(headers or {})
    conn.request("POST", path, body=body, headers=h)
    resp = conn.getresponse()
    return resp, resp.read().decode()


def session_cookie(resp):
    for line in resp.msg.get_all("Set-Cookie") or []:
        if line.startswith("demo_session="):
            return line.split(";")[0]
    return None


def no_risk_headers(resp):
    return not [k for k, _ in resp.getheaders() if k.lower().startswith("x-login-risk-")]


def test_demo_starts_logs_in_and_stops():
    with demo() as env:
        assert "http://127.0.0.1:%s/login" % env["LR_DEMO_PORT"] in env["stdout"]
        assert "make demo-stop" in env["stdout"]
        assert SAO_PAULO in env["stdout"] and "alert.log" in env["stdout"]
        keys = os.path.join(env["LR_DEMO_DIR"], "login-risk.keys")
        assert os.stat(keys).st_mode & 0o777 == 0o640

        port = int(env["LR_DEMO_PORT"])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/login", body="username=%EF%BC%A1lice&password=correct+horse",
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "X-Forwarded-For": "198.51.100.7"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 302 and resp.getheader("Location").endswith("/account")
        cookie = session_cookie(resp)

        conn.request("GET", "/account", headers={"Cookie": cookie})
        page = conn.getresponse().read().decode()
        assert "X-Login-Risk-Country" in page and "DE" in page
        assert "Berlin" in page
        assert "X-Login-Risk-Score" in page and "X-Login-Risk-Action" in page

        conn.request("POST", "/login", body="username=alice&password=wrong",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        assert resp.status == 200 and b"Invalid user or password" in resp.read()
        assert no_risk_headers(resp), "the outcome header is for nginx only"
        conn.close()

        lines = alerts(env, 2)
        assert lines[0]["user"] == "alice" and lines[0]["status"] == 302
        assert lines[0]["action"] == "allow"
        assert lines[1]["status"] == 200
        alert_log = os.path.join(env["LR_DEMO_DIR"], "logs", "alert.log")
        assert "correct horse" not in open(alert_log).read()
        access_log = open(os.path.join(env["LR_DEMO_DIR"], "logs", "access.log")).read()
        assert '"action":"allow"' in access_log and '"score":"' in access_log


def test_demo_habits_allowed_stranger_steps_up_then_trusted():
    with demo() as env:
        r = redis.Redis(port=int(env["LR_DEMO_REDIS_PORT"]))
        conn = http.client.HTTPConnection("127.0.0.1", int(env["LR_DEMO_PORT"]),
                                          timeout=10)
        home = Browser(conn, {"X-Forwarded-For": TOKYO, "User-Agent": CHROME_WIN,
                              "Accept-Language": "ja-JP,ja;q=0.9"},
                       telemetry(CHROME_WIN, "Asia/Tokyo", ["ja-JP", "ja"], "GeForce"))
        away = Browser(conn, {"X-Forwarded-For": SAO_PAULO, "User-Agent": SAFARI_IPHONE,
                              "Accept-Language": "pt-BR,pt;q=0.9"},
                       telemetry(SAFARI_IPHONE, "America/Sao_Paulo", ["pt-BR"], "Apple GPU"))
        good = "username=alice&password=correct+horse"

        # alice's habits: her PC in Tokyo, allowed and learnt
        for i in range(1, 6):
            resp, _ = home.post("/login", good)
            assert resp.status == 302 and resp.getheader("Location") == "/account"
            learnt(r, i)
        assert all(a["action"] == "allow" for a in alerts(env, 5)), alerts(env, 5)
        assert "lr_dev" in home.jar

        # São Paulo, an iPhone: the demo bank asks for a one-time password
        resp, page = away.post("/login", good)
        assert resp.status == 200 and 'action="/otp"' in page
        assert session_cookie(resp) is None, "no session before the step-up"
        assert no_risk_headers(resp)
        alert = alerts(env, 6)[5]
        assert alert["action"] == "challenge" and alert["score"] >= 45
        assert "new_country" in alert["reasons"] and alert["points"]
        assert alert["location"]["city"] == "São Paulo"

        code = re.search(r'id="otp-hint">[^<]*?(\d{6})', page).group(1)
        ticket = unescape(re.search(r'name="ticket" value="([^"]+)"', page).group(1))
        user = unescape(re.search(r'name="user" value="([^"]+)"', page).group(1))
        assert user == "alice" and ticket.count(".") == 4

        wrong = "0" * 6 if code != "0" * 6 else "1" * 6
        resp, page = away.post("/otp", urlencode(
            {"ticket": ticket, "user": user, "code": wrong}), collect=False)
        assert resp.status == 200 and "Wrong code" in page
        assert session_cookie(resp) is None

        resp, _ = away.post("/otp", urlencode(
            {"ticket": ticket, "user": user, "code": code}), collect=False)
        assert resp.status == 302 and resp.getheader("Location") == "/account"
        assert no_risk_headers(resp), resp.getheaders()
        cookie = session_cookie(resp)
        conn.request("GET", "/account", headers={"Cookie": cookie})
        page = conn.getresponse().read().decode()
        assert "Alice Liddell" in page and "one-time password" in page
        assert "challenge" in page and "São Paulo" in page
        learnt(r, 6)  # the step-up teaches the challenged attempt

        # that place and device are alice's now
        resp, _ = away.post("/login", good)
        assert resp.status == 302 and resp.getheader("Location") == "/account"
        alert = alerts(env, 7)[6]
        assert alert["action"] in ("allow", "tag") and "new_country" not in alert["reasons"]
        assert "new_device" not in alert["reasons"], alert

        # the JSON login of the SPA: the same step-up through /api/otp
        bob = json.dumps({"credentials": {"login": "bob", "password": "hunter2-bank"}})
        for i in range(8, 11):
            resp, _ = home.post("/api/login", bob, "application/json")
            assert resp.status == 200, alerts(env, i)[-1]
            learnt(r, i)
        resp, body = away.post("/api/login", bob, "application/json")
        answer = json.loads(body)
        assert resp.status == 200 and answer["ok"] is False and answer["step_up"] is True
        assert session_cookie(resp) is None and no_risk_headers(resp)
        code = re.search(r"\d{6}", answer["otp_hint"]).group(0)
        resp, body = away.post("/api/otp", json.dumps(
            {"ticket": answer["ticket"], "user": "bob", "code": code}),
            "application/json")
        assert resp.status == 200 and json.loads(body)["ok"] is True
        assert session_cookie(resp) and no_risk_headers(resp)
        # a code is good once
        resp, body = away.post("/api/otp", json.dumps(
            {"ticket": answer["ticket"], "user": "bob", "code": code}),
            "application/json")
        assert resp.status == 401 and json.loads(body)["tries_left"] == 0
        conn.close()

        error_log = open(os.path.join(env["LR_DEMO_DIR"], "logs", "error.log")).read()
        assert 'step-up of user "alice" passed' in error_log
        assert 'step-up of user "bob" passed' in error_log
        assert "not valid" not in error_log
        for name in ("alert.log", "access.log", "error.log", "app.log"):
            text = open(os.path.join(env["LR_DEMO_DIR"], "logs", name)).read()
            assert "correct horse" not in text and "hunter2-bank" not in text
