#!/usr/bin/python3
"""make soak: minutes of mixed logins on loopback against the real nginx
with the module and a private redis-server, while Redis is paused, killed
and stopped and nginx reloaded (tests/soak/faults.py has the plan, load.py
the traffic). Then it checks:

  - no worker crashed: error_log has no "exited on signal", no worker exit
    with a code other than 0, no [alert], [crit] or [emerg] (nginx writes
    "open socket ... left in connection" at [alert] when a worker exits
    with a connection it lost track of);
  - no answer came later than the Redis timeout plus a margin (every
    request timed client-side; a slow body from its last byte), none failed,
    no 5xx but the collect endpoint's 503 while Redis was away, bad input
    got its documented status;
  - fail-open decisions: login_risk_fail_open_total equals the alert log's
    state_unavailable logins in fail-open locations, and the application
    saw exactly as many; login_risk_fail_closed_total equals those of the
    fail-closed location; every one of them was within an outage (from its
    start, less the Redis timeout, to its end plus the longest reconnect
    backoff), and every outage has some;
  - the last workers (after the last reload) held no more memory (within
    SOAK_RSS_MIB) nor descriptors at the end than after their warm-up, both
    counted with no request in flight; each still has its one Redis
    connection;
  - every answered login has its alert line, every log line parses, no
    X-Login-Risk-* header reached a client, the metrics never went down.

Environment: SOAK_DURATION (seconds, default 180, at least 60), SOAK_RATE
(logins started per second, default 80; a customer's login adds its
collector post), SOAK_WORKERS (2), SOAK_REDIS_TIMEOUT_MS (100), SOAK_MARGIN
(seconds over the timeout an answer may take, 0.4), SOAK_RSS_MIB (4),
SOAK_SEED (1), SOAK_OUT (the folder for nginx's files and result.json,
default build/soak), NGINX_BIN, LR_MODULE, LR_GEOIP_DIR, LR_ASAN=1 (nginx and
the module are AddressSanitizer builds: a report fails the soak; RSS is not
judged then, ASan's quarantine holds freed memory). Exit status 0 when every
check passed."""

import datetime
import json
import os
import re
import shutil
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import faults                   # noqa: E402
import load as loadgen          # noqa: E402

ASAN = os.environ.get("LR_ASAN") == "1"

# the longest wait for a reconnect after Redis is back: the backoff's cap
# (5 s) plus up to half again, and a margin
RECOVER = 8.0

CONF = """
load_module {module};
daemon off;
master_process on;
worker_processes {workers};
error_log {dir}/logs/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections 2048; }}
http {{
    log_format soak escape=json '{{"t":$msec,"rt":$request_time,"id":"$request_id",'
        '"pid":$pid,"uri":"$uri","status":$status,'
        '"user":"$login_risk_user","action":"$login_risk_action",'
        '"reasons":"$login_risk_reasons"}}';
    access_log {dir}/logs/access.log soak;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    underscores_in_headers on;

    login_risk_geoip_city {dir}/geoip/test-city.mmdb;
    login_risk_geoip_asn {dir}/geoip/test-asn.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    login_risk_redis 127.0.0.1:{redis} timeout={timeout}ms;
    login_risk_prefix soak:;
    login_risk_secret_file {dir}/keys;
    login_risk_device_cookie lr_dev;

    # the application: says the outcome it is asked for, and shows the
    # client what the module told it (the module strips its own headers
    # from answers, not these)
    server {{
        listen 127.0.0.1:{app};
        access_log off;
        location / {{
            add_header X-Login-Risk-Outcome $http_x_test_outcome;
            add_header X-Echo-Reasons $http_x_login_risk_reasons;
            add_header X-Echo-Action $http_x_login_risk_action;
            add_header X-Echo-Score $http_x_login_risk_score;
            return 200 "app\\n";
        }}
    }}

    server {{
        listen 127.0.0.1:{port};
        # to find a slow answer in the access log (its $request_time)
        add_header X-Soak-Request $request_id always;
        location = /login-risk/collect {{
            login_risk_collect;
        }}
        location = /login {{
            login_risk on;
            login_risk_expect_telemetry on;
            login_risk_alert_log {dir}/logs/alert.log;
            proxy_pass http://127.0.0.1:{app};
        }}
        location = /api/login {{
            login_risk on;
            login_risk_user_field login;
            login_risk_expect_telemetry on;
            login_risk_alert_log {dir}/logs/alert.log;
            proxy_pass http://127.0.0.1:{app};
        }}
        location = /closed {{
            login_risk on;
            login_risk_on_error block;
            login_risk_alert_log {dir}/logs/alert.log;
            proxy_pass http://127.0.0.1:{app};
        }}
        location = /vanish {{
            login_risk on;
            login_risk_alert_log {dir}/logs/vanish.log;
            proxy_pass http://127.0.0.1:{app};
        }}
        location = /metrics {{
            login_risk_metrics;
            allow 127.0.0.1;
            deny all;
        }}
        location / {{
            proxy_pass http://127.0.0.1:{app};
        }}
    }}
}}
"""

