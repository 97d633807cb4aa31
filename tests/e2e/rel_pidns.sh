# A brink inside a pid namespace (unshare --pid --fork --mount-proc) beside a live
# brink outside it. The outer brink's pid is not in the inner /proc, so its pid
# alone cannot say it is alive: its lock on its group does. The inner brink must
# leave the outer brink's groups alone, and the outer run must end as it would
# have: the program's own exit, after the time it slept. Beside them, two groups
# of brinks that are gone, with pids no /proc shows: one marked as locked (mode
# 1755, by a brink that held the lock), which the inner brink removes, and one
# unmarked (as a brink from before the lock leaves it), which a brink inside a
# pid namespace cannot prove dead and must not remove.
. "$(dirname "$0")/lib.sh"
have_controller pids || have_controller memory || skip "no usable cgroup controller"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
unshare --pid --fork --mount-proc true 2>/dev/null || skip "cannot make a pid namespace here (unshare --pid)"
marker="brink-pidns-$$-$RANDOM"
prog="$TMP/$marker"
cp /bin/sleep "$prog"
groups_of() { find /sys/fs/cgroup -maxdepth 6 -type d -name "brink-$1-*" 2>/dev/null | sort; }
# Pids above the kernel's limit (PID_MAX_LIMIT, 4194304): never a live process.
marked_name="brink-999999981-1" unmarked_name="brink-999999982-1"
fakes=""
cleanup_fakes() {
  local d
  for d in $fakes; do rmdir "$d/run-1" "$d" 2>/dev/null; done
}
trap 'rc=$?; cleanup_fakes; (exit $rc); peaks_at_exit' EXIT

sleep_s=4
"$BRINK" exec --quiet --no-progress --no-plots --timeout 60s --out "$TMP/live" -- "$prog" "$sleep_s" 2>"$TMP/live.err" &
alive=$!
for _ in $(seq 100); do pgrep -f "^$prog" >/dev/null && break; sleep 0.05; done
pgrep -f "^$prog" >/dev/null || fail "the outer brink's program did not start"
before=$(groups_of "$alive")
[ -n "$before" ] || fail "the outer brink has no cgroup"

# The fakes, beside the outer brink's first group (brink's own group, where the
# inner brink looks too: same cgroup, only the pid namespace differs).
base=$(dirname "$(echo "$before" | head -n1)")
marked="$base/$marked_name" unmarked="$base/$unmarked_name"
mkdir "$marked" "$marked/run-1" "$unmarked" "$unmarked/run-1" || fail "cannot make the fake groups in $base"
fakes="$marked $unmarked"
chmod 1755 "$marked"

unshare --pid --fork --mount-proc "$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/ns" -- /bin/true 2>"$TMP/ns.err"
expect_eq "inner brink exit status" "$?" 0
expect_eq "inner brink outcome" "$(field "$TMP/ns/summary.csv" outcome)" exited

expect_eq "outer brink's groups after the inner brink" "$(groups_of "$alive")" "$before"
grep -q "brink-$alive-" "$TMP/ns.err" && fail "the inner brink named the outer brink's group: $(cat "$TMP/ns.err")"
# The marked group of a gone brink: removed, by the inner brink (it says so) or,
# when another brink on the machine started in between, by that one.
[ -d "$marked" ] && fail "the marked group of a gone brink is left: $marked" || ok "the marked group of a gone brink was removed"
if grep -q "removed $marked, left by brink 999999981 which is gone" "$TMP/ns.err"; then
  ok "the inner brink says it removed $marked_name"
else
  skip_part "removal message of $marked_name" "removed by another brink first"
  cat "$TMP/ns.err"
fi
# The unmarked one: never by the inner brink (a brink outside the namespace, from
# before the lock, may remove it: its pid is dead there).
grep -q "$unmarked_name" "$TMP/ns.err" && fail "the inner brink touched the unmarked group: $(cat "$TMP/ns.err")"
[ -d "$unmarked" ] && ok "the unmarked group was left alone" ||
  skip_part "$unmarked_name left alone" "removed by a brink outside the namespace"

wait "$alive"
expect_eq "outer brink exit status" "$?" 0
s="$TMP/live/summary.csv"
expect_eq "outer outcome" "$(field "$s" outcome)" exited
expect_eq "outer exit_code" "$(field "$s" exit_code)" 0
d=$(field "$s" duration_s)
awk -v d="$d" -v s="$sleep_s" 'BEGIN { exit !(d >= s) }' && ok "outer run lasted ${d} s, at least the ${sleep_s} s it slept" ||
  fail "outer run lasted ${d} s, less than the ${sleep_s} s its program slept"
[ -z "$(groups_of "$alive")" ] && ok "the outer brink removed its own groups at its end" ||
  fail "the outer brink's groups are left: $(groups_of "$alive")"
finish
