# The load is contained like the program: what it leaves running (a client in
# the background, a setsid child) is killed when it ends, and after a kill -9 of
# brink by the next brink; `env` reaches the load, and gctrace is added to the
# GODEBUG of `env` instead of replacing it.
. "$(dirname "$0")/lib.sh"
# alive PID WORDS: does PID run a command line containing WORDS?
alive() { [ -n "$1" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$2"; }
pids=""
cleanup_bg() { # keeps the test's exit status for peaks_at_exit
  local rc=$? p
  for p in $pids; do alive "$p" sleep && kill -9 "$p"; done
  return "$rc"
}
trap 'cleanup_bg; peaks_at_exit' EXIT

# A load that starts a client in the background (and one in a session of its
# own) and exits 0 at once: both must be gone when brink returns.
cat >"$TMP/bgload.sh" <<EOS
#!/bin/sh
sleep 127 & echo \$! >"$TMP/bg.pid"
setsid sleep 128 & echo \$! >"$TMP/bg2.pid"
exit 0
EOS
chmod +x "$TMP/bgload.sh"
"$BRINK" exec --quiet --no-progress --out "$TMP/bg" --ready delay:100ms --stop-grace 1s \
  --load "$TMP/bgload.sh" -- /bin/sleep 30 >/dev/null
b1=$(cat "$TMP/bg.pid" 2>/dev/null) b2=$(cat "$TMP/bg2.pid" 2>/dev/null)
pids="$b1 $b2"
[ -n "$b1" ] && [ -n "$b2" ] && ok "the load started $b1 and $b2" || fail "no background pids"
expect_eq "load_status" "$(field "$TMP/bg/summary.csv" load_status)" ok
alive "$b1" 'sleep 127' && fail "the load's background child $b1 outlived brink" ||
  ok "the background child is gone"
if have_controller memory || have_controller pids; then
  alive "$b2" 'sleep 128' && fail "the load's setsid child $b2 outlived brink" ||
    ok "the setsid child is gone (the load's group)"
fi

# kill -9 of brink while the load's background child runs: PDEATHSIG ends the
# load itself; its child is in the load's group, which the next brink removes.
if have_controller memory || have_controller pids; then
  cat >"$TMP/bgload2.sh" <<EOS
#!/bin/sh
sleep 129 & echo \$! >"$TMP/bg3.pid"
exec sleep 60
EOS
  chmod +x "$TMP/bgload2.sh"
  "$BRINK" exec --quiet --no-progress --out "$TMP/k9" --ready delay:100ms \
    --load "$TMP/bgload2.sh" -- /bin/sleep 60 &
  bp=$!
  for _ in $(seq 100); do [ -s "$TMP/bg3.pid" ] && break; sleep 0.1; done
  b3=$(cat "$TMP/bg3.pid" 2>/dev/null)
  pids="$pids $b3"
  kill -9 "$bp"
  wait "$bp" 2>/dev/null
  "$BRINK" exec --quiet --no-progress --out "$TMP/next" -- /bin/true >/dev/null 2>&1
  for _ in $(seq 20); do alive "$b3" 'sleep 129' || break; sleep 0.1; done
  alive "$b3" 'sleep 129' && fail "after kill -9 of brink and a new brink, $b3 still runs" ||
    ok "the next brink removed the dead brink's load group and its child"
fi

# env reaches the load; gctrace=1 is added to the GODEBUG set with env.
cat >"$TMP/prog.sh" <<EOS
#!/bin/sh
echo "\$GODEBUG" >"$TMP/prog.env"
exec sleep 30
EOS
cat >"$TMP/load.sh" <<EOS
#!/bin/sh
echo "\$MYVAR \$GODEBUG" >"$TMP/load.env"
EOS
chmod +x "$TMP/prog.sh" "$TMP/load.sh"
cat >"$TMP/env.ini" <<EOS
[scenario e]
command = $TMP/prog.sh
env = MYVAR=fromcfg GODEBUG=madvdontneed=1
go-runtime = gctrace
ready = delay:200ms
stop-grace = 1s
load = $TMP/load.sh
EOS
"$BRINK" run --quiet --no-progress --out "$TMP/env" "$TMP/env.ini" >/dev/null
expect_eq "the program's GODEBUG" "$(cat "$TMP/prog.env" 2>/dev/null)" "madvdontneed=1,gctrace=1"
expect_eq "the load's MYVAR and GODEBUG" "$(cat "$TMP/load.env" 2>/dev/null)" \
  "fromcfg madvdontneed=1"
finish
