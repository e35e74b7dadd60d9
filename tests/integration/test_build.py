"""The addon's configure script names the Debian package of a missing
library (simulated: a compiler wrapper that fails every link against it)."""

import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CASES = [("hiredis", "libhiredis-dev"), ("maxminddb", "libmaxminddb-dev"),
         ("jansson", "libjansson-dev"), ("crypto", "libssl-dev")]


@pytest.mark.parametrize("lib,package", CASES, ids=[c[0] for c in CASES])
def test_missing_library_names_its_package(lib, package):
    tmp = tempfile.mkdtemp(prefix="lr-configure-")
    try:
        src = os.path.join(tmp, "nginx")
        shutil.copytree("/usr/share/nginx/src", src)
        cc = os.path.join(tmp, "cc")
        with open(cc, "w") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do [ "$a" = "-l%s" ] && exit 1; done\n'
                    'exec gcc "$@"\n' % lib)
        os.chmod(cc, 0o755)
        res = subprocess.run(["./configure", "--with-compat", "--with-cc=" + cc,
                              "--add-dynamic-module=" + ROOT],
                             cwd=src, capture_output=True, text=True, timeout=300)
        out = res.stdout + res.stderr
        assert res.returncode != 0
        assert "apt-get install %s" % package in out, out[-2000:]
    finally:
        shutil.rmtree(tmp)
