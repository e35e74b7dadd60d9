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
    unknown = mentioned - directives - variables
    assert unknown == set(), "documented but not in the code: %s" % unknown


def test_headers_are_documented_and_real():
    sent = set(re.findall(r'"(X-Login-Risk-[A-Za-z-]+)"', code()))
    assert "X-Login-Risk-User" in sent
    readme = read("README.md")
    documented = set(re.findall(r"X-Login-Risk-[A-Za-z-]*[A-Za-z]", readme))
    assert sent <= documented, "undocumented headers: %s" % (sent - documented)
    assert documented <= sent, "documented headers that do not exist: %s" % (documented - sent)


def test_reason_codes_are_documented_and_real():
    codes = set(re.findall(r'#define LR_REASON_[A-Z_]+\s+"([a-z_:]+)"', engine()))
    assert "no_user" in codes
    readme = read("README.md")
    table = readme.split("## Bad input and reason codes", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"\| `([a-z_:]+)` \|", table))
    assert codes == documented
