"""Harness for the browser tests: the integration harness (real nginx
loading the built module, real redis-server, the recording upstream), plus
an X server for headed Chromium and the node driver (drive.mjs) that runs
one scenario in Chromium with playwright-core.

Environment (besides the integration tests' NGINX_BIN, LR_MODULE,
LR_GEOIP_DIR):
  LR_COLLECTOR_DIR  js-collector (default: ../../js-collector): its dist/
                    (npm run build) is what nginx serves, its node_modules
                    hold playwright-core
  CHROMIUM          the browser (default /usr/bin/chromium)
  NODE              node 18 or later (default: node on the PATH)
"""

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

# The integration conftest, loaded under a name of its own (this module is
# "conftest" too), and its fixtures and hooks taken over.
_spec = importlib.util.spec_from_file_location(
    "lr_integration_conftest", os.path.join(HERE, "..", "integration", "conftest.py"))
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
globals().update({k: v for k, v in vars(_integration).items() if not k.startswith("__")})

COLLECTOR_DIR = os.path.abspath(os.environ.get(
    "LR_COLLECTOR_DIR", os.path.join(HERE, "..", "..", "js-collector")))
DIST = os.path.join(COLLECTOR_DIR, "dist")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODE = os.environ.get("NODE") or shutil.which("node") or "node"
DRIVE = os.path.join(HERE, "drive.mjs")


def collector_file():
    """The hashed bundle name from dist/manifest.json."""
    path = os.path.join(DIST, "manifest.json")
    if not os.path.exists(path):
        pytest.fail("no %s: build the collector first "
                    "(cd js-collector && npm ci && npm run build)" % path)
    with open(path) as f:
        return json.load(f)["collector.js"]


@pytest.fixture(scope="session", autouse=True)
def browser_tools():
    for what, path in (("Chromium", CHROMIUM), ("node", NODE)):
        if not shutil.which(path):
            pytest.fail("%s not found (%s)" % (what, path))
    if not os.path.isdir(os.path.join(COLLECTOR_DIR, "node_modules", "playwright-core")):
        pytest.fail("playwright-core missing: cd js-collector && npm ci")
    collector_file()


@pytest.fixture(scope="session")
def xdisplay():
    """A private Xvfb for headed Chromium: its DISPLAY value."""
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb not found (apt-get install xvfb)")
    r, w = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), "-screen", "0", "1920x1080x24",
         "-nolisten", "tcp"],
        pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    number = b""
    with os.fdopen(r, "rb") as f:
        while not number.endswith(b"\n"):
            c = f.read(1)
            if not c:
                break
            number += c
    if not number.strip():
        proc.kill()
        pytest.fail("Xvfb did not start")
    yield ":" + number.decode().strip()
    proc.terminate()
    proc.wait(timeout=10)


class DriverError(AssertionError):
    pass


def drive(scenario, base, display=None, on_sync=None, timeout=90, **opts):
    """Runs drive.mjs for one scenario. on_sync(message) is called at each
    pause point of the scenario and its return value (JSON) sent back.
    Returns the scenario's result (with "pages": requests, console, errors
    of every page it opened)."""
    cfg = dict(opts, scenario=scenario, base=base, headed=display is not None)
    env = dict(os.environ, LR_COLLECTOR_DIR=COLLECTOR_DIR, CHROMIUM=CHROMIUM)
    if display:
        env["DISPLAY"] = display
    err = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([NODE, DRIVE, json.dumps(cfg)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=err, text=True, env=env)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    result = None
    try:
        for line in proc.stdout:
            msg = json.loads(line)
            if "sync" in msg:
                answer = on_sync(msg) if on_sync else None
                proc.stdin.write(json.dumps(answer) + "\n")
                proc.stdin.flush()
            elif "result" in msg:
                result = msg["result"]
            elif "error" in msg:
                raise DriverError("scenario %s failed in the browser: %s\npages: %s"
                                  % (scenario, msg["error"],
                                     json.dumps(msg.get("pages"), indent=1)[:6000]))
        proc.wait(timeout=30)
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if result is None:
        err.seek(0)
        raise DriverError("scenario %s gave no result (exit %s):\n%s"
                          % (scenario, proc.returncode, err.read()[-4000:]))
    return result
