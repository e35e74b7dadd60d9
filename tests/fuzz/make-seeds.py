#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses: tests/fuzz/corpus/NAME/.

    python3 tests/fuzz/make-seeds.py

The seeds are committed; this script says where each came from and makes
them again (same bytes) when a format changes. Text seeds are what a
browser, a collector or an operator would send; binary ones (profiles,
summaries, Redis replies) are made field by field as the codecs in src/
lay them out. Signed texts use the test keys of fuzz_signed.c, which sign
nothing anywhere else.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# fuzz_signed.c: FUZZ_KEYS (k2 signs, k1 is the previous key)
KEYS = {
    "k2": bytes.fromhex("7f3c2a9e5b1d4c8f0e6a2b7d9c3f1e5a"
                        "8b4d6c2e0f9a7b3c5d1e8f2a6b4c0d9e"),
    "k1": bytes(range(32)),
}
EXPIRY = 1893456000         # 2030-01-01: after fuzz_signed.c's FUZZ_NOW
EXPIRED = 1700000000        # 2023: before it

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
          "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
SAFARI_IOS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
              "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
              "Mobile/15E148 Safari/604.1")
FIREFOX = ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) "
           "Gecko/20100101 Firefox/121.0")
HEADLESS = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36")


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def signed(body, kid="k2", key=None):
    """lr_signed.h: BODY "." kid "." base64url(HMAC-SHA256(BODY "." kid))"""
    text = body + "." + kid
    mac = hmac.new(key or KEYS[kid], text.encode(), hashlib.sha256).digest()
    return text + "." + b64url(mac)


# --- login_body: the user field of form and JSON logins ---------------------

def login_body(token):
    w = lambda n, d: write("login_body", n, d)
    w("form-plain", "username=alice&password=correct+horse+battery+staple")
    w("form-email-token", "username=Alice%40Example.COM&password=hunter2"
      "&lr_token=" + token + "&remember=on")
    # ＡＬＩＣＥ typed on a Japanese keyboard, ideographic spaces around
    w("form-fullwidth", "username=%E3%80%80%EF%BC%A1%EF%BC%AC%EF%BC%A9"
      "%EF%BC%A3%EF%BC%A5%E3%80%80&password=x")
    w("form-duplicate", "username=alice&password=x&username=mallory")
    w("form-malformed", "username=alice&password=%zz")
    w("form-control", "username=ali%0D%0Ace&password=x")
    w("form-empty-value", "username=&password=x&lr_token")
    w("json-plain", '{"username":"alice","password":"correct horse"}')
    w("json-nested", '{"credentials":{"login":"\\uff21\\uff2c\\uff29\\uff23'
      '\\uff25","password":"x"},"remember":true}')
    w("json-account-number", '{"username": 1234567890, "password": "x"}')
    w("json-escapes", '{"username":"\\u30a2\\u30ea\\u30b9 \\t",'
      '"lr_token":"' + token + '"}')
    w("json-duplicate", '{"username":"alice","username":"mallory"}')
    w("json-not-string", '{"username":["alice"],"credentials":{"login":null}}')


# --- telemetry: the collect POST, headers and body ---------------------------

HUMAN = {
    "v": 1, "ua": CHROME,
    "uach": {"brands": ["Chromium/131", "Not_A Brand/24",
                        "Google Chrome/131"],
             "mobile": False, "platform": "Windows"},
    "langs": ["ja-JP", "ja", "en-US"], "tz": "Asia/Tokyo",
    "scr": [1920, 1080], "win": [1280, 900], "outer": [1296, 1000],
    "dpr": 1.25, "depth": 24, "cores": 8, "mem": 8, "touch": 0,
    "gl": ["Google Inc. (NVIDIA)", "ANGLE (NVIDIA GeForce RTX 3060)"],
    "canvas": "1a2b3c4d", "audio": "5E6F7A8B", "plugins": 5, "auto": [],
    "beh": {"t_first": 1800, "t_submit": 5200, "keys": 18, "bksp": 1,
            "hold": [60, 92, 140], "flight": [80, 160, 320], "overlap": 2,
            "nokey": 0, "autofill": 0, "paste": [], "focus": "up",
            "tab": 1, "clickfocus": 1, "blur": 0, "moves": 140,
            "straight": 720, "speedvar": 640, "pauses": 3, "clicks": 2,
            "blind": 0, "ptr": "mouse", "tap": 0},
}

