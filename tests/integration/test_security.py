"""Security review of the module, one test (or a few) per point:

1. what a client writes (user ids, user agents, paths) arrives escaped in
   the JSON alert log, in the request headers to the application and in
   the access log variables: every line parses, every value comes back
   whole, nothing splits a header or a log line;
2. client-sent X-Login-Risk-* request headers never reach the application
   (any location, HTTP/1.1 and HTTP/2, any case, repeated, with "_" for
   "-"), and the application's X-Login-Risk-* answer headers never reach
   the client;
3. login_risk_metrics refuses a location open to anyone unless told
   "insecure";
4. the secrets (the key file, the Redis password) are in no log and no
   answer, whatever happens, and a key or password file that everyone may
   read is warned about."""

import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
import uuid

import pytest

from conftest import CHROME_WIN, GEOIP_HTTP, NGINX_BIN
from test_http2 import h2_request

JP = "192.0.2.10"
BR = "198.51.100.200"
KEY_HEX = "5e" * 8 + "c7" * 8 + "e7" * 8 + "5a" * 8
KEY = "k1 " + KEY_HEX + "\n"

HTTP = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=500ms;
    login_risk_prefix @PREFIX@;
    login_risk_secret_file @DIR@/keys;
    login_risk_device_cookie lr_dev;
    log_format plain '$uri|$login_risk_user|$login_risk_city|$login_risk_asn_org|'
                     '$login_risk_ua_family|$login_risk_reasons';
    underscores_in_headers on;
