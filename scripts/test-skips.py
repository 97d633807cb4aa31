#!/usr/bin/env python3
"""test-skips.py JUNIT - list the tests ctest skipped, by name and why, from the
JUnit file of `ctest --output-junit`. The reason is the test's own "SKIP: ..."
line (e2e/lib.sh and the unit tests print one; v2_lane says "skipped: ...").

A test that passed but left a part out is listed too, as "partly skipped": a
cmocka test skipped inside a unit test program ("[  SKIPPED ] NAME", its reason
the last line it printed after "[ RUN      ] NAME") and an e2e test's
"skip: PART: REASON" line (e2e/lib.sh skip_part). ctest keeps the output of
passed tests in the JUnit file's system-out, whole with ctest's
--test-output-size-passed (scripts/test.sh); a passed test whose output ctest
cut is listed, as its partial skips may be in the part cut (with CI=true a
failure).

With CI=true, a skip (whole or partial) of a lane this machine can run is a failure (exit 1). The
lanes are told by the words of the reason (or the test's name, for a whole skip of
v2_lane; a part of the v2 lane's guest that needs a tool its busybox image lacks by
design, gnuplot, Go or chromium, names no lane: the host runs those parts);
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


CUT = "[This part of the test output was removed since it exceeds the threshold"


def partial(out):
    """[(part, reason)] of the parts a passed test left out, from its output."""
    parts, running, last = [], None, None
    for l in (out or "").splitlines():
        l = l.rstrip()
        m = re.match(r"\[ RUN +\] (\S+)$", l)
        if m:
            running, last = m.group(1), None
            continue
        m = re.match(r"\[  SKIPPED \] (\S+)$", l)
        if m:  # cmocka's summary lists the skipped again, outside a RUN
            if m.group(1) == running:
                parts.append((running, last or "(the test printed no reason)"))
            running = None
            continue
        m = re.match(r"skip: ([^:]+): (.*)", l)
        if m:
            parts.append((m.group(1).strip(), m.group(2).strip()))
        elif running and l.strip() and not l.startswith("["):
            last = re.sub(r"^(note|SKIP):\s*", "", l.strip())
    return parts


def lane(name, why):
    for ln, name_re, why_re in LANES:
        if re.search(name_re, name, re.I) or re.search(why_re, why, re.I):
            return ln
    return None


# The v2 lane's guest is a busybox image with brink's static binaries: no bash,
# python3, gnuplot or Go there, by design (the host's tests run those cases).
GUEST_LACKS = {"go", "chromium", "gnuplot"}


def part_lane(name, why):
    """The lane a part of a passed test skipped, from its reason alone: the test
    itself ran (a part of the v2 lane skipped is not the qemu lane skipped)."""
    for ln, _, why_re in LANES:
        if re.search(why_re, why, re.I):
            if re.search(r"^e2e/v2_lane$", name) and ln in GUEST_LACKS:
                return None
            return ln
    return None


def main():
    root = ET.parse(sys.argv[1]).getroot()
    skipped, partly, cut = [], [], []
    for tc in root.iter("testcase"):
        name = tc.get("name")
        out = tc.findtext("system-out")
        if tc.find("skipped") is None:
            if tc.find("failure") is None and tc.find("error") is None:
                partly += [(name, part, why, part_lane(name, why)) for part, why in partial(out)]
                if CUT in (out or ""):
                    cut.append(name)
            continue
        why = reason(out)
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
    print(f"Partly skipped tests: {len(partly)}")
    for name, part, why, ln in partly:
        print(f"  partly skipped: {name}: {part}: {why}" + (f"  [{ln} lane]" if ln else ""))
        if ci and ln in can and ln not in allowed:
            bad.append((f"{name}: {part}", ln))
    for name in cut:
        print(f"test.sh: the output of {name} was cut by ctest (--test-output-size-passed): "
              "its partial skips cannot all be listed", file=sys.stderr)
    for name, ln in bad:
        print(f"test.sh: CI: {name} skipped the {ln} lane, which this machine can run "
              f"(BRINK_CI_ALLOW_SKIP={ln} accepts it)", file=sys.stderr)
    return 1 if bad or (ci and cut) else 0


if __name__ == "__main__":
    sys.exit(main())
