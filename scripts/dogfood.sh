#!/usr/bin/env bash
# Dogfood at length: brink samples brink over 1000 runs of /bin/true (the
# e2e/rel_dogfood test does 300) and checks that brink's open fds and RSS stay
# flat and that no cgroup or process is left. Usage: scripts/dogfood.sh [RUNS]
# (default 1000), after scripts/build.sh (or with BRINK_BUILD_DIR set).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD_DIR:-$PWD/build}
[ -x "$build/brink" ] || { echo "dogfood.sh: no $build/brink; run scripts/build.sh" >&2; exit 2; }
export BRINK="$build/brink" BRINK_BUILD_DIR="$build" BRINK_SOURCE_DIR="$PWD"
export BRINK_SCENARIO_DIR="$build/scenarios" DOGFOOD_RUNS="${1:-1000}"
exec bash tests/e2e/rel_dogfood.sh
