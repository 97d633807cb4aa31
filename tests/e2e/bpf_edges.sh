# The failing system call in the shapes that hide it: a brk that fails by not
# moving the break, an i386 call from a 64-bit program, a process that exits
# right after failing, a program that survives EMFILE (fd counts), BRINK_BPF's
# values. Each checked against what the program itself printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"

# 1. A --data limit hit by brk (sbrk): brk(2) returns the old break, no error
# code; the program sees ENOMEM from sbrk.
run brk --data 16M -- "$F" brk-data
check_failure brk brk ENOMEM
expect_eq "brk: limit_hit" "$(field "$S" limit_hit)" data
expect_eq "brk: enomem_count" "$(field "$S" enomem_count)" 1

# 2. i386 system calls (int $0x80) from a 64-bit program: dup is i386's 41
# (x86-64's socket), named and counted as dup, with fexit and with the tracepoint.
if "$F" compat-dup >/dev/null 2>"$TMP/compat.err" || [ $? != 77 ]; then
	for how in on tracepoint; do
		BRINK_BPF=$how run compat-$how --nofile 64 -- "$F" compat-dup
		check_failure compat-$how dup EMFILE
		expect_eq "compat-$how: emfile_count" "$(field "$S" emfile_count)" 1
		grep -q "dup EMFILE .* abi=i386" "$EV" && ok "compat-$how: marked i386" ||
			fail "compat-$how: $(grep first-failure "$EV")"
	done
else
	echo "# compat: $(cat "$TMP/compat.err")"
fi

# 3. A process that exits right after failing, with text on its stack: the stack
# shown holds symbols or user addresses only (below 1 << 47), never the text.
run exit-emfile --nofile 64 -- "$F" exit-emfile
check_failure exit-emfile openat EMFILE
st=$(sed -n 's/.*,first-failure,.* stack=//p' "$EV")
bad=$(echo "$st" | tr ' ' '\n' | grep -v -e '^<-$' -e '^$' |
	awk '/^0x/ { if (length($0) > 14) print; next } !/\+0x[0-9a-f]+$/ { print }')
expect_eq "exit-emfile: frames that are no user address or symbol (stack '$st')" "$bad" ""

# 5. BPF off, a child OOM-killed under a shell: the victim from the kernel log,
# in oom_victim_pid too, and the event says where it came from.
BRINK_BPF=off run oom-off --memory 32M -- bash -c "\"$F\" child-oom; exit 0"
expect_eq "oom-off: the child died of SIGKILL" "$(kv "$OUT" child_signal)" 9
if field "$S" unavailable | grep -Eq '(^|;)oom-victim(;|$)'; then
	echo "# oom-off: the kernel log cannot be read here: no victim to check"
else
	expect_eq "oom-off: oom_victim_pid" "$(field "$S" oom_victim_pid)" "$(kv "$OUT" child)"
	grep -q ",oom-victim,$(kv "$OUT" child),.*source=kernel-log" "$EV" &&
		ok "oom-off: event from the kernel log" || fail "oom-off: $(grep oom-victim "$EV")"
fi
# and with the tracepoint, the event says so
run oom-on --memory 32M -- "$F" child-oom
grep -q ",oom-victim,$(kv "$OUT" child),.*source=tracepoint" "$EV" &&
	ok "oom-on: event from the tracepoint" || fail "oom-on: $(grep oom-victim "$EV")"

# 6. BRINK_BPF: 0 is off (said so), an unknown value is refused before any run.
BRINK_BPF=0 run env-0 -- /bin/true
grep -q "not watched: switched off (BRINK_BPF=0)" "$TMP/env-0.err" && ok "BRINK_BPF=0: off" ||
	fail "BRINK_BPF=0: $(cat "$TMP/env-0.err")"
rc=0
BRINK_BPF=maybe "$BRINK" exec --quiet --no-progress --out "$TMP/env-bad" -- /bin/true \
	2>"$TMP/env-bad.err" || rc=$?
expect_eq "BRINK_BPF=maybe: exit code" "$rc" 2
grep -q "BRINK_BPF=maybe" "$TMP/env-bad.err" && ok "BRINK_BPF=maybe: named" ||
	fail "BRINK_BPF=maybe: $(cat "$TMP/env-bad.err")"
[ ! -e "$TMP/env-bad" ] && ok "BRINK_BPF=maybe: nothing run" || fail "BRINK_BPF=maybe: ran"

# 8 (before 7). The plot of a thread bomb under --pids: "pids max" and "first EAGAIN" fall at
# about the same time; their labels are at different heights.
"$BRINK" exec --quiet --no-progress --interval 10ms --pids 40 --out "$TMP/plot" -- "$F" thread-bomb \
	>/dev/null 2>"$TMP/plot.err" || fail "plot: brink exited $?: $(cat "$TMP/plot.err")"
gp=$(ls "$TMP"/plot/plots/data/failcall.gp 2>/dev/null)
if [ -z "$gp" ]; then
	echo "# plot: no plots drawn here: $(cat "$TMP/plot.err")"
else
	ya=$(sed -n "s/^set label 'pids max' at first [^,]*, graph \([0-9.]*\) .*/\1/p" "$gp" | head -n 1)
	yb=$(sed -n "s/^set label 'first EAGAIN' at first [^,]*, graph \([0-9.]*\) .*/\1/p" "$gp" | head -n 1)
	[ -n "$ya" ] && [ -n "$yb" ] && [ "$ya" != "$yb" ] && ok "plot: labels at $ya and $yb" ||
		fail "plot: pids max at '$ya', first EAGAIN at '$yb' in $gp"
fi

# 7. Every events.csv above is in time order (the kernel's first failure, known
# as it happened, comes before an exit state read later).
for ev in "$TMP"/*/*/1/events.csv; do
	bad=$(awk -F, 'NR > 1 && $1 + 0 < last { print NR ": " $0; exit } NR > 1 { last = $1 + 0 }' "$ev")
	expect_eq "time order of $(basename "$(dirname "$(dirname "$(dirname "$ev")")")")" "$bad" ""
done

finish
