# lint_skips: scripts/test-skips.py lists the parts a passed test left out, in both
# places that print them (tests/e2e/lib.sh skip_part, tests/shapes/run.sh
# case_skip), and with CI=true fails on one of a lane this machine can run.
. "$(dirname "$0")/lib.sh"
src=$BRINK_SOURCE_DIR

# The skip lines as the two helpers print them (their own definitions, run here).
eval "$(sed -n '/^case_skip() {/,/^}/p' "$src/tests/shapes/run.sh")"
# shellcheck disable=SC2034 # counted by case_skip
skipped=0
lines=$(
  skip_part "oom part" "no memory cgroup here" 2>&1
  case_skip "oom_stamp: no memory cgroup here"
  case_skip "signals while plotting: no gnuplot here"
)
{
  echo '<?xml version="1.0" encoding="UTF-8"?><testsuite name="fake" tests="2">'
  echo '<testcase name="e2e/fake" status="run"><system-out>ok: a'
  echo "$lines"
  echo '</system-out></testcase>'
  echo '<testcase name="e2e/clean" status="run"><system-out>ok: b</system-out></testcase>'
  echo '</testsuite>'
} >"$TMP/junit.xml"

out=$(CI='' python3 "$src/scripts/test-skips.py" "$TMP/junit.xml" 2>&1)
expect_eq "test-skips without CI: status" "$?" 0
for want in "e2e/fake: oom part: no memory cgroup here  [cgroup-memory lane]" \
  "e2e/fake: oom_stamp: no memory cgroup here  [cgroup-memory lane]" \
  "e2e/fake: signals while plotting: no gnuplot here  [gnuplot lane]"; do
  grep -qxF "  partly skipped: $want" <<<"$out" && ok "listed: $want" || fail "not listed: $want in: $out"
done
grep -qx "Partly skipped tests: 3" <<<"$out" && ok "three partial skips, none from e2e/clean" ||
  fail "test-skips said: $out"

CI=true BRINK_CI_LANES="gnuplot" python3 "$src/scripts/test-skips.py" "$TMP/junit.xml" >"$TMP/ci.out" 2>&1
expect_eq "CI=true, gnuplot runnable here: status" "$?" 1
grep -q "signals while plotting skipped the gnuplot lane" "$TMP/ci.out" &&
  ok "CI names the shapes part that skipped a runnable lane" || fail "CI said: $(cat "$TMP/ci.out")"
CI=true BRINK_CI_LANES="qemu" python3 "$src/scripts/test-skips.py" "$TMP/junit.xml" >"$TMP/ci2.out" 2>&1
expect_eq "CI=true, neither lane runnable here: status" "$?" 0

# Parts of the v2 lane's guest (a busybox image: no gnuplot, by design) that need a
# tool it lacks name no lane; a part that needs a cgroup controller still does.
{
  echo '<?xml version="1.0" encoding="UTF-8"?><testsuite name="fake" tests="1">'
  echo '<testcase name="e2e/v2_lane" status="run"><system-out>ok: a'
  case_skip "signals while plotting: no gnuplot here"
  echo '</system-out></testcase></testsuite>'
} >"$TMP/guest.xml"
CI=true BRINK_CI_LANES="gnuplot qemu" python3 "$src/scripts/test-skips.py" "$TMP/guest.xml" \
  >"$TMP/ci3.out" 2>&1
expect_eq "CI=true, a guest part without gnuplot: status" "$?" 0
{
  echo '<?xml version="1.0" encoding="UTF-8"?><testsuite name="fake" tests="1">'
  echo '<testcase name="e2e/v2_lane" status="run"><system-out>ok: a'
  case_skip "oom_stamp: no memory cgroup here"
  echo '</system-out></testcase></testsuite>'
} >"$TMP/guest2.xml"
CI=true BRINK_CI_LANES="cgroup-memory qemu" python3 "$src/scripts/test-skips.py" \
  "$TMP/guest2.xml" >"$TMP/ci4.out" 2>&1
expect_eq "CI=true, a guest part without the memory cgroup: status" "$?" 1
finish
