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
# Several processes under one nofile limit: peak_fds sums them, the limit is each
# one's. fd-tree 3 5 400: four processes hold 8, 13, 18 and 23 fds (5, 10, 15, 20
# opened, plus stdin, stdout, stderr) together under --nofile 32, none at its limit
# but their sum above it. The report says the sum is a sum and the limit per
# process, not "62 / 32".
"$BRINK" exec --quiet --no-progress --no-plots --nofile 32 --interval 5ms --out "$TMP/tree" \
  -- "$BRINK_PROG_DIR/fd-tree" 3 5 400 >/dev/null
expect_eq "fd-tree: exit status" "$?" 0
sum=$(awk '$1 == "fds" { s += $3 } END { print s + 0 }' "$TMP"/tree/fd-tree/1/stdout.log)
[ "$sum" -gt 32 ] || fail "fd-tree: its processes held $sum fds together, not above 32: the test proves nothing"
cellv=$(grep '^| fd-tree |' "$TMP/tree/report.md" | awk -F' [|] ' '{ print $9 }')
n=${cellv%% *}
case "$cellv" in
  *" (sum) / 32 per process") [ "$n" -ge "$sum" ] && ok "fd-tree: report cell '$cellv' (the processes held $sum)" ||
    fail "fd-tree: report cell '$cellv' below the $sum the processes held" ;;
  *) fail "fd-tree: report cell '$cellv' does not say sum and per-process limit" ;;
esac
finish
