# The process list of a run kept from the kernel's fork and exit records: a
# program whose processes come and go faster than the samples (tests/progs/
# proc-churn.c: hundreds of processes living under a millisecond, holders alive
# together for 250 ms per phase) sampled at 50 ms. The forks, exits and threads
# the kernel counted are those the program made; every phase's processes and fds
# are in a sample; and with the records followed, the group was listed far fewer
# times than its list changed: the list at most samples came from the records
# alone. The same run with the group listed at each sample (BRINK_PROC_LIST=cgroup)
# and without BPF (BRINK_BPF=off) sees the same processes.
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

churn off BRINK_BPF=off
phases_seen off
[ -z "$(forks_event)" ] && ok "off: no forks event" || fail "off: $(forks_event)"

finish
