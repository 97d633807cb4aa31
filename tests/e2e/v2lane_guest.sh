# shellcheck shell=sh
# Guest side of tests/e2e/v2_lane.sh: runs INSIDE the pure cgroup-v2 qemu guest, under
# busybox sh, with the static brink and scenarios in $V2LANE_BIN (first in PATH).
# tests/CMakeLists.txt leaves *_guest.sh out of the e2e glob; run by hand outside the
# guest (no V2LANE_BIN) it exits 77.
#
# Phases (V2LANE_PHASES, default "root syscalls shapes delegated job shared"; shared
# moves the shell, so it comes last):
#   root       brink in the root cgroup (exempt from the no-internal-process rule):
#              fd exhaustion, OOM kill, pids limit (each with the failing call or
#              OOM victim the kernel reported), and nothing left behind;
#   syscalls   the failing-call shapes of tests/shapes/failcall.c (survive EMFILE, a
#              child's self-lowered limit, a thread bomb, --as, a child's OOM kill,
#              a child's EMFILE and OOM kill in a group below the run's): call,
#              errno, pid and time from the kernel against the program's own;
#              and the process list kept from the kernel's fork and exit records
#              (tests/progs/proc-churn.c);
#   shapes     the corpus of program shapes (tests/shapes/run.sh, copied beside the
#              binaries as shapes-run.sh with its cases_*.sh), brink in the root
#              cgroup, at 10 ms and 1 ms (SHAPES_INTERVALS), results in
#              $V2LANE_OUT/shapes;
#   delegated  the same three checks, each brink alone in a fresh non-root leaf, as
#              `systemd-run --scope -p Delegate=yes` would start it on a pure-v2
#              machine: brink must make room for its run cgroups itself (move into
#              a leaf of its own), and give the scope back as it found it;
#   job        brink alone in a leaf two levels below a group with memory.max, as in
#              a batch job's task on a pure-v2 node: it must take the job's limit as
#              its memory ceiling, refuse a scenario limit that does not fit below
#              it with brink's own 64M to spare, and run one that does;
#   shared     brink in a leaf it shares with the shell (a session scope, no
#              delegation): it must fall back to rlimits, say so, mark what was not
#              measured, and leave that group's subtree_control as it found it.
#   bench      (not in the default: a benchmark, scripts/bench.sh BENCH_ONLY=bpfguest)
#              what watching failing calls costs a syscall loop (bench/sysloop, copied
#              as sysloop) with fexit, with the sys_exit tracepoint and with none;
#              "BENCH ..." lines in $V2LANE_OUT/bench/results.txt.
# Each run writes to $V2LANE_OUT/<phase>/<check> (+ <check>.stderr), which run.sh
# copies back to the host.
#
# Exit: 0 all checks passed, 1 some failed, 77 not in the guest.
#
# Env (optional): V2LANE_PHASES (default "root syscalls shapes delegated job shared"),
# V2LANE_CGROOT (default /sys/fs/cgroup), BRINK_EXEC_TIMEOUT (default 60s, per brink
# exec); for the bench phase V2LANE_BENCH_ROUNDS (default 3) and V2LANE_BENCH_SECONDS
# (default 3: the length of one loop). scripts/v2lane/run.sh passes V2LANE_PHASES and
# V2LANE_BENCH_* from the host.

if [ -z "${V2LANE_BIN:-}" ] || [ -z "${V2LANE_OUT:-}" ]; then
	echo "v2lane_guest.sh: runs only inside the v2 lane guest (tests/e2e/v2_lane.sh)" >&2
	exit 77
fi

cgroot=${V2LANE_CGROOT:-/sys/fs/cgroup}
phases=${V2LANE_PHASES:-root syscalls shapes delegated job shared}
exec_timeout=${BRINK_EXEC_TIMEOUT:-60s}
MEM_LIMIT=33554432 # 32M
NOFILE=64
PIDS=16
passed=0
failed=0
bx_scope=
# POSIX sh has no "local": helpers use distinct variable names (bx_*, phase_*).

ok() {
	passed=$((passed + 1))
	echo "  ok   $*"
}
bad() {
	failed=$((failed + 1))
	echo "  FAIL $*"
}

