#!/usr/bin/env bash
# README command 2: install what is missing (packages, the v2 lane), build, run every
# test under ctest.
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
cd build
ctest --output-on-failure -j2 "$@"
