"""The soak's traffic: a steady stream of logins on loopback, started at a
fixed rate whatever the answers (open loop), each on a connection of its
own, each timed client-side from connect to the last byte of the answer.

The mix, per login started:
  legit      a customer with a browser: posts the collector's telemetry,
             keeps the device cookie it is given, logs in with the token
             (form field, or cookie for the JSON login); mostly succeeds
  stuffing   one password per user, many users, from many X-Forwarded-For
             addresses, a tool's User-Agent, no telemetry; fails
  brute      many passwords for one user from one address; fails
  malformed  bad JSON, repeated members, bad percent-encoding, bodies over
             the limit, wrong or missing content types, junk tokens and
             cookies, spoofed X-Login-Risk-* headers, chunked bodies, bad
             telemetry posts, a wrong method
  slow       a body sent in pieces over a second (timed from its last byte)
  vanish     a client that leaves mid-body or right after its body (mid
             Redis lookup): no answer to time

Every request is one Record; the soak checks them (soak.py)."""

import asyncio
import json
import random
import socket
import struct
import time

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
          "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
SEC_CH_UA = '"Chromium";v="131", "Not_A Brand";v="24", "Google Chrome";v="131"'
TOOLS = ["python-requests/2.31.0", "curl/8.5.0", "Go-http-client/1.1",
         "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "HeadlessChrome/120.0.0.0 Safari/537.36", "okhttp/4.12.0"]

# login kinds and their share of the logins started
MIX = [("legit", 50), ("stuffing", 18), ("brute", 8), ("malformed", 18),
       ("slow", 2), ("vanish", 4)]

CLIENT_TIMEOUT = 15.0


class Record:
    __slots__ = ("kind", "what", "path", "wall", "start", "latency", "status",
                 "headers", "error", "timed", "outcome")

    def __init__(self, kind, what, path):
        self.kind = kind            # legit, stuffing, ..., collect, metrics
        self.what = what            # the variant (malformed, vanish)
        self.path = path
        self.wall = time.time()     # when it started, wall clock
        self.start = time.monotonic()
        self.latency = None         # seconds, when timed and answered
        self.status = None
        self.headers = {}           # lowercase name -> [values]
        self.error = None
        self.timed = True
        self.outcome = None         # what the test application was asked

    def header(self, name):
        v = self.headers.get(name)
        return v[0] if v else None

    def reasons(self):
        return [r for r in (self.header("x-echo-reasons") or "").split(",") if r]


async def exchange(port, data, pieces=None, pause=0.0, leave=None):
    """Sends data (or pieces of it, with a pause before each after the
    first) and reads the answer. leave="fin"/"rst": closes after sending,
    reads nothing. Returns (status, headers, body, seconds from the last
    byte sent, seconds in all)."""
    t0 = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        if leave == "rst":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for i, piece in enumerate(pieces or [data]):
            if i and pause:
                await asyncio.sleep(pause)
            writer.write(piece)
            await writer.drain()
        sent = time.monotonic()
        if leave:
            return None, {}, b"", None, None
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if not line:
                continue
            k, _, v = line.partition(":")
            headers.setdefault(k.strip().lower(), []).append(v.strip())
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"][0]))
        elif "chunked" in headers.get("transfer-encoding", [""])[0]:
            body = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                body += chunk[:-2]
                if size == 0:
                    break
        else:
            body = await reader.read()
        done = time.monotonic()
        return status, headers, body, done - sent, done - t0
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


def request_bytes(method, path, headers, body=b"", length=None):
    out = ["%s %s HTTP/1.1" % (method, path), "Host: bank.example",
           "Connection: close"]
    for k, v in headers:
        out.append("%s: %s" % (k, v))
    if body or method == "POST":
        if length is None:
            length = len(body)
        if length >= 0:
            out.append("Content-Length: %d" % length)
    return ("\r\n".join(out) + "\r\n\r\n").encode("utf-8") + body


class User:
    """A customer: an address, a browser and, once it has been to the
    collector, a device cookie."""

    def __init__(self, i):
        self.name = "cust%04d" % i
        self.mobile = i % 3 == 0
        self.ua = SAFARI if self.mobile else CHROME
        if i % 4 == 3:
            self.ip = "192.0.2.%d" % (129 + i % 125)          # New York
            self.tz, self.lang = "America/New_York", "en-US"
        elif i % 8 == 5:
            self.ip = "2001:db8:1::%x" % (i + 1)               # Tokyo, IPv6
            self.tz, self.lang = "Asia/Tokyo", "ja-JP"
        else:
            self.ip = "192.0.2.%d" % (1 + i % 126)             # Tokyo
            self.tz, self.lang = "Asia/Tokyo", "ja-JP"
        self.device = None
        self.busy = False

    def headers(self):
        h = [("User-Agent", self.ua), ("X-Forwarded-For", self.ip),
             ("Accept-Language", "%s,%s;q=0.9" % (self.lang, self.lang[:2]))]
        if not self.mobile:
            h.append(("Sec-CH-UA", SEC_CH_UA))
        return h

    def telemetry(self, rng):
        t = {"v": 1, "ua": self.ua, "langs": [self.lang, self.lang[:2]], "tz": self.tz,
             "scr": [390, 844] if self.mobile else [1920, 1080],
             "win": [390, 750] if self.mobile else [1280, 900],
             "dpr": 3 if self.mobile else 1, "depth": 24,
             "cores": 6 if self.mobile else 8, "touch": 5 if self.mobile else 0,
             "canvas": "%08x" % (hash(self.name) & 0xffffffff), "plugins": 0 if self.mobile else 5,
             "auto": [],
             "beh": {"t_first": rng.randint(900, 3000), "t_submit": rng.randint(4000, 9000),
                     "keys": rng.randint(14, 24), "bksp": rng.randint(0, 2),
                     "hold": [60, 92, 140], "flight": [80, 160, 320], "overlap": 2,
                     "nokey": 0, "autofill": 0, "paste": [], "focus": "up", "tab": 1,
                     "clickfocus": 1, "blur": 0, "moves": rng.randint(60, 200),
                     "straight": 700, "speedvar": 600, "pauses": 3, "clicks": 2,
                     "blind": 0, "ptr": "touch" if self.mobile else "mouse",
                     "tap": 2 if self.mobile else 0}}
        if not self.mobile:
            t["uach"] = {"brands": ["Chromium/131", "Not_A Brand/24", "Google Chrome/131"],
                         "mobile": False, "platform": "Windows"}
            t["mem"] = 8
        return t


class Load:
    """Starts `rate` logins a second until stopped; pausable (quiesce) so
    that the soak can count a quiet worker's descriptors."""

    def __init__(self, port, rate, seed=1):
        self.port = port
        self.rate = rate
        self.rng = random.Random(seed)
        self.records = []
        self.users = [User(i) for i in range(240)]
        self.stuffers = ["203.0.113.%d" % i for i in range(1, 63)] + \
                        ["198.51.100.%d" % i for i in range(130, 190)]
        self.brute = [("198.51.100.%d" % (200 + i), None, 0) for i in range(3)]
        self.inflight = 0
        self.paused = False
        self.stopped = False
        self.loop = None
        self.started_logins = 0
        self.stalls = []            # (when, seconds late) of late starts
        self.kinds = [k for k, w in MIX for _ in range(w)]

    # --- control, from other threads ---------------------------------------

    def run(self):
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._main())
        self.loop.close()

    def set_paused(self, paused):
        self.loop.call_soon_threadsafe(setattr, self, "paused", paused)

    def stop(self):
        self.loop.call_soon_threadsafe(setattr, self, "stopped", True)

    def quiet(self):
        return self.inflight == 0

    # --- the pacer --------------------------------------------------------

    async def _main(self):
        interval = 1.0 / self.rate
        nxt = time.monotonic()
        scrape = time.monotonic()
        tasks = set()
        while not self.stopped:
            now = time.monotonic()
            if self.paused:
                nxt = now + interval
                await asyncio.sleep(0.01)
                continue
            if now >= scrape:
                scrape = now + 2.0
                self._spawn(tasks, self._metrics())
            if now < nxt:
                await asyncio.sleep(nxt - now)
                continue
            # how late this login starts: the machine (or this process)
            # stalled when it is much later than the interval
            if now - nxt > 0.1:
                self.stalls.append((now, now - nxt))
            nxt += interval
            if now - nxt > 1.0:         # fell behind: do not burst
                nxt = now
            self.started_logins += 1
            self._spawn(tasks, self._one(self.rng.choice(self.kinds)))
        while tasks:
            await asyncio.sleep(0.05)

    def _spawn(self, tasks, coro):
        self.inflight += 1
        t = self.loop.create_task(self._guard(coro))
        tasks.add(t)
        t.add_done_callback(tasks.discard)

    async def _guard(self, coro):
        try:
            await coro
        finally:
            self.inflight -= 1

    async def _send(self, rec, data, pieces=None, pause=0.0, leave=None):
        self.records.append(rec)
        try:
            status, headers, body, after_sent, total = await asyncio.wait_for(
                exchange(self.port, data, pieces, pause, leave), CLIENT_TIMEOUT)
        except asyncio.TimeoutError:
            rec.error = "client timeout (%.0fs)" % CLIENT_TIMEOUT
            return None
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ValueError) as e:
            rec.error = repr(e)
            return None
        if leave:
            rec.timed = False
            return None
        rec.status, rec.headers = status, headers
        rec.latency = after_sent if pieces else total
        return body

    async def _one(self, kind):
        await getattr(self, "_" + kind)()

    async def _metrics(self):
        rec = Record("metrics", "scrape", "/metrics")
        await self._send(rec, request_bytes("GET", "/metrics", []))

    # --- a customer -------------------------------------------------------

    async def _legit(self):
        free = [u for u in self.users if not u.busy]
        if not free:
            return
        u = self.rng.choice(free)
        u.busy = True
        try:
            await self._legit_login(u)
        finally:
            u.busy = False

    async def _legit_login(self, u):
        jar = []
        if u.device:
            jar.append("lr_dev=" + u.device)
        h = u.headers() + [("Content-Type", "application/json")]
        if jar:
            h.append(("Cookie", "; ".join(jar)))
        rec = Record("collect", "telemetry", "/login-risk/collect")
        body = await self._send(rec, request_bytes(
            "POST", "/login-risk/collect", h, json.dumps(u.telemetry(self.rng)).encode()))
        token = None
        if rec.status == 200:
            token = json.loads(body)["token"]
            for c in rec.headers.get("set-cookie", []):
                if c.startswith("lr_dev="):
                    u.device = c.split(";")[0][len("lr_dev="):]
        await asyncio.sleep(self.rng.uniform(0.05, 0.3))     # the form is submitted

        success = self.rng.random() < 0.95
        password = "right" if success else "typo"
        closed = self.rng.random() < 0.1
        jar = ["lr_dev=" + u.device] if u.device else []
        if self.rng.random() < 0.25 and not closed:
            path = "/api/login"
            if token:
                jar.append("lr_token=" + token)
            payload = json.dumps({"login": u.name, "password": password}).encode()
            ctype = "application/json"
        else:
            path = "/closed" if closed else "/login"
            payload = ("username=%s&password=%s" % (u.name, password)).encode()
            if token:
                payload += b"&lr_token=" + token.encode()
            ctype = "application/x-www-form-urlencoded"
        h = u.headers() + [("Content-Type", ctype),
                           ("X-Test-Outcome", "success" if success else "failure")]
        if jar:
            h.append(("Cookie", "; ".join(jar)))
        rec = Record("legit", "login", path)
        rec.outcome = "success" if success else "failure"
        await self._send(rec, request_bytes("POST", path, h, payload))

    # --- attacks ------------------------------------------------------------

    async def _stuffing(self):
        ip = self.rng.choice(self.stuffers)
        victim = self.rng.choice(self.users).name if self.rng.random() < 0.5 \
            else "leaked%05d" % self.rng.randrange(100000)
        path = self.rng.choice(["/login", "/login", "/api/login"])
        if path == "/api/login":
            payload = json.dumps({"login": victim, "password": "Summer2024!"}).encode()
            ctype = "application/json"
        else:
            payload = ("username=%s&password=Summer2024%%21" % victim).encode()
            ctype = "application/x-www-form-urlencoded"
        rec = Record("stuffing", "login", path)
        rec.outcome = "failure"
        await self._send(rec, request_bytes("POST", path, [
            ("User-Agent", self.rng.choice(TOOLS)), ("X-Forwarded-For", ip),
            ("Content-Type", ctype), ("X-Test-Outcome", "failure")], payload))

    async def _brute(self):
        i = self.rng.randrange(len(self.brute))
        ip, target, n = self.brute[i]
        if target is None or n >= 40:
            target, n = self.rng.choice(self.users).name, 0
        self.brute[i] = (ip, target, n + 1)
        rec = Record("brute", "login", "/login")
        rec.outcome = "failure"
        await self._send(rec, request_bytes("POST", "/login", [
            ("User-Agent", TOOLS[0]), ("X-Forwarded-For", ip),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Test-Outcome", "failure")],
            ("username=%s&password=guess%d" % (target, n)).encode()))

    # --- bad input ------------------------------------------------------------

    async def _malformed(self):
        what = self.rng.choice(MALFORMED)
        method, path, headers, body, length, outcome = what(self.rng, self.users)
        rec = Record("malformed", what.__name__, path)
        rec.outcome = outcome
        await self._send(rec, request_bytes(method, path, headers, body, length))

    async def _slow(self):
        u = self.rng.choice(self.users)
        payload = ("username=%s&password=right" % u.name).encode()
        data = request_bytes("POST", "/login", u.headers() + [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Test-Outcome", "success")], payload)
        cut = len(data) - len(payload)
        pieces = [data[:cut]] + [payload[i:i + 6] for i in range(0, len(payload), 6)]
        rec = Record("slow", "body", "/login")
        rec.outcome = "success"
        await self._send(rec, data, pieces=pieces, pause=1.0 / len(pieces))

    async def _vanish(self):
        u = self.rng.choice(self.users)
        payload = ("username=%s&password=right" % u.name).encode()
        how = self.rng.choice(["mid_body_fin", "mid_body_rst", "after_body_fin",
                               "after_body_rst"])
        h = u.headers() + [("Content-Type", "application/x-www-form-urlencoded")]
        if how.startswith("mid_body"):
            data = request_bytes("POST", "/vanish", h, payload[:9], length=len(payload))
        else:
            data = request_bytes("POST", "/vanish", h, payload)
        rec = Record("vanish", how, "/vanish")
        await self._send(rec, data, leave=how.rsplit("_", 1)[1])


# --- the malformed requests: (method, path, headers, body, length, outcome) ---

FORM = ("Content-Type", "application/x-www-form-urlencoded")
JSON = ("Content-Type", "application/json")


def _ip(rng):
    return ("X-Forwarded-For", "198.51.100.%d" % rng.randrange(1, 127))


def m_bad_json(rng, users):
    return "POST", "/api/login", [JSON, _ip(rng)], b'{"login":"x","password":', None, None


def m_repeated_member(rng, users):
    return ("POST", "/api/login", [JSON, _ip(rng)],
            b'{"login":"a","login":"b","password":"p"}', None, None)


def m_json_not_string(rng, users):
    return "POST", "/api/login", [JSON, _ip(rng)], b'{"login":{"x":1},"password":1}', None, None


def m_bad_percent(rng, users):
    return "POST", "/login", [FORM, _ip(rng)], b"username=%zz&password=p", None, None


def m_bad_utf8_user(rng, users):
    return "POST", "/login", [FORM, _ip(rng)], b"username=%ff%fe&password=p", None, None


def m_control_user(rng, users):
    return ("POST", "/login", [FORM, _ip(rng)],
            b"username=a%0d%0aX-Injected:%201&password=p", None, None)


def m_oversized(rng, users):
    return ("POST", "/login", [FORM, _ip(rng)],
            b"username=big&password=" + b"x" * 20000, None, None)


def m_oversized_declared(rng, users):
    # says 200000 bytes, sends 2000: refused by its Content-Length
    return ("POST", "/login", [FORM, _ip(rng)], b"username=big&password=" + b"x" * 1978,
            200000, None)


def m_text_plain(rng, users):
    return "POST", "/login", [("Content-Type", "text/plain"), _ip(rng)], b"username=a", None, None


def m_multipart(rng, users):
    return ("POST", "/login", [("Content-Type", "multipart/form-data; boundary=x"), _ip(rng)],
            b"--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\na\r\n--x--\r\n",
            None, None)


def m_no_content_type(rng, users):
    return "POST", "/login", [_ip(rng)], b"username=a&password=b", None, None


def m_junk_token_and_cookie(rng, users):
    u = rng.choice(users)
    return ("POST", "/login", u.headers() + [
        FORM, ("Cookie", "lr_dev=%032x.k1.forgedmac; lr_token=junk; x=%s"
               % (rng.getrandbits(128), "y" * 100)), ("X-Test-Outcome", "failure")],
        ("username=%s&password=no&lr_token=%s.%d.k1.AAAA"
         % (u.name, "0" * 32, int(time.time()) + 60)).encode(), None, "failure")


def m_junk_cookies(rng, users):
    jar = "; ".join("c%d=%s" % (i, "%x" % rng.getrandbits(64)) for i in range(60))
    return ("POST", "/login", [FORM, _ip(rng), ("Cookie", jar + "; lr_dev=;;; =x; lr_token"),
                               ("X-Test-Outcome", "failure")],
            b"username=cookiejar&password=no", None, "failure")


def m_spoofed_headers(rng, users):
    u = rng.choice(users)
    return ("POST", "/login", u.headers() + [
        FORM, ("X-Login-Risk-Action", "spoofed"), ("x-login-risk-score", "0"),
        ("X_Login_Risk_Reasons", "spoofed"), ("X-Login-Risk-Outcome", "success"),
        ("X-Test-Outcome", "failure")],
        ("username=%s&password=no" % u.name).encode(), None, "failure")


def m_huge_header(rng, users):
    return ("POST", "/login", [FORM, _ip(rng), ("X-Padding", "p" * 6000),
                               ("X-Test-Outcome", "failure")],
            b"username=padded&password=no", None, "failure")


def m_chunked(rng, users):
    body = b"username=chunky&password=no"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7])
                      for i in range(0, len(body), 7)) + b"0\r\n\r\n"
    return ("POST", "/login", [FORM, _ip(rng), ("Transfer-Encoding", "chunked"),
                               ("X-Test-Outcome", "failure")], chunks, -1, "failure")


