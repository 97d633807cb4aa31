# fd exhaustion under --nofile 1024: exact breaking point from the exit-stop.
. "$(dirname "$0")/lib.sh"
"$BRINK" exec --quiet --no-progress --nofile 1024 --interval 1ms --out "$TMP/r" -- fd-exhaust
rc=$?
expect_eq "exit status" "$rc" 0
s="$TMP/r/summary.csv"
expect_eq outcome "$(field "$s" outcome)" exited
expect_eq exit_code "$(field "$s" exit_code)" 3
expect_eq peak_fds "$(field "$s" peak_fds)" 1024
expect_eq fd_limit "$(field "$s" fd_limit)" 1024
expect_eq fd_baseline "$(field "$s" fd_baseline)" 3
expect_eq fd_exhausted "$(field "$s" fd_exhausted)" 1
expect_eq limit_hit "$(field "$s" limit_hit)" nofile
grep -qx "Error at file 1021: Too many open files" "$TMP/r/fd-exhaust/1/stdout.log" &&
  ok "program printed Error at file 1021" || fail "stdout: $(cat "$TMP/r/fd-exhaust/1/stdout.log")"
grep -q ',exit-state,1024,' "$TMP/r/fd-exhaust/1/events.csv" &&
  ok "exit-state event with 1024 fds" || fail "no exit-state 1024 in events.csv"
# The fixed twin does the same opens and closes each one.
"$BRINK" exec --quiet --no-progress --nofile 1024 --interval 1ms --out "$TMP/f" -- fd-exhaust --fixed
s="$TMP/f/summary.csv"
expect_eq "fixed outcome" "$(field "$s" outcome)" exited
expect_eq "fixed exit_code" "$(field "$s" exit_code)" 0
expect_eq "fixed fd_exhausted" "$(field "$s" fd_exhausted)" 0
[ "$(field "$s" peak_fds)" -le 4 ] && ok "fixed peak_fds <= 4" || fail "fixed peak_fds $(field "$s" peak_fds)"
finish
