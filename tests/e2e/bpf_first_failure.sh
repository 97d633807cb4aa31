# The first failing system call of a run, from the kernel (eBPF): for each shape of
# tests/shapes/failcall.c (and bash numbering its fds from 10), the syscall, errno,
# pid and time brink reports are those the program itself logs; then the fallback
# when BPF is switched off. Skips when this brink or machine cannot load BPF.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"

# 1. A program that survives EMFILE (an accept loop): exits 0 with 3 fds.
run emfile --nofile 256 -- "$F" survive-emfile
check_failure emfile openat EMFILE
expect_eq "emfile: exit code" "$(field "$S" exit_code)" 0
expect_eq "emfile: fd_exhausted" "$(field "$S" fd_exhausted)" 1
expect_eq "emfile: limit_hit" "$(field "$S" limit_hit)" nofile
expect_eq "emfile: emfile_count" "$(field "$S" emfile_count)" 1
# fds at the failure: what it opened plus stdin/stdout/stderr = the limit
grep -q "openat EMFILE .* fds=256 " "$EV" && ok "emfile: 256 fds at the failure" ||
	fail "emfile: fds at the failure: $(grep first-failure "$EV")"
# the kernel's count at the failure is a measurement: the peak, and the
# fd-exhausted event is at the failure (the program closed them all and lingered)
expect_eq "emfile: peak_fds = opened + 3" "$(field "$S" peak_fds)" $(($(kv "$OUT" n) + 3))
ex=$(awk -F, '$2 == "fd-exhausted" { print $1 "," $3; exit }' "$EV")
expect_eq "emfile: fd-exhausted value" "${ex#*,}" $(($(kv "$OUT" n) + 3))
within "emfile: fd-exhausted time" "${ex%%,*}" "$(kv "$OUT" before_s)" \
	"$(awk -v a="$(kv "$OUT" after_s)" -v l=$LAUNCH 'BEGIN { printf "%.6f", a + l }')"
# it held its 256 fds for 0.5 s, long enough for samples to see them too: the
# breaking point's method is still the one the event shows, the kernel's record
m=$(awk -F, '$2 == "fd-exhausted" { print $4; exit }' "$EV")
expect_eq "emfile: the fd-exhausted event's method" "$m" tracepoint
expect_eq "emfile: limit_method" "$(field "$S" limit_method)" "$m"

# 2. A child that lowers its own nofile limit to 64 and exhausts it; the parent lives.
run child-nofile -- "$F" child-nofile
check_failure child-nofile openat EMFILE
expect_eq "child-nofile: the failing pid is the child" "$(kv "$OUT" pid)" "$(kv "$OUT" child)"
expect_eq "child-nofile: fd_exhausted" "$(field "$S" fd_exhausted)" 1
grep -q "openat EMFILE .* fds=64 " "$EV" && ok "child-nofile: 64 fds at the failure" ||
	fail "child-nofile: fds at the failure: $(grep first-failure "$EV")"

# 3. bash numbers its fds from 10: exec {fd}<>/dev/null until it fails. bash opens
# the file, then moves it above 9 with fcntl(F_DUPFD): that is the call that fails.
run bash-fd10 -- bash -c 'ulimit -n 64; echo pid=$$; while exec {fd}<>/dev/null; do :; done'
expect_eq "bash-fd10: pid" "$(field "$S" first_failure_pid)" "$(kv "$OUT" pid)"
expect_eq "bash-fd10: syscall" "$(field "$S" first_failure_syscall)" fcntl
expect_eq "bash-fd10: errno" "$(field "$S" first_failure_errno)" EMFILE
expect_eq "bash-fd10: fd_exhausted" "$(field "$S" fd_exhausted)" 1
grep -q "Too many open files" "$TMP/bash-fd10"/*/1/stderr.log && ok "bash-fd10: bash said so" ||
	fail "bash-fd10: bash did not report EMFILE"

# 4. A thread bomb under --pids 40.
run threads --pids 40 -- "$F" thread-bomb
check_failure threads 'clone3?' EAGAIN
expect_eq "threads: limit_hit" "$(field "$S" limit_hit)" pids
[ "$(field "$S" eagain_fork_count)" -ge 1 ] 2>/dev/null && ok "threads: eagain_fork_count >= 1" ||
	fail "threads: eagain_fork_count '$(field "$S" eagain_fork_count)'"
# threads at the failure: the main one and the n the program made
grep -q "EAGAIN .* threads=$(($(kv "$OUT" n) + 1)) " "$EV" &&
	ok "threads: $(($(kv "$OUT" n) + 1)) threads at the failure" ||
	fail "threads: at the failure: $(grep first-failure "$EV"), program made $(kv "$OUT" n)"

# 5. An --as limit hit by mmap.
run as --as 128M -- "$F" mmap-as
check_failure as mmap ENOMEM
expect_eq "as: limit_hit" "$(field "$S" limit_hit)" as
expect_eq "as: enomem_count" "$(field "$S" enomem_count)" 1

# 6. A child OOM-killed while its parent lives: the victim is the child, the run
# exited (the parent is not blamed), at a time between the child's start of
# allocating and the parent seeing it die.
run oom --memory 32M -- "$F" child-oom
expect_eq "oom: the child died of SIGKILL" "$(kv "$OUT" child_signal)" 9
expect_eq "oom: oom_victim_pid" "$(field "$S" oom_victim_pid)" "$(kv "$OUT" child)"
expect_eq "oom: outcome" "$(field "$S" outcome)" exited
expect_eq "oom: exit_code" "$(field "$S" exit_code)" 0
expect_eq "oom: limit_hit" "$(field "$S" limit_hit)" memory
t=$(awk -F, '$2 == "oom-victim" { print $1; exit }' "$EV")
within "oom: oom-victim time" "$t" "$(kv "$OUT" before_s)" \
	"$(awk -v a="$(kv "$OUT" parent_after_s)" -v l=$LAUNCH 'BEGIN { printf "%.6f", a + l }')"

# 7. Forced off: said once, recorded, the breaking point from sampling and exit stop.
for how in env flag; do
	if [ $how = env ]; then
		BRINK_BPF=off run off-$how --nofile 256 -- "$F" survive-emfile
		want="BRINK_BPF=off"
	else
		run off-$how --no-bpf --nofile 256 -- "$F" survive-emfile
		want="--no-bpf"
	fi
	n=$(grep -c "failing system calls not watched: switched off ($want)" "$TMP/off-$how.err")
	expect_eq "off ($how): said once" "$n" 1
	field "$S" unavailable | grep -Eq '(^|;)syscalls(;|$)' && ok "off ($how): unavailable has syscalls" ||
		fail "off ($how): unavailable '$(field "$S" unavailable)'"
	expect_eq "off ($how): no first failure" "$(field "$S" first_failure_syscall)" ""
	expect_eq "off ($how): no count" "$(field "$S" emfile_count)" ""
	grep -q first-failure "$EV" && fail "off ($how): a first-failure event" || ok "off ($how): no event"
done
finish
