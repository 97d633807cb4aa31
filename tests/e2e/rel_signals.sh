# SIGINT, SIGTERM and SIGHUP to a running `brink run`: exit status 130, the
# results so far complete (summary.csv committed, the interrupted run marked
# `interrupted`), no process of the run alive, no cgroup of that brink left.
. "$(dirname "$0")/lib.sh"
marker="brink-sig-$$-$RANDOM"
cp "$BRINK_SCENARIO_DIR/mem-hog" "$TMP/$marker" # a unique name to look for
cat >"$TMP/sig.ini" <<INI
[defaults]
interval = 20ms
[scenario first]
command = $TMP/$marker --fixed --rate 10 --max 100 --duration 500ms
[scenario second]
command = $TMP/$marker --fixed --rate 10 --max 100 --duration 5s
[scenario third]
command = $TMP/$marker --fixed --rate 10 --max 100 --duration 5s
INI
for sig in INT TERM HUP; do
  out="$TMP/$sig"
  "$BRINK" run --quiet --no-progress --out "$out" "$TMP/sig.ini" 2>"$TMP/$sig.err" &
  bp=$!
  # Wait until the second scenario's program runs, then signal brink.
  for _ in $(seq 100); do [ -e "$out/second/1/events.csv.part" ] && break; sleep 0.05; done
  sleep 0.5
  kill -s "$sig" "$bp"
  wait "$bp"
  expect_eq "SIG$sig: exit status" "$?" 130
  s="$out/summary.csv"
  if [ -f "$s" ] && [ ! -e "$s.part" ]; then ok "SIG$sig: summary.csv committed"; else fail "SIG$sig: no complete summary.csv: $(ls "$out")"; fi
  expect_eq "SIG$sig: rows" "$(($(wc -l <"$s") - 1))" 2
  expect_eq "SIG$sig: first outcome" "$(field "$s" outcome 1)" exited
  expect_eq "SIG$sig: second scenario" "$(field "$s" scenario 2)" second
  expect_eq "SIG$sig: second outcome" "$(field "$s" outcome 2)" interrupted
  # events.csv: the interrupted event carries the signal number brink got.
  got=$(awk -F, '$2 == "interrupted" { print $3 }' "$out/second/1/events.csv" 2>/dev/null)
  expect_eq "SIG$sig: interrupted event's signal" "$got" "$(kill -l "$sig")"
  part=$(find "$out" -name '*.part')
  [ -z "$part" ] && ok "SIG$sig: no .part file left" || fail "SIG$sig: left: $part"
  [ -d "$out/third" ] && fail "SIG$sig: the third scenario was started" || ok "SIG$sig: nothing run after"
  grep -q "interrupted" "$TMP/$sig.err" && ok "SIG$sig: says interrupted" || fail "SIG$sig: stderr: $(cat "$TMP/$sig.err")"
  sleep 0.1
  if pgrep -f "$marker" >/dev/null; then fail "SIG$sig: processes left: $(pgrep -af "$marker")"; else ok "SIG$sig: no process left"; fi
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "brink-$bp-*" 2>/dev/null)
  [ -z "$left" ] && ok "SIG$sig: no cgroup of brink $bp left" || fail "SIG$sig: cgroups left: $left"
done
finish
