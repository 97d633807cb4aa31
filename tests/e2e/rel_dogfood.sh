# Dogfood: brink measured by brink. A config runs `sleep 0.005` DOGFOOD_RUNS times
# (default 300; scripts/dogfood.sh runs 1000); the outer brink samples the
# inner one (its children live in the inner brink's own nested groups, so the
# outer samples are brink alone: procs = 1). Over the runs brink's open fds and
# RSS stay flat, and nothing is left afterwards. Each run lasts at least 5 ms
# however fast the machine, so the outer brink, sampling every 10 ms, gets at
# least runs/2 samples (the windows below need some 100).
. "$(dirname "$0")/lib.sh"
runs=${DOGFOOD_RUNS:-300}
marker="brink-dogfood-$$-$RANDOM"
cp /bin/sleep "$TMP/$marker" # a unique name to look for afterwards
printf '[scenario nap]\ncommand = %s 0.005\nrepetitions = %d\n' "$TMP/$marker" "$runs" >"$TMP/d.ini"
# The inner brink's pid, for the leftover check: sh writes its own and execs
# brink in its place.
"$BRINK" exec --quiet --no-progress --interval 10ms --out "$TMP/X" -- \
  /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/inner.pid" \
  "$BRINK" run --quiet --no-progress --out "$TMP/Y" "$TMP/d.ini" &
outer=$!
wait "$outer"
expect_eq "outer brink exit status" "$?" 0
expect_eq "inner brink exit code" "$(field "$TMP/X/summary.csv" exit_code)" 0
expect_eq "inner runs, all exited" \
  "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "outcome") c = i; if (!c) exit 2; next }
    $c == "exited"' "$TMP/Y/summary.csv" | wc -l)" "$runs"
s=$(ls "$TMP"/X/*/1/samples.csv)
# Columns by name; rows where the outer group holds brink alone.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["procs"] == 1 { print $c["t_s"], $c["fds"], $c["rss_bytes"] }' "$s" >"$TMP/brink.txt"
n=$(wc -l <"$TMP/brink.txt")
[ "$n" -ge 100 ] || fail "only $n samples of brink alone"
# Two windows of the run phase: 20-40% and 70-90% of the samples (the first
# 20% is start-up, which includes loading the eBPF programs on a busy machine;
# the last 10% holds the summary, plots and report). Within a
# run brink's fds swing (pipes, timers, CSV and cgroup files come and go), so
# the windows' extremes are compared: a leak of one fd per run would move both
# by about runs/2 (150), one fd every 10 runs by 15. The highest count is a
# sample of that swing (about 20 fds a run with the eBPF watcher, service and
# OOM-log files), which moves it by a few between windows without any leak: 6
# allowed. The lowest, between runs, is steadier: 2.
read -r lo1 hi1 lo2 hi2 r1 r2 < <(awk -v n="$n" '
  function median(a, k,   i, j, t) {
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { i = NR / n }
  i > 0.2 && i <= 0.4 { if (!k1 || $2 < lo1) lo1 = $2; if (!k1 || $2 > hi1) hi1 = $2; a1[++k1] = $3 }
  i > 0.7 && i <= 0.9 { if (!k2 || $2 < lo2) lo2 = $2; if (!k2 || $2 > hi2) hi2 = $2; a2[++k2] = $3 }
  END { print lo1, hi1, lo2, hi2, median(a1, k1), median(a2, k2) }' "$TMP/brink.txt")
echo "brink fds: early window $lo1..$hi1, late window $lo2..$hi2; RSS median early $r1, late $r2"
d=$((hi2 - hi1)); [ "${d#-}" -le 6 ] && ok "fds flat: highest count moved by $d" || fail "fds: highest $hi1 -> $hi2"
d=$((lo2 - lo1)); [ "${d#-}" -le 2 ] && ok "fds flat: lowest count moved by $d" || fail "fds: lowest $lo1 -> $lo2"
growth=$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%d", b - a }')
[ "$growth" -lt 1048576 ] && ok "RSS flat: the median grew by $growth bytes over $runs runs" ||
  fail "RSS grew by $growth bytes over $runs runs"
# Nothing left: no process of the runs, no group of either brink.
sleep 0.1
pgrep -f "$marker" >/dev/null && fail "processes left: $(pgrep -af "$marker")" || ok "no process left"
inner=$(cat "$TMP/inner.pid")
left=$(find /sys/fs/cgroup -maxdepth 8 -type d \( -name "brink-$outer-*" -o -name "brink-$inner-*" \) 2>/dev/null)
[ -z "$left" ] && ok "no cgroup of either brink ($outer, $inner) left" || fail "cgroups left: $left"
finish
