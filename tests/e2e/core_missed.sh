# missed_samples: brink stopped (SIGSTOP) for 300 ms while it samples every 1 ms
# misses about 300 ticks, and sampled plus missed ticks add up to the time it
# sampled, not more: a tick is either taken or missed, never both.
. "$(dirname "$0")/lib.sh"
t0=$(date +%s%N)
"$BRINK" exec --quiet --no-progress --no-plots --interval 1ms --shell yes --name sleeper --out "$TMP/r" -- \
  "touch '$TMP/started'; exec sleep 1.5" &
b=$!
for _ in $(seq 200); do [ -e "$TMP/started" ] && break; sleep 0.05; done
[ -e "$TMP/started" ] || { kill "$b"; wait "$b"; fail "the program did not start within 10 s"; finish; }
sleep 0.2
kill -STOP "$b"
sleep 0.3
kill -CONT "$b"
wait "$b"
expect_eq "exit status" "$?" 0
wall_ms=$((($(date +%s%N) - t0) / 1000000))
s="$TMP/r/summary.csv"
missed=$(field "$s" missed_samples)
taken=$(($(wc -l <"$TMP"/r/sleeper/1/samples.csv) - 1))
echo "samples taken $taken, missed $missed, brink's wall time $wall_ms ms"
[ "$missed" -ge 290 ] && ok "missed_samples $missed >= 290 (300 ms stopped)" ||
  fail "missed_samples $missed < 290 after a 300 ms stop"
# The program slept 1.5 s under sampling; brink ran no longer than wall_ms.
n=$((taken + missed))
[ "$n" -ge 1400 ] && [ "$n" -le $((wall_ms * 105 / 100)) ] &&
  ok "taken + missed = $n ticks, within 1400..$((wall_ms * 105 / 100))" ||
  fail "taken + missed = $n ticks, want 1400..$((wall_ms * 105 / 100)) (1 ms ticks over $wall_ms ms)"
finish
