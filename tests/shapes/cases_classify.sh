# shellcheck shell=sh
# Cases of classification (sourced by run.sh): who the OOM killer chose, cpu-time
# limits and self-kills, leaks that only the cgroup sees, clean file pages,
# zombies, and runs too short for a trend. Each case is called with the sampling
# interval as $1; expected values come from what the program did.

# rows COLUMN: the column's value in every row of the summary, one a line.
rows() {
	awk -F, -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c { print $c }' "$S" 2>/dev/null
}

# contains WHAT TEXT PART: TEXT holds PART.
expect_contains() {
	case "$2" in
	*"$3"*) ok "$1 holds '$3'" ;;
	*) bad "$1: '$2' does not hold '$3'" ;;
	esac
}
expect_lacks() {
	case "$2" in
	*"$3"*) bad "$1: '$2' holds '$3'" ;;
	*) ok "$1 lacks '$3'" ;;
	esac
}

# The kernel log names the OOM killer's victim to root (kernel.dmesg_restrict):
# can a record be read? (There are always some from the boot.)
kmsg_readable() {
	timeout 2 dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>/dev/null
}

# Does brink get a memory cgroup here? (Not in a shared v2 group.)
have_memcg() {
	hm=$SHAPES_OUT/probe-memcg
	[ -f "$hm/summary.csv" ] || "$BRINK" exec --quiet --no-progress --no-plots --memory 64M \
		--name probe --out "$hm" -- /bin/true >/dev/null 2>&1
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "unavailable") c = i; next }
		NR == 2 && c { n = split($c, u, ";"); for (i = 1; i <= n; i++) if (u[i] == "mem") exit 1;
			exit 0 } END { if (!c) exit 1 }' "$hm/summary.csv" 2>/dev/null
}

# A child OOM-killed while its parent lives; the parent then SIGKILLs itself
# (sh -c 'hog; kill -KILL $$'). The main process was not OOM-killed.
CASES="$CASES child_oom_selfkill"
case_child_oom_selfkill() {
	have_memcg || { case_skip "child_oom_selfkill: no memory cgroup here"; return; }
	h=$SHAPES_BIN/hold
	shape_run child-oom "$1" --memory 32M --shell yes -- \
		"$h 64 0 1000 & c=\$!; echo child \$c; wait \$c; echo status \$?; kill -KILL \$\$"
	expect_rel "brink status" "$RC" eq 0
	child=$(fact child)
	# sh reports a child killed by SIGKILL as 128 + 9
	expect_rel "the hog's status (SIGKILL)" "$(fact status)" eq 137
	expect_str signal "$(get signal)" 9
	expect_str limit_hit "$(get limit_hit)" memory
	expect_rel oom_kills "$(get oom_kills)" ge 1
	if kmsg_readable; then
		expect_str "outcome (the shell killed itself)" "$(get outcome)" signaled
		expect_contains cause "$(get cause)" "pid $child"
		expect_lacks unavailable "$(get unavailable)" oom-victim
	else
		# the victim cannot be known: said so, and inferred from the counter
		expect_contains unavailable "$(get unavailable)" oom-victim
	fi
	# the main process itself OOM-killed: named as such
	shape_run main-oom "$1" --memory 32M -- "$h" 64 0 1000
	expect_str limit_hit "$(get limit_hit)" memory
	expect_str outcome "$(get outcome)" oom-killed
	if kmsg_readable; then
		expect_contains cause "$(get cause)" "main process pid $(fact pid)"
	fi
	expect_str leak "$(get leak)" yes
	expect_contains leak_metrics "$(get leak_metrics)" mem
}

