"""A login through nginx: who is logging in, from where, with what, told to
the application, the variables and the alert log."""

import json
from urllib.parse import unquote

from conftest import CHROME_WIN, SAFARI_IPHONE

PASSWORD = "S3cret-Pa55word"


def test_form_login_user_is_normalised_and_told_to_the_application(login_nginx, upstream):
    # full-width letters, an ideographic space and mixed case, as typed on a
    # Japanese keyboard; %E3%80%80 is U+3000
    body = "username=%E3%80%80%EF%BC%A1lice%40Example.COM%E3%80%80+&password=" + PASSWORD
    status, _, _ = login_nginx.post_form("/login", body, headers={"User-Agent": CHROME_WIN})
    assert status == 200

    req = upstream.next()
    assert req["body"] == body.encode(), "the application gets the body untouched"
    assert unquote(req.header("X-Login-Risk-User")) == "alice@example.com"
    assert req.header("X-Login-Risk-UA-Family") == "Chrome"
    assert req.header("X-Login-Risk-OS") == "Windows"
    assert req.header("X-Login-Risk-Device-Class") == "desktop"

    line = login_nginx.wait_logged(1)[0]
    assert line["user"] == "alice@example.com"
    assert line["ua_family"] == "Chrome"
    assert line["ua_major"] == "131"
    assert line["os"] == "Windows"
    assert line["device_class"] == "desktop"

    alert = login_nginx.wait_logged(1, "alert")[0]
    assert alert["user"] == "alice@example.com"
    assert alert["ip"] == "127.0.0.1"
    assert alert["uri"] == "/login"
    assert alert["status"] == 200
    assert alert["device"] == {"ua_family": "Chrome", "ua_major": 131,
                               "os": "Windows", "device_class": "desktop"}
    assert alert["reasons"] == []
    assert len(alert["request_id"]) == 32
    assert alert["time"].endswith("Z")


def test_successful_login_status_reaches_the_alert_log(login_nginx, upstream):
    status, headers, _ = login_nginx.post_form("/login", "username=bob&password=right")
    assert status == 302 and headers["Location"].endswith("/account")
    alert = login_nginx.wait_logged(1, "alert")[0]
    assert alert["user"] == "bob"
    assert alert["status"] == 302


def test_json_login_with_dotted_path(login_nginx, upstream):
    body = {"credentials": {"login": " Carol ", "password": PASSWORD}, "remember": True}
    status, _, _ = login_nginx.post_json("/api/login", body,
                                         headers={"User-Agent": SAFARI_IPHONE})
    assert status == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "carol"
    assert req.header("X-Login-Risk-UA-Family") == "Safari"
    assert req.header("X-Login-Risk-OS") == "iOS"
    assert req.header("X-Login-Risk-Device-Class") == "mobile"
    assert json.loads(req["body"]) == body