LOGIN_PATHS = ("/login", "/api/login", "/closed")
SAMPLE = re.compile(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$")


def env(name, default, kind=float):
    return kind(os.environ.get(name, default))


def parse_metrics(text):
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def metric_sum(m, name, **labels):
    want = ['%s="%s"' % kv for kv in labels.items()]
    return sum(v for (n, l), v in m.items() if n == name and all(w in l for w in want))


def alert_time(a):
    t = datetime.datetime.strptime(a["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return [l for l in f.read().split(b"\n") if l]


def read_loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))]


class Soak:
    def __init__(self):
        self.duration = max(60.0, env("SOAK_DURATION", 180))
        self.rate = env("SOAK_RATE", 80)
        self.workers = env("SOAK_WORKERS", 2, int)
        self.timeout = env("SOAK_REDIS_TIMEOUT_MS", 100, int)
        self.margin = env("SOAK_MARGIN", 0.4)
        self.rss_mib = env("SOAK_RSS_MIB", 4)
        self.seed = env("SOAK_SEED", 1, int)
        self.out = os.path.abspath(os.environ.get("SOAK_OUT", os.path.join(ROOT, "build", "soak")))
        self.nginx_bin = os.path.abspath(os.environ.get("NGINX_BIN", "/usr/sbin/nginx"))
        self.module = os.path.abspath(os.environ.get(
            "LR_MODULE", os.path.join(ROOT, "build", "ngx_http_login_risk_module.so")))
        self.geoip = os.path.abspath(os.environ.get("LR_GEOIP_DIR",
                                                    os.path.join(ROOT, "build", "geoip")))
        self.checks = []
        self.t0 = None

    def log(self, msg):
        at = time.monotonic() - self.t0 if self.t0 else 0.0
        print("[%6.1fs] %s" % (at, msg), flush=True)

    def check(self, ok, name, detail=""):
        self.checks.append({"check": name, "ok": bool(ok), "detail": detail})
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""),
              flush=True)

    # --- setting up ---------------------------------------------------------

    def prepare(self):
        shutil.rmtree(self.out, ignore_errors=True)
        for d in ("logs", "tmp", "redis"):
            os.makedirs(os.path.join(self.out, d))
        # the workers run as "nobody" when this runs as root
        os.chmod(self.out, 0o755)
        os.chmod(os.path.join(self.out, "tmp"), 0o777)
        shutil.copytree(self.geoip, os.path.join(self.out, "geoip"))
        with open(os.path.join(self.out, "keys"), "w") as f:
            f.write("k1 " + os.urandom(32).hex() + "\n")
        os.chmod(os.path.join(self.out, "keys"), 0o600)
        self.redis = faults.RedisProc(os.path.join(self.out, "redis"))
        self.port, self.app = faults.free_port(), faults.free_port()
        conf = os.path.join(self.out, "nginx.conf")
        with open(conf, "w") as f:
            f.write(CONF.format(module=self.module, workers=self.workers, dir=self.out,
                                redis=self.redis.port, timeout=self.timeout,
                                app=self.app, port=self.port))
        self.nginx = faults.NginxProc(self.nginx_bin, self.out, conf)
        if ASAN:
            # as the integration tests run it (tests/integration/conftest.py)
            os.environ["ASAN_OPTIONS"] = ("detect_leaks=0:detect_odr_violation=0:"
                                          "log_path=%s/logs/asan" % self.out)

    # --- the run --------------------------------------------------------------

    def run(self):
        self.prepare()
        self.redis.start()
        self.nginx.start(self.port)
        self.load = loadgen.Load(self.port, self.rate, self.seed)
        self.faults = faults.Faults(self.redis, self.nginx, self.load, self.log)
        events = faults.plan(self.duration)
        print("soak: %.0fs, %.0f logins/s started, %d workers, Redis timeout %d ms, "
              "answers within %.2fs; nginx %s; files in %s"
              % (self.duration, self.rate, self.workers, self.timeout,
                 self.timeout / 1000.0 + self.margin, self.nginx_bin, self.out), flush=True)
        self.loadavg = [read_loadavg()]
        self.t0 = time.monotonic()
        load_thread = threading.Thread(target=self.load.run, daemon=True)
        fault_thread = threading.Thread(target=self.faults.run, args=(events, self.t0),
                                        daemon=True)
        load_thread.start()
        fault_thread.start()
        while time.monotonic() - self.t0 < self.duration:
            time.sleep(0.2)
        fault_thread.join(60)
        self.load.stop()
        load_thread.join(60)
        self.elapsed = time.monotonic() - self.t0
        self.log("load stopped: %d logins started, %d requests"
                 % (self.load.started_logins, len(self.load.records)))
        time.sleep(1.0)
        self.faults.measures["end"] = faults.measure(self.nginx, self.redis, None)
        self.final_metrics = parse_metrics(self.scrape())
        self.nginx.stop()
        self.redis.stop()

    def scrape(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        c.request("GET", "/metrics")
        body = c.getresponse().read().decode()
        c.close()
        return body

    # --- the checks -------------------------------------------------------------

    def verify(self):
        recs = self.load.records
        logs = os.path.join(self.out, "logs")
        result = {"duration_s": round(self.elapsed, 1), "rate": self.rate,
                  "workers": self.workers, "redis_timeout_ms": self.timeout,
                  "logins_started": self.load.started_logins, "requests": len(recs)}
        self.check(self.faults.error is None, "fault script ran", self.faults.error or "")

        # crashes
        with open(os.path.join(logs, "error.log"), errors="replace") as f:
            elog = f.read()
        bad = [l for l in elog.splitlines()
               if re.search(r"exited on signal|exited with code [1-9]|SIGSEGV|SIGABRT|"
                            r"SIGBUS|core dumped|\[(alert|crit|emerg)\]", l)]
        self.check(not bad, "no worker crash, no [alert]/[crit]/[emerg]",
                   "\n".join(bad[:10]))
        if ASAN:
            reports = [n for n in os.listdir(logs) if n.startswith("asan")]
            self.check(not reports, "no AddressSanitizer report", " ".join(reports))
        result["error_log_levels"] = {lvl: len(re.findall(r"\[%s\]" % lvl, elog))
                                      for lvl in ("error", "warn", "notice", "info")}

        # latency, errors, statuses
        limit = self.timeout / 1000.0 + self.margin
        timed = [r for r in recs if r.timed and r.error is None]
        failed = [r for r in recs if r.error is not None]
        self.check(not failed, "every request answered (no reset, no client timeout)",
                   "; ".join("%s %s %s: %s" % (r.kind, r.what, r.path, r.error)
                             for r in failed[:10]))
        slowest = sorted(timed, key=lambda r: r.latency, reverse=True)[:5]
        self.check(slowest and slowest[0].latency <= limit,
                   "no answer slower than the Redis timeout + %.2fs (%.2fs)" % (self.margin, limit),
                   "slowest: " + ", ".join("%.3fs %s %s %s" % (r.latency, r.kind, r.what, r.path)
                                           for r in slowest))
        # the slowest, with what nginx measured ($request_time: from the
        # request's first byte read): a long wait nginx did not see was in
        # the accept queue or the client, a starved machine
        nginx_time = {}
        for line in read_lines(os.path.join(logs, "access.log")):
            try:
                a = json.loads(line.decode("utf-8"))
            except ValueError:
                continue
            nginx_time[a["id"]] = a["rt"]
        result["slowest"] = [
            {"at_s": round(r.start - self.t0, 2), "kind": r.kind, "what": r.what,
             "path": r.path, "status": r.status, "client_s": round(r.latency, 4),
             "nginx_s": nginx_time.get(r.header("x-soak-request"))}
            for r in sorted(timed, key=lambda r: r.latency, reverse=True)[:10]]
        result["loadavg"] = [self.loadavg[0], read_loadavg()]
        stalls = self.load.stalls
        result["load_generator_late_s"] = {
            "max": round(max([d for _, d in stalls] or [0.0]), 3),
            "over_0.1s": len(stalls),
            "worst_at_s": round(max(stalls, key=lambda x: x[1])[0] - self.t0, 1)
            if stalls else None}
        lat = [r.latency for r in timed]
        logins = [r.latency for r in timed if r.path in LOGIN_PATHS]
        result["latency_s"] = {
            "max": round(max(lat), 4), "p50": round(percentile(lat, 50), 4),
            "p99": round(percentile(lat, 99), 4), "p999": round(percentile(lat, 99.9), 4),
            "logins_max": round(max(logins), 4), "logins_p99": round(percentile(logins, 99), 4),
            "limit": limit}
        outages = self.faults.outages
        server_errors = [r for r in timed if r.status >= 500
                         and not (r.path == "/login-risk/collect" and r.status == 503
                                  and self.in_outage(r.wall, r.wall + r.latency, outages))]
        self.check(not server_errors, "no 5xx (but collect's 503 while Redis is away)",
                   ", ".join("%s %s %d" % (r.kind, r.path, r.status) for r in server_errors[:10]))
        wrong = [r for r in timed if r.kind == "malformed"
                 and r.status not in loadgen.MALFORMED_STATUS[r.what]]
        wrong += [r for r in timed if r.kind in ("legit", "stuffing", "brute", "slow")
                  and r.status not in (200, 403)]
        self.check(not wrong, "each request got its documented status",
                   ", ".join("%s %s %s %d" % (r.kind, r.what, r.path, r.status)
                             for r in wrong[:10]))
        leaked = [r for r in timed if any(k.replace("_", "-").startswith("x-login-risk-")
                                          for k in r.headers)]
        spoofed = [r for r in timed if "spoof" in (r.header("x-echo-action") or "")
                   + (r.header("x-echo-reasons") or "")]
        self.check(not leaked and not spoofed,
                   "no X-Login-Risk-* header reached a client; no spoofed one the application",
                   "%d leaked, %d spoofed" % (len(leaked), len(spoofed)))

        # fail-open accounting
        alerts = [json.loads(l) for l in read_lines(os.path.join(logs, "alert.log"))]
        vanish = [json.loads(l) for l in read_lines(os.path.join(logs, "vanish.log"))]
        unavailable = [a for a in alerts + vanish if "state_unavailable" in a["reasons"]]
        a_open = [a for a in unavailable if a["uri"] != "/closed"]
        a_closed = [a for a in unavailable if a["uri"] == "/closed"]
        m = self.final_metrics
        m_open = metric_sum(m, "login_risk_fail_open_total")
        m_closed = metric_sum(m, "login_risk_fail_closed_total")
        seen = [r for r in timed if "state_unavailable" in r.reasons()]
        self.check(m_open == len(a_open), "login_risk_fail_open_total = fail-open lines in "
                   "the alert logs", "%d vs %d" % (m_open, len(a_open)))
        self.check(m_closed == len(a_closed), "login_risk_fail_closed_total = fail-closed "
                   "lines in the alert log", "%d vs %d" % (m_closed, len(a_closed)))
        answered_open = [a for a in a_open if a["uri"] != "/vanish"]
        self.check(len(seen) == len(answered_open), "the application saw every fail-open "
                   "login, as state_unavailable", "%d vs %d" % (len(seen), len(answered_open)))
        pre = self.timeout / 1000.0 + 0.3
        outside = [a for a in unavailable
                   if not self.in_outage(alert_time(a), alert_time(a), outages, pre)]
        self.check(not outside, "no state_unavailable outside the outages (%.1fs before to "
                   "%.1fs after each)" % (pre, RECOVER),
                   ", ".join("%s %s" % (a["time"], a["uri"]) for a in outside[:10]))
        per = []
        for i, o in enumerate(outages):
            # up to the next outage's start at the latest
            until = o["end"] + RECOVER
            if i + 1 < len(outages):
                until = min(until, outages[i + 1]["start"] - pre)
            mine = [alert_time(a) for a in unavailable
                    if o["start"] - pre <= alert_time(a) <= until]
            per.append({"what": o["what"], "seconds": o["seconds"],
                        "state_unavailable": len(mine),
                        "last_after_end_s": round(max(mine) - o["end"], 2) if mine else None})
        self.check(all(p["state_unavailable"] for p in per), "every outage was felt",
                   "; ".join("%s: %d" % (p["what"], p["state_unavailable"]) for p in per))
        reads = {k: metric_sum(m, "login_risk_redis_errors_total", op="read", kind=k)
                 for k in ("timeout", "error_reply", "bad_reply", "connection_lost",
                           "not_connected")}
        result["fail_open"] = {"metric": m_open, "alert_lines": len(a_open),
                               "seen_by_app": len(seen)}
        result["fail_closed"] = {"metric": m_closed, "alert_lines": len(a_closed)}
        result["outages"] = per
        result["read_errors"] = reads
        result["connection_failures"] = metric_sum(
            m, "login_risk_redis_connection_failures_total")
        result["reloads"] = len(self.faults.reloads)

        # every answered login has its line; every line parses
        inspected = [r for r in timed if r.path in LOGIN_PATHS and r.what != "m_get_login"]
        self.check(len(alerts) == len(inspected), "one alert line per answered login",
                   "%d lines, %d logins" % (len(alerts), len(inspected)))
        access = read_lines(os.path.join(logs, "access.log"))
        broken = 0
        for line in access:
            try:
                json.loads(line.decode("utf-8"))
            except ValueError:
                broken += 1
        self.check(broken == 0, "every access log line parses", "%d broken" % broken)

        # metrics never went down (reloads keep them)
        scrapes = [r for r in recs if r.kind == "metrics" and r.status == 200]
        self.check(len(scrapes) > 10, "metrics scraped during the run", str(len(scrapes)))
        result["logins_by_action"] = {a: metric_sum(m, "login_risk_logins_total", action=a)
                                      for a in ("allow", "tag", "challenge", "block")}

        # memory and descriptors of the last workers
        base, end = self.faults.measures.get("base"), self.faults.measures.get("end")
        self.check(base is not None and end is not None, "measured after warm-up and at the end")
        if base and end:
            bp = {w["pid"]: w for w in base["workers"]}
            ep = {w["pid"]: w for w in end["workers"]}
            self.check(set(bp) == set(ep) and len(ep) == self.workers,
                       "the same workers from the base measure to the end (none respawned)",
                       "%s -> %s" % (sorted(bp), sorted(ep)))
            deltas = []
            for pid in sorted(set(bp) & set(ep)):
                deltas.append({"pid": pid,
                               "rss_kib": [bp[pid]["rss_kib"], ep[pid]["rss_kib"]],
                               "rss_delta_kib": ep[pid]["rss_kib"] - bp[pid]["rss_kib"],
                               "anon_delta_kib": ep[pid]["anon_kib"] - bp[pid]["anon_kib"],
                               "fds": [bp[pid]["fds"], ep[pid]["fds"]],
                               "fd_kinds": [bp[pid]["fd_kinds"], ep[pid]["fd_kinds"]]})
            result["workers"] = deltas
            # AddressSanitizer keeps freed memory in quarantine (256 MiB):
            # its RSS says nothing of leaks
            self.check(ASAN or all(d["rss_delta_kib"] <= self.rss_mib * 1024 for d in deltas),
                       "worker RSS within %.0f MiB of the base%s"
                       % (self.rss_mib, " (not judged under ASan)" if ASAN else ""),
                       ", ".join("%d: %+d KiB (anon %+d)" % (d["pid"], d["rss_delta_kib"],
                                                             d["anon_delta_kib"])
                                 for d in deltas))
            self.check(all(d["fds"][1] <= d["fds"][0] for d in deltas),
                       "no descriptor growth",
                       ", ".join("%d: %d -> %d" % (d["pid"], d["fds"][0], d["fds"][1])
                                 for d in deltas))
            self.check(end["redis_clients"] == self.workers,
                       "one Redis connection per worker at the end",
                       "%d connections" % end["redis_clients"])
        warm = self.faults.measures.get("warm")
        if warm:
            result["first_workers_after_warmup"] = [
                {"pid": w["pid"], "rss_kib": w["rss_kib"], "fds": w["fds"]}
                for w in warm["workers"]]

        result["kinds"] = {}
        for r in recs:
            k = result["kinds"].setdefault(r.kind, {"requests": 0})
            k["requests"] += 1
            if r.status is not None:
                k[str(r.status)] = k.get(str(r.status), 0) + 1
        result["actions"] = {}
        for r in timed:
            if r.kind in ("legit", "stuffing", "brute") and r.path != "/closed":
                act = r.header("x-echo-action") or ("block" if r.status == 403 else "?")
                by = result["actions"].setdefault(r.kind, {})
                by[act] = by.get(act, 0) + 1
        result["checks"] = self.checks
        result["passed"] = all(c["ok"] for c in self.checks)
        with open(os.path.join(self.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        return result

    @staticmethod
    def in_outage(start, end, outages, pre=0.5):
        return any(o["start"] - pre <= end and start <= o["end"] + RECOVER for o in outages)


def summary(r):
    lines = ["",
             "soak: %.0f s, %d logins started (%.0f/s), %d requests, %d reloads, %d outages"
             % (r["duration_s"], r["logins_started"], r["logins_started"] / r["duration_s"],
                r["requests"], r["reloads"], len(r["outages"])),
             "latency: max %.3f s (logins %.3f s), p50 %.4f s, p99 %.4f s, p99.9 %.4f s; "
             "limit %.2f s" % (r["latency_s"]["max"], r["latency_s"]["logins_max"],
                               r["latency_s"]["p50"], r["latency_s"]["p99"],
                               r["latency_s"]["p999"], r["latency_s"]["limit"]),
             "slowest: %s" % ", ".join(
                 "%.3f s at %.0f s (%s %s; nginx %s s)" % (x["client_s"], x["at_s"], x["kind"],
                                                           x["path"], x["nginx_s"])
                 for x in r["slowest"][:3]),
             "machine load average: %s at the start, %s at the end; the load generator "
             "started a login up to %.3f s late (at %s s)"
             % (r["loadavg"][0], r["loadavg"][1], r["load_generator_late_s"]["max"],
                r["load_generator_late_s"]["worst_at_s"]),
             "fail-open: metric %d, alert lines %d, seen by the application %d; fail-closed: "
             "metric %d, alert lines %d" % (r["fail_open"]["metric"], r["fail_open"]["alert_lines"],
                                             r["fail_open"]["seen_by_app"],
                                             r["fail_closed"]["metric"],
                                             r["fail_closed"]["alert_lines"])]
    for o in r["outages"]:
        lines.append("  %-36s %5.2f s: %4d state_unavailable, the last %s s after its end"
                     % (o["what"], o["seconds"], o["state_unavailable"], o["last_after_end_s"]))
    for w in r.get("workers", []):
        lines.append("worker %d: RSS %d -> %d KiB (%+d, anon %+d), fds %d -> %d"
                     % (w["pid"], w["rss_kib"][0], w["rss_kib"][1], w["rss_delta_kib"],
                        w["anon_delta_kib"], w["fds"][0], w["fds"][1]))
    lines.append("verdicts seen by the application: %s" % json.dumps(r["actions"]))
    lines.append("%s: %d of %d checks passed" % ("PASSED" if r["passed"] else "FAILED",
                                                 sum(c["ok"] for c in r["checks"]),
                                                 len(r["checks"])))
    return "\n".join(lines)


def main():
    s = Soak()
    try:
        s.run()
    finally:
        if getattr(s, "nginx", None):
            s.nginx.stop()
        if getattr(s, "redis", None):
            s.redis.stop()
    r = s.verify()
    print(summary(r))
    return 0 if r["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
