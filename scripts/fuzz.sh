#!/usr/bin/env bash
# Fuzz brink's parsers with libFuzzer: build the targets of fuzz/ with clang
# (BRINK_FUZZ=ON, ASan + UBSan), replay every saved crash of fuzz/regressions/,
# then fuzz each target for a while.
#
# Usage: scripts/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [-w WORK_DIR] [-r] [TARGET]...
#   TARGET       config, units, gotrace (default: all)
#   -t SECONDS   time per target (default 600, or $FUZZ_SECONDS)
#   -b DIR       build tree (default ${BRINK_BUILD_DIR:-build}/fuzz-build)
#   -w DIR       working corpora and crash inputs (default BUILD_DIR/fuzz-work); the
#                corpus of each target grows there from fuzz/corpus/TARGET across runs
#   -r           replay the regressions only, no fuzzing
# Extra libFuzzer flags may be given in $FUZZ_FLAGS (e.g. "-runs=100000").
#
# Exit status: 0 nothing found; 1 a crash, leak, UB or a failed invariant (the input
# is named: copy it into fuzz/regressions/TARGET/ to keep it as a regression test);
# 2 usage; 3 no clang or libFuzzer runtime here (Debian: clang, libclang-rt-14-dev).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

seconds=${FUZZ_SECONDS:-600}
build=
work=
replay_only=0
while getopts "t:b:w:r" opt; do
  case "$opt" in
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    w) work=$OPTARG ;;
    r) replay_only=1 ;;
    *) echo "usage: scripts/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [-w WORK_DIR] [-r] [config|units]..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: -t: expected whole seconds, got '$seconds'" >&2; exit 2 ;; esac
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config units gotrace)
for t in "${targets[@]}"; do
  [ -f "$src/fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: unknown target '$t' (config, units, gotrace)" >&2; exit 2; }
done
build=${build:-${BRINK_BUILD_DIR:-$src/build}/fuzz-build}
work=${work:-$build/fuzz-work}

# The toolchain: clang, and the libFuzzer runtime that libclang-rt-14-dev ships.
if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang not found (scripts/setup.sh test installs clang)" >&2
  exit 3
fi
rtdir=$(clang -print-runtime-dir 2>/dev/null)
if ! compgen -G "$rtdir/libclang_rt.fuzzer-*.a" >/dev/null; then
  echo "fuzz.sh: no libFuzzer runtime in clang's runtime directory $rtdir (scripts/setup.sh test installs libclang-rt-14-dev)" >&2
  exit 3
fi

# Only the fuzz targets are built: the rest of this tree would be clang-built copies
# of what the main build already has.
log=$(mktemp "${TMPDIR:-/tmp}/brink-fuzz-build.XXXXXX")
trap 'rm -f "$log"' EXIT
if ! { cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DBRINK_FUZZ=ON \
         -DBRINK_GO_SCENARIOS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "fuzz.sh: cannot build the fuzz targets in $build" >&2
  exit 1
fi

# libFuzzer's own default exit status for a finding is 77, which ctest reads as
# "skipped": every finding exits 1 instead.
common=(-error_exitcode=1 -timeout_exitcode=1 -timeout=10 -rss_limit_mb=2048)

found=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  dict=()
  [ -f "$src/fuzz/$t.dict" ] && dict=(-dict="$src/fuzz/$t.dict")

  # 1. Every crash kept so far must stay fixed.
  mapfile -t regs < <(find "$src/fuzz/regressions/$t" -type f ! -name '.*' 2>/dev/null | sort)
  if [ ${#regs[@]} -gt 0 ]; then
    if "$bin" "${common[@]}" "${regs[@]}" >"$log" 2>&1; then
      echo "ok: fuzz_$t: ${#regs[@]} regression input(s) replayed"
    else
      cat "$log" >&2
      echo "FAIL: fuzz_$t: a regression input of fuzz/regressions/$t/ fails again" >&2
      found=1
      continue
    fi
  fi
  [ "$replay_only" -eq 1 ] && continue

  # 2. Fuzz, from the seeds plus whatever earlier runs in this work dir found.
  corpus="$work/$t/corpus"
  artifacts="$work/$t/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp -n "$src/fuzz/corpus/$t/"* "$corpus/"
  max_len=()
  [ "$t" = config ] && max_len=(-max_len=8192) # past the 4096-character line limit
  start=$(date +%s)
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  "$bin" "${common[@]}" "${dict[@]}" "${max_len[@]}" -max_total_time="$seconds" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    grep -v '^#' "$log" | tail -40 >&2
    crash=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -1)
    echo "FAIL: fuzz_$t: a finding after $(($(date +%s) - start)) s (exit $rc); input: ${crash:-see above}" >&2
    [ -n "$crash" ] &&
      echo "  keep it as a regression test: cp '$crash' '$src/fuzz/regressions/$t/'" >&2
    found=1
  elif [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    tail -20 "$log" >&2
    echo "FAIL: fuzz_$t: ran no input" >&2
    found=1
  else
    echo "ok: fuzz_$t: $runs inputs in $(($(date +%s) - start)) s, $cov, corpus $(find "$corpus" -type f | wc -l) files, nothing found"
  fi
done
exit "$found"
