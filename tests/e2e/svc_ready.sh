# Readiness: by port, by delay, by a stdout line; a program that never becomes
# ready ends as not-ready within ready-timeout, and its load never starts.
. "$(dirname "$0")/lib.sh"
[ -x "$BRINK_SCENARIO_DIR/go-service" ] && [ -x "$BRINK_SCENARIO_DIR/go-load-client" ] ||
  skip "go-service / go-load-client not built (no Go toolchain)"
port=$((20000 + RANDOM % 20000))
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; } # a >= b
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }  # a < b

# By port: the server listens only after 400 ms; the load must find it.
"$BRINK" exec --quiet --no-progress --out "$TMP/tcp" --ready "tcp:127.0.0.1:$port" \
  --load "go-load-client -url http://127.0.0.1:$port/work -n 20 -c 1" \
  -- go-service --fixed --port "$port" --listen-after 400ms
s="$TMP/tcp/summary.csv"
expect_eq "tcp outcome" "$(field "$s" outcome)" stopped
expect_eq "tcp load_status" "$(field "$s" load_status)" ok
expect_eq "tcp exit_code (SIGTERM handled)" "$(field "$s" exit_code)" 0
r=$(field "$s" ready_s)
ge "$r" 0.4 && lt "$r" 3 && ok "ready by port at $r s (listens at 0.4 s)" || fail "tcp ready_s $r"
grep -q "SIGTERM, stopping" "$TMP/tcp/go-service/1/stdout.log" && ok "the server got SIGTERM" ||
  fail "no SIGTERM seen by the server"

# By delay: a program that is not a server at all.
"$BRINK" exec --quiet --no-progress --out "$TMP/delay" --ready delay:500ms --load /bin/true \
  -- /bin/sleep 30
s="$TMP/delay/summary.csv"
expect_eq "delay outcome" "$(field "$s" outcome)" stopped
expect_eq "delay signal (SIGTERM)" "$(field "$s" signal)" 15
r=$(field "$s" ready_s)
ge "$r" 0.5 && lt "$r" 2 && ok "ready by delay at $r s" || fail "delay ready_s $r"
d=$(field "$s" duration_s)
lt "$d" 5 && ok "stopped after the load, at $d s (not after 30 s)" || fail "delay duration $d"

# By a stdout line, printed after 600 ms.
"$BRINK" exec --quiet --no-progress --out "$TMP/stdout" --shell yes \
  --ready 'stdout:^ready on port [0-9]+$' --load 'echo load ran' \
  -- 'sleep 0.6; echo "starting"; echo "ready on port 99"; exec sleep 30'
s="$TMP/stdout/summary.csv"
expect_eq "stdout outcome" "$(field "$s" outcome)" stopped
r=$(field "$s" ready_s)
ge "$r" 0.6 && lt "$r" 3 && ok "ready by stdout at $r s" || fail "stdout ready_s $r"
grep -qx "load ran" "$TMP"/stdout/*/1/load-stdout.log && ok "load output in load-stdout.log" ||
  fail "load-stdout.log: $(cat "$TMP"/stdout/*/1/load-stdout.log 2>&1)"

# Never ready: nothing listens on the port.
start=$(date +%s.%N)
"$BRINK" exec --quiet --no-progress --out "$TMP/never" --ready "tcp:127.0.0.1:$((port + 1))" \
  --ready-timeout 1s --load /bin/true -- /bin/sleep 30 2>"$TMP/never.err"
rc=$?
end=$(date +%s.%N)
# the load never ran: the program was not driven, as for a load that failed
expect_eq "never ready with a load: brink's exit status" "$rc" 1
grep -q "load not started: the program was never ready (not-ready)" "$TMP/never.err" &&
  ok "stderr says the load never started" || fail "stderr: $(cat "$TMP/never.err")"
"$BRINK" help exit-codes | grep -q "never started" && ok "help exit-codes names it" ||
  fail "help exit-codes: $("$BRINK" help exit-codes)"
# without a load there is nothing left undriven: measured, exit 0
"$BRINK" exec --quiet --no-progress --out "$TMP/never0" --ready "tcp:127.0.0.1:$((port + 1))" \
  --ready-timeout 300ms -- /bin/sleep 30 >/dev/null
expect_eq "never ready without a load: exit status" "$?" 0
s="$TMP/never/summary.csv"
expect_eq "never outcome" "$(field "$s" outcome)" not-ready
expect_eq "never load_status" "$(field "$s" load_status)" not-started
expect_eq "never ready_s" "$(field "$s" ready_s)" ""
d=$(field "$s" duration_s)
ge "$d" 1 && lt "$d" 2 && ok "ended at $d s, ready-timeout 1 s" || fail "never duration $d"
lt "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" 5 && ok "brink returned promptly" ||
  fail "brink took $start..$end"
finish
