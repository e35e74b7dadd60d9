"""Redis going wrong under a running nginx: stopped, paused, restarted (or
not there yet), full, behind the wrong password, reached over a unix
socket, killed while logins wait for it; and clients that leave, or a
reload that ends requests, while their login waits for it. Every login must be answered within
login_risk_redis timeout= (plus a margin for slow machines), decided by
login_risk_on_error with the reason state_unavailable, and no worker may
ever wait on Redis.

Each test has a redis-server of its own (the own_redis / redis_factory
fixtures in conftest.py), so that stopping or pausing it touches nothing
else."""

import os
import re
import socket
import struct
import threading
import time
import uuid

from conftest import CHROME_WIN, GEOIP_HTTP

# documentation addresses, see tests/data/README.md
JP = "192.0.2.10"
US = "192.0.2.130"
DE = "198.51.100.10"

TIMEOUT = 0.1           # login_risk_redis timeout=100ms
MARGIN = 1.5            # slow machines, the ASan build
LIMIT = TIMEOUT + MARGIN
# a location without the module, Redis paused or not: a worker blocked on
# Redis would make it wait for the whole pause (2 s) or a connect timeout
# (1 s); the slack is for a loaded machine with two cores
PLAIN_LIMIT = 0.8

UNAVAILABLE_LINE = re.compile(r"login_risk: redis \S+ unavailable \(")
BACK_LINE = re.compile(r"login_risk: redis \S+ is back")


def fault_http(address, params="", extra=""):
    return GEOIP_HTTP + """
    login_risk_redis %s timeout=100ms %s;
    login_risk_prefix f:;
    %s
""" % (address, params, extra)


SERVER = """
    location = /login {
        login_risk on;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /closed {
        login_risk on;
        login_risk_on_error block;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location / {
        proxy_pass http://app;
    }
"""


def make_nginx(nginx_factory, redis, params="", workers=1, address=None,
               start=True):
    address = address or "127.0.0.1:%d" % redis.port
    return nginx_factory(http=fault_http(address, params), server=SERVER,
                         workers=workers, start=start)


def login(n, user, ip=JP, path="/login", password="right", timeout=10):
    """One login; returns status, response headers and how long it took."""
    t0 = time.monotonic()
    status, headers, _ = n.post_form(
        path, "username=%s&password=%s" % (user, password),
        headers={"X-Forwarded-For": ip, "User-Agent": CHROME_WIN},
        timeout=timeout)
    return status, headers, time.monotonic() - t0


def plain_get(n, timeout=10):
    t0 = time.monotonic()
    status, _, _ = n.request("GET", "/plain", timeout=timeout)
    return status, time.monotonic() - t0


def reasons(req):
    return (req.header("X-Login-Risk-Reasons") or "").split(",")


def drain(upstream, wait=0.2):
    """Everything the upstream received so far (after a moment for the
    requests still on their way)."""
    time.sleep(wait)
    out = []
    while not upstream.requests.empty():
        out.append(upstream.next())
    return out


def assert_scored(n, upstream, user, ip=JP):
    status, _, took = login(n, user, ip)
    assert status == 302
    req = upstream.next()
    assert req.header("X-Login-Risk-Score") is not None, req.risk_headers()
    assert "state_unavailable" not in reasons(req), req.risk_headers()
    return req


def wait_scored(n, upstream, user, within=10.0, ip=JP):
    """Logs in until a login is scored again; returns how long it took and
    how many logins were still decided without the state."""
    t0 = time.monotonic()
    unavailable = 0
    while True:
        status, _, took = login(n, user, ip)
        assert status == 302, "fail-open: the application answers"
        assert took < LIMIT, "a login took %.2fs" % took
        req = upstream.next()
        if "state_unavailable" not in reasons(req):
            assert req.header("X-Login-Risk-Score") is not None
            return time.monotonic() - t0, unavailable
        unavailable += 1
        if time.monotonic() - t0 > within:
            raise AssertionError("logins still not scored %.1fs after Redis "
                                 "came back\n%s" % (within, n.error_log()))
        time.sleep(0.1)


