"""The README and conf-examples/ stay true: every directive, variable,
header and reason code that exists is documented, and nothing that does not
exist is."""

import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def code():
    return "\n".join(read(p) for p in glob.glob(os.path.join(ROOT, "ngx_module", "*.[ch]")))


def engine():
    return "\n".join(read(p) for p in glob.glob(os.path.join(ROOT, "src", "*.[ch]")))


def table(source, name):
    """The names in one of the module's static tables (directives or
    variables)."""
    body = source.split(name + "[] = {", 1)[1].split("};", 1)[0]
    return set(re.findall(r'ngx_string\("([a-z_]+)"\)', body))


def test_directives_and_variables_are_documented_and_real():
    src = code()
    directives = table(src, "ngx_http_login_risk_commands")
    variables = table(src, "ngx_http_login_risk_vars")
    assert {"login_risk", "login_risk_user_field", "login_risk_alert_log"} <= directives
    assert {"login_risk_user", "login_risk_country"} <= variables

    readme = read("README.md")
    for d in directives:
        assert re.search(r"^### .*\b%s\b" % d, readme, re.M), "directive %s undocumented" % d
    for v in variables:
        assert "`$%s`" % v in readme, "variable $%s undocumented" % v

    mentioned = set(re.findall(r"\blogin_risk[a-z_]*\b", readme))
    for path in glob.glob(os.path.join(ROOT, "conf-examples", "*.conf")):
        mentioned |= set(re.findall(r"\blogin_risk[a-z_]*\b", read(path)))
    unknown = mentioned - directives - variables - metric_names(src)
    assert unknown == set(), "documented but not in the code: %s" % unknown


def metric_names(src):
    """The metric families the module serves, with a histogram's series."""
    families = table(src, "ngx_http_login_risk_metric_families")
    histograms = set(re.findall(r'ngx_string\("([a-z_]+)"\), "histogram"', src))
    return families | {h + s for h in histograms for s in ("_bucket", "_sum", "_count")}


def test_metrics_are_documented_and_real():
    src = code()
    families = table(src, "ngx_http_login_risk_metric_families")
    assert {"login_risk_logins_total", "login_risk_fail_open_total"} <= families
    section = read("README.md").split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(login_risk_[a-z_]+)` \|", section, re.M))
    assert documented == families, (families - documented, documented - families)


def test_headers_are_documented_and_real():
    sent = set(re.findall(r'"(X-Login-Risk-[A-Za-z-]+)"', code()))
    assert "X-Login-Risk-User" in sent
    readme = read("README.md")
    documented = set(re.findall(r"X-Login-Risk-[A-Za-z-]*[A-Za-z]", readme))
    assert sent <= documented, "undocumented headers: %s" % (sent - documented)
    assert documented <= sent, "documented headers that do not exist: %s" % (documented - sent)


def engine_codes():
    src = engine()
    codes = set(re.findall(r'#define LR_REASON_[A-Z_]+\s+"([a-z_:]+)"', src))
    table = read("src", "lr_config.c").split("lr_rule_code(lr_rule rule)", 1)[1]
    table = table.split("};", 1)[0]
    codes |= set(re.findall(r'"([a-z_]+)"', table))
    codes |= set(re.findall(r'"((?:allow|block)list:[a-z]+)"', src))
    return codes


def test_reason_codes_are_documented_and_real():
    codes = engine_codes()
    assert {"no_user", "new_device", "unusual_network", "blocklist:ip"} <= codes
    readme = read("README.md")
    bad_input = readme.split("## Bad input and reason codes", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"\| `([a-z_:]+)` \|", bad_input))
    scoring = readme.split("## The risk engine", 1)[1].split("### Replay tool", 1)[0]
    documented |= set(re.findall(r"^\| `([a-z_:]+)` \|", scoring, re.M))
    documented |= set(re.findall(r"`((?:allow|block)list:[a-z]+)`", scoring))
    assert codes == documented, (codes - documented, documented - codes)


def test_rule_weights_in_the_readme_are_the_defaults():
    config = read("src", "lr_config.c")
    weights = {name.lower(): int(w) for name, w in
               re.findall(r"weight\[LR_RULE_([A-Z_]+)\] = (\d+);", config)}
    assert len(weights) >= 18
    readme = read("README.md").split("**Rules.**", 1)[1].split("**Lists**", 1)[0]
    stated = {code: int(w) for code, w in
              re.findall(r"^\| `([a-z_]+)` \| (\d+) \| ", readme, re.M)}
    assert stated == weights
