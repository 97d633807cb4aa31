#!/usr/bin/env bash
# README command 1: install what is missing, build, run the default job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
scripts/build.sh
config=${1:-configs/seed.ini}
exec build/brink run "$config"
