"""Clients that are slow or go away, where test_body.py, test_faults.py and
test_http2.py do not already look: a body spooled to a temporary file and
abandoned, a body that stops coming (client_body_timeout), HTTP/2 streams
reset and connections closed while their login waits for a paused Redis,
and a body that comes slowly and then its client leaves mid-lookup. After
each kind, many times over, the worker must hold exactly the descriptors it
held before, no temporary file may be left, the worker must be the same
process and still score logins. The fixture checks the error log (no crash,
no "open socket left in connection" alert at exit); make test-asan runs this
under AddressSanitizer."""

import os
import socket
import struct
import threading
import time

import h2.config
import h2.connection
import h2.events

from conftest import CHROME_WIN, GEOIP_HTTP

JP = "192.0.2.10"


def make(nginx_factory, redis, upstream):
    # no upstream keepalive: idle connections to the application would make
    # the descriptor count wander
    http = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:%d timeout=300ms;
    login_risk_prefix v:;
    client_body_timeout 1s;
""" % redis.port
    server = """
    listen 127.0.0.1:@PORT2@ http2;
    location = /login {
        login_risk on;
        login_risk_body_limit 64k;
        client_body_buffer_size 1k;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://127.0.0.1:%d;
    }
    location / {
        return 204;
    }
""" % upstream.port
    n = nginx_factory(http=http, server=server, workers=1)
    n.temp = os.path.join(n.dir, "tmp", "body")
    return n


def fds(pid):
    return sorted(os.readlink("/proc/%d/fd/%s" % (pid, fd))
                  for fd in os.listdir("/proc/%d/fd" % pid))


def temp_files(n):
    out = []
    for root, _, files in os.walk(n.temp):
        out += [os.path.join(root, f) for f in files]
    return out


def settle_to(n, pid, baseline, within=6.0):
    """Waits for the worker's descriptors to come back to baseline."""
    deadline = time.monotonic() + within
    while True:
        now = fds(pid)
        if len(now) <= len(baseline) or time.monotonic() > deadline:
            return now
        time.sleep(0.05)


def head(length, extra=b""):
    return (b"POST /login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + JP.encode() +
            b"\r\nUser-Agent: " + CHROME_WIN.encode() +
            b"\r\nContent-Type: application/x-www-form-urlencoded\r\n" + extra +
            b"Content-Length: %d\r\n\r\n" % length)


def body(user, size=0):
    pad = b"pad=" + b"p" * size + b"&" if size else b""
    return pad + b"username=" + user.encode() + b"&password=right"


def leave(port, data, how, pieces=1, pause=0.0):
    """Sends data (in pieces, with a pause after each) and goes: "fin" or
    "rst" (SO_LINGER 0)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    if how == "rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        s.sendall(data[i:i + step])
        if pause:
            time.sleep(pause)
    s.close()


def h2_wait_and_go(port, user, close):
    """An h2c login whose whole body is sent; then, while it waits for
    Redis, the stream is reset (close="reset": the connection stays and
    serves another request) or the connection closed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", "POST"), (":path", "/login"), (":scheme", "http"),
                            (":authority", "x"), ("user-agent", CHROME_WIN),
                            ("x-forwarded-for", JP),
                            ("content-type", "application/x-www-form-urlencoded")])
    conn.send_data(sid, body(user), end_stream=True)
    s.sendall(conn.data_to_send())
    time.sleep(0.05)
    if close == "reset":
        conn.reset_stream(sid)
        sid2 = conn.get_next_available_stream_id()
        conn.send_headers(sid2, [(":method", "GET"), (":path", "/other"), (":scheme", "http"),
                                 (":authority", "x")], end_stream=True)
        s.sendall(conn.data_to_send())
        status = None
        while status is None:
            data = s.recv(65536)
            if not data:
                break
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.ResponseReceived) and ev.stream_id == sid2:
                    status = int(dict(ev.headers)[b":status"])
            s.sendall(conn.data_to_send())
        s.close()
        return status
    s.close()
    return None