# csv_get FILE COLUMN: the column of the first data row, found by header name. Prints
# nothing and returns 1 if the file or the column is missing. Fields are split on
# commas: every column checked here precedes the only free-text one (exec_error, last).
csv_get() {
	[ -f "$1" ] || return 1
	awk -F, -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; if (!c) exit 1; next }
		NR == 2 { print $c; found = 1; exit }
		END { exit (c && found) ? 0 : 1 }' "$1"
}

# expect_eq SUMMARY COLUMN VALUE
expect_eq() {
	v=$(csv_get "$1" "$2") || { bad "$2: column or row missing in $1"; return; }
	if [ "$v" = "$3" ]; then ok "$2=$v"; else bad "$2=$v, expected $3"; fi
}

# expect_ge SUMMARY COLUMN MIN: integer column >= MIN.
expect_ge() {
	v=$(csv_get "$1" "$2") || { bad "$2: column or row missing in $1"; return; }
	case "$v" in
	'' | *[!0-9]*) bad "$2='$v', expected an integer >= $3" ;;
	*) if [ "$v" -ge "$3" ]; then ok "$2=$v (>= $3)"; else bad "$2=$v, expected >= $3"; fi ;;
	esac
}

# expect_between SUMMARY COLUMN MIN MAX (integers, inclusive).
expect_between() {
	v=$(csv_get "$1" "$2") || { bad "$2: column or row missing in $1"; return; }
	case "$v" in
	'' | *[!0-9]*) bad "$2='$v', expected an integer in [$3, $4]" ;;
	*) if [ "$v" -ge "$3" ] && [ "$v" -le "$4" ]; then ok "$2=$v (in [$3, $4])"; else
		bad "$2=$v, expected in [$3, $4]"; fi ;;
	esac
}

# expect_set SUMMARY COLUMN: a non-empty value (e.g. a time).
expect_set() {
	v=$(csv_get "$1" "$2") || { bad "$2: column or row missing in $1"; return; }
	if [ -n "$v" ]; then ok "$2=$v"; else bad "$2 is empty"; fi
}

# expect_event EVENTS_CSV EVENT: events.csv has a row with that event name.
expect_event() {
	if [ -f "$1" ] && awk -F, -v e="$2" 'NR > 1 && $2 == e { f = 1 } END { exit !f }' "$1"; then
		ok "events.csv has $2"
	else
		bad "events.csv ($1) has no $2 event"
	fi
}

# Child cgroups of the phase's cgroup, one per line, sorted (to spot leftovers).
cgroup_children() {
	find "$1" -mindepth 1 -type d 2>/dev/null | sort
}

# brink_exec DIR ARGS...: run brink exec with --out DIR; brink itself must say 0
# ("measured") whatever the scenario did.
brink_exec() {
	bx_out=$1
	shift
	mkdir -p "$(dirname "$bx_out")"
	if [ -n "$bx_scope" ]; then
		echo "+ [in $bx_scope] brink exec --timeout $exec_timeout --out $bx_out $*"
		mkdir -p "$bx_scope" || { bad "cannot create $bx_scope"; return; }
		# The shell moves itself, then becomes brink: brink is alone in the scope.
		sh -c 'echo $$ > "$1/cgroup.procs" || exit 126; shift; exec "$@"' sh "$bx_scope" \
			brink exec --timeout "$exec_timeout" --out "$bx_out" "$@" 2> "$bx_out.stderr"
	else
		echo "+ brink exec --timeout $exec_timeout --out $bx_out $*"
		brink exec --timeout "$exec_timeout" --out "$bx_out" "$@" 2> "$bx_out.stderr"
	fi
	bx_rc=$?
	cat "$bx_out.stderr"
	if [ $bx_rc -eq 0 ]; then ok "brink exit status 0"; else bad "brink exit status $bx_rc"; fi
	if [ -f "$bx_out/summary.csv" ]; then cat "$bx_out/summary.csv"; fi
}