CHROME_HEADERS = [
    ("User-Agent", CHROME),
    ("Sec-CH-UA", '"Chromium";v="131", "Not_A Brand";v="24", '
                  '"Google Chrome";v="131"'),
    ("Accept-Language", "ja-JP,ja;q=0.9,en-US;q=0.8"),
]


def request(headers, body):
    head = "".join("%s: %s\r\n" % h for h in headers)
    return head + "\r\n" + body


def telemetry():
    w = lambda n, d: write("telemetry", n, d)
    w("human-chrome", request(CHROME_HEADERS, json.dumps(HUMAN, indent=1)))

    phone = {
        "v": 1, "ua": SAFARI_IOS, "langs": ["en-GB"], "tz": "Europe/London",
        "scr": [390, 844], "win": [390, 664], "outer": [390, 844], "dpr": 3,
        "depth": 24, "touch": 5, "gl": ["Apple Inc.", "Apple GPU"],
        "canvas": "0badc0de",
        "beh": {"t_first": 2400, "t_submit": 9100, "keys": 0, "nokey": 0,
                "autofill": 2, "paste": ["password"], "focus": "up",
                "moves": 0, "clicks": 0, "ptr": "touch", "tap": 96},
    }
    w("phone-autofill", request([("User-Agent", SAFARI_IOS),
                                 ("Accept-Language", "en-GB,en;q=0.9")],
                                json.dumps(phone)))

    bot = {
        "v": 1, "ua": HEADLESS, "uach": {"brands": ["HeadlessChrome/120"],
                                         "mobile": False, "platform": ""},
        "langs": ["en-US"], "tz": "UTC", "scr": [800, 600], "win": [800, 600],
        "outer": [0, 0], "gl": ["", ""], "plugins": 0,
        "auto": ["webdriver", "screen_is_viewport", "zero_outer",
                 "patched_native", "something_new"],
        "beh": {"t_first": 4, "t_submit": 8, "keys": 12,
                "hold": [4, 4, 4], "flight": [8, 8, 8], "nokey": 2,
                "paste": ["user", "password"], "focus": "upo", "moves": 12,
                "straight": 1000, "speedvar": 0, "clicks": 1, "blind": 1,
                "ptr": "mouse"},
    }
    w("headless-bot", request([("User-Agent", HEADLESS),
                               ("Sec-CH-UA", '"HeadlessChrome";v="120"'),
                               ("Accept-Language", "de-DE")],
                              json.dumps(bot, separators=(",", ":"))))

    # a collector copied into another browser: every header disagrees
    w("mismatch", request([("user-agent", FIREFOX),
                           ("sec-ch-ua", '"Chromium";v="131";q=1, '
                                         '"Brand\\\\\\"X";v="9";p=?1'),
                           ("accept-language", "*, fr-CA;q=0, pt_BR")],
                          json.dumps(HUMAN, ensure_ascii=False)))
    w("firefox-no-uach", request([("User-Agent", FIREFOX)],
                                 '{"v":1,"ua":"' + FIREFOX + '",'
                                 '"langs":["en-US","en"],"tz":"America/'
                                 'New_York","mem":0.5,"cores":4}'))
    w("minimal", '{"v":1}')
    w("unicode", '{"v":1,"tz":"Am\\u00e9rica/S\\u00e3o_Paulo",'
                 '"langs":["pt-BR","\\u65e5\\u672c"],'
                 '"gl":["\\ud83d\\ude00","x"],"uach":{"platform":"\\u00ff"}}')
    w("bad-version", '{"v":2,"ua":"x"}')
    w("bad-field", '{"v":1,"beh":{"hold":[1,2]}}')
    w("bad-duplicate", '{"v":1,"v":1}')


