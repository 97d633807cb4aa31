#!/usr/bin/env bash
# Prove the v2 lane works: build the static probe (probe.c), boot the guest, run it.
# Usage: scripts/v2lane/selftest.sh [BUILDDIR]   (default /tmp/build-v2lane)
# Exit: the probe's status (0 = every required kernel feature is there), 77 when the
# lane is not prepared. The probe's report is also left in BUILDDIR/probe-out/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-/tmp/build-v2lane}
mkdir -p "$build/probe-bin"
rm -rf "$build/probe-out"
cc=${CC:-cc}
"$cc" -std=gnu11 -Wall -Wextra -O2 -static -o "$build/probe-bin/probe" "$here/probe.c"
V2LANE_OUTDIR=$build/probe-out exec "$here/run.sh" "$build/probe-bin" "$here/probe-guest.sh"
