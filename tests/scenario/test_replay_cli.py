"""login-risk-replay as a user runs it: bad input is refused with the line
and the member at fault; every login's points add up to its score."""

import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPLAY = os.path.join(os.environ.get("LR_BUILD", os.path.join(ROOT, "build")),
                      "login-risk-replay")

HOME = {"user": "alice", "ip": "192.0.2.10", "country": "JP", "asn": 64496,
        "lat": 35.69, "lon": 139.69, "device_id": "d1", "timezone": "Asia/Tokyo",
        "languages": "ja-JP,ja;q=0.9", "telemetry": True, "token": "valid",
        "ua": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"}


def run(lines, *args):
    text = "".join(l if isinstance(l, str) else json.dumps(l) + "\n" for l in lines)
    return subprocess.run([REPLAY, *args], input=text, capture_output=True, text=True)


def login(day, **over):
    e = dict(HOME, time="2026-01-%02dT08:00:00.000Z" % day, success=True, label="legit")
    e.update(over)
    return e


def test_bad_lines_are_refused_with_line_and_member():
    res = run([login(1), '{"time": "yesterday", "success": true}\n'])
    assert res.returncode == 2
    assert res.stderr.startswith("login-risk-replay: line 2: \"time\"")
    res = run([login(1), login(2, token=1)])
    assert res.returncode == 2 and "line 2: \"token\": not a string" in res.stderr
    res = run(["{not json\n"])
    assert res.returncode == 2 and "line 1:" in res.stderr
    assert run([login(1)], "--thresholds", "50,40,80").returncode == 2


def test_points_add_up_and_a_foreign_login_is_stepped_up():
    thief = login(20, ip="203.0.113.5", country="GB", asn=65537, lat=51.5, lon=-0.13,
                  device_id="other", timezone="Asia/Shanghai", languages="zh-CN,zh;q=0.9",
                  label="attack:test")
    res = run([login(d) for d in range(1, 15)] + [thief])
    assert res.returncode == 0, res.stderr
    out = [json.loads(l) for l in res.stdout.splitlines()]
    events, summary = out[:-1], out[-1]["summary"]
    assert len(events) == 15
    for e in events:
        assert e["score"] == min(100, sum(r["points"] for r in e["reasons"]))
    assert events[-2]["action"] == "allow"
    last = events[-1]
    assert last["action"] == "challenge", last
    codes = {r["code"] for r in last["reasons"]}
    assert {"new_device", "new_country", "new_asn", "tz_mismatch", "lang_mismatch",
            "unusual_network"} <= codes
    assert summary["attacks"] == 1 and summary["legit"] == 14
    assert summary["roc_auc"] == 1.0
    assert summary["labels"]["attack:test"]["challenge"] == 1.0
