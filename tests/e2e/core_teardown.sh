# A program that forks, daemonizes and ignores SIGTERM is killed whole at the
# timeout: no process of the run survives it, and its cgroup is gone.
. "$(dirname "$0")/lib.sh"
marker="brink-teardown-$$-$RANDOM"
cp /bin/sleep "$TMP/$marker" # a unique name to look for afterwards
"$BRINK" exec --quiet --no-progress --timeout 500ms --shell yes --out "$TMP/r" -- \
  "trap '' TERM; (setsid sh -c 'trap \"\" TERM; exec $TMP/$marker 300' &) ; $TMP/$marker 300" &
b=$!
wait "$b"
expect_eq "exit status" "$?" 0
s="$TMP/r/summary.csv"
expect_eq outcome "$(field "$s" outcome)" timeout
expect_eq limit_hit "$(field "$s" limit_hit)" timeout
sleep 0.2
if pgrep -f "$marker" >/dev/null; then fail "processes left: $(pgrep -af "$marker")"; else ok "no process left"; fi
# this brink's groups only (by pid and start time): other brinks on the machine,
# running or dead, are not this test's to judge
left=$(brink_groups "$b")
[ -z "$left" ] && ok "no cgroup of brink $b left" || fail "cgroups left: $left"
# Same without cgroups: the process group is killed.
cp /bin/sleep "$TMP/$marker-n"
"$BRINK" exec --quiet --no-progress --no-cgroup --timeout 300ms --shell yes --out "$TMP/n" -- \
  "$TMP/$marker-n 300 & $TMP/$marker-n 300" 2>/dev/null
expect_eq "no-cgroup outcome" "$(field "$TMP/n/summary.csv" outcome)" timeout
sleep 0.1
pgrep -f "$marker-n" >/dev/null && fail "no-cgroup: process left" || ok "no-cgroup: no process left"
finish
