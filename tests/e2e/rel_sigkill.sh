# brink killed with SIGKILL mid-run. The main program dies with it
# (PR_SET_PDEATHSIG, PTRACE_O_EXITKILL); what it forked survives, still inside
# the run's cgroup, until the next brink finds the groups of the dead brink,
# kills what is inside and removes them, saying so. A live brink's groups are
# never touched.
. "$(dirname "$0")/lib.sh"
have_controller pids || have_controller memory || skip "no usable cgroup controller"
marker="brink-kill-$$-$RANDOM"
prog="$TMP/$marker"
cp /bin/sleep "$prog"
# live PATTERN: processes, not zombies, whose command line starts with PATTERN
# (anchored, so brink's own command line, which holds it too, never matches).
live() {
  for p in $(pgrep -f "^$1"); do
    st=$(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    [ -n "$st" ] && [ "$st" != Z ] && echo "$p"
  done
}
groups_of() { find /sys/fs/cgroup -maxdepth 6 -type d -name "brink-$1-*" 2>/dev/null | sort; }
wait_running() { # PATTERN COUNT: until COUNT processes match
  for _ in $(seq 100); do [ "$(live "$1" | wc -l)" -ge "$2" ] && return 0; sleep 0.05; done
  return 1
}
# removed STDERR-FILE DEAD-PID HAD-GROUPS: the groups of the dead brink are
# gone, and the next brink said so if they were still there when it started
# (under ctest -j, a brink of another test starting in between may have
# removed them first; it says so on its own stderr).
removed() {
  if grep -q "removed .*brink-$2-.*, left by brink $2 which is gone" "$1"; then
    ok "the next brink says it removed the groups of brink $2"
  elif [ -n "$3" ]; then
    fail "no removal message for brink $2: $(cat "$1")"
  else
    skip_part "removal message for brink $2" "its groups were removed by another brink before ours"
  fi
  local left
  left=$(groups_of "$2")
  [ -z "$left" ] && ok "no cgroup of brink $2 left" || fail "cgroups of brink $2 left: $left"
}

# A live brink, started first, whose groups no cleanup may touch.
"$BRINK" exec --quiet --no-progress --timeout 60s --out "$TMP/live" -- "$prog" 301 2>/dev/null &
alive=$!
wait_running "$prog 301" 1 || fail "the live brink's program did not start"
before=$(groups_of "$alive")
[ -n "$before" ] || fail "the live brink has no cgroup"

# 1. A single program: it dies with brink.
"$BRINK" exec --quiet --no-progress --timeout 60s --out "$TMP/one" -- "$prog" 100 2>/dev/null &
bp=$!
wait_running "$prog 100" 1 || fail "the program did not start"
kill -KILL "$bp"
wait "$bp" 2>/dev/null
sleep 0.3
[ -z "$(live "$prog 100")" ] && ok "the main program died with brink" ||
  fail "the main program survived: $(pgrep -af "^$prog 100")"
[ -n "$(groups_of "$bp")" ] || fail "brink $bp left no cgroup behind (expected after SIGKILL)"
dead1=$bp

# 2. A forking program: what it forked survives, contained in the dead brink's
# groups. This brink's start also cleans up after the first one.
had1=$(groups_of "$dead1")
"$BRINK" exec --quiet --no-progress --timeout 60s --shell yes --out "$TMP/fork" -- \
  "$prog 201 & $prog 202 & $prog 203" 2>"$TMP/fork.err" &
bp=$!
wait_running "$prog 20" 3 || fail "the forking program did not start"
kill -KILL "$bp"
wait "$bp" 2>/dev/null
sleep 0.3
echo "note: $(live "$prog 20" | wc -l) process(es) of the forking program outlived brink $bp"
[ -n "$(groups_of "$bp")" ] || fail "brink $bp left no cgroup: its survivors are not contained"
dead2=$bp
removed "$TMP/fork.err" "$dead1" "$had1"

# 3. The next brink removes the second dead brink's groups and kills the survivors.
had2=$(groups_of "$dead2")
"$BRINK" exec --quiet --no-progress --out "$TMP/next" -- /bin/true 2>"$TMP/next.err"
expect_eq "next brink exit status" "$?" 0
removed "$TMP/next.err" "$dead2" "$had2"
sleep 0.3
[ -z "$(live "$prog 20")" ] && ok "the orphans were killed" ||
  fail "orphans survived the cleanup: $(pgrep -af "^$prog 20")"

# The live brink was left alone.
cat "$TMP/fork.err" "$TMP/next.err" | grep -q "brink $alive " && fail "a cleanup named the live brink $alive"
expect_eq "live brink's groups" "$(groups_of "$alive")" "$before"
[ -n "$(live "$prog 301")" ] && ok "the live brink's program still runs" || fail "the live brink's program was killed"
kill -TERM "$alive"
wait "$alive"
expect_eq "live brink, interrupted: exit status" "$?" 130
expect_eq "live brink outcome" "$(field "$TMP/live/summary.csv" outcome)" interrupted
finish
