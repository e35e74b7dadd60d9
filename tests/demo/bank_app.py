#!/usr/bin/python3
"""Demo Bank: the small application that sits behind nginx in `make demo`.

Python 3 standard library only (Debian 12's /usr/bin/python3, 3.11).

    python3 tests/demo/bank_app.py --listen 127.0.0.1:8081
    python3 tests/demo/bank_app.py --list-accounts

Demo accounts (user id -> password), also in ACCOUNTS below:

    alice               correct horse
    bob                 hunter2-bank
    yamada              sakura-2026      (display name 山田 太郎)
    carol@example.com   carol-pass       (a user id containing "@")

User ids are matched case-insensitively after stripping surrounding spaces.

Routes:

    GET  /            302 -> /login
    GET  /login       HTML login page: a normal form (POST /login, fields
                      `username`, `password`) and a "JSON login (SPA style)"
                      section that fetch()es /api/login
    POST /login       application/x-www-form-urlencoded
                      good -> 302 /account + Set-Cookie demo_session=...
                      good, but X-Login-Risk-Action: challenge -> 200, the
                             one-time password page (form POST /otp), no
                             session yet
                      bad  -> 200, login page with "Invalid user or password"
    POST /api/login   application/json {"credentials":{"login":..,"password":..}}
                      good -> 200 {"ok":true,"redirect":"/account"} + cookie
                      good, but challenged -> 200 {"ok":false,"step_up":true,
                             "otp_hint":"...","ticket":"..."}, no session yet
                      bad  -> 401 {"ok":false,"error":"invalid credentials"}
                      malformed -> 400 {"ok":false,"error":"..."}
    POST /otp         application/x-www-form-urlencoded, fields `ticket`,
                      `user`, `code`: the step-up of a challenged form login
                      right -> 302 /account + cookie + the step-up outcome
                      wrong -> 200, the one-time password page again with
                               "Wrong code" while tries are left, else the
                               login page with "sign in again"
    POST /api/otp     application/json {"ticket":..,"user":..,"code":..}: the
                      step-up of a challenged JSON login
                      right -> 200 {"ok":true,"redirect":"/account"} + cookie
                               + the step-up outcome
                      wrong -> 401 {"ok":false,"error":"wrong code",
                               "tries_left":N} (0: sign in again)
                      malformed -> 400 {"ok":false,"error":"..."}
    GET  /account     needs the session cookie (else 302 /login); shows every
                      X-Login-Risk-* request header that arrived with the login
                      POST that created the session
    GET  /logout      drops the session, 302 /login
    anything else     404

The application's answer is what nginx-login-risk learns from: a successful
login is a 302 (form) or 200 (JSON); a failed one is a 200 with the login page
(form) or a 401 (JSON). `--outcome-header NAME` additionally adds
`NAME: success` / `NAME: failure` to login responses, for configurations that
read an explicit outcome header instead of the status (`make demo` uses
`--outcome-header X-Login-Risk-Outcome`). A challenged login gets neither.

Step-up (risk-based authentication): when nginx-login-risk hands on a login
with `X-Login-Risk-Action: challenge` and the password is right, no session
is made; the application asks for a one-time password instead. For the demo
the code is shown on the page (a real bank sends it by SMS or an app): six
random digits kept in memory for that pending step-up, valid 5 minutes, 3
tries. The pending step-up is named by the `X-Login-Risk-Ticket` that came
with the login (a random id of the application's when there is none). When
the right code comes back the session is made, and the answer carries
`X-Login-Risk-Outcome: challenge_passed` and `X-Login-Risk-Ticket: TICKET`,
which nginx-login-risk reads, removes and learns from: the place and device
of the challenged login become the user's own.

The password is never logged, stored or echoed back, and a one-time password
is never logged. Sessions and pending step-ups live in memory and disappear
when the process exits. SIGTERM / SIGINT stop it cleanly.
"""

import argparse
import hmac
import html
import http.cookies
import http.server
import json
import re
import secrets
import signal
import sys
import threading
import time
import unicodedata
import urllib.parse

# user id -> (password, display name)
ACCOUNTS = {
    "alice": ("correct horse", "Alice Liddell"),
    "bob": ("hunter2-bank", "Bob Builder"),
    "yamada": ("sakura-2026", "山田 太郎"),
    "carol@example.com": ("carol-pass", "Carol Example"),
}

