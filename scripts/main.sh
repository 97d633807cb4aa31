#!/usr/bin/env bash
# README command 1: install what is missing, build, run the default job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
scripts/build.sh
config=${1:-configs/seed.ini}
out="results/$(date -u +%Y%m%dT%H%M%SZ)-$(basename "$config" .ini)"
status=0
build/brink run --out "$out" "$config" || status=$?
# The seed job's nofile sweep, as arithmetic (nothing when the config has none).
if [ -f "$out/summary.csv" ] && head -1 "$out/summary.csv" | grep -q ',sweep'; then
  echo
  scripts/fd-arithmetic.sh "$out"
fi
exit "$status"
