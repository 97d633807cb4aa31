# shellcheck shell=sh
# Cases of measurement (sourced by run.sh): process trees, daemons, threads,
# self-set limits, EMFILE, tiny limits, short runs, signals, SIGPIPE. Each case is
# called with the sampling interval as $1.
MIB=1048576

# A parent that forks 4 workers holding 20 MiB and 100 fds each (a server).
CASES="$CASES fork_workers"
case_fork_workers() {
	shape_run fork-workers "$1" --nofile 1024 -- "$SHAPES_BIN/fork-workers" 4 20 100 1000
	expect_rel "brink status" "$RC" eq 0
	expect_str "workers ready" "$(fact workers 4)" 4
	expect_str outcome "$(get outcome)" exited
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "peak_rss_bytes (4 x 20 MiB touched)" "$(get peak_rss_bytes)" ge $((80 * MIB))
	# each worker: 0-2 and 100 files; the parent: 0-2 and the pipe's read end
	expect_rel "peak_fds (4 x 103 + 4)" "$(get peak_fds)" ge 416
	expect_rel "largest procs of a sample (parent + 4)" "$(samples_max procs)" ge 5
}

# Background jobs in sh: `A & B & wait`.
CASES="$CASES background_jobs"
case_background_jobs() {
	h=$SHAPES_BIN/hold
	shape_run bg-jobs "$1" --shell yes -- "$h 10 50 1000 & $h 10 50 1000 & wait"
	expect_rel "brink status" "$RC" eq 0
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "largest procs of a sample (sh + 2 jobs)" "$(samples_max procs)" ge 3
	expect_rel "peak_rss_bytes (2 x 10 MiB)" "$(get peak_rss_bytes)" ge $((20 * MIB))
	expect_rel "peak_fds (2 x 53 + sh's 3)" "$(get peak_fds)" ge 109
}

# A shell pipeline: every stage is a process of the run.
CASES="$CASES pipeline"
case_pipeline() {
	h=$SHAPES_BIN/hold
	shape_run pipeline "$1" --shell yes -- "$h 8 0 800 | $h 8 0 800 | cat"
	expect_rel "brink status" "$RC" eq 0
	expect_rel "largest procs of a sample (3 stages)" "$(samples_max procs)" ge 3
	expect_rel "peak_rss_bytes (2 x 8 MiB)" "$(get peak_rss_bytes)" ge $((16 * MIB))
}

# The double-fork daemon: measured while the run lasts, killed when it ends.
CASES="$CASES daemon"
case_daemon() {
	shape_run daemon "$1" -- "$SHAPES_BIN/daemon" 30 3000 1000
	expect_rel "brink status" "$RC" eq 0
	expect_str "daemon ready" "$(fact ready 1)" ready
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "peak_rss_bytes (the daemon's 30 MiB)" "$(get peak_rss_bytes)" ge $((30 * MIB))
	expect_rel "largest procs of a sample (parent + daemon)" "$(samples_max procs)" ge 2
	expect_gone "$(fact daemon)"
}

# The main thread exits first (pthread_exit) while a worker grows 50 MiB, 1000 fds.
CASES="$CASES thread_exit"
case_thread_exit() {
	shape_run thread-exit "$1" --nofile 2048 -- "$SHAPES_BIN/thread-exit" 50 1000 300
	expect_rel "brink status" "$RC" eq 0
	expect_str "worker grew" "$(fact worker 3)" 50
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "peak_rss_bytes (50 MiB grown by the worker)" "$(get peak_rss_bytes)" ge $((50 * MIB))
	expect_rel "peak_fds (3 + 1000 opened by the worker)" "$(get peak_fds)" ge 1003
	d=$(get duration_s)
	expect_rel "duration_s (worker: 50 + 10 x 50 + 300 ms) in ms" "${d%%.*}${d#*.}" ge 0800
}

# The opposite: exit(0) in main while 200 threads run; the exit stop must be taken
# (the other threads are ending, not running on).
CASES="$CASES exit_group"
case_exit_group() {
	shape_run exit-group "$1" --nofile 1024 -- "$SHAPES_BIN/thread-exit" 8 100 300 200
	expect_rel "brink status" "$RC" eq 0
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "peak_threads (the program's count)" "$(get peak_threads)" ge "$(fact threads)"
	expect_rel "fds at the exit stop (3 + 100)" \
		"$(awk -F, '$2 == "exit-state" { print $3 }' "$R/events.csv")" eq 103
	if grep -q main-thread-exit "$R/events.csv"; then bad "exit_group taken for the main thread's exit"
	else ok "no main-thread-exit event"; fi
}

