"""Verdicts over HTTP, with the state in a real redis-server: habits are
allowed, strangers are challenged, attacks are blocked, the application's
answer teaches, monitor mode only watches."""

import json
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
import redis

from conftest import CHROME_WIN, GEOIP_HTTP, SAFARI_IPHONE

# documentation addresses, see tests/data/README.md
JP = "192.0.2.10"
JP2 = "192.0.2.20"
US = "192.0.2.130"
DE = "198.51.100.10"
BR = "198.51.100.200"
GB = "203.0.113.10"

KEY = "k1 " + "a1" * 32 + "\n"


def verdict_http(prefix, extra=""):
    return GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=500ms;
    login_risk_prefix %s;
    login_risk_secret_file @DIR@/keys;
    %s
""" % (prefix, extra)


SERVER = """
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
    location = /strict {
        login_risk on;
        login_risk_thresholds tag=1 challenge=2 block=101;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /watch {
        login_risk on;
        login_risk_mode monitor;
        login_risk_success status=302;
        login_risk_limit ip_user_failures 3;
        login_risk_limit ip_failures 3;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /guarded {
        login_risk on;
        login_risk_success status=302;
        login_risk_limit ip_user_failures 3;
        login_risk_limit ip_failures 3;
        login_risk_block_status 429;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /stepped {
        login_risk on;
        login_risk_success status=302;
        login_risk_challenge redirect /step-up?from=login;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location / {
        proxy_pass http://app;
    }
"""


@pytest.fixture
def risk_nginx(nginx_factory, redis_server):
    prefix = "t%s:" % uuid.uuid4().hex[:8]
    n = nginx_factory(http=verdict_http(prefix).replace("@REDIS@", str(redis_server.port)),
                      server=SERVER, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    n.prefix = prefix
    n.r = redis.Redis(port=redis_server.port)
    return n.start()


def login(n, user, ip, ua=CHROME_WIN, password="right", path="/login", headers=None):
    h = {"X-Forwarded-For": ip, "User-Agent": ua}
    h.update(headers or {})
    return n.post_form(path, "username=%s&password=%s" % (user, password), headers=h)


def last_alert(n, count):
    return n.wait_logged(count, "alert")[count - 1]


def settle(n):
    """The learning writes go out after the answer: with one worker they
    are ahead of the next login's read on the same connection, but give
    them a moment for the checks that read Redis directly."""
    time.sleep(0.05)


def test_habits_allowed_stranger_challenged_step_up_trusts_device(risk_nginx, upstream):
    n = risk_nginx
    for i in range(6):
        status, _, _ = login(n, "alice", JP)
        assert status == 302
        req = upstream.next()
        assert req.header("X-Login-Risk-Action") in ("allow", "tag")
    alert = last_alert(n, 6)
    assert alert["action"] == "allow", alert
    assert alert["score"] < 30
    assert req.header("X-Login-Risk-Score") == str(alert["score"])

    settle(n)
    assert n.r.exists(n.prefix + "{u:%s}:p" % "") == 0  # keys are hashed, never the name
    assert any(k.endswith(b":p") for k in n.r.keys(n.prefix + "{u:*"))

    # the same user from another continent, another device: challenged
    status, headers, _ = login(n, "alice", BR, ua=SAFARI_IPHONE)
    assert status == 302, "pass mode: the application does the step-up"
    req = upstream.next()
    assert req.header("X-Login-Risk-Action") == "challenge"
    ticket = req.header("X-Login-Risk-Ticket")
    assert ticket and ticket.count(".") == 4
    alert = last_alert(n, 7)
    assert alert["action"] == "challenge"
    assert "new_country" in alert["reasons"]
    assert sum(alert["points"].values()) >= alert["score"]
    assert "X-Login-Risk-Ticket" not in headers

    # the application's step-up passes and it says so
    status, headers, _ = n.request("GET", "/otp/verify", headers={
        "X-Test-Outcome": "challenge_passed", "X-Test-Ticket": ticket})
    assert status == 200
    assert not any(k.lower().startswith("x-login-risk-") for k in headers), headers
    upstream.next()
    settle(n)

    # that device and place are now the user's own
    login(n, "alice", BR, ua=SAFARI_IPHONE)
    req = upstream.next()
    assert req.header("X-Login-Risk-Action") in ("allow", "tag")
    alert = last_alert(n, 8)
    assert "new_country" not in alert["reasons"]

    # a ticket is good once
    n.request("GET", "/otp/verify", headers={
        "X-Test-Outcome": "challenge_passed", "X-Test-Ticket": ticket})
    upstream.next()
    deadline = time.monotonic() + 3
    while "already used" not in n.error_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "unknown, expired or already used" in n.error_log()


def test_forged_ticket_teaches_nothing(risk_nginx, upstream):
    n = risk_nginx
    login(n, "erin", JP)
    upstream.next()
    login(n, "erin", BR, ua=SAFARI_IPHONE)
    ticket = upstream.next().header("X-Login-Risk-Ticket")
    parts = ticket.split(".")
    parts[-1] = parts[-1][::-1]
    n.request("GET", "/otp", headers={"X-Test-Outcome": "challenge_passed",
                                     "X-Test-Ticket": ".".join(parts)})
    upstream.next()
    assert "ticket that is not valid (bad MAC)" in n.error_log() or \
        "ticket that is not valid" in n.error_log()
    login(n, "erin", BR, ua=SAFARI_IPHONE)
    assert upstream.next().header("X-Login-Risk-Action") == "challenge"


def test_brute_force_from_one_ip_is_blocked_without_calling_the_application(risk_nginx, upstream):
    n = risk_nginx
    statuses = []
    for i in range(6):
        status, headers, body = login(n, "bob", DE, password="wrong%d" % i, path="/guarded")
        statuses.append(status)
    assert statuses[:3] == [200, 200, 200], statuses
    assert statuses[-1] == 429, statuses
    assert b"login_refused" not in body and b"Login refused" in body
    alert = last_alert(n, 6)
    assert alert["action"] == "block" and alert["status"] == 429
    assert "ip_user_failures" in alert["reasons"]
    upstream_seen = 0
    while not upstream.requests.empty():
        upstream.requests.get_nowait()
        upstream_seen += 1
    assert upstream_seen == statuses.count(200)


def test_block_answers_json_to_a_json_login(risk_nginx, upstream):
    n = risk_nginx
    for i in range(6):
        status, headers, body = n.post_json("/guarded", {"username": "dan", "password": "x%d" % i},
                                            headers={"X-Forwarded-For": DE})
    assert status == 429
    assert headers["Content-Type"] == "application/json"
    doc = json.loads(body)
    assert doc["error"] == "login_refused" and len(doc["request_id"]) == 32


def test_one_ip_trying_many_users_is_caught(risk_nginx, upstream):
    n = risk_nginx
    for i in range(8):
        login(n, "victim%d" % i, GB, password="guess")
        upstream.next()
    alert = last_alert(n, 8)
    assert "ip_many_users" in alert["reasons"]
    assert alert["action"] in ("challenge", "block")


def test_impossible_travel_is_caught(risk_nginx, upstream):
    n = risk_nginx
    for i in range(4):
        login(n, "carol", JP)
        upstream.next()
    login(n, "carol", DE)       # Tokyo to Berlin in a second
    upstream.next()
    alert = last_alert(n, 5)
    assert "impossible_travel" in alert["reasons"]
    assert alert["points"]["impossible_travel"] > 0


def test_monitor_mode_never_blocks_or_challenges(risk_nginx, upstream):
    n = risk_nginx
    for i in range(8):
        status, _, _ = login(n, "frank", DE, password="wrong%d" % i, path="/watch")
        assert status == 200, "monitor mode passes everything"
        req = upstream.next()
        assert req.header("X-Login-Risk-Action") in ("allow", "tag")
    alert = last_alert(n, 8)
    assert alert["action"] == "block", "the verdict is still computed and logged"
    assert alert["mode"] == "monitor"


def test_thresholds_apply(risk_nginx, upstream):
    n = risk_nginx
    for i in range(4):
        login(n, "gina", JP)
        upstream.next()
    # a new address nearby; failed, so that it teaches nothing
    login(n, "gina", JP2, path="/login", password="wrong")
    normal = upstream.next()
    login(n, "gina", JP2, path="/strict", password="wrong")
    strict = upstream.next()
    score = int(normal.header("X-Login-Risk-Score"))
    assert 2 <= score < 30
    assert int(strict.header("X-Login-Risk-Score")) == score
    assert normal.header("X-Login-Risk-Action") in ("allow", "tag")
    assert strict.header("X-Login-Risk-Action") == "challenge"


def test_challenge_redirect_with_ticket(risk_nginx, upstream):
    n = risk_nginx
    for i in range(3):
        login(n, "hugo", JP, path="/stepped")
        upstream.next()
    status, headers, _ = login(n, "hugo", BR, ua=SAFARI_IPHONE, path="/stepped")
    assert status == 303
    loc = urlparse(headers["Location"])
    assert loc.path == "/step-up"
    q = parse_qs(loc.query)
    assert q["from"] == ["login"]
    ticket = q["lr_ticket"][0]
    user_b64 = ticket.split(".")[0]
    import base64
    assert base64.urlsafe_b64decode(user_b64 + "=" * (-len(user_b64) % 4)) == b"hugo"
    assert upstream.requests.empty(), "the application is not called"


def test_outcome_header_teaches_and_never_reaches_the_client(risk_nginx, upstream):
    n = risk_nginx
    # /strict has no success rule: only the outcome header teaches
    status, headers, _ = login(n, "ivy", US, path="/strict", password="wrong",
                               headers={"X-Test-Outcome": "success"})
    assert status == 200
    assert "X-Login-Risk-Outcome" not in headers
    upstream.next()
    settle(n)
    keys = n.r.keys(n.prefix + "{u:*}:p")
    assert len(keys) == 1, "the success taught a profile"


def test_scripts_flushed_from_redis_are_sent_again(risk_nginx, upstream):
    n = risk_nginx
    for i in range(3):
        login(n, "jack", JP)
        upstream.next()
    settle(n)       # the last login's writes are in before the flush
    n.r.script_flush()
    # the read meets NOSCRIPT, goes again with EVAL, and is scored
    login(n, "jack", DE)
    req = upstream.next()
    assert "state_unavailable" not in (req.header("X-Login-Risk-Reasons") or "")
    assert "new_country" in req.header("X-Login-Risk-Reasons")
    assert "lost the scripts, loading them again" in n.error_log()
    settle(n)
    # loaded again once, before the writes of that login went out
    login(n, "jack", JP)
    req = upstream.next()
    assert "state_unavailable" not in (req.header("X-Login-Risk-Reasons") or "")
    settle(n)
    log = n.error_log()
    assert log.count("lost the scripts") == 1
    assert "write failed" not in log and "could not be sent" not in log


def test_success_clears_the_users_failures(risk_nginx, upstream):
    n = risk_nginx
    login(n, "kate", JP)
    upstream.next()
    for i in range(5):
        login(n, "kate", JP2 if i % 2 else US, password="typo%d" % i)
        upstream.next()
    login(n, "kate", JP)
    req = upstream.next()
    assert "user_failures" in req.header("X-Login-Risk-Reasons")
    settle(n)
    login(n, "kate", JP, password="typo")
    req = upstream.next()
    assert "user_failures" not in (req.header("X-Login-Risk-Reasons") or "")
