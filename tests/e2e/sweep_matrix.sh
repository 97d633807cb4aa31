# sweep_matrix.sh - a 2x3 matrix (memory 16M, 32M x a placeholder of 10, 25, 40
# MiB touched) from a config: six points named in value order, the sweep
# columns, outcomes that follow from the arithmetic (a program that touches N
# MiB survives a limit L only if N plus its ~1 MiB of runtime fits in L), the
# curve page and the report table; then brink compare of two such sweeps
# matches the points by name.
. "$(dirname "$0")/lib.sh"
have_controller memory || skip "no usable memory cgroup controller (the matrix sweeps memory)"

cat >"$TMP/m.ini" <<'INI'
[scenario touch]
command = mem-hog --max {mib} --size 1M --rate 0
memory = 16M, 32M
mib = 10, 25, 40
INI
out="$TMP/r"
"$BRINK" run --quiet --no-progress --out "$out" "$TMP/m.ini" >"$TMP/log" 2>&1
expect_eq "exit status" "$?" 0
s="$out/summary.csv"
head -1 "$s" | grep -q ',sweep,sweep.memory,sweep.mib$' && ok "sweep columns" || fail "header: $(head -1 "$s")"
want="touch.memory=16M.mib=10 touch.memory=16M.mib=25 touch.memory=16M.mib=40 touch.memory=32M.mib=10 touch.memory=32M.mib=25 touch.memory=32M.mib=40"
expect_eq "points in order" "$(tail -n +2 "$s" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')" "$want"
for row in 2 3 4 5 6 7; do
  r=$((row - 1))
  lim=$(field "$s" sweep.memory "$r"); mib=$(field "$s" sweep.mib "$r")
  if [ $((mib + 1)) -lt $((lim / 1048576)) ]; then want=exited; else want=oom-killed; fi
  expect_eq "$(field "$s" scenario "$r") outcome" "$(field "$s" outcome "$r")" "$want"
  expect_eq "$(field "$s" scenario "$r") mem_limit_bytes" "$(field "$s" mem_limit_bytes "$r")" "$lim"
done
grep -q '^| touch.memory=16M.mib=40 | 16 MiB | 40 | broke: memory' "$out/report.md" &&
  ok "report table" || fail "report: $(grep touch.memory=16M.mib=40 "$out/report.md")"
grep -q '<tr><td>touch.memory=16M.mib=40</td><td>16 MiB</td><td>40</td><td>broke: memory' "$out/report.html" &&
  ok "report.html table" || fail "report.html: no sweep row for touch.memory=16M.mib=40"
if command -v gnuplot >/dev/null; then
  magic=$(head -c 8 "$out/plots/touch.curve.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
  expect_eq "curve PNG" "$magic" 89504e470d0a1a0a
  expect_eq "curve lines (one per mib)" "$(grep -c '^# mib=' "$out/plots/data/touch.curve.dat")" 3
  # One gnuplot for every page: the pages script loads each of them.
  expect_eq "pages drawn by one gnuplot" "$(grep -c '^load ' "$out/plots/data/+pages.gp")" 7
fi

# compare: the same sweep of a program that touches 1.5 MiB per step, not 1.
cat >"$TMP/n.ini" <<'INI'
[scenario touch]
command = mem-hog --max {mib} --size 1536K --rate 0
memory = 16M, 32M
mib = 10, 25, 40
INI
"$BRINK" run --quiet --no-progress --no-plots --out "$TMP/n" "$TMP/n.ini" >"$TMP/log2" 2>&1
"$BRINK" compare "$out" "$TMP/n" >"$TMP/cmp" 2>&1
expect_eq "compare exit (regressed)" "$?" 1
grep -q '^touch.memory=32M.mib=10 *peak_mem_bytes .*REGRESSED' "$TMP/cmp" &&
  ok "point matched by name and its peak regressed" || fail "compare: $(grep 'mib=10 *peak_mem' "$TMP/cmp")"
grep -q '^touch.memory=32M.mib=25 *breaking_point .*REGRESSED' "$TMP/cmp" &&
  ok "32M x 25 (now 37.5 MiB touched) breaks" || fail "compare: $(grep 'mib=25 *breaking' "$TMP/cmp")"
finish
