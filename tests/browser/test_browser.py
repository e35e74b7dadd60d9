"""The collector in a real Chromium against the real nginx, module and
Redis: the login page and the collector bundle (js-collector/dist) are
served by nginx, the collect endpoint is the module's, and each test
asserts on the verdicts the module wrote to its alert log and on what the
application behind nginx received. drive.mjs operates the browser."""

import json
import os
import shutil
import time
import uuid
from urllib.parse import parse_qs

import pytest

from conftest import DIST, GEOIP_HTTP, collector_file, drive

KEY = "k1 " + "5c" * 32 + "\n"

HTTP = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=@TIMEOUT@;
    login_risk_prefix @PREFIX@;
    login_risk_secret_file @DIR@/keys;
    login_risk_device_cookie lr_dev;
"""

LOGIN = """
        login_risk on;
        login_risk_expect_telemetry on;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
"""

SERVER = """
    root @DIR@/www;
    location = /favicon.ico { return 204; }
    location ^~ /login-risk/ {
        alias @DIR@/collector/;
    }
    location = /login-risk/collect {
        login_risk_collect;
    }
    location = /login {""" + LOGIN + """    }
    location = /api/login {
        login_risk_user_field user;""" + LOGIN + """    }
    location = /api/session {
        login_risk_user_field user;""" + LOGIN + """    }
    location = /forgot {
        proxy_pass http://app;
    }
    location = /account {
        default_type text/html;
        return 200 "<!doctype html><title>account</title>welcome\\n";
    }
"""

FIELD = 'style="display:block;width:320px;height:32px;margin:6px 0 14px"'
BUTTON = 'style="width:150px;height:40px;margin-right:20px"'


def form(attrs='action="/login" method="post"', buttons=None):
    buttons = buttons or (
        '<button name="go" value="yes" %s>Log in</button>'
        '<button name="forgot" value="1" formaction="/forgot" %s>Forgot password</button>'
        % (BUTTON, BUTTON))
    return """<form id="login" %s>
  <label>User<input name="username" autocomplete="username" %s></label>
  <label>Password<input name="password" type="password" autocomplete="current-password" %s></label>
  %s
</form>""" % (attrs, FIELD, FIELD, buttons)


def page(body, collector=True):
    tag = ('<script src="/login-risk/%s" data-form="#login" defer></script>'
           % collector_file()) if collector else ""
    return """<!doctype html><html><head><meta charset="utf-8"><title>login</title>
<link rel="icon" href="data:,">%s</head>
<body style="margin:0;padding:40px;font:16px sans-serif">
%s
</body></html>
""" % (tag, body)


PAGES = {
    # a form that posts normally, with a formaction button
    "login.html": page(form()),
    # the same form without the collector
    "plain.html": page(form(), collector=False),
    # a single-page app: the submit handler logs in with fetch
    "spa.html": page(form('') + """
<script>
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target;
  const r = await fetch('/api/login', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({user: f.username.value, password: f.password.value})});
  document.title = 'done ' + r.status;
});
</script>"""),
    # a button whose click handler logs in with XMLHttpRequest
    "button.html": page(form('', '<button type="button" id="go" %s>Log in</button>' % BUTTON) + """
