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
# A SIGKILL from someone else is not an OOM kill.
"$BRINK" exec --quiet --no-progress --memory 64M --out "$TMP/k" -- sh -c 'kill -9 $$'
s="$TMP/k/summary.csv"
expect_eq "self-kill outcome" "$(field "$s" outcome)" signaled
expect_eq "self-kill oom_kills" "$(field "$s" oom_kills)" 0
finish
