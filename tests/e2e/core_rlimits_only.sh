# Without cgroups (--no-cgroup): rlimits still apply, the fd breaking point is still
# exact, and the results say which measurements were not available.
. "$(dirname "$0")/lib.sh"
"$BRINK" exec --quiet --no-progress --no-cgroup --nofile 512 --memory 64M --pids 16 \
  --out "$TMP/r" -- fd-exhaust 2>"$TMP/err"
expect_eq "exit status" "$?" 0
grep -q "warning: no memory limit: cgroups disabled by --no-cgroup" "$TMP/err" &&
  ok "said once that the memory limit was dropped" || fail "stderr: $(cat "$TMP/err")"
[ "$(grep -c 'warning: no memory limit' "$TMP/err")" -eq 1 ] && ok "said once" || fail "said more than once"
s="$TMP/r/summary.csv"
expect_eq peak_fds "$(field "$s" peak_fds)" 512
expect_eq fd_exhausted "$(field "$s" fd_exhausted)" 1
expect_eq peak_mem_bytes "$(field "$s" peak_mem_bytes)" ""
expect_eq mem_limit_bytes "$(field "$s" mem_limit_bytes)" ""
# no run cgroup: nothing for the kernel-side watcher to filter on either
expect_eq unavailable "$(field "$s" unavailable)" "mem;oom;pids;procs;syscalls"
grep -q "^cgroup_memory = unavailable: cgroups disabled" "$TMP/r/run.ini" &&
  ok "run.ini records the missing controller" || fail "run.ini: no cgroup_memory line"
finish
