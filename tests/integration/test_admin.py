"""The admin API over HTTP, real nginx and a real redis-server: list
entries with their expiry, comment and actor; the audit stream and the
alert log; a user's profile, reset and trusted device; the dry-run score;
and every malformed request answered with a 4xx JSON error while nothing
changes in Redis."""

import json
import subprocess
import time
import uuid
from urllib.parse import quote

import pytest

from conftest import CHROME_WIN, SAFARI_IPHONE
from listing import (ADMIN, BR, DE, GB, JP, JP2, api, entry_path, login, make,
                     snapshot, until, write)

KEY = "k1 " + "a1" * 32 + "\n"

BASIC = """
    location /login-risk/basic/ {
        auth_basic "login-risk admin";
        auth_basic_user_file @DIR@/htpasswd;
        login_risk_admin;
        login_risk_alert_log @DIR@/logs/alert.log;
    }
"""


def test_list_entries_and_their_audit(nginx_factory, redis_server, upstream):
    n = make(nginx_factory, redis_server.port, files={
        "user-block.txt": "eve # from the fraud team's file\n"
                          "mallory expires=2099-01-01T00:00:00Z\n",
    }, extra="login_risk_list user block @DIR@/user-block.txt;")

    status, _, body = api(n, "POST", "lists/user/block",
                          {"entry": " Trudy ", "ttl": 3600,
                           "comment": "credential stuffing, ticket 4711"},
                          actor="ann")
    assert status == 201, body
    assert body["entry"] == "trudy"
    assert body["before"] is None
    assert body["after"]["actor"] == "ann"
    assert body["after"]["comment"] == "credential stuffing, ticket 4711"
    expires = body["after"]["expires"]
    assert abs(expires - (time.time() + 3600) * 1000) < 5000

    # the same entry again: replaced, 200, with what was there before
    status, _, body = api(n, "POST", "lists/user/block",
                          {"entry": "TRUDY", "expires": "2099-12-31T23:59:59Z"},
                          actor="bob")
    assert status == 200, body
    assert body["before"]["actor"] == "ann"
    assert body["after"]["expires"] == 4102444799000

    status, _, body = api(n, "GET", "lists/user/block")
    assert status == 200
    assert body["total"] == {"files": 2, "redis": 1}
    assert body["next"] is None
    entries = {e["entry"]: e for e in body["entries"]}
    assert entries["eve"] == {"entry": "eve", "source": "file",
                              "file": n.dir + "/user-block.txt", "line": 1,
                              "expires": None, "expired": False,
                              "comment": "from the fraud team's file"}
    assert entries["mallory"]["expires"] == "2099-01-01T00:00:00.000Z"
    assert entries["trudy"]["source"] == "redis"
    assert entries["trudy"]["actor"] == "bob"
    assert entries["trudy"]["expires"] == "2099-12-31T23:59:59.000Z"
    assert entries["trudy"]["comment"] is None

    # in Redis as the README says
    value = json.loads(n.r.hget(n.prefix + "{lists}:e:user:block", "trudy"))
    assert value["actor"] == "bob" and value["expires"] == 4102444799000
    assert n.r.zscore(n.prefix + "{lists}:x:user:block", "trudy") == 4102444799000

    status, _, body = api(n, "DELETE", entry_path("user", "block", "Trudy"),
                          actor="carol")
    assert status == 200 and body["after"] is None

    # the audit, newest first, with who did what
    status, _, body = api(n, "GET", "audit")
    assert status == 200
    ops = [(e["actor"], e["op"], e["kind"], e["side"], e["entry"])
           for e in body["entries"]]
    assert ops == [("carol", "del", "user", "block", "trudy"),
                   ("bob", "add", "user", "block", "trudy"),
                   ("ann", "add", "user", "block", "trudy")]
    assert body["entries"][1]["before"]["actor"] == "ann"
    assert body["entries"][1]["after"]["actor"] == "bob"
    assert body["entries"][0]["time"].endswith("Z")

    # and the alert log of the admin location
    lines = [a for a in n.wait_logged(3, "alert") if a.get("event") == "admin"]
    assert [(a["actor"], a["op"], a["entry"]) for a in lines] == [
        ("ann", "add", "trudy"), ("bob", "add", "trudy"),
        ("carol", "del", "trudy")]
    assert lines[0]["client"] == "127.0.0.1"
    assert len(lines[0]["request_id"]) == 32