SESSION_COOKIE = "demo_session"
RISK_HEADER_PREFIX = "x-login-risk-"
MAX_BODY = 1024 * 1024

SESSIONS = {}  # token -> dict(user, name, created, via, risk_headers)
SESSIONS_LOCK = threading.Lock()

OUTCOME_HEADER = None  # set from --outcome-header
COLLECTOR = None       # set from --collector: the collector's URL

# Step-up: what nginx-login-risk reads from the answer of a passed one. These
# two names are fixed (the module strips them before the client sees them).
STEP_UP_OUTCOME = ("X-Login-Risk-Outcome", "challenge_passed")
TICKET_HEADER = "X-Login-Risk-Ticket"
STEP_UP_TTL = 300       # seconds a one-time password is good for
STEP_UP_TRIES = 3       # wrong codes before the step-up is dropped
STEP_UP_MAX = 10000     # pending step-ups kept at most (oldest dropped)
# base64url(user).attempt.expiry.keyid.mac; an application id "app-..."
TICKET_RE = re.compile(r"[A-Za-z0-9_=.-]{1,1024}\Z")

PENDING = {}  # ticket -> dict(user, code, expires, tries_left, via,
              #                risk_headers, from_nginx)
PENDING_LOCK = threading.Lock()


def normalise_user(raw):
    # NFKC folds full-width letters and the ideographic space, as people
    # type ids on Japanese keyboards; nginx-login-risk does the same
    return unicodedata.normalize("NFKC", raw).strip().casefold()


_ACCOUNTS_BY_KEY = {normalise_user(u): u for u in ACCOUNTS}


def check_credentials(user, password):
    """Return the canonical user id if the credentials are valid, else None."""
    if not isinstance(user, str) or not isinstance(password, str):
        return None
    canonical = _ACCOUNTS_BY_KEY.get(normalise_user(user))
    # Compare against something even for unknown users, to keep timing flat.
    expected = ACCOUNTS[canonical][0] if canonical else "\0invalid\0"
    ok = hmac.compare_digest(password.encode("utf-8", "surrogatepass"),
                             expected.encode("utf-8"))
    return canonical if (ok and canonical) else None


def new_session(user, via, risk_headers):
    token = secrets.token_urlsafe(32)
    with SESSIONS_LOCK:
        SESSIONS[token] = {
            "user": user,
            "name": ACCOUNTS[user][1],
            "created": time.time(),
            "via": via,
            "risk_headers": list(risk_headers),
        }
    return token


def _purge_step_ups(now):
    for key in [k for k, p in PENDING.items() if p["expires"] <= now]:
        del PENDING[key]
    while len(PENDING) >= STEP_UP_MAX:
        del PENDING[next(iter(PENDING))]


def new_step_up(user, via, risk_headers, ticket):
    """Keep a pending step-up for a challenged login whose password was
    right. Returns (ticket, code): the ticket names it (nginx's when there
    is one), the code is the one-time password."""
    from_nginx = bool(ticket) and TICKET_RE.match(ticket) is not None
    if not from_nginx:
        ticket = "app-" + secrets.token_urlsafe(24)
    code = "%06d" % secrets.randbelow(1000000)
    now = time.time()
    with PENDING_LOCK:
        _purge_step_ups(now)
        PENDING[ticket] = {
            "user": user,
            "code": code,
            "expires": now + STEP_UP_TTL,
            "tries_left": STEP_UP_TRIES,
            "via": via,
            "risk_headers": list(risk_headers),
            "from_nginx": from_nginx,
        }
    return ticket, code


def get_step_up(ticket):
    """The pending step-up named by ticket (a copy), or None."""
    with PENDING_LOCK:
        _purge_step_ups(time.time())
        p = PENDING.get(ticket) if isinstance(ticket, str) else None
        return dict(p) if p else None


