# The process list of a run kept from the kernel's fork and exit records: a
# program whose processes come and go faster than the samples (tests/progs/
# proc-churn.c: hundreds of processes living under a millisecond, holders alive
# together for 250 ms per phase) sampled at 50 ms. The forks, exits and threads
# the kernel counted are those the program made; every phase's processes and fds
# are in a sample; and with the records followed, the group was listed far fewer
# times than its list changed: the list at most samples came from the records
# alone. The same run with the group listed at each sample (BRINK_PROC_LIST=cgroup)
# and without BPF (BRINK_BPF=off) sees the same processes. A child moved into a
# nested group and back is followed too (no fork or exit marks a move).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"
P=$BRINK_BUILD_DIR/progs/proc-churn
[ -x "$P" ] || skip "no $P (built with the tests)"
PHASES=6

churn() { # NAME [ENV=VALUE...]
	local name=$1
	shift
	env "$@" "$BRINK" exec --quiet --no-progress --no-plots --interval 50ms \
		--out "$TMP/$name" -- "$P" $PHASES 250 40 >/dev/null 2>"$TMP/$name.err" ||
		fail "$name: brink exited $?: $(cat "$TMP/$name.err")"
	S=$TMP/$name/summary.csv
	OUT=$(ls "$TMP/$name"/*/1/stdout.log)
	EV=$(ls "$TMP/$name"/*/1/events.csv)
	SAM=$(ls "$TMP/$name"/*/1/samples.csv)
}

# every phase's processes and fds, as the program counted them, in some sample
phases_seen() { # NAME
	local line k f
	for p in $(seq $PHASES); do
		line=$(grep "^phase=$p " "$OUT")
		k=$(echo "$line" | sed 's/.* procs=\([0-9]*\).*/\1/')
		f=$(echo "$line" | sed 's/.* fds=\([0-9]*\).*/\1/')
		if awk -F, -v k="$k" -v f="$f" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["procs"] == k && $c["fds"] == f { found = 1 } END { exit !found }' "$SAM"; then
			ok "$1: phase $p: a sample with $k processes holding $f fds"
		else
			fail "$1: phase $p: no sample with $k processes holding $f fds: $(cut -d, -f4,6 "$SAM" | sort -u | tr '\n' ' ')"
		fi
	done
	# and no sample with more: no process that ended is kept in the list
	expect_eq "$1: most processes in a sample" \
		"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["procs"] > m { m = $c["procs"] } END { print m }' "$SAM")" $((PHASES + 1))
}

# forks VALUE DETAIL of the run's forks event
forks_event() { awk -F, '$2 == "forks" { print $3 " " $4 }' "$EV"; }
detail() { forks_event | tr ' ' '\n' | sed -n "s/^$1=//p"; }

for how in events cgroup; do
	churn $how BRINK_PROC_LIST=$how
	expect_eq "$how: exit code" "$(field "$S" exit_code)" 0
	phases_seen $how
	expect_eq "$how: forks the kernel counted" "$(forks_event | cut -d' ' -f1)" "$(kv "$OUT" forks)"
	# the program's processes and its own: each ended once
	expect_eq "$how: exits" "$(detail exits)" $(($(kv "$OUT" forks) + 1))
	expect_eq "$how: threads" "$(detail threads)" "$(kv "$OUT" threads)"
	expect_eq "$how: lost" "$(detail lost)" 0
	expect_eq "$how: list" "$(detail list)" $how
	if [ $how = events ]; then
		# Followed: listed at the start and once a second (the safety net),
		# while the list changed more than twice per phase.
		lists=$(detail lists)
		dur=$(field "$S" duration_s)
		max=$(awk -v d="$dur" 'BEGIN { printf "%d", d + 2 }')
		[ "$lists" -le "$max" ] && [ "$lists" -lt "$PHASES" ] &&
			ok "events: $lists lists of the group in ${dur}s, $(kv "$OUT" changes) changes" ||
			fail "events: $lists lists of the group in ${dur}s (want at most $max, fewer than $PHASES)"
	fi
done

# Moves: a child written into a nested group of the run's own and back (tests/
# progs/nest-move.sh) makes no fork and no exit. From the program's own clock:
# while it is out, the run has 1 process; once back, 2, at every sample (the
# once-a-second list alone would leave up to a second of samples wrong).
# brink's clock runs ahead of the program's by the launch (at most LAUNCH).
M=$BRINK_SOURCE_DIR/tests/progs/nest-move.sh
# procs_between WHAT FROM TO WANT WHILE: every sample of brink's (at least 3) from
# the program's FROM= time (plus the launch and 0.1 s) to its TO= time, on the
# program's clock (from its start=), has WANT processes. OUT: its stdout; SAM: the
# run's samples.csv.
procs_between() {
	local st lo hi w
	st=$(kv "$OUT" start)
	lo=$(awk -v a="$(kv "$OUT" "$2")" -v s="$st" -v l=$LAUNCH 'BEGIN { printf "%.3f", a - s + l + 0.1 }')
	hi=$(awk -v a="$(kv "$OUT" "$3")" -v s="$st" 'BEGIN { printf "%.3f", a - s }')
	w=$(awk -F, -v lo="$lo" -v hi="$hi" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["t_s"] >= lo && $c["t_s"] < hi { n++; v[$c["procs"]] = 1 }
		END { s = ""; for (k in v) s = s (s == "" ? "" : ";") k; print n + 0 ":" s }' "$SAM")
	case $w in
	[3-9]:"$4" | [1-9][0-9]:"$4") ok "$1: $4 process(es) in the $w samples $5" ;;
	*) fail "$1: samples:procs $5 (${lo}s..${hi}s): $w, want $4" ;;
	esac
}
for how in events cgroup; do
	env BRINK_PROC_LIST=$how "$BRINK" exec --quiet --no-progress --no-plots --interval 50ms \
		--out "$TMP/move-$how" -- "$M" >/dev/null 2>"$TMP/move-$how.err" ||
		fail "move-$how: brink exited $?: $(cat "$TMP/move-$how.err")"
	OUT=$(ls "$TMP/move-$how"/*/1/stdout.log)
	SAM=$(ls "$TMP/move-$how"/*/1/samples.csv)
	EV=$(ls "$TMP/move-$how"/*/1/events.csv)
	procs_between "move-$how" out back 1 "while the child was out"
	procs_between "move-$how" back end 2 "once it was back"
	[ $how = events ] && expect_eq "move-events: moved_in" "$(detail moved_in)" 1
done

# A thread moved alone (nest-move.sh thread, v1: one thread of a two-thread child
# written into a nested group's tasks, then back): its process is still in the
# run by its other thread, so the run has 2 processes at every sample, the move
# out no process end and the move back no process start (the kernel's record of
# a thread moved alone sends brink to list the group again).
BRINK_PROC_LIST=events "$BRINK" exec --quiet --no-progress --no-plots --interval 50ms \
	--out "$TMP/thread-move" -- "$M" thread >/dev/null 2>"$TMP/thread-move.err"
rc=$?
OUT=$(ls "$TMP/thread-move"/*/1/stdout.log 2>/dev/null)
if [ -n "$OUT" ] && grep -q "no v1 memory hierarchy" "$TMP"/thread-move/*/1/stderr.log; then
	skip_part "thread moved alone" "no v1 memory cgroup here (threads move alone on v1 only)"
elif [ "$rc" -ne 0 ] || [ -z "$OUT" ]; then
	fail "thread-move: brink exited $rc: $(cat "$TMP/thread-move.err")"
else
	SAM=$(ls "$TMP/thread-move"/*/1/samples.csv)
	procs_between thread-move out back 2 "while one thread was out"
	procs_between thread-move back end 2 "once it was back"
fi

churn off BRINK_BPF=off
phases_seen off
[ -z "$(forks_event)" ] && ok "off: no forks event" || fail "off: $(forks_event)"

finish
