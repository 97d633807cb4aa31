# lib.sh - shared by the end-to-end tests (sourced, not a test itself).
# Environment from ctest: BRINK, BRINK_SCENARIO_DIR, BRINK_SOURCE_DIR, BRINK_BUILD_DIR.
set -u
: "${BRINK:?run through ctest}"
export BRINK_SCENARIO_DIR
TMP=$(mktemp -d "${TMPDIR:-/tmp}/brink-e2e.XXXXXX")
failures=0

# Every brink a test starts goes through a wrapper that appends "PID STARTTIME"
# (its groups are named brink-PID-STARTTIME) to $BRINK_REGISTRY and execs brink in
# its own place, same pid: zz_leftovers judges the groups and processes of these
# brinks only, never those of another brink on the machine.
BRINK_REGISTRY="$BRINK_BUILD_DIR/e2e-brinks" # also unit/test_cgroup's (tests/CMakeLists.txt)
# brink_wrapper REAL: the path of a wrapper that registers and runs REAL.
brink_wrapper() {
  local w
  w="$TMP/brink-wrapper-$(printf %s "$1" | cksum | cut -d' ' -f1)"
  {
    echo '#!/bin/sh'
    # field 22 of /proc/PID/stat, counted after the ")" that ends the command name
    echo "echo \"\$\$ \$(sed 's/.*) //' /proc/\$\$/stat | cut -d' ' -f20)\" >>'$BRINK_REGISTRY'"
    echo "exec '$1' \"\$@\""
  } >"$w"
  chmod +x "$w"
  echo "$w"
}
BRINK=$(brink_wrapper "$BRINK")
# brink_groups PID: the cgroups of the brink of this suite that ran as PID (run in
# the background, PID its $!), by the start time it registered, so that a later
# process with the same pid is not taken for it; "unregistered" if it is not ours.
brink_groups() {
  local start
  start=$(awk -v p="$1" '$1 == p { s = $2 } END { print s }' "$BRINK_REGISTRY")
  [ -n "$start" ] || { echo "unregistered brink $1"; return; }
  find /sys/fs/cgroup -maxdepth 8 -type d -name "brink-$1-$start" 2>/dev/null | sort
}
# check_peaks DIR...: every run of these result directories has each peak_* at least
# the largest value of its own samples.csv column and of its exec/exit fd counts
# (tests/shapes/check_peaks.sh). Runs by itself at exit over every result the test
# left in $TMP, so every e2e test checks it; call it earlier for results elsewhere.
check_peaks() {
  local out
  if out=$(sh "$BRINK_SOURCE_DIR/tests/shapes/check_peaks.sh" "$@"); then return 0; fi
  fail "$out"
  return 1
}
peaks_at_exit() {
  local rc=$? dirs
  if [ "$rc" -eq 0 ] && [ -n "${BRINK_SOURCE_DIR:-}" ]; then
    dirs=$(find "$TMP" -name summary.csv -printf '%h\n' 2>/dev/null)
    # shellcheck disable=SC2086
    if [ -n "$dirs" ] && ! check_peaks $dirs; then
      echo "FAIL: a peak below its own samples (above)" >&2
      rc=1
    fi
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap peaks_at_exit EXIT

skip() { echo "SKIP: $*" >&2; exit 77; }
# skip_part PART REASON: a part of a test left out here, in the one form
# scripts/test-skips.py lists by test and part (and fails in CI for a lane this
# machine can run, as a whole skip).
skip_part() { echo "skip: $1: $2" >&2; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
finish() { [ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }; exit 0; }

# Is the v1 or v2 controller usable for a run cgroup? (brink probes the same way)
have_controller() {
  local c=$1 out
  out=$("$BRINK" exec --quiet --no-progress --out "$TMP/probe-$c" -- /bin/true 2>&1) || true
  grep -q "^cgroup_$c = v" "$TMP/probe-$c/run.ini" 2>/dev/null
}

# field FILE COLUMN [ROW]: the value of COLUMN in data row ROW (default 1) of a CSV
# without quoted commas in the fields asked for.
field() {
  awk -F, -v col="$2" -v row="${3:-1}" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; if (!c) exit 2; next }
    NR == row + 1 { print $c; exit }' "$1"
}

expect_eq() { # what got want
  if [ "$2" = "$3" ]; then ok "$1 = $3"; else fail "$1: got '$2', want '$3'"; fi
}