# shape_fail NAME SYSCALL-REGEX ERRNO BRINK-ARGS... -- failcall MODE: the first failing
# call of one tests/shapes/failcall.c shape against what the program printed (pid,
# errno, and the time window around the call, plus the launch's slack).
shape_fail() {
	sf_name=$1 sf_call=$2 sf_err=$3
	shift 3
	sf_d=$phase_out/$sf_name
	brink_exec "$sf_d" --interval 10ms "$@"
	sf_s=$sf_d/summary.csv
	sf_log=$(ls "$sf_d"/*/1/stdout.log 2>/dev/null | head -n 1)
	check_syscalls "$sf_s" "$sf_call" "$sf_err"
	sf_pid=$(sed -n 's/^pid=//p' "$sf_log" | head -n 1)
	expect_eq "$sf_s" first_failure_pid "$sf_pid"
	sf_t=$(csv_get "$sf_s" first_failure_s)
	sf_lo=$(sed -n 's/^before_s=//p' "$sf_log" | head -n 1)
	sf_hi=$(sed -n 's/^after_s=//p' "$sf_log" | head -n 1)
	if awk -v t="$sf_t" -v lo="$sf_lo" -v hi="$sf_hi" \
		'BEGIN { exit !(t != "" && lo != "" && t >= lo && t <= hi + 0.4) }'; then
		ok "$sf_name: first_failure_s $sf_t in [$sf_lo, $sf_hi + 0.4]"
	else
		bad "$sf_name: first_failure_s '$sf_t' outside [$sf_lo, $sf_hi + 0.4]"
	fi
}

# check_syscalls SUMMARY SYSCALL-REGEX ERRNO: where brink runs with cgroups, the
# kernel's view of failing calls must be there (this kernel has BTF), and name the
# call that broke the run. A lane where it cannot load fails here, by name.
check_syscalls() {
	cs_unav=$(csv_get "$1" unavailable)
	if [ "${BRINK_BPF:-}" = off ]; then # switched off for this phase: said, not watched
		case ";$cs_unav;" in
		*";syscalls;"*) ok "$1: unavailable=syscalls (BRINK_BPF=off)" ;;
		*) bad "$1: BRINK_BPF=off but unavailable='$cs_unav' lacks syscalls" ;;
		esac
		return
	fi
	case ";$cs_unav;" in
	*";syscalls;"*)
		bad "$1: failing system calls not watched in the guest: $(sed -n 's/^syscalls = //p' "${1%/summary.csv}/run.ini")"
		return ;;
	esac
	echo "  (syscalls watched by: $(sed -n 's/^syscalls = //p' "${1%/summary.csv}/run.ini"))"
	cs_call=$(csv_get "$1" first_failure_syscall)
	if echo "$cs_call" | grep -Eqx "$2"; then ok "$1: first_failure_syscall=$cs_call"
	else bad "$1: first_failure_syscall='$cs_call', want $2"; fi
	expect_eq "$1" first_failure_errno "$3"
	expect_set "$1" first_failure_pid
}

# check_proc_churn DIR: the process list kept from the kernel's fork and exit
# records (tests/e2e/bpf_procs.sh): a program whose processes come and go faster
# than the samples; the forks and exits the kernel counted are the program's, and
# each phase's processes and fds, as it counted them, are in a sample.
check_proc_churn() {
	brink_exec "$1" --interval 50ms -- "$V2LANE_BIN/proc-churn" 3 250 20
	pc_log=$(ls "$1"/*/1/stdout.log 2>/dev/null | head -n 1)
	pc_ev=$(ls "$1"/*/1/events.csv 2>/dev/null | head -n 1)
	pc_sam=$(ls "$1"/*/1/samples.csv 2>/dev/null | head -n 1)
	pc_forks=$(sed -n 's/^forks=//p' "$pc_log" | head -n 1)
	pc_row=$(awk -F, '$2 == "forks" { print $3 " " $4 }' "$pc_ev")
	if [ -n "$pc_forks" ] && [ "${pc_row%% *}" = "$pc_forks" ]; then ok "proc-churn: $pc_forks forks"
	else bad "proc-churn: forks event '$pc_row', the program made '$pc_forks'"; fi
	case " $pc_row " in
	*" exits=$((pc_forks + 1)) "*" list=events "*) ok "proc-churn: exits, list from the records" ;;
	*) bad "proc-churn: forks event '$pc_row', want exits=$((pc_forks + 1)) and list=events" ;;
	esac
	for pc_p in 1 2 3; do
		pc_line=$(grep "^phase=$pc_p " "$pc_log")
		pc_k=$(echo "$pc_line" | sed 's/.* procs=\([0-9]*\).*/\1/')
		pc_f=$(echo "$pc_line" | sed 's/.* fds=\([0-9]*\).*/\1/')
		if awk -F, -v k="$pc_k" -v f="$pc_f" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["procs"] == k && $c["fds"] == f { s = 1 } END { exit !s }' "$pc_sam"; then
			ok "proc-churn: phase $pc_p: a sample with $pc_k processes, $pc_f fds"
		else
			bad "proc-churn: phase $pc_p: no sample with $pc_k processes, $pc_f fds"
		fi
	done
}

