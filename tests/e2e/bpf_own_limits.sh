# What the kernel's record of a failing call says beyond the call: the failing
# process's own rlimits then (a limit it lowered itself, in a process too
# short-lived for any sample), its threads, its stack when its main thread has
# gone, and failures and OOM kills in a group the program made below its run's.
# Each checked against what the program itself printed or did.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"

# 1. A child moved into a group below the run's (v1: memory and pids), where it
# lowers its nofile to 32, hits EMFILE once, then is OOM-killed under the run's
# memory limit (hierarchical): both are the run's. v1 counts the kill in the
# nested group only; the tracepoint saw it.
run nested --memory 64M -- "$F" nested-oom
if grep -q "failcall: cannot make\|failcall: no cgroup" "$(dirname "$OUT")/stderr.log"; then
	skip "no nested group here: $(cat "$(dirname "$OUT")/stderr.log")"
fi
grep -q '^nested=' "$OUT" && ok "nested: the child was moved to $(kv "$OUT" nested)" ||
	fail "nested: the program made no nested group: $(cat "$(dirname "$OUT")/stderr.log")"
expect_eq "nested: the child died of SIGKILL" "$(kv "$OUT" child_signal)" 9
expect_eq "nested: the child got EMFILE" "$(kv "$OUT" err)" EMFILE
expect_eq "nested: emfile_count (the child's one EMFILE)" "$(field "$S" emfile_count)" 1
expect_eq "nested: first_failure_pid" "$(field "$S" first_failure_pid)" "$(kv "$OUT" child)"
expect_eq "nested: oom_victim_pid" "$(field "$S" oom_victim_pid)" "$(kv "$OUT" child)"
[ "$(field "$S" oom_kills)" -ge 1 ] 2>/dev/null && ok "nested: oom_kills $(field "$S" oom_kills) >= 1" ||
	fail "nested: oom_kills '$(field "$S" oom_kills)'"
expect_eq "nested: limit_hit" "$(field "$S" limit_hit)" memory
expect_eq "nested: outcome (the parent lived)" "$(field "$S" outcome)" exited
# and the child's own nofile limit is the run's lowest
expect_eq "nested: fd_limit" "$(field "$S" fd_limit)" 32

# 2. A child lowers its nofile to 20, hits EMFILE and exits at once, between two
# samples (1 s apart): its limit is the lowest a process of the run had.
INTERVAL=1s run quick-child --nofile 256 -- "$F" quick-child-nofile
check_failure quick-child openat EMFILE
expect_eq "quick-child: fd_limit (the child's)" "$(field "$S" fd_limit)" "$(kv "$OUT" limit)"
expect_eq "quick-child: limit_hit" "$(field "$S" limit_hit)" nofile

# 3. A second thread hits EMFILE and ends between two samples: the threads the
# kernel counted at the failure are part of the peak, as its fds are.
INTERVAL=1s run quick-thread --nofile 64 -- "$F" quick-thread-emfile
check_failure quick-thread openat EMFILE
expect_eq "quick-thread: peak_threads" "$(field "$S" peak_threads)" "$(kv "$OUT" threads)"
# the breaking point's method is the fd-exhausted event's
m=$(awk -F, '$2 == "fd-exhausted" { print $4; exit }' "$EV")
expect_eq "quick-thread: limit_method = the fd-exhausted event's ($m)" "$(field "$S" limit_method)" tracepoint
expect_eq "quick-thread: fd-exhausted event's method" "$m" tracepoint

# 4. The main thread calls pthread_exit; the other fails and lives on 0.5 s: the
# process is alive, so its stack is symbolised (through the thread's /proc entry).
run main-exit --nofile 64 -- "$F" main-exit-emfile
check_failure main-exit openat EMFILE
grep -q ",first-failure,$(kv "$OUT" pid),openat EMFILE pid=$(kv "$OUT" pid) tid=$(kv "$OUT" tid) " "$EV" &&
	ok "main-exit: the failing thread $(kv "$OUT" tid)" || fail "main-exit: $(grep first-failure "$EV")"
st=$(sed -n 's/.*,first-failure,.* stack=//p' "$EV")
echo "${st%% *}" | grep -Eq '^[A-Za-z_][A-Za-z0-9_.@]*\+0x[0-9a-f]+$' &&
	ok "main-exit: first frame symbolised (${st%% *})" || fail "main-exit: stack '$st'"

# 5. Limits the program lowered itself: RLIMIT_AS before mmap, RLIMIT_DATA
# before sbrk. No sampled series shows an address space: the leak says why.
run self-as -- "$F" self-as
check_failure self-as mmap ENOMEM
expect_eq "self-as: limit_hit" "$(field "$S" limit_hit)" as
expect_eq "self-as: leak" "$(field "$S" leak)" yes
expect_eq "self-as: leak_metrics" "$(field "$S" leak_metrics)" ""
field "$S" leak_reason | grep -q RLIMIT_AS && ok "self-as: leak_reason '$(field "$S" leak_reason)'" ||
	fail "self-as: leak_reason '$(field "$S" leak_reason)'"
run self-data -- "$F" self-data
check_failure self-data brk ENOMEM
expect_eq "self-data: limit_hit" "$(field "$S" limit_hit)" data

# 6. A fork bomb as nobody under --nproc 5 (root is exempt from RLIMIT_NPROC):
# fork fails with EAGAIN, no pids limit refused it: nproc.
if id -u nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	run nproc --user nobody --nproc 5 -- "$F" fork-bomb
	check_failure nproc 'clone3?|fork' EAGAIN
	expect_eq "nproc: pids_limit_hits" "$(field "$S" pids_limit_hits)" 0
	expect_eq "nproc: limit_hit" "$(field "$S" limit_hit)" nproc
	expect_eq "nproc: limit_method" "$(field "$S" limit_method)" tracepoint
	# the same bomb under a pids limit as root: pids, not nproc
	run pids --pids 8 -- "$F" fork-bomb
	check_failure pids 'clone3?|fork' EAGAIN
	expect_eq "pids: limit_hit" "$(field "$S" limit_hit)" pids
else
	echo "# nproc: needs root and a user nobody"
fi
finish
