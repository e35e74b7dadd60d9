#!/usr/bin/python3
"""Deterministic synthetic login event stream for the risk engine's scenario test.

    gen_events.py [--seed 1] [--users 2000] [--days 60] [--out FILE|-]

Writes one JSON object per line, sorted by time (the input schema of
`login-risk-replay`), and prints a one-line summary to stderr. The same
arguments always give byte-identical output: every random choice comes from
`random.Random` objects seeded with strings derived from --seed (string seeds
are hashed with SHA-512, so PYTHONHASHSEED plays no part), no set or dict is
iterated in hash order, and nothing reads the clock or the environment.
Python 3 standard library only.

Nothing real is named: IPv4 addresses are in 10.0.0.0/8 (fixed lines) and
100.64.0.0/10 (mobile carriers' CGNAT pools), IPv6 in fd00::/8, AS numbers are
private-use (64512-65534 and 4200000000-4294967294), network names are
invented, user ids are opaque ("u" + 7 digits), and the e-mail addresses tried
by credential stuffing are at example.com/.net/.org.

Time
----
The stream starts at 2026-01-01T00:00:00.000Z and lasts --days days. Local
times use each city's standard UTC offset (no DST change happens in the
default window; Brazil has none). Attacks happen in the last quarter of the
window (days 45-60 of 60): the first 45 days are the engine's warm-up.

World model
-----------
* Countries and cities: JP (11 cities: Tokyo, Yokohama, Saitama, Osaka, Kobe,
  Kyoto, Nagoya, Sapporo, Sendai, Hiroshima, Fukuoka), US (8, several time
  zones incl. Honolulu), DE, GB, FR, BR, IN, CN, RU (incl. Vladivostok), NG, VN,
  KR, CH, SG and NL; each city has rough coordinates, an IANA time zone and
  the country's locale.
* Networks (one AS per row of NETWORKS, each in one country): residential
  ISPs (fixed lines, some dual-stack), mobile carriers, business ISPs (the
  offices' networks), hosting/cloud providers and commercial VPN providers.
  IPv4: every fixed-line/hosting AS has one or more /16s of 10.0.0.0/8, every
  /24 of which is located in one of the AS's cities; mobile carriers have a
  /16 of 100.64.0.0/10 (CGNAT-like: a new address from a regional pool for
  every session, so strangers share addresses). IPv6: every AS has a /32 of
  fd00::/8; households get a /48, mobile sessions a random /48 of a regional
  pool, with a fresh interface id (privacy addresses).
* Geo fields (country, lat, lon) follow the address: the same /24 or /48
  always gives the same city. Mobile addresses locate to the carrier's
  regional hub nearest the user (85%) or to the capital (15%), as real GeoIP
  data for mobile networks does.
* anonymizer: true for every address of a VPN provider's AS and for about a
  quarter of each hosting AS's /24s (VPN and Tor exits rented in data
  centres); the other hosting /24s are not on the list.

Legit population (--users, default 2,000)
----------------------------------------
* Residence: ~70% JP, then US 8%, GB/DE 3%, SG/CN 2.5%, FR/KR 2%, CH/IN/BR
  1.5%, VN 1%, NL/RU/NG 0.5%. In JP, 6% are foreign residents whose browsers
  speak en-US, zh-CN, ko-KR, vi-VN or pt-BR (legit language/country
  mismatches); abroad, 45% are Japanese expatriates with ja-JP browsers.
  Time zone follows where the user is; Accept-Language is formatted the way
  each browser family sends it.
* Home: a residential ISP of the user's city and a household /24 (3% of JP
  users share their household, and half of those a family PC, with another
  customer). The last octet changes with DHCP leases every 1-10 days, and in
  4% of leases the household lands in another /24 of the same ISP and city.
  Dual-stack households (by ISP) log in over IPv6 65% of the time.
* Mobile: 90% of users with a phone have a carrier of their country.
* Work: 25% of users work in an office (a business ISP's fixed NAT address,
  shared with colleagues: the largest offices put 10-20 customers behind
  one address) and log in from there on weekdays 9:00-18:00.
* Devices: 1-3 habitual ones (phone first in 60%): iPhone (Safari, some
  Chrome), Android (Chrome, Samsung Internet, Firefox), Windows (Chrome,
  Edge, Firefox), macOS (Safari, Chrome, Firefox, Edge), iPad (desktop-mode
  Safari, i.e. a Mac UA). Each device has a fingerprint (stable across
  cookie clears; changes on about 30% of browser major updates, 15% of
  Safari updates) and a device cookie (device_id). User-Agent strings are
  the real formats (Chrome's reduced UA, iOS 26's frozen OS token); browsers
  update on the approximate real release schedule (Chrome 143 -> 144 on
  2026-01-13 -> 145 on 2026-02-10 ...; Firefox 146/147/148; Safari 26.2/26.3)
  with a per-device lag of 0-14 days (5% of devices: 30-60 days).
* device_id is absent on a browser's first login and on the first login
  after its cookies were cleared (1% of sessions; 5% of devices clear them
  in 25% of sessions; 2% of devices always browse privately: never a
  device_id); the cookie issued then is carried from the next login on.
* 1% of devices block the collector (no telemetry, fingerprint, time zone;
  token absent); 0.3% of logins carry an expired ("invalid") token; 0.4% of
  devices have a wrong time zone setting (Etc/UTC or America/Los_Angeles).
* Logins: a per-user rate, log-uniform between one a month and five a week
  (weekends x0.8), at local hours weighted towards mornings, lunch and
  evenings. 3% of sessions start with a mistyped password (failure, then a
  success from the same place 15 s - 4 min later), 0.5% with two, 0.2%
  fail and give up.
* Noise that must not be called an attack: 1.5% of users travel abroad
  (4-14 days; no login during the journey or within an hour of it: flights
  at 800 km/h + 1.5 h, trains under 600 km at 250 km/h + 0.5 h; hotel
  Wi-Fi, a local SIM, or home-routed roaming that shows the home carrier's
  address while the phone shows the destination's time zone), 3% take a
  domestic trip (2-4 days), 2% get a new phone (a new device, first seen
  without device_id), cookie clears, 2% of the sessions of phones, tablets
  and Macs come from a cafe/hotel network in the user's city, 1% of users
  use a commercial VPN in 35% of their sessions (anonymizer true, about half
  of them exiting abroad). Some legit pairs of logins therefore look fast
  (a mobile address located at the capital, roaming, a VPN exit abroad):
  about 0.1% of consecutive successful logins exceed 1,000 km/h over more
  than 300 km, as in real traffic.

Attacks (days 45-60; counts scale with --users / 2000)
------------------------------------------------------
Victims of kinds 1, 2, 3, 5 and 6 are distinct users with at least 3
successful legit logins before the attack (fewer only if too few qualify);
their own legit logins go on. success is true when the attacker has the
password.
1. naive (150 events, 150 victims): operators in CN/RU/NG/VN (a few in BR/IN)
   on a residential or (non-listed) hosting address, with their own Windows
   or Android browser, time zone and language; correct password. Half of the
   operators keep their cookies between victims (one device_id over several
   accounts).
2. vpn_same_country (150): operators from CN/VN/RU/NG exit from a hosting
   address in the victim's country (anonymizer true for every other event),
   but their browser keeps Asia/Shanghai, zh-CN, etc.; correct password.
3. targeted (150): someone who knows the victim: same country, the same
   browser family and OS (and version) as the victim's main device, a
   residential address (the victim's own ISP in 30%, the same city in 60%;
   a mobile carrier in 25% when the main device is a phone), a new device
   (no device_id, new fingerprint), the victim's time zone and language;
   correct password.
4. stuffing (~3,000): three campaigns of a botnet of ~180 addresses (mostly
   residential in many countries, a quarter hosting, some of it listed); each
   address tries 5-30 accounts within an hour from a combo list (55%
   existing users, 45% unknown ids and e-mail addresses); 7% of the existing
   ones succeed (~4% overall). Campaign 1: scripts (python-requests,
   Go-http-client, aiohttp, curl) without telemetry or device cookie, tokens
   absent, replayed or invalid. Campaign 2: headless Chrome: telemetry with
   automation true, valid tokens, a few shared fingerprints, Etc/UTC, some
   bots keep one cookie jar. Campaign 3: scripts that send a real browser UA
   and Accept-Language but run no JavaScript.
5. brute_force (~500, 5 victims): three accounts from one address each and
   two accounts from 3-6 addresses of one /24 each; ~100 guesses per account,
   one every 8-40 s (40-50 minutes); for 60% of the accounts the last guess
   succeeds (a guessable password).
6. impossible_travel (100): right after one of the victim's legit
   successful logins at home, within 5-55 minutes, a login from another
   continent with the correct password on a device that looks like the
   victim's main one (the same UA string, time zone and language) but has no
   device cookie and another fingerprint.
"""

import argparse
import base64
import bisect
import hashlib
import ipaddress
import json
import math
import os
import random
import sys
from datetime import datetime, timezone


START = datetime(2026, 1, 1, tzinfo=timezone.utc)
START_MS = int(START.timestamp() * 1000)
DAY_MS = 86400 * 1000
HOUR_MS = 3600 * 1000
MIN_MS = 60 * 1000