# A busy loop under --cpu-time 1s: brink sets soft 1 s and hard 2 s, so it dies of
# SIGXCPU (default action) at 1 s of CPU; one that ignores SIGXCPU dies of the
# SIGKILL at 2 s. A CPU-time limit is no leak: nothing grew.
CASES="$CASES cpu_time_kill"
case_cpu_time_kill() {
	shape_run cpu-time "$1" --cpu-time 1s -- "$SHAPES_BIN/busy" run
	expect_str outcome "$(get outcome)" signaled
	expect_str "signal (SIGXCPU)" "$(get signal)" 24
	expect_str limit_hit "$(get limit_hit)" cpu-time
	expect_lacks leak "$(get leak)" yes
	expect_str leak_metrics "$(get leak_metrics)" ""
	shape_run cpu-time-hard "$1" --cpu-time 1s -- "$SHAPES_BIN/busy" ignore-xcpu
	expect_str "signal (SIGKILL)" "$(get signal)" 9
	expect_str limit_hit "$(get limit_hit)" cpu-time
	expect_lacks leak "$(get leak)" yes
}

# A program that SIGKILLs itself after 0.2 s of CPU under --cpu-time 10s: the
# limit was not reached, whatever the signal.
CASES="$CASES selfkill_cpu"
case_selfkill_cpu() {
	shape_run selfkill-cpu "$1" --cpu-time 10s -- "$SHAPES_BIN/busy" selfkill 200
	expect_str "its CPU time at the kill, ms" "$(fact cpu)" 200
	expect_str outcome "$(get outcome)" signaled
	expect_str signal "$(get signal)" 9
	expect_str limit_hit "$(get limit_hit)" ""
	expect_contains cause "$(get cause)" "short of its cpu-time limit"
	# the same sent as SIGXCPU by itself (kill(2), not the kernel's)
	shape_run selfxcpu "$1" --cpu-time 10s --shell yes -- 'kill -XCPU $$'
	expect_str "signal (SIGXCPU)" "$(get signal)" 24
	expect_str limit_hit "$(get limit_hit)" ""
}

# A shell appends 1 MiB to a tmpfs file every 50 ms: the memory is charged to the
# run's cgroup and in no process's RSS. A leak, seen in mem.
CASES="$CASES tmpfs_growth"
case_tmpfs_growth() {
	have_memcg || { case_skip "tmpfs_growth: no memory cgroup here"; return; }
	awk '$2 == "/dev/shm" && $3 == "tmpfs" { f = 1 } END { exit !f }' /proc/mounts ||
		{ case_skip "tmpfs_growth: no tmpfs on /dev/shm"; return; }
	f=/dev/shm/brink-shape-$$-$1
	shape_run tmpfs-growth "$1" --memory 256M --shell yes -- \
		"i=0; while [ \$i -lt 30 ]; do head -c 1048576 /dev/zero >>$f; sleep 0.05; i=\$((i + 1)); done; echo appended \$i"
	rm -f "$f"
	expect_str "MiB appended" "$(fact appended)" 30
	expect_rel "peak_mem_bytes (30 MiB in tmpfs)" "$(get peak_mem_bytes)" ge $((30 * MIB))
	expect_str leak "$(get leak)" yes
	expect_contains leak_metrics "$(get leak_metrics)" mem
	expect_lacks leak_metrics "$(get leak_metrics)" rss
	# 30 MiB over the run: at least half that rate after the warm-up
	d=$(get duration_s)
	ms=$(get mem_slope_bytes_per_s)
	if awk -v s="$ms" -v d="$d" 'BEGIN { exit !(s + 0 >= 30 * 1048576 / d / 2) }'; then
		ok "mem_slope_bytes_per_s $ms >= half of 30 MiB / $d s"
	else
		bad "mem_slope_bytes_per_s '$ms' below half of 30 MiB / $d s"
	fi
}