check_fd() {
	d=$1/fd
	brink_exec "$d" --nofile $NOFILE -- "$V2LANE_BIN/fd-exhaust"
	s=$d/summary.csv
	[ "${2:-}" = nobpf ] || check_syscalls "$s" openat EMFILE
	expect_eq "$s" fd_limit $NOFILE
	expect_eq "$s" fd_baseline 3
	expect_eq "$s" peak_fds $NOFILE
	expect_eq "$s" fd_exhausted 1
	expect_eq "$s" limit_hit nofile
	expect_event "$(ls "$d"/*/1/events.csv 2>/dev/null | head -n 1)" fd-exhausted
	# The scenario's own words: it got NOFILE - 3 files before EMFILE.
	if grep -q "Error at file $((NOFILE - 3))" "$d"/*/1/stdout.log 2>/dev/null; then
		ok "stdout.log says Error at file $((NOFILE - 3))"
	else
		bad "stdout.log lacks 'Error at file $((NOFILE - 3))'"
	fi
}

check_mem() {
	d=$1/mem
	brink_exec "$d" --memory 32M -- "$V2LANE_BIN/mem-hog"
	s=$d/summary.csv
	expect_eq "$s" outcome oom-killed
	expect_eq "$s" mem_limit_bytes $MEM_LIMIT
	expect_ge "$s" oom_kills 1
	expect_set "$s" oom_onset_s
	# Within a few percent of the limit. Not "at most the limit": the kernel
	# force-charges an OOM victim's last allocations past memory.max, and memory.peak
	# was seen here at the limit + 4096.
	expect_between "$s" peak_mem_bytes $((MEM_LIMIT * 95 / 100)) $((MEM_LIMIT * 105 / 100))
	expect_eq "$s" limit_hit memory
	expect_event "$(ls "$d"/*/1/events.csv 2>/dev/null | head -n 1)" oom-kill
	# the victim is the main process: the kernel's choice, from mark_victim
	expect_event "$(ls "$d"/*/1/events.csv 2>/dev/null | head -n 1)" oom-victim
	[ "${BRINK_BPF:-}" = off ] || expect_set "$s" oom_victim_pid
}

check_pids() {
	d=$1/pids
	brink_exec "$d" --pids $PIDS -- "$V2LANE_BIN/thread-bomb"
	s=$d/summary.csv
	expect_eq "$s" pids_limit $PIDS
	expect_ge "$s" pids_limit_hits 1
	# One process: every task of the cgroup is one of its threads.
	expect_eq "$s" peak_threads $PIDS
	expect_eq "$s" limit_hit pids
	expect_event "$(ls "$d"/*/1/events.csv 2>/dev/null | head -n 1)" pids-max
	check_syscalls "$s" 'clone3?' EAGAIN
}

# Nothing brink started may survive it: no scenario process, no cgroup below ours.
check_nothing_left() {
	after=$(cgroup_children "$2")
	if [ "$after" = "$1" ]; then ok "no cgroup left below $2"; else
		bad "cgroups left below $2: $(echo "$after" | tr '\n' ' ')"; fi
	left=$(pidof fd-exhaust mem-hog thread-bomb)
	if [ -z "$left" ]; then ok "no scenario process left"; else bad "processes left: $left"; fi
}