def test_json_content_type_with_charset_and_numeric_id(login_nginx, upstream):
    body = json.dumps({"credentials": {"login": 12345678, "password": PASSWORD}})
    status, _, _ = login_nginx.request(
        "POST", "/api/login", body=body,
        headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert status == 200
    assert upstream.next().header("X-Login-Risk-User") == "12345678"


def test_non_ascii_user_is_percent_encoded_in_the_header(login_nginx, upstream):
    status, _, _ = login_nginx.post_form(
        "/login", "username=%E5%B1%B1%E7%94%B0&password=" + PASSWORD)
    assert status == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "%E5%B1%B1%E7%94%B0"
    assert unquote(req.header("X-Login-Risk-User")) == "山田"
    assert login_nginx.wait_logged(1)[0]["user"] == "山田"
    assert login_nginx.wait_logged(1, "alert")[0]["user"] == "山田"


def test_client_sent_risk_headers_never_reach_the_application(login_nginx, upstream):
    forged = {
        "X-Login-Risk-User": "admin",
        "X-Login-Risk-Country": "JP",
        "x-login-risk-action": "allow",
        "X-LOGIN-RISK-SCORE": "0",
        "X-Login-Risk-Ticket": "forged",
        "X-Login-Risking": "kept: not the module's prefix",
    }
    login_nginx.post_form("/login", "username=dave&password=" + PASSWORD, headers=forged)
    req = upstream.next()
    assert req.all("X-Login-Risk-User") == ["dave"]
    assert req.all("X-Login-Risk-Country") == [], "127.0.0.1 has no country"
    # only the module's own verdict, never the client's: without Redis this
    # login is scored on what it shows itself, and nothing is challenged
    assert req.all("X-Login-Risk-Action") == ["allow"]
    assert req.all("X-Login-Risk-Score") == ["0"]
    assert req.all("X-Login-Risk-Ticket") == []
    assert req.header("X-Login-Risking") == "kept: not the module's prefix"
    assert "X-LOGIN-RISK-SCORE" in login_nginx.error_log()

    # a GET of the login page is not a login, but the headers go all the same
    status, _, _ = login_nginx.request("GET", "/login", headers=forged)
    assert status == 200
    req = upstream.next()
    assert req.risk_headers() == {}


def test_get_of_login_page_is_not_inspected(login_nginx, upstream):
    status, _, _ = login_nginx.request("GET", "/login?username=eve")
    assert status == 200
    line = login_nginx.wait_logged(1)[0]
    assert line["user"] == "" and line["ua_family"] == ""
    assert login_nginx.alerts() == []


def test_locations_without_the_module_are_untouched(login_nginx, upstream):
    body = "username=frank&password=" + PASSWORD
    status, _, _ = login_nginx.post_form("/transfer", body, headers={
        "User-Agent": CHROME_WIN, "X-Login-Risk-Action": "allow"})
    assert status == 200
    req = upstream.next()
    assert req["body"] == body.encode()
    assert req.risk_headers() == {}
    line = login_nginx.wait_logged(1)[0]
    for var in ("user", "country", "city", "asn", "ua_family", "device_class", "reasons"):
        assert line[var] == "", var
    assert login_nginx.alerts() == []


def test_password_never_leaves_the_request(login_nginx, upstream):
    login_nginx.post_form("/login", "username=gina&password=" + PASSWORD)
    login_nginx.post_form("/login", "username=%zz&password=" + PASSWORD)
    login_nginx.post_json("/api/login", {"credentials": {"password": PASSWORD}})
    login_nginx.post_json("/api/login", '{"credentials": {"login": "x", "password": "%s"' % PASSWORD)
    login_nginx.wait_logged(4, "alert")
    for name in ("alert.log", "access.log", "error.log"):
        assert PASSWORD not in login_nginx.read(name), name


def test_alert_log_survives_an_internal_redirect(nginx_factory, upstream):
    # the application is down: nginx answers 502 through error_page, an
    # internal redirect that resets module contexts
    server = """
        location = /login {
            login_risk on;
            login_risk_alert_log @DIR@/logs/alert.log;
            proxy_pass http://127.0.0.1:9;
            error_page 502 = /login-unavailable;
        }
        location = /login-unavailable {
            login_risk on;
            return 503 "try later";
        }
    """
    n = nginx_factory(server=server)
    status, _, body = n.post_form("/login", "username=henry&password=" + PASSWORD)
    assert status == 503 and body == b"try later"
    alert = n.wait_logged(1, "alert")[0]
    assert alert["user"] == "henry"
    assert alert["status"] == 503
    line = n.wait_logged(1)[0]
    assert line["user"] == "henry"


def test_alert_log_off_and_variables_still_work(nginx_factory, upstream):
    server = """
        location = /login {
            login_risk on;
            login_risk_alert_log off;
            proxy_pass http://app;
        }
    """
    n = nginx_factory(server=server)
    n.post_form("/login", "username=ivy&password=" + PASSWORD)
    assert n.wait_logged(1)[0]["user"] == "ivy"
    assert n.read("alert.log") == ""


def test_inherited_settings(nginx_factory, upstream):
    """login_risk and login_risk_user_field set at server level apply to
    the locations below; a location can turn the module off, and client-sent
    X-Login-Risk-* headers are removed there too."""
    server = """
        login_risk on;
        login_risk_user_field email;
        location = /login { proxy_pass http://app; }
        location = /public { login_risk off; proxy_pass http://app; }
    """
    n = nginx_factory(server=server)
    n.post_form("/login", "email=Jack%40Example.com&password=" + PASSWORD)
    assert upstream.next().header("X-Login-Risk-User") == "jack@example.com"
    n.post_form("/public", "email=kim&password=" + PASSWORD,
                headers={"X-Login-Risk-User": "forged"})
    assert upstream.next().risk_headers() == {}
    lines = n.wait_logged(2)
    assert [l["user"] for l in lines] == ["jack@example.com", ""]