def redis_lines(n, pattern):
    return [l for l in n.error_log().splitlines() if pattern.search(l)]


# --- 1. stopped ---------------------------------------------------------------

def test_redis_stopped_fail_open_passes_fail_closed_blocks(nginx_factory, own_redis,
                                                           upstream):
    n = make_nginx(nginx_factory, own_redis, workers=2)

    # up: scored
    assert_scored(n, upstream, "alice")

    own_redis.stop()

    # fail-open: the application answers, and is told why there is no score
    for i in range(4):
        status, headers, took = login(n, "alice", JP)
        assert status == 302, "fail-open passes the login to the application"
        assert took < LIMIT, "a fail-open login took %.2fs" % took
        req = upstream.next()
        assert "state_unavailable" in reasons(req), req.risk_headers()
        assert not any(k.lower().startswith("x-login-risk-") for k in headers)
    alerts = n.wait_logged(5, "alert")
    for alert in alerts[1:5]:
        assert "state_unavailable" in alert["reasons"], alert
        assert alert["status"] == 302, alert
        assert alert["action"] in ("allow", "tag"), alert

    # a wrong password too: still the application's answer, never a 5xx
    status, _, took = login(n, "alice", JP, password="wrong")
    assert status == 200 and took < LIMIT
    assert "state_unavailable" in reasons(upstream.next())

    # fail-closed: refused at once, the application is not called
    for i in range(4):
        status, headers, took = login(n, "alice", JP, path="/closed")
        assert status == 403, "fail-closed blocks while Redis is away"
        assert took < LIMIT, "a fail-closed login took %.2fs" % took
    alerts = n.wait_logged(10, "alert")
    for alert in alerts[6:10]:
        assert alert["action"] == "block", alert
        assert alert["status"] == 403, alert
        assert "state_unavailable" in alert["reasons"], alert
        assert alert["mode"] != "monitor"
    assert not drain(upstream), "the fail-closed location called the application"

    # a location without the module does not care
    status, took = plain_get(n)
    assert status == 200 and took < PLAIN_LIMIT
    assert len(redis_lines(n, UNAVAILABLE_LINE)) >= 1


# --- 2. paused ----------------------------------------------------------------