# A program that opens until EMFILE, holds the files 100 ms, closes them all and
# goes on (an accept loop, a pool).
CASES="$CASES emfile_survive"
case_emfile_survive() {
	shape_run emfile-survive "$1" --nofile 256 -- "$SHAPES_BIN/emfile" 0 100 0
	expect_rel "brink status" "$RC" eq 0
	o=$(fact emfile 3)
	expect_rel "the program's opens before EMFILE" "$o" eq 253
	expect_rel "peak_fds (3 + its opens)" "$(get peak_fds)" eq $((o + 3))
	expect_str fd_exhausted "$(get fd_exhausted)" 1
	expect_rel exit_code "$(get exit_code)" eq 0
}

# A program that lowers its own soft nofile limit to 256 and exhausts it: the limit
# that counts is the program's, not brink's (1024 or more here).
CASES="$CASES lower_nofile"
case_lower_nofile() {
	shape_run lower-nofile "$1" --nofile 4096 -- "$SHAPES_BIN/emfile" 256 0 1
	expect_rel "brink status" "$RC" eq 0
	expect_str "the program's own limit" "$(fact limit)" 256
	expect_rel "its opens before EMFILE" "$(fact emfile 3)" eq 253
	expect_rel exit_code "$(get exit_code)" eq 3
	expect_rel fd_limit "$(get fd_limit)" eq 256
	expect_rel peak_fds "$(get peak_fds)" eq 256
	expect_str fd_exhausted "$(get fd_exhausted)" 1
	shape_run lower-nofile-survive "$1" --nofile 4096 -- "$SHAPES_BIN/emfile" 256 100 0
	expect_rel fd_limit "$(get fd_limit)" eq 256
	expect_str fd_exhausted "$(get fd_exhausted)" 1
}

# bash numbers `exec {fd}<>` fds from 10 up: under nofile 256 it fails at fd 256
# with 249 open; exhaustion is about fd numbers, not only the count.
CASES="$CASES bash_fd_loop"
case_bash_fd_loop() {
	if ! command -v bash >/dev/null 2>&1; then
		case_skip "bash_fd_loop: no bash here"
		return
	fi
	shape_run bash-fd-loop "$1" --nofile 256 -- bash -c \
		'i=0; while exec {fd}<>/dev/null; do i=$((i + 1)); echo "fd $fd"; done; echo "opened $i"; exit 3'
	expect_rel "brink status" "$RC" eq 0
	expect_rel "bash's last fd" "$(awk '$1 == "fd" { f = $2 } END { print f }' "$LOG")" eq 255
	expect_str fd_exhausted "$(get fd_exhausted)" 1
}

# Sub-millisecond programs.
CASES="$CASES sub_ms"
case_sub_ms() {
	for p in /bin/true "/bin/echo hi"; do
		n=${p#/bin/}
		# shellcheck disable=SC2086
		shape_run "sub-ms-${n%% *}" "$1" -- $p
		expect_rel "brink status" "$RC" eq 0
		expect_str outcome "$(get outcome)" exited
		expect_rel exit_code "$(get exit_code)" eq 0
		expect_rel "peak_fds >= fd_baseline" "$(get peak_fds)" ge "$(get fd_baseline)"
		expect_rel "wall time, cs" "$EL_CS" le 100
	done
}

# Tiny memory limits: the program cannot even start; brink must end at once, say so.
CASES="$CASES tiny_memory"
case_tiny_memory() {
	for m in 1 4K 16K 0; do
		shape_run "tiny-mem-$m" "$1" --memory "$m" -- /bin/true
		expect_rel "--memory $m: wall time, cs" "$EL_CS" le 100
		expect_rel "--memory $m: brink status (0 or 1)" "$RC" le 1
		o=$(get outcome)
		case $o in
		exited | oom-killed) ok "--memory $m: outcome $o" ;;
		exec-failed)
			if [ -n "$(get exec_error)" ]; then ok "--memory $m: exec-failed: $(get exec_error)"; else
				bad "--memory $m: exec-failed without a reason"; fi ;;
		*) bad "--memory $m: outcome '$o'" ;;
		esac
		# the OOM killer's counter moved: the breaking point is memory
		case "$(get oom_kills)" in
		'' | 0) ;;
		*) expect_str "--memory $m: limit_hit (oom_kills $(get oom_kills))" "$(get limit_hit)" memory ;;
		esac
	done
}

