# The pids ceiling: threads until pthread_create fails under --pids 64.
. "$(dirname "$0")/lib.sh"
have_controller pids || skip "no usable pids cgroup controller here"
"$BRINK" exec --quiet --no-progress --pids 64 --interval 1ms --out "$TMP/r" -- thread-bomb --hold 200ms
expect_eq "exit status" "$?" 0
s="$TMP/r/summary.csv"
expect_eq peak_threads "$(field "$s" peak_threads)" 64
expect_eq pids_limit "$(field "$s" pids_limit)" 64
hits=$(field "$s" pids_limit_hits)
[ "${hits:-0}" -ge 1 ] && ok "pids_limit_hits $hits" || fail "pids_limit_hits '$hits'"
expect_eq limit_hit "$(field "$s" limit_hit)" pids
grep -qx "Error at thread 63: Resource temporarily unavailable" "$TMP/r/thread-bomb/1/stdout.log" &&
  ok "program printed Error at thread 63" || fail "stdout: $(cat "$TMP/r/thread-bomb/1/stdout.log")"
finish
