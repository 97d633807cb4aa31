#!/usr/bin/env python3
"""test-skips.py JUNIT - list the tests ctest skipped, by name and why, from the
JUnit file of `ctest --output-junit`. The reason is the test's own "SKIP: ..."
line (e2e/lib.sh and the unit tests print one; v2_lane says "skipped: ...").

With CI=true, a skip of a lane this machine can run is a failure (exit 1). The
lanes are told by the words of the reason (or the test's name, for v2_lane);
which lanes this machine can run comes from BRINK_CI_LANES (space-separated,
set by scripts/test.sh); BRINK_CI_ALLOW_SKIP names lanes whose skips CI accepts.
Exit 0 otherwise."""
import os
import re
import sys
import xml.etree.ElementTree as ET

LANES = [  # (lane, test-name pattern, reason pattern), case-insensitive
    ("qemu", r"^e2e/v2_lane$", r"qemu|v2 ?lane|kvm"),
    ("go", r"^e2e/seed_go$", r"\bgo\b|golang"),
    ("chromium", r"$^", r"chromium"),
    ("gnuplot", r"$^", r"gnuplot"),
    # one controller named, then any cgroup at all
    ("cgroup-memory", r"$^", r"\bmemory (cgroup|controller)"),
    ("cgroup-pids", r"$^", r"\bpids (cgroup|controller)"),
    ("cgroup-cpu", r"$^", r"\bcpu (cgroup|controller)"),
    ("cgroups", r"$^", r"cgroup"),
]


def reason(out):
    lines = [l.strip() for l in (out or "").splitlines() if l.strip()]
    for l in lines:
        m = re.search(r"(?:^SKIP:|skipped:)\s*(.*)", l)
        if m:
            return m.group(1)
    return lines[-1] if lines else "(the test printed no reason)"


def lane(name, why):
    for ln, name_re, why_re in LANES:
        if re.search(name_re, name, re.I) or re.search(why_re, why, re.I):
            return ln
    return None


def main():
    root = ET.parse(sys.argv[1]).getroot()
    skipped = []
    for tc in root.iter("testcase"):
        if tc.find("skipped") is None:
            continue
        name = tc.get("name")
        why = reason(tc.findtext("system-out"))
        skipped.append((name, why, lane(name, why)))
    ci = os.environ.get("CI", "").lower() == "true"
    can = set(os.environ.get("BRINK_CI_LANES", "").split())
    allowed = set(os.environ.get("BRINK_CI_ALLOW_SKIP", "").split())
    bad = []
    print(f"\nSkipped tests: {len(skipped)}")
    for name, why, ln in skipped:
        print(f"  {name}: {why}" + (f"  [{ln} lane]" if ln else ""))
        if ci and ln in can and ln not in allowed:
            bad.append((name, ln))
    for name, ln in bad:
        print(f"test.sh: CI: {name} skipped the {ln} lane, which this machine can run "
              f"(BRINK_CI_ALLOW_SKIP={ln} accepts it)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