def test_actor_is_the_remote_user(nginx_factory, redis_server, upstream):
    n = make(nginx_factory, redis_server.port, server=BASIC, start=False)
    hashed = subprocess.run(["openssl", "passwd", "-apr1", "s3cret"],
                            capture_output=True, text=True, check=True).stdout
    write(n, "htpasswd", "soc-analyst:" + hashed)
    n.start()

    status, _, _ = n.request("POST", "/login-risk/basic/lists/asn/block",
                             body='{"entry":"AS64498"}')
    assert status == 401

    auth = {"Authorization": "Basic c29jLWFuYWx5c3Q6czNjcmV0"}
    status, _, data = n.request("POST", "/login-risk/basic/lists/asn/block",
                                body='{"entry":"AS64498"}', headers=auth)
    assert status == 201, data
    assert json.loads(data)["after"]["actor"] == "soc-analyst"

    status, _, data = n.request("GET", "/login-risk/basic/audit?count=1",
                                headers=auth)
    assert json.loads(data)["entries"][0]["actor"] == "soc-analyst"

    # the blocked network, then
    until(lambda: login(n, "bob", DE)[1] == ["blocklist:asn"], timeout=2.5)


def test_audit_and_list_pages(nginx_factory, redis_server, upstream):
    n = make(nginx_factory, redis_server.port, files={
        "c.txt": "".join("10.0.%d.0/24\n" % i for i in range(5)),
    }, extra="login_risk_list ip allow @DIR@/c.txt;")

    for i in range(4):
        assert api(n, "POST", "lists/ip/allow",
                   {"entry": "192.0.2.%d" % i})[0] == 201

    status, _, page = api(n, "GET", "audit?count=3")
    assert [e["entry"] for e in page["entries"]] == [
        "192.0.2.3", "192.0.2.2", "192.0.2.1"]
    status, _, rest = api(n, "GET", "audit?count=3&before=" + page["next"])
    assert [e["entry"] for e in rest["entries"]] == ["192.0.2.0"]
    assert rest["next"] is None

    # pages through the file, then Redis: every entry once
    seen, cursor, pages = [], None, 0
    while True:
        path = "lists/ip/allow?count=2" + ("&cursor=" + quote(cursor)
                                           if cursor else "")
        status, _, page = api(n, "GET", path)
        # HSCAN's count is a hint: a page of Redis's may hold a few more
        assert status == 200
        assert len(page["entries"]) <= 2 or "redis" in {
            e["source"] for e in page["entries"]}
        seen += [(e["source"], e["entry"]) for e in page["entries"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert pages >= 3
    assert sorted(seen) == sorted(
        [("file", "10.0.%d.0/24" % i) for i in range(5)]
        + [("redis", "192.0.2.%d" % i) for i in range(4)])

    # a cursor that no page gave (inside a line, past the file)
    for bad in ("f:0:3:1", "f:0:99999:1", "f:7:0:1", "r:x"):
        assert api(n, "GET", "lists/ip/allow?cursor=" + bad)[0] == 400, bad

    status, _, page = api(n, "GET", "lists/ip/allow?source=redis")
    assert {e["source"] for e in page["entries"]} == {"redis"}
    status, _, page = api(n, "GET", "lists/ip/allow?source=file")
    assert len(page["entries"]) == 5 and page["total"]["redis"] == 4


def test_user_profile_reset_and_trust_device(nginx_factory, redis_server,
                                             upstream):
    n = make(nginx_factory, redis_server.port, start=False, extra="""
        login_risk_secret_file @DIR@/keys;
        login_risk_device_cookie lr_dev;
    """)
    write(n, "keys", KEY)
    n.start()

    def device_login(user, cookie=None, password="right", ip=JP):
        h = {"User-Agent": CHROME_WIN}
        if cookie:
            h["Cookie"] = "lr_dev=" + cookie
        status, hdrs, _ = n.post_form("/login", "username=%s&password=%s"
                                      % (user, password),
                                      headers=dict(h, **{"X-Forwarded-For": ip}))
        set_cookie = hdrs.get("Set-Cookie", "")
        reasons = hdrs.get("X-Test-Reasons", "").split(",")
        return status, reasons, set_cookie.partition("=")[2].partition(";")[0]

    # alice logs in from Tokyo with her browser, three times
    status, _, cookie_a = device_login("alice")
    assert status == 302 and cookie_a
    for _ in range(2):
        assert device_login("alice", cookie_a)[0] == 302

    until(lambda: api(n, "GET", "users/alice")[2]["profile"] is not None
          and api(n, "GET", "users/alice")[2]["profile"]["successes"] == 3)
    status, _, body = api(n, "GET", "users/" + quote("ＡＬＩＣＥ"))
    assert status == 200
    p = body["profile"]
    assert p["successes"] == 3
    assert [(v["country"], v["count"]) for v in p["values"]["country"]] == [("JP", 3)]
    assert len(p["values"]["device"]) == 1
    assert len(p["values"]["device"][0]["value"]) == 8
    assert body["failures"] == {"user": 0}
    assert "ip=" in body["hint"]

    device_a = cookie_a.split(".")[0]
    status, _, body = api(n, "GET", "users/alice?ip=%s&device=%s"
                          % (JP, device_a))
    assert body["login"]["seen"] == {"country": 3, "asn": 3, "prefix": 3,
                                     "ip": 3, "device": 3}
    assert body["login"]["country"] == "JP"
    assert set(body["failures"]) == {"user", "ip_user", "ip", "ip_users",
                                     "device", "device_users"}

    # a device she never used: another browser's cookie
    status, _, cookie_b = device_login("bob", password="wrong", ip=JP2)
    device_b = cookie_b.split(".")[0]
    status, reasons, _ = device_login("alice", cookie_b, password="wrong")
    assert "new_device" in reasons

    # support trusts it for her
    status, _, body = api(n, "POST", "users/alice/trust-device",
                          {"device": device_b.upper()}, actor="helpdesk")
    assert status == 200, body
    assert body["before"] == {"device": device_b, "count": 0}
    assert body["after"] == {"device": device_b, "count": 1}

    status, reasons, _ = device_login("alice", cookie_b)
    assert status == 302 and "new_device" not in reasons, reasons
    # (the writes of a login are sent after its answer)
    until(lambda: api(n, "GET", "users/alice")[2]["profile"]["successes"]
          == 4)

    # reset: the profile and the failures go, audited
    device_login("alice", cookie_a, password="wrong")
    until(lambda: api(n, "GET", "users/alice")[2]["failures"]["user"] == 1)
    status, _, body = api(n, "POST", "users/alice/reset", actor="helpdesk")
    assert status == 200, body
    assert body["before"]["profile"] is True
    assert body["before"]["successes"] == 4
    assert body["before"]["failures"] == 1
    status, _, body = api(n, "GET", "users/alice")
    assert body["profile"] is None and body["failures"]["user"] == 0

    # no profile: a new device is no reason again (nothing is new to nothing)
    status, reasons, _ = device_login("alice", cookie_b, password="wrong")
    assert "new_device" not in reasons

    status, _, body = api(n, "GET", "audit")
    assert [(e["actor"], e["op"], e["kind"], e["entry"])
            for e in body["entries"][:2]] == [
        ("helpdesk", "reset", "user", "alice"),
        ("helpdesk", "trust-device", "user", "alice")]
    admin = [a for a in n.alerts() if a.get("event") == "admin"]
    assert [a["op"] for a in admin] == ["trust-device", "reset"]


def test_score_is_a_dry_run(nginx_factory, redis_server, upstream):
    n = make(nginx_factory, redis_server.port,
             extra="login_risk_list_refresh 200ms;")
    for _ in range(3):
        assert login(n, "alice", JP, headers={"User-Agent": CHROME_WIN})[0] == 302

    # the logins' writes are in
    until(lambda: (api(n, "GET", "users/alice")[2]["profile"] or {})
          .get("successes") == 3)
    before = settled(n)

    # from Brazil, another browser: unfamiliar, challenged, not blocked
    status, _, body = api(n, "POST", "score",
                          {"user": "alice", "ip": BR, "ua": SAFARI_IPHONE})
    assert status == 200, body
    assert body["action"] == "challenge"
    assert {"new_country", "new_asn", "new_ip", "impossible_travel"} <= \
        set(body["reasons"])
    assert body["score"] == min(100, sum(body["points"].values()))

    # the habitual login
    status, _, body = api(n, "POST", "score",
                          {"user": "ALICE", "ip": JP, "ua": CHROME_WIN})
    assert body["action"] == "allow" and "new_ip" not in body["reasons"]

    # a described place wins over GeoIP; lists given in the login count
    status, _, body = api(n, "POST", "score",
                          {"user": "alice", "ip": JP, "country": "BR",
                           "block": ["country"],
                           "time": "2030-01-01T00:00:00Z"})
    assert body["reasons"] == ["blocklist:country"] and body["score"] == 100

    # nothing was written
    assert snapshot(n) == before

    # the live lists count too
    assert api(n, "POST", "lists/ip/block", {"entry": BR})[0] == 201
    until(lambda: api(n, "POST", "score", {"user": "x", "ip": BR})[2]
          .get("reasons") == ["blocklist:ip"], timeout=2)


def settled(n):
    """What Redis holds once the writes in flight are in: two snapshots
    in a row alike."""
    last = snapshot(n)
    while True:
        time.sleep(0.2)
        now = snapshot(n)
        if now == last:
            return now
        last = now


MALFORMED = [
    # (method, path, body, status, words in the error)
    ("GET", "lists/vip/block", None, 404, "kind"),
    ("GET", "lists/ip/maybe", None, 404, "side"),
    ("GET", "lists/anonymizer/block", None, 404, "side"),
    ("GET", "lists/ip", None, 404, "side"),
    ("GET", "nothing/here", None, 404, "route"),
    ("GET", "", None, 404, "route"),
    ("GET", "users", None, 404, "route"),
    ("POST", "users/alice/delete", "{}", 404, "route"),
    ("PUT", "lists/ip/block", "{}", 405, "method"),
    ("GET", "lists/ip/block/192.0.2.1", None, 405, "method"),
    ("DELETE", "audit", None, 405, "method"),
    ("GET", "score", None, 405, "method"),
    ("POST", "users/alice", "{}", 405, "method"),
    ("POST", "lists/ip/block", "not json", 400, "JSON"),
    ("POST", "lists/ip/block", "", 400, "JSON"),
    ("POST", "lists/ip/block", '["192.0.2.1"]', 400, "JSON object"),
    ("POST", "lists/ip/block", '{"entry":"300.1.2.3/8"}', 400, "address"),
    ("POST", "lists/ip/block", '{"entry":"192.0.2.0/33"}', 400, "address"),
    ("POST", "lists/ip/block", '{"entry":"192.0.2.1","colour":1}', 400,
     "unknown member"),
    ("POST", "lists/ip/block", '{"entry":"192.0.2.1","entry":"x"}', 400,
     "JSON"),
    ("POST", "lists/ip/block", '{"entry":"192.0.2.1","ttl":-5}', 400, "ttl"),
    ("POST", "lists/ip/block",
     '{"entry":"192.0.2.1","expires":"2001-01-01T00:00:00Z"}', 400, "future"),
    ("POST", "lists/ip/block",
     '{"entry":"192.0.2.1","expires":"2099-02-30T00:00:00Z"}', 400,
     "YYYY-MM-DD"),
    ("POST", "lists/user/allow", '{"entry":"a\\u0001b"}', 400, "control"),
    ("POST", "lists/user/allow", '{"entry":"   "}', 400, "empty"),
    ("POST", "lists/country/block", '{"entry":"Japan"}', 400, "country"),
    ("POST", "lists/asn/block", '{"entry":"AS0"}', 400, "AS number"),
    ("POST", "lists/device/block", '{"entry":"xyz"}', 400, "device"),
    ("POST", "lists/anonymizer/list", '{"entry":"tor.example"}', 400,
     "address"),
    ("POST", "lists/ip/block", '{"entry":"x","comment":"%s"}' % ("c" * 257),
     400, "comment"),
    ("POST", "lists/ip/block", '{"entry":"%s"}' % ("1" * 20000), 413,
     "larger"),
    ("DELETE", "lists/ip/block/not-an-address", None, 400, "address"),
    ("DELETE", "lists/ip/block/192.0.2.99", None, 404, "no such entry"),
    ("DELETE", "lists/user/block/a%01b", None, 400, "control"),
    ("GET", "lists/ip/block?count=0", None, 400, "count"),
    ("GET", "lists/ip/block?count=x", None, 400, "count"),
    ("GET", "lists/ip/block?cursor=zz", None, 400, "cursor"),
    ("GET", "lists/ip/block?cursor=f:9:0:1", None, 400, "cursor"),
    ("GET", "lists/ip/block?source=disk", None, 400, "source"),
    ("GET", "audit?before=%2B", None, 400, "audit id"),
    ("GET", "audit?count=100000", None, 400, "count"),
    ("GET", "users/%01bad", None, 400, "control"),
    ("GET", "users/%FF", None, 400, "UTF-8"),
    ("GET", "users/alice?ip=nowhere", None, 400, "ip"),
    ("GET", "users/alice?device=123", None, 400, "device"),
    ("POST", "users/alice/trust-device", '{"device":"1234"}', 400, "device"),
    ("POST", "users/alice/trust-device", "{}", 400, "device"),
    ("POST", "score", "{", 400, "JSON object"),
    ("POST", "score", '{"ip":"nowhere"}', 400, "ip"),
    ("POST", "score", '{"time":"yesterday"}', 400, "time"),
    ("POST", "score", '{"user":5}', 400, "user"),
    ("POST", "score", '{"block":["planet"]}', 400, "block"),
]


def test_malformed_requests_change_nothing(nginx_factory, redis_server,
                                           upstream):
    n = make(nginx_factory, redis_server.port)
    # something to change, and a profile
    assert api(n, "POST", "lists/ip/block", {"entry": GB})[0] == 201
    assert login(n, "alice", JP)[0] == 302
    before = settled(n)
    assert any(k.decode().endswith(":p") for k in before)

    for method, path, body, status, words in MALFORMED:
        got, hdrs, answer = api(n, method, path, body=body, raw=True)
        assert hdrs.get("Content-Type") == "application/json", (path, answer)
        answer = json.loads(answer)
        assert got == status, (method, path, got, answer)
        assert words.lower() in answer["error"].lower(), (method, path, answer)
        if status == 405:
            assert hdrs.get("Allow"), (method, path)

    assert snapshot(n) == before


def test_admin_location_prefix_and_raw_entries(nginx_factory, redis_server,
                                               upstream):
    """A CIDR's '/' may be sent encoded or not; the route is read as sent,
    after the location's prefix."""
    n = make(nginx_factory, redis_server.port)
    assert api(n, "POST", "lists/ip/block", {"entry": "192.0.2.0/25"})[0] == 201
    assert api(n, "DELETE", "lists/ip/block/192.0.2.0/25")[0] == 200
    assert api(n, "POST", "lists/ip/block", {"entry": "192.0.2.0/25"})[0] == 201
    assert api(n, "DELETE", "lists/ip/block/192.0.2.0%2F25")[0] == 200
    assert api(n, "GET", "lists/ip/block/")[0] == 200

    # HEAD is GET without a body
    status, hdrs, data = api(n, "HEAD", "audit", raw=True)
    assert status == 200 and data == b""

    # the location protects it: from elsewhere, nginx's own 403
    assert n.request("GET", ADMIN + "audit",
                     headers={"X-Forwarded-For": DE})[0] == 403


def test_redis_unavailable_is_503_at_once(nginx_factory, own_redis,
                                          upstream):
    n = make(nginx_factory, own_redis.port)
    assert api(n, "GET", "audit")[0] == 200
    own_redis.stop()

    for method, path, body in [
            ("GET", "lists/ip/block", None),
            ("POST", "lists/ip/block", {"entry": JP}),
            ("DELETE", "lists/ip/block/192.0.2.1", None),
            ("GET", "audit", None),
            ("GET", "users/alice", None),
            ("POST", "users/alice/reset", ""),
            ("POST", "users/alice/trust-device", {"device": "0" * 32}),
            ("POST", "score", {"user": "alice"})]:
        start = time.monotonic()
        status, _, answer = api(n, method, path, body=body)
        assert status == 503, (method, path, answer)
        assert "unavailable" in answer["error"] or "in time" in answer["error"]
        assert time.monotonic() - start < 1.5


def test_redis_paused_is_503_within_the_timeout(nginx_factory, own_redis,
                                                upstream):
    n = make(nginx_factory, own_redis.port)
    assert api(n, "GET", "audit")[0] == 200
    own_redis.pause(3)
    start = time.monotonic()
    status, _, answer = api(n, "GET", "users/alice")
    elapsed = time.monotonic() - start
    assert status == 503 and "in time" in answer["error"]
    assert 0.9 < elapsed < 2.5
