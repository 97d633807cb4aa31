# search_rule.sh - the pass rule of a search is the same for every resource:
# a run that hits its limit broke, even when the program carries on and exits
# 0. Two programs that always exit 0:
# - one that opens 50 files and stops at EMFILE: it completes without hitting
#   nofile with its baseline (which it prints) + 50 where the kernel's failing
#   calls are watched (no open failed there), + 51 without the watcher (at
#   baseline + 50 every fd number is taken, which cannot then be told from a
#   failed open);
# - thread-try 3, which runs with the threads pthread_create gave it: it
#   completes without a refused clone only under pids = 1 + 3.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3 (the EMFILE-tolerant program)"
have_controller pids || skip "no usable pids cgroup controller"

cat >"$TMP/fd.py" <<'PY'
import os
base = len(os.listdir('/proc/self/fd')) - 1  # without listdir's own fd
fds = []
try:
    for i in range(50):
        fds.append(os.open('/dev/null', os.O_RDONLY))
except OSError as e:
    print('degraded after', len(fds), e.strerror)
print('baseline', base)
PY
"$BRINK" search nofile 8..128 --name fd --quiet --no-progress --no-plots --out "$TMP/f" \
  -- python3 "$TMP/fd.py" >"$TMP/log-f" 2>&1
expect_eq "nofile: status" "$?" 0
expect_eq "nofile: every run exited 0" "$(cut -d, -f3,4 "$TMP/f/summary.csv" | tail -n +2 | sort -u)" "exited,0"
base=$(sed -n 's/^baseline //p' "$TMP/f/fd.nofile=128/1/stdout.log")
[ -n "$base" ] && ok "baseline $base" || fail "no baseline printed"
if grep -q "^syscalls = .*\(not watched\|switched off\|unavailable\|cannot\)" "$TMP/f/run.ini" ||
  ! grep -q "^syscalls = " "$TMP/f/run.ini"; then
  expect_eq "nofile, not watched: smallest passing = baseline + 50 + 1" \
    "$(field "$TMP/f/search.csv" pass_limit)" $((base + 51))
else
  expect_eq "nofile, watched: smallest passing = baseline + 50" \
    "$(field "$TMP/f/search.csv" pass_limit)" $((base + 50))
fi
grep -q "degraded after" "$TMP/f/fd.nofile=008/1/stdout.log" &&
  ok "at 8 the program met EMFILE and carried on" || fail "8: $(cat "$TMP/f/fd.nofile=008/1/stdout.log")"

"$BRINK" search pids 1..16 --name thr --quiet --no-progress --no-plots --out "$TMP/p" \
  -- "$BRINK_PROG_DIR/thread-try" 3 >"$TMP/log-p" 2>&1
expect_eq "pids: status" "$?" 0
expect_eq "pids: every run exited 0" "$(cut -d, -f3,4 "$TMP/p/summary.csv" | tail -n +2 | sort -u)" "exited,0"
expect_eq "pids: smallest passing = 1 + 3" "$(field "$TMP/p/search.csv" pass_limit)" 4
grep -qx "started 2 of 3 threads (pthread_create: Resource temporarily unavailable)" \
  "$TMP/p/thr.pids=03/1/stdout.log" && ok "at 3 a thread was refused, the program went on" ||
  fail "3: $(cat "$TMP/p/thr.pids=03/1/stdout.log")"
finish
