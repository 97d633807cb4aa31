# The stop: a server that ignores SIGTERM is killed after stop-grace; a load
# that fails is reported as failed; with go-runtime = dump a timeout sends
# SIGQUIT first, and the dump is read.
. "$(dirname "$0")/lib.sh"
[ -x "$BRINK_SCENARIO_DIR/go-service" ] && [ -x "$BRINK_SCENARIO_DIR/go-load-client" ] ||
  skip "go-service / go-load-client not built (no Go toolchain)"
port=$((20000 + RANDOM % 20000))
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
evt() { awk -F, -v e="$2" '$2 == e { print $1; exit }' "$1"; } # time of the first event e

# Ignores SIGTERM: SIGTERM at the load's end, SIGKILL 1 s later.
"$BRINK" exec --quiet --no-progress --out "$TMP/ign" --ready "tcp:127.0.0.1:$port" \
  --stop-grace 1s --load "go-load-client -url http://127.0.0.1:$port/work -n 10 -c 1" \
  -- go-service --fixed --ignore-term --port "$port"
s="$TMP/ign/summary.csv"
e="$TMP/ign/go-service/1/events.csv"
expect_eq "ignoring outcome" "$(field "$s" outcome)" stopped
expect_eq "ignoring signal" "$(field "$s" signal)" 9
t_stop=$(evt "$e" stop)
t_kill=$(evt "$e" kill)
gap=$(awk -v a="$t_stop" -v b="$t_kill" 'BEGIN { print b - a }')
[ -n "$t_stop" ] && [ -n "$t_kill" ] && ge "$gap" 1 && lt "$gap" 3 &&
  ok "SIGKILL $gap s after SIGTERM (grace 1 s)" || fail "stop at '$t_stop', kill at '$t_kill'"
grep -q ',stop,15,' "$e" && ok "the stop signal was SIGTERM" || fail "no stop,15 event"
grep -q ',stop-grace-expired,' "$e" && ok "stop-grace-expired event" || fail "no stop-grace-expired"

# A failing load: every request gets 404, the client exits 1.
"$BRINK" exec --no-progress --out "$TMP/fail" --ready "tcp:127.0.0.1:$port" \
  --load "go-load-client -url http://127.0.0.1:$port/missing -n 5 -c 1" \
  -- go-service --fixed --port "$port" >"$TMP/fail.out"
expect_eq "failing load: brink's exit status" "$?" 1
grep -q "load failed (exit 1)" "$TMP/fail.out" && ok "the table says the load failed" ||
  fail "table: $(cat "$TMP/fail.out")"
s="$TMP/fail/summary.csv"
expect_eq "failing load_status" "$(field "$s" load_status)" failed
expect_eq "failing load_exit_code" "$(field "$s" load_exit_code)" 1
expect_eq "failing outcome" "$(field "$s" outcome)" stopped
grep -q "404" "$TMP/fail/go-service/1/load-stderr.log" && ok "load-stderr.log says why" ||
  fail "load-stderr.log: $(cat "$TMP/fail/go-service/1/load-stderr.log")"
d=$(field "$s" load_duration_s)
[ -n "$d" ] && lt "$d" 10 && ok "load_duration_s $d" || fail "load_duration_s '$d'"

# A load that cannot be executed is refused before anything runs.
"$BRINK" exec --quiet --no-progress --out "$TMP/noload" --load no-such-load-program -- /bin/true \
  2>"$TMP/noload.err"
expect_eq "missing load exit status" "$?" 2
grep -q "load: cannot run no-such-load-program" "$TMP/noload.err" && ok "missing load named" ||
  fail "stderr: $(cat "$TMP/noload.err")"

# go-runtime = dump and a timeout: SIGQUIT, the dump, exit status 2 from Go.
"$BRINK" exec --quiet --no-progress --out "$TMP/to" --timeout 1s --go-runtime dump \
  -- go-goroutine --rate 200 --duration 30s
s="$TMP/to/summary.csv"
expect_eq "dump outcome" "$(field "$s" outcome)" timeout
expect_eq "dump exit_code (Go's SIGQUIT)" "$(field "$s" exit_code)" 2
grep -q ',stop,3,timeout' "$TMP/to/go-goroutine/1/events.csv" && ok "SIGQUIT at the timeout" ||
  fail "no stop,3 event"
top=$(field "$s" goroutines_top)
case "$top" in *"[sleep] main.main.func1 at main.go:"*) ok "dump read: $top" ;;
  *) fail "goroutines_top '$top'" ;; esac
n=${top%% *}
[ "$n" -ge 100 ] && [ "$n" -le 260 ] && ok "$n sleeping goroutines after 1 s at 200/s" ||
  fail "$n sleeping goroutines"
# ^C with go-runtime = dump: SIGQUIT and the dump first, outcome interrupted,
# brink's exit status 130.
"$BRINK" exec --quiet --no-progress --out "$TMP/int" --go-runtime dump \
  -- go-goroutine --rate 200 --duration 0 &
bp=$!
sleep 1.5
kill -INT "$bp"
wait "$bp"
expect_eq "^C exit status" "$?" 130
s="$TMP/int/summary.csv"
expect_eq "^C outcome" "$(field "$s" outcome)" interrupted
expect_eq "^C exit_code (Go's SIGQUIT)" "$(field "$s" exit_code)" 2
case "$(field "$s" goroutines_top)" in *"[sleep] main.main.func1"*) ok "^C: the dump was read" ;;
  *) fail "^C goroutines_top '$(field "$s" goroutines_top)'" ;; esac
finish
