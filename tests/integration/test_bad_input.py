"""Bad input gets a defined answer and an info line in error_log, never the
body itself, never a crash (the fixture fails the test on a worker crash)."""

import json
from urllib.parse import unquote

import pytest

SECRET = "Pw-never-logged-42"

# (content type, body, expected status, expected reason, error_log words)
CASES = [
    ("application/x-www-form-urlencoded", "username=al%zzice&password=" + SECRET,
     400, "bad_body", "malformed body"),
    ("application/x-www-form-urlencoded", "username=alice&password=" + SECRET + "%4",
     400, "bad_body", "malformed body"),
    ("application/x-www-form-urlencoded", "username=alice&username=mallory&password=" + SECRET,
     400, "bad_body", "field present more than once"),
    ("application/x-www-form-urlencoded", "username=%FF%FEalice&password=" + SECRET,
     400, "bad_user", "not valid UTF-8"),
    ("application/x-www-form-urlencoded", "username=%C0%AFalice&password=" + SECRET,
     400, "bad_user", "not valid UTF-8"),
    ("application/x-www-form-urlencoded", "username=ali%0D%0Ace&password=" + SECRET,
     400, "bad_user", "control character"),
    ("application/x-www-form-urlencoded", "username=" + "a" * 257 + "&password=" + SECRET,
     400, "bad_user", "longer than 256 bytes"),
    ("application/x-www-form-urlencoded", "username=" + "%EF%BC%A1" * 300 + "&password=" + SECRET,
     400, "bad_user", "longer than 256 bytes"),
    ("application/x-www-form-urlencoded", "username=" + "%EF%BC%A1" * 400 + "&password=" + SECRET,
     400, "bad_user", "field value too long"),
    ("application/x-www-form-urlencoded", "username=ali%09ce&password=" + SECRET,
     400, "bad_user", "control character"),
    ("application/x-www-form-urlencoded", "password=" + SECRET,
     200, "no_user", "no user field"),
    ("application/x-www-form-urlencoded", "username=+%E3%80%80+&password=" + SECRET,
     200, "no_user", "empty user field"),
    ("application/x-www-form-urlencoded", "",
     200, "no_user", "no user field"),
    ("application/json", '{"username": "alice", "password": "%s"' % SECRET,
     400, "bad_body", "malformed body"),
    ("application/json", '{"username": "alice", "username": "bob", "password": "%s"}' % SECRET,
     400, "bad_body", "malformed body"),
    ("application/json", '{"username": ["alice"], "password": "%s"}' % SECRET,
     400, "bad_user", "not a string"),
    ("application/json", '{"username": "al\\u0000ice", "password": "%s"}' % SECRET,
     400, "bad_body", "malformed body"),
    ("application/json", '["alice", "%s"]' % SECRET,
     200, "no_user", "no user field"),
    ("text/plain", "username=alice&password=" + SECRET,
     415, "unsupported_body", "neither form-urlencoded nor JSON"),
    ("multipart/form-data; boundary=x", "--x\r\n", 415, "unsupported_body", "neither"),
]


@pytest.mark.parametrize("ctype,body,status,reason,logged", CASES,
                         ids=["%d-%s" % (i, c[3]) for i, c in enumerate(CASES)])
def test_bad_input(login_nginx, upstream, ctype, body, status, reason, logged):
    got, _, _ = login_nginx.request("POST", "/login", body=body,
                                    headers={"Content-Type": ctype})
    assert got == status

    alert = login_nginx.wait_logged(1, "alert")[0]
    assert alert["reasons"] == [reason]
    assert alert["status"] == status
    assert login_nginx.wait_logged(1)[0]["reasons"] == reason

    log = login_nginx.error_log()
    info = [l for l in log.splitlines() if "[info]" in l and "login_risk:" in l]
    assert any(logged in l and reason in l for l in info), log
    assert SECRET not in log
    assert SECRET not in login_nginx.read("alert.log")

    if status == 200:
        req = upstream.next()
        assert req.header("X-Login-Risk-Reasons") == reason
        assert req.header("X-Login-Risk-User") is None
    else:
        assert upstream.requests.empty(), "a rejected login never reaches the application"


def test_missing_content_type_is_unsupported(login_nginx, upstream):
    raw = login_nginx.raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n"
                          b"Connection: close\r\n\r\nusername=alice")
    assert raw.startswith(b"HTTP/1.1 415")
    assert login_nginx.wait_logged(1, "alert")[0]["reasons"] == ["unsupported_body"]


def test_body_over_the_limit(nginx_factory, upstream):
    server = """
        location = /login {
            login_risk on;
            login_risk_body_limit 1k;
            login_risk_alert_log @DIR@/logs/alert.log;
            proxy_pass http://app;
        }
    """
    n = nginx_factory(server=server)
    big = "username=alice&password=" + "x" * 2000

    status, _, _ = n.post_form("/login", big)
    assert status == 413

    # chunked: the size is known only once the body is in
    chunked = ("POST /login HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               "%x\r\n%s\r\n0\r\n\r\n" % (len(big), big)).encode()
    assert n.raw(chunked).startswith(b"HTTP/1.1 413")

    # just under the limit passes
    ok = "username=alice&password=" + "x" * 900
    assert n.post_form("/login", ok)[0] == 200
    assert upstream.next().header("X-Login-Risk-User") == "alice"

    # (in any order: the chunked one, closed after its answer, may be
    # logged after the next one, by another worker)
    alerts = n.wait_logged(3, "alert")
    assert sorted(a["reasons"] for a in alerts) == [[], ["body_too_large"], ["body_too_large"]]
    assert "body over login_risk_body_limit" in n.error_log()
    assert "Content-Length over login_risk_body_limit" in n.error_log()


def test_hostile_header_values_are_safe(login_nginx, upstream):
    ua = "Mozilla/5.0 \"quoted\" \\ back\tslash \x01\x7f é"
    status, _, _ = login_nginx.post_form("/login", "username=a%22b%5Cc&password=x",
                                         headers={"User-Agent": ua.encode("latin-1").decode("latin-1")})
    assert status == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "a%22b%5Cc"
    assert unquote(req.header("X-Login-Risk-User")) == 'a"b\\c'
    alert = login_nginx.wait_logged(1, "alert")[0]
    assert alert["user"] == 'a"b\\c'
    # every log line is still one valid JSON object
    assert json.loads(login_nginx.read("alert.log").splitlines()[0])["user"] == 'a"b\\c'
