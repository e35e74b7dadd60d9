"""The scenario test: the generated login stream (gen_events.py) through
login-risk-replay, checked against the figures the README states in its
"Measured on the scenario" table. The README is the single source: change
the engine, and this test says which figure to update."""

import json
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("LR_BUILD", os.path.join(ROOT, "build"))
REPLAY = os.path.join(BUILD, "login-risk-replay")
EVENTS = os.path.join(BUILD, "scenario-events.jsonl")

# the generator and the engine are deterministic: the tolerance only keeps
# a rounding in the README from failing the test
TOLERANCE = 0.006


def readme_table():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Measured on the scenario", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([a-z:_]+)` \| (\d+) \| ([\d.]+) % \| ([\d.]+) % \| ([\d.]+) % \|", line)
        if m:
            rows[m.group(1)] = {"total": int(m.group(2)),
                                "tag": float(m.group(3)) / 100,
                                "challenge": float(m.group(4)) / 100,
                                "block": float(m.group(5)) / 100}
    auc = re.search(r"ROC AUC (\d\.\d+)", section)
    return rows, float(auc.group(1)) if auc else None


@pytest.fixture(scope="module")
def summary():
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "scenario", "gen_events.py"),
                    "--seed", "1", "--users", "2000", "--days", "60", "--out", EVENTS],
                   check=True, capture_output=True)
    out = subprocess.run([REPLAY, "--summary-only", "--expect-telemetry", EVENTS],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])["summary"]


def test_the_readme_states_every_scenario(summary):
    rows, auc = readme_table()
    assert set(rows) == set(summary["labels"])
    assert auc is not None


@pytest.mark.parametrize("label", ["legit", "attack:naive", "attack:vpn_same_country",
                                   "attack:targeted", "attack:stuffing",
                                   "attack:brute_force", "attack:impossible_travel"])
def test_figures_match_the_readme(summary, label):
    stated = readme_table()[0][label]
    measured = summary["labels"][label]
    assert measured["total"] == stated["total"]
    for action in ("tag", "challenge", "block"):
        assert abs(measured[action] - stated[action]) <= TOLERANCE, \
            "%s %s: measured %.4f, README says %.4f" % (label, action,
                                                        measured[action], stated[action])


def test_roc_auc_matches_the_readme(summary):
    assert abs(summary["roc_auc"] - readme_table()[1]) <= 0.002


def test_owners_are_never_blocked_and_stolen_passwords_are_stepped_up(summary):
    """The properties the figures stand for, independent of the README."""
    labels = summary["labels"]
    assert labels["legit"]["block"] == 0
    assert labels["legit"]["challenge"] < 0.02
    for kind in ("naive", "vpn_same_country", "impossible_travel"):
        assert labels["attack:" + kind]["challenge"] >= 0.99, kind
    assert labels["attack:stuffing"]["block"] > 0.5
    assert labels["attack:brute_force"]["block"] > 0.8