# --- telemetry_summary: lr_telemetry_codec.c's bytes -------------------------

def summary(auto=0, scripted=0, mismatch=0, paste=0, attrs=0, ua_hash=0,
            keys=0, moves=0, submit=0, tz=b"", langs=b""):
    return (struct.pack("<BBBBBIQIII", 1, auto, scripted, mismatch, paste,
                        attrs, ua_hash, keys, moves, submit)
            + bytes([len(tz)]) + tz + bytes([len(langs)]) + langs)


def telemetry_summary():
    w = lambda n, d: write("telemetry_summary", n, d)
    w("human", summary(attrs=0x8a3c51e7, ua_hash=0x1122334455667788,
                       keys=18, moves=140, submit=5200, tz=b"Asia/Tokyo",
                       langs=b"ja-JP,ja,en-US"))
    w("bot", summary(auto=0x3f, scripted=0x1f, mismatch=0x07, paste=1,
                     keys=12, moves=12, submit=8, tz=b"UTC",
                     langs=b"en-US"))
    w("empty", summary())
    w("longest", summary(tz=b"A" * 64, langs=b",".join([b"abcdefg"] * 8)))


# --- signed: tokens, device cookies, tickets --------------------------------

def signed_texts():
    w = lambda n, d: write("signed", n, d)
    tid = "3f2a9c0b7e1d4f6a8b5c2d0e9f1a3b4c"
    token = signed("%s.%d" % (tid, EXPIRY))
    w("token", token)
    w("token-old-key", signed("%s.%d" % (tid, EXPIRY), kid="k1"))
    w("token-expired", signed("%s.%d" % (tid, EXPIRED)))
    w("token-unknown-key", signed("%s.%d" % (tid, EXPIRY), kid="k9",
                                  key=bytes(32)))
    w("devcookie", signed("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"))
    w("devcookie-old-key", signed("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
                                  kid="k1"))
    attempt = "0123456789abcdef0123456789abcdef"
    for name, user in (("ticket", "alice"),
                       ("ticket-email", "alice@example.com"),
                       ("ticket-japanese", "アリス"),
                       ("ticket-longest", "é" * 128)):
        w(name, signed("%s.%s.%d" % (b64url(user.encode()), attempt,
                                     EXPIRY)))
    w("ticket-expired", signed("%s.%s.%d" % (b64url(b"alice"), attempt,
                                             EXPIRED)))
    w("decimal", "9223372036854775807")
    w("base64url", b64url(b"\x00\xff\xfe fuzz"))
    return token


# --- ua: the user agents of tests/unit/test_ua.c -----------------------------

C_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\0", "\\": b"\\",
             '"': b'"', "'": b"'"}


def c_strings(text):
    """The first argument of each ROW(...): adjacent C string literals."""
    rows = []
    for m in re.finditer(r'ROW\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', text):
        out = b""
        for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)):
            i = 0
            while i < len(lit):
                c = lit[i]
                if c != "\\":
                    out += c.encode()
                    i += 1
                elif lit[i + 1] == "x":
                    h = re.match(r"[0-9a-fA-F]+", lit[i + 2:]).group(0)
                    out += bytes([int(h, 16) & 0xff])
                    i += 2 + len(h)
                else:
                    out += C_ESCAPES[lit[i + 1]]
                    i += 2
        rows.append(out)
    return rows


def ua():
    with open(os.path.join(ROOT, "tests", "unit", "test_ua.c")) as f:
        rows = c_strings(f.read())
    seen = set()
    n = 0
    for row in rows:
        if row in seen:
            continue
        seen.add(row)
        n += 1
        write("ua", "test_ua-%02d" % n, row)
    write("ua", "empty", b"")
    return n


# --- secret: key files -------------------------------------------------------

