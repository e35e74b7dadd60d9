"""Where a login comes from: the client address as nginx knows it (realip
decides whom to trust) and its place and network from the GeoIP files."""

import http.client
import os
import shutil
from urllib.parse import unquote

import pytest

from conftest import GEOIP_DIR

CASES = [
    # address, country, city, asn, organisation
    ("198.51.100.7", "DE", "Berlin", 64498, "Beispiel Netz GmbH"),
    ("192.0.2.10", "JP", "東京", 64496, "Example Japan Broadband KK"),
    ("198.51.100.130", "CH", "Zürich", 64499, "Zürcher Beispielnetz AG"),
    ("198.51.100.200", "BR", "São Paulo", 65536, "Exemplo Telecomunicações Ltda"),
    ("203.0.113.5", "GB", "London", 65537, "Example Hosting Ltd"),
    ("2001:db8:1::5", "JP", "東京", 64496, "Example Japan Broadband KK"),
    ("2001:db8:2::abcd", "US", "New York", 64497, "Example Cable Inc."),
    ("2001:db8:4::1", "CH", "Zürich", 64499, "Zürcher Beispielnetz AG"),
]


@pytest.mark.parametrize("addr,country,city,asn,org", CASES, ids=[c[0] for c in CASES])
def test_place_and_network(login_nginx, upstream, addr, country, city, asn, org):
    login_nginx.post_form("/login", "username=geo&password=x",
                          headers={"X-Forwarded-For": addr})
    req = upstream.next()
    assert req.header("X-Login-Risk-Country") == country
    assert unquote(req.header("X-Login-Risk-City")) == city
    assert req.header("X-Login-Risk-ASN") == str(asn)
    assert unquote(req.header("X-Login-Risk-ASN-Org")) == org
    assert all(0x20 < ord(c) < 0x7f for c in req.header("X-Login-Risk-City"))

    line = login_nginx.wait_logged(1)[0]
    assert (line["remote_addr"], line["country"], line["city"], line["asn"]) == \
        (addr, country, city, str(asn))

    alert = login_nginx.wait_logged(1, "alert")[0]
    assert alert["ip"] == addr
    loc = alert["location"]
    assert (loc["country"], loc["city"], loc["asn"], loc["asn_org"]) == (country, city, asn, org)
    assert isinstance(loc["lat"], float) and isinstance(loc["lon"], float)


def test_country_known_city_unknown(login_nginx, upstream):
    login_nginx.post_form("/login", "username=geo&password=x",
                          headers={"X-Forwarded-For": "203.0.113.70"})
    req = upstream.next()
    assert req.header("X-Login-Risk-Country") == "DE"
    assert req.header("X-Login-Risk-City") is None
    loc = login_nginx.wait_logged(1, "alert")[0]["location"]
    assert loc["country"] == "DE" and loc["city"] is None
    assert loc["lat"] is None and loc["lon"] is None


def test_address_in_no_database(login_nginx, upstream):
    login_nginx.post_form("/login", "username=geo&password=x",
                          headers={"X-Forwarded-For": "203.0.113.200"})
    req = upstream.next()
    for h in ("Country", "City", "ASN", "ASN-Org"):
        assert req.header("X-Login-Risk-" + h) is None
    assert req.header("X-Login-Risk-User") == "geo"
    loc = login_nginx.wait_logged(1, "alert")[0]["location"]
    assert set(loc.values()) == {None}


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(nginx_factory, upstream):
    http = """
        login_risk_geoip_city @GEOIP@/test-city.mmdb;
        login_risk_geoip_asn @GEOIP@/test-asn.mmdb;
        set_real_ip_from 10.0.0.0/8;
        real_ip_header X-Forwarded-For;
    """
    server = """
        location = /login {
            login_risk on;
            login_risk_alert_log @DIR@/logs/alert.log;
            proxy_pass http://app;
        }
    """
    n = nginx_factory(http=http, server=server)
    n.post_form("/login", "username=spoof&password=x",
                headers={"X-Forwarded-For": "198.51.100.7"})
    req = upstream.next()
    assert req.header("X-Login-Risk-Country") is None
    alert = n.wait_logged(1, "alert")[0]
    assert alert["ip"] == "127.0.0.1"
    assert alert["location"]["country"] is None


def test_absent_databases_mean_unknown_fields(nginx_factory, upstream, tmp_path):
    http = """
        login_risk_geoip_city @DIR@/no-such-city.mmdb;
        login_risk_geoip_asn @DIR@/no-such-asn.mmdb;
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
    """
    server = """
        location = /login { login_risk on; proxy_pass http://app; }
    """
    n = nginx_factory(http=http, server=server)
    assert n.post_form("/login", "username=nogeo&password=x",
                       headers={"X-Forwarded-For": "198.51.100.7"})[0] == 200
    req = upstream.next()
    assert req.header("X-Login-Risk-User") == "nogeo"
    assert req.header("X-Login-Risk-Country") is None
    assert req.header("X-Login-Risk-ASN") is None
    assert "no-such-city.mmdb\" is absent" in n.read("stderr.log") + n.error_log()


def test_databases_are_reopened_on_reload(nginx_factory, upstream):
    http = """
        login_risk_geoip_city @DIR@/city.mmdb;
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
    """
    server = """
        location = /login { login_risk on; proxy_pass http://app; }
    """
    n = nginx_factory(http=http, server=server)
    xff = {"X-Forwarded-For": "192.0.2.10"}
    n.post_form("/login", "username=r&password=x", headers=xff)
    assert upstream.next().header("X-Login-Risk-Country") is None

    # the operator installs the database and reloads
    shutil.copy(os.path.join(GEOIP_DIR, "test-city.mmdb"), os.path.join(n.dir, "city.mmdb"))
    n.reload()
    n.post_form("/login", "username=r&password=x", headers=xff)
    assert upstream.next().header("X-Login-Risk-Country") == "JP"

    # and replaces it with another one (here: the ASN file has no country)
    tmp = os.path.join(n.dir, "city.mmdb.new")
    shutil.copy(os.path.join(GEOIP_DIR, "test-asn.mmdb"), tmp)
    os.rename(tmp, os.path.join(n.dir, "city.mmdb"))
    n.reload()
    n.post_form("/login", "username=r&password=x", headers=xff)
    assert upstream.next().header("X-Login-Risk-Country") is None


def test_ipv6_listener(nginx_factory, upstream):
    n = nginx_factory(server="""
        listen [::1]:@PORT2@;
        location = /login { login_risk on;
            login_risk_alert_log @DIR@/logs/alert.log; proxy_pass http://app; }
    """)
    conn = http.client.HTTPConnection("::1", n.port2, timeout=5)
    conn.request("POST", "/login", body="username=six&password=x",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert conn.getresponse().status == 200
    conn.close()
    assert upstream.next().header("X-Login-Risk-User") == "six"
    assert n.wait_logged(1, "alert")[0]["ip"] == "::1"
