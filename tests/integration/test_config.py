"""Configuration mistakes stop `nginx -t` with a message that says what is
wrong and where."""

import os

import pytest


BAD = [
    ("login_risk_user_field a..b;", "must not contain \"..\""),
    ("login_risk_user_field .user;", "must not start or end with \".\""),
    ("login_risk_user_field \"user name\";", "must not contain spaces"),
    ("login_risk_body_limit 0;", "must be greater than 0"),
    ("login_risk_body_limit lots;", "invalid value"),
    ("login_risk maybe;", "invalid value"),
]


@pytest.mark.parametrize("directive,message", BAD, ids=[b[0] for b in BAD])
def test_bad_directive_fails_the_configuration_test(nginx_factory, directive, message):
    n = nginx_factory(server="location = /login { %s }" % directive, start=False)
    res = n.check_config()
    assert res.returncode != 0
    assert message in res.stderr
    assert "nginx.conf:" in res.stderr


def test_corrupt_geoip_database_fails_the_configuration_test(nginx_factory):
    n = nginx_factory(http="login_risk_geoip_city @DIR@/corrupt.mmdb;", start=False)
    with open(os.path.join(n.dir, "corrupt.mmdb"), "wb") as f:
        f.write(b"this is not a MaxMind database" * 10)
    res = n.check_config()
    assert res.returncode != 0
    assert "cannot open GeoIP database" in res.stderr
    assert "corrupt.mmdb" in res.stderr


def test_geoip_directives_belong_to_http(nginx_factory):
    n = nginx_factory(server="login_risk_geoip_asn @GEOIP@/test-asn.mmdb;", start=False)
    res = n.check_config()
    assert res.returncode != 0
    assert "\"login_risk_geoip_asn\" directive is not allowed here" in res.stderr


def test_good_configuration_passes(nginx_factory):
    n = nginx_factory(http="login_risk_geoip_city @GEOIP@/test-city.mmdb;",
                      server="location = /login { login_risk on; "
                             "login_risk_user_field credentials.login; }",
                      start=False)
    res = n.check_config()
    assert res.returncode == 0, res.stderr


def test_the_harness_redis_is_private(redis_server):
    """Later stages keep state in Redis: the harness runs its own server on
    a private port with its files in a temporary folder."""
    import redis
    r = redis.Redis(port=redis_server.port)
    assert r.ping()
    assert r.config_get("dir")["dir"] == redis_server.dir
    assert redis_server.port != 6379
