"""The soak's faults and the processes they hit: a private redis-server that
is paused (SIGSTOP/SIGCONT), killed (SIGKILL) and stopped (SIGTERM) and
started again on its port; nginx reloaded (`nginx -s reload`), once while
Redis is paused; and, between them, quiet moments where the workers'
memory and descriptors are counted.

The plan depends on the duration D only:
  0 .. warm-up                 load, no fault; "warm" measured at its end
  warm-up .. D/2               Redis faults and reloads in turn, the last a
                               reload at about D/2
  then a settle period         load, no fault; "base" measured: the last
                               workers, warmed up, before the faults they see
  .. D - tail                  Redis faults only (the workers stay)
  tail .. D                    load, no fault: everyone reconnected
  D                            load stops; "end" measured"""

import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d did not open" % port)


class RedisProc:
    def __init__(self, folder):
        self.dir = folder
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", self.dir, "--save", "", "--appendonly", "no",
             "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def info(self, section):
        """INFO over a plain socket (no client library needed)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"INFO %s\r\n" % section.encode())
            data = b""
            while b"\r\n" not in data:
                data += s.recv(65536)
            head, _, text = data.partition(b"\r\n")
            size = int(head[1:])                # a bulk string: $<size>
            while len(text) < size + 2:
                text += s.recv(65536)
        out = {}
        for line in text[:size].decode().split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v
        return out


class NginxProc:
    def __init__(self, binary, folder, conf):
        self.bin = binary
        self.dir = folder
        self.conf = conf
        self.proc = None

    def start(self, port):
        self.stderr = open(os.path.join(self.dir, "logs", "stderr.log"), "w")
        self.proc = subprocess.Popen([self.bin, "-p", self.dir, "-c", self.conf],
                                     stdout=self.stderr, stderr=self.stderr)
        wait_port(port)

    def workers(self):
        """The serving workers' pids (not those shutting down after a reload)."""
        out = []
        for pid in subprocess.run(["pgrep", "-P", str(self.proc.pid)],
                                  capture_output=True, text=True).stdout.split():
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    title = f.read().rstrip(b"\0")
            except OSError:
                continue
            if title == b"nginx: worker process":
                out.append(int(pid))
        return sorted(out)

    def reload(self):
        """nginx -s reload, then waits for a new set of workers."""
        before = set(self.workers())
        subprocess.run([self.bin, "-p", self.dir, "-c", self.conf, "-s", "reload"],
                       check=True, capture_output=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = set(self.workers())
            if now and not now & before:
                return sorted(now)
            time.sleep(0.05)
        raise RuntimeError("no new workers after reload")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def worker_state(pid):
    """What a worker holds: resident memory (all, and anonymous: the heap,
    pools, buffers) and its open descriptors by kind."""
    status = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    fds = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        kind = target.split(":", 1)[0] if ":" in target else "file"
        fds[kind] = fds.get(kind, 0) + 1
    return {"pid": pid, "rss_kib": int(status["VmRSS"].split()[0]),
            "anon_kib": int(status["RssAnon"].split()[0]),
            "fds": sum(fds.values()), "fd_kinds": fds}


def plan(duration):
    """[(at, event, seconds)], at seconds from the start."""
    warm = max(10.0, 0.1 * duration)
    settle = max(10.0, 0.1 * duration)
    tail = max(12.0, 0.1 * duration)
    a = [("pause", 2.0), ("reload", 0), ("kill", 2.0), ("reload_in_pause", 2.0),
         ("stop", 1.5), ("pause", 0.4), ("reload", 0)]
    b = [("kill", 2.0), ("pause", 3.0), ("stop", 1.0), ("pause", 0.4), ("kill", 1.0)]
    events = [(warm, "measure", "warm")]
    first, last = warm + 2.0, duration / 2
    for i, (what, secs) in enumerate(a):
        events.append((first + i * (last - first) / (len(a) - 1), what, secs))
    base = last + settle
    events.append((base, "measure", "base"))
    first, last = base + 3.0, duration - tail
    for i, (what, secs) in enumerate(b):
        events.append((first + i * (last - first) / (len(b) - 1), what, secs))
    return events


class Faults:
    """Runs the plan against Redis and nginx while the load runs; records
    the outages (wall clock, as the alert log's times), the reloads and the
    measurements."""

    def __init__(self, redis, nginx, load, log):
        self.redis = redis
        self.nginx = nginx
        self.load = load
        self.log = log
        self.outages = []           # {"what", "start", "end", "seconds"}
        self.reloads = []           # {"at", "workers"}
        self.measures = {}          # label -> {"at", "workers": [...], "redis_clients"}
        self.error = None

    def run(self, events, t0):
        try:
            for at, what, arg in events:
                delay = t0 + at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                getattr(self, "_" + what)(arg)
        except Exception as e:          # noqa: BLE001 - reported by the soak
            self.error = repr(e)
            self.log("fault script failed: %r" % e)

    def _outage(self, what, start):
        end = time.time()
        self.outages.append({"what": what, "start": start, "end": end,
                             "seconds": round(end - start, 3)})
        self.log("%s: Redis unavailable %.2fs" % (what, end - start))

    def _pause(self, secs):
        start = time.time()
        self.redis.signal(signal.SIGSTOP)
        time.sleep(secs)
        self.redis.signal(signal.SIGCONT)
        self._outage("pause %.1fs" % secs, start)

    def _kill(self, secs):
        start = time.time()
        self.redis.kill()
        time.sleep(secs)
        self.redis.start()
        self._outage("kill -9, restart after %.1fs" % secs, start)

    def _stop(self, secs):
        start = time.time()
        self.redis.proc.terminate()
        self.redis.proc.wait(timeout=20)
        time.sleep(secs)
        self.redis.start()
        self._outage("stop, restart after %.1fs" % secs, start)

    def _reload(self, _):
        at = time.time()
        workers = self.nginx.reload()
        self.reloads.append({"at": at, "workers": workers})
        self.log("reload: workers %s" % workers)

    def _reload_in_pause(self, secs):
        start = time.time()
        self.redis.signal(signal.SIGSTOP)
        time.sleep(0.3)
        self._reload(0)
        time.sleep(max(0.0, secs - (time.time() - start)))
        self.redis.signal(signal.SIGCONT)
        self._outage("pause %.1fs with a reload in it" % secs, start)

    def _measure(self, label):
        self.measures[label] = measure(self.nginx, self.redis, self.load)
        m = self.measures[label]
        self.log("measure %s: %s, redis clients %s" % (
            label, ", ".join("pid %d rss %d KiB fds %d" % (w["pid"], w["rss_kib"], w["fds"])
                             for w in m["workers"]), m["redis_clients"]))


def measure(nginx, redis, load, quiet=1.0):
    """Pauses the load, waits for the last answers and a moment more (for
    nginx to close what the clients closed), counts, resumes."""
    if load is not None:
        load.set_paused(True)
        deadline = time.monotonic() + 30
        while not load.quiet() and time.monotonic() < deadline:
            time.sleep(0.02)
    time.sleep(quiet)
    workers = [worker_state(pid) for pid in nginx.workers()]
    clients = int(redis.info("clients").get("connected_clients", -1)) - 1
    if load is not None:
        load.set_paused(False)
    return {"at": time.time(), "workers": workers, "redis_clients": clients}