def secret():
    w = lambda n, d: write("secret", n, d)
    w("one-key", "k1 " + KEYS["k1"].hex() + "\n")
    w("rotation", "# login_risk keys: the first signs, every one verifies\n"
      "\n2026-03\t" + KEYS["k2"].hex().upper() + "  \r\n"
      "  2026-01 " + KEYS["k1"].hex() + "\r\n")
    w("longest", "key_id_of_16_chr " + ("a5" * 64) + "\n" +
      "".join("k%d %s\n" % (i, ("%02x" % i) * 32) for i in range(2, 9)))
    w("short-secret", "k1 " + "ab" * 31 + "\n")
    w("bad-kid", "k.1 " + KEYS["k1"].hex() + "\n")
    w("duplicate", "k1 " + KEYS["k1"].hex() + "\nk1 " + KEYS["k2"].hex())


# --- login_json: lines of the replay tool -------------------------------------

def login_json():
    w = lambda n, d: write("login_json", n, d)
    w("full", json.dumps({
        "time": "2026-01-01T08:00:00.250Z", "user": "Alice@Example.COM",
        "ip": "203.0.113.7", "country": "jp", "city": "Tokyo", "asn": 2516,
        "asn_org": "KDDI", "lat": 35.6762, "lon": 139.6503, "ua": CHROME,
        "device_id": "dev-a", "device_attrs": "12345aBc",
        "timezone": "Asia/Tokyo", "languages": "ja-JP,ja;q=0.9",
        "telemetry": True, "automation": False, "anonymizer": False,
        "scripted": False, "paste_password": True, "ua_mismatch": False,
        "lang_mismatch": False, "bad_device_cookie": False,
        "token": "valid", "success": True, "label": "legit"}))
    w("impossible-travel", json.dumps({
        "time": 1767229200000, "user": "ＡＬＩＣＥ", "ip": "198.51.100.200",
        "country": "BR", "city": "São Paulo", "asn": 64600,
        "asn_org": "Nuvem Hospedagem Ltda", "lat": -23.55, "lon": -46.63,
        "ua": FIREFOX, "timezone": "America/Sao_Paulo",
        "languages": "pt-BR", "telemetry": True, "token": "other_browser"},
        ensure_ascii=False))
    w("stuffing", json.dumps({
        "time": "2026-01-04T06:09:30.565Z", "user": "u3711839",
        "ip": "10.19.138.57", "success": False,
        "label": "attack:brute_force", "country": "US", "asn": 64563,
        "asn_org": "Cumulus Cloud Services Inc.", "lat": 39.0438,
        "lon": -77.4874, "ua": "python-requests/2.32.3",
        "telemetry": False, "token": "absent", "anonymizer": True}))
    w("lists", json.dumps({
        "time": "2024-02-29T23:59:60Z", "user": "bob", "ip": "2001:db8::1",
        "ua_family": "Chrome", "ua_major": 99999, "os": "Other",
        "device_class": "bot", "allow": ["user", "asn"],
        "block": ["ip", "device", "country"], "token": "replayed"}))
    w("minimal", '{"time":0}')
    # the last time it takes (LR_LOGIN_TIME_MAX), a user with a place
    w("latest", '{"time":253402300799999,"user":"alice","country":"JP",'
      '"lat":35.69,"lon":139.69,"device_id":"dev-a"}')
    w("bad-time", '{"time":"2026-02-30T00:00:00Z","user":"x"}')
    w("bad-type", '{"time":1,"telemetry":"yes"}')


# --- profile: lr_profile_codec.c's bytes -------------------------------------

def profile(successes, last_ms, place, entries):
    """entries: (value, count, feature, last_ms)"""
    has, lat, lon = place if place else (0, 0.0, 0.0)
    oldest = min((e[3] for e in entries), default=0)
    out = b"LRP" + struct.pack("<BIqqBddB", 1, successes, last_ms, oldest,
                               has, lat, lon, len(entries))
    for value, count, feature, ms in entries:
        out += struct.pack("<IHBq", value, count, feature, ms)
    return out