def m_collect_bad_json(rng, users):
    return "POST", "/login-risk/collect", [JSON], b"{not json", None, None


def m_collect_bad_schema(rng, users):
    return ("POST", "/login-risk/collect", [JSON],
            b'{"v":1,"tz":12,"langs":"ja","scr":[-1]}', None, None)


def m_collect_oversized(rng, users):
    return ("POST", "/login-risk/collect", [JSON],
            json.dumps({"v": 1, "ua": "x" * 9000}).encode(), None, None)


def m_collect_get(rng, users):
    return "GET", "/login-risk/collect", [], b"", None, None


def m_get_login(rng, users):
    return "GET", "/login?username=x", [_ip(rng)], b"", None, None


MALFORMED = [m_bad_json, m_repeated_member, m_json_not_string, m_bad_percent,
             m_bad_utf8_user, m_control_user, m_oversized, m_oversized_declared,
             m_text_plain, m_multipart, m_no_content_type, m_junk_token_and_cookie,
             m_junk_cookies, m_spoofed_headers, m_huge_header, m_chunked,
             m_collect_bad_json, m_collect_bad_schema, m_collect_oversized,
             m_collect_get, m_get_login]

# what each malformed request must be answered with
MALFORMED_STATUS = {
    "m_bad_json": {400}, "m_repeated_member": {400}, "m_json_not_string": {400},
    "m_bad_percent": {400}, "m_bad_utf8_user": {400}, "m_control_user": {400},
    "m_oversized": {413}, "m_oversized_declared": {413}, "m_text_plain": {415},
    "m_multipart": {415}, "m_no_content_type": {415},
    "m_junk_token_and_cookie": {200, 403, 302}, "m_junk_cookies": {200, 403, 302},
    "m_spoofed_headers": {200, 403, 302}, "m_huge_header": {200, 403, 302},
    "m_chunked": {200, 403, 302}, "m_collect_bad_json": {400},
    "m_collect_bad_schema": {400}, "m_collect_oversized": {413},
    "m_collect_get": {405}, "m_get_login": {200},
}