<script>
document.getElementById('go').addEventListener('click', () => {
  const f = document.getElementById('login');
  const x = new XMLHttpRequest();
  x.open('POST', '/api/session');
  x.setRequestHeader('Content-Type', 'application/json');
  x.onload = () => (document.title = 'done ' + x.status);
  x.send(JSON.stringify({user: f.username.value, password: f.password.value}));
});
</script>"""),
}


class Site:
    """nginx serving the login pages and the collector, with the module's
    collect endpoint and logins; base is the URL the browser uses."""

    def __init__(self, n, prefix):
        self.n = n
        self.prefix = prefix
        # localhost: a secure context, so Chromium keeps the Secure cookies
        self.base = "http://localhost:%d" % n.port

    def alerts(self, count):
        """The first count alert lines (waits for them)."""
        return self.n.wait_logged(count, "alert")[:count]

    def alert(self, number):
        return self.alerts(number)[number - 1]


def make_site(nginx_factory, redis_port, timeout="500ms", workers=1):
    prefix = "b%s:" % uuid.uuid4().hex[:8]
    conf = (HTTP.replace("@REDIS@", str(redis_port)).replace("@PREFIX@", prefix)
            .replace("@TIMEOUT@", timeout))
    n = nginx_factory(http=conf, server=SERVER, workers=workers, start=False)
    keys = os.path.join(n.dir, "keys")
    with open(keys, "w") as f:
        f.write(KEY)
    os.chmod(keys, 0o600)
    # the workers ("nobody") may not reach the checkout: a copy of dist/
    shutil.copytree(DIST, os.path.join(n.dir, "collector"))
    www = os.path.join(n.dir, "www")
    os.makedirs(www)
    for name, text in PAGES.items():
        with open(os.path.join(www, name), "w") as f:
            f.write(text)
    for d in ("collector", "www"):
        os.chmod(os.path.join(n.dir, d), 0o755)
    n.start()
    return Site(n, prefix)


@pytest.fixture
def site(nginx_factory, redis_server, request):
    return make_site(nginx_factory, redis_server.port)


def drained(upstream):
    out = []
    while not upstream.requests.empty():
        out.append(upstream.next(timeout=0))
    return out


def check_console(result):
    """Scenario 7: nothing from the collector in the console, no uncaught
    error in any page. A resource the test made fail on purpose (a blocked
    collect, an aborted login) or a refused login (403) is the browser's
    network log, allowed. LR_SHOW_CONSOLE=1 (with -s) prints it all."""
    if os.environ.get("LR_SHOW_CONSOLE"):
        print([(p["url"], p["console"], p["pageerrors"]) for p in result["pages"]])
    for p in result["pages"]:
        assert p["pageerrors"] == [], p
        for c in p["console"]:
            assert "/login-risk/" not in (c["url"] or "") or \
                c["text"].startswith("Failed to load resource"), c
            if c["type"] == "error":
                assert c["text"].startswith("Failed to load resource"), c


def run(scenario, site, **kw):
    result = drive(scenario, site.base, **kw)
    check_console(result)
    return result


# --- 1, 2, 3: who operates the form ------------------------------------------

def test_scripted_login_in_headless_chromium_is_automation(site, upstream):
    r = run("scripted", site)
    a = site.alert(1)
    assert "automation" in a["reasons"], a
    assert "scripted_input" in a["reasons"], a
    assert "webdriver" in r["telemetry"]["auto"], r["telemetry"]
    assert a["device"]["ua_family"] == "HeadlessChrome", a
    # 45 + 40 with attack evidence: blocked before the application
    assert a["action"] == "block" and a["status"] == 403, a
    assert [q["path"] for q in drained(upstream)] == []

def test_scripted_login_in_headed_chromium_without_webdriver_is_scripted_input(
        site, upstream, xdisplay):
    """The same script, headed under Xvfb, with navigator.webdriver off
    (--disable-blink-features=AutomationControlled) and the browser's own
    window: no automation marker is left, the behaviour still tells."""
    r = run("scripted", site, display=xdisplay)
    t = r["telemetry"]
    assert t["auto"] == [], t
    assert t["beh"]["nokey"] == 2 and t["beh"]["blind"] == 1, t["beh"]
    a = site.alert(1)
    assert "scripted_input" in a["reasons"], a
    assert "automation" not in a["reasons"], a
    assert a["device"]["ua_family"] == "Chrome", a

    # With Playwright's default emulated viewport (1280x720) the screen is
    # made the size of the viewport: that marker alone still gives it away.
    r = run("scripted", site, display=xdisplay, emulate_viewport=True)
    assert r["telemetry"]["auto"] == ["screen_is_viewport"], r["telemetry"]
    a = site.alert(2)
    assert "automation" in a["reasons"] and "scripted_input" in a["reasons"], a


@pytest.mark.parametrize("headed", [False, True], ids=["headless", "headed"])
def test_a_person_like_session_is_not_scripted_input(site, upstream, xdisplay, headed):
    """Curved pointer paths at varying speed, keys held and spaced like a
    person's, a click once the pointer is on the button."""
    r = run("human", site, display=xdisplay if headed else None)
    beh = r["telemetry"]["beh"]
    assert beh["nokey"] == 0 and beh["blind"] == 0 and beh["keys"] == 10, beh  # hana, Tab, right
    assert beh["straight"] < 990 and beh["speedvar"] >= 100, beh
    # counts and timings only: nothing typed leaves in the telemetry
    collect = [q["body"] for p in r["pages"] for q in p["requests"]
               if q["path"] == "/login-risk/collect"]
    assert len(collect) == 1
    assert "hana" not in collect[0] and "right" not in collect[0]
    a = site.alert(1)
    assert "scripted_input" not in a["reasons"], (a, beh)
    if headed:
        assert r["telemetry"]["auto"] == [], r["telemetry"]
        assert "automation" not in a["reasons"], a
        assert a["action"] == "allow" and r["title"] == "account", a
    else:
        assert "automation" in a["reasons"], a    # headless says so itself
    req = [q for q in drained(upstream) if q["path"] == "/login"]
    assert len(req) == 1 and b"lr_token=" in req[0]["body"]


