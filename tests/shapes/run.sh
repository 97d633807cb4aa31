#!/bin/sh
# run.sh: the corpus of program shapes (tests/shapes/). Runs brink exec on each
# case at each sampling interval and checks brink's figures against what the program
# did (what it prints of itself, the commands it was given), and every run against
# check_peaks.sh. POSIX sh: it runs under bash on the host (tests/e2e/shapes.sh) and
# under busybox sh in the pure-v2 qemu guest (tests/e2e/v2lane_guest.sh).
#
# The cases live in cases_*.sh next to this script, one file per area so that areas
# can be added without touching each other: each file appends its case names to
# CASES and defines case_NAME, called with the interval as $1. A case runs brink with
# `shape_run`, then asserts with the expect_* helpers below; a case that cannot run
# here calls `case_skip "NAME: REASON"`, which prints the one partial-skip line
# ("skip: NAME: REASON", as tests/e2e/lib.sh skip_part) that scripts/test-skips.py
# lists and, for a lane this machine can run, fails in CI.
#
# Env: BRINK (brink binary), SHAPES_BIN (the built shapes, default: this script's
# directory), SHAPES_OUT (results; default a fresh directory under /tmp, removed when
# everything passed), SHAPES_CASES (names, default all), SHAPES_INTERVALS (default
# "10ms 1ms"), SHAPES_HOST_ONLY=0 to also run cases that need the host's tools (bash).
# Exit: 0 all passed, 1 a check failed, 77 nothing could run.
here=$(cd "$(dirname "$0")" && pwd)
BRINK=${BRINK:?BRINK: the brink binary}
SHAPES_BIN=${SHAPES_BIN:-$here}
intervals=${SHAPES_INTERVALS:-10ms 1ms}
if [ -n "${SHAPES_OUT:-}" ]; then
	keep_out=1
	mkdir -p "$SHAPES_OUT"
else
	keep_out=0
	SHAPES_OUT=$(mktemp -d "${TMPDIR:-/tmp}/brink-shapes.XXXXXX")
fi
passed=0
failed=0
skipped=0
CASES=

ok() {
	passed=$((passed + 1))
	echo "  ok   $*"
}
bad() {
	failed=$((failed + 1))
	echo "  FAIL $*"
}
case_skip() {
	skipped=$((skipped + 1))
	echo "skip: $*"
}

# uptime_cs: a monotonic clock in centiseconds (busybox date has no %N).
uptime_cs() {
	awk '{ split($1, a, "."); print a[1] * 100 + substr(a[2] "00", 1, 2) }' /proc/uptime
}

# shape_run NAME INTERVAL [BRINK OPTIONS] -- COMMAND...: brink exec with its results in
# $SHAPES_OUT/NAME-INTERVAL. Sets D (result dir), S (summary.csv), R (the run's
# directory), LOG (the program's stdout.log), RC (brink's status), EL_CS (brink's
# wall time in centiseconds). Checks the peaks of the run. SR_WRAP (unset after): a
# command that runs brink (timeout -s KILL N, for a case that could hang it).
# SR_TIMEOUT (unset after): brink's --timeout, default 60s.
shape_run() {
	sr_name=$1-$2
	sr_iv=$2
	shift 2
	D=$SHAPES_OUT/$sr_name
	S=$D/summary.csv
	R=$D/$sr_name/1
	LOG=$R/stdout.log
	echo "+ brink exec --interval $sr_iv --name $sr_name $*"
	sr_t0=$(uptime_cs)
	# shellcheck disable=SC2086 # SR_WRAP is words
	${SR_WRAP:-} "$BRINK" exec --quiet --no-progress --no-plots --timeout "${SR_TIMEOUT:-60s}" --interval "$sr_iv" \
		--name "$sr_name" --out "$D" "$@" >"$D.stdout" 2>"$D.stderr"
	RC=$?
	EL_CS=$(($(uptime_cs) - sr_t0))
	SR_WRAP=
	SR_TIMEOUT=
	if [ -s "$D.stderr" ]; then sed 's/^/    brink: /' "$D.stderr"; fi
	if [ -f "$S" ]; then
		if msg=$(sh "$here/check_peaks.sh" "$D"); then ok "$sr_name: peaks >= own samples"; else
			bad "$msg"; fi
		# A program that ran and ended by itself was seen at its exit stop
		# (unless untraced: --exit-stop no).
		case "$(get outcome);$(get unavailable);$*" in
		*"--exit-stop no"*) ;;
		exited\;*exit-state*) bad "$sr_name: no exit state: unavailable=$(get unavailable)" ;;
		esac
	fi
}

# get COLUMN: the summary's value (first row).
get() {
	awk -F, -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		NR == 2 && c { print $c; exit }' "$S" 2>/dev/null
}

# samples_max COLUMN: the largest value of COLUMN in the run's samples.csv (0 if none).
samples_max() {
	awk -F, -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$R/samples.csv" 2>/dev/null || echo 0
}

# fact KEY [N]: field N (default 2) of the program's first stdout line starting with KEY.
fact() {
	awk -v k="$1" -v n="${2:-2}" '$1 == k { print $n; exit }' "$LOG" 2>/dev/null
}

# expect_rel WHAT GOT OP WANT (OP: eq ne ge le gt lt as test(1) does, on integers).
expect_rel() {
	case "$2" in
	'' | *[!0-9-]*)
		if [ "$3" = eq ] && [ "$2" = "$4" ]; then ok "$1 = '$2'"; else
			bad "$1: got '$2', want $3 $4"; fi
		return ;;
	esac
	if [ "$2" -"$3" "$4" ] 2>/dev/null; then ok "$1 = $2 ($3 $4)"; else bad "$1: got $2, want $3 $4"; fi
}
expect_str() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1 = '$3'"; else bad "$1: got '$2', want '$3'"; fi
}
expect_event() { # NAME: events.csv has that event
	if awk -F, -v e="$1" '$2 == e { f = 1 } END { exit !f }' "$R/events.csv" 2>/dev/null; then
		ok "event $1"; else bad "no $1 event in $R/events.csv"; fi
}
# expect_gone PID...: none of these processes lives (brink leaves nothing behind).
expect_gone() {
	for eg_p in "$@"; do
		if [ -n "$eg_p" ] && kill -0 "$eg_p" 2>/dev/null; then bad "process $eg_p still alive"; else
			ok "process $eg_p gone"; fi
	done
}

for f in "$here"/cases_*.sh; do
	[ -f "$f" ] && . "$f"
done
[ -n "$CASES" ] || { echo "run.sh: no cases in $here/cases_*.sh" >&2; exit 77; }
for c in ${SHAPES_CASES:-$CASES}; do
	for iv in $intervals; do
		echo "== $c at $iv"
		"case_$c" "$iv"
	done
done
echo "shapes: ok=$passed failed=$failed skipped=$skipped (results in $SHAPES_OUT)"
if [ $failed -gt 0 ]; then exit 1; fi
[ $keep_out = 1 ] || rm -rf "$SHAPES_OUT"
[ $passed -gt 0 ] || exit 77
exit 0
