# OOM kill under --memory 64M, attributed from the kernel's counters.
. "$(dirname "$0")/lib.sh"
have_controller memory || skip "no usable memory cgroup controller here"
"$BRINK" exec --quiet --no-progress --memory 64M --interval 1ms --out "$TMP/r" -- mem-hog
expect_eq "exit status" "$?" 0
s="$TMP/r/summary.csv"
expect_eq outcome "$(field "$s" outcome)" oom-killed
expect_eq signal "$(field "$s" signal)" 9
expect_eq limit_hit "$(field "$s" limit_hit)" memory
expect_eq mem_limit_bytes "$(field "$s" mem_limit_bytes)" 67108864
kills=$(field "$s" oom_kills)
[ "${kills:-0}" -ge 1 ] && ok "oom_kills $kills" || fail "oom_kills '$kills'"
onset=$(field "$s" oom_onset_s)
[ -n "$onset" ] && ok "oom_onset_s $onset" || fail "no oom_onset_s"
peak=$(field "$s" peak_mem_bytes)
awk -v p="$peak" 'BEGIN { d = (p - 67108864) / 67108864; exit !(d > -0.05 && d < 0.05) }' &&
  ok "peak_mem_bytes $peak within 5% of 64 MiB" || fail "peak_mem_bytes $peak not within 5% of 64 MiB"
# A child OOM-killed while its parent lives on (tests/shapes/failcall.c child-oom):
# the report's notes name the victim, the pid the child printed, by name and source.
F=$BRINK_BUILD_DIR/tests/failcall
if [ -x "$F" ]; then
  "$BRINK" exec --quiet --no-progress --no-plots --memory 64M --out "$TMP/c" -- "$F" child-oom >/dev/null
  expect_eq "child-oom: exit status" "$?" 0
  kid=$(sed -n 's/^pid=//p' "$TMP"/c/failcall/1/stdout.log)
  [ -n "$kid" ] || fail "child-oom: the child printed no pid"
  row=$(grep '^| failcall |' "$TMP/c/report.md")
  echo "$row" | grep -qE "OOM victim: pid $kid \\(failcall, from the (tracepoint|kernel-log)\\)" &&
    ok "child-oom: report.md names the victim, pid $kid" || fail "child-oom: report.md row: $row"
  grep -qE "OOM victim: pid $kid \\(failcall" "$TMP/c/report.html" &&
    ok "child-oom: report.html names the victim" || fail "child-oom: report.html does not name pid $kid"
else
  fail "no $F (built with the tests)"
fi
# A SIGKILL from someone else is not an OOM kill.
"$BRINK" exec --quiet --no-progress --memory 64M --out "$TMP/k" -- sh -c 'kill -9 $$'
s="$TMP/k/summary.csv"
expect_eq "self-kill outcome" "$(field "$s" outcome)" signaled
expect_eq "self-kill oom_kills" "$(field "$s" oom_kills)" 0
# A limit too small to start the program: the kernel counts an OOM kill before its
# exec. No victim is named then, and `unavailable` says so.
"$BRINK" exec --quiet --no-progress --no-plots --memory 4K --out "$TMP/t" -- /bin/true >/dev/null 2>&1
s="$TMP/t/summary.csv"
expect_eq "4K: outcome" "$(field "$s" outcome)" exec-failed
kills=$(field "$s" oom_kills)
[ "${kills:-0}" -ge 1 ] && ok "4K: oom_kills $kills" || fail "4K: oom_kills '$kills'"
victim=$(field "$s" oom_victim_pid)
case "$victim;$(field "$s" unavailable)" in
  ?*\;*) ok "4K: a victim named: $victim" ;;
  \;*oom-victim*) ok "4K: no victim named, unavailable says oom-victim" ;;
  *) fail "4K: no victim named and unavailable '$(field "$s" unavailable)' lacks oom-victim" ;;
esac
finish