"""

SERVER = """
    listen 127.0.0.1:@PORT2@ http2;
    access_log @DIR@/logs/access.log lr;
    access_log @DIR@/logs/plain.log plain;
    location = /login-risk/collect {
        login_risk_collect;
    }
    location = /login {
        login_risk on;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /api/login {
        login_risk on;
        login_risk_user_field login;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location ~ ^/rx/ {
        login_risk on;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /off {
        login_risk off;
        proxy_pass http://app;
    }
    location / {
        proxy_pass http://app;
    }
"""

# the header names the module may send the application
OURS = {"x-login-risk-user", "x-login-risk-country", "x-login-risk-city",
        "x-login-risk-asn", "x-login-risk-asn-org", "x-login-risk-ua-family",
        "x-login-risk-os", "x-login-risk-device-class", "x-login-risk-reasons",
        "x-login-risk-score", "x-login-risk-action", "x-login-risk-ticket"}
REASONS = re.compile(r"^[a-z_]+(:[a-z]+)?(,[a-z_]+(:[a-z]+)?)*$")
UA_FAMILIES = {"Chrome", "Edge", "Firefox", "Safari", "Samsung Internet", "Opera",
               "Yandex", "Chrome WebView", "HeadlessChrome", "PhantomJS", "curl",
               "Wget", "python-requests", "python-urllib", "aiohttp",
               "Go-http-client", "okhttp", "Java", "Apache-HttpClient",
               "node-fetch", "axios", "PostmanRuntime", "libwww-perl", "Googlebot",
               "Bingbot", "Other"}


@pytest.fixture
def sn(nginx_factory, redis_server):
    prefix = "s%s:" % uuid.uuid4().hex[:8]
    http = HTTP.replace("@REDIS@", str(redis_server.port)).replace("@PREFIX@", prefix)
    n = nginx_factory(http=http, server=SERVER, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    os.chmod(n.dir + "/keys", 0o600)
    n.prefix = prefix
    return n.start()


def raw_request(n, method, path, headers=(), body=b"", port=None):
    """One HTTP/1.1 request written byte by byte as given (any header name,
    repeated, any byte in a value); returns status, headers, body."""
    head = b"%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % (
        method.encode(), path if isinstance(path, bytes) else path.encode())
    for k, v in headers:
        k = k if isinstance(k, bytes) else k.encode()
        v = v if isinstance(v, bytes) else v.encode("utf-8")
        head += k + b": " + v + b"\r\n"
    if body or method == "POST":
        head += b"Content-Length: %d\r\n" % len(body)
    with socket.create_connection(("127.0.0.1", port or n.port), timeout=10) as s:
        s.sendall(head + b"\r\n" + body)
        out = b""
        while True:
            part = s.recv(65536)
            if not part:
                break
            out += part
    head, _, rest = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    got = [tuple(l.decode("latin-1").split(": ", 1)) for l in lines[1:]]
    return status, got, rest


def form(user):
    return ("username=%s&password=right" % urllib.parse.quote(user, safe="")).encode()


def log_lines(n, name):
    """A log's lines, as bytes: every one must be valid UTF-8 and hold no
    control byte but its end."""
    with open(os.path.join(n.dir, "logs", name), "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    assert lines[-1] == b"", "%s does not end with a newline" % name
    for line in lines[:-1]:
        line.decode("utf-8")            # strict: raises on a bad byte
        assert not re.search(rb"[\x00-\x1f\x7f]", line), (name, line)
    return lines[:-1]


def alerts(n, count):
    """The alert log, every line parsed; waits for count lines."""
    deadline = time.monotonic() + 5
    while True:
        lines = log_lines(n, "alert.log") if os.path.exists(
            os.path.join(n.dir, "logs", "alert.log")) else []
        if len(lines) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert len(lines) == count, "expected %d alert lines, got %d" % (count, len(lines))
    return [json.loads(l) for l in lines]


def access(n, count):
    """The harness's escape=json access log: every line parses."""
    lines = n.wait_logged(count)
    with open(os.path.join(n.dir, "logs", "access.log"), "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            if b"/rx/" not in line:     # $uri is nginx's, not the module's
                json.loads(line.decode("utf-8"))
    return lines


def check_headers_to_app(req):
    """What the module adds: known names, ASCII, no CR/LF, no control byte,
    reason codes that are codes."""
    for k, v in req["headers"]:
        if not k.replace("_", "-").startswith("x-login-risk-"):
            continue
        assert k in OURS, "unexpected header %r" % k
        assert re.fullmatch(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?", v), (k, v)
    reasons = req.header("X-Login-Risk-Reasons")
    if reasons:
        assert REASONS.match(reasons), reasons
    family = req.header("X-Login-Risk-UA-Family")
    if family:
        assert family in UA_FAMILIES, family


# --- 1. injection into logs and headers ----------------------------------------

# user ids that are valid (kept, escaped wherever they go), and what the
# module makes of them (trimmed, ASCII lowercased, full-width folded)
VALID_USERS = [
    ('Al"ice', 'al"ice'),
    ("back\\slash", "back\\slash"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ('x","action":"allow","score":0,"u":"', 'x","action":"allow","score":0,"u":"'),
    ("山田　太郎", "山田　太郎"),
    ("ＢＯＢ", "bob"),
    ("emoji😀", "emoji😀"),
    ("line\u2028sep\u2029end", "line\u2028sep\u2029end"),
    ("pct%0d%0aX-Injected: 1", "pct%0d%0ax-injected: 1"),
    ("semi;colon,comma=eq&amp", "semi;colon,comma=eq&amp"),
]


def test_user_ids_are_escaped_in_headers_alert_and_access_logs(sn, upstream):
    for i, (user, expect) in enumerate(VALID_USERS):
        if i % 2:
            status, _, _ = raw_request(sn, "POST", "/api/login", [
                ("Content-Type", "application/json"), ("User-Agent", CHROME_WIN),
                ("X-Forwarded-For", JP)],
                json.dumps({"login": user, "password": "right"},
                           separators=(",", ":")).encode())
        else:
            status, _, _ = raw_request(sn, "POST", "/login", [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("User-Agent", CHROME_WIN), ("X-Forwarded-For", JP)], form(user))
        assert status == 302, (user, status)
        req = upstream.next()
        check_headers_to_app(req)
        # percent-encoded, so decoding gives back the very id
        assert urllib.parse.unquote(req.header("X-Login-Risk-User")) == expect
        assert req.header("X-Injected") is None

    lines = alerts(sn, len(VALID_USERS))
    assert [a["user"] for a in lines] == [e for _, e in VALID_USERS]
    for a in lines:
        assert a["location"]["city"] == "東京", a
        assert isinstance(a["score"], int) and a["action"] in ("allow", "tag",
                                                                "challenge")

    logged = access(sn, len(VALID_USERS))
    assert [l["user"] for l in logged] == [e for _, e in VALID_USERS]
    assert all(l["city"] == "東京" for l in logged)

    # a log_format without escape= gets nginx's default escaping: still one
    # line per request, no raw quote can end a field early
    plain = log_lines(sn, "plain.log")
    assert len(plain) == len(VALID_USERS)
    for line in plain:
        assert b'"' not in line.replace(b'\\x22', b''), line


# user ids that are refused (400, bad_user or bad_body), never repaired:
# they reach neither the application nor a log as raw bytes
REFUSED_FORM = [
    b"username=a%0d%0aX-Injected:%201&password=p",
    b"username=a%0aInjected&password=p",
    b"username=nul%00byte&password=p",
    b"username=esc%1b[31mred&password=p",
    b"username=c1%c2%85nel&password=p",
    b"username=bad%ff%feutf8&password=p",
    b"username=overlong%c0%afslash&password=p",
    b"username=surrogate%ed%a0%80&password=p",
    b"username=tab%09inside&password=p",
    b"username=del%7finside&password=p",
]
REFUSED_JSON = [
    b'{"login":"a\\r\\nX-Injected: 1","password":"p"}',
    b'{"login":"nul\\u0000","password":"p"}',
    b'{"login":"lone\\ud800","password":"p"}',
    b'{"login":"c1\\u0085","password":"p"}',
    b'{"login":"raw\xff\xfe","password":"p"}',
    b'{"login":"x","login":"y","password":"p"}',
]


def test_refused_user_ids_never_reach_the_application_or_a_log(sn, upstream):
    for body in REFUSED_FORM:
        status, headers, answer = raw_request(sn, "POST", "/login", [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", JP)], body)
        assert status == 400, (body, status)
        assert b"Injected" not in answer
        assert not any(k.lower() == "x-injected" for k, _ in headers)
    for body in REFUSED_JSON:
        status, _, _ = raw_request(sn, "POST", "/api/login", [
            ("Content-Type", "application/json"), ("X-Forwarded-For", JP)], body)
        assert status == 400, (body, status)
    time.sleep(0.2)
    assert upstream.requests.empty(), "a refused login reached the application"

    count = len(REFUSED_FORM) + len(REFUSED_JSON)
    for a in alerts(sn, count):
        assert a["action"] is None and a["score"] is None, a
        assert a["user"] is None, a
        assert set(a["reasons"]) <= {"bad_user", "bad_body"}, a
    for l in access(sn, count):
        assert l["user"] == "" and l["status"] == "400", l
    # error_log says what was wrong, never the value
    log = sn.error_log()
    assert "Injected" not in log and "overlong" not in log and "surrogate" not in log
    assert len(log_lines(sn, "plain.log")) == count


HOSTILE_UAS = [
    b'Mozilla/5.0 "quoted" \\back\\ (KHTML, like Gecko) Chrome/131.0.0.0',
    b"Mozilla/5.0 \xff\xfe\xc0\xaf not UTF-8",
    b"ctl\x01\x1b[31mred\x7f",
    b"tab\tinside",
    b"Mozilla/5.0 (X11) Chrome/131.0.0.0 \xe5\xb1\xb1 Safari/537.36",
    b"A" * 4000,
    b"",
]


def test_hostile_user_agents_become_a_known_family(sn, upstream):
    for i, ua in enumerate(HOSTILE_UAS):
        status, _, _ = raw_request(sn, "POST", "/login", [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("User-Agent", ua), ("X-Forwarded-For", JP)], form("ua%d" % i))
        assert status == 302, (ua, status)
        check_headers_to_app(upstream.next())
    for a in alerts(sn, len(HOSTILE_UAS)):
        assert a["device"]["ua_family"] in UA_FAMILIES | {None}, a
        assert a["device"]["os"] is None or re.fullmatch(r"[A-Za-z]+", a["device"]["os"])
    for l in access(sn, len(HOSTILE_UAS)):
        assert l["ua_family"] in UA_FAMILIES | {""}, l

    # the collect endpoint binds its token to the User-Agent: a hostile one
    # still gives a token and a clean answer
    telemetry = json.dumps({"v": 1, "ua": 'x"\u0001\u2028y', "tz": "Asia/Tokyo",
                            "langs": ["ja-JP"]}).encode()
    status, headers, body = raw_request(sn, "POST", "/login-risk/collect", [
        ("Content-Type", "application/json"), ("User-Agent", HOSTILE_UAS[1])],
        telemetry)
    assert status == 200, body
    assert set(json.loads(body)) == {"token", "field"}
    for k, v in headers:
        assert re.fullmatch(r"[\x20-\x7e]*", v), (k, v)


def test_hostile_paths_are_escaped_in_the_alert_log(sn, upstream):
    paths = [
        (b"/rx/a%22b%5c%0d%0aX-Injected:%201", '/rx/a"b\\\r\nX-Injected: 1'),
        (b"/rx/%e5%b1%b1%e7%94%b0", "/rx/山田"),
        (b"/rx/ctl%01%1b%7f", "/rx/ctl\x01\x1b\x7f"),
        (b"/rx/%ff%fe", None),          # not UTF-8: not written at all
    ]
    for path, _ in paths:
        status, headers, _ = raw_request(sn, "POST", path, [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", JP)], form("pathuser"))
        assert status == 302
        assert not any(k.lower() == "x-injected" for k, _ in headers)
        check_headers_to_app(upstream.next())
    lines = alerts(sn, len(paths))
    assert [a["uri"] for a in lines] == [u for _, u in paths]


# --- 2. the module's headers: never from the client, never to it ---------------

SPOOFED = [
    ("X-Login-Risk-Action", "spoofed-allow"),
    ("X-Login-Risk-Action", "spoofed-again"),
    ("x-login-risk-score", "999"),
    ("X-LOGIN-RISK-USER", "spoofed-admin"),
    ("x-LoGiN-rIsK-reasons", "spoofed"),
    ("X-Login-Risk-Ticket", "spoofed.ticket"),
    ("X-Login-Risk-Outcome", "success"),
    ("X-Login-Risk-Anything-New", "spoofed"),
    ("X_Login_Risk_Action", "spoofed-underscore"),
    ("x-login_risk-Score", "998"),
]


def assert_no_spoof(req, login):
    for k, v in req["headers"]:
        name = k.replace("_", "-")
        if not name.startswith("x-login-risk-"):
            continue
        assert login, "a client-sent %s reached a location without the module" % k
        assert k in OURS and "spoof" not in v and v not in ("999", "998"), (k, v)
    if login:
        assert len(req.all("X-Login-Risk-Action")) == 1
        assert len(req.all("X-Login-Risk-Score")) == 1
        assert req.header("X-Login-Risk-User") == "carol"


def test_client_sent_module_headers_never_reach_the_application(sn, upstream):
    for path, login in (("/login", True), ("/", False), ("/off", False),
                        ("/rx/x", True)):
        for method in ("POST", "GET"):
            status, _, _ = raw_request(sn, method, path, SPOOFED + [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-Forwarded-For", JP)], form("carol") if method == "POST" else b"")
            assert status in (200, 302), (path, method, status)
            assert_no_spoof(upstream.next(), login and method == "POST")

    # HTTP/2: header names are lowercase on the wire; repeated as well
    h2 = [(k.lower(), v) for k, v in SPOOFED]
    for path, login in (("/login", True), ("/", False)):
        status, _, _ = h2_request(sn.port2, "POST", path, h2 + [
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-forwarded-for", JP)], [b"username=carol&", b"password=right"])
        assert status in (200, 302), status
        assert_no_spoof(upstream.next(), login)
    assert "removed client-sent header" in sn.error_log()


def test_application_module_headers_never_reach_the_client(sn, upstream):
    """The upstream answers X-Login-Risk-Outcome and -Ticket (the test
    application says what it is told by X-Test-*): nothing of the module's
    reaches the client, wherever the answer comes from."""
    asked = {"X-Test-Outcome": "failure", "X-Test-Ticket": "a.b.c.d.e"}
    for path in ("/login", "/", "/off", "/rx/y"):
        status, headers, _ = raw_request(sn, "POST", path, list(asked.items()) + [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", JP)], form("dave"))
        assert status in (200, 302)
        upstream.next()
        assert not [k for k, _ in headers if k.lower().startswith("x-login-risk-")], \
            (path, headers)
        status, got, _ = h2_request(sn.port2, "POST", path, [
            (k.lower(), v) for k, v in asked.items()] + [
            ("content-type", "application/x-www-form-urlencoded")],
            [b"username=dave&password=right"])
        assert status in (200, 302)
        upstream.next()
        assert not [k for k, _ in got if k.startswith("x-login-risk-")], (path, got)


# --- 3. metrics: restricted, or explicitly open ----------------------------------

UNRESTRICTED = [
    "location = /m { login_risk_metrics; }",
    "location = /m { login_risk_metrics; allow 127.0.0.1; }",
    "location = /m { login_risk_metrics; allow all; }",
    "deny all; location = /m { allow all; login_risk_metrics; }",
    "location = /m { login_risk_metrics; auth_basic off; auth_basic_user_file @DIR@/htpasswd; }",
    "location = /m { login_risk_metrics; auth_basic \"x\"; }",
    "location = /m { login_risk_metrics; auth_request off; }",
    "location = /m { login_risk_metrics; limit_except GET { deny all; } }",
    "location ~ ^/metrics { login_risk_metrics; }",
]

RESTRICTED = [
    "location = /m { login_risk_metrics; allow 127.0.0.1; deny all; }",
    "location = /m { login_risk_metrics; deny 192.0.2.0/24; }",
    "location = /m { login_risk_metrics; allow unix:; deny all; }",
    "location = /m { login_risk_metrics; deny ::1; }",
    "allow 127.0.0.1; deny all; location = /m { login_risk_metrics; }",
    "location /ops/ { deny all; location /ops/m { login_risk_metrics; } }",
    "location = /m { login_risk_metrics; auth_basic \"metrics\"; "
    "auth_basic_user_file @DIR@/htpasswd; }",
    "location = /m { login_risk_metrics; auth_request /auth; }",
    "location = /m { login_risk_metrics insecure; }",
]


def with_auth_request(cases):
    """The cases, those with auth_request skipped when this nginx has no
    auth_request module (the ASan build of make test-asan; Debian's has)."""
    info = subprocess.run([NGINX_BIN, "-V"], capture_output=True, text=True).stderr
    have = "--with-http_auth_request_module" in info
    return [c if have or "auth_request" not in c else
            pytest.param(c, marks=pytest.mark.skip("nginx built without auth_request"))
            for c in cases]


@pytest.mark.parametrize("server", with_auth_request(UNRESTRICTED))
def test_metrics_in_an_open_location_stops_nginx_t(nginx_factory, server):
    n = nginx_factory(server=server, start=False)
    res = n.check_config()
    assert res.returncode != 0, res.stderr
    assert re.search(r'\[emerg\] .*"login_risk_metrics" in location "[^"]+" is open to '
                     r'anyone who reaches it: .*"login_risk_metrics insecure;"', res.stderr), \
        res.stderr


@pytest.mark.parametrize("server", with_auth_request(RESTRICTED))
def test_metrics_in_a_restricted_or_insecure_location_passes(nginx_factory, server):
    n = nginx_factory(server=server, start=False)
    with open(os.path.join(n.dir, "htpasswd"), "w") as f:
        f.write("prom:{PLAIN}secret\n")
    res = n.check_config()
    assert res.returncode == 0, res.stderr


def test_metrics_restriction_holds_when_served(nginx_factory):
    n = nginx_factory(server="""
        location = /m { login_risk_metrics; deny all; }
        location = /open { login_risk_metrics insecure; }
        location = /local { login_risk_metrics; allow 127.0.0.1; deny all; }
    """)
    assert n.request("GET", "/m")[0] == 403
    assert n.request("GET", "/open")[0] == 200
    assert n.request("GET", "/local")[0] == 200


# --- 4. secrets ------------------------------------------------------------------

def find_secrets(text, secrets):
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    return [s for s in secrets if s.lower() in text.lower()]


def test_secrets_appear_in_no_log_and_no_answer(nginx_factory, redis_factory, upstream):
    password = "rpw-%s" % uuid.uuid4().hex
    r = redis_factory("--requirepass", password)
    http = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:%d password=%s timeout=500ms;
    login_risk_secret_file @DIR@/keys;
    login_risk_device_cookie lr_dev;
    log_format plain '$uri|$login_risk_user';
""" % (r.port, password)
    server = SERVER + """
    location = /closed {
        login_risk on;
        login_risk_on_error block;
        login_risk_challenge redirect /step-up;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /metrics { login_risk_metrics; allow 127.0.0.1; deny all; }
"""
    n = nginx_factory(http=http, server=server, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write("# the signing key\n" + KEY)
    os.chmod(n.dir + "/keys", 0o600)
    n.start()
    secrets = [KEY_HEX, password]
    answers = []

    def keep(res):
        answers.append(repr(res))
        return res

    hdr = [("Content-Type", "application/x-www-form-urlencoded"),
           ("User-Agent", CHROME_WIN), ("X-Forwarded-For", JP)]
    status, headers, body = keep(raw_request(n, "POST", "/login-risk/collect", [
        ("Content-Type", "application/json"), ("User-Agent", CHROME_WIN)],
        json.dumps({"v": 1, "ua": CHROME_WIN, "tz": "Asia/Tokyo"}).encode()))
    assert status == 200
    token = json.loads(body)["token"]
    keep(raw_request(n, "POST", "/login", hdr, form("erin") + b"&lr_token=" + token.encode()))
    # a stranger, challenged with a ticket; bad input of each kind
    keep(raw_request(n, "POST", "/closed", [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("User-Agent", "curl/8.0"), ("X-Forwarded-For", BR)], form("erin")))
    keep(raw_request(n, "POST", "/login", hdr, b"username=%zz"))
    keep(raw_request(n, "POST", "/login", hdr, b"x" * 20000))
    keep(raw_request(n, "POST", "/login", [("Content-Type", "text/plain")], b"u"))
    keep(raw_request(n, "POST", "/login-risk/collect", [
        ("Content-Type", "application/json")], b"{bad json"))
    keep(raw_request(n, "POST", "/login", hdr + [("Cookie", "lr_dev=forged.k1.x; "
                                                  "lr_token=forged.1.k1.x")], form("erin")))
    keep(raw_request(n, "GET", "/metrics"))
    n.reload()
    keep(raw_request(n, "POST", "/login", hdr, form("erin")))
    # Redis away and back (AUTH again); then a wrong password
    r.stop()
    keep(raw_request(n, "POST", "/login", hdr, form("erin")))
    keep(raw_request(n, "POST", "/closed", hdr, form("erin")))
    status, _, _ = keep(raw_request(n, "POST", "/login-risk/collect", [
        ("Content-Type", "application/json")], b'{"v":1}'))
    assert status == 503
    keep(raw_request(n, "GET", "/login-risk/collect"))
    r.start()
    time.sleep(0.5)
    keep(raw_request(n, "POST", "/login", hdr, form("erin")))
    with open(n.conf) as f:
        conf = f.read()
    with open(n.conf, "w") as f:
        f.write(conf.replace("password=" + password, "password=" + password + "-wrong"))
    n.reload()
    keep(raw_request(n, "POST", "/login", hdr, form("erin")))
    deadline = time.monotonic() + 3
    while "AUTH failed" not in n.error_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "AUTH failed" in n.error_log()
    n.stop()
    upstream.clear()

    for name in os.listdir(os.path.join(n.dir, "logs")):
        assert not find_secrets(n.read(name), secrets + [password + "-wrong"]), \
            "a secret is in logs/%s" % name
    for a in answers:
        assert not find_secrets(a, secrets), a


def test_config_errors_never_echo_a_secret(nginx_factory):
    short = "ab" * 12                        # too short to be a key
    for http, secret in (
            ("login_risk_secret_file @DIR@/keys;", short),
            ("login_risk_redis 127.0.0.1:6399 password=Pw-Sekr1t timeout=bogus;",
             "Pw-Sekr1t"),
            ("login_risk_redis 127.0.0.1:6399 passwordx=Pw-Sekr1t;", "Pw-Sekr1t"),
            ("login_risk_redis 127.0.0.1:6399 password=Pw-Sekr1t "
             "password_file=@DIR@/keys;", "Pw-Sekr1t")):
        n = nginx_factory(http=http, start=False)
        with open(n.dir + "/keys", "w") as f:
            f.write("k1 %s\n" % short)
        os.chmod(n.dir + "/keys", 0o600)
        res = n.check_config()
        assert res.returncode != 0, res.stderr
        assert "[emerg]" in res.stderr
        assert secret not in res.stderr, res.stderr
        assert short not in res.stderr, res.stderr


WARNING = re.compile(r'\[warn\] .*login_risk_(secret_file|redis): "[^"]+" is readable '
                     r'by everyone; make it readable by root and nginx only')


def test_files_of_secrets_readable_by_everyone_are_warned_about(nginx_factory, own_redis):
    http = """
    login_risk_secret_file @DIR@/keys;
    login_risk_redis 127.0.0.1:%d password_file=@DIR@/redis.pass;
""" % own_redis.port
    n = nginx_factory(http=http, server="location / { login_risk on; proxy_pass http://app; }",
                      start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    with open(n.dir + "/redis.pass", "w") as f:
        f.write("nopass\n")

    # 0600: no word of it
    os.chmod(n.dir + "/keys", 0o600)
    os.chmod(n.dir + "/redis.pass", 0o600)
    res = n.check_config()
    assert res.returncode == 0 and not WARNING.search(res.stderr), res.stderr

    # 0644: nginx -t, the start (where start-up messages go: the terminal)
    # and every reload (the error_log) say so, naming the file, not its text
    os.chmod(n.dir + "/keys", 0o644)
    os.chmod(n.dir + "/redis.pass", 0o644)
    res = n.check_config()
    assert res.returncode == 0
    warned = WARNING.findall(res.stderr)
    assert sorted(warned) == ["redis", "secret_file"], res.stderr
    assert KEY_HEX not in res.stderr and "nopass" not in res.stderr
    n.start()
    n.stderr.flush()
    assert len(WARNING.findall(n.read("stderr.log"))) == 2, n.read("stderr.log")
    # (an nginx whose default error log is under its prefix, as the ASan
    # build's, writes the start-up ones there too)
    before = len(WARNING.findall(n.error_log()))
    n.reload()
    log = n.error_log()
    assert len(WARNING.findall(log)) == before + 2, log
    assert KEY_HEX not in log


def test_admin_refuses_an_open_location(nginx_factory):
    """The admin API, like the metrics, does not run where anyone may
    reach it, unless told."""
    for server, ok in (
            ("location /a/ { login_risk_admin; }", False),
            ("location /a/ { allow 127.0.0.1; deny all; login_risk_admin; }", True),
            ("location /a/ { login_risk_admin insecure; }", True),
            ("location /a/ { login_risk_admin maybe; }", False)):
        n = nginx_factory(http="login_risk_redis 127.0.0.1:1;", server=server, start=False)
        with open(n.dir + "/keys", "w") as f:
            f.write("k1 " + "ab" * 32 + "\n")
        res = n.check_config()
        assert (res.returncode == 0) == ok, (server, res.stderr)
        if not ok:
            assert "login_risk_admin" in res.stderr
