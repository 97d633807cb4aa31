# shellcheck shell=sh
# Cases of the exec and exit stops' tracing (sourced by run.sh): what a traced
# program does must go on as it would untraced, and brink must never wait on it
# for good. Each case is called with the sampling interval as $1.

# A thread that is not the leader calls execve while the main thread waits: the
# exec ends the leader, which the tracing holds in its exit stop, and takes over
# the pid. brink must neither hang nor stop the exec: the program's sleep 0.5 runs
# and ends, and brink returns (a hang is cut by a SIGKILL after 30 s: status 137).
CASES="$CASES thread_exec"
case_thread_exec() {
	[ -x /bin/sleep ] || { case_skip "thread_exec: no /bin/sleep"; return; }
	SR_WRAP="timeout -s KILL 30" shape_run thread-exec "$1" -- "$SHAPES_BIN/thread-exec" 100 200
	expect_rel "brink status" "$RC" eq 0
	expect_str outcome "$(get outcome)" exited
	expect_str exit_code "$(get exit_code)" 0
	# 0.2 s before the exec, 0.5 s of sleep after it; far less than the cut.
	expect_rel "brink's time (cs)" "$EL_CS" lt 1500
	# what the main thread opened was held: at the exec and by the sleep after it
	expect_rel peak_fds "$(get peak_fds)" ge "$(fact fds)"
	expect_gone "$(fact pid)"
}

# A program that stops itself (SIGSTOP) and is resumed by its child's SIGCONT after
# 300 ms: it must stay stopped until then (as untraced) and run on after it.
CASES="$CASES self_stop"
case_self_stop() {
	[ "$1" = 10ms ] || return 0 # no sampling in what it checks: one interval
	SR_WRAP="timeout -s KILL 30" shape_run self-stop "$1" -- "$SHAPES_BIN/self-stop" 300
	expect_rel "brink status" "$RC" eq 0
	expect_str outcome "$(get outcome)" exited
	expect_str exit_code "$(get exit_code)" 0
	expect_str "resumed after SIGCONT" "$(fact resumed)" 1
	expect_rel "stopped until the SIGCONT (ms)" "$(fact stopped_ms)" ge 290
	expect_rel "brink's time (cs)" "$EL_CS" lt 1500
	# the same from a shell (job control's kill -STOP $$)
	SR_WRAP="timeout -s KILL 30" shape_run self-stop-sh "$1" --shell yes -- \
		'(sleep 0.3; kill -CONT $$) & kill -STOP $$; echo resumed 1'
	expect_rel "brink status" "$RC" eq 0
	expect_str "resumed after SIGCONT" "$(fact resumed)" 1
	expect_rel "brink's time (cs)" "$EL_CS" lt 1500
}

# A program that wants a tracer of its own (sanitizers, debuggers): under the exit
# stop's tracing it cannot have one (EPERM, as the README and --help say); with
# exit-stop no it runs untraced, as alone, and the exit state is said unavailable.
CASES="$CASES trace_me"
case_trace_me() {
	[ "$1" = 10ms ] || return 0 # no sampling in what it checks: one interval
	shape_run trace-me "$1" -- "$SHAPES_BIN/trace-me"
	expect_rel "brink status" "$RC" eq 0
	expect_str "PTRACE_TRACEME under exit-stop yes" "$(fact traceme 3)" 1
	shape_run trace-me-no "$1" --exit-stop no -- "$SHAPES_BIN/trace-me"
	expect_rel "brink status" "$RC" eq 0
	expect_str "PTRACE_TRACEME under exit-stop no" "$(fact traceme)" ok
	expect_str outcome "$(get outcome)" exited
	case "$(get unavailable)" in
	*exit-state*) ok "unavailable says exit-state" ;;
	*) bad "unavailable: got '$(get unavailable)', want exit-state in it" ;;
	esac
}
