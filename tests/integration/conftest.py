"""Harness for the integration tests: a real redis-server on a private port,
a small upstream application that records what nginx sends it, and the real
nginx binary loading the built module with a configuration generated per
test.

Environment (set by the Makefile):
  NGINX_BIN     the nginx binary (/usr/sbin/nginx, or the ASan build)
  LR_MODULE     the module .so to load
  LR_GEOIP_DIR  folder with test-city.mmdb and test-asn.mmdb
  LR_ASAN       "1" when nginx and the module are AddressSanitizer builds
"""

import glob
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

NGINX_BIN = os.path.abspath(os.environ.get("NGINX_BIN", "/usr/sbin/nginx"))
MODULE = os.path.abspath(os.environ.get("LR_MODULE", "build/ngx_http_login_risk_module.so"))
GEOIP_DIR = os.path.abspath(os.environ.get("LR_GEOIP_DIR", "build/geoip"))
ASAN = os.environ.get("LR_ASAN") == "1"


def nginx_env(log_dir):
    """The environment nginx runs in: for the ASan build, where its
    reports go and which of them are known to be false."""
    env = dict(os.environ)
    if ASAN:
        # every dynamic module defines its own ngx_module_names: a known
        # false "odr-violation" between the binary and the .so; leaks are
        # not checked because nginx leaves its configuration cycles to the
        # exit of the process (checked once: nothing of the module's was
        # reported)
        env["ASAN_OPTIONS"] = ("detect_leaks=0:detect_odr_violation=0:"
                               "log_path=%s/asan" % log_dir)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d did not open" % port)


# --- Redis -----------------------------------------------------------------

