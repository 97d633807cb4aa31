# Peaks are the maximum over the run, and fds, threads and RSS are summed over
# every process of the run: checked against what the programs say of themselves.
. "$(dirname "$0")/lib.sh"
p=$BRINK_PROG_DIR
# max_col CSV COLUMN: the largest value of COLUMN
max_col() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    $c != "" && $c + 0 > m { m = $c + 0 } END { printf "%d\n", m }' "$1"
}

# The exit state is the main process's alone: a shell whose child holds 50 MiB
# exits while the child lives on. The exit-state event's rss= is the shell's own
# (the VmRSS it printed just before exiting, give or take 2 MiB), not the sum
# with the child's 50 MiB, which the peak (summed over the processes) holds.
"$BRINK" exec --quiet --no-progress --no-plots --interval 5ms --out "$TMP/x" -- \
  sh -c "\"$p/rss-spike\" 50 >/dev/null & sleep 0.2; grep VmRSS /proc/\$\$/status" >/dev/null
expect_eq "exit state: exit status" "$?" 0
own=$(awk '$1 == "VmRSS:" { print $2 * 1024 }' "$TMP"/x/sh/1/stdout.log)
st=$(awk -F, '$2 == "exit-state" { sub(/.*rss=/, "", $4); print $4 }' "$TMP"/x/sh/1/events.csv)
peak=$(field "$TMP/x/summary.csv" peak_rss_bytes)
if [ -z "$peak" ] || [ "$peak" -lt $((50 << 20)) ]; then
  fail "exit state: peak_rss_bytes '$peak': the child's 50 MiB not seen, the test proves nothing"
elif [ -n "$own" ] && [ -n "$st" ] && [ "$st" -le $((own + (2 << 20))) ] && [ "$st" -ge $((own - (2 << 20))) ]; then
  ok "exit state: rss=$st is the shell's own ($own), the child's 50 MiB not in it (peak $peak)"
else
  fail "exit state: rss='$st', the shell's own VmRSS '$own' (peak $peak)"
fi

# RSS: 90 MiB touched, held 300 ms, unmapped, then 300 ms at a small RSS. The peak
# is the kernel's own high-water mark (VmHWM), give or take what 1 ms sampling
# misses and the per-CPU slack of the kernel's RSS counters, and the largest
# sample; not the last one.
"$BRINK" exec --quiet --no-progress --no-plots --interval 1ms --out "$TMP/r" -- "$p/rss-spike" 90
expect_eq "rss-spike: exit status" "$?" 0
hwm=$(awk '$1 == "vmhwm_bytes" { print $2 }' "$TMP"/r/rss-spike/1/stdout.log)
peak=$(field "$TMP/r/summary.csv" peak_rss_bytes)
if [ -n "$hwm" ] && [ -n "$peak" ] && [ "$peak" -ge $((hwm * 95 / 100)) ] && [ "$peak" -le $((hwm * 102 / 100)) ]; then
  ok "peak_rss_bytes $peak within 95-102% of the program's VmHWM $hwm"
else
  fail "peak_rss_bytes '$peak', the program's VmHWM '$hwm'"
fi
[ -n "$peak" ] && [ "$peak" -ge $((90 << 20)) ] && ok "peak_rss_bytes >= the 90 MiB touched" ||
  fail "peak_rss_bytes '$peak' < 90 MiB"
expect_eq "peak_rss_bytes = the largest rss_bytes of samples.csv" "$peak" \
  "$(max_col "$TMP"/r/rss-spike/1/samples.csv rss_bytes)"

# fds: a parent and 3 children hold 100, 200, 300 and 400 files of their own at the
# same time for 2 s; the run's fds are the sum of what each process holds. Sampled
# every 1.5 s: on cgroup v1 a cgroup.procs kept open and read more often than once
# a second serves the pid list of its first read (KERNEL-NOTES.md), and this test
# is about the sum, not about finding the children.
"$BRINK" exec --quiet --no-progress --no-plots --interval 1500ms --out "$TMP/f" -- "$p/fd-tree" 3 100 2000
expect_eq "fd-tree: exit status" "$?" 0
log="$TMP/f/fd-tree/1/stdout.log"
expect_eq "fd-tree: processes that reported" "$(grep -c '^fds ' "$log")" 4
sum=$(awk '$1 == "fds" { s += $3 } END { print s }' "$log")
expect_eq "peak_fds = the sum over the 4 processes" "$(field "$TMP/f/summary.csv" peak_fds)" "$sum"

# threads and RSS are summed over the processes too: a parent and 3 children,
# process i with i threads besides its main one and (i + 1) * 16 MiB touched, all
# holding still for 3.5 s after each printed its own Threads and VmRSS. A sample
# taken then has the sum of the threads (the moment is steady: nothing starts or
# ends) and the sum of the RSS, give or take 8 MiB: half the least any process
# holds, so a sample that left out any one process is outside. Sampled every
# 1.5 s for the same reason as fd-tree.
"$BRINK" exec --quiet --no-progress --no-plots --interval 1500ms --out "$TMP/m" -- "$p/mem-tree" 3 16 3500
expect_eq "mem-tree: exit status" "$?" 0
log="$TMP/m/mem-tree/1/stdout.log"
expect_eq "mem-tree: processes that reported" "$(grep -c '^proc ' "$log")" 4
threads=$(awk '$1 == "proc" { s += $3 } END { print s }' "$log")
rss=$(awk '$1 == "proc" { s += $4 } END { print s }' "$log")
tol=$((8 << 20))
# rss_bytes of every sample with all the threads: "rss_bytes" lines, one a sample
steady=$(awk -F, -v want="$threads" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "threads") t = i; if ($i == "rss_bytes") r = i }; next }
  $t == want { print $r }' "$TMP/m/mem-tree/1/samples.csv")
if [ -z "$steady" ]; then
  fail "no sample with the $threads threads the 4 processes printed; threads sampled: $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "threads") t = i; next } { printf "%s ", $t }' "$TMP/m/mem-tree/1/samples.csv")"
else
  ok "$(echo "$steady" | wc -l) sample(s) with threads = $threads, the sum over the 4 processes"
  for r in $steady; do
    d=$((r - rss))
    [ "${d#-}" -le "$tol" ] && ok "rss_bytes $r = the sum of VmRSS $rss, within 8 MiB" ||
      fail "rss_bytes $r, the sum of the processes' VmRSS $rss (off by $d, more than 8 MiB)"
  done
fi
finish
