#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build.sh
cd build
ctest --output-on-failure -j2 "$@"