# --- 4: tokens and cookies that are missing, forged, replayed, borrowed -------

def test_no_telemetry_when_the_collect_is_blocked_or_the_collector_missing(site, upstream):
    r = run("no_telemetry", site)
    blocked, plain = site.alerts(2)
    assert "no_telemetry" in blocked["reasons"], blocked
    assert "no_telemetry" in plain["reasons"], plain
    for p in r["pages"]:
        assert not [q for q in p["responses"]
                    if q["path"] == "/login-risk/collect" and q.get("status")]
    logins = [q for q in drained(upstream) if q["path"] == "/login"]
    assert len(logins) == 2
    assert all(b"lr_token" not in q["body"] for q in logins)
    assert r["blocked"]["title"] == "account" and r["plain"]["title"] == "account"


def test_a_forged_token_field_or_cookie_is_bad_token(site, upstream):
    r = run("forged", site)
    field, cookie = site.alerts(2)
    assert field["uri"] == "/login" and "bad_token" in field["reasons"], field
    assert cookie["uri"] == "/api/login" and "bad_token" in cookie["reasons"], cookie
    for a in (field, cookie):
        assert "replayed_token" not in a["reasons"], a
    # the application got the forged field, not the genuine token
    login = [q for q in drained(upstream) if q["path"] == "/login"]
    assert len(login) == 1
    sent = parse_qs(login[0]["body"].decode())["lr_token"]
    assert sent != [r["token"]] and sent[0].split(".")[:3] == r["token"].split(".")[:3]


def test_a_replayed_token_is_replayed_token(site, upstream):
    def first(msg):
        site.alerts(1)

    r = run("replay", site, on_sync=first)
    once, again = site.alerts(2)
    assert "replayed_token" not in once["reasons"] and "no_telemetry" not in once["reasons"], once
    assert "replayed_token" in again["reasons"], again
    assert r["token"].count(".") == 3


def test_a_token_from_another_browser_is_ua_mismatch(site, upstream):
    r = run("other_browser", site)
    a = site.alert(1)
    assert "ua_mismatch" in a["reasons"], a
    assert "replayed_token" not in a["reasons"] and "bad_token" not in a["reasons"], a
    assert a["device"]["ua_family"] == "Firefox", a
    assert "HeadlessChrome" in r["ua_a"]


def test_a_tampered_device_cookie_is_bad_device_cookie(site, upstream):
    """The browser's device cookie is changed between the collect and the
    login."""
    r = run("bad_device", site, on_sync=lambda msg: site.alerts(1) and None)
    genuine, tampered = site.alerts(2)
    assert "bad_device_cookie" not in genuine["reasons"], genuine
    assert "bad_device_cookie" in tampered["reasons"], tampered
    logins = [q for q in drained(upstream) if q["path"] == "/login"]
    assert "lr_dev=" + r["tampered"] in logins[-1].header("cookie")
    # a fresh cookie replaces it
    assert r["after"] not in (r["tampered"], r["genuine"])
    assert r["after"].split(".")[0] != r["genuine"].split(".")[0]


def test_a_device_cookie_tampered_before_the_page_loads_is_bad_device_cookie(site, upstream):
    r = run("jar_device", site)
    # the collect answered and swapped the cookie before the login left
    assert r["collect_status"] == 200 and r["after"] != r["tampered"], r
    a = site.alert(1)
    assert "bad_device_cookie" in a["reasons"], a


# --- 5: the device is remembered ----------------------------------------------