class Redis:
    def __init__(self, tmp):
        self.port = free_port()
        self.dir = tmp
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", tmp, "--save", "", "--appendonly", "no",
             "--logfile", os.path.join(tmp, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A private redis-server: the state store the module's later stages
    use. Nothing here touches a system Redis."""
    server = Redis(str(tmp_path_factory.mktemp("redis")))
    yield server
    server.stop()


# --- the application behind nginx -------------------------------------------

class Upstream:
    """Records every request nginx forwards and answers like a login
    application: a body containing password=right (or "password":"right")
    gets 302 to /account, anything else 200. A test plays the application's
    side of the outcome protocol with request headers: X-Test-Outcome: V is
    answered with X-Login-Risk-Outcome: V, X-Test-Ticket: T with
    X-Login-Risk-Ticket: T."""

    def __init__(self):
        self.requests = queue.Queue()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                upstream.requests.put({
                    "method": self.command,
                    "path": self.path,
                    "headers": [(k.lower(), v) for k, v in self.headers.items()],
                    "body": body,
                })
                said = []
                if self.headers.get("X-Test-Outcome"):
                    said.append(("X-Login-Risk-Outcome", self.headers["X-Test-Outcome"]))
                if self.headers.get("X-Test-Ticket"):
                    said.append(("X-Login-Risk-Ticket", self.headers["X-Test-Ticket"]))
                if b"password=right" in body or b'"password":"right"' in body:
                    self.send_response(302)
                    self.send_header("Location", "/account")
                    self.send_header("Content-Length", "0")
                    for k, v in said:
                        self.send_header(k, v)
                    self.end_headers()
                    return
                out = b"application answer\n"
                self.send_response(200)
                for k, v in said:
                    self.send_header(k, v)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def clear(self):
        while not self.requests.empty():
            self.requests.get_nowait()

    def next(self, timeout=5):
        return UpstreamRequest(self.requests.get(timeout=timeout))

    def stop(self):
        self.server.shutdown()


class UpstreamRequest(dict):
    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    def all(self, name):
        return [v for k, v in self["headers"] if k == name.lower()]

    def risk_headers(self):
        return {k: v for k, v in self["headers"] if k.startswith("x-login-risk-")}


@pytest.fixture(scope="session")
def upstream_server():
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture
def upstream(upstream_server):
    upstream_server.clear()
    return upstream_server


# --- nginx -------------------------------------------------------------------

ACCESS_FORMAT = (
    'log_format lr escape=json \'{"uri":"$uri","status":"$status",'
    '"user":"$login_risk_user","country":"$login_risk_country",'
    '"city":"$login_risk_city","asn":"$login_risk_asn",'
    '"asn_org":"$login_risk_asn_org","ua_family":"$login_risk_ua_family",'
    '"ua_major":"$login_risk_ua_major","os":"$login_risk_os",'
    '"device_class":"$login_risk_device_class",'
    '"reasons":"$login_risk_reasons","remote_addr":"$remote_addr"}\';')

CONF = """
load_module {module};
daemon off;
master_process on;
worker_processes {workers};
error_log {dir}/logs/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    {access_format}
    access_log {dir}/logs/access.log lr;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    {http}
    upstream app {{ server 127.0.0.1:{upstream}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port};
        {server}
    }}
}}
"""


class Nginx:
    def __init__(self, tmp, http, server, upstream_port, workers=2):
        self.dir = tmp
        self.port = free_port()
        self.port2 = free_port()        # @PORT2@, for a second listener
        os.makedirs(os.path.join(tmp, "logs"), exist_ok=True)
        os.makedirs(os.path.join(tmp, "tmp"), exist_ok=True)
        # the workers ("nobody") may not reach the checkout: give them a copy
        shutil.copytree(GEOIP_DIR, os.path.join(tmp, "geoip"))
        self.conf = os.path.join(tmp, "nginx.conf")
        self.write_conf(http, server, upstream_port, workers)
        self.proc = None

    def write_conf(self, http, server, upstream_port, workers=2):
        text = CONF.format(module=MODULE, workers=workers, dir=self.dir,
                           access_format=ACCESS_FORMAT, http=http,
                           server=server, upstream=upstream_port, port=self.port)
        text = text.replace("@DIR@", self.dir).replace("@GEOIP@", self.dir + "/geoip")
        text = text.replace("@PORT2@", str(self.port2))
        with open(self.conf, "w") as f:
            f.write(text)

    def env(self):
        return nginx_env(os.path.join(self.dir, "logs"))

    def check_config(self):
        return subprocess.run([NGINX_BIN, "-t", "-p", self.dir, "-c", self.conf],
                              capture_output=True, text=True, env=self.env())

    def start(self):
        self.stderr = open(os.path.join(self.dir, "logs", "stderr.log"), "w")
        self.proc = subprocess.Popen([NGINX_BIN, "-p", self.dir, "-c", self.conf],
                                     stdout=self.stderr, stderr=self.stderr,
                                     env=self.env())
        wait_port(self.port, self.proc)
        return self

    def reload(self):
        before = self.worker_pids()
        self.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = self.worker_pids()
            if now and not (now & before):
                return
            time.sleep(0.1)
        raise RuntimeError("workers were not replaced after reload")

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return {int(p) for p in out.split()}

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()

    # what nginx wrote

    def read(self, name):
        path = os.path.join(self.dir, "logs", name)
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def error_log(self):
        return self.read("error.log")

    # lines end in "\n" only: splitlines() would also split at U+2028 and
    # the like, which JSON carries unescaped
    def alerts(self):
        return [json.loads(line) for line in self.read("alert.log").split("\n")
                if line]

    def access(self):
        return [json.loads(line) for line in self.read("access.log").split("\n")
                if line]

    def wait_logged(self, count, what="access"):
        """Log lines are written after the response: wait for them."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = self.access() if what == "access" else self.alerts()
            if len(lines) >= count:
                return lines
            time.sleep(0.02)
        raise AssertionError("expected %d %s log lines, got %d"
                             % (count, what, len(lines)))

    # talking to it

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def post_form(self, path, body, headers=None, **kw):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def post_json(self, path, obj, headers=None, **kw):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        return self.request("POST", path, body=body, headers=h, **kw)

    def raw(self, data, read_timeout=10, pauses=()):
        """Sends raw bytes (a list of chunks, with a pause before each chunk
        listed in pauses) and returns the whole response."""
        chunks = data if isinstance(data, list) else [data]
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout) as s:
            for i, chunk in enumerate(chunks):
                if i in pauses:
                    time.sleep(pauses[i])
                s.sendall(chunk)
            out = b""
            while True:
                try:
                    part = s.recv(65536)
                except socket.timeout:
                    break
                if not part:
                    break
                out += part
                if b"\r\n\r\n" in out and response_complete(out):
                    break
        return out


def response_complete(data):
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
    if m:
        return len(body) >= int(m.group(1))
    if re.search(rb"(?i)transfer-encoding:\s*chunked", head):
        return body.endswith(b"0\r\n\r\n")
    return False


GEOIP_HTTP = """
    login_risk_geoip_city @GEOIP@/test-city.mmdb;
    login_risk_geoip_asn @GEOIP@/test-asn.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
"""

LOGIN_SERVER = """
    location = /login {
        login_risk on;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /api/login {
        login_risk on;
        login_risk_user_field credentials.login;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location / {
        proxy_pass http://app;
    }
"""

CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
                 "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
                 "Mobile/15E148 Safari/604.1")


@pytest.fixture
def login_nginx(nginx_factory):
    """nginx with the module on /login (form) and /api/login (JSON),
    GeoIP databases, and realip trusting the local peer."""
    return nginx_factory(http=GEOIP_HTTP, server=LOGIN_SERVER)