def check_step_up(ticket, user, code):
    """Check a one-time password. Returns ("ok", step_up) once (the step-up
    is used up), ("wrong", tries_left) for a wrong code or user (0: the
    step-up is dropped), or ("unknown", 0) for an unknown or expired one."""
    if not isinstance(ticket, str) or not isinstance(user, str) \
            or not isinstance(code, str):
        return "unknown", 0
    code = "".join(code.split())
    with PENDING_LOCK:
        _purge_step_ups(time.time())
        p = PENDING.get(ticket)
        if p is None:
            return "unknown", 0
        right_user = _ACCOUNTS_BY_KEY.get(normalise_user(user)) == p["user"]
        right_code = hmac.compare_digest(code.encode("utf-8", "surrogatepass"),
                                         p["code"].encode("ascii"))
        if right_user and right_code:
            del PENDING[ticket]
            return "ok", p
        p["tries_left"] -= 1
        if p["tries_left"] <= 0:
            del PENDING[ticket]
            return "wrong", 0
        return "wrong", p["tries_left"]


def get_session(token):
    if not token:
        return None
    with SESSIONS_LOCK:
        s = SESSIONS.get(token)
        return dict(s) if s else None


def drop_session(token):
    if token:
        with SESSIONS_LOCK:
            SESSIONS.pop(token, None)


# ---------------------------------------------------------------- HTML

PAGE_CSS = """
body { font-family: system-ui, sans-serif; background: #eef2f5; color: #1d2733;
       margin: 0; }
header { background: #0b3d62; color: #fff; padding: 0.8em 1.5em; }
header h1 { margin: 0; font-size: 1.4em; }
main { max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
section { background: #fff; border-radius: 6px; padding: 1em 1.5em 1.2em;
          margin-bottom: 1.2em; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h2 { font-size: 1.1em; margin-top: 0.2em; }
label { display: block; margin: 0.6em 0 0.2em; }
input[type=text], input[type=password] { width: 100%; max-width: 22em;
       padding: 0.4em; box-sizing: border-box; }
button { margin-top: 0.9em; padding: 0.45em 1.2em; background: #0b3d62;
         color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.error { background: #fde2e1; color: #8a1c14; padding: 0.5em 0.8em;
         border-radius: 4px; }
.small { font-size: 0.9em; color: #555; }
pre { background: #f4f4f4; padding: 0.6em; white-space: pre-wrap;
      word-break: break-all; min-height: 1.2em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #ddd; padding: 0.35em 0.5em;
         vertical-align: top; }
td.v { font-family: ui-monospace, monospace; word-break: break-all; }
"""

SPA_JS = """
(function () {
  var form = document.getElementById('spa-login');
  var out = document.getElementById('spa-result');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    out.textContent = '...';
    otpForm.hidden = true;
    pending = null;
    var body = JSON.stringify({credentials: {
      login: document.getElementById('spa-user').value,
      password: document.getElementById('spa-password').value
    }});
    fetch('/api/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: body
    }).then(function (r) {
      return r.text().then(function (t) {
        out.textContent = 'HTTP ' + r.status + '\\n' + t;
        try {
          var j = JSON.parse(t);
          if (j && j.ok && j.redirect) {
            continueLink(j.redirect);
          } else if (j && j.step_up) {
            // challenged: ask for the one-time password
            pending = {ticket: j.ticket,
                       user: document.getElementById('spa-user').value};
            otpHint.textContent = j.otp_hint || '';
            otpCode.value = '';
            otpForm.hidden = false;
            otpCode.focus();
          }
        } catch (e) {}
      });
    }).catch(function (e) {
      out.textContent = 'request failed: ' + e;
    });
  });

  var otpForm = document.getElementById('spa-otp');
  var otpHint = document.getElementById('spa-otp-hint');
  var otpCode = document.getElementById('spa-otp-code');
  var pending = null;

  function continueLink(href) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = 'Continue to your account';
    out.appendChild(document.createTextNode('\\n'));
    out.appendChild(a);
  }

  otpForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!pending) { return; }
    out.textContent = '...';
    fetch('/api/otp', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify({ticket: pending.ticket, user: pending.user,
                            code: otpCode.value})
    }).then(function (r) {
      return r.text().then(function (t) {
        out.textContent = 'HTTP ' + r.status + '\\n' + t;
        try {
          var j = JSON.parse(t);
          if (j && j.ok && j.redirect) {
            otpForm.hidden = true;
            pending = null;
            continueLink(j.redirect);
          } else if (j && j.tries_left === 0) {
            otpForm.hidden = true;
            pending = null;
          }
        } catch (e) {}
      });
    }).catch(function (e) {
      out.textContent = 'request failed: ' + e;
    });
  });
})();
"""


