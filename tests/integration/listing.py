"""What test_lists.py and test_admin.py share: an nginx with a login
location, an admin location and list files, on a Redis key prefix of the
test's own; talking to the admin API; logging in; waiting for something
to become true; a snapshot of everything the prefix holds in Redis."""

import json
import os
import time
import uuid
from urllib.parse import quote

import redis

from conftest import GEOIP_HTTP

# documentation addresses, see tests/data/README.md
JP = "192.0.2.10"           # JP, AS64496
JP2 = "192.0.2.20"
US = "192.0.2.130"          # US, AS64497
DE = "198.51.100.10"        # DE, AS64498
DE2 = "198.51.100.77"
BR = "198.51.100.200"       # BR, AS65536
GB = "203.0.113.10"         # GB, AS65537
JP6 = "2001:db8:1::5"
US6 = "2001:db8:2::5"

ADMIN = "/login-risk/admin/"

HTTP = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=500ms;
    login_risk_prefix @PREFIX@;
    @EXTRA@
"""

SERVER = """
    location = /login {
        login_risk on;
        login_risk_success status=302;
        login_risk_alert_log @DIR@/logs/alert.log;
        add_header X-Test-Reasons $login_risk_reasons always;
        add_header X-Test-Action $login_risk_action always;
        proxy_pass http://app;
    }
    location /login-risk/admin/ {
        allow 127.0.0.1;
        deny all;
        login_risk_admin;
        login_risk_admin_actor $http_x_test_actor;
        login_risk_alert_log @DIR@/logs/alert.log;
    }
    @SERVER@
    location / {
        proxy_pass http://app;
    }
"""


def make(nginx_factory, redis_port, prefix=None, extra="", server="",
         files=None, workers=2, start=True):
    """An nginx on redis_port under its own key prefix; files maps a name
    to the text of a list file written in its folder (@DIR@/NAME) before
    it starts."""
    prefix = prefix or "t%s:" % uuid.uuid4().hex[:8]
    http = (HTTP.replace("@REDIS@", str(redis_port)).replace("@PREFIX@", prefix)
            .replace("@EXTRA@", extra))
    n = nginx_factory(http=http, server=SERVER.replace("@SERVER@", server),
                      workers=workers, start=False)
    for name, text in (files or {}).items():
        write(n, name, text)
    n.prefix = prefix
    n.r = redis.Redis(port=redis_port)
    return n.start() if start else n


def write(n, name, text):
    path = os.path.join(n.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


def api(n, method, path, body=None, actor="tester", headers=None, raw=False):
    """One admin request: (status, headers, parsed JSON body)."""
    h = {"X-Test-Actor": actor} if actor else {}
    h.update(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    status, hdrs, data = n.request(method, ADMIN + path, body=body, headers=h)
    if raw:
        return status, hdrs, data
    assert hdrs.get("Content-Type") == "application/json", (status, data)
    return status, hdrs, json.loads(data)


def entry_path(kind, side, entry):
    return "lists/%s/%s/%s" % (kind, side, quote(entry, safe=""))


def login(n, user, ip, password="right", headers=None):
    """A form login from ip: (status, reasons, action)."""
    h = {"X-Forwarded-For": ip}
    h.update(headers or {})
    status, hdrs, _ = n.post_form("/login", "username=%s&password=%s"
                                  % (quote(user), password), headers=h)
    reasons = hdrs.get("X-Test-Reasons", "")
    return status, reasons.split(",") if reasons else [], hdrs.get("X-Test-Action")


def until(what, timeout=5.0, step=0.05):
    """Polls what() until it is true; returns the seconds it took, or
    fails the test after timeout."""
    start = time.monotonic()
    while True:
        if what():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError("not true within %.1f s" % timeout)
        time.sleep(step)


def snapshot(n):
    """Every key of the test's prefix with its serialised value."""
    return {k: n.r.dump(k) for k in n.r.scan_iter(match=n.prefix + "*", count=1000)}


def blocked(n, ip, user=None):
    """A login from ip is refused by a block list."""
    status, reasons, _ = login(n, user or "u%s" % uuid.uuid4().hex[:6], ip)
    return status == 403 and any(r.startswith("blocklist:") for r in reasons)
