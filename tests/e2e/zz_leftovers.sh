# Runs after every other end-to-end test (ctest fixture cleanup): nothing that
# brink created may be left, no cgroup and no process.
. "$(dirname "$0")/lib.sh"
left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "brink-[0-9]*-[0-9]*" 2>/dev/null)
[ -z "$left" ] && ok "no brink cgroup left" || fail "cgroups left: $left"
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