def test_one_browser_keeps_its_device_and_is_known_after_clearing_cookies(
        site, upstream, xdisplay):
    """Headed, operated like a person: no automation or scripted_input, so
    each successful login is allowed and learnt."""
    def learnt(msg):
        site.alerts(msg["n"])
        time.sleep(0.3)     # the learning writes follow the response

    r = run("device_memory", site, display=xdisplay, on_sync=learnt)
    first, second, cleared, other = site.alerts(4)
    jar = r["jar"]
    for a in (first, second, cleared):
        assert a["action"] == "allow" and a["status"] == 302, a
        assert "automation" not in a["reasons"] and "scripted_input" not in a["reasons"], a
    # the same profile twice: the same cookie, a known device
    assert jar[0]["lr_dev"] == jar[1]["lr_dev"]
    assert "new_device" not in second["reasons"], second
    # cookies cleared: a new cookie, but the same attributes: probably known
    assert jar[2]["lr_dev"].split(".")[0] != jar[1]["lr_dev"].split(".")[0]
    assert "new_device" not in cleared["reasons"], cleared
    assert "device_changed" not in cleared["reasons"], cleared
    # another machine (screen, timezone, pixel ratio): a new device
    assert "new_device" in other["reasons"], other


# --- 6: the form mechanics with the real endpoint --------------------------------

def test_a_form_post_carries_the_token_and_a_formaction_button_posts_to_its_url(
        site, upstream):
    r = run("form_post", site)
    got = drained(upstream)
    login = [q for q in got if q["path"] == "/login"]
    forgot = [q for q in got if q["path"] == "/forgot"]
    assert len(login) == 1 and len(forgot) == 1, [q["path"] for q in got]
    form = parse_qs(login[0]["body"].decode())
    assert form["go"] == ["yes"] and form["username"] == ["finn"]
    assert len(form["lr_token"]) == 1 and form["lr_token"][0].count(".") == 3
    a = site.alert(1)
    assert "no_telemetry" not in a["reasons"] and "bad_token" not in a["reasons"], a
    assert r["login"]["title"] == "account"

    form = parse_qs(forgot[0]["body"].decode())
    assert form["forgot"] == ["1"] and "go" not in form, form
    assert "lr_token" in form
    assert r["forgot"]["url"] == "/forgot"
    assert len(site.n.alerts()) == 1      # /forgot is no login


def test_a_fetch_login_of_a_single_page_app_comes_after_the_collect(site, upstream):
    r = run("spa", site)
    assert r["title"] == "done 200", r     # 302 to /account, followed
    collects = r["collects"]
    assert len(collects) == 1 and collects[0]["status"] == 200, collects
    assert collects[0]["at"] <= r["login_at"]
    login = [q for q in drained(upstream) if q["path"] == "/api/login"]
    assert len(login) == 1
    assert "lr_token=" in (login[0].header("cookie") or ""), login[0]["headers"]
    assert json.loads(login[0]["body"]) == {"user": "sara", "password": "right"}
    a = site.alert(1)
    assert a["uri"] == "/api/login" and a["user"] == "sara", a
    for bad in ("no_telemetry", "bad_token", "replayed_token", "ua_mismatch"):
        assert bad not in a["reasons"], a


def test_a_button_that_logs_in_by_xhr_gets_its_collect_first(site, upstream):
    r = run("xhr_button", site)
    assert r["title"] == "done 200", r
    collects = r["collects"]
    assert len(collects) == 1 and collects[0]["status"] == 200, collects
    assert collects[0]["at"] <= r["login_at"]
    login = [q for q in drained(upstream) if q["path"] == "/api/session"]
    assert len(login) == 1 and "lr_token=" in (login[0].header("cookie") or "")
    a = site.alert(1)
    assert a["uri"] == "/api/session" and a["user"] == "xena", a
    for bad in ("no_telemetry", "bad_token", "replayed_token", "ua_mismatch"):
        assert bad not in a["reasons"], a


def test_a_collect_that_does_not_answer_does_not_hold_the_login(
        nginx_factory, redis_factory, upstream):
    """Redis stops answering (DEBUG SLEEP) just before the submit: the
    collect hangs in nginx, the collector lets the login go after its 300 ms
    cap, and the login is scored without telemetry once Redis is back."""
    rs = redis_factory()
    s = make_site(nginx_factory, rs.port, timeout="5s")
    r = run("slow_collect", s, on_sync=lambda msg: rs.pause(1.5) and None)
    held = r["login_at"] - r["clicked_at"]
    assert held < 1000, r
    assert r["collect_at"] is not None and r["collect_at"] <= r["login_at"]
    assert "lr_token" not in r["login_body"]
    assert r["title"] == "account"
    a = s.alert(1)
    assert "no_telemetry" in a["reasons"], a
    assert "state_unavailable" not in a["reasons"], a
