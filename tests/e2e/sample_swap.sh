# sample_swap: on v1, where the sampler keeps its process list while the group's
# task count stays put (sample.c), a process replaced by another between two
# samples is still found: the old one gone sends it to list the group again
# (its second pass). tests/progs/proc-swap swaps its first child for a second
# holding FDS fds in well under a millisecond, the run two processes before and
# after; the second child holds them for 1.5 s (7 samples at 200 ms), so the fds
# peak is at least what the second child counted of itself. The list from the
# kernel's process records (BRINK_PROC_LIST=events) is turned off for this.
. "$(dirname "$0")/lib.sh"
BRINK_PROC_LIST=cgroup "$BRINK" exec --quiet --no-progress --no-plots --interval 200ms \
  --out "$TMP/s" -- "$BRINK_PROG_DIR/proc-swap" 700 1500 300 >"$TMP/out" 2>&1 ||
  fail "brink exec proc-swap: $(cat "$TMP/out")"
grep -q "^cgroup_pids = v1" "$TMP/s/run.ini" ||
  skip_part "swap at the same task count" "no v1 pids cgroup here (the list is read at every sample)"
said=$(sed -n 's/^swap: .* second_fds=\([0-9]*\)$/\1/p' "$TMP"/s/proc-swap/1/stdout.log)
[ -n "$said" ] || fail "proc-swap said nothing: $(cat "$TMP"/s/proc-swap/1/stdout.log)"
peak=$(field "$TMP/s/summary.csv" peak_fds)
[ -n "$said" ] && [ -n "$peak" ] && [ "$peak" -ge "$said" ] &&
  ok "the second child's $said fds seen after the swap (peak_fds $peak)" ||
  fail "peak_fds '$peak' below the $said fds the second child held: the swap went unseen"
finish