# After a delegated run: the scope as brink found it (nothing alive, no cgroup below
# it, no controller left enabled in its subtree_control: brink moved back into it and
# removed its own groups), and cgroups were really used. Then remove the scope.
check_scope_left() {
	if [ "$(cg_keyed "$1/cgroup.events" populated)" = 0 ]; then ok "nothing alive in $1"; else
		bad "$1 still populated: $(cat "$1/cgroup.procs" 2>/dev/null | tr '\n' ' ')"; fi
	left=$(cgroup_children "$1")
	if [ -z "$left" ]; then ok "no cgroup left below $1"; else
		bad "cgroups left below $1: $(echo "$left" | tr '\n' ' ')"; fi
	sc=$(cat "$1/cgroup.subtree_control" 2>/dev/null)
	if [ -z "$sc" ]; then ok "$1/cgroup.subtree_control empty again"; else
		bad "$1/cgroup.subtree_control left as '$sc'"; fi
	if [ "${BRINK_BPF:-}" = off ]; then
		expect_eq "$2/summary.csv" unavailable syscalls
	else
		expect_eq "$2/summary.csv" unavailable ""
	fi
	find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null
	[ ! -d "$1" ] || bad "cannot remove $1"
}

# cg_keyed FILE KEY: value of KEY in a flat keyed cgroup file.
cg_keyed() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$1" 2>/dev/null
}

