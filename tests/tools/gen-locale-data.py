#!/usr/bin/python3
"""Regenerates src/lr_locale_data.h, the tables behind src/lr_locale.c.

    python3 tests/tools/gen-locale-data.py            # rewrite the file
    python3 tests/tools/gen-locale-data.py --check    # exit 1 when stale

Sources (Debian packages tzdata and locales):
  zone.tab, zone1970.tab   zone -> countries; every zone of both files, the
                           countries of a zone are the union of both rows
  tzdata.zi "L" lines      backward-compatible link names (Asia/Calcutta,
                           Europe/Kiev, US/Eastern, Japan...) get the
                           countries of the zone they link to
  i18n/SUPPORTED           country -> languages: a language counts for a
                           country when a glibc locale lang_CC exists

The output is checked in: builds never run this script.
"""

import argparse
import os
import re
import subprocess
import sys

ZONEINFO = "/usr/share/zoneinfo"
SUPPORTED = "/usr/share/i18n/SUPPORTED"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "src", "lr_locale_data.h")

# Names of a kind of time rather than of a place (tz's "backward" file calls
# them non-place names). Debian's tzdata.zi keeps them as zones outside the
# .tab files, so they are left out already; tzdata 2024b made them links to
# one city (CET -> Europe/Brussels), which must not tie them to a country.
NON_PLACE = {"CET", "MET", "EET", "WET", "EST", "MST", "HST",
             "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "Factory"}

CC_RE = re.compile(r"^[A-Z]{2}$")
LOCALE_RE = re.compile(r"^([a-z]{2,3})_([A-Z]{2})(?:[.@].*)?$")
ZONE_RE = re.compile(r"^[A-Za-z0-9_+./-]+$")


def placeless(name):
    """UTC, GMT and their aliases link into Etc/, which no .tab lists, so
    they drop out with it."""
    return name in NON_PLACE or name.startswith("Etc/")


def read_tab(path, zones):
    """Adds the rows of zone.tab or zone1970.tab: codes TAB coords TAB zone."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            codes, name = cols[0].split(","), cols[2]
            for cc in codes:
                if not CC_RE.match(cc):
                    sys.exit("%s: bad country code %r" % (path, cc))
            if not ZONE_RE.match(name):
                sys.exit("%s: bad zone name %r" % (path, name))
            if placeless(name):
                continue
            zones.setdefault(name, set()).update(codes)


def read_links(path):
    """tzdata.zi: "L TARGET LINK-NAME". Returns {link: target}, and the version."""
    links, version = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# version "):
                version = line.split()[2]
            fields = line.split()
            if len(fields) == 3 and fields[0] == "L":
                links[fields[2]] = fields[1]
    return links, version


def add_links(zones, links):
    """A link takes its target's countries (following chains of links); a
    name that the .tab files list keeps their countries, which say where
    that name is used (Europe/Vaduz: LI, not Zurich's CH,DE,LI)."""
    added = {}
    for name, target in links.items():
        if name in zones or placeless(name) or not ZONE_RE.match(name):
            continue
        seen = {name}
        while target in links and target not in zones and target not in seen:
            seen.add(target)
            target = links[target]
        if target in zones:
            added[name] = zones[target]
    zones.update(added)
    return len(added)


def read_supported(path):
    langs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            m = LOCALE_RE.match(fields[0])
            if m:                       # "eo", "C.UTF-8": no country
                langs.setdefault(m.group(2), set()).add(m.group(1))
    return langs


def package_version(pkg):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def c_string(s):
    if not all(0x20 <= ord(c) < 0x7f and c not in '"\\' for c in s):
        sys.exit("unexpected character in %r" % s)
    return '"%s"' % s


def wrapped(items, indent="    ", width=79):
    lines, cur = [], indent
    for it in items:
        piece = it + ","
        if len(cur) + len(piece) + 1 > width and cur.strip():
            lines.append(cur.rstrip())
            cur = indent
        cur += piece + " "
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


def render(zones, nlinks, langs, tz_version, locales_version, args):
    # Python sorts str by code point: for ASCII that is strcmp() order.
    zone_countries = sorted(set().union(*zones.values()))
    languages = sorted(set().union(*langs.values()))
    cmd = "python3 tests/tools/gen-locale-data.py"
    o = []
    o.append("/*")
    o.append(" * GENERATED FILE, DO NOT EDIT. Regenerate from the repository root with")
    o.append(" *     %s" % cmd)
    o.append(" * from")
    o.append(" *     %s/zone.tab, zone1970.tab, tzdata.zi (tzdata %s)"
             % (args.zoneinfo, tz_version or "version unknown"))
    o.append(" *     %s (glibc locales%s)"
             % (args.supported, " " + locales_version if locales_version else ""))
    o.append(" * %d zones and links (%d of them links), %d countries with a zone;"
             % (len(zones), nlinks, len(zone_countries)))
    o.append(" * %d countries with a locale, %d languages." % (len(langs), len(languages)))
    o.append(" * Included by lr_locale.c only, which defines the row types.")
    o.append(" */")
    o.append("")
    o.append("#ifndef LR_LOCALE_DATA_H")
    o.append("#define LR_LOCALE_DATA_H")
    o.append("")
    o.append("#define LR_LOCALE_TZDATA  %s" % c_string(tz_version or "unknown"))
    o.append("")
    o.append("")
    o.append("/* Zone or link name -> countries, sorted by name (strcmp). */")
    o.append("static const lr_locale_zone  lr_locale_zones[] = {")
    for name in sorted(zones):
        o.append("    { %s, %s }," % (c_string(name), c_string(" ".join(sorted(zones[name])))))
    o.append("};")
    o.append("")
    o.append("/* Every country that some zone is used in, sorted. */")
    o.append("static const char  lr_locale_zone_countries[][3] = {")
    o.append(wrapped([c_string(c) for c in zone_countries]))
    o.append("};")
    o.append("")
    o.append("/* Country -> languages with a locale lang_CC, sorted by country. */")
    o.append("static const lr_locale_country  lr_locale_countries[] = {")
    for cc in sorted(langs):
        o.append("    { %s, %s }," % (c_string(cc), c_string(" ".join(sorted(langs[cc])))))
    o.append("};")
    o.append("")
    o.append("/* Every language that some country has, sorted. */")
    o.append("static const char  lr_locale_languages[][4] = {")
    o.append(wrapped([c_string(l) for l in languages]))
    o.append("};")
    o.append("")
    o.append("#endif")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zoneinfo", default=ZONEINFO, help="tzdata directory")
    ap.add_argument("--supported", default=SUPPORTED, help="glibc SUPPORTED list")
    ap.add_argument("-o", "--output", default=OUT)
    ap.add_argument("--check", action="store_true",
                    help="compare with the output file instead of writing it")
    args = ap.parse_args()

    zones = {}
    read_tab(os.path.join(args.zoneinfo, "zone.tab"), zones)
    read_tab(os.path.join(args.zoneinfo, "zone1970.tab"), zones)
    links, tz_version = read_links(os.path.join(args.zoneinfo, "tzdata.zi"))
    nlinks = add_links(zones, links)
    langs = read_supported(args.supported)
    if len(zones) < 300 or len(langs) < 100:
        sys.exit("implausibly small tables: %d zones, %d countries" % (len(zones), len(langs)))

    text = render(zones, nlinks, langs, tz_version, package_version("locales"), args)

    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                same = f.read() == text
        except OSError:
            same = False
        if not same:
            print("%s is stale: run %s" % (args.output, sys.argv[0]), file=sys.stderr)
            return 1
        return 0

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.output)
    print("%s: %d zones (%d links), %d countries with a locale"
          % (args.output, len(zones), nlinks, len(langs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
