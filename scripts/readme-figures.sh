#!/usr/bin/env bash
# Regenerate the README's figures from real runs: the plots of the goroutine pattern
# and of the Go service under load (docs/img/), the compare example
# (docs/examples/compare-output.txt) and the search curve (docs/img/search-touch40.png).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
scripts/build.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^\[scenario / { keep = ($2 ~ /^goroutine-go-/) } /^\[/ && !/^\[scenario / { keep = 1 } keep' \
  configs/seed.ini >"$tmp/goroutine.ini"
build/brink run --no-progress --quiet --out "$tmp/seed" "$tmp/goroutine.ini" || true
cp "$tmp/seed/plots/goroutine-go.png" docs/img/goroutine-go.png
build/brink run --no-progress --quiet --out "$tmp/service" configs/go-service.ini || true
cp "$tmp/service/plots/go-service.png" docs/img/go-service.png
cp "$tmp/service/go-service-leaky/1/goroutines.txt" docs/examples/go-service-goroutines.txt
build/brink run --no-progress --quiet --out "$tmp/base" docs/examples/compare-base.ini
build/brink run --no-progress --quiet --out "$tmp/new" docs/examples/compare-new.ini
set +e
build/brink compare --format md "$tmp/base" "$tmp/new" >docs/examples/compare-output.md
echo "exit status: $?" >>docs/examples/compare-output.md
set -e
build/brink search memory 4M..1G --resolution 1M --name touch40 --no-progress --quiet \
  --out "$tmp/search" -- mem-hog --max 40 --size 1M --rate 0
cp "$tmp/search/plots/touch40.curve.png" docs/img/search-touch40.png
echo "written: docs/img/goroutine-go.png docs/img/go-service.png" \
  "docs/examples/go-service-goroutines.txt docs/examples/compare-output.md" \
  "docs/img/search-touch40.png"