def page(title, body):
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>" + html.escape(title) + " - Demo Bank</title>\n"
        "<style>" + PAGE_CSS + "</style>\n"
        "</head><body>\n"
        "<header><h1>Demo Bank</h1></header>\n"
        "<main>\n" + body + "</main>\n"
        "</body></html>\n"
    )


def login_page(error=None, username=""):
    err = ""
    if error:
        err = '<p class="error" role="alert">' + html.escape(error) + "</p>\n"
    body = (
        "<section>\n"
        "<h2>Sign in to online banking</h2>\n" + err +
        '<form id="login" name="login" method="POST" action="/login"'
        ' autocomplete="on">\n'
        '<label for="username">User ID</label>\n'
        '<input type="text" id="username" name="username" autocomplete="username"'
        ' value="' + html.escape(username) + '" required>\n'
        '<label for="password">Password</label>\n'
        '<input type="password" id="password" name="password"'
        ' autocomplete="current-password" required>\n'
        '<br><button type="submit">Sign in</button>\n'
        "</form>\n"
        "</section>\n"
        "<section>\n"
        "<h2>JSON login (SPA style)</h2>\n"
        '<p class="small">POSTs <code>{"credentials": {"login": ..., '
        '"password": ...}}</code> as application/json to '
        "<code>/api/login</code> with fetch().</p>\n"
        '<form id="spa-login" name="spa-login">\n'
        '<label for="spa-user">Login</label>\n'
        '<input type="text" id="spa-user" autocomplete="username" required>\n'
        '<label for="spa-password">Password</label>\n'
        '<input type="password" id="spa-password"'
        ' autocomplete="current-password" required>\n'
        '<br><button type="submit" id="spa-submit">Sign in (JSON)</button>\n'
        "</form>\n"
        '<form id="spa-otp" name="spa-otp" hidden>\n'
        '<p class="small">This sign-in looks unusual: confirm it with a '
        "one-time password.</p>\n"
        '<p id="spa-otp-hint"></p>\n'
        '<label for="spa-otp-code">One-time password</label>\n'
        '<input type="text" id="spa-otp-code" inputmode="numeric"'
        ' autocomplete="one-time-code" maxlength="6" required>\n'
        '<br><button type="submit" id="spa-otp-submit">Confirm</button>\n'
        "</form>\n"
        '<pre id="spa-result" aria-live="polite"></pre>\n'
        "</section>\n"
        '<p class="small">Demo accounts: see <code>bank_app.py '
        "--list-accounts</code>.</p>\n"
        "<script>" + SPA_JS + "</script>\n"
    )
    if COLLECTOR:
        # the one tag a bank adds to its login page: nginx serves the file
        # and takes its telemetry; the form it watches is named here
        body += ('<script src="' + html.escape(COLLECTOR) +
                 '" data-form="#login" defer></script>\n')
    return page("Sign in", body)


def otp_hint(code):
    """DEMO ONLY: a real bank never shows the code, it sends it."""
    return ("Demo: your one-time password is %s (a real bank sends it by "
            "SMS or an app)." % code)


