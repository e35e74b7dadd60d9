"""login_risk_metrics: the counters move as logins, telemetry posts and
Redis faults happen, by exact counts, summed over two workers (a reuseport
listener spreads the connections over both, and the access log's $pid shows
that each served some), served in Prometheus's text format (checked by a
small parser of its own) and kept across a reload."""

import http.client
import itertools
import json
import re
import threading
import time
import uuid
from collections import Counter

import pytest

from conftest import CHROME_WIN, GEOIP_HTTP, SAFARI_IPHONE
from test_collect import HEADERS as COLLECT_HEADERS
from test_collect import HUMAN, KEY, sign

# documentation addresses, see tests/data/README.md
JP = "192.0.2.10"
US = "192.0.2.130"
DE = "198.51.100.10"
BR = "198.51.100.200"

HTTP = GEOIP_HTTP + """
    login_risk_redis 127.0.0.1:@REDIS@ timeout=@TIMEOUT@;
    login_risk_prefix m:;
    login_risk_secret_file @DIR@/keys;
    log_format pids '$pid $uri $status';
"""

SERVER = """
    listen 127.0.0.1:@PORT2@ reuseport;
    access_log @DIR@/logs/pids.log pids;
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
    location = /guarded {
        login_risk on;
        login_risk_success status=302;
        login_risk_limit ip_user_failures 3;
        login_risk_limit ip_failures 3;
        login_risk_limit user_failures 3;
        login_risk_block_status 429;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /watch {
        login_risk on;
        login_risk_mode monitor;
        login_risk_success status=302;
        login_risk_limit ip_user_failures 3;
        login_risk_limit ip_failures 3;
        login_risk_limit user_failures 3;
        login_risk_alert_log @DIR@/logs/alert.log;
        proxy_pass http://app;
    }
    location = /login-risk/collect {
        login_risk_collect;
    }
    location = /metrics {
        login_risk_metrics;
        allow 127.0.0.1;
        deny all;
    }
    location / {
        proxy_pass http://app;
    }
"""

ACTIONS = ("allow", "tag", "challenge", "block")

# one Japanese address per login unless a test names one: ip_many_users
# (5 users from one address) stays out of the counts
ADDRESSES = ("192.0.2.%d" % i for i in itertools.cycle(range(20, 120)))


def make(nginx_factory, redis_port, timeout="500ms"):
    conf = HTTP.replace("@REDIS@", str(redis_port)).replace("@TIMEOUT@", timeout)
    n = nginx_factory(http=conf, server=SERVER, workers=2, start=False)
    with open(n.dir + "/keys", "w") as f:
        f.write(KEY)
    return n.start()


# --- the exposition format ----------------------------------------------------

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
SAMPLE = re.compile(r"(%s)(?:\{(.*)\})? (\S+)$" % NAME)


class Metrics(dict):
    """{(name, ((label, value), ...)): value} with the families' types."""

    def __init__(self, text):
        super().__init__()
        self.types = {}
        self.helps = {}
        self.text = text
        parse(text, self)

    def get(self, name, **labels):
        """The value of one series, which must be there."""
        key = (name, tuple(sorted(labels.items())))
        assert key in self, "no series %s%s in\n%s" % (name, labels, self.text)
        return self[key]

    def series(self, name):
        """{label tuple: value} of every series of one name."""
        return {labels: v for (n, labels), v in self.items() if n == name}

    def by(self, name, label):
        return {dict(labels)[label]: v for labels, v in self.series(name).items()}


