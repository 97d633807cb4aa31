# Runs after every other end-to-end test (ctest fixture cleanup): nothing that the
# brinks of this suite created may be left, no cgroup and no process. Only the
# brinks this suite started count (lib.sh registers each one's pid and start time
# in $BRINK_REGISTRY): other brinks on the machine, running or dead, are not ours
# to judge.
. "$(dirname "$0")/lib.sh"
[ -s "$BRINK_REGISTRY" ] || skip "no brink of this suite registered in $BRINK_REGISTRY (no test ran before this one)"
ours() { grep -qx "$1 $2" "$BRINK_REGISTRY"; }
alive() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)" = "$2" ]; }
left="" running="" others=0
for d in $(find /sys/fs/cgroup -maxdepth 8 -type d -name "brink-[0-9]*-[0-9]*" 2>/dev/null); do
  n=${d##*/brink-}; pid=${n%%-*}; start=${n#*-}
  if ! ours "$pid" "$start"; then
    others=$((others + 1))
  elif alive "$pid" "$start"; then
    running="$running $pid"
  else
    left="$left $d"
  fi
done
echo "$(wc -l <"$BRINK_REGISTRY") brinks of this suite registered; $others group(s) of other brinks ignored"
[ -z "$left" ] && ok "no cgroup of a finished brink of this suite left" || fail "cgroups left:$left"
[ -z "$running" ] && ok "no brink of this suite still running" || fail "brinks still running:$running"
procs=""
for p in /proc/[0-9]*; do
  exe=$(readlink "$p/exe" 2>/dev/null) || continue
  case "$exe" in "$BRINK_SCENARIO_DIR"/* | "$BRINK_PROG_DIR"/*) procs="$procs ${p#/proc/}:$exe" ;; esac
done
[ -z "$procs" ] && ok "no scenario or test program alive" || fail "processes left:$procs"
pgrep -f "brink-teardown-" >/dev/null && fail "teardown test processes alive" || ok "no teardown test process alive"
# The next suite run starts from an empty registry; after a failure it is kept so
# that the leftovers can be looked at and this check repeated.
[ "$failures" -eq 0 ] && : >"$BRINK_REGISTRY"
finish