# SIGINT and SIGTERM at each stage: brink ends within a second with 130, the results
# kept, nothing left. Stages: at once (before the exec), while sampling, while
# drawing the plots.
CASES="$CASES signals"
case_signals() {
	[ "$1" = 10ms ] || return 0 # one interval is enough here
	# start: as soon as the run's events.csv.part exists (written just before the
	# fork: the signal comes around the exec); 0.4: while sampling; plot: once
	# summary.csv is committed. (Not at time 0: sh starts background jobs with
	# SIGINT ignored, and until brink's main() sets its handlers it would be lost.)
	stages="start 0.4 plot"
	command -v gnuplot >/dev/null 2>&1 || {
		stages="start 0.4"
		case_skip "signals while plotting: no gnuplot here"
	}
	for sg in INT TERM; do
		for when in $stages; do
			D=$SHAPES_OUT/sig-$sg-$when
			plots=--no-plots
			[ $when = plot ] && plots=
			"$BRINK" exec --quiet --no-progress $plots --interval 10ms --name sig --out "$D" \
				-- "$SHAPES_BIN/hold" 1 10 1500 >"$D.stdout" 2>"$D.stderr" &
			bp=$!
			n=0
			case $when in
			plot) # the summary is written before the plots are drawn
				while [ ! -f "$D/summary.csv" ] && [ $n -lt 400 ]; do sleep 0.01; n=$((n + 1)); done ;;
			start) # no sleep between looks: it comes within milliseconds
				while [ ! -f "$D/sig/1/events.csv.part" ] && [ $n -lt 200000 ]; do
					n=$((n + 1))
				done ;;
			*) sleep $when ;;
			esac
			t0=$(uptime_cs)
			kill -s $sg $bp
			wait $bp
			rc=$?
			el=$(($(uptime_cs) - t0))
			expect_rel "SIG$sg at $when: status" $rc eq 130
			expect_rel "SIG$sg at $when: cs to end" $el le 100
			if [ -f "$D/summary.csv" ]; then ok "SIG$sg at $when: summary.csv kept"
			else bad "SIG$sg at $when: no summary.csv"; fi
			p=$(find "$D" -name '*.part' 2>/dev/null)
			if [ -z "$p" ]; then ok "SIG$sg at $when: no .part left"; else bad "SIG$sg at $when: left $p"; fi
			LOG=$D/sig/1/stdout.log
			[ -f "$LOG" ] && expect_gone "$(fact pid)"
			left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "brink-$bp-*" 2>/dev/null)
			if [ -z "$left" ]; then ok "SIG$sg at $when: no cgroup left"; else
				bad "SIG$sg at $when: cgroups left: $left"; fi
		done
	done
}

# `brink exec ... | head -1`: the reader goes away; brink completes its results.
CASES="$CASES sigpipe"
case_sigpipe() {
	D=$SHAPES_OUT/sigpipe-$1
	{
		"$BRINK" exec --no-progress --no-plots --interval "$1" --name sigpipe --out "$D" \
			-- "$SHAPES_BIN/hold" 0 0 300 2>"$D.stderr"
		echo $? >"$D.rc"
	} | head -c 1 >/dev/null
	expect_rel "brink status behind head" "$(cat "$D.rc")" eq 0
	if [ -f "$D/summary.csv" ]; then ok "summary.csv committed"; else bad "no summary.csv"; fi
	p=$(find "$D" -name '*.part' 2>/dev/null)
	if [ -z "$p" ]; then ok "no .part left"; else bad "left $p"; fi
}

# A child (not the main process) that exhausts its fds and holds them: sampled.
CASES="$CASES child_emfile"
case_child_emfile() {
	shape_run child-emfile "$1" --nofile 128 --shell yes -- "$SHAPES_BIN/emfile 0 300 1; echo child done"
	expect_rel "brink status" "$RC" eq 0
	expect_rel "the child's opens before EMFILE" "$(fact emfile 3)" eq 125
	expect_rel "peak_fds (sh's 3 + the child's 128)" "$(get peak_fds)" ge 131
	expect_str fd_exhausted "$(get fd_exhausted)" 1
	expect_rel "largest procs of a sample (sh + child)" "$(samples_max procs)" ge 2
}

# A fork leak: a 4 MiB worker every 100 ms, each living 1.5 s, 10 in all.
CASES="$CASES fork_leak"
case_fork_leak() {
	h=$SHAPES_BIN/hold
	shape_run fork-leak "$1" --shell yes -- \
		"i=0; while [ \$i -lt 10 ]; do $h 4 0 1500 & i=\$((i + 1)); sleep 0.1; done; wait"
	expect_rel "brink status" "$RC" eq 0
	expect_rel "workers started" "$(grep -c '^held 4' "$LOG")" eq 10
	expect_rel "largest procs of a sample (sh + 10 workers)" "$(samples_max procs)" ge 11
	expect_rel "peak_rss_bytes (10 x 4 MiB)" "$(get peak_rss_bytes)" ge $((40 * MIB))
}
