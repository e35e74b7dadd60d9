"""The collect endpoint and the login's token and device cookie, over HTTP
with a real redis-server: what is stored, what is answered, and which
reason each kind of bad token or cookie gives the login. (The collector
itself, in a real browser, is tests/browser.)"""

import base64
import copy
import hashlib
import hmac
import http.client
import json
import time
import uuid

import pytest
import redis

from conftest import CHROME_WIN, GEOIP_HTTP, SAFARI_IPHONE

JP = "192.0.2.10"
KEY_HEX = "a1" * 32
KEY = "k1 " + KEY_HEX + "\n"

HTTP = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=500ms;
    login_risk_prefix @PREFIX@;
    login_risk_secret_file @DIR@/keys;
    login_risk_device_cookie lr_dev max_age=30d;
"""

SERVER = """
    location = /login-risk/collect {
        login_risk_collect;
    }
    location = /login {
        login_risk on;
        login_risk_expect_telemetry on;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location / {
        proxy_pass http://app;
    }
"""

# a person at a desktop in Tokyo, as the collector describes one
HUMAN = {
    "v": 1,
    "ua": CHROME_WIN,
    "uach": {"brands": ["Chromium/131", "Not_A Brand/24", "Google Chrome/131"],
             "mobile": False, "platform": "Windows"},
    "langs": ["ja-JP", "ja", "en-US"],
    "tz": "Asia/Tokyo",
    "scr": [1920, 1080], "win": [1280, 900], "outer": [1296, 1000],
    "dpr": 1, "depth": 24, "cores": 8, "mem": 8, "touch": 0,
    "gl": ["Google Inc. (NVIDIA)", "ANGLE (NVIDIA GeForce RTX 3060)"],
    "canvas": "1a2b3c4d", "audio": "5e6f7a8b", "plugins": 5,
    "auto": [],
    "beh": {"t_first": 1800, "t_submit": 5200, "keys": 18, "bksp": 1,
            "hold": [60, 92, 140], "flight": [80, 160, 320], "overlap": 2,
            "nokey": 0, "autofill": 0, "paste": [], "focus": "up",
            "tab": 1, "clickfocus": 1, "blur": 0, "moves": 140,
            "straight": 720, "speedvar": 640, "pauses": 3, "clicks": 2,
            "blind": 0, "ptr": "mouse", "tap": 0},
}

HEADERS = {"User-Agent": CHROME_WIN, "Accept-Language": "ja-JP,ja;q=0.9",
           "Sec-CH-UA": '"Chromium";v="131", "Not_A Brand";v="24", '
                        '"Google Chrome";v="131"'}


@pytest.fixture
def cn(nginx_factory, redis_server):
    prefix = "c%s:" % uuid.uuid4().hex[:8]
    http_conf = HTTP.replace("@REDIS@", str(redis_server.port)).replace("@PREFIX@", prefix)
    n = nginx_factory(http=http_conf, server=SERVER, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    n.prefix = prefix
    n.r = redis.Redis(port=redis_server.port)
    return n.start()


def send(n, method, path, body=None, headers=None):
    """Like Nginx.request, but keeps every Set-Cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", n.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.msg, data
    finally:
        conn.close()


def cookies(msg):
    out = {}
    for line in msg.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        value, _, attrs = rest.partition(";")
        out[name] = (value, attrs)
    return out


def collect(n, telemetry=None, headers=None, cookie=None):
    h = dict(HEADERS)
    h["Content-Type"] = "application/json"
    h.update(headers or {})
    if cookie:
        h["Cookie"] = cookie
    body = telemetry if isinstance(telemetry, (bytes, str)) else json.dumps(
        HUMAN if telemetry is None else telemetry)
    return send(n, "POST", "/login-risk/collect", body, h)


def login(n, user, token=None, device=None, headers=None, field=True):
    h = dict(HEADERS)
    h["X-Forwarded-For"] = JP
    h["Content-Type"] = "application/x-www-form-urlencoded"
    h.update(headers or {})
    jar = []
    if device:
        jar.append("lr_dev=" + device)
    if token and not field:
        jar.append("lr_token=" + token)
    if jar:
        h["Cookie"] = "; ".join(jar)
    body = "username=%s&password=right" % user
    if token and field:
        body += "&lr_token=" + token
    return send(n, "POST", "/login", body, h)


def alert(n, count):
    return n.wait_logged(count, "alert")[count - 1]


def sign(body):
    mac = hmac.new(bytes.fromhex(KEY_HEX), (body + ".k1").encode(), hashlib.sha256).digest()
    return body + ".k1." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_collect_stores_a_summary_and_answers_a_token(cn, upstream):
    status, msg, body = collect(cn)
    assert status == 200, body
    assert msg["Content-Type"] == "application/json"
    assert msg["Cache-Control"] == "no-store"
    answer = json.loads(body)
    assert answer["field"] == "lr_token"
    token = answer["token"]
    tid, expiry, kid, mac = token.split(".")
    assert len(tid) == 32 and kid == "k1" and len(mac) == 43
    assert 100 < int(expiry) - time.time() <= 121

    jar = cookies(msg)
    assert jar["lr_token"][0] == token
    for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Max-Age=120"):
        assert attr in jar["lr_token"][1]
    device, attrs = jar["lr_dev"]
    assert device.count(".") == 2 and len(device.split(".")[0]) == 32
    for attr in ("HttpOnly", "Secure", "SameSite=Lax", "Max-Age=2592000", "Path=/"):
        assert attr in attrs

    key = cn.prefix + "{t:%s}" % tid
    stored = cn.r.get(key)
    assert stored and len(stored) < 256, "a compact summary, not the JSON"
    assert b"Asia/Tokyo" in stored and CHROME_WIN.encode() not in stored
    assert 170 <= cn.r.ttl(key) <= 180

    # a device that already has its cookie keeps it
    status, msg, _ = collect(cn, cookie="lr_dev=" + device)
    assert status == 200 and "lr_dev" not in cookies(msg)


def test_a_human_login_with_its_token_is_clean(cn, upstream):
    _, msg, body = collect(cn)
    token = json.loads(body)["token"]
    device = cookies(msg)["lr_dev"][0]
    status, _, _ = login(cn, "alice", token, device)
    assert status == 302
    req = upstream.next()
    a = alert(cn, 1)
    for bad in ("no_telemetry", "bad_token", "replayed_token", "automation",
                "scripted_input", "ua_mismatch", "tz_mismatch", "lang_mismatch",
                "bad_device_cookie"):
        assert bad not in a["reasons"], a
    assert req.header("lr_token") is None
    # the token was taken: it is good once
    assert cn.r.exists(cn.prefix + "{t:%s}" % token.split(".")[0]) == 0


def test_each_bad_token_has_its_reason(cn, upstream):
    _, _, body = collect(cn)
    token = json.loads(body)["token"]

    login(cn, "bob", token)                      # used once: fine
    upstream.next()
    assert "replayed_token" not in alert(cn, 1)["reasons"]

    _, msg, _ = login(cn, "bob", token, field=False)    # again, as the cookie
    upstream.next()
    # a token cookie is for one login: the answer removes it
    value, attrs = cookies(msg)["lr_token"]
    assert value == "" and "Max-Age=0" in attrs
    a = alert(cn, 2)
    assert "replayed_token" in a["reasons"] and "no_telemetry" in a["reasons"]

    # forged: another MAC
    tid, expiry, kid, mac = token.split(".")
    login(cn, "bob", ".".join([tid, expiry, kid, mac[::-1]]))
    upstream.next()
    assert "bad_token" in alert(cn, 3)["reasons"]

    # junk, and a signature by a key the site does not have
    login(cn, "bob", "not-a-token")
    upstream.next()
    assert "bad_token" in alert(cn, 4)["reasons"]

    # genuine but expired
    old = sign("%s.%d" % (uuid.uuid4().hex, int(time.time()) - 5))
    login(cn, "bob", old)
    upstream.next()
    a = alert(cn, 5)
    assert "expired_token" in a["reasons"] and "bad_token" not in a["reasons"]

    # genuine, fetched by another browser
    _, _, body = collect(cn)
    token = json.loads(body)["token"]
    login(cn, "bob", token, headers={"User-Agent": SAFARI_IPHONE})
    upstream.next()
    a = alert(cn, 6)
    assert "ua_mismatch" in a["reasons"] and "replayed_token" not in a["reasons"]

    # none at all
    login(cn, "bob")
    upstream.next()
    assert "no_telemetry" in alert(cn, 7)["reasons"]


def test_device_cookie_kept_tampered_and_new(cn, upstream):
    _, msg, body = collect(cn)
    device = cookies(msg)["lr_dev"][0]

    # ours: no new cookie on the login
    status, msg, _ = login(cn, "carol", json.loads(body)["token"], device)
    upstream.next()
    assert "lr_dev" not in cookies(msg)
    assert "bad_device_cookie" not in alert(cn, 1)["reasons"]

    # tampered: its own reason, and a fresh cookie
    did, kid, mac = device.split(".")
    forged = ".".join([("0" if did[0] != "0" else "1") + did[1:], kid, mac])
    _, msg, _ = login(cn, "carol", device=forged)
    upstream.next()
    assert "bad_device_cookie" in alert(cn, 2)["reasons"]
    fresh = cookies(msg)["lr_dev"][0]
    assert fresh != forged and fresh.split(".")[0] != did

    # tampered before the page loaded: the collect endpoint replaces it,
    # and the login it serves still gets the reason
    _, msg, body = collect(cn, cookie="lr_dev=" + forged)
    fresh = cookies(msg)["lr_dev"][0]
    login(cn, "carol", json.loads(body)["token"], fresh)
    upstream.next()
    a = alert(cn, 3)
    assert "bad_device_cookie" in a["reasons"], a
    _, _, body = collect(cn, cookie="lr_dev=" + fresh)
    login(cn, "carol", json.loads(body)["token"], fresh)
    upstream.next()
    assert "bad_device_cookie" not in alert(cn, 4)["reasons"]

    # none: a fresh cookie, no reason against it
    _, msg, _ = login(cn, "carol")
    upstream.next()
    assert "lr_dev" in cookies(msg)
    assert "bad_device_cookie" not in alert(cn, 5)["reasons"]


def test_the_device_is_learnt_and_a_copied_cookie_is_seen(cn, upstream):
    """Logins teach the device (cookie and attributes); a browser update is
    the same device; the cookie on a machine unlike it is device_changed."""
    _, msg, _ = collect(cn)
    device = cookies(msg)["lr_dev"][0]
    for i in range(4):
        _, _, body = collect(cn, cookie="lr_dev=" + device)
        assert login(cn, "dave", json.loads(body)["token"], device)[0] == 302
        upstream.next()
        time.sleep(0.05)
    assert "new_device" not in alert(cn, 4)["reasons"]

    # the same machine after a browser update: canvas and audio changed,
    # and the cookie cleared
    updated = copy.deepcopy(HUMAN)
    updated["canvas"], updated["audio"] = "99999999", "88888888"
    _, _, body = collect(cn, updated)
    login(cn, "dave", json.loads(body)["token"])
    upstream.next()
    a = alert(cn, 5)
    assert "new_device" not in a["reasons"] and "device_changed" not in a["reasons"], a

    # the cookie copied to another machine: other GPU, screen, timezone
    other = copy.deepcopy(HUMAN)
    other["gl"] = ["Intel", "Mesa Intel(R) UHD Graphics 620"]
    other["scr"], other["tz"] = [1366, 768], "Europe/Moscow"
    _, _, body = collect(cn, other, cookie="lr_dev=" + device)
    login(cn, "dave", json.loads(body)["token"], device)
    upstream.next()
    a = alert(cn, 6)
    assert "device_changed" in a["reasons"] and "new_device" not in a["reasons"], a
    assert "tz_mismatch" in a["reasons"]


def test_driven_browser_and_scripted_input_reasons(cn, upstream):
    driven = copy.deepcopy(HUMAN)
    driven["auto"] = ["webdriver", "headless_ua"]
    _, _, body = collect(cn, driven)
    login(cn, "erin", json.loads(body)["token"])
    upstream.next()
    assert "automation" in alert(cn, 1)["reasons"]

    scripted = copy.deepcopy(HUMAN)
    scripted["beh"].update(keys=0, nokey=2, moves=1, blind=1, paste=["password"])
    scripted["beh"].pop("hold")
    scripted["beh"].pop("flight")
    _, _, body = collect(cn, scripted)
    login(cn, "erin", json.loads(body)["token"])
    upstream.next()
    a = alert(cn, 2)
    assert "scripted_input" in a["reasons"] and "paste_password" in a["reasons"]
    assert "automation" not in a["reasons"]

    # the collector's languages against the request's Accept-Language
    _, _, body = collect(cn, headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    login(cn, "erin", json.loads(body)["token"])
    upstream.next()
    assert "lang_mismatch" in alert(cn, 3)["reasons"]


def test_bad_posts_are_refused_and_store_nothing(cn, upstream):
    before = len(cn.r.keys(cn.prefix + "{t:*"))
    wrong = copy.deepcopy(HUMAN)
    wrong["beh"]["keys"] = "eighteen"
    cases = [
        (wrong, 400, "beh.keys"),
        ({"ua": "x"}, 400, "v"),
        ("{not json", 400, None),
        ("[]", 400, None),
        ("x" * 9000, 413, "8192"),
    ]
    for body, status, word in cases:
        got, msg, data = collect(cn, body)
        assert got == status, (body, data)
        err = json.loads(data)["error"]
        assert err
        if word:
            assert word in err, err
        assert "lr_token" not in cookies(msg)
    assert send(cn, "GET", "/login-risk/collect")[0] == 405
    assert len(cn.r.keys(cn.prefix + "{t:*")) == before


def test_collect_needs_redis_and_keys(nginx_factory):
    n = nginx_factory(http=GEOIP_HTTP, server=SERVER.replace(
        "login_risk_alert_log @DIR@/logs/alert.log;", ""), start=False)
    res = n.check_config()
    assert res.returncode != 0
    assert "login_risk_collect" in res.stderr and "login_risk_secret_file" in res.stderr


def test_collect_answers_at_once_when_redis_is_down(nginx_factory, redis_factory):
    rs = redis_factory()
    http_conf = HTTP.replace("@REDIS@", str(rs.port)).replace("@PREFIX@", "d:")
    n = nginx_factory(http=http_conf, server=SERVER, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    n.start()
    assert collect(n)[0] == 200
    rs.stop()
    t0 = time.monotonic()
    status, msg, body = collect(n)
    assert status == 503 and json.loads(body)["error"] == "state store unavailable"
    assert time.monotonic() - t0 < 2
    assert "lr_token" not in cookies(msg)
