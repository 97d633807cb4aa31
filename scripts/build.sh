#!/usr/bin/env bash
# Configure and build brink into build/ (or $BRINK_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BRINK_BUILD_DIR:-build}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=${BRINK_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