T0 = 1767225600000          # 2026-01-01


def profiles():
    """(name, bytes): one user's profiles, as Redis would hold them"""
    day = 86400000
    alice = [(0x11111111, 5, 0, T0), (0x22222222, 5, 1, T0),
             (0x33333333, 4, 2, T0 - day), (0x44444444, 3, 3, T0 - 2 * day),
             (0x55555555, 5, 4, T0), (0x66666666, 5, 5, T0),
             (0x77777777, 5, 6, T0), (0x88888888, 5, 7, T0),
             (0x99999999, 5, 8, T0), (0x12345678, 5, 9, T0)]
    full = [(0x1000 + v, 1 + v, f, T0 - v * day)
            for f in range(10) for v in range(16)]
    return [
        ("alice-tokyo", profile(5, T0, (1, 35.69, 139.69), alice)),
        ("new", profile(0, 0, None, [])),
        ("aged", profile(2, T0 - 400 * day, None,
                         [(0xdeadbeef, 2, 0, T0 - 400 * day),
                          (0xcafef00d, 1, 3, T0 - 200 * day)])),
        ("full", profile(65535, T0, (1, -90.0, 180.0), full)),
    ]


def profile_seeds():
    for name, data in profiles():
        write("profile", name, data)


# --- redis: the replies of one login's pipeline (fuzz_redis.c's order) ------

def resp(v):
    if v is None:
        return b"$-1\r\n"
    if isinstance(v, int):
        return b":%d\r\n" % v
    if isinstance(v, (bytes, str)):
        b = v.encode() if isinstance(v, str) else v
        return b"$%d\r\n%s\r\n" % (len(b), b)
    if isinstance(v, list):
        return b"*%d\r\n" % len(v) + b"".join(resp(e) for e in v)
    raise TypeError(v)


def attempt(time_ms, place):
    has, lat, lon = place
    return (bytes([1]) + struct.pack("<10Q", *range(0x0101, 0x0b0b, 0x0101))
            + struct.pack("<qBdd", time_ms, has, lat, lon))


def redis():
    w = lambda n, d: write("redis", n, d)
    prof = dict(profiles())
    pop = [1000] + [10 + i for i in range(20)]
    summ = summary(attrs=0x8a3c51e7, keys=18, moves=140, submit=5200,
                   tz=b"Asia/Tokyo", langs=b"ja")
    w("known-user", b"".join(resp(r) for r in [
        [prof["alice-tokyo"], b"2", None], None, 3, b"1", 1, pop, summ,
        [attempt(T0, (1, 35.69, 139.69)), prof["alice-tokyo"]],
        [0, prof["full"]]]))
    w("new-user", b"".join(resp(r) for r in [
        [None, None, None], b"0", 0, None, 0, [0] + [0] * 20, None,
        [None, None], [1]]))
    w("attacked", b"".join(resp(r) for r in [
        [prof["aged"], 12, b"7"], b"250", 40, b"99", 17,
        [123456789] + [4294967295] * 20, summary(auto=0x3f, scripted=0x1f),
        [attempt(T0, (0, 0.0, 0.0)), None], [0, b"not a profile"]]))
    w("errors", b"-NOSCRIPT No matching script. Please use EVAL.\r\n"
      b"-ERR wrong number of arguments\r\n+OK\r\n:-1\r\n*-1\r\n"
      b"*3\r\n$-1\r\n:-5\r\n$2\r\n1x\r\n")
    w("nested", resp([[[1, [b"a", None]], b"x"], [], 2]))


def main():
    token = signed_texts()
    login_body(token)
    telemetry()
    telemetry_summary()
    n = ua()
    secret()
    login_json()
    profile_seeds()
    redis()
    print("seeds written (%d user agents from tests/unit/test_ua.c)" % n)


if __name__ == "__main__":
    sys.exit(main())