def scored(n, upstream, user):
    status, _, _ = n.post_form("/login", body(user).decode(), headers={
        "X-Forwarded-For": JP, "User-Agent": CHROME_WIN})
    assert status == 302
    req = upstream.next()
    return "state_unavailable" not in (req.header("X-Login-Risk-Reasons") or "")


def test_vanishing_clients_leave_no_descriptor_and_no_temp_file(nginx_factory, own_redis,
                                                               upstream):
    n = make(nginx_factory, own_redis, upstream)
    (pid,) = n.worker_pids()
    # warm up what the worker opens once: Redis, the alert log, a temp file
    assert scored(n, upstream, "warm")
    n.post_form("/login", body("warm", 4000).decode())
    upstream.next()
    h2_wait_and_go(n.port2, "warmh2", "reset")
    time.sleep(0.5)
    upstream.clear()
    baseline = fds(pid)

    for rnd in range(3):
        # mid-body, a small body and one spooled to a temporary file
        for how in ("fin", "rst"):
            for size in (0, 10000):
                b = body("midbody", size)
                leave(n.port, head(len(b)) + b[:len(b) // 2], how, pieces=3, pause=0.02)
        # a body that stops coming: client_body_timeout (1 s) ends it
        b = body("stalled", 10000)
        s = socket.create_connection(("127.0.0.1", n.port), timeout=5)
        s.sendall(head(len(b)) + b[:6000])
        s.settimeout(4)
        t0 = time.monotonic()
        try:
            while s.recv(65536):
                pass
        except socket.timeout:
            raise AssertionError("a stalled body was not timed out")
        assert time.monotonic() - t0 < 3
        s.close()

        # Redis paused: everyone leaves while the login waits for it
        pauser = own_redis.pause(1.5)
        threads = []
        for i, (how, size, pieces) in enumerate((("fin", 0, 1), ("rst", 0, 1),
                                                 ("rst", 10000, 1), ("fin", 10000, 4),
                                                 ("rst", 0, 6))):
            b = body("lookup%d" % i, size)
            # the last ones arrive slowly, then leave as soon as sent
            threads.append(threading.Thread(target=leave, args=(
                n.port, head(len(b)) + b, how, pieces, 0.05 if pieces > 1 else 0.0)))
        for t in threads:
            t.start()
        assert h2_wait_and_go(n.port2, "h2reset", "reset") == 204
        h2_wait_and_go(n.port2, "h2close", "close")
        for t in threads:
            t.join(10)
        pauser.join(10)

        # the late replies find nobody; logins are scored again
        deadline = time.monotonic() + 10
        while not scored(n, upstream, "after%d" % rnd):
            assert time.monotonic() < deadline, "not scored again\n" + n.error_log()
            time.sleep(0.1)
        time.sleep(0.3)
        upstream.clear()

        assert n.worker_pids() == {pid}, "the worker was replaced:\n" + n.error_log()
        now = settle_to(n, pid, baseline)
        assert now == baseline, "round %d: descriptors %d -> %d\n+ %s\n- %s" % (
            rnd, len(baseline), len(now), sorted(set(now) - set(baseline)),
            sorted(set(baseline) - set(now)))
        assert temp_files(n) == [], "temporary files left: %s" % temp_files(n)

    # no line for a body never received; those that left mid-lookup were
    # decided when their Redis read timed out, for nobody (499)
    lines = n.alerts()
    users = [a["user"] for a in lines]
    assert "midbody" not in users and "stalled" not in users
    gone = ["lookup%d" % i for i in range(5)] + ["h2reset", "h2close"]
    for user in gone:
        mine = [a for a in lines if a["user"] == user]
        assert len(mine) == 3, (user, mine)
        for a in mine:
            assert a["status"] == 499 and "state_unavailable" in a["reasons"], a