def status_of(raw_response):
    return int(raw_response.split(b" ", 2)[1])


@pytest.fixture
def nginx_factory(request, upstream_server, redis_server):
    """nginx in a folder of its own. Run as root, nginx's workers run as
    "nobody", as in production: the folder is world-readable and its
    temporary folder world-writable so that they can work in it."""
    started = []

    def make(http="", server="", workers=2, start=True):
        base = tempfile.mkdtemp(prefix="lr-nginx-")
        os.chmod(base, 0o755)
        n = Nginx(base, http, server, upstream_server.port, workers)
        os.chmod(os.path.join(base, "tmp"), 0o777)
        n.redis = redis_server
        started.append(n)
        return n.start() if start else n

    yield make

    for n in started:
        n.stop()
        if n.proc is None:
            continue
        log = n.error_log()
        assert "exited on signal" not in log, "a worker crashed:\n" + log
        assert not re.search(r"\[(alert|emerg)\]", log), "nginx alert:\n" + log
        reports = glob.glob(os.path.join(n.dir, "logs", "asan*"))
        for path in reports:
            with open(path) as f:
                text = f.read()
            assert "ERROR: AddressSanitizer" not in text, text

    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed:
        for n in started:
            shutil.rmtree(n.dir, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so that fixtures can
    leave the folders of a failed test behind for a look."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


# --- a Redis of the test's own ------------------------------------------------

class OwnRedis:
    """A redis-server that belongs to one test, which may stop it, start it
    again on the same port, pause it (DEBUG SLEEP) or reconfigure it. Its
    folder is world-readable so that nginx's workers ("nobody") can reach a
    unix socket in it."""

    def __init__(self, args=(), unixsocket=False):
        self.dir = tempfile.mkdtemp(prefix="lr-redis-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.args = list(args)
        self.unixsocket = os.path.join(self.dir, "redis.sock") if unixsocket else None
        self.password = None
        for i, a in enumerate(self.args[:-1]):
            if a == "--requirepass":
                self.password = self.args[i + 1]
        self.proc = None
        self.pausers = []

    def command(self):
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
               "--dir", self.dir, "--save", "", "--appendonly", "no",
               "--enable-debug-command", "local",
               "--logfile", os.path.join(self.dir, "redis.log")]
        if self.unixsocket:
            cmd += ["--unixsocket", self.unixsocket, "--unixsocketperm", "777"]
        return cmd + self.args

    def start(self):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc)
        if self.unixsocket:
            deadline = time.monotonic() + 10
            while not os.path.exists(self.unixsocket):
                if time.monotonic() > deadline:
                    raise RuntimeError("redis made no unix socket")
                time.sleep(0.02)
        return self

    def stop(self):
        """Stops it the way an operator or a crash would: the connections
        close, the port refuses until it is started again."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def kill(self):
        """Dies at once (SIGKILL), whatever it is doing: even paused, its
        connections are reset."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def client(self, **kw):
        import redis
        if self.password and "password" not in kw:
            kw["password"] = self.password
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def pause(self, seconds):
        """DEBUG SLEEP from a thread: Redis answers nobody for that long.
        Returns the thread (it ends with the pause) once the pause has
        begun."""
        import redis
        started = threading.Event()

        def sleep():
            c = self.client(socket_timeout=seconds + 10)
            c.ping()
            started.set()
            try:
                c.execute_command("DEBUG", "SLEEP", seconds)
            except redis.exceptions.ConnectionError:
                pass            # the test stopped it meanwhile
            finally:
                c.close()

        t = threading.Thread(target=sleep, daemon=True)
        t.start()
        self.pausers.append(t)
        started.wait(5)
        # the pause has begun when another client's PING goes unanswered
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            probe = self.client(socket_timeout=0.1)
            try:
                probe.ping()
            except redis.exceptions.TimeoutError:
                return t
            finally:
                probe.close()
            time.sleep(0.01)
        raise RuntimeError("redis did not pause")

    def log(self):
        path = os.path.join(self.dir, "redis.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def cleanup(self, keep=False):
        for t in self.pausers:
            t.join(15)
        self.stop()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def redis_factory(request):
    """Makes (and starts) redis-servers of the test's own:
    redis_factory("--requirepass", "x", unixsocket=True). The session's
    redis_server is not touched."""
    made = []

    def make(*args, unixsocket=False, start=True):
        r = OwnRedis(args, unixsocket=unixsocket)
        made.append(r)
        return r.start() if start else r

    yield make

    rep = getattr(request.node, "rep_call", None)
    keep = rep is None or not rep.passed
    for r in made:
        r.cleanup(keep=keep)


@pytest.fixture
def own_redis(redis_factory):
    """One redis-server of the test's own, started, on a free port."""
    return redis_factory()
