# bpf_judge: judging what only the kernel's syscall watch (eBPF) sees. A program
# that needs exactly its nofile fills its table and fails nothing: no breaking
# point with the watch, in a run and in a search alike, and a search --from runs
# made without the watch does not reuse them. compare between a side with the
# watch and one without says so and judges neither way what only the watch sees;
# a first failing call that appears is a regression. fd_limit is the limit of the
# process that got EMFILE, not of an idle helper with a lower one. OOM: the
# oom-kill events in order, each at its own time; a victim in a nested group with
# its own limit gives oom_onset_s. Every expected value comes from what the
# program prints (tests/shapes/failcall.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"
cd "$TMP"

# 1. need-64 under nofile 64: holds 64 fds, no open failed
run full --nofile 64 -- "$F" need-64
expect_eq "need-64: fds it held" "$(kv "$OUT" held)" 64
expect_eq "need-64: opens that failed" "$(kv "$OUT" failed)" 0
expect_eq "need-64 watched: limit_hit (no call failed)" "$(field "$S" limit_hit)" ""
expect_eq "need-64 watched: fd_exhausted" "$(field "$S" fd_exhausted)" 0
expect_eq "need-64 watched: emfile_count" "$(field "$S" emfile_count)" "$(kv "$OUT" failed)"
# without the watch a count at the limit is all there is: taken as a hit
run fullnb --no-bpf --nofile 64 -- "$F" need-64
expect_eq "need-64 unwatched: limit_hit" "$(field "$S" limit_hit)" nofile

# 2. search: the program needs 64 fds, so with the watch 64 completes; without
# it 64 counts as a hit and the answer is 65. --from the unwatched search does
# not reuse its runs for a watched one.
answer() { sed -n 's/.*completes with nofile = \([0-9]*\).*/\1/p' "$1" | head -n 1; }
search() { # NAME OPTIONS...
	local name=$1
	shift
	"$BRINK" search nofile 48..80 --quiet --no-progress --no-plots --out "$TMP/$name" "$@" \
		-- "$F" need-64 >"$TMP/$name.log" 2>&1 || fail "search $name: $(cat "$TMP/$name.log")"
}
search snb --no-bpf
expect_eq "search without the watch: answer (64 needed, the full table a hit)" "$(answer snb.log)" 65
search sw
expect_eq "search with the watch: answer (64 needed)" "$(answer sw.log)" 64
row64=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "limit_hit") h = i; if ($i == "sweep.nofile") v = i }; next }
	$v == 64 { print "[" $h "]"; exit }' sw/summary.csv)
expect_eq "search with the watch: its run at 64 has no breaking point" "$row64" "[]"
search sfrom --from "$TMP/snb"
expect_eq "search --from an unwatched one: answer" "$(answer sfrom.log)" 64
grep -q "ignored, not run like this search (.*syscall watch differs" sfrom.log &&
	ok "--from: unwatched runs named as ignored" || fail "--from: $(cat sfrom.log)"

# 3. compare between a side with the watch and one without: survive-emfile
# under nofile 64 meets EMFILE and goes on
run sn --nofile 64 -- "$F" survive-emfile
expect_eq "survive-emfile: errno it saw" "$(kv "$OUT" err)" EMFILE
run sb --no-bpf --nofile 64 -- "$F" survive-emfile
"$BRINK" compare sn sb >c_nb.out 2>&1
expect_eq "compare watched BASE, unwatched NEW: status" "$?" 1
grep -q "^Missing in NEW: failcall: the syscall watch" c_nb.out &&
	ok "the watch BASE had is missing in NEW" || fail "compare sn sb: $(cat c_nb.out)"
grep -q "improved" <(grep breaking_point c_nb.out) && fail "a break only the watch sees 'improved': $(cat c_nb.out)" ||
	ok "no improvement claimed of what NEW could not see"
grep -q "^Measured differently: failcall: BASE with the syscall watch, NEW without it" c_nb.out &&
	ok "says the sides were measured differently" || fail "compare sn sb: $(cat c_nb.out)"
"$BRINK" compare sb sn >c_bn.out 2>&1
grep -E "^failcall +breaking_point" c_bn.out | grep -q REGRESSED &&
	fail "nofile 'appears' where BASE could not see it: $(cat c_bn.out)" || ok "no break claimed to appear"
grep -q "^Measured differently: failcall: BASE without the syscall watch, NEW with it" c_bn.out &&
	ok "says so the other way round" || fail "compare sb sn: $(cat c_bn.out)"