BASE_USERS = 2000


# --------------------------------------------------------------------------
# Countries and cities
# --------------------------------------------------------------------------

# code: (continent, locale, [(city, lat, lon, tz, utc offset minutes, weight)])
COUNTRIES = {
    "JP": ("AS", "ja-JP", [
        ("Tokyo", 35.6895, 139.6917, "Asia/Tokyo", 540, 30),
        ("Yokohama", 35.4437, 139.6380, "Asia/Tokyo", 540, 9),
        ("Saitama", 35.8617, 139.6455, "Asia/Tokyo", 540, 6),
        ("Osaka", 34.6937, 135.5023, "Asia/Tokyo", 540, 14),
        ("Kobe", 34.6901, 135.1955, "Asia/Tokyo", 540, 4),
        ("Kyoto", 35.0116, 135.7681, "Asia/Tokyo", 540, 4),
        ("Nagoya", 35.1815, 136.9066, "Asia/Tokyo", 540, 8),
        ("Sapporo", 43.0618, 141.3545, "Asia/Tokyo", 540, 5),
        ("Sendai", 38.2682, 140.8694, "Asia/Tokyo", 540, 4),
        ("Hiroshima", 34.3853, 132.4553, "Asia/Tokyo", 540, 4),
        ("Fukuoka", 33.5904, 130.4017, "Asia/Tokyo", 540, 6),
    ]),
    "US": ("NA", "en-US", [
        ("New York", 40.7128, -74.0060, "America/New_York", -300, 25),
        ("Los Angeles", 34.0522, -118.2437, "America/Los_Angeles", -480, 20),
        ("San Francisco", 37.7749, -122.4194, "America/Los_Angeles", -480, 10),
        ("Seattle", 47.6062, -122.3321, "America/Los_Angeles", -480, 8),
        ("Chicago", 41.8781, -87.6298, "America/Chicago", -360, 12),
        ("Houston", 29.7604, -95.3698, "America/Chicago", -360, 8),
        ("Honolulu", 21.3069, -157.8583, "Pacific/Honolulu", -600, 10),
        ("Ashburn", 39.0438, -77.4874, "America/New_York", -300, 2),
    ]),
    "DE": ("EU", "de-DE", [
        ("Berlin", 52.5200, 13.4050, "Europe/Berlin", 60, 10),
        ("Frankfurt", 50.1109, 8.6821, "Europe/Berlin", 60, 8),
        ("Munich", 48.1351, 11.5820, "Europe/Berlin", 60, 8),
        ("Dusseldorf", 51.2277, 6.7735, "Europe/Berlin", 60, 10),
    ]),
    "GB": ("EU", "en-GB", [
        ("London", 51.5074, -0.1278, "Europe/London", 0, 20),
        ("Manchester", 53.4808, -2.2426, "Europe/London", 0, 6),
        ("Edinburgh", 55.9533, -3.1883, "Europe/London", 0, 4),
    ]),
    "FR": ("EU", "fr-FR", [
        ("Paris", 48.8566, 2.3522, "Europe/Paris", 60, 15),
        ("Lyon", 45.7640, 4.8357, "Europe/Paris", 60, 5),
        ("Marseille", 43.2965, 5.3698, "Europe/Paris", 60, 4),
    ]),
    "BR": ("SA", "pt-BR", [
        ("Sao Paulo", -23.5505, -46.6333, "America/Sao_Paulo", -180, 15),
        ("Rio de Janeiro", -22.9068, -43.1729, "America/Sao_Paulo", -180, 8),
    ]),
    "IN": ("AS", "en-IN", [
        ("Mumbai", 19.0760, 72.8777, "Asia/Kolkata", 330, 10),
        ("Bengaluru", 12.9716, 77.5946, "Asia/Kolkata", 330, 8),
        ("Delhi", 28.7041, 77.1025, "Asia/Kolkata", 330, 10),
    ]),
    "CN": ("AS", "zh-CN", [
        ("Shanghai", 31.2304, 121.4737, "Asia/Shanghai", 480, 12),
        ("Beijing", 39.9042, 116.4074, "Asia/Shanghai", 480, 10),
        ("Shenzhen", 22.5431, 114.0579, "Asia/Shanghai", 480, 8),
        ("Dalian", 38.9140, 121.6147, "Asia/Shanghai", 480, 4),
    ]),
    "RU": ("EU", "ru-RU", [
        ("Moscow", 55.7558, 37.6173, "Europe/Moscow", 180, 12),
        ("Saint Petersburg", 59.9311, 30.3609, "Europe/Moscow", 180, 6),
        ("Vladivostok", 43.1198, 131.8869, "Asia/Vladivostok", 600, 3),
    ]),
    "NG": ("AF", "en-NG", [
        ("Lagos", 6.5244, 3.3792, "Africa/Lagos", 60, 10),
        ("Abuja", 9.0765, 7.3986, "Africa/Lagos", 60, 5),
    ]),
    "VN": ("AS", "vi-VN", [
        ("Ho Chi Minh City", 10.8231, 106.6297, "Asia/Ho_Chi_Minh", 420, 10),
        ("Hanoi", 21.0278, 105.8342, "Asia/Ho_Chi_Minh", 420, 8),
    ]),
    "KR": ("AS", "ko-KR", [
        ("Seoul", 37.5665, 126.9780, "Asia/Seoul", 540, 15),
        ("Busan", 35.1796, 129.0756, "Asia/Seoul", 540, 5),
    ]),
    "CH": ("EU", "de-CH", [
        ("Zurich", 47.3769, 8.5417, "Europe/Zurich", 60, 8),
        ("Geneva", 46.2044, 6.1432, "Europe/Zurich", 60, 5),
    ]),
    "SG": ("AS", "en-SG", [
        ("Singapore", 1.3521, 103.8198, "Asia/Singapore", 480, 10),
    ]),
    "NL": ("EU", "nl-NL", [
        ("Amsterdam", 52.3676, 4.9041, "Europe/Amsterdam", 60, 10),
        ("Rotterdam", 51.9244, 4.4777, "Europe/Amsterdam", 60, 4),
    ]),
}

RESIDENCE_WEIGHTS = [
    ("JP", 70.0), ("US", 8.0), ("GB", 3.0), ("DE", 3.0), ("SG", 2.5),
    ("CN", 2.5), ("FR", 2.0), ("KR", 2.0), ("CH", 1.5), ("IN", 1.5),
    ("BR", 1.5), ("VN", 1.0), ("NL", 0.5), ("RU", 0.5), ("NG", 0.5),
]

# Foreign residents of JP: their browsers' locale.
JP_FOREIGN_LOCALES = [("en-US", 2.0), ("zh-CN", 2.0), ("ko-KR", 1.0),
                      ("vi-VN", 0.5), ("pt-BR", 0.5)]

# Where the Accept-Language of a country's locals comes from (NG/SG browsers
# mostly ship en-GB/en-US, not en-NG/en-SG).
BROWSER_LOCALE = {"en-NG": "en-GB", "en-SG": "en-GB", "en-IN": "en-IN"}

# Mobile carriers' regional hubs (GeoIP locates their pools there).
MOBILE_HUBS = {
    "JP": ["Tokyo", "Osaka", "Nagoya", "Fukuoka", "Sapporo", "Sendai"],
    "US": ["New York", "Los Angeles", "Chicago", "Seattle", "Houston"],
}