def otp_page(ticket, user, code, error=None):
    """The step-up of a challenged form login. DEMO ONLY: the code is shown
    on the page; a real bank sends it by SMS or an authenticator app."""
    err = ""
    if error:
        err = '<p class="error" role="alert">' + html.escape(error) + "</p>\n"
    body = (
        "<section>\n"
        "<h2>Confirm it is you</h2>\n"
        "<p>This sign-in looks unusual (a new place or device). Enter the "
        "one-time password we sent you. It is good for %d minutes and %d "
        "tries.</p>\n" % (STEP_UP_TTL // 60, STEP_UP_TRIES) + err +
        '<p class="small" id="otp-hint">' + html.escape(otp_hint(code)) +
        "</p>\n"
        '<form id="otp" name="otp" method="POST" action="/otp"'
        ' autocomplete="off">\n'
        '<input type="hidden" name="ticket" value="' + html.escape(ticket) +
        '">\n'
        '<input type="hidden" name="user" value="' + html.escape(user) +
        '">\n'
        '<label for="code">One-time password</label>\n'
        '<input type="text" id="code" name="code" inputmode="numeric"'
        ' autocomplete="one-time-code" maxlength="6" required autofocus>\n'
        '<br><button type="submit">Confirm</button>\n'
        "</form>\n"
        '<p class="small"><a href="/login">Cancel</a></p>\n'
        "</section>\n"
    )
    return page("Confirm it is you", body)


def account_page(sess):
    rows = []
    for name, value in sess["risk_headers"]:
        # the module percent-encodes values that may hold any UTF-8 text
        shown = urllib.parse.unquote(value, errors="replace")
        rows.append("<tr><th>" + html.escape(name) + '</th><td class="v">' +
                    html.escape(shown) + "</td></tr>\n")
    if rows:
        table = ("<table>\n<tr><th>Header</th><th>Value</th></tr>\n" +
                 "".join(rows) + "</table>\n")
    else:
        table = ('<p class="small">No <code>X-Login-Risk-*</code> headers '
                 "arrived with this login (is nginx-login-risk in front of "
                 "the application?).</p>\n")
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(sess["created"]))
    body = (
        "<section>\n"
        '<h2 id="welcome">Welcome, ' + html.escape(sess["name"]) + "</h2>\n"
        '<p class="small">User ID <code>' + html.escape(sess["user"]) +
        "</code>, signed in " + html.escape(when) + " via " +
        html.escape(sess["via"]) + ".</p>\n"
        "<p>Current account balance: <strong>1,234,567.89</strong></p>\n"
        '<p><a href="/logout">Sign out</a></p>\n'
        "</section>\n"
        "<section>\n"
        "<h2>What nginx-login-risk told the application about this login</h2>\n"
        + table +
        "</section>\n"
    )
    return page("Account", body)


def not_found_page():
    return page("Not found", "<section><h2>404 Not found</h2>"
                '<p><a href="/login">Sign in</a></p></section>\n')


# ---------------------------------------------------------------- handler