def parse(text, out):
    """Parses the text format 0.0.4, asserting as it goes: HELP and TYPE
    once per family and before its samples, names and labels by the
    grammar, a value on every sample, the samples of a family together,
    a histogram's buckets cumulative up to +Inf, which is its count."""
    assert text.endswith("\n"), "the last line ends with a newline"
    family, seen_families, histograms = None, set(), {}
    for line in text[:-1].split("\n"):
        assert line, "no empty line"
        if line.startswith("# HELP "):
            name, _, doc = line[7:].partition(" ")
            assert re.fullmatch(NAME, name) and doc, line
            assert name not in out.helps, "HELP twice for " + name
            out.helps[name] = doc
            continue
        if line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            assert name not in out.types, "TYPE twice for " + name
            assert name in out.helps, "HELP before TYPE for " + name
            out.types[name] = kind
            assert name not in seen_families, "samples of %s before its TYPE" % name
            family = name
            seen_families.add(name)
            continue
        assert not line.startswith("#"), line
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        name, labels_text, value = m.groups()
        labels = []
        if labels_text:
            pos = 0
            while pos < len(labels_text):
                lm = LABEL.match(labels_text, pos)
                assert lm, "bad labels in %r" % line
                labels.append((lm.group(1), lm.group(2)))
                pos = lm.end()
        value = float(value)
        kind = out.types.get(family)
        assert family is not None, "a sample before any TYPE: " + line
        if kind == "histogram":
            assert name in (family + "_bucket", family + "_sum", family + "_count"), line
            if name == family + "_bucket":
                assert [k for k, _ in labels] == ["le"], line
                histograms.setdefault(family, []).append((dict(labels)["le"], value))
        else:
            assert name == family, "%s among the samples of %s" % (name, family)
        if kind == "counter":
            assert name.endswith("_total") and value >= 0, line
        key = (name, tuple(sorted(labels)))
        assert key not in out, "series twice: " + line
        out[key] = value
    for name, buckets in histograms.items():
        bounds = [float(le) for le, _ in buckets]
        assert bounds == sorted(bounds) and buckets[-1][0] == "+Inf", buckets
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), "buckets are cumulative: %s" % buckets
        assert counts[-1] == out[(name + "_count", ())], "+Inf is the count"
        assert (name + "_sum", ()) in out


def scrape(n, port=None, path="/metrics"):
    status, headers, body = request(n, "GET", path, port=port)
    assert status == 200, body
    assert headers["Content-Type"] == "text/plain; version=0.0.4"
    assert headers["Cache-Control"] == "no-store"
    return Metrics(body.decode())