# kind: res (fixed-line residential), mobile, biz (offices), hosting, vpn
# (cc, kind, name, market share within its kind, IPv6 share, /16s, cities)
NETWORKS = [
    ("JP", "res", "Hoshizora Hikari Net KK", 40, 0.6, 3, None),
    ("JP", "res", "Kanto Fiber Communications KK", 18, 0.4, 1,
     ["Tokyo", "Yokohama", "Saitama"]),
    ("JP", "res", "Nishinihon Broadband KK", 16, 0.5, 1,
     ["Osaka", "Kobe", "Kyoto", "Hiroshima", "Fukuoka"]),
    ("JP", "res", "Mirai Cable Television KK", 14, 0.0, 2, None),
    ("JP", "res", "Tsubame Internet KK", 12, 0.3, 2, None),
    ("JP", "mobile", "Kaede Mobile KK", 40, 0.5, 1, None),
    ("JP", "mobile", "Hibari Wireless KK", 35, 0.4, 1, None),
    ("JP", "mobile", "Aozora Mobile KK", 25, 0.0, 1, None),
    ("JP", "biz", "Nihon Business Net KK", 60, 0.0, 1, None),
    ("JP", "biz", "Tokai Enterprise Link KK", 40, 0.0, 1, None),
    ("JP", "hosting", "Kumo Cloud Japan KK", 60, 0.3, 1, ["Tokyo", "Osaka"]),
    ("JP", "hosting", "Yamato VPS Service KK", 40, 0.0, 1, ["Tokyo"]),
    ("JP", "vpn", "Veil Networks Japan", 100, 0.0, 1, ["Tokyo", "Osaka"]),

    ("US", "res", "Keystone Cable Inc.", 40, 0.6, 1, None),
    ("US", "res", "Pioneer Fiber LLC", 35, 0.5, 1, None),
    ("US", "res", "Lakeshore Broadband Inc.", 25, 0.0, 1,
     ["Chicago", "Houston", "New York"]),
    ("US", "mobile", "Liberty Wireless LLC", 40, 0.8, 1, None),
    ("US", "mobile", "Redwood Cellular Inc.", 35, 0.7, 1, None),
    ("US", "mobile", "Atlas Mobile Inc.", 25, 0.5, 1, None),
    ("US", "biz", "Harbor Business Networks Inc.", 100, 0.0, 1, None),
    ("US", "hosting", "Cumulus Cloud Services Inc.", 60, 0.3, 1,
     ["Ashburn", "San Francisco", "Seattle"]),
    ("US", "hosting", "Bitforge Hosting LLC", 40, 0.0, 1,
     ["Ashburn", "Chicago", "Los Angeles"]),
    ("US", "vpn", "Veil Networks US", 100, 0.0, 1, ["Ashburn", "Los Angeles"]),

    ("DE", "res", "Nordlicht Breitband GmbH", 55, 0.5, 1, None),
    ("DE", "res", "Rheinnetz Kabel GmbH", 45, 0.3, 1, None),
    ("DE", "mobile", "Funkwelle Mobil GmbH", 100, 0.5, 1, None),
    ("DE", "biz", "Mittelstand Netze GmbH", 100, 0.0, 1, None),
    ("DE", "hosting", "Rechenzentrum Falkenau GmbH", 100, 0.2, 1,
     ["Frankfurt", "Berlin"]),
    ("DE", "vpn", "Veil Networks Deutschland", 100, 0.0, 1, ["Frankfurt"]),

    ("GB", "res", "Albion Fibre Ltd", 55, 0.4, 1, None),
    ("GB", "res", "Pennine Broadband plc", 45, 0.0, 1, None),
    ("GB", "mobile", "Kestrel Mobile Ltd", 100, 0.3, 1, None),
    ("GB", "biz", "Citygate Business Internet Ltd", 100, 0.0, 1, None),
    ("GB", "hosting", "Greyfriars Hosting Ltd", 100, 0.0, 1, ["London"]),
    ("GB", "vpn", "Veil Networks UK", 100, 0.0, 1, ["London"]),

    ("FR", "res", "Hexagone Fibre SAS", 55, 0.6, 1, None),
    ("FR", "res", "Lumière Télécom SA", 45, 0.3, 1, None),
    ("FR", "mobile", "Mistral Mobile SA", 100, 0.4, 1, None),
    ("FR", "biz", "Rive Gauche Entreprises SAS", 100, 0.0, 1, None),
    ("FR", "hosting", "Nuage Hébergement SAS", 100, 0.2, 1, ["Paris"]),

    ("BR", "res", "Ipê Telecomunicações Ltda", 60, 0.3, 1, None),
    ("BR", "res", "Sabiá Fibra SA", 40, 0.0, 1, None),
    ("BR", "mobile", "Arara Móvel SA", 100, 0.2, 1, None),
    ("BR", "biz", "Paulista Empresas Net Ltda", 100, 0.0, 1, None),
    ("BR", "hosting", "Cerrado Cloud Ltda", 100, 0.0, 1, ["Sao Paulo"]),

    ("IN", "res", "Ganga Broadband Pvt Ltd", 55, 0.4, 1, None),
    ("IN", "res", "Deccan Fibernet Pvt Ltd", 45, 0.2, 1, None),
    ("IN", "mobile", "Monsoon Mobile Ltd", 100, 0.7, 1, None),
    ("IN", "biz", "Indus Enterprise Net Pvt Ltd", 100, 0.0, 1, None),
    ("IN", "hosting", "Indus Cloud Pvt Ltd", 100, 0.0, 1, ["Mumbai"]),

    ("CN", "res", "Huaxia Broadband Co Ltd", 55, 0.3, 1, None),
    ("CN", "res", "Changjiang Telecom Co Ltd", 45, 0.2, 1, None),
    ("CN", "mobile", "Xinyun Mobile Co Ltd", 100, 0.5, 1, None),
    ("CN", "biz", "Pudong Enterprise Network Co Ltd", 100, 0.0, 1, None),
    ("CN", "hosting", "Longyun Cloud Co Ltd", 100, 0.0, 1,
     ["Shanghai", "Beijing", "Shenzhen"]),

    ("RU", "res", "Volga Telecom JSC", 55, 0.1, 1, None),
    ("RU", "res", "Beryozka Net LLC", 45, 0.0, 1, None),
    ("RU", "mobile", "Sever Mobile JSC", 100, 0.2, 1, None),
    ("RU", "biz", "Neva Business Networks LLC", 100, 0.0, 1, None),
    ("RU", "hosting", "Taiga Hosting LLC", 100, 0.0, 1,
     ["Moscow", "Saint Petersburg"]),

    ("NG", "res", "Niger Delta Broadband Ltd", 100, 0.0, 1, None),
    ("NG", "mobile", "Harmattan Mobile Ltd", 100, 0.1, 1, None),
    ("NG", "biz", "Eko Business Connect Ltd", 100, 0.0, 1, None),
    ("NG", "hosting", "Lagoon Hosting Ltd", 100, 0.0, 1, ["Lagos"]),

    ("VN", "res", "Song Hong Telecom JSC", 55, 0.3, 1, None),
    ("VN", "res", "Mekong Fiber JSC", 45, 0.2, 1, None),
    ("VN", "mobile", "Sao Mai Mobile JSC", 100, 0.4, 1, None),
    ("VN", "biz", "Saigon Business Net JSC", 100, 0.0, 1, None),
    ("VN", "hosting", "Lotus Cloud JSC", 100, 0.0, 1,
     ["Ho Chi Minh City", "Hanoi"]),

    ("KR", "res", "Hangang Broadband Co", 100, 0.3, 1, None),
    ("KR", "mobile", "Mugunghwa Mobile Co", 100, 0.6, 1, None),
    ("KR", "biz", "Gangnam Business Net Co", 100, 0.0, 1, None),
    ("KR", "hosting", "Seorak Cloud Co", 100, 0.0, 1, ["Seoul"]),

    ("CH", "res", "Zürichsee Netz AG", 55, 0.5, 1, None),
    ("CH", "res", "Léman Télécom SA", 45, 0.3, 1, None),
    ("CH", "mobile", "Alpenfunk Mobil AG", 100, 0.4, 1, None),
    ("CH", "biz", "Helvetia Business Link AG", 100, 0.0, 1, None),
    ("CH", "hosting", "Gotthard Datacenter AG", 100, 0.0, 1, ["Zurich"]),

    ("SG", "res", "Merlion Broadband Pte Ltd", 100, 0.4, 1, None),
    ("SG", "mobile", "Straits Mobile Pte Ltd", 100, 0.5, 1, None),
    ("SG", "biz", "Raffles Business Net Pte Ltd", 100, 0.0, 1, None),
    ("SG", "hosting", "Equator Cloud Pte Ltd", 100, 0.3, 1, ["Singapore"]),
    ("SG", "vpn", "Veil Networks Singapore", 100, 0.0, 1, ["Singapore"]),

    ("NL", "res", "Polder Glasvezel BV", 100, 0.5, 1, None),
    ("NL", "mobile", "Tulp Mobiel BV", 100, 0.3, 1, None),
    ("NL", "biz", "Grachten Zakelijk Net BV", 100, 0.0, 1, None),
    ("NL", "hosting", "Dijkstra Hosting BV", 100, 0.3, 1, ["Amsterdam"]),
    ("NL", "vpn", "Veil Networks Netherlands", 100, 0.0, 1, ["Amsterdam"]),
]


# --------------------------------------------------------------------------
# Browsers
# --------------------------------------------------------------------------

def _day(s):
    return int(datetime.fromisoformat(s + "T00:00:00+00:00").timestamp() * 1000)


# (version, release day); approximate real stable-channel schedules
CHROME_RELEASES = [(142, _day("2025-10-28")), (143, _day("2025-12-02")),
                   (144, _day("2026-01-13")), (145, _day("2026-02-10")),
                   (146, _day("2026-03-10"))]
CHROME_BUILD = {142: 7444, 143: 7499, 144: 7559, 145: 7632, 146: 7680}
EDGE_RELEASES = [(v, d + 3 * DAY_MS) for v, d in CHROME_RELEASES]
FIREFOX_RELEASES = [(145, _day("2025-11-11")), (146, _day("2025-12-09")),
                    (147, _day("2026-01-13")), (148, _day("2026-02-24"))]
SAFARI26_RELEASES = [("26.1", _day("2025-11-03")), ("26.2", _day("2025-12-12")),
                     ("26.3", _day("2026-01-27"))]
SAFARI18_RELEASES = [("18.6", _day("2025-07-29"))]
FIXED_RELEASES = [("29.0", _day("2025-10-01"))]  # Samsung Internet

RELEASES = {
    "Chrome": CHROME_RELEASES, "Edge": EDGE_RELEASES,
    "Firefox": FIREFOX_RELEASES, "Safari": SAFARI26_RELEASES,
    "Safari18": SAFARI18_RELEASES, "Samsung Internet": FIXED_RELEASES,
}