def test_redis_paused_blocks_no_worker(nginx_factory, own_redis, upstream):
    # one worker: the plain requests share it with the waiting logins
    n = make_nginx(nginx_factory, own_redis, workers=1)
    assert_scored(n, upstream, "warm")
    upstream.clear()

    pause = 2.0
    pauser = own_redis.pause(pause)
    paused_at = time.monotonic()

    logins = []             # (user, path, status, took, started, ended)
    errors = []

    def log_in(k):
        i = 0
        while pauser.is_alive() and time.monotonic() - paused_at < pause + 5:
            path = "/closed" if i % 3 == 2 else "/login"
            user = "p%d-%d" % (k, i)
            i += 1
            t0 = time.monotonic()
            try:
                status, _, took = login(n, user, path=path)
            except Exception as e:      # noqa: BLE001 - recorded, asserted
                errors.append(repr(e))
                return
            logins.append((user, path, status, took, t0, time.monotonic()))

    threads = [threading.Thread(target=log_in, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()

    plain = []
    while pauser.is_alive() and time.monotonic() - paused_at < pause + 5:
        status, took = plain_get(n)
        plain.append((status, took))
        time.sleep(0.02)
    pauser.join(10)
    for t in threads:
        t.join(10)

    assert not errors, errors
    assert len(plain) >= 10, plain
    assert all(s == 200 for s, _ in plain), plain
    slowest = max(t for _, t in plain)
    assert slowest < PLAIN_LIMIT, \
        "a location without the module waited %.2fs: a worker was blocked" % slowest

    # Redis slept from before paused_at (a probe went unanswered for 0.1 s)
    # until at least paused_at + pause - 0.1; after DEBUG SLEEP it serves
    # the others before answering it, so the end is only known from here
    asleep_until = paused_at + pause - 0.3
    during = [l for l in logins if l[4] > paused_at and l[5] < asleep_until]
    assert len(during) >= 6, logins
    for user, path, status, took, _, _ in during:
        assert took < LIMIT, "a login took %.2fs while Redis was paused" % took
        if path == "/closed":
            assert status == 403, (user, status)
        else:
            assert status == 302, (user, status)

    seen = {r.header("X-Login-Risk-User"): r for r in drain(upstream)
            if r["path"] == "/login"}
    for user, path, status, took, _, _ in during:
        if path == "/closed":
            assert user not in seen, "a fail-closed login reached the application"
        else:
            assert user in seen, user
            assert "state_unavailable" in reasons(seen[user]), seen[user].risk_headers()

    # and it recovers: logins are scored again; one outage, said once
    wait_scored(n, upstream, "after", within=10)
    down = redis_lines(n, UNAVAILABLE_LINE)
    assert len(down) == 1, "\n".join(down)
    assert "no answer in time" in down[0], down
    deadline = time.monotonic() + 2
    while not redis_lines(n, BACK_LINE) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(redis_lines(n, BACK_LINE)) == 1, n.error_log()


# --- 3. restarted -------------------------------------------------------------

def test_reconnects_after_restart_and_says_so_once(nginx_factory, own_redis, upstream):
    # db=2: the SELECT must be sent again on the new connection
    n = make_nginx(nginx_factory, own_redis, params="db=2", workers=1)
    assert_scored(n, upstream, "bob")
    assert not redis_lines(n, UNAVAILABLE_LINE), n.error_log()

    own_redis.stop()
    outage = time.monotonic()
    for i in range(5):
        status, _, took = login(n, "bob")
        assert status == 302 and took < LIMIT
        assert "state_unavailable" in reasons(upstream.next())
        time.sleep(0.15)
    # several reconnect attempts fail meanwhile (backoff from 100 ms)
    while time.monotonic() - outage < 1.5:
        time.sleep(0.05)

    own_redis.start()        # the same port
    wait_scored(n, upstream, "bob", within=10)

    down = redis_lines(n, UNAVAILABLE_LINE)
    assert len(down) == 1, "one outage, one line:\n" + "\n".join(down)
    assert "[error]" in down[0]
    assert "127.0.0.1:%d" % own_redis.port in down[0]
    deadline = time.monotonic() + 2
    while not redis_lines(n, BACK_LINE) and time.monotonic() < deadline:
        time.sleep(0.05)
    back = redis_lines(n, BACK_LINE)
    assert len(back) == 1, n.error_log()
    assert "[notice]" in back[0]

    # the learning works again on the new server, in the configured db
    time.sleep(0.1)
    assert own_redis.client(db=2).keys("f:*"), "nothing written to db 2 after the restart"
    assert not own_redis.client(db=0).keys("f:*"), "written to db 0: no SELECT after reconnect"


def test_nginx_started_before_redis(nginx_factory, redis_factory, upstream):
    r = redis_factory(start=False)
    n = make_nginx(nginx_factory, r, workers=1)
    status, _, took = login(n, "jack")
    assert status == 302 and took < LIMIT
    assert "state_unavailable" in reasons(upstream.next())
    status, _, took = login(n, "jack", path="/closed")
    assert status == 403 and took < LIMIT
    r.start()
    wait_scored(n, upstream, "jack", within=10)
    assert len(redis_lines(n, UNAVAILABLE_LINE)) == 1, n.error_log()


# --- 4. full ------------------------------------------------------------------

def test_redis_out_of_memory_still_scores_and_says_writes_fail(nginx_factory, own_redis,
                                                              upstream):
    """A full Redis (maxmemory, noeviction) still answers reads: logins are
    scored as usual, in both locations, never a 5xx; the writes it refuses
    (OOM) are said in error_log, a line per 10 s, not one per login."""
    n = make_nginx(nginx_factory, own_redis, workers=1)
    c = own_redis.client()
    assert_scored(n, upstream, "carol")
    time.sleep(0.1)
    keys_before = set(c.keys("f:*"))

    c.config_set("maxmemory-policy", "noeviction")
    c.config_set("maxmemory", 1)
    try:
        for user, password, expect in (("carol", "right", 302), ("carol", "no", 200),
                                       ("dave", "right", 302), ("dave", "no", 200)):
            status, _, took = login(n, user, password=password)
            assert status == expect, "never a 5xx"
            assert took < LIMIT
            req = upstream.next()
            assert "state_unavailable" not in reasons(req), req.risk_headers()
            assert req.header("X-Login-Risk-Score") is not None
        status, _, took = login(n, "carol", path="/closed")
        assert status == 302 and took < LIMIT, "scored, so not refused"
        upstream.next()
        time.sleep(0.2)
        log = n.error_log()
        assert "write failed: OOM" in log, log
        assert log.count("write failed") == 1, "one line, not one per write"
        assert set(c.keys("f:*")) == keys_before, "nothing was written"
    finally:
        c.config_set("maxmemory", 0)

    # the next logins are learnt again
    assert_scored(n, upstream, "erin", ip=US)
    time.sleep(0.2)
    assert set(c.keys("f:*")) > keys_before


# --- 5. password --------------------------------------------------------------

RIGHT_PASSWORD = "pw-right-%s" % uuid.uuid4().hex[:12]
WRONG_PASSWORD = "pw-wrong-%s" % uuid.uuid4().hex[:12]


def test_wrong_password_fails_open_and_never_logs_it(nginx_factory, redis_factory,
                                                     upstream):
    r = redis_factory("--requirepass", RIGHT_PASSWORD)
    n = make_nginx(nginx_factory, r, params="password=%s" % WRONG_PASSWORD)

    for i in range(3):
        status, _, took = login(n, "frank")
        assert status == 302 and took < LIMIT
        req = upstream.next()
        assert "state_unavailable" in reasons(req), req.risk_headers()
        time.sleep(0.1)

    deadline = time.monotonic() + 3
    while "AUTH failed" not in n.error_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    # said once, not at every reconnect, and not followed by NOAUTH lines
    time.sleep(1.0)                 # several reconnects (100, 200, 400 ms)
    log = n.error_log()
    assert re.search(r"login_risk: redis AUTH failed: (WRONGPASS|ERR)", log), log
    assert log.count("AUTH failed") == 1, log
    assert "SCRIPT LOAD failed" not in log
    assert len(UNAVAILABLE_LINE.findall(log)) == 1
    n.stop()
    for name in os.listdir(os.path.join(n.dir, "logs")):
        text = n.read(name)
        assert WRONG_PASSWORD not in text, "the password is in logs/%s" % name
        assert RIGHT_PASSWORD not in text, "a password is in logs/%s" % name

    # the right one, from a file (with its newline): scored
    n2 = make_nginx(nginx_factory, r, params="password_file=@DIR@/redis.pass",
                    start=False)
    with open(os.path.join(n2.dir, "redis.pass"), "w") as f:
        f.write(RIGHT_PASSWORD + "\n")
    os.chmod(os.path.join(n2.dir, "redis.pass"), 0o600)
    n2.start()
    upstream.clear()
    assert_scored(n2, upstream, "frank")
    assert "AUTH failed" not in n2.error_log()
    time.sleep(0.1)
    assert r.client().keys("f:*"), "the login's learning reached Redis"

    # a restart: AUTH goes again on the new connection
    r.stop()
    status, _, took = login(n2, "frank")
    assert status == 302 and took < LIMIT
    assert "state_unavailable" in reasons(upstream.next())
    r.start()
    wait_scored(n2, upstream, "frank", within=10)
    assert "AUTH failed" not in n2.error_log(), n2.error_log()
    n2.stop()
    for name in os.listdir(os.path.join(n2.dir, "logs")):
        assert RIGHT_PASSWORD not in n2.read(name), "the password is in logs/%s" % name


# --- 6. clients that leave ----------------------------------------------------

def raw_login(n, path, user, close="fin", partial=False):
    body = "username=%s&password=right" % user
    head = ("POST %s HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\n"
            "User-Agent: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: %d\r\n\r\n" % (path, DE, CHROME_WIN, len(body)))
    data = (head + (body[:5] if partial else body)).encode()
    s = socket.create_connection(("127.0.0.1", n.port), timeout=5)
    if close == "rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.sendall(data)
    s.close()


def test_clients_leaving_mid_lookup_crash_nothing(nginx_factory, own_redis, upstream):
    n = make_nginx(nginx_factory, own_redis, workers=1)
    assert_scored(n, upstream, "gina")
    workers = n.worker_pids()
    assert len(workers) == 1

    pauser = own_redis.pause(2)
    for i in range(24):
        path = "/closed" if i % 2 else "/login"
        raw_login(n, path, "leaver%d" % i, close="rst" if i % 3 == 0 else "fin",
                  partial=(i % 8 == 7))
        if i % 4 == 3:
            time.sleep(0.06)     # some leave while others time out
    # while Redis still sleeps, nginx answers everyone else
    status, took = plain_get(n)
    assert status == 200 and took < PLAIN_LIMIT
    status, _, took = login(n, "stayer")
    assert status == 302 and took < LIMIT
    pauser.join(10)
    drain(upstream, wait=0.3)

    # after the pause: the late replies find nobody, and nothing breaks
    wait_scored(n, upstream, "gina", within=10)
    status, took = plain_get(n)
    assert status == 200
    assert n.worker_pids() == workers, "a worker was replaced:\n" + n.error_log()


# --- 7. unix socket -----------------------------------------------------------

def test_unix_socket_address(nginx_factory, redis_factory, upstream):
    r = redis_factory(unixsocket=True)
    n = make_nginx(nginx_factory, r, address="unix:" + r.unixsocket)
    for user in ("henry", "henry", "iris"):
        assert_scored(n, upstream, user)
    time.sleep(0.1)
    assert r.client().keys("f:*"), "the learning reached the unix-socket Redis"
    assert not redis_lines(n, UNAVAILABLE_LINE), n.error_log()

    # and it goes down and comes back like a TCP one
    r.stop()
    status, _, took = login(n, "henry")
    assert status == 302 and took < LIMIT
    assert "state_unavailable" in reasons(upstream.next())
    r.start()
    wait_scored(n, upstream, "henry", within=10)


# --- 8. Redis dies while logins wait for it ---------------------------------

def slow_timeout_nginx(nginx_factory, redis, upstream, main=""):
    """timeout=3s: long enough to tell a login answered because the
    connection went away from one answered by its timer."""
    n = make_nginx(nginx_factory, redis, workers=1, start=False)
    n.write_conf(fault_http("127.0.0.1:%d" % redis.port).replace(
        "timeout=100ms", "timeout=3s"), SERVER, upstream.port, 1)
    if main:
        with open(n.conf) as f:
            text = f.read()
        with open(n.conf, "w") as f:
            f.write(text.replace("daemon off;", "daemon off;\n" + main, 1))
    return n.start()


def logins_in_flight(n, count, results):
    def one(i):
        path = "/closed" if i % 2 else "/login"
        try:
            status, _, _ = login(n, "w%d" % i, path=path)
        except Exception as e:      # noqa: BLE001 - recorded, asserted
            status = repr(e)
        results.append((i, path, status, time.monotonic()))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    return threads


def test_redis_dying_answers_waiting_logins_at_once(nginx_factory, own_redis, upstream):
    n = slow_timeout_nginx(nginx_factory, own_redis, upstream)
    assert_scored(n, upstream, "warm")
    upstream.clear()

    own_redis.pause(5)
    results = []
    threads = logins_in_flight(n, 6, results)
    time.sleep(0.4)             # they all wait for Redis now
    assert not results, "answered before Redis died: %r" % results
    killed_at = time.monotonic()
    own_redis.kill()
    for t in threads:
        t.join(10)

    assert len(results) == 6
    for i, path, status, done_at in results:
        assert done_at - killed_at < 1.0, \
            "a login waited %.2fs after its Redis died (timeout=3s)" % (done_at - killed_at)
        assert status == (403 if path == "/closed" else 302), (i, path, status)
    reqs = drain(upstream)
    assert sorted(r["path"] for r in reqs) == ["/login"] * 3
    for r in reqs:
        assert "state_unavailable" in reasons(r), r.risk_headers()
    assert len(redis_lines(n, UNAVAILABLE_LINE)) == 1, n.error_log()


# --- 9. reload while logins wait ---------------------------------------------

def test_reload_while_logins_wait_for_redis(nginx_factory, own_redis, upstream):
    # the old worker's shutdown timer ends the requests that still wait:
    # they are freed while their Redis replies are due
    n = slow_timeout_nginx(nginx_factory, own_redis, upstream,
                           main="worker_shutdown_timeout 300ms;")
    assert_scored(n, upstream, "warm")
    old = n.worker_pids()

    pauser = own_redis.pause(2.5)
    results = []
    threads = logins_in_flight(n, 6, results)
    time.sleep(0.3)
    n.reload()
    assert n.worker_pids().isdisjoint(old)
    for t in threads:
        t.join(10)
    assert len(results) == 6
    for i, path, status, _ in results:
        assert not (isinstance(status, int) and status >= 500), (i, path, status)
    assert any(not isinstance(status, int) for _, _, status, _ in results), \
        "no login was ended by the shutdown timer: the path is not tested"

    # the new worker serves while Redis still sleeps
    status, took = plain_get(n)
    assert status == 200 and took < PLAIN_LIMIT
    pauser.join(10)
    drain(upstream)
    wait_scored(n, upstream, "warm", within=10)


# --- a success decided without its state ---------------------------------------

def test_success_decided_without_state_teaches_no_profile(nginx_factory, own_redis,
                                                          upstream):
    """Redis slow but connected: the login times out (fail open, unexamined)
    and succeeds; its writes reach Redis after the pause, but only the
    attempt is counted, no profile is taught from it."""
    n = make_nginx(nginx_factory, own_redis)
    assert_scored(n, upstream, "warmup")
    time.sleep(0.2)
    c = own_redis.client()
    profiles = len(c.keys("f:{u:*}:p"))
    assert profiles == 1, "the warm-up login taught its profile"
    ip_keys = set(c.keys("f:{ip:*}:u"))

    pauser = own_redis.pause(0.4)   # shorter than the 1 s that drops the connection
    status, _, took = login(n, "quinn", ip=US)
    assert status == 302 and took < LIMIT
    assert "state_unavailable" in reasons(upstream.next())
    pauser.join()
    time.sleep(0.3)
    # its writes arrived (the attempt counts for the address)...
    assert set(c.keys("f:{ip:*}:u")) - ip_keys, "the attempt reached Redis"
    # ...but taught no profile
    assert len(c.keys("f:{u:*}:p")) == profiles

    # the same success, scored: it teaches
    login(n, "quinn", ip=US)
    assert "state_unavailable" not in reasons(upstream.next())
    time.sleep(0.2)
    assert len(c.keys("f:{u:*}:p")) == profiles + 1
    assert "no answer in time" not in n.error_log(), "the connection was kept"
