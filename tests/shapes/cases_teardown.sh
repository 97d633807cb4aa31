# shellcheck shell=sh
# Cases of teardown (sourced by run.sh): at a run's end every task of the run dies
# and its groups go, promptly, also where a process's main thread has exited
# (pthread_exit) while another thread lives on, its leader a zombie that
# /proc/PID/cgroup no longer shows in the group. Each run is timed by the test,
# brink's pid is recorded to look for its groups afterwards, and the program runs
# under a name of its own to look for its processes.

# td_prepare: a copy of leader-exit named for this test (TD_PROG, TD_NAME: at most
# 15 characters, the kernel's comm) and a wrapper that records brink's pid in
# TD_PIDF before it execs brink (TD_WRAP, for SR_WRAP).
td_prepare() {
	TD_NAME=ldx$$
	TD_PROG=$SHAPES_OUT/$TD_NAME
	TD_PIDF=$SHAPES_OUT/brink.pid
	TD_WRAP=$SHAPES_OUT/pidwrap
	[ -x "$TD_PROG" ] || cp "$SHAPES_BIN/leader-exit" "$TD_PROG"
	[ -x "$TD_WRAP" ] || {
		printf '#!/bin/sh\necho $$ >"%s"\nexec "$@"\n' "$TD_PIDF" >"$TD_WRAP"
		chmod +x "$TD_WRAP"
	}
	rm -f "$TD_PIDF"
}

# td_nothing_left WHAT PID...: no group of the brink in TD_PIDF is left in any
# hierarchy, no process of TD_NAME lives, and none of the PIDs.
td_nothing_left() {
	tl_b=$(cat "$TD_PIDF" 2>/dev/null)
	if [ -z "$tl_b" ]; then bad "$1: brink's pid not recorded"; else
		tl_g=$(find /sys/fs/cgroup -type d -name "brink-$tl_b-*" 2>/dev/null)
		if [ -z "$tl_g" ]; then ok "$1: no group of brink $tl_b left"; else
			bad "$1: groups left: $tl_g"; fi
	fi
	shift
	expect_gone "$@"
	if command -v pgrep >/dev/null 2>&1; then
		if tl_p=$(pgrep -x "$TD_NAME"); then bad "processes of $TD_NAME left: $tl_p"; else
			ok "no process of $TD_NAME left"; fi
	fi
}

# A daemon child whose main thread exits while a worker sleeps 40 s; the main
# process exits at 300 ms. The daemon is killed at the run's end, at once.
CASES="$CASES leader_exit_daemon"
case_leader_exit_daemon() {
	td_prepare
	SR_WRAP="timeout -s KILL 60 $TD_WRAP" shape_run leader-exit-d "$1" -- "$TD_PROG" d 300 40000
	expect_rel "brink status" "$RC" eq 0
	expect_rel "brink's wall time in cs (the program: 30)" "$EL_CS" le 400
	expect_str outcome "$(get outcome)" exited
	expect_rel exit_code "$(get exit_code)" eq 0
	td_nothing_left leader-exit-d "$(fact daemon)"
}

# The main process's own main thread exits while a worker sleeps 40 s: at the
# 1 s timeout the process is killed, and the run ends then.
CASES="$CASES leader_exit_main"
case_leader_exit_main() {
	td_prepare
	SR_WRAP="timeout -s KILL 60 $TD_WRAP" SR_TIMEOUT=1s shape_run leader-exit-m "$1" -- \
		"$TD_PROG" m 0 40000
	expect_rel "brink status" "$RC" eq 0
	expect_rel "brink's wall time in cs (the timeout: 100)" "$EL_CS" le 400
	expect_str outcome "$(get outcome)" timeout
	d=$(get duration_s)
	expect_rel "duration_s in us (the 1 s timeout and the kill)" "${d%%.*}${d#*.}" lt 1500000
	td_nothing_left leader-exit-m "$(fact pid)"
}
