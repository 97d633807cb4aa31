#!/usr/bin/env bash
# README command 2: install what is missing (packages, the v2 lane), build, run every
# test under ctest, then list the skipped tests by name and why (and the parts of
# passed tests they skipped). With CI=true a whole or partial skip of a lane this machine can run (Go, cgroups, qemu, chromium, gnuplot) fails.
# Arguments go to ctest (e.g. -R core_).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
# The pure cgroup-v2 lane (e2e/v2_lane): qemu, busybox-static and Debian's kernel
# package, all through apt. BRINK_V2LANE=off skips it; if it cannot be prepared (no
# apt), the lane test reports itself skipped with the reason and the rest still runs.
if [ "${BRINK_V2LANE:-on}" != off ]; then
  scripts/v2lane/prepare.sh >/dev/null ||
    echo "test.sh: warning: the v2 lane could not be prepared; e2e/v2_lane will be skipped" >&2
fi
scripts/build.sh

# The lanes this machine can run, for the CI check of the skips below: what
# setup.sh test installs (Go, chromium, gnuplot), the v2 lane unless turned off,
# and each cgroup controller brink finds usable (cgroups: any of them).
lanes="go chromium gnuplot"
[ "${BRINK_V2LANE:-on}" != off ] && lanes="$lanes qemu"
probe=$(mktemp -d)
if build/brink exec --quiet --no-progress --no-plots --out "$probe/r" -- /bin/true >/dev/null 2>&1; then
  for c in memory pids cpu; do
    grep -q "^cgroup_$c = v" "$probe/r/run.ini" && lanes="$lanes cgroup-$c cgroups"
  done
fi
rm -rf "$probe"
export BRINK_CI_LANES=$lanes

cd build
rc=0
rm -f Testing/junit.xml
# The whole output of passed tests too (ctest keeps 1 KiB by default): the
# partly skipped ones are found in it.
ctest --output-on-failure -j2 --test-output-size-passed 4194304 --output-junit "$PWD/Testing/junit.xml" "$@" ||
  rc=$?
# Every skipped test (and partly skipped one) by name and why; in CI (CI=true) a skip of a lane listed in
# BRINK_CI_LANES fails the run (BRINK_CI_ALLOW_SKIP="lane..." accepts some).
if [ -f Testing/junit.xml ]; then
  ../scripts/test-skips.py Testing/junit.xml || { [ "$rc" -ne 0 ] || rc=1; }
else
  echo "test.sh: ctest wrote no Testing/junit.xml: cannot list the skipped tests" >&2
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
