# configs/smoke.ini end to end: every fixture leaky and fixed, expectations met.
. "$(dirname "$0")/lib.sh"
have_controller memory || skip "no usable memory cgroup controller here"
have_controller pids || skip "no usable pids cgroup controller here"
"$BRINK" run --no-progress --out "$TMP/r" "$BRINK_SOURCE_DIR/configs/smoke.ini" >"$TMP/out" 2>"$TMP/err"
rc=$?
cat "$TMP/out"
expect_eq "exit status" "$rc" 0
s="$TMP/r/summary.csv"
expect_eq rows "$(($(wc -l <"$s") - 1))" 6
for sc in fd-leaky fd-fixed mem-leaky mem-fixed threads-leaky threads-fixed; do
  [ -s "$TMP/r/$sc/1/samples.csv" ] && ok "$sc samples" || fail "$sc: no samples.csv"
done
awk -F, 'NR > 1 && $0 ~ /expected/ { bad = 1 } END { exit bad }' "$s" &&
  ok "no expectation failed" || fail "expectations failed: $(grep expected "$s")"
grep -q '^\[machine\]' "$TMP/r/run.ini" && ok "run.ini has the machine probe" || fail "no [machine] in run.ini"
grep -q '^\[scenario mem-leaky\]' "$TMP/r/run.ini" && ok "run.ini has the effective config" || fail "no scenario in run.ini"
ls "$TMP/r"/*/1/*.part >/dev/null 2>&1 && fail ".part files left" || ok "no .part files left"
finish
