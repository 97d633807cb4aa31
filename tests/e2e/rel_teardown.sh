# Nothing of a run outlives it, and brink answers promptly:
# - a child that leaves the run's groups in every hierarchy (it writes itself into
#   the group above brink's) is still brink's descendant: killed at the run's end,
#   and brink says so once;
# - ^C while a daemon child's main thread has exited (pthread_exit, a worker
#   thread lives on: the leader is a zombie that /proc/PID/cgroup shows in no
#   group) and the main process sleeps: exit status 130 within a bound, the run's
#   row written (interrupted), no group of that brink and no process left;
# - ^C while the teardown waits for a task that cannot die yet (frozen in a v1
#   freezer group of the test's own): 130 within a bound, the row written, no
#   next run started, the problem said, and the task dies when thawed (brink
#   killed it).
. "$(dirname "$0")/lib.sh"
le=$BRINK_BUILD_DIR/shapes/leader-exit
[ -x "$le" ] || skip "shapes not built in $BRINK_BUILD_DIR/shapes"
have_controller pids || have_controller memory || skip "no pids or memory cgroup here"
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# alive PID: the process exists and is not a zombie (dead, its parent yet to reap it).
alive() {
  local st
  [ -n "$1" ] || return 1
  st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ]
}
nothing_left() { # WHAT BRINKPID NAME PID...
  local what=$1 bp=$2 name=$3 left p live=
  shift 3
  left=$(find /sys/fs/cgroup -type d -name "brink-$bp-*" 2>/dev/null)
  [ -z "$left" ] && ok "$what: no group of brink $bp left" || fail "$what: groups left: $left"
  for p in $(pgrep -x "$name"); do alive "$p" && live="$live $p"; done
  [ -z "$live" ] && ok "$what: no process of $name alive" || fail "$what: processes of $name alive:$live"
  for p in "$@"; do
    if alive "$p"; then fail "$what: process $p alive"; else ok "$what: process $p gone"; fi
  done
}