# bench_loops DIR: the bench phase. Three loops of bench/sysloop: getppid and
# close(-1), calls no fexit program is attached to, and open, openat (a watched call
# that succeeds) and close. Each loop's count makes one bare run last about
# V2LANE_BENCH_SECONDS (from a bare run of 100000 calls, so that emulation's speed on
# this host picks it). Then V2LANE_BENCH_ROUNDS rounds of one brink exec each with
# BRINK_BPF=off, tracepoint and on (fexit where the kernel takes it), alternating;
# each brink runs the three loops one after the other (loading the programs once per
# brink: with fexit that takes seconds here). Lines in DIR/results.txt:
#   BENCH loop=L calls=N mode=M round=R ns_per_call=X        one per loop and run
#   BENCH-RUN mode=M round=R wall_s=W loops_s=S syscalls=<run.ini's>   one per run
# wall_s is brink's whole run from /proc/uptime (10 ms steps), loops_s the loops' own
# time: the difference is brink's start (loading the programs), sampling and end.
# A run without its three results, or watched otherwise than asked, fails a check.
bench_loops() {
	bl_rounds=${V2LANE_BENCH_ROUNDS:-3}
	bl_secs=${V2LANE_BENCH_SECONDS:-3}
	bl_res=$1/results.txt
	{
		echo "BENCH-KERNEL $(uname -r) $(uname -v)"
		echo "BENCH-CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(grep -c '^processor' /proc/cpuinfo) cpus"
		for f in meltdown spectre_v2; do
			echo "BENCH-VULN $f: $(cat /sys/devices/system/cpu/vulnerabilities/$f 2>/dev/null)"
		done
	} > "$bl_res"
	cat "$bl_res"
	bl_cmd=
	for bl_loop in getppid close open; do
		bl_ns=$(sysloop $bl_loop 100000 | sed -n 's/^RESULT .*ns_per_call=\([0-9.]*\).*/\1/p')
		[ -n "$bl_ns" ] || { bad "sysloop $bl_loop 100000: no result"; return; }
		bl_n=$(awk -v ns="$bl_ns" -v s="$bl_secs" 'BEGIN { n = int(s * 1e9 / ns / 1000) * 1000; print (n < 1000 ? 1000 : n) }')
		echo "BENCH-CALIBRATE loop=$bl_loop bare_ns_per_call=$bl_ns calls=$bl_n" | tee -a "$bl_res"
		bl_cmd="$bl_cmd${bl_cmd:+ && }$V2LANE_BIN/sysloop $bl_loop $bl_n"
	done
	bl_r=1
	bl_runs=0
	while [ $bl_r -le "$bl_rounds" ]; do
		for bl_mode in off tracepoint on; do
			bl_d=$1/$bl_mode-$bl_r
			read -r bl_t0 _ < /proc/uptime
			BRINK_BPF=$bl_mode brink exec --quiet --no-progress --no-plots --timeout 300s \
				--out "$bl_d" -- sh -c "$bl_cmd" > /dev/null 2> "$bl_d.stderr"
			read -r bl_t1 _ < /proc/uptime
			bl_log=$(ls "$bl_d"/*/1/stdout.log 2>/dev/null | head -n 1)
			bl_m=$(sed -n 's/^syscalls = //p' "$bl_d/run.ini" 2>/dev/null)
			if [ "$(grep -c '^RESULT ' "$bl_log" 2>/dev/null)" != 3 ]; then
				cat "$bl_d.stderr"
				bad "round $bl_r, BRINK_BPF=$bl_mode: not three loop results"
				continue
			fi
			case "$bl_mode:$bl_m" in
			"off:switched off"* | "tracepoint:sys_exit tracepoint"* | "on:fexit") ;;
			*) bad "BRINK_BPF=$bl_mode: watched by '$bl_m'" ;;
			esac
			awk -v m="$bl_mode" -v r="$bl_r" 'BEGIN { split("getppid close open", loop, " ") }
				/^RESULT / { n++; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				  printf "BENCH loop=%s calls=%s mode=%s round=%s ns_per_call=%s\n", loop[n], v["calls"], m, r, v["ns_per_call"]
				  s += v["seconds"] }
				END { printf "loops_s=%.2f\n", s }' "$bl_log" > "$bl_d.lines"
			grep '^BENCH ' "$bl_d.lines" | tee -a "$bl_res"
			echo "BENCH-RUN mode=$bl_mode round=$bl_r wall_s=$(awk -v a="$bl_t0" -v b="$bl_t1" 'BEGIN { printf "%.2f", b - a }')" \
				"$(grep '^loops_s=' "$bl_d.lines") syscalls=$bl_m" | tee -a "$bl_res"
			bl_runs=$((bl_runs + 1))
		done
		bl_r=$((bl_r + 1))
	done
	if [ $bl_runs -eq $((3 * bl_rounds)) ]; then ok "bench: $bl_runs runs"; else
		bad "bench: $bl_runs runs of $((3 * bl_rounds))"; fi
}

# The lane kernel itself first: if the probe fails, brink's failures below say nothing
# about brink.
if command -v probe > /dev/null; then
	echo "== kernel probe"
	if probe "$cgroot" > "$V2LANE_OUT/probe.txt" 2>&1; then
		echo "  ok   probe: $(tail -n 1 "$V2LANE_OUT/probe.txt")"
	else
		cat "$V2LANE_OUT/probe.txt"
		echo "v2lane_guest.sh: the lane kernel lacks what brink relies on (probe failed)" >&2
		exit 1
	fi
fi

lane_t0=$(date +%s)
for phase in $phases; do
	phase_out=$V2LANE_OUT/$phase
	mkdir -p "$phase_out"
	phase_t0=$(date +%s)
	case $phase in
	root)
		# brink in the root cgroup, which is exempt from the no-internal-process rule.
		bx_scope=
		echo "== phase root: brink in $(cat /proc/self/cgroup)"
		before=$(cgroup_children "$cgroot")
		check_fd "$phase_out"
		check_mem "$phase_out"
		check_pids "$phase_out"
		for check in fd mem pids; do
			expect_eq "$phase_out/$check/summary.csv" unavailable ""
		done
		check_nothing_left "$before" "$cgroot"
		;;
	syscalls)
		# The failing-call shapes of tests/e2e/bpf_first_failure.sh, on this kernel.
		bx_scope=
		echo "== phase syscalls: failing calls from the kernel, brink in $(cat /proc/self/cgroup)"
		shape_fail survive-emfile openat EMFILE --nofile 256 -- "$V2LANE_BIN/failcall" survive-emfile
		expect_eq "$phase_out/survive-emfile/summary.csv" fd_exhausted 1
		shape_fail child-nofile openat EMFILE -- "$V2LANE_BIN/failcall" child-nofile
		shape_fail threads 'clone3?' EAGAIN --pids 40 -- "$V2LANE_BIN/failcall" thread-bomb
		shape_fail as mmap ENOMEM --as 128M -- "$V2LANE_BIN/failcall" mmap-as
		expect_eq "$phase_out/as/summary.csv" limit_hit as
		shape_fail brk brk ENOMEM --data 16M -- "$V2LANE_BIN/failcall" brk-data
		expect_eq "$phase_out/brk/summary.csv" limit_hit data
		# i386 dup (int $0x80) from a 64-bit program: through the i386 entry's fexit here
		shape_fail compat dup EMFILE --nofile 64 -- "$V2LANE_BIN/failcall" compat-dup
		expect_eq "$phase_out/compat/summary.csv" emfile_count 1
		brink_exec "$phase_out/child-oom" --memory 32M -- "$V2LANE_BIN/failcall" child-oom
		co_log=$(ls "$phase_out"/child-oom/*/1/stdout.log 2>/dev/null | head -n 1)
		expect_eq "$phase_out/child-oom/summary.csv" oom_victim_pid \
			"$(sed -n 's/^child=//p' "$co_log" | head -n 1)"
		expect_eq "$phase_out/child-oom/summary.csv" outcome exited
		# a child moved into a group below the run's: its EMFILE and its OOM
		# kill are the run's (the walk up the groups, on this kernel)
		brink_exec "$phase_out/nested-oom" --memory 64M -- "$V2LANE_BIN/failcall" nested-oom
		no_log=$(ls "$phase_out"/nested-oom/*/1/stdout.log 2>/dev/null | head -n 1)
		no_child=$(sed -n 's/^child=//p' "$no_log" | head -n 1)
		expect_eq "$phase_out/nested-oom/summary.csv" emfile_count 1
		expect_eq "$phase_out/nested-oom/summary.csv" first_failure_pid "$no_child"
		expect_eq "$phase_out/nested-oom/summary.csv" oom_victim_pid "$no_child"
		expect_ge "$phase_out/nested-oom/summary.csv" oom_kills 1
		expect_eq "$phase_out/nested-oom/summary.csv" limit_hit memory
		check_proc_churn "$phase_out/proc-churn"
		;;
	shapes)
		# From here on without the eBPF watcher: root and syscalls exercise it, and
		# loading it costs seconds per brink under software emulation (the guest's
		# time budget is for the shapes).
		BRINK_BPF=off
		export BRINK_BPF
		bx_scope=
		echo "== phase shapes: the program shapes, brink in $(cat /proc/self/cgroup)"
		if BRINK=$V2LANE_BIN/brink SHAPES_BIN=$V2LANE_BIN SHAPES_OUT=$phase_out \
			sh "$V2LANE_BIN/shapes-run.sh"; then
			ok "shapes: every case passed"
		else
			bad "shapes: a case failed (above)"
		fi
		;;
	delegated)
		BRINK_BPF=off # as in shapes: root and syscalls exercise the watcher
		export BRINK_BPF
		# Each brink alone in a fresh leaf with the parent's controllers available
		# but none enabled below it: what `systemd-run --scope -p Delegate=yes brink
		# ...` gives. brink must make room for its run cgroups (move itself into a
		# leaf of its own) before it enables memory and pids there.
		echo "== phase delegated: each brink alone in $cgroot/brink-<check>.scope"
		for check in fd mem pids; do
			bx_scope=$cgroot/brink-$check.scope
			stale=
			if [ $check = fd ]; then
				# What a killed brink leaves: its parent with the (empty) self
				# leaf and a run group. pid 99999 with start time 1 is no
				# live brink: the next brink in the scope must remove it.
				stale=$bx_scope/brink-99999-1
				mkdir -p "$stale/self" "$stale/run-1"
			fi
			check_$check "$phase_out"
			if [ -n "$stale" ]; then
				if grep -q "removed $stale," "$phase_out/$check.stderr" && [ ! -d "$stale" ]
				then ok "stale $stale removed"; else bad "stale $stale not removed"; fi
			fi
			check_scope_left "$bx_scope" "$phase_out/$check"
		done
		bx_scope=
		;;
	job)
		BRINK_BPF=off # as in shapes: root and syscalls exercise the watcher
		export BRINK_BPF
		# Slurm's cgroup/v2 layout: the job's group holds the allocation, the
		# batch script (exec'ing brink) is alone in job/step/task_0.
		job=$cgroot/job_1
		bx_scope=$job/step_batch/task_0
		echo "== phase job: brink alone in $bx_scope, memory.max 128M on $job"
		if ! echo "+memory +pids" > "$cgroot/cgroup.subtree_control" || ! mkdir -p "$bx_scope" ||
			! echo 134217728 > "$job/memory.max" ||
			! echo "+memory +pids" > "$job/cgroup.subtree_control" ||
			! echo "+memory +pids" > "$job/step_batch/cgroup.subtree_control"; then
			bad "cannot set up $job"
			bx_scope=
			continue
		fi
		d=$phase_out/refused
		echo "+ [in $bx_scope] brink exec --out $d --memory 100M -- mem-hog"
		sh -c 'echo $$ > "$1/cgroup.procs" || exit 126; shift; exec "$@"' sh "$bx_scope" \
			brink exec --out "$d" --memory 100M -- "$V2LANE_BIN/mem-hog" 2> "$d.stderr"
		phase_rc=$?
		cat "$d.stderr"
		if [ $phase_rc -eq 2 ]; then ok "100M in a 128M job refused (exit 2)"; else
			bad "100M in a 128M job: exit status $phase_rc, expected 2"; fi
		if grep -q "memory 100 MiB is above what this machine lets brink use: 128 MiB ($job/memory.max)" "$d.stderr"
		then ok "the refusal names the job's memory.max"; else bad "the refusal does not name $job/memory.max"; fi
		if [ -e "$d" ]; then bad "a refused run wrote $d"; else ok "a refused run wrote nothing"; fi
		check_mem "$phase_out"
		if grep -q "^memory_ceiling = 134217728 ($job/memory.max)" "$phase_out/mem/run.ini"
		then ok "run.ini: memory_ceiling from $job/memory.max"; else
			bad "run.ini: $(grep memory_ceiling "$phase_out/mem/run.ini")"; fi
		check_scope_left "$bx_scope" "$phase_out/mem"
		rmdir "$job/step_batch" "$job" || bad "cannot remove $job"
		bx_scope=
		;;
	shared)
		# brink in a leaf it shares with the shell (a login session scope without
		# delegation): cgroups cannot be used; brink must say so, run with rlimits
		# only, mark what was not measured, and leave the group it does not own as
		# it found it.
		cg=$cgroot/session.scope
		if ! mkdir -p "$cg" || ! echo $$ > "$cg/cgroup.procs"; then
			bad "cannot move the test shell into $cg"
			continue
		fi
		bx_scope=
		echo "== phase shared: brink in $(cat /proc/self/cgroup), with the shell"
		sc_before=$(cat "$cg/cgroup.subtree_control")
		before=$(cgroup_children "$cg")
		check_fd "$phase_out" nobpf
		# no run group to filter on: the kernel's view is off, and said so
		v=$(csv_get "$phase_out/fd/summary.csv" unavailable)
		case ";$v;" in
		*";syscalls;"*) ok "unavailable=$v (no run cgroup: syscalls not watched)" ;;
		*) bad "unavailable='$v' lacks syscalls without cgroups" ;;
		esac
		d=$phase_out/mem
		brink_exec "$d" --memory 32M -- "$V2LANE_BIN/mem-hog"
		v=$(csv_get "$d/summary.csv" unavailable)
		case ";$v;" in
		*";mem;"*) ok "unavailable=$v" ;;
		*) bad "unavailable='$v' lacks mem without cgroups" ;;
		esac
		# The limit could not be applied: no limit recorded, no kill by one.
		expect_eq "$d/summary.csv" mem_limit_bytes ""
		expect_eq "$d/summary.csv" outcome exited
		# The warning must name the problem and the way out (stderr also carries
		# other lines: "results in", gnuplot).
		w=$(grep 'no memory limit' "$d.stderr" 2>/dev/null | head -n 1)
		case "$w" in
		*Delegate=yes*) ok "brink warned: $w" ;;
		*) bad "brink did not warn about the memory limit with the delegation advice: '$w'" ;;
		esac
		sc_after=$(cat "$cg/cgroup.subtree_control")
		if [ "$sc_after" = "$sc_before" ]; then ok "$cg/cgroup.subtree_control unchanged"; else
			bad "$cg/cgroup.subtree_control changed from '$sc_before' to '$sc_after'"; fi
		check_nothing_left "$before" "$cg"
		;;
	bench)
		bx_scope=
		echo "== phase bench: syscall loops with fexit, tracepoint and no watch, brink in $(cat /proc/self/cgroup)"
		bench_loops "$phase_out"
		;;
	*)
		bad "unknown phase '$phase'"
		;;
	esac
	# Where the guest's time goes (its limit is V2LANE_TIMEOUT): per phase.
	echo "-- phase $phase: $(($(date +%s) - phase_t0)) s"
done
echo "v2lane-guest: phases took $(($(date +%s) - lane_t0)) s"

echo "v2lane-guest: checks ok=$passed failed=$failed"
[ $failed -eq 0 ]
