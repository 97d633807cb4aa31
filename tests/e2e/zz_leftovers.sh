# Runs after every other end-to-end test (ctest fixture cleanup): nothing that
# brink created may be left, no cgroup and no process.
. "$(dirname "$0")/lib.sh"
# A group belongs to a dead brink when no process has its pid and start time
# (another brink running on this machine is left alone, as brink itself does).
left=""
for d in $(find /sys/fs/cgroup -maxdepth 8 -type d -name "brink-[0-9]*-[0-9]*" 2>/dev/null); do
  n=${d##*/brink-}; pid=${n%%-*}; start=${n#*-}
  now=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$pid/stat" 2>/dev/null)
  [ "$now" = "$start" ] || left="$left $d"
done
[ -z "$left" ] && ok "no cgroup of a finished brink left" || fail "cgroups left:$left"
procs=""
if [ -d "$BRINK_SCENARIO_DIR" ]; then
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$exe" in "$BRINK_SCENARIO_DIR"/*) procs="$procs ${p#/proc/}:$exe" ;; esac
  done
fi
[ -z "$procs" ] && ok "no scenario process alive" || fail "processes left:$procs"
pgrep -f "brink-teardown-" >/dev/null && fail "teardown test processes alive" || ok "no teardown test process alive"
finish