# 1. The escape. The child moves itself, in each hierarchy where it is in a group of
# this brink, into the group holding brink-<pid>-<start>, then becomes a sleep named
# for this test; the main process exits at 300 ms.
esc=esc$$
cp /bin/sleep "$TMP/$esc"
cat >"$TMP/escape.sh" <<SH
#!/bin/sh
(
  for line in \$(grep /brink- /proc/self/cgroup); do
    rest=\${line#*:}
    ctrl=\${rest%%:*}
    path=\${rest#*:}
    case "\$ctrl" in name=*|"") continue ;; esac
    up=/sys/fs/cgroup/\$ctrl\$(dirname "\$(dirname "\$path")")
    sh -c 'echo \$PPID' >"\$up/cgroup.procs" 2>/dev/null || true
    echo "\$ctrl" >>"$TMP/escaped-from"
  done
  exec "$TMP/$esc" 30
) </dev/null >/dev/null 2>&1 &
echo "child \$!"
sleep 0.3
SH
chmod +x "$TMP/escape.sh"
t0=$(ms)
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/esc" -- "$TMP/escape.sh" >/dev/null 2>"$TMP/esc.err" &
bp=$!
wait "$bp"
rc=$?
took=$(($(ms) - t0))
expect_eq "escape: exit status" "$rc" 0
[ "$took" -lt 4000 ] && ok "escape: brink took $took ms" || fail "escape: brink took $took ms (bound 4000)"
[ -s "$TMP/escaped-from" ] && ok "escape: the child left $(tr '\n' ' ' <"$TMP/escaped-from")" ||
  fail "escape: the child left no group"
expect_eq "escape: outcome" "$(field "$TMP/esc/summary.csv" outcome)" exited
expect_eq "escape: said once" "$(grep -c "killed 1 process that had left the run's group" "$TMP/esc.err")" 1
child=$(awk '$1 == "child" { print $2 }' "$TMP/esc/escape.sh/1/stdout.log")
nothing_left escape "$bp" "$esc" "$child"

# 2. ^C while a daemon whose leader is a zombie runs beside a sleeping main process.
zl=zl$$
cp "$le" "$TMP/$zl"
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/int" -- "$TMP/$zl" d 200000 40000 \
  >/dev/null 2>"$TMP/int.err" &
bp=$!
for _ in $(seq 100); do grep -q daemon "$TMP/int/$zl/1/stdout.log" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
t0=$(ms)
kill -INT "$bp"
wait "$bp"
rc=$?
took=$(($(ms) - t0))
expect_eq "^C: exit status" "$rc" 130
[ "$took" -lt 2000 ] && ok "^C: answered in $took ms" || fail "^C: answered in $took ms (bound 2000)"
expect_eq "^C: outcome" "$(field "$TMP/int/summary.csv" outcome)" interrupted
daemon=$(awk '$1 == "daemon" { print $2 }' "$TMP/int/$zl/1/stdout.log")
[ -n "$daemon" ] && ok "^C: the daemon was $daemon" || fail "^C: the daemon never started"
nothing_left "^C" "$bp" "$zl" "$daemon"
# 3. A child frozen in a freezer group of the test's own (still in the run's groups)
# cannot die while frozen: the teardown waits for it, a ^C cuts the waits short.
fz=/sys/fs/cgroup/freezer/brink-test-fz$$
if [ -d /sys/fs/cgroup/freezer ] && mkdir "$fz" 2>/dev/null; then
  fzn=fz$$
  cp /bin/sleep "$TMP/$fzn"
  cat >"$TMP/freeze.sh" <<SH
#!/bin/sh
"$TMP/$fzn" 300 &
echo \$! >"$fz/cgroup.procs"
echo FROZEN >"$fz/freezer.state"
echo "child \$!"
sleep 0.3
SH
  chmod +x "$TMP/freeze.sh"
  printf '[scenario frozen]\ncommand = %s\n[scenario next]\ncommand = /bin/true\n' \
    "$TMP/freeze.sh" >"$TMP/fz.ini"
  "$BRINK" run --quiet --no-progress --no-plots --out "$TMP/fz" "$TMP/fz.ini" \
    >/dev/null 2>"$TMP/fz.err" &
  bp=$!
  for _ in $(seq 100); do grep -q child "$TMP/fz/frozen/1/stdout.log" 2>/dev/null && break; sleep 0.05; done
  sleep 0.7 # the program has ended: brink waits for the frozen child
  t0=$(ms)
  kill -INT "$bp"
  wait "$bp"
  rc=$?
  took=$(($(ms) - t0))
  expect_eq "frozen: exit status" "$rc" 130
  [ "$took" -lt 1500 ] && ok "frozen: answered in $took ms" || fail "frozen: answered in $took ms (bound 1500)"
  expect_eq "frozen: outcome" "$(field "$TMP/fz/summary.csv" outcome)" exited
  expect_eq "frozen: rows (no run after the ^C)" "$(($(wc -l <"$TMP/fz/summary.csv") - 1))" 1
  [ -d "$TMP/fz/next" ] && fail "frozen: the next scenario was started" || ok "frozen: nothing run after"
  grep -q "cannot remove" "$TMP/fz.err" && ok "frozen: the stuck group said" ||
    fail "frozen: stderr: $(cat "$TMP/fz.err")"
  child=$(awk '$1 == "child" { print $2 }' "$TMP/fz/frozen/1/stdout.log")
  echo THAWED >"$fz/freezer.state"
  sleep 0.3
  for p in $(pgrep -x "$fzn"); do alive "$p" && fail "frozen, thawed: $p alive"; done
  alive "$child" && fail "frozen, thawed: the child $child alive" || ok "frozen, thawed: the child $child died"
  # brink could not remove its groups while the child lived: the test does
  find /sys/fs/cgroup -depth -type d -path "*/brink-$bp-*" -exec rmdir {} + 2>/dev/null
  rmdir "$fz"
else
  skip_part frozen "no v1 freezer hierarchy to make a group in"
fi
finish
