# search_memory.sh - brink search finds the memory threshold of a program that
# touches 40 MiB, to a resolution of 1 MiB: it cannot complete under less than
# the 40 MiB it touches, the answer is the width of the resolution, the run at
# the breaking limit was OOM-killed and the one at the passing limit exited 0.
. "$(dirname "$0")/lib.sh"
have_controller memory || skip "no usable memory cgroup controller (a memory search needs a memory limit)"

MiB=1048576
out="$TMP/s"
"$BRINK" search memory 4M..1G --resolution 1M --name touch40 --quiet --no-progress --out "$out" \
  -- mem-hog --max 40 --size 1M --rate 0 >"$TMP/log" 2>&1
rc=$?
expect_eq "exit status" "$rc" 0
s="$out/search.csv"
expect_eq verdict "$(field "$s" verdict)" found
pass=$(field "$s" pass_limit)
failed=$(field "$s" fail_limit)
expect_eq "resolution: pass - fail" "$((pass - failed))" "$MiB"
[ "$pass" -ge $((40 * MiB)) ] && ok "passing limit $pass >= 40 MiB touched" || fail "passes at $pass < 40 MiB"
# The program, libc and the page tables take a little more than what it touches.
[ "$pass" -le $((44 * MiB)) ] && ok "passing limit within 4 MiB of 40 MiB" || fail "passes only at $pass"
p=$((pass / MiB)); f=$((failed / MiB))
printf -v pn 'touch40.memory=%04dM' "$p"
printf -v fn 'touch40.memory=%04dM' "$f"
grep -q "^$pn,1,exited,0," "$out/summary.csv" && ok "$pn exited 0" || fail "$pn: $(grep "^$pn," "$out/summary.csv")"
grep -q "^$fn,1,oom-killed," "$out/summary.csv" && ok "$fn oom-killed" || fail "$fn: $(grep "^$fn," "$out/summary.csv")"
if command -v gnuplot >/dev/null; then
  [ -s "$out/plots/touch40.curve.png" ] && ok "curve drawn" || fail "no plots/touch40.curve.png"
  grep -q "set arrow 1 from $p," "$out/plots/data/touch40.curve.gp" &&
    ok "threshold marked at $p MiB" || fail "no threshold arrow at $p in the curve script"
fi
grep -q "Search over memory: found; smallest passing limit $p MiB" "$out/report.md" &&
  ok "report states the answer" || fail "report: $(grep -i search "$out/report.md")"
# A program that breaks even at HI: one run, said so, and its one-point curve
# drawn like any other page (no plot warning).
"$BRINK" search memory 4M..8M --name toosmall --quiet --no-progress --out "$TMP/hi" \
  -- mem-hog --max 40 --size 1M --rate 0 >"$TMP/hi.log" 2>&1
expect_eq "HI too small: status" "$?" 0
expect_eq "HI too small: verdict" "$(field "$TMP/hi/search.csv" verdict)" fails-at-hi
expect_eq "HI too small: runs" "$(field "$TMP/hi/search.csv" runs)" 1
grep -q "breaks even with memory = 8 MiB, the high end (1 run)" "$TMP/hi.log" &&
  ok "said it breaks at HI" || fail "log: $(cat "$TMP/hi.log")"
if command -v gnuplot >/dev/null; then
  grep -q "warning" "$TMP/hi.log" && fail "plot warning: $(grep warning "$TMP/hi.log")" || ok "no warning"
  [ -s "$TMP/hi/plots/toosmall.curve.png" ] && ok "one-point curve drawn" || fail "no one-point curve"
fi
finish