class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "DemoBank/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version
    protocol_version = "HTTP/1.1"
    timeout = 30

    # -- logging: one line per request, no query string, never a body --

    _note = ""

    def parse_request(self):
        self._note = ""  # one handler serves several keep-alive requests
        return super().parse_request()

    def log_request(self, code="-", size="-"):
        path = urllib.parse.urlsplit(self.path or "").path if self.path else "-"
        code = getattr(code, "value", code)
        note = (" " + self._note) if self._note else ""
        sys.stderr.write('%s [%s] "%s %s" %s%s\n' % (
            self.address_string(), self.log_date_time_string(),
            self.command or "-", path, code, note))

    def log_error(self, format, *args):
        # send_error() also ends up in log_request(); keep it to one line.
        pass

    # -- helpers --

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8",
              headers=(), head_only=False):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        if body or ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in headers:
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and not head_only:
            self.wfile.write(body)

    def _redirect(self, location, headers=()):
        self._send(302, b"", None, [("Location", location)] + list(headers))

    def _json(self, status, obj, headers=()):
        self._send(status, json.dumps(obj).encode("utf-8"),
                   "application/json", headers)

    def _session_token(self):
        raw = self.headers.get_all("Cookie") or []
        for line in raw:
            c = http.cookies.SimpleCookie()
            try:
                c.load(line)
            except http.cookies.CookieError:
                continue
            if SESSION_COOKIE in c:
                return c[SESSION_COOKIE].value
        return None

    def _risk_headers(self):
        return [(k, v) for k, v in self.headers.items()
                if k.lower().startswith(RISK_HEADER_PREFIX)]

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise BadRequest(411, "chunked bodies are not supported")
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl)
            if n < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise BadRequest(400, "bad Content-Length")
        if n > MAX_BODY:
            self.close_connection = True
            raise BadRequest(413, "body too large")
        return self.rfile.read(n)

    def _login_cookie(self, token):
        return ("Set-Cookie",
                "%s=%s; HttpOnly; Path=/; SameSite=Lax" % (SESSION_COOKIE, token))

    def _outcome(self, ok):
        if OUTCOME_HEADER:
            return [(OUTCOME_HEADER, "success" if ok else "failure")]
        return []

    def _challenged(self):
        action = self.headers.get("X-Login-Risk-Action") or ""
        return action.strip().lower() == "challenge"

    def _step_up(self, user, via):
        """A challenged login with the right password: (ticket, code) of a
        new pending step-up; the session waits for the one-time password."""
        return new_step_up(user, via, self._risk_headers(),
                           (self.headers.get(TICKET_HEADER) or "").strip())

    def _step_up_passed(self, ticket, step_up):
        """The headers of a passed step-up: the session cookie and, for a
        ticket from nginx-login-risk, the outcome that teaches it."""
        token = new_session(step_up["user"],
                            step_up["via"] + " + one-time password",
                            step_up["risk_headers"])
        headers = [self._login_cookie(token)]
        if step_up["from_nginx"]:
            headers += [STEP_UP_OUTCOME, (TICKET_HEADER, ticket)]
        return headers

    # -- routing --

    def _route_path(self):
        return urllib.parse.urlsplit(self.path).path

    def do_GET(self, head_only=False):
        path = self._route_path()
        if path == "/":
            self._redirect("/login")
        elif path == "/login":
            self._send(200, login_page(), head_only=head_only)
        elif path == "/account":
            sess = get_session(self._session_token())
            if not sess:
                self._redirect("/login")
                return
            self._note = "user=" + sess["user"]
            self._send(200, account_page(sess), head_only=head_only)
        elif path == "/logout":
            drop_session(self._session_token())
            self._redirect("/login", [(
                "Set-Cookie",
                "%s=; HttpOnly; Path=/; Max-Age=0; SameSite=Lax" % SESSION_COOKIE)])
        else:
            self._send(404, not_found_page(), head_only=head_only)

    def do_HEAD(self):
        self.do_GET(head_only=True)

    def do_POST(self):
        path = self._route_path()
        try:
            if path == "/login":
                self._post_form_login()
            elif path == "/api/login":
                self._post_json_login()
            elif path == "/otp":
                self._post_form_otp()
            elif path == "/api/otp":
                self._post_json_otp()
            else:
                self._read_body()
                self._send(404, not_found_page())
        except BadRequest as e:
            if path in ("/api/login", "/api/otp"):
                self._json(e.status, {"ok": False, "error": e.message})
            else:
                self._send(e.status, page("Error", "<section><h2>" +
                           html.escape(str(e.status) + " " + e.message) +
                           "</h2></section>\n"))

    def _read_form(self):
        body = self._read_body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise BadRequest(415, "expected application/x-www-form-urlencoded")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "form body is not UTF-8")
        return urllib.parse.parse_qs(text, keep_blank_values=True)

    def _read_json_object(self):
        body = self._read_body()
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BadRequest(400, "malformed JSON")
        if not isinstance(doc, dict):
            raise BadRequest(400, "expected a JSON object")
        return doc

    def _post_form_login(self):
        form = self._read_form()
        username = (form.get("username") or [""])[0]
        password = (form.get("password") or [""])[0]
        user = check_credentials(username, password)
        if user and self._challenged():
            ticket, code = self._step_up(user, "form POST /login")
            self._note = "login=step-up user=" + user
            self._send(200, otp_page(ticket, user, code))
        elif user:
            token = new_session(user, "form POST /login", self._risk_headers())
            self._note = "login=success user=" + user
            self._redirect("/account", [self._login_cookie(token)] +
                           self._outcome(True))
        else:
            self._note = "login=failure user=" + _log_safe(username)
            self._send(200, login_page("Invalid user or password", username),
                       headers=self._outcome(False))

    def _post_json_login(self):
        doc = self._read_json_object()
        creds = doc.get("credentials")
        if not isinstance(creds, dict):
            raise BadRequest(400, "expected {\"credentials\": {\"login\": ..., "
                                  "\"password\": ...}}")
        login = creds.get("login")
        password = creds.get("password")
        if not isinstance(login, str) or not isinstance(password, str):
            raise BadRequest(400, "credentials.login and credentials.password "
                                  "must be strings")
        user = check_credentials(login, password)
        if user and self._challenged():
            ticket, code = self._step_up(user, "JSON POST /api/login")
            self._note = "login=step-up user=" + user
            self._json(200, {"ok": False, "step_up": True,
                             "otp_hint": otp_hint(code), "ticket": ticket})
        elif user:
            token = new_session(user, "JSON POST /api/login", self._risk_headers())
            self._note = "login=success user=" + user
            self._json(200, {"ok": True, "redirect": "/account"},
                       [self._login_cookie(token)] + self._outcome(True))
        else:
            self._note = "login=failure user=" + _log_safe(login)
            self._json(401, {"ok": False, "error": "invalid credentials"},
                       self._outcome(False))

    # -- step-up: the one-time password of a challenged login --

    def _post_form_otp(self):
        form = self._read_form()
        ticket = (form.get("ticket") or [""])[0]
        user = (form.get("user") or [""])[0]
        code = (form.get("code") or [""])[0]
        result, info = check_step_up(ticket, user, code)
        if result == "ok":
            self._note = "step-up=passed user=" + info["user"]
            self._redirect("/account", self._step_up_passed(ticket, info))
            return
        self._note = "step-up=failed user=" + _log_safe(user)
        pending = get_step_up(ticket) if result == "wrong" and info else None
        if pending:
            left = pending["tries_left"]
            self._send(200, otp_page(ticket, pending["user"], pending["code"],
                                     "Wrong code: %d %s left." % (
                                         left, "try" if left == 1 else "tries")))
        else:
            self._send(200, login_page("The one-time password check failed "
                                       "or expired: sign in again.", user))

    def _post_json_otp(self):
        doc = self._read_json_object()
        ticket, user, code = doc.get("ticket"), doc.get("user"), doc.get("code")
        if not all(isinstance(v, str) for v in (ticket, user, code)):
            raise BadRequest(400, "ticket, user and code must be strings")
        result, info = check_step_up(ticket, user, code)
        if result == "ok":
            self._note = "step-up=passed user=" + info["user"]
            self._json(200, {"ok": True, "redirect": "/account"},
                       self._step_up_passed(ticket, info))
            return
        self._note = "step-up=failed user=" + _log_safe(user)
        if info:
            error = "wrong code"
        else:
            error = ("the one-time password check failed or expired: "
                     "sign in again")
        self._json(401, {"ok": False, "error": error, "tries_left": info})