# platform -> [(browser family, weight)]
PLATFORM_BROWSERS = {
    "iphone": [("Safari", 88), ("Chrome", 12)],
    "android": [("Chrome", 82), ("Samsung Internet", 12), ("Firefox", 6)],
    "windows": [("Chrome", 58), ("Edge", 32), ("Firefox", 10)],
    "mac": [("Safari", 48), ("Chrome", 40), ("Firefox", 8), ("Edge", 4)],
    "ipad": [("Safari", 100)],
}
PLATFORM_CLASS = {"iphone": "phone", "android": "phone", "windows": "desktop",
                  "mac": "desktop", "ipad": "tablet"}

SCRIPT_UAS = ["python-requests/2.31.0", "python-requests/2.32.3",
              "Go-http-client/1.1", "Go-http-client/2.0",
              "Python/3.11 aiohttp/3.9.5", "curl/8.5.0"]


def release_at(family, t_ms, lag_ms, ios18=False):
    """Index and version of the release a device with this lag runs at t."""
    rel = RELEASES["Safari18" if (family == "Safari" and ios18) else family]
    idx = 0
    for i, (_, d) in enumerate(rel):
        if d + lag_ms <= t_ms:
            idx = i
    return idx, rel[idx][0]


def ua_string(platform, family, version, ios18=False):
    if platform in ("windows", "mac"):
        os_tok = ("Windows NT 10.0; Win64; x64" if platform == "windows"
                  else "Macintosh; Intel Mac OS X 10_15_7")
        if family in ("Chrome", "Edge"):
            ua = ("Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/%d.0.0.0 Safari/537.36" % (os_tok, version))
            if family == "Edge":
                ua += " Edg/%d.0.0.0" % version
            return ua
        if family == "Firefox":
            os_ff = ("Windows NT 10.0; Win64; x64" if platform == "windows"
                     else "Macintosh; Intel Mac OS X 10.15")
            return ("Mozilla/5.0 (%s; rv:%d.0) Gecko/20100101 Firefox/%d.0"
                    % (os_ff, version, version))
        return ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
                "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%s "
                "Safari/605.1.15" % version)
    if platform == "ipad":     # iPadOS Safari asks for the desktop site
        return ua_string("mac", "Safari", version)
    if platform == "iphone":
        # iOS 26 freezes the OS token at 18_6; iOS 18 devices send their own
        os_v = "18_6_2" if ios18 else "18_6"
        if family == "Chrome":
            return ("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) "
                    "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/%d.0.%d.%d "
                    "Mobile/15E148 Safari/604.1"
                    % (os_v, version, CHROME_BUILD[version], 80 + version % 7 * 9))
        return ("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) "
                "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%s "
                "Mobile/15E148 Safari/604.1" % (os_v, version))
    # android
    if family == "Samsung Internet":
        return ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
                "(KHTML, like Gecko) SamsungBrowser/%s Chrome/136.0.0.0 "
                "Mobile Safari/537.36" % version)
    if family == "Firefox":
        return ("Mozilla/5.0 (Android 15; Mobile; rv:%d.0) Gecko/%d.0 "
                "Firefox/%d.0" % (version, version, version))
    return ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36" % version)


def accept_language(locale, family, extra=None):
    """Accept-Language as the browser family formats it for this locale;
    extra is a second language the user added (expats)."""
    locale = BROWSER_LOCALE.get(locale, locale)
    lang = locale.split("-")[0]
    if family in ("Chrome", "Edge", "Samsung Internet", "HeadlessChrome"):
        if locale == "en-US":
            s = "en-US,en;q=0.9"
        elif locale == "ja-JP":
            s = "ja,en-US;q=0.9,en;q=0.8"
        elif lang == "en":
            s = "%s,en-US;q=0.9,en;q=0.8" % locale
        else:
            s = "%s,%s;q=0.9,en-US;q=0.8,en;q=0.7" % (locale, lang)
    elif family == "Firefox":
        if locale == "en-US":
            s = "en-US,en;q=0.5"
        else:
            s = "%s,en-US;q=0.7,en;q=0.3" % (lang if lang == "ja" else locale)
    else:  # Safari
        s = "en-US,en;q=0.9" if locale == "en-US" else "%s,%s;q=0.9" % (locale, lang)
    if extra and extra.split("-")[0] not in s.replace(";", ",").split(","):
        qmin = min([float(p.split("q=")[1]) for p in s.split(",") if "q=" in p]
                   or [1.0])
        s += ",%s;q=%.1f" % (extra.split("-")[0], max(0.1, qmin - 0.1))
    return s


def b64id(*parts, n=22):
    h = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return base64.urlsafe_b64encode(h).decode()[:n]


def hexid(*parts, n=32):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:n]


def attrs_id(*parts, cells=8):
    """A device attribute vector as the module computes one (src/lr_devattr.h):
    8 hex digits, each cell 1..15 (0 is "unknown"), the last digit cell 0."""
    h = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return "".join("%x" % (1 + b % 15) for b in h[:cells])


# --------------------------------------------------------------------------
# World
# --------------------------------------------------------------------------

class City:
    __slots__ = ("name", "cc", "lat", "lon", "tz", "offset_ms", "weight")

    def __init__(self, cc, name, lat, lon, tz, off, w):
        self.name, self.cc, self.lat, self.lon = name, cc, lat, lon
        self.tz, self.offset_ms, self.weight = tz, off * MIN_MS, w


class Net:
    """One AS: its addresses and where each prefix is located."""

    def __init__(self, idx, cc, kind, name, share, v6, cities):
        self.idx, self.cc, self.kind, self.name = idx, cc, kind, name
        self.share, self.v6 = share, v6
        self.cities = cities
        self.asn = 0
        self.p24 = {}        # city name -> [(o1, o2, o3)]
        self.anon24 = set()  # listed /24s (hosting)
        self.v6top = 0
        self.v6city = {}     # /48 index -> city name

    def city(self, name):
        for c in self.cities:
            if c.name == name:
                return c
        return None

    def is_anon24(self, p):
        return self.kind == "vpn" or p in self.anon24