# 4. a first failure that appears: need-64 under the default nofile fails
# nothing; huge-mmap has one mmap refused (ENOMEM), no limit reached
run okrun -- "$F" need-64
expect_eq "need-64, default nofile: opens that failed" "$(kv "$OUT" failed)" 0
run mm -- "$F" huge-mmap
expect_eq "huge-mmap: errno it saw" "$(kv "$OUT" err)" ENOMEM
expect_eq "huge-mmap: no limit reached" "$(field "$S" limit_hit)" ""
"$BRINK" compare okrun mm >c_ff.out 2>&1
expect_eq "compare: a first failure appears: status" "$?" 1
grep -Eq "^failcall +first_failure .*REGRESSED +mmap ENOMEM appears" c_ff.out &&
	ok "first_failure regressed" || fail "compare okrun mm: $(cat c_ff.out)"
grep -q "^Regressed: .*first_failure" c_ff.out && ok "named on the verdict line" || fail "verdict: $(tail -n 2 c_ff.out)"
"$BRINK" compare mm okrun >c_ff2.out 2>&1
grep -Eq "^failcall +first_failure .*improved" c_ff2.out && ok "the other way: improved" || fail "compare mm okrun: $(cat c_ff2.out)"

# 5. fd_limit: an idle helper lowers its own nofile to 10; the main process
# meets EMFILE under its own limit
INTERVAL=5ms run low --nofile 64 -- "$F" low-helper
expect_eq "low-helper: main's errno" "$(kv "$OUT" err)" EMFILE
expect_eq "fd_limit: the failing process's limit (it printed)" "$(field "$S" fd_limit)" "$(kv "$OUT" limit)"
grep -q ",first-failure,$(kv "$OUT" pid)," "$EV" && ok "the failure is the main process's" || fail "first-failure: $(grep first-failure "$EV")"

# 6. three children OOM-killed one after another under --memory 32M: an
# oom-kill event per kill the program saw, values 1, 2, 3 in time order
run oom3 --memory 32M -- sh -c "for i in 1 2 3; do \"$F\" child-oom; done"
killed=$(grep -c '^child_signal=9$' "$OUT")
expect_eq "oom3: children killed by SIGKILL (program)" "$killed" 3
evs=$(awk -F, '$2 == "oom-kill" { printf "%s ", $3 }' "$EV")
sorted=$(awk -F, '$2 == "oom-kill" { print $1 "," $3 }' "$EV" | sort -t, -k1,1g | cut -d, -f2 | tr '\n' ' ')
expect_eq "oom-kill events in time order" "$evs" "$sorted"
last=$(awk -F, '$2 == "oom-kill" { v = $3 } END { print v }' "$EV")
expect_eq "the last oom-kill event's value" "$last" "$killed"
awk -F, '$2 == "oom-kill" { if ($3 + 0 <= p) bad = 1; p = $3 } END { exit bad }' "$EV" &&
	ok "oom-kill values rise with time" || fail "oom-kill events: $(grep oom-kill "$EV")"

# 7. a child OOM-killed in a nested memory group with its own limit (v1: the
# kill is counted there, no notification comes for the run's group)
if [ -d /sys/fs/cgroup/memory ] && grep -q '^cgroup_memory = v1' "$TMP/full/run.ini"; then
	cat >jail.sh <<EOF
m=/sys/fs/cgroup/memory\$(grep ':memory:' /proc/self/cgroup | cut -d: -f3)/jail
mkdir "\$m" && echo 16M >"\$m/memory.limit_in_bytes" || exit 3
sh -c "echo \\\$\\\$ >\$m/cgroup.procs && exec \"$F\" child-oom"
rmdir "\$m"
EOF
	run jail -- sh "$TMP/jail.sh"
	expect_eq "jail: child killed by SIGKILL (program)" "$(kv "$OUT" child_signal)" 9
	expect_eq "jail: limit_hit" "$(field "$S" limit_hit)" memory
	b=$(kv "$OUT" before_s)
	a=$(awk -v a="$(kv "$OUT" parent_after_s)" -v l=$LAUNCH 'BEGIN { printf "%.6f", a + l }')
	within "jail: oom_onset_s (the victim's time)" "$(field "$S" oom_onset_s)" "$b" "$a"
else
	skip_part "nested-oom-onset" "no v1 memory hierarchy here"
fi
finish