def _log_safe(s, limit=64):
    """A user id as typed, made safe for a one-line log (never a password)."""
    s = s[:limit]
    return json.dumps(s, ensure_ascii=False)


# ---------------------------------------------------------------- main

def parse_listen(value):
    if value.startswith("unix:"):
        raise argparse.ArgumentTypeError("unix sockets are not supported")
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port)
        if not 0 <= port <= 65535:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % value)
    return host, port


def main(argv=None):
    global OUTCOME_HEADER, COLLECTOR
    ap = argparse.ArgumentParser(description="Demo Bank application for "
                                 "nginx-login-risk demos and tests.")
    ap.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8081),
                    metavar="HOST:PORT", help="address to listen on "
                    "(default 127.0.0.1:8081; [::1]:PORT for IPv6)")
    ap.add_argument("--list-accounts", action="store_true",
                    help="print the demo accounts and exit")
    ap.add_argument("--outcome-header", metavar="NAME", default=None,
                    help="also answer logins with 'NAME: success|failure'")
    ap.add_argument("--collector", metavar="URL", default=None,
                    help="load the nginx-login-risk collector from URL on "
                    "the login page")
    args = ap.parse_args(argv)

    if args.list_accounts:
        for user, (password, name) in ACCOUNTS.items():
            print("%-20s %-16s %s" % (user, password, name))
        return 0

    OUTCOME_HEADER = args.outcome_header
    COLLECTOR = args.collector
    host, port = args.listen

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    if ":" in host:
        import socket
        Server.address_family = socket.AF_INET6

    httpd = Server((host, port), Handler)

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return: call it elsewhere.
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    bound = httpd.server_address
    sys.stderr.write("demo bank listening on http://%s:%d/login\n"
                     % ("[%s]" % bound[0] if ":" in bound[0] else bound[0],
                        bound[1]))
    sys.stderr.flush()
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
    sys.stderr.write("demo bank stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
