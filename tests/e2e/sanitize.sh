# sanitize.sh - brink under AddressSanitizer + UndefinedBehaviorSanitizer +
# LeakSanitizer: build brink and the unit tests with BRINK_SANITIZE=ON (gcc) in
# $BRINK_BUILD_DIR/asan-build, run every unit test there, then brink itself on real
# runs (fd exhaustion, OOM, pids limit, a bad config, a config run, compare, plot,
# report). Any sanitizer report fails the test. brink is the tracer, never the
# tracee, so LeakSanitizer (which needs ptrace on brink's own threads) works here.
# The scenarios come from the normal build: only brink is under test.
. "$(dirname "$0")/lib.sh"
src=$BRINK_SOURCE_DIR
asan="$BRINK_BUILD_DIR/asan-build"

# halt_on_error: the first finding ends the process, so no report scrolls past;
# exitcode 86 tells a sanitizer's exit from brink's own 0/1/2.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
sanitizer_re='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer'

units=()
for f in "$src"/tests/unit/test_*.c; do
  [ -e "$f" ] && units+=("$(basename "$f" .c)")
done
# Whether this compiler can build and run a sanitized program at all is asked of
# an empty program first: only that is a reason to skip. Once it can, any failure
# to build brink with the sanitizers is a failure of the test.
cc=$(command -v "${CC:-cc}") || skip "no C compiler (${CC:-cc}) to build the sanitizer tree"
echo 'int main(void) { return 0; }' >"$TMP/probe.c"
"$cc" -fsanitize=address,undefined "$TMP/probe.c" -o "$TMP/probe" 2>"$TMP/probe.err" &&
  "$TMP/probe" 2>>"$TMP/probe.err" ||
  skip "$cc cannot build and run a program with -fsanitize=address,undefined: $(head -3 "$TMP/probe.err")"
if ! { cmake -S "$src" -B "$asan" -DBRINK_SANITIZE=ON -DBRINK_GO_SCENARIOS=OFF \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$asan" -j"$(nproc)" --target brink "${units[@]}"; } >"$TMP/build.log" 2>&1; then
  tail -30 "$TMP/build.log" >&2
  fail "the BRINK_SANITIZE build failed (log above)"
  finish
fi
ok "built brink and ${#units[@]} unit tests with ASan + UBSan"

# clean NAME RC WANT: no sanitizer report in $TMP/NAME.err and exit status WANT.
clean() {
  local name=$1 rc=$2 want=$3
  if grep -Eq "$sanitizer_re" "$TMP/$name.err"; then
    fail "$name: sanitizer report:"
    grep -E -A30 "$sanitizer_re" "$TMP/$name.err" | head -60 >&2
  elif [ "$rc" != "$want" ]; then
    fail "$name: exit status $rc, want $want: $(tail -5 "$TMP/$name.err")"
  else
    ok "$name: exit $rc, no sanitizer report"
  fi
}

# 1. The unit tests (cmocka), with the environment ctest gives them.
for t in "${units[@]}"; do
  [ -x "$asan/tests/$t" ] || { fail "$t was not built"; continue; }
  BRINK_GOLDEN_DIR="$src/tests/golden" BRINK_SOURCE_DIR="$src" \
    "$asan/tests/$t" >"$TMP/$t.out" 2>"$TMP/$t.err"
  clean "$t" $? 0
done

# 2. brink itself, on real runs.
BRINK=$(brink_wrapper "$asan/brink") # registered for zz_leftovers; have_controller probes with it too
b() { # b NAME WANT brink-args...
  local name=$1 want=$2
  shift 2
  "$BRINK" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  clean "$name" $? "$want"
}
q=(--quiet --no-progress)
b exec-nofile 0 exec "${q[@]}" --name fd --nofile 256 --out "$TMP/fd" -- fd-exhaust
expect_eq "exec-nofile limit_hit" "$(field "$TMP/fd/summary.csv" limit_hit)" nofile
b exec-nofile-fixed 0 exec "${q[@]}" --name fd --nofile 256 --out "$TMP/fd-fixed" -- fd-exhaust --fixed
if have_controller memory; then
  b exec-memory 0 exec "${q[@]}" --memory 64M --out "$TMP/mem" -- mem-hog
  expect_eq "exec-memory outcome" "$(field "$TMP/mem/summary.csv" outcome)" oom-killed
else
  skip_part "OOM run" "no usable memory controller"
fi
if have_controller pids; then
  b exec-pids 0 exec "${q[@]}" --pids 32 --out "$TMP/pids" -- thread-bomb
  expect_eq "exec-pids limit_hit" "$(field "$TMP/pids/summary.csv" limit_hit)" pids
else
  skip_part "pids run" "no usable pids controller"
fi
printf '[scenario x]\ncommand = fd-exhaust\nnofiles = 10\n' >"$TMP/bad.ini"
b bad-key 2 run "${q[@]}" --out "$TMP/bad" "$TMP/bad.ini"
grep -q "bad.ini:3: \[scenario x\] nofiles: unknown key" "$TMP/bad-key.err" &&
  ok "bad-key: the message names file, line and key" ||
  fail "bad-key: unexpected message: $(head -3 "$TMP/bad-key.err")"
[ ! -e "$TMP/bad" ] && ok "bad-key: nothing written" || fail "bad-key: $TMP/bad was written"
b run-smoke 0 run "${q[@]}" --out "$TMP/smoke" "$src/configs/smoke.ini"
# A service under load: readiness by stdout, the load, gctrace, the SIGQUIT dump
# and metrics-url (libcurl) all go through brink's code.
if [ -x "$BRINK_SCENARIO_DIR/go-service" ] && [ -x "$BRINK_SCENARIO_DIR/go-load-client" ]; then
  port=$((20000 + RANDOM % 20000))
  b service 0 exec "${q[@]}" --out "$TMP/svc" --ready 'stdout:^listening on' \
    --load "go-load-client -url http://127.0.0.1:$port/work -n 300 -c 2" --go-runtime gctrace,dump \
    --metrics-url "http://127.0.0.1:$port/metrics" --metrics-interval 50ms -- go-service --port "$port"
  expect_eq "service outcome" "$(field "$TMP/svc/summary.csv" outcome)" stopped
  b service-report 0 report "$TMP/svc"
else
  skip_part "service run" "go-service is not built (no go toolchain?)"
fi
b compare-same 0 compare "$TMP/smoke" "$TMP/smoke"
# The leaky fd run against its fixed twin: a breaking point appears, a regression.
b compare-regressed 1 compare "$TMP/fd-fixed" "$TMP/fd"
b report 0 report "$TMP/smoke"
if command -v gnuplot >/dev/null; then
  b plot 0 plot "$TMP/smoke"
else
  skip_part "brink plot" "gnuplot is not installed"
fi
finish
