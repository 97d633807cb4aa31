# shellcheck shell=sh
# Breaking points and when they are stamped (sourced by run.sh). Each case is
# called with the sampling interval as $1; expected values come from what the
# program did.

# ev_time NAME: t_s of the first NAME event of the run, in ms (empty if none).
ev_ms() {
	awk -F, -v e="$1" '$2 == e { printf "%d\n", $1 * 1000; exit }' "$R/events.csv" 2>/dev/null
}

# Children forked until the pids limit refuses, never reaped: tasks, not threads,
# filled the limit. Breaking point pids; threads are not the metric that leaked.
CASES="$CASES zombie_bomb"
case_zombie_bomb() {
	shape_run zombie-bomb "$1" --pids 32 -- "$SHAPES_BIN/zombies" 100 2
	expect_rel "brink status" "$RC" eq 0
	# fork failed before 100 (zombies: fork: Resource temporarily unavailable)
	expect_str "the program's status (its fork failed)" "$(get exit_code)" 2
	expect_str limit_hit "$(get limit_hit)" pids
	expect_rel "peak_threads (1 + a child at most)" "$(get peak_threads)" le 2
	case "$(get leak_metrics)" in
	*threads*) bad "leak_metrics: '$(get leak_metrics)' holds threads" ;;
	*) ok "leak_metrics lacks threads" ;;
	esac
}

# A child OOM-killed, then the shell sleeps 300 ms and exits: the oom-kill event is
# stamped when the kill happened, at least 250 ms before the end, not at the end.
CASES="$CASES oom_stamp"
case_oom_stamp() {
	[ "$1" = 10ms ] || return 0 # no sampling in what it checks: one interval
	have_memcg || { case_skip "oom_stamp: no memory cgroup here"; return; }
	shape_run oom-stamp "$1" --memory 32M --shell yes -- \
		"$SHAPES_BIN/hold 64 0 1000; sleep 0.3; echo done 1"
	expect_rel "brink status" "$RC" eq 0
	expect_str "the shell ran on" "$(fact done)" 1
	expect_rel oom_kills "$(get oom_kills)" ge 1
	k=$(ev_ms oom-kill)
	e=$(ev_ms exited)
	if [ -n "$k" ] && [ -n "$e" ]; then
		expect_rel "oom-kill stamped at (ms), 250 ms or more before the end at $e ms" "$k" le $((e - 250))
	else
		bad "oom-kill ($k) or exited ($e) event missing in $R/events.csv"
	fi
}
