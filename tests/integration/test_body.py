"""How the body arrives: chunked, spooled to a temporary file, slowly, and
never at the cost of other requests."""

import socket
import subprocess
import threading
import time

from conftest import status_of

FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


def test_chunked_body(login_nginx, upstream):
    raw = (b"POST /login HTTP/1.1\r\nHost: x\r\n" + FORM +
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           b"5\r\nusern\r\n9\r\name=Alice\r\nb\r\n&password=x\r\n0\r\n\r\n")
    assert status_of(login_nginx.raw(raw)) == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "alice"
    assert req["body"] == b"username=Alice&password=x"


def test_body_spooled_to_a_temporary_file(nginx_factory, upstream):
    server = """
        location = /login {
            login_risk on;
            login_risk_body_limit 64k;
            client_body_buffer_size 1k;
            proxy_pass http://app;
        }
        location = /file-only {
            login_risk on;
            client_body_in_file_only clean;
            proxy_pass http://app;
        }
    """
    n = nginx_factory(server=server)
    body = "padding=" + "p" * 20000 + "&username=Spooled&password=x"
    assert n.post_form("/login", body)[0] == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "spooled"
    assert req["body"] == body.encode(), "the application still gets the whole body"

    assert n.post_form("/file-only", "username=InFile&password=x")[0] == 200
    assert upstream.next().header("X-Login-Risk-User") == "infile"
    assert "a client request body is buffered to a temporary file" in n.error_log()


def test_slow_body_does_not_block_other_requests(nginx_factory, upstream):
    # one worker: if reading the slow body blocked it, the fast request
    # below could not be served until the slow one finished
    n = nginx_factory(server="""
        location = /login { login_risk on; proxy_pass http://app; }
    """, workers=1)
    body = b"username=slowpoke&password=x"
    head = (b"POST /login HTTP/1.1\r\nHost: x\r\n" + FORM +
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
    result = {}

    def slow():
        result["raw"] = n.raw([head, body[:5], body[5:15], body[15:]],
                              pauses={1: 1.0, 2: 1.0, 3: 1.0})

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    assert n.post_form("/login", "username=fast&password=x")[0] == 200
    assert t.is_alive(), "the fast login finished while the slow body was still arriving"
    t.join(10)
    assert status_of(result["raw"]) == 200
    users = {upstream.next().header("X-Login-Risk-User") for _ in range(2)}
    assert users == {"fast", "slowpoke"}


def test_client_gone_mid_body(nginx_factory, upstream):
    n = nginx_factory(server="""
        location = /login { login_risk on;
            login_risk_alert_log @DIR@/logs/alert.log; proxy_pass http://app; }
    """, workers=1)
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", n.port)) as s:
            s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\n" + FORM +
                      b"Content-Length: 100\r\n\r\nusername=gone")
    # the worker is still there and serving
    assert n.post_form("/login", "username=after&password=x")[0] == 200
    assert upstream.next().header("X-Login-Risk-User") == "after"
    alerts = n.wait_logged(1, "alert")
    assert [a["user"] for a in alerts] == ["after"], "no verdict for a body never received"


def test_expect_100_continue(login_nginx, upstream):
    body = b"username=patient&password=x"
    with socket.create_connection(("127.0.0.1", login_nginx.port), timeout=5) as s:
        s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\n" + FORM +
                  b"Expect: 100-continue\r\nContent-Length: %d\r\n"
                  b"Connection: close\r\n\r\n" % len(body))
        assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(body)
        out = b""
        while True:
            part = s.recv(4096)
            if not part:
                break
            out += part
    assert status_of(out) == 200
    assert upstream.next().header("X-Login-Risk-User") == "patient"


def test_http2_login_in_several_data_frames(nginx_factory, upstream):
    """h2c: the body arrives in DATA frames (curl sends at most 16 KB a
    frame); the module reads it the same way as over HTTP/1.1."""
    n = nginx_factory(server="""
        listen 127.0.0.1:@PORT2@ http2;
        location = /login { login_risk on; login_risk_body_limit 64k;
            login_risk_alert_log @DIR@/logs/alert.log; proxy_pass http://app; }
    """)
    body = "padding=" + "p" * 40000 + "&username=%EF%BC%A8%EF%BC%92&password=x"
    out = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null",
                          "-w", "%{http_version} %{http_code}",
                          "-H", "Content-Type: application/x-www-form-urlencoded",
                          "--data-binary", body, "http://127.0.0.1:%d/login" % n.port2],
                         capture_output=True, text=True, timeout=20)
    assert out.stdout == "2 200", out
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "h2"
    assert req["body"] == body.encode()
    assert n.wait_logged(1, "alert")[0]["user"] == "h2"
