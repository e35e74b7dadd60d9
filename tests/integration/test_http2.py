"""Logins over HTTP/2 (h2c, prior knowledge) are read, judged and learnt
like HTTP/1.1 ones, bodies arriving in several DATA frames included; the
module's request headers cannot be sent by the client; a client that goes
away mid-body leaves nothing behind (the fixture checks the workers)."""

import json
import socket
import time
import uuid

import h2.config
import h2.connection
import h2.events
import pytest
import redis

from conftest import CHROME_WIN, GEOIP_HTTP

JP = "192.0.2.10"
KEY = "k1 " + "c3" * 32 + "\n"

SERVER = """
    listen 127.0.0.1:@PORT2@ http2;
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
"""


@pytest.fixture
def h2n(nginx_factory, redis_server):
    prefix = "h%s:" % uuid.uuid4().hex[:8]
    http = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:%d timeout=500ms;
    login_risk_prefix %s;
    login_risk_secret_file @DIR@/keys;
    login_risk_device_cookie lr_dev;
""" % (redis_server.port, prefix)
    n = nginx_factory(http=http, server=SERVER, workers=1, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    n.r = redis.Redis(port=redis_server.port)
    n.prefix = prefix
    return n.start()


def h2_request(port, method, path, headers, chunks=(), pause=0.05, close_after=None):
    """One request on a new h2c connection; the body goes in one DATA frame
    per chunk, with a pause before each. close_after=k: the connection is
    closed after k chunks, without ending the stream."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    s.sendall(conn.data_to_send())
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", method), (":path", path), (":scheme", "http"),
                            (":authority", "127.0.0.1")] + list(headers),
                      end_stream=not chunks)
    s.sendall(conn.data_to_send())
    for i, chunk in enumerate(chunks):
        if close_after is not None and i == close_after:
            s.close()
            return None, None, None
        time.sleep(pause)
        conn.send_data(sid, chunk, end_stream=(i == len(chunks) - 1))
        s.sendall(conn.data_to_send())
    status, got, body, done = None, [], b"", False
    while not done:
        data = s.recv(65536)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.ResponseReceived):
                got = ev.headers
                status = int(dict(got)[":status"])
            elif isinstance(ev, h2.events.DataReceived):
                body += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, (h2.events.StreamEnded, h2.events.StreamReset)):
                done = True
        s.sendall(conn.data_to_send())
    s.close()
    return status, got, body


def alerts(n, count):
    return n.wait_logged(count, "alert")


def test_form_login_in_several_data_frames(h2n, upstream):
    body = b"username=Alice&password=right"
    chunks = [body[:5], body[5:16], body[16:]]
    status, headers, _ = h2_request(h2n.port2, "POST", "/login", [
        ("content-type", "application/x-www-form-urlencoded"),
        ("user-agent", CHROME_WIN), ("x-forwarded-for", JP),
        ("x-login-risk-action", "allow"), ("x-login-risk-score", "0")], chunks)
    assert status == 302
    req = upstream.next()
    assert req["body"] == body, "the application gets the body whole"
    assert req.header("X-Login-Risk-User") == "alice"
    # the client's copies are gone: only the module's own remain
    assert len(req.all("X-Login-Risk-Action")) == 1
    a = alerts(h2n, 1)[0]
    assert a["user"] == "alice" and a["status"] == 302
    assert req.header("X-Login-Risk-Action") == a["action"]
    assert req.header("X-Login-Risk-Score") == str(a["score"])
    assert not any(k.startswith("x-login-risk-") for k, _ in headers)


def test_json_login_without_content_length_and_learning(h2n, upstream):
    doc = json.dumps({"login": "bob", "password": "right"}, separators=(",", ":")).encode()
    chunks = [doc[i:i + 7] for i in range(0, len(doc), 7)]
    for i in range(3):
        status, _, _ = h2_request(h2n.port2, "POST", "/api/login", [
            ("content-type", "application/json"), ("user-agent", CHROME_WIN)], chunks,
            pause=0.01)
        assert status == 302
        upstream.next()
        time.sleep(0.05)
    lines = alerts(h2n, 3)
    assert [a["user"] for a in lines] == ["bob"] * 3
    # learnt over HTTP/2 as over HTTP/1.1: bob has a profile
    assert any(k.endswith(b":p") for k in h2n.r.keys(h2n.prefix + "{u:*"))


def test_same_verdict_as_http1(h2n, upstream):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "User-Agent": CHROME_WIN, "X-Forwarded-For": JP}
    h2n.post_form("/login", "username=carol&password=wrong", headers=headers)
    upstream.next()
    h2_request(h2n.port2, "POST", "/login", [(k.lower(), v) for k, v in headers.items()],
               [b"username=carol&", b"password=wrong"])
    upstream.next()
    one, two = alerts(h2n, 2)
    for k in ("user", "score", "action", "reasons", "location", "device"):
        assert one[k] == two[k], k


def test_collect_and_token_over_http2(h2n, upstream):
    telemetry = json.dumps({"v": 1, "ua": CHROME_WIN, "tz": "Asia/Tokyo",
                            "langs": ["ja-JP"]}).encode()
    status, headers, body = h2_request(h2n.port2, "POST", "/login-risk/collect", [
        ("content-type", "application/json"), ("user-agent", CHROME_WIN),
        ("accept-language", "ja-JP")], [telemetry[:20], telemetry[20:]])
    assert status == 200, body
    token = json.loads(body)["token"]
    cookies = [v for k, v in headers if k == "set-cookie"]
    assert any(c.startswith("lr_token=" + token) for c in cookies)
    # HTTP/2 sends cookies as separate header fields; both are read
    device = [c.split(";")[0] for c in cookies if c.startswith("lr_dev=")][0]
    status, _, _ = h2_request(h2n.port2, "POST", "/login", [
        ("content-type", "application/x-www-form-urlencoded"),
        ("user-agent", CHROME_WIN), ("x-forwarded-for", JP),
        ("cookie", "lr_token=" + token), ("cookie", device)],
        [b"username=dave&password=right"])
    assert status == 302
    upstream.next()
    a = alerts(h2n, 1)[0]
    for bad in ("no_telemetry", "bad_token", "replayed_token", "ua_mismatch",
                "bad_device_cookie"):
        assert bad not in a["reasons"], a


def test_client_gone_mid_body(h2n, upstream):
    for _ in range(5):
        h2_request(h2n.port2, "POST", "/login", [
            ("content-type", "application/x-www-form-urlencoded"),
            ("content-length", "40")],
            [b"username=eve&", b"password=", b"right-and-more"], close_after=2)
    # the worker still answers, over both protocols
    status, _, _ = h2_request(h2n.port2, "POST", "/login", [
        ("content-type", "application/x-www-form-urlencoded")],
        [b"username=eve&password=right"])
    assert status == 302
    upstream.next()
    assert h2n.post_form("/login", "username=eve&password=right")[0] == 302