# The same shell appending 1 MiB every 50 ms to a file on a disk: the cgroup's
# memory grows by page cache the kernel can drop, no leak.
CASES="$CASES log_to_disk"
case_log_to_disk() {
	have_memcg || { case_skip "log_to_disk: no memory cgroup here"; return; }
	case $(stat -f -c %T "$SHAPES_OUT" 2>/dev/null) in
	'' | tmpfs | ramfs | rootfs) case_skip "log_to_disk: $SHAPES_OUT is not on a disk"; return ;;
	esac
	f=$SHAPES_OUT/log-$1
	shape_run log-to-disk "$1" --memory 256M --shell yes -- \
		"i=0; while [ \$i -lt 30 ]; do head -c 1048576 /dev/urandom >>$f; sleep 0.05; i=\$((i + 1)); done; echo appended \$i"
	rm -f "$f"
	expect_str "MiB appended" "$(fact appended)" 30
	expect_rel "peak_mem_bytes (its page cache)" "$(get peak_mem_bytes)" ge $((20 * MIB))
	expect_str leak "$(get leak)" no
}

# A process maps a 96 MiB file already in the page cache and reads it all over
# 1.2 s, under a 16 MiB limit: its RSS grows by 96 MiB of clean file pages,
# charged to whoever read the file first. No leak.
CASES="$CASES clean_filemap"
case_clean_filemap() {
	have_memcg || { case_skip "clean_filemap: no memory cgroup here"; return; }
	f=$SHAPES_OUT/filemap-96M
	[ -f "$f" ] || head -c $((96 * MIB)) /dev/zero >"$f"
	cat "$f" >/dev/null # in the page cache, charged outside the run
	shape_run filemap "$1" --memory 16M -- "$SHAPES_BIN/filemap" "$f" 1200
	expect_str "MiB read" "$(fact read)" 96
	expect_str outcome "$(get outcome)" exited
	expect_rel exit_code "$(get exit_code)" eq 0
	expect_rel "peak_rss_bytes (the file's pages)" "$(get peak_rss_bytes)" ge $((90 * MIB))
	expect_str limit_hit "$(get limit_hit)" ""
	expect_str leak "$(get leak)" no
}

# 40 children exit and are never reaped: zombies are no threads, and no leak.
CASES="$CASES zombies"
case_zombies() {
	shape_run zombies "$1" -- "$SHAPES_BIN/zombies" 40 25
	expect_str "zombies left" "$(fact zombies)" 40
	expect_str outcome "$(get outcome)" exited
	# its own thread, and at most one child alive (each exits at once; the
	# next is forked 25 ms later)
	expect_rel "peak_threads (1 + a child at most)" "$(get peak_threads)" le 2
	expect_lacks leak_metrics "$(get leak_metrics)" threads
	expect_str leak "$(get leak)" no
}

# Short programs, ten times each, expected to leak nothing: never leak = yes, never
# a slope from start-up; a run that ends before the 500 ms warm-up has no verdict
# and says why.
CASES="$CASES short_repeated"
case_short_repeated() {
	for p in /bin/true python3; do
		case $p in
		python3)
			command -v python3 >/dev/null 2>&1 || { case_skip "short_repeated: no python3"; continue; }
			set -- "$1" python3 -c pass ;;
		*) set -- "$1" "$p" ;;
		esac
		n=$(basename "$2")
		iv=$1
		shift
		shape_run "short-$n" "$iv" --repetitions 10 --expect no-leak -- "$@"
		set -- "$iv"
		expect_rel "brink status (no-leak held 10 times)" "$RC" eq 0
		expect_rel "rows" "$(rows leak | wc -l)" eq 10
		y=$(rows leak | grep -c '^yes$')
		expect_rel "rows with leak = yes" "$y" eq 0
		short=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "duration_s") d = i;
				if ($i == "leak") l = i; if ($i == "leak_reason") w = i;
				if ($i == "rss_slope_bytes_per_s") s = i } next }
			$d + 0 < 0.5 && ($l != "" || $w == "" || $s != "") { print NR - 1 }' "$S")
		if [ -z "$short" ]; then ok "$n: every run under 0.5 s has no verdict, a reason, no slope"; else
			bad "$n: rows $short under 0.5 s have a verdict or a slope"; fi
	done
}