def test_the_parser_refuses_what_is_not_the_format():
    good = ("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 2\n"
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n")
    assert Metrics(good).get("a_total", x="1") == 2
    for bad in (good.replace("h_count 2", "h_count 3"),          # +Inf != count
                good.replace("le=\"0.1\"} 1", "le=\"0.1\"} 3"),  # not cumulative
                good.replace("a_total{x=\"1\"} 2", "a_total{x=1} 2"),
                good.replace("# TYPE a_total counter\n", ""),
                good.replace("a_total{x=\"1\"} 2", "b_total 2"),
                good.rstrip("\n"),
                good + "a_total{x=\"1\"} 2\n"):
        with pytest.raises(AssertionError):
            Metrics(bad)


# --- talking to nginx -------------------------------------------------------------

def request(n, method, path, body=None, headers=None, port=None):
    """One request on a connection of its own, by default to the reuseport
    listener, which the kernel spreads over the workers."""
    conn = http.client.HTTPConnection("127.0.0.1", port or n.port2, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def login(n, user, ip=None, password="right", path="/login", ua=CHROME_WIN,
          token=None, body=None, ctype="application/x-www-form-urlencoded"):
    h = {"X-Forwarded-For": ip or next(ADDRESSES), "User-Agent": ua,
         "Content-Type": ctype}
    if body is None:
        body = "username=%s&password=%s" % (user, password)
        if token:
            body += "&lr_token=" + token
    return request(n, "POST", path, body, h)[0]


def collect(n, telemetry=None, ua=CHROME_WIN):
    h = dict(COLLECT_HEADERS)
    h["Content-Type"] = "application/json"
    h["User-Agent"] = ua
    body = telemetry if isinstance(telemetry, str) else json.dumps(telemetry or HUMAN)
    status, _, data = request(n, "POST", "/login-risk/collect", body, h)
    return status, data


def settle():
    """The learning writes go out after the answer, on the worker that
    answered: the next login may be read by the other worker."""
    time.sleep(0.05)


def expected_from_alerts(alerts):
    """What the metrics must say, from the alert log: every inspected login
    has a line, with its action (null when refused as bad input), mode and
    reasons."""
    logins, reasons = Counter(), Counter()
    for a in alerts:
        if a["action"] is not None:
            logins[(a["action"], a["mode"])] += 1
        for r in a["reasons"]:
            reasons[r] += 1
    return logins, reasons


def settled(n, inspected, timeout=5.0):
    """The counters move in the log phase, just after the response: waits
    until every inspected login is counted (each has one alert line and
    one or more reasons or an action), then returns the metrics."""
    alerts = n.wait_logged(inspected, "alert")
    assert len(alerts) == inspected, alerts
    logins, reasons = expected_from_alerts(alerts)
    deadline = time.monotonic() + timeout
    while True:
        m = scrape(n)
        counted = sum(m.series("login_risk_logins_total").values())
        summed = sum(m.series("login_risk_login_reasons_total").values())
        if (counted >= sum(logins.values()) and summed >= sum(reasons.values())) \
                or time.monotonic() > deadline:
            return m, alerts, logins, reasons
        time.sleep(0.02)


def assert_matches_alerts(m, logins, reasons):
    for (labels, value) in m.series("login_risk_logins_total").items():
        d = dict(labels)
        assert value == logins[(d["action"], d["mode"])], (d, value, logins)
    got = m.by("login_risk_login_reasons_total", "reason")
    for code, count in reasons.items():
        assert got.get(code) == count, (code, got.get(code), count)
    assert sum(got.values()) == sum(reasons.values()), (got, reasons)
    assert got["other"] == 0, "every code the engine emits has its own series"


def pids_of(n, uri):
    out = set()
    for line in n.read("pids.log").splitlines():
        pid, u, _ = line.split(" ")
        if u == uri:
            out.add(int(pid))
    return out


def commandstats(redis_port, command):
    import redis
    stats = redis.Redis(port=redis_port).info("commandstats")
    return stats.get("cmdstat_" + command, {}).get("calls", 0)


# --- the tests ------------------------------------------------------------------

def test_logins_reasons_tokens_and_telemetry_are_counted_exactly(
        nginx_factory, own_redis, upstream):
    n = make(nginx_factory, own_redis.port)
    reads_before = commandstats(own_redis.port, "bitfield_ro")

    m = scrape(n)
    assert set(m.types) >= {"login_risk_logins_total", "login_risk_fail_open_total",
                            "login_risk_redis_read_duration_seconds"}
    assert m.types["login_risk_redis_read_duration_seconds"] == "histogram"
    assert sum(v for (name, _), v in m.items() if name.endswith("_total")) == 0
    # the workers' live lists report within a refresh (1 s): no entries,
    # just checked against Redis
    deadline = time.monotonic() + 5
    while "login_risk_list_entries" not in m.types and time.monotonic() < deadline:
        time.sleep(0.2)
        m = scrape(n)
    assert m[("login_risk_list_entries", ())] == 0
    assert 0 <= m[("login_risk_list_refresh_age_seconds", ())] < 3

    # N new users, one login each: allowed (nothing is new to nothing)
    N = 6
    for i in range(N):
        assert login(n, "new%d" % i) == 302
        settle()

    # K challenges: carol's habits, then a stranger from Brazil on an iPhone
    K = 3
    for i in range(3):
        assert login(n, "carol", ip=JP) == 302
        settle()
    for i in range(K):
        assert login(n, "carol", ip=BR, ua=SAFARI_IPHONE) == 302
        settle()

    # brute force: 3 failures are let through, then M blocks
    M = 4
    statuses = []
    for i in range(3 + M):
        statuses.append(login(n, "bob", ip=DE, password="wrong%d" % i, path="/guarded"))
        settle()
    assert statuses == [200] * 3 + [429] * M, statuses

    # the same in monitor mode: 2 blocks logged, not enforced
    statuses = []
    for i in range(5):
        statuses.append(login(n, "dave", ip=US, password="wrong%d" % i, path="/watch"))
        settle()
    assert statuses == [200] * 5, statuses

    # telemetry: 2 stored, 1 too large, 2 invalid
    status, data = collect(n)
    assert status == 200
    token = json.loads(data)["token"]
    status, data = collect(n, ua=SAFARI_IPHONE)
    assert status == 200
    other_browser = json.loads(data)["token"]
    assert collect(n, "x" * 9000)[0] == 413
    assert collect(n, "{not json")[0] == 400
    assert collect(n, {"ua": "x"})[0] == 400
    assert request(n, "GET", "/login-risk/collect")[0] == 405     # no telemetry

    # tokens: valid, replayed, forged, expired, another browser's
    tom = "192.0.2.5"
    assert login(n, "tom", ip=tom, token=token) == 302
    settle()
    assert login(n, "tom", ip=tom, token=token) == 302
    settle()
    assert login(n, "tom", ip=tom, token="not-a-token") == 302
    settle()
    expired = sign("%s.%d" % (uuid.uuid4().hex, int(time.time()) - 5))
    assert login(n, "tom", ip=tom, token=expired) == 302
    settle()
    assert login(n, "tom", ip=tom, token=other_browser) == 302
    settle()

    # bad input: refused before scoring, counted by reason only; no user:
    # scored
    assert login(n, None, body="username=%zz&password=x") == 400
    assert login(n, None, body="username=x", ctype="text/plain") == 415
    assert login(n, None, body="password=right") == 302

    inspected = N + 3 + K + (3 + M) + 5 + 5 + 3
    m, alerts, logins, reasons = settled(n, inspected)
    assert_matches_alerts(m, logins, reasons)

    actions = {a: m.get("login_risk_logins_total", action=a, mode="enforce")
               for a in ACTIONS}
    assert actions["block"] == M
    # the stranger K times; tom's replayed, forged and other browser's
    # tokens (his expired one is a tag)
    assert actions["challenge"] == K + 3
    assert actions["tag"] == 1
    assert actions["allow"] == N + 3 + 3 + 1 + 1, "habits, failures let through, tom, no user"
    assert m.get("login_risk_logins_total", action="block", mode="monitor") == 2
    assert m.get("login_risk_logins_total", action="allow", mode="monitor") == 3
    scored = inspected - 2
    assert sum(m.series("login_risk_logins_total").values()) == scored
    reason = m.by("login_risk_login_reasons_total", "reason")
    assert reason["bad_body"] == 1 and reason["unsupported_body"] == 1
    assert reason["no_user"] == 1
    assert reason["ip_user_failures"] == M + 2 and reason["new_country"] == K
    assert reason["replayed_token"] == 1 and reason["expired_token"] == 1
    assert reason["bad_token"] == 1 and reason["state_unavailable"] == 0

    tokens = m.by("login_risk_login_tokens_total", "token")
    assert tokens == {"valid": 1, "replayed": 1, "invalid": 1, "expired": 1,
                      "other_browser": 1, "unchecked": 0, "absent": scored - 5}, tokens

    assert m.get("login_risk_telemetry_accepted_total") == 2
    assert m.by("login_risk_telemetry_rejected_total", "reason") == \
        {"too_large": 1, "invalid": 2, "unavailable": 0}

    # one read per scored login, each answered: the histogram counts them
    # all, as many as Redis ran the read's BITFIELD_RO
    read = "login_risk_redis_read_duration_seconds"
    assert m.get(read + "_count") == scored
    assert commandstats(own_redis.port, "bitfield_ro") - reads_before == scored
    assert 0 < m.get(read + "_sum") < scored * 0.5
    assert m.get(read + "_bucket", le="0.25") == scored, "a local Redis, under 250 ms"
    assert sum(m.series("login_risk_redis_errors_total").values()) == 0
    assert m.get("login_risk_fail_open_total") == 0
    assert m.get("login_risk_fail_closed_total") == 0
    assert m.get("login_risk_redis_connection_failures_total") == 0

    # both workers served logins: the numbers are the sum of theirs
    assert len(pids_of(n, "/login")) == 2, n.read("pids.log")
    assert len(pids_of(n, "/guarded") | pids_of(n, "/watch")) == 2

    # the same numbers through either listener, from either worker
    again = scrape(n, port=n.port)
    assert again.series("login_risk_logins_total") == m.series("login_risk_logins_total")


def test_counts_survive_a_reload(nginx_factory, own_redis, upstream):
    n = make(nginx_factory, own_redis.port)
    for i in range(5):
        assert login(n, "r%d" % i) == 302
        settle()
    assert login(n, None, body="username=%zz") == 400
    before, _, _, _ = settled(n, 6)
    assert before.get("login_risk_logins_total", action="allow", mode="enforce") == 5

    pids = n.worker_pids()
    n.reload()
    assert not (n.worker_pids() & pids), "new workers"
    after = scrape(n)
    for key, value in before.items():
        # the sum is a float; the list gauges are the new workers' own
        if key[0] != "login_risk_redis_read_duration_seconds_sum" \
                and not key[0].startswith("login_risk_list_"):
            assert after[key] == value, (key, value, after[key])
    assert after.get("login_risk_redis_read_duration_seconds_sum") == \
        before.get("login_risk_redis_read_duration_seconds_sum")

    # and they go on from there
    assert login(n, "r-after") == 302
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        m = scrape(n)
        if m.get("login_risk_logins_total", action="allow", mode="enforce") > 5:
            break
        time.sleep(0.02)
    assert m.get("login_risk_logins_total", action="allow", mode="enforce") == 6
    assert m.get("login_risk_redis_read_duration_seconds_count") == 6
    assert m.get("login_risk_login_reasons_total", reason="bad_body") == 1


def test_redis_outage_counts_fail_open_closed_and_timeouts(nginx_factory, own_redis,
                                                           upstream):
    # timeout 200 ms: a connection with no answer for 2 s is dropped, and
    # the pause (1.5 s) is shorter: every login of the pause times out
    n = make(nginx_factory, own_redis.port, timeout="200ms")
    W = 4
    for i in range(W):
        assert login(n, "w%d" % i) == 302
        settle()
    settled(n, W)
    reads_before = commandstats(own_redis.port, "bitfield_ro")

    J, L, C = 4, 2, 2
    pauser = own_redis.pause(1.5)
    results = []

    def one(kind, i):
        if kind == "open":
            results.append((kind, login(n, "o%d" % i)))
        elif kind == "closed":
            results.append((kind, login(n, "c%d" % i, path="/closed")))
        else:
            results.append((kind, collect(n)[0]))

    threads = [threading.Thread(target=one, args=(k, i))
               for k, count in (("open", J), ("closed", L), ("collect", C))
               for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert pauser.is_alive(), "the logins were all sent while Redis slept"
    assert sorted(results) == sorted([("open", 302)] * J + [("closed", 403)] * L
                                     + [("collect", 503)] * C), results
    pauser.join(10)

    # back: scored again at once (the connection was kept)
    R = 2
    for i in range(R):
        assert login(n, "after%d" % i) == 302
        settle()

    m, alerts, logins, reasons = settled(n, W + J + L + R)
    assert_matches_alerts(m, logins, reasons)
    assert m.get("login_risk_fail_open_total") == J
    assert m.get("login_risk_fail_closed_total") == L
    assert m.get("login_risk_login_reasons_total", reason="state_unavailable") == J + L
    errors = m.by("login_risk_redis_errors_total", "kind")
    read_errors = {labels: v for labels, v in m.series("login_risk_redis_errors_total").items()
                   if dict(labels)["op"] == "read"}
    assert sum(read_errors.values()) == J + L
    assert m.get("login_risk_redis_errors_total", op="read", kind="timeout") == J + L, errors
    assert m.by("login_risk_telemetry_rejected_total", "reason")["unavailable"] == C
    assert m.get("login_risk_telemetry_accepted_total") == 0
    assert m.get("login_risk_redis_connection_failures_total") == 0
    tokens = m.by("login_risk_login_tokens_total", "token")
    assert tokens["absent"] == W + J + L + R
    # the timed-out reads did reach Redis once it woke, but only the
    # answered ones are in the histogram
    read = "login_risk_redis_read_duration_seconds"
    assert m.get(read + "_count") == W + R
    assert commandstats(own_redis.port, "bitfield_ro") - reads_before == J + L + R

    # Redis stopped: the connections close, every worker's counts as a
    # failure; each login without its state is counted once, by its kind
    own_redis.stop()
    S = 3
    for i in range(S):
        assert login(n, "s%d" % i) == 302
        time.sleep(0.1)
    m, _, logins, reasons = settled(n, W + J + L + R + S)
    assert_matches_alerts(m, logins, reasons)
    assert m.get("login_risk_fail_open_total") == J + S
    read_errors = {dict(labels)["kind"]: v
                   for labels, v in m.series("login_risk_redis_errors_total").items()
                   if dict(labels)["op"] == "read"}
    assert sum(read_errors.values()) == J + L + S, read_errors
    assert read_errors["timeout"] == J + L
    assert read_errors["not_connected"] + read_errors["connection_lost"] == S
    assert m.get("login_risk_redis_connection_failures_total") >= 2, \
        "both workers lost their connection"
    assert m.get(read + "_count") == W + R


def test_only_get_and_head(nginx_factory, own_redis):
    n = make(nginx_factory, own_redis.port)
    for method in ("POST", "PUT", "DELETE"):
        status, _, _ = request(n, method, "/metrics", body="x")
        assert status == 405, method
    status, headers, body = request(n, "HEAD", "/metrics")
    assert status == 200 and body == b""
    assert headers["Content-Type"] == "text/plain; version=0.0.4"
    assert int(headers["Content-Length"]) == len(request(n, "GET", "/metrics")[2])


def test_metrics_without_any_login_location(nginx_factory):
    """The zone comes with login_risk_metrics alone: all zeros, nothing
    else of the module is needed."""
    n = nginx_factory(http="", server="""
        location = /metrics { login_risk_metrics insecure; }
        location / { proxy_pass http://app; }
    """, workers=2)
    m = scrape(n, port=n.port)
    assert m.get("login_risk_logins_total", action="allow", mode="enforce") == 0
    assert sum(m.series("login_risk_login_reasons_total").values()) == 0
    assert len(m.series("login_risk_login_reasons_total")) >= 40
    res = n.check_config()
    assert res.returncode == 0, res.stderr


def test_directive_takes_only_insecure_and_is_not_repeated(nginx_factory):
    n = nginx_factory(server="location = /m { login_risk_metrics on; }", start=False)
    res = n.check_config()
    assert res.returncode != 0 and 'invalid parameter "on"' in res.stderr
    n = nginx_factory(server="location = /m { login_risk_metrics insecure x; }",
                      start=False)
    res = n.check_config()
    assert res.returncode != 0 and "invalid number of arguments" in res.stderr
    n = nginx_factory(server="location = /m { login_risk_metrics; login_risk_metrics; }",
                      start=False)
    res = n.check_config()
    assert res.returncode != 0 and "is duplicate" in res.stderr
