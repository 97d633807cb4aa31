# Nothing of a run outlives it, and brink answers promptly:
# - a child that leaves the run's groups in every hierarchy (it writes itself into
#   the group above brink's) is still brink's descendant: killed at the run's end,
#   and brink says so once;
# - ^C while a daemon child's main thread has exited (pthread_exit, a worker
#   thread lives on: the leader is a zombie that /proc/PID/cgroup shows in no
#   group) and the main process sleeps: exit status 130 within a bound, the run's
#   row written (interrupted), no group of that brink and no process left.
. "$(dirname "$0")/lib.sh"
le=$BRINK_BUILD_DIR/shapes/leader-exit
[ -x "$le" ] || skip "shapes not built in $BRINK_BUILD_DIR/shapes"
have_controller pids || have_controller memory || skip "no pids or memory cgroup here"
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
nothing_left() { # WHAT BRINKPID NAME PID...
  local what=$1 bp=$2 name=$3 left p
  shift 3
  left=$(find /sys/fs/cgroup -type d -name "brink-$bp-*" 2>/dev/null)
  [ -z "$left" ] && ok "$what: no group of brink $bp left" || fail "$what: groups left: $left"
  if p=$(pgrep -x "$name"); then fail "$what: processes of $name left: $p"; else ok "$what: no process of $name left"; fi
  for p in "$@"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then fail "$what: process $p alive"; else ok "$what: process $p gone"; fi
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
finish
