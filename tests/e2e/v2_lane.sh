#!/usr/bin/env bash
# The pure cgroup-v2 lane: build a static brink and its C scenarios, boot Debian's 6.1
# kernel under qemu (scripts/v2lane/run.sh) and run tests/e2e/v2lane_guest.sh there:
# fd exhaustion, OOM kill and the pids limit from the root cgroup and from a delegated
# leaf brink has to itself, then the rlimits-only fallback in a leaf it shares (a
# session scope). The guest's status is this test's status.
#
# Skips (77) when the lane is not prepared (scripts/v2lane/prepare.sh), qemu is missing,
# or the build has no BRINK_STATIC option yet.
# Env: BRINK_SOURCE_DIR, BRINK_BUILD_DIR (from ctest); BRINK_V2LANE_BUILD (static build
# dir, default $BRINK_BUILD_DIR/v2lane-static); V2LANE_TIMEOUT (guest, default 400 s,
# under the 480 s tests/CMakeLists.txt gives this test); V2LANE_PHASES (the guest's
# phases, default its own list; "bench", which is not in it, also builds and copies
# bench/sysloop: scripts/bench.sh BENCH_ONLY=bpfguest). The guest's result
# directories are left in $BRINK_V2LANE_BUILD/guest-out/ for reading after a failure.
set -euo pipefail

src=${BRINK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
lane=$src/scripts/v2lane
skip() {
	echo "v2_lane: skipped: $*" >&2
	exit 77
}

[ -x "$lane/run.sh" ] || skip "no $lane/run.sh"
reason=$("$lane/prepare.sh" --check 2>&1 >/dev/null) || skip "${reason#v2lane: }"
grep -q 'BRINK_STATIC' "$src/CMakeLists.txt" || skip "static build option not available (BRINK_STATIC)"

build=${BRINK_V2LANE_BUILD:-${BRINK_BUILD_DIR:-/tmp/build-v2lane}/v2lane-static}
scenarios=(fd-exhaust mem-hog thread-bomb)
# The corpus of program shapes (tests/shapes/): its C programs, built static too.
shapes=(hold fork-workers daemon thread-exit emfile)
shapes+=(leader-exit) # cases_teardown.sh
shapes+=(zombies filemap busy) # cases_classify.sh
shapes+=(thread-exec self-stop trace-me) # cases_ptrace.sh
shapes+=(fd-high) # cases_fdnum.sh
# The failing-call shapes (tests/shapes/failcall.c), for the guest's syscalls phase.
tests_bins=(failcall)
# The program whose processes come and go between samples (tests/progs/proc-churn.c).
progs_bins=(proc-churn)
# The syscall loop of the bench phase (bench/sysloop.c), only when that phase is asked for.
bench_bins=()
case " ${V2LANE_PHASES:-} " in *" bench "*) bench_bins=(sysloop) ;; esac
echo "v2_lane: static build in $build" >&2
mkdir -p "$build"
cmake -S "$src" -B "$build" -DBRINK_STATIC=ON >"$build/v2lane-cmake.log" 2>&1 ||
	{ cat "$build/v2lane-cmake.log" >&2; echo "v2_lane: cmake -DBRINK_STATIC=ON failed" >&2; exit 1; }
# Only what the guest needs; the whole tree if the scenario targets are named otherwise.
if ! cmake --build "$build" -j2 --target brink "${scenarios[@]}" "${shapes[@]/#/shape-}" "${tests_bins[@]}" "${progs_bins[@]}" \
	"${bench_bins[@]/#/bench_}" \
	>"$build/v2lane-build.log" 2>&1; then
	cmake --build "$build" -j2 >"$build/v2lane-build.log" 2>&1 ||
		{ tail -n 40 "$build/v2lane-build.log" >&2; echo "v2_lane: static build failed" >&2; exit 1; }
fi

bindir=$build/v2lane-bin
rm -rf "$bindir" "$build/guest-out"
mkdir -p "$bindir"
cp "$build/brink" "$bindir/"
for s in "${scenarios[@]}"; do
	f=$(find "$build/scenarios" -type f -name "$s" -perm -u+x 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "v2_lane: scenario $s not built in $build/scenarios" >&2; exit 1; }
	cp "$f" "$bindir/"
done
for s in "${shapes[@]}"; do
	[ -x "$build/shapes/$s" ] || { echo "v2_lane: shape $s not built in $build/shapes" >&2; exit 1; }
	cp "$build/shapes/$s" "$bindir/"
done
for s in "${tests_bins[@]}"; do
	[ -x "$build/tests/$s" ] || { echo "v2_lane: $s not built in $build/tests" >&2; exit 1; }
	cp "$build/tests/$s" "$bindir/"
done
for s in "${progs_bins[@]}"; do
	[ -x "$build/progs/$s" ] || { echo "v2_lane: $s not built in $build/progs" >&2; exit 1; }
	cp "$build/progs/$s" "$bindir/"
done
for s in "${bench_bins[@]}"; do
	[ -x "$build/bench/$s" ] || { echo "v2_lane: $s not built in $build/bench" >&2; exit 1; }
	cp "$build/bench/$s" "$bindir/"
done
# The shapes' runner and its cases, beside them (the runner finds both in its own
# directory); not binaries, so not checked below.
cp "$src/tests/shapes/run.sh" "$bindir/shapes-run.sh"
cp "$src/tests/shapes/check_peaks.sh" "$src/tests/shapes"/cases_*.sh "$bindir/"
# A dynamic binary cannot run in the guest (no libc there): the static option is broken.
for f in "$bindir"/*; do
	case $f in *.sh) continue ;; esac
	if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		echo "v2_lane: $f is dynamically linked although BRINK_STATIC=ON" >&2
		exit 1
	fi
done
# The kernel-feature probe runs first in the guest, so a lane problem is not reported
# as a brink bug.
"${CC:-cc}" -std=gnu11 -Wall -Wextra -O2 -static -o "$bindir/probe" "$lane/probe.c"

rc=0
V2LANE_TIMEOUT=${V2LANE_TIMEOUT:-400} V2LANE_OUTDIR=$build/guest-out \
	"$lane/run.sh" "$bindir" "$src/tests/e2e/v2lane_guest.sh" || rc=$?
echo "v2_lane: guest results in $build/guest-out (status $rc)" >&2
exit $rc
