"""The configurations users copy from conf-examples/ are accepted by
`nginx -t` with the built module (paths pointed at test files)."""

import glob
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import GEOIP_DIR, MODULE, NGINX_BIN, free_port, nginx_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "conf-examples", "*.conf")))


def test_there_are_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_example_passes_nginx_t(path):
    tmp = tempfile.mkdtemp(prefix="lr-example-")
    # nginx opens logs/error.log under its prefix before reading -g
    os.makedirs(os.path.join(tmp, "logs"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-subj", "/CN=example", "-days", "1",
                    "-keyout", tmp + "/key.pem", "-out", tmp + "/cert.pem"],
                   check=True, capture_output=True)
    with open(path) as f:
        text = f.read()
    text = text.replace("/usr/lib/nginx/modules/ngx_http_login_risk_module.so", MODULE)
    text = text.replace("/var/lib/GeoIP/GeoLite2-City.mmdb", GEOIP_DIR + "/test-city.mmdb")
    text = text.replace("/var/lib/GeoIP/GeoLite2-ASN.mmdb", GEOIP_DIR + "/test-asn.mmdb")
    text = text.replace("/var/log/nginx/", tmp + "/")
    # the secrets an example names, made up for the test
    with open(tmp + "/keys", "w") as f:
        f.write("k1 " + "ab" * 32 + "\n")
    os.chmod(tmp + "/keys", 0o640)
    with open(tmp + "/redis.password", "w") as f:
        f.write("not-the-real-one\n")
    # the list files an example names are the ones next to it
    text = text.replace("/etc/nginx/login-risk/lists/",
                        os.path.join(ROOT, "conf-examples", "lists") + "/")
    text = text.replace("/etc/nginx/login-risk.keys", tmp + "/keys")
    text = text.replace("/etc/nginx/redis.password", tmp + "/redis.password")
    text = re.sub(r"ssl_certificate\s+\S+;", "ssl_certificate %s/cert.pem;" % tmp, text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", "ssl_certificate_key %s/key.pem;" % tmp, text)
    text = re.sub(r"listen\s+(443|80)\b", "listen 127.0.0.1:%d" % free_port(), text)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(text)
    res = subprocess.run([NGINX_BIN, "-t", "-p", tmp, "-c", conf,
                          "-g", "error_log %s/error.log; pid %s/nginx.pid;" % (tmp, tmp)],
                         capture_output=True, text=True, env=nginx_env(tmp))
    assert res.returncode == 0, res.stderr
    assert "test is successful" in res.stderr
    assert "absent" not in res.stderr, "the example's GeoIP paths were not all rewritten"
    assert "not-the-real-one" not in res.stderr
    shutil.rmtree(tmp)


def test_example_list_files_are_all_named():
    """Every list file in conf-examples/lists/ is loaded by an example,
    so nginx -t above checks each of its lines."""
    named = set()
    for path in EXAMPLES:
        with open(path) as f:
            named |= set(re.findall(r"/etc/nginx/login-risk/lists/(\S+);", f.read()))
    files = set(os.listdir(os.path.join(ROOT, "conf-examples", "lists")))
    assert files and files == named