class Loc:
    """A network location of one login: address, AS, city, listed or not."""
    __slots__ = ("ip", "net", "city", "anon")

    def __init__(self, ip, net, city, anon):
        self.ip, self.net, self.city, self.anon = ip, net, city, anon


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class World:
    def __init__(self, seed):
        rng = random.Random("%s:world" % seed)
        self.seed = seed
        self.cities = {}
        for cc, (_, _, rows) in COUNTRIES.items():
            self.cities[cc] = [City(cc, *r) for r in rows]
        self.nets = []
        n10 = 1
        n100 = 64
        asn16 = 64512
        asn32 = 4200000000
        used_v6 = set()
        for i, (cc, kind, name, share, v6, n16, cnames) in enumerate(NETWORKS):
            allc = self.cities[cc]
            if cnames is None:
                cities = list(allc)
                if kind == "mobile":
                    hubs = MOBILE_HUBS.get(cc)
                    if hubs:
                        cities = [c for c in allc if c.name in hubs]
            else:
                cities = [c for c in allc if c.name in cnames]
            net = Net(i, cc, kind, name, share, v6, cities)
            if kind == "mobile":
                net.asn = asn32
                asn32 += 1 + rng.randrange(40)
            else:
                net.asn = asn16
                asn16 += 1 + rng.randrange(6)
            weights = [c.weight for c in cities]
            if kind == "mobile":
                firsts = [(100, n100)]
                n100 += 1
            else:
                firsts = []
                for _ in range(n16):
                    firsts.append((10, n10))
                    n10 += 1
            for o1, o2 in firsts:
                order = list(range(256))
                rng.shuffle(order)
                for k, o3 in enumerate(order):
                    c = cities[k] if k < len(cities) else \
                        rng.choices(cities, weights)[0]
                    net.p24.setdefault(c.name, []).append((o1, o2, o3))
            for lst in net.p24.values():
                lst.sort()
            if kind == "hosting":
                allp = sorted(p for lst in net.p24.values() for p in lst)
                net.anon24 = set(rng.sample(allp, len(allp) // 4))
            while True:
                top = (0xfd << 24) | rng.getrandbits(24)
                if top not in used_v6:
                    used_v6.add(top)
                    net.v6top = top
                    break
            self.nets.append(net)
        assert n10 < 256 and n100 < 128
        self.by_cc_kind = {}
        for net in self.nets:
            self.by_cc_kind.setdefault((net.cc, net.kind), []).append(net)

    def nets_of(self, cc, kind):
        return self.by_cc_kind.get((cc, kind), [])

    def pick_net(self, rng, cc, kind, city=None):
        nets = [n for n in self.nets_of(cc, kind)
                if city is None or city.name in n.p24]
        if not nets:
            return None
        return rng.choices(nets, [n.share for n in nets])[0]

    def v6_48(self, rng, net, city):
        while True:
            idx = rng.randrange(1, 65536)
            have = net.v6city.get(idx)
            if have is None:
                net.v6city[idx] = city.name
                return idx
            if have == city.name:
                return idx

    @staticmethod
    def v6_addr(net, idx48, subnet, iid):
        v = (net.v6top << 96) | (idx48 << 80) | (subnet << 64) | iid
        return str(ipaddress.IPv6Address(v))

    def random_loc(self, rng, net, city, v6=None, anon=None):
        """A fresh address of net in city (v6: use IPv6; anon: True for a
        listed /24, False for an unlisted one, None either)."""
        if v6 is None:
            v6 = rng.random() < net.v6
        if v6 and net.v6 > 0 and anon is None:
            idx = self.v6_48(rng, net, city)
            ip = self.v6_addr(net, idx, rng.randrange(4), rng.getrandbits(64))
            return Loc(ip, net, city, net.kind == "vpn")
        cands = net.p24[city.name]
        if anon is not None and net.kind == "hosting":
            cands = [p for p in cands if (p in net.anon24) == anon] or cands
        p = rng.choice(cands)
        ip = "%d.%d.%d.%d" % (p + (rng.randrange(2, 255),))
        return Loc(ip, net, city, net.is_anon24(p))

    def loc_from_p24(self, net, city, p, host):
        return Loc("%d.%d.%d.%d" % (p + (host,)), net, city, net.is_anon24(p))

    def city_named(self, cc, name):
        for c in self.cities[cc]:
            if c.name == name:
                return c
        raise KeyError(name)

    def capital(self, cc):
        return self.cities[cc][0]


class Household:
    """A fixed line: one /24 (or /48) of a residential ISP, dynamic address."""

    def __init__(self, world, rng, net, city, uid):
        self.world, self.net, self.city, self.uid = world, net, city, uid
        self.p24 = rng.choice(net.p24[city.name])
        self.v6 = net.v6 > 0 and rng.random() < net.v6 * 1.3
        self.idx48 = world.v6_48(rng, net, city) if self.v6 else 0
        self.lease_ms = rng.randint(1, 10) * DAY_MS
        self.phase = rng.randrange(self.lease_ms)

    def loc(self, t, use_v6):
        epoch = (t - START_MS + self.phase) // self.lease_ms
        r = random.Random("%s:lease:%d" % (self.uid, epoch))
        host = r.randrange(2, 255)
        p = self.p24
        if r.random() < 0.04:
            p = r.choice(self.net.p24[self.city.name])
        if use_v6 and self.v6:
            day = (t - START_MS) // DAY_MS
            iid = random.Random("%s:iid:%d" % (self.uid, day)).getrandbits(64)
            return Loc(World.v6_addr(self.net, self.idx48, 0, iid), self.net,
                       self.city, False)
        return self.world.loc_from_p24(self.net, self.city, p, host)


class Office:
    def __init__(self, world, rng, net, city, uid):
        self.net, self.city, self.uid = net, city, uid
        p = rng.choice(net.p24[city.name])
        base = rng.randrange(2, 240)
        self.locs = [world.loc_from_p24(net, city, p, base + k)
                     for k in range(rng.choice([1, 1, 1, 2]))]

    def loc(self, rng):
        return rng.choice(self.locs)


# --------------------------------------------------------------------------
# Devices
# --------------------------------------------------------------------------

class Device:
    def __init__(self, rng, uid, platform, family=None, ios18=None):
        self.uid = uid
        self.platform = platform
        self.cls = PLATFORM_CLASS[platform]
        if family is None:
            fams = PLATFORM_BROWSERS[platform]
            family = rng.choices([f for f, _ in fams], [w for _, w in fams])[0]
        self.family = family
        if ios18 is None:
            ios18 = platform in ("iphone", "ipad") and rng.random() < 0.25
        self.ios18 = ios18
        if family == "Safari":
            self.lag = rng.randint(0, 30) * DAY_MS
        else:
            self.lag = rng.randint(0, 14) * DAY_MS
        if rng.random() < 0.05:
            self.lag = rng.randint(30, 60) * DAY_MS
        self.weight = {"phone": 1.0, "desktop": 0.7, "tablet": 0.35}[self.cls]
        r = rng.random()
        self.private = r < 0.02
        self.clear_p = 0.25 if r > 0.95 else 0.01
        self.no_collector = rng.random() < 0.01
        self.tz_override = None
        if rng.random() < 0.004:
            self.tz_override = rng.choice(["Etc/UTC", "America/Los_Angeles"])
        self.cookie_epoch = 0
        self.fresh = False
        self.shared = False
        fp_p = 0.15 if family == "Safari" else 0.30
        self.fp_changes = [rng.random() < fp_p for _ in range(8)]

    def version(self, t):
        return release_at(self.family, t, self.lag, self.ios18)

    def ua(self, t):
        return ua_string(self.platform, self.family, self.version(t)[1], self.ios18)

    def fingerprint(self, t):
        # a browser update that changes the fingerprint changes its canvas
        # and audio rendering (cells 6 and 7, the first two digits); GPU,
        # screen, timezone, platform and hardware stay
        idx = self.version(t)[0]
        epoch = sum(1 for k in range(1, idx + 1) if self.fp_changes[k])
        return attrs_id("fp", self.uid, epoch, cells=2) + attrs_id("fp", self.uid, cells=6)

    def device_id(self, rng):
        if self.private:
            return None
        if not self.shared and rng.random() < self.clear_p:
            self.cookie_epoch += 1
            self.fresh = True
        if self.fresh:
            self.fresh = False
            return None
        return b64id("dc", self.uid, self.cookie_epoch)


def pick_platform(rng, cc, cls):
    if cls == "phone":
        return "iphone" if rng.random() < (0.6 if cc == "JP" else 0.45) else "android"
    if cls == "tablet":
        return "ipad"
    return "windows" if rng.random() < 0.7 else "mac"


# --------------------------------------------------------------------------
# Users and legit sessions
# --------------------------------------------------------------------------

HOUR_WEIGHTS = [0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.8, 1.8, 2.5, 2.5, 2.3, 2.2,
                3.0, 2.6, 2.2, 2.1, 2.1, 2.3, 2.8, 3.3, 3.6, 3.4, 2.6, 1.4]


def local_time_of_day(rng, weights=HOUR_WEIGHTS):
    h = rng.choices(range(24), weights)[0]
    return h * HOUR_MS + rng.randrange(HOUR_MS)


def poisson(rng, lam):
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


class Trip:
    def __init__(self, dest, dep, arr, ret_dep, ret_arr, mobile_net):
        self.dest, self.dep, self.arr = dest, dep, arr
        self.ret_dep, self.ret_arr = ret_dep, ret_arr
        self.mobile_net = mobile_net     # a local SIM, or None

    def state(self, t):
        """'home', 'away' or 'transit' (no login then)."""
        if t < self.dep - HOUR_MS or t > self.ret_arr + HOUR_MS:
            return "home"
        if self.arr + HOUR_MS < t < self.ret_dep - HOUR_MS:
            return "away"
        return "transit"


class User:
    pass


def travel_hours(km):
    if km < 600:
        return km / 250.0 + 0.5
    return km / 800.0 + 1.5


class Population:
    def __init__(self, world, seed, n_users, days):
        self.world, self.seed, self.days = world, seed, days
        self.end_ms = START_MS + days * DAY_MS
        rng = random.Random("%s:population" % seed)
        ids = rng.sample(range(1000000, 10000000), n_users)
        self.users = []
        self.offices = {}
        for i, n in enumerate(ids):
            self.users.append(self.make_user(i, "u%07d" % n))
        self.share_households(rng)
        self.id_set = set(u.id for u in self.users)

    def make_user(self, i, uid):
        w = self.world
        rng = random.Random("%s:user:%d" % (self.seed, i))
        u = User()
        u.id, u.idx, u.rng = uid, i, rng
        cc = rng.choices([c for c, _ in RESIDENCE_WEIGHTS],
                         [x for _, x in RESIDENCE_WEIGHTS])[0]
        u.cc = cc
        cities = w.cities[cc]
        u.city = rng.choices(cities, [c.weight for c in cities])[0]
        local = COUNTRIES[cc][1]
        u.locale, u.extra = local, None
        if cc == "JP":
            if rng.random() < 0.06:
                u.locale = rng.choices([l for l, _ in JP_FOREIGN_LOCALES],
                                       [x for _, x in JP_FOREIGN_LOCALES])[0]
                u.extra = "ja-JP" if rng.random() < 0.5 else None
        elif rng.random() < 0.45:
            u.locale, u.extra = "ja-JP", (local if rng.random() < 0.6 else None)
        u.rate = math.exp(rng.uniform(math.log(1 / 30.0), math.log(5 / 7.0)))
        net = w.pick_net(rng, cc, "res", u.city)
        u.home = Household(w, rng, net, u.city, "%s:hh:%s" % (self.seed, uid))
        u.devices = []
        n_dev = rng.choices([1, 2, 3], [40, 40, 20])[0]
        classes = ["phone" if rng.random() < 0.6 else "desktop"]
        while len(classes) < n_dev:
            c = rng.choices(["phone", "desktop", "tablet"], [15, 60, 25])[0]
            if c == "phone" and "phone" in classes and rng.random() < 0.7:
                c = "desktop"
            classes.append(c)
        for k, c in enumerate(classes):
            d = Device(rng, "%s:%s:dev%d" % (self.seed, uid, k),
                       pick_platform(rng, cc, c))
            if k == 0:
                d.weight *= 1.6
            u.devices.append(d)
        u.main = max(u.devices, key=lambda d: d.weight)
        has_phone = any(d.cls == "phone" for d in u.devices)
        u.carrier = w.pick_net(rng, cc, "mobile") if has_phone and rng.random() < 0.9 else None
        if u.carrier is not None:
            hubs = u.carrier.cities
            near = min(hubs, key=lambda c: haversine(c, u.city))
            u.hubs = (near, w.capital(cc) if w.capital(cc) in hubs else near)
        u.office = None
        if rng.random() < 0.25:
            u.office = self.pick_office(rng, cc, u.city)
        u.vpn = None
        if rng.random() < 0.01:
            home_vpn = w.nets_of(cc, "vpn")
            abroad = w.nets_of("NL", "vpn") + w.nets_of("US", "vpn") + w.nets_of("SG", "vpn")
            u.vpn = (home_vpn[0] if home_vpn else None, abroad)
        # noise events
        u.new_phone_at = None
        phones = [d for d in u.devices if d.cls == "phone"]
        if phones and rng.random() < 0.02:
            u.new_phone_at = START_MS + rng.randint(5, max(6, self.days - 5)) * DAY_MS \
                + rng.randrange(DAY_MS)
            old = phones[0]
            plat = old.platform if rng.random() < 0.8 else \
                ("android" if old.platform == "iphone" else "iphone")
            nd = Device(rng, "%s:%s:newphone" % (self.seed, uid), plat)
            nd.weight, nd.fresh = old.weight, True
            u.phone_swap = (old, nd)
        u.trips = []
        r = rng.random()
        if r < 0.015:
            u.trips.append(self.make_trip(rng, u, abroad=True))
        elif r < 0.045 and len(cities) > 1:
            u.trips.append(self.make_trip(rng, u, abroad=False))
        return u

    def pick_office(self, rng, cc, city):
        key = (cc, city.name)
        if key not in self.offices:
            orng = random.Random("%s:offices:%s:%s" % (self.seed, cc, city.name))
            n = 3 + int(city.weight * 3)
            lst = []
            for k in range(n):
                net = self.world.pick_net(orng, cc, "biz", city)
                lst.append(Office(self.world, orng, net, city,
                                  "%s:%s:%d" % (cc, city.name, k)))
            self.offices[key] = lst
        lst = self.offices[key]
        return rng.choices(lst, [1.0 / (k + 1) for k in range(len(lst))])[0]

    def make_trip(self, rng, u, abroad):
        w = self.world
        if abroad:
            if u.cc == "JP":
                dest_cc = rng.choices(["US", "KR", "SG", "GB", "FR", "DE", "VN",
                                       "CN", "CH"],
                                      [30, 15, 10, 8, 8, 7, 8, 8, 6])[0]
            else:
                dest_cc = "JP" if rng.random() < 0.6 else rng.choice(
                    [c for c in ("US", "GB", "FR", "DE", "SG", "KR") if c != u.cc])
            cands = [c for c in w.cities[dest_cc] if c.name != "Ashburn"]
            dest = rng.choices(cands, [c.weight for c in cands])[0]
            length = rng.randint(4, 14)
        else:
            cands = [c for c in w.cities[u.cc] if c is not u.city and c.name != "Ashburn"]
            dest = rng.choices(cands, [c.weight for c in cands])[0]
            length = rng.randint(2, 4)
        hours = travel_hours(haversine(u.city, dest))
        day = rng.randint(1, max(2, self.days - length - 2))
        dep = START_MS + day * DAY_MS - u.city.offset_ms + rng.randint(7, 20) * HOUR_MS
        arr = dep + int(hours * HOUR_MS)
        ret_dep = dep + length * DAY_MS + rng.randint(-3, 3) * HOUR_MS
        ret_arr = ret_dep + int(hours * HOUR_MS)
        sim = w.pick_net(rng, dest.cc, "mobile") if abroad and rng.random() < 0.3 else None
        return Trip(dest, dep, arr, ret_dep, ret_arr, sim)

    def share_households(self, rng):
        """3% of JP users live with another customer (same line); half of
        those also share the family PC."""
        jp = [u for u in self.users if u.cc == "JP"]
        k = int(len(jp) * 0.03) // 2
        for _ in range(k):
            a, b = rng.sample(jp, 2)
            if a.city is not b.city:
                b.city = a.city
            b.home = a.home
            if rng.random() < 0.5:
                pcs = [d for d in a.devices if d.cls == "desktop" and not d.private]
                if pcs:
                    pc = pcs[0]
                    pc.shared, pc.clear_p = True, 0.0
                    if pc not in b.devices:
                        b.devices.append(pc)

    # ---- sessions -------------------------------------------------------

    def session_times(self, u):
        rng = u.rng
        out = []
        for d in range(-1, self.days + 1):
            day0 = START_MS + d * DAY_MS
            weekday = (datetime.fromtimestamp(day0 / 1000, timezone.utc).weekday())
            lam = u.rate * (0.8 if weekday >= 5 else 1.06)
            for _ in range(poisson(rng, lam)):
                t = day0 + local_time_of_day(rng) - u.city.offset_ms
                if START_MS <= t < self.end_ms:
                    out.append(t)
        for trip in u.trips:
            out = [t for t in out if trip.state(t) != "transit"]
            # a traveller checks the account at least once while away
            for _ in range(rng.randint(1, 2)):
                t = trip.arr + rng.randint(2 * HOUR_MS, 30 * HOUR_MS)
                if trip.state(t) == "away" and t < self.end_ms:
                    out.append(t)
        out.sort()
        return out

    def devices_at(self, u, t):
        devs = u.devices
        if u.new_phone_at is not None:
            old, nd = u.phone_swap
            if t >= u.new_phone_at:
                devs = [nd if d is old else d for d in devs]
        return devs

    def legit_events(self):
        """All legit events, plus per-user lists of successful login times and
        events (for choosing victims)."""
        events = []
        for u in self.users:
            rng = u.rng
            u.success_times = []
            u.success_events = []
            for t in self.session_times(u):
                trip = None
                for tr in u.trips:
                    if tr.state(t) == "away":
                        trip = tr
                devs = self.devices_at(u, t)
                local_h = ((t + (trip.dest if trip else u.city).offset_ms)
                           % DAY_MS) // HOUR_MS
                wd = datetime.fromtimestamp(
                    (t + u.city.offset_ms) / 1000, timezone.utc).weekday()
                work_hours = wd < 5 and 9 <= local_h < 18
                if trip is not None:
                    mob = [d for d in devs if d.cls != "desktop"]
                    dev = rng.choice(mob) if mob and rng.random() < 0.75 else rng.choice(devs)
                else:
                    wts = []
                    for d in devs:
                        x = d.weight
                        if work_hours and u.office and d.cls == "desktop":
                            x *= 2.0
                        wts.append(x)
                    dev = rng.choices(devs, wts)[0]
                loc, where = self.pick_loc(u, dev, t, trip, work_hours)
                tz = (trip.dest if trip else u.city).tz
                if dev.tz_override:
                    tz = dev.tz_override
                client = {
                    "ua": dev.ua(t),
                    "device_id": dev.device_id(rng),
                    "device_attrs": dev.fingerprint(t),
                    "timezone": tz,
                    "languages": accept_language(u.locale, dev.family, u.extra),
                    "telemetry": True,
                    "automation": False,
                    "token": "valid" if rng.random() > 0.003 else "invalid",
                }
                if dev.no_collector:
                    client.update(device_attrs=None, timezone=None, telemetry=False,
                                  automation=None, token="absent")
                r = rng.random()
                fails = 1 if r < 0.03 else 2 if r < 0.035 else 0
                give_up = 0.035 <= r < 0.037
                tt = t
                for _ in range(fails + (1 if give_up else 0)):
                    events.append(make_event(tt, u.id, loc, False, "legit", client))
                    tt += rng.randint(15, 240) * 1000
                if give_up:
                    continue
                ev = make_event(tt, u.id, loc, True, "legit", client)
                events.append(ev)
                u.success_times.append(tt)
                u.success_events.append((tt, where, dev, loc))
        return events

    def pick_loc(self, u, dev, t, trip, work_hours):
        """Where a legit session comes from: (Loc, 'home'|'away'|'vpn'|...)."""
        w, rng = self.world, u.rng
        if u.vpn and rng.random() < 0.35:
            home_vpn, abroad = u.vpn
            net = home_vpn if home_vpn and rng.random() < 0.5 else rng.choice(abroad)
            city = rng.choice(net.cities)
            return w.random_loc(rng, net, city, v6=False), "vpn"
        if trip is not None:
            dest = trip.dest
            r = rng.random()
            if dev.cls == "phone" and trip.mobile_net and r < 0.5:
                net = trip.mobile_net
                hub = min(net.cities, key=lambda c: haversine(c, dest))
                return w.random_loc(rng, net, hub), "away"
            if (dev.cls == "phone" and u.carrier and r < 0.3
                    and dest.cc != u.cc):
                # home-routed roaming: home carrier address, foreign time zone
                return w.random_loc(rng, u.carrier, u.hubs[0]), "roaming"
            kind = "biz" if rng.random() < 0.5 else "res"
            net = w.pick_net(rng, dest.cc, kind, dest) or w.pick_net(rng, dest.cc, "res", dest)
            return w.random_loc(rng, net, dest, v6=False), "away"
        if dev.cls != "desktop" and rng.random() < 0.02 or \
                dev.cls == "desktop" and dev.platform == "mac" and rng.random() < 0.02:
            kind = "biz" if rng.random() < 0.6 else "res"
            net = w.pick_net(rng, u.cc, kind, u.city) or w.pick_net(rng, u.cc, "res", u.city)
            return w.random_loc(rng, net, u.city, v6=False), "cafe"
        if u.office and work_hours:
            p = 0.6 if dev.cls == "desktop" else 0.15
            if rng.random() < p:
                return u.office.loc(rng), "work"
        if dev.cls == "phone" and u.carrier and rng.random() < 0.4:
            hub = u.hubs[0] if rng.random() < 0.85 else u.hubs[1]
            return w.random_loc(rng, u.carrier, hub), "mobile"
        return u.home.loc(t, rng.random() < 0.65), "home"


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------

FIELD_ORDER = ("ua", "device_id", "device_attrs", "timezone", "languages",
               "telemetry", "automation", "token")


def make_event(t, user, loc, success, label, client):
    ev = {"time": t, "user": user, "ip": loc.ip, "success": success,
          "label": label, "country": loc.city.cc, "asn": loc.net.asn,
          "asn_org": loc.net.name, "lat": loc.city.lat, "lon": loc.city.lon}
    for k in FIELD_ORDER:
        v = client.get(k)
        if v is not None:
            ev[k] = v
    ev["anonymizer"] = loc.anon
    return ev


def iso(t):
    s, ms = divmod(t, 1000)
    return datetime.fromtimestamp(s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") \
        + ".%03dZ" % ms


def serialise(ev):
    ev = dict(ev)
    ev["time"] = iso(ev["time"])
    return json.dumps(ev, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------
# Attacks
# --------------------------------------------------------------------------

class Attacks:
    def __init__(self, pop, seed, scale):
        self.pop, self.world, self.seed = pop, pop.world, seed
        self.scale = scale
        self.t0 = START_MS + int(round(pop.days * 0.75)) * DAY_MS
        self.t1 = pop.end_ms
        self.used = set()
        self.events = []

    def n(self, base, minimum=1):
        return max(minimum, int(round(base * self.scale)))

    def rng(self, name):
        return random.Random("%s:attack:%s" % (self.seed, name))

    def when(self, rng, margin=0):
        return rng.randrange(self.t0, self.t1 - margin)

    def pick_victim(self, rng, t, pred=lambda u: True):
        users = self.pop.users
        for need in (3, 1, 0):
            for _ in range(4000):
                u = rng.choice(users)
                if u.id in self.used or not pred(u):
                    continue
                if bisect.bisect_left(u.success_times, t) >= need:
                    self.used.add(u.id)
                    return u
        for u in users:
            if u.id not in self.used and pred(u):
                self.used.add(u.id)
                return u
        return None

    def attacker_device(self, rng, name, cc):
        plat = rng.choices(["windows", "android", "mac"], [70, 22, 8])[0]
        fam = "Safari" if plat == "mac" and rng.random() < 0.4 else None
        if plat == "mac" and fam is None:
            fam = "Chrome"
        d = Device(rng, "%s:atk:%s" % (self.seed, name), plat, fam, False)
        d.no_collector, d.private, d.tz_override = False, False, None
        d.fresh, d.clear_p = True, 0.0
        return d

    def attacker_client(self, dev, t, cc, keep_cookie, rng):
        city_tz = rng.choice(self.world.cities[cc]).tz if cc != "RU" else "Europe/Moscow"
        if keep_cookie:
            did = dev.device_id(rng)
        else:
            did = None
        return {"ua": dev.ua(t), "device_id": did, "device_attrs": dev.fingerprint(t),
                "timezone": city_tz,
                "languages": accept_language(COUNTRIES[cc][1], dev.family),
                "telemetry": True, "automation": False, "token": "valid"}

    def add(self, t, user, loc, success, kind, client):
        self.events.append(make_event(t, user, loc, success, "attack:" + kind, client))

    # 1 ------------------------------------------------------------------
    def naive(self):
        rng = self.rng("naive")
        w = self.world
        n = self.n(150)
        ops = []
        for k in range(max(1, n // 6)):
            cc = rng.choices(["CN", "RU", "NG", "VN", "BR", "IN"],
                             [30, 20, 20, 20, 5, 5])[0]
            city = rng.choices(w.cities[cc], [c.weight for c in w.cities[cc]])[0]
            if rng.random() < 0.6:
                net = w.pick_net(rng, cc, "res", city)
                hh = Household(w, rng, net, city, "%s:atk:naive:hh%d" % (self.seed, k))
                locf = (lambda hh: lambda t: hh.loc(t, False))(hh)
            else:
                hcity = rng.choice(w.nets_of(cc, "hosting")[0].cities)
                net = w.nets_of(cc, "hosting")[0]
                loc = w.random_loc(rng, net, hcity, v6=False, anon=False)
                locf = (lambda loc: lambda t: loc)(loc)
            dev = self.attacker_device(rng, "naive%d" % k, cc)
            ops.append((cc, locf, dev, rng.random() < 0.5))
        for i in range(n):
            cc, locf, dev, keep = ops[i % len(ops)]
            t = self.when(rng)
            v = self.pick_victim(rng, t, lambda u, cc=cc: u.cc != cc)
            self.add(t, v.id, locf(t), True, "naive",
                     self.attacker_client(dev, t, cc, keep, rng))

    # 2 ------------------------------------------------------------------
    def vpn_same_country(self):
        rng = self.rng("vpn")
        w = self.world
        n = self.n(150)
        ops = []
        for k in range(max(1, n // 10)):
            cc = rng.choices(["CN", "VN", "RU", "NG"], [50, 20, 15, 15])[0]
            ops.append((cc, self.attacker_device(rng, "vpn%d" % k, cc),
                        rng.random() < 0.5))
        has_exit = set(net.cc for net in w.nets if net.kind == "hosting")
        for i in range(n):
            cc, dev, keep = ops[i % len(ops)]
            t = self.when(rng)
            v = self.pick_victim(rng, t, lambda u: u.cc in has_exit and u.cc != cc)
            anon = i % 2 == 0
            nets = w.nets_of(v.cc, "hosting")
            if anon:
                nets = nets + w.nets_of(v.cc, "vpn")
            net = rng.choice(nets)
            city = min(net.cities, key=lambda c: haversine(c, v.city))
            loc = w.random_loc(rng, net, city, v6=False, anon=anon)
            if anon and not loc.anon:   # a hosting AS without listed /24 here
                net = w.nets_of(v.cc, "vpn")[0] if w.nets_of(v.cc, "vpn") else net
                loc = w.random_loc(rng, net, rng.choice(net.cities), v6=False, anon=True)
            self.add(t, v.id, loc, True, "vpn_same_country",
                     self.attacker_client(dev, t, cc, keep, rng))

    # 3 ------------------------------------------------------------------
    def targeted(self):
        rng = self.rng("targeted")
        w = self.world
        for i in range(self.n(150)):
            t0 = self.when(rng)
            v = self.pick_victim(rng, t0)
            # evenings and weekends, the attacker's own time
            day0 = t0 - (t0 + v.city.offset_ms) % DAY_MS
            t = day0 + local_time_of_day(rng, [0.3] * 7 + [1] * 11 + [4] * 5 + [1])
            if t < t0:
                t += DAY_MS
            if t >= self.t1:
                t -= DAY_MS
            t = min(max(t, self.t0), self.t1 - 1)
            main = v.main
            dev = Device(rng, "%s:atk:targeted%d" % (self.seed, i), main.platform,
                         main.family, main.ios18)
            dev.no_collector, dev.private, dev.tz_override = False, False, None
            dev.lag = main.lag + rng.choice([0, 0, 0, 1, 3]) * DAY_MS
            if main.cls == "phone" and rng.random() < 0.25:
                net = w.pick_net(rng, v.cc, "mobile")
                hub = min(net.cities, key=lambda c: haversine(c, v.city))
                loc = w.random_loc(rng, net, hub)
            else:
                city = v.city if rng.random() < 0.6 else \
                    rng.choices(w.cities[v.cc], [c.weight for c in w.cities[v.cc]])[0]
                if city.name == "Ashburn":
                    city = v.city
                if rng.random() < 0.3 and city.name in v.home.net.p24:
                    net = v.home.net
                else:
                    others = [x for x in w.nets_of(v.cc, "res")
                              if x is not v.home.net and city.name in x.p24]
                    net = rng.choice(others) if others else v.home.net
                    if city.name not in net.p24:
                        city = v.city
                loc = w.random_loc(rng, net, city)
            client = {"ua": dev.ua(t), "device_id": None,
                      "device_attrs": dev.fingerprint(t), "timezone": v.city.tz,
                      "languages": accept_language(v.locale, dev.family, v.extra),
                      "telemetry": True, "automation": False, "token": "valid"}
            self.add(t, v.id, loc, True, "targeted", client)

    # 4 ------------------------------------------------------------------
    def stuffing(self):
        rng = self.rng("stuffing")
        w = self.world
        target = self.n(3000, 30)
        users = self.pop.users
        existing = self.pop.id_set
        names = ["john", "mike", "anna", "li.wei", "maria", "alex", "sam", "kenji",
                 "yuki", "chen", "nguyen", "ivan", "olga", "emeka", "james", "sara",
                 "david", "hana", "min", "lucas", "admin", "test", "info"]
        doms = ["example.com", "example.net", "example.org"]

        def fake_id():
            if rng.random() < 0.6:
                return "%s%s%d@%s" % (rng.choice(names), rng.choice(["", ".", "_"]),
                                      rng.randrange(1, 9999), rng.choice(doms))
            while True:
                x = "u%07d" % rng.randrange(1000000, 10000000)
                if x not in existing:
                    return x

        bot_cc = [("BR", 14), ("IN", 14), ("VN", 12), ("CN", 10), ("RU", 8),
                  ("US", 10), ("DE", 5), ("NG", 6), ("KR", 5), ("FR", 4),
                  ("GB", 4), ("JP", 5), ("NL", 3)]
        campaigns = ["scripts", "headless", "spoofed"]
        share = [0.4, 0.3, 0.3]
        total = 0
        bot = 0
        for ci, camp in enumerate(campaigns):
            goal = int(target * sum(share[:ci + 1])) if ci < 2 else target
            c_start = self.when(rng, 8 * HOUR_MS)
            fps = [attrs_id("fp", self.seed, "headless", ci, k) for k in range(4)]
            while total < goal:
                bot += 1
                cc = rng.choices([c for c, _ in bot_cc], [x for _, x in bot_cc])[0]
                if rng.random() < 0.75:
                    net = w.pick_net(rng, cc, "res")
                    city = rng.choice(net.cities)
                    loc = w.random_loc(rng, net, city, v6=False)
                else:
                    nets = w.nets_of(cc, "hosting") or w.nets_of("NL", "hosting")
                    net = rng.choice(nets)
                    loc = w.random_loc(rng, net, rng.choice(net.cities), v6=False,
                                       anon=rng.random() < 0.3)
                n_tries = rng.randint(5, 30)
                start = c_start + rng.randrange(6 * HOUR_MS)
                span = rng.randint(10, 60) * MIN_MS
                offs = sorted(rng.randrange(span) for _ in range(n_tries))
                keep_jar = rng.random() < 0.3
                jar = b64id("dc", self.seed, "bot", bot)
                jar_used = False
                if camp == "scripts":
                    ua = rng.choice(SCRIPT_UAS)
                elif camp == "headless":
                    plat = rng.choice(["X11; Linux x86_64", "Windows NT 10.0; Win64; x64"])
                    ua = ("Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "HeadlessChrome/%d.0.0.0 Safari/537.36"
                          % (plat, rng.choice([142, 143, 144])))
                    fp = rng.choice(fps)
                else:
                    ua = ua_string(rng.choice(["windows", "mac"]), "Chrome",
                                   rng.choice([139, 141, 143]))
                for off in offs:
                    t = start + off
                    if t >= self.t1:
                        continue
                    if rng.random() < 0.55:
                        user = rng.choice(users).id
                        ok = rng.random() < 0.07
                    else:
                        user, ok = fake_id(), False
                    if camp == "headless":
                        did = None
                        if keep_jar:
                            did = jar if jar_used else None
                            jar_used = True
                        client = {"ua": ua, "device_id": did, "device_attrs": fp,
                                  "timezone": "Etc/UTC",
                                  "languages": "en-US,en;q=0.9", "telemetry": True,
                                  "automation": True, "token": "valid"}
                    else:
                        tok = rng.choices(["absent", "replayed", "invalid"],
                                          [70, 20, 10])[0]
                        client = {"ua": ua, "telemetry": False, "token": tok}
                        if camp == "spoofed":
                            client["languages"] = "en-US,en;q=0.9"
                    self.add(t, user, loc, ok, "stuffing", client)
                    total += 1

    # 5 ------------------------------------------------------------------
    def brute_force(self):
        rng = self.rng("brute")
        w = self.world
        n_victims = self.n(5)
        per = self.n(500, 20) // n_victims
        for k in range(n_victims):
            t = self.when(rng, 2 * HOUR_MS)
            v = self.pick_victim(rng, t)
            spread = k >= (n_victims * 3 + 4) // 5   # 3 of 5: one address
            cc = rng.choice([c for c in ("CN", "RU", "VN", "NG", "BR", "US", "NL")
                             if c != v.cc])
            nets = w.nets_of(cc, "hosting")
            net = rng.choice(nets)
            city = rng.choice(net.cities)
            if spread:
                base = w.random_loc(rng, net, city, v6=False)
                stem = base.ip.rsplit(".", 1)[0]
                host0 = rng.randrange(2, 240)
                locs = [Loc("%s.%d" % (stem, host0 + j), net, city, base.anon)
                        for j in range(rng.randint(3, 6))]
            else:
                locs = [w.random_loc(rng, net, city, v6=False)]
            ua = rng.choice(SCRIPT_UAS[:4] + [ua_string("windows", "Firefox", 128)])
            attempts = per + rng.randint(-15, 15)
            win = rng.random() < 0.6
            for j in range(attempts):
                t += rng.randint(8, 40) * 1000
                ok = win and j == attempts - 1
                client = {"ua": ua, "telemetry": False,
                          "token": "absent" if rng.random() < 0.8 else "replayed"}
                self.add(t, v.id, rng.choice(locs) if spread else locs[0], ok,
                         "brute_force", client)

    # 6 ------------------------------------------------------------------
    def impossible_travel(self):
        rng = self.rng("travel")
        w = self.world
        cont = {cc: COUNTRIES[cc][0] for cc in COUNTRIES}
        for i in range(self.n(100)):
            v = None
            for _ in range(100):
                t0 = self.when(rng)

                def homes(u, t0=t0):
                    return [e for e in u.success_events
                            if e[1] == "home" and t0 <= e[0] < self.t1 - HOUR_MS]

                v = self.pick_victim(rng, t0, lambda u: bool(homes(u)))
                if v is not None:
                    break
            if v is None:
                break
            th = homes(v)[0][0]
            t = th + rng.randint(5, 55) * MIN_MS
            far = [cc for cc in COUNTRIES if cont[cc] != cont[v.cc]]
            cc = rng.choice(far)
            city = rng.choices(w.cities[cc], [c.weight for c in w.cities[cc]])[0]
            if city.name == "Ashburn":
                city = w.capital(cc)
            if rng.random() < 0.6:
                net = w.pick_net(rng, cc, "res", city)
                loc = w.random_loc(rng, net, city, v6=False)
            else:
                net = w.nets_of(cc, "hosting")[0]
                loc = w.random_loc(rng, net, rng.choice(net.cities), v6=False, anon=False)
            main = v.main
            client = {"ua": main.ua(t), "device_id": None,
                      "device_attrs": attrs_id("fp", self.seed, "travel", i),
                      "timezone": v.city.tz,
                      "languages": accept_language(v.locale, main.family, v.extra),
                      "telemetry": True, "automation": False, "token": "valid"}
            self.add(t, v.id, loc, True, "impossible_travel", client)


KINDS = ["naive", "vpn_same_country", "targeted", "stuffing", "brute_force",
         "impossible_travel"]


def generate(seed, n_users, days):
    world = World(seed)
    pop = Population(world, seed, n_users, days)
    events = pop.legit_events()
    atk = Attacks(pop, seed, n_users / float(BASE_USERS))
    atk.impossible_travel()     # needs home logins in the window: pick first
    atk.brute_force()
    atk.naive()
    atk.vpn_same_country()
    atk.targeted()
    atk.stuffing()
    events.extend(atk.events)
    events = [e for e in events if START_MS <= e["time"] < pop.end_ms]
    order = sorted(range(len(events)), key=lambda k: (events[k]["time"], k))
    return [events[k] for k in order]


def summary(events, seed, n_users, days, out):
    counts = {"legit": 0}
    ok = {}
    for e in events:
        lab = e["label"]
        counts[lab] = counts.get(lab, 0) + 1
        if e["success"]:
            ok[lab] = ok.get(lab, 0) + 1
    attacks = len(events) - counts["legit"]
    parts = ["%s=%d(%d ok)" % (k, counts.get("attack:" + k, 0), ok.get("attack:" + k, 0))
             for k in KINDS]
    return ("gen_events: seed=%s users=%d days=%d events=%d legit=%d "
            "(%d failed) attacks=%d: %s -> %s"
            % (seed, n_users, days, len(events), counts["legit"],
               counts["legit"] - ok.get("legit", 0), attacks, " ".join(parts), out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", default="1", help="random seed (any string; default 1)")
    ap.add_argument("--users", type=int, default=BASE_USERS,
                    help="number of customers (default 2000; attack counts scale)")
    ap.add_argument("--days", type=int, default=60,
                    help="length in days (default 60; attacks in the last quarter)")
    ap.add_argument("--out", default="-", help="output file, - for stdout (default)")
    a = ap.parse_args(argv)
    if a.users < 20:
        ap.error("--users must be at least 20")
    if a.days < 4:
        ap.error("--days must be at least 4")
    events = generate(a.seed, a.users, a.days)
    data = "".join(serialise(e) + "\n" for e in events).encode("utf-8")
    if a.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        tmp = a.out + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, a.out)
    sys.stderr.write(summary(events, a.seed, a.users, a.days, a.out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
