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
                      bad  -> 200, login page with "Invalid user or password"
    POST /api/login   application/json {"credentials":{"login":..,"password":..}}
                      good -> 200 {"ok":true,"redirect":"/account"} + cookie
                      bad  -> 401 {"ok":false,"error":"invalid credentials"}
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
read an explicit outcome header instead of the status.

The password is never logged, stored or echoed back. Sessions live in memory
and disappear when the process exits. SIGTERM / SIGINT stop it cleanly.
"""

import argparse
import hmac
import html
import http.cookies
import http.server
import json
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
            var a = document.createElement('a');
            a.href = j.redirect;
            a.textContent = 'Continue to your account';
            out.appendChild(document.createTextNode('\\n'));
            out.appendChild(a);
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
        '<pre id="spa-result" aria-live="polite"></pre>\n'
        "</section>\n"
        '<p class="small">Demo accounts: see <code>bank_app.py '
        "--list-accounts</code>.</p>\n"
        "<script>" + SPA_JS + "</script>\n"
        "<!-- LOGIN-RISK-COLLECTOR: the nginx-login-risk collector script tag "
        "(served by nginx under /login-risk/) will go here. -->\n"
    )
    return page("Sign in", body)


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
            else:
                self._read_body()
                self._send(404, not_found_page())
        except BadRequest as e:
            if path == "/api/login":
                self._json(e.status, {"ok": False, "error": e.message})
            else:
                self._send(e.status, page("Error", "<section><h2>" +
                           html.escape(str(e.status) + " " + e.message) +
                           "</h2></section>\n"))

    def _post_form_login(self):
        body = self._read_body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise BadRequest(415, "expected application/x-www-form-urlencoded")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "form body is not UTF-8")
        form = urllib.parse.parse_qs(text, keep_blank_values=True)
        username = (form.get("username") or [""])[0]
        password = (form.get("password") or [""])[0]
        user = check_credentials(username, password)
        if user:
            token = new_session(user, "form POST /login", self._risk_headers())
            self._note = "login=success user=" + user
            self._redirect("/account", [self._login_cookie(token)] +
                           self._outcome(True))
        else:
            self._note = "login=failure user=" + _log_safe(username)
            self._send(200, login_page("Invalid user or password", username),
                       headers=self._outcome(False))

    def _post_json_login(self):
        body = self._read_body()
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BadRequest(400, "malformed JSON")
        creds = doc.get("credentials") if isinstance(doc, dict) else None
        if not isinstance(creds, dict):
            raise BadRequest(400, "expected {\"credentials\": {\"login\": ..., "
                                  "\"password\": ...}}")
        login = creds.get("login")
        password = creds.get("password")
        if not isinstance(login, str) or not isinstance(password, str):
            raise BadRequest(400, "credentials.login and credentials.password "
                                  "must be strings")
        user = check_credentials(login, password)
        if user:
            token = new_session(user, "JSON POST /api/login", self._risk_headers())
            self._note = "login=success user=" + user
            self._json(200, {"ok": True, "redirect": "/account"},
                       [self._login_cookie(token)] + self._outcome(True))
        else:
            self._note = "login=failure user=" + _log_safe(login)
            self._json(401, {"ok": False, "error": "invalid credentials"},
                       self._outcome(False))


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
    global OUTCOME_HEADER
    ap = argparse.ArgumentParser(description="Demo Bank application for "
                                 "nginx-login-risk demos and tests.")
    ap.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8081),
                    metavar="HOST:PORT", help="address to listen on "
                    "(default 127.0.0.1:8081; [::1]:PORT for IPv6)")
    ap.add_argument("--list-accounts", action="store_true",
                    help="print the demo accounts and exit")
    ap.add_argument("--outcome-header", metavar="NAME", default=None,
                    help="also answer logins with 'NAME: success|failure'")
    args = ap.parse_args(argv)

    if args.list_accounts:
        for user, (password, name) in ACCOUNTS.items():
            print("%-20s %-16s %s" % (user, password, name))
        return 0

    OUTCOME_HEADER = args.outcome_header
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
