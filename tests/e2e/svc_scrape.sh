# metrics-url problems are said, not silent: failed scrapes are counted once per
# run on the terminal and in report.md; a pprof page without
# metrics = pprof_goroutines, and a page without any of the metrics names, say
# what they held instead of writing empty rows.
. "$(dirname "$0")/lib.sh"
[ -x "$BRINK_SCENARIO_DIR/go-service" ] || skip "go-service not built (no Go toolchain)"
port=$((20000 + RANDOM % 20000))
run() { # DIR URL [exec options...]
  local d=$1 u=$2
  shift 2
  "$BRINK" exec --no-progress --out "$d" --ready "tcp:127.0.0.1:$port" --metrics-url "$u" \
    --metrics-interval 100ms --duration 1s "$@" -- go-service --fixed --port "$port" \
    >"$d.out" 2>&1
}
nfail() { grep -c ',scrape-failed,' "$1/go-service/1/events.csv"; }

# A 404 at every scrape: one line with the count, and report.md says it too.
run "$TMP/404" "http://127.0.0.1:$port/nothing-here"
n=$(nfail "$TMP/404")
[ "$n" -ge 3 ] && ok "$n failed scrapes in events.csv" || fail "$n scrape-failed events"
c=$(grep -c "scrape(s) of metrics-url failed" "$TMP/404.out")
expect_eq "terminal lines about failed scrapes" "$c" 1
grep -q "warning: $n scrape(s) of metrics-url failed.*the first: HTTP status 404" "$TMP/404.out" &&
  ok "the terminal gives the count and the reason" || fail "terminal: $(cat "$TMP/404.out")"
grep -q "$n failed (\`scrape-failed\` in events.csv); the first: HTTP status 404" \
  "$TMP/404/report.md" && ok "report.md says it" ||
  fail "report.md: $(grep -i scrape "$TMP/404/report.md")"

# pprof's goroutine page with the default metrics names: said, with its total.
run "$TMP/pprof" "http://127.0.0.1:$port/debug/pprof/goroutine?debug=1"
grep -q ',scrape-failed,.*a pprof goroutine profile (total [0-9]*).*pprof_goroutines' \
  "$TMP/pprof/go-service/1/events.csv" && ok "pprof without pprof_goroutines: said" ||
  fail "events: $(grep scrape "$TMP/pprof/go-service/1/events.csv" | head -2)"
rows=$(awk -F, 'NR > 1 && $2 == "" && $3 == ""' "$TMP/pprof/go-service/1/metrics.csv" | wc -l)
expect_eq "empty rows in metrics.csv" "$rows" 0

# /metrics, none of the names asked for: what it had instead.
run "$TMP/none" "http://127.0.0.1:$port/metrics" --metrics no_such_metric
grep -q ',scrape-failed,.*none of the metrics names in the body.*go_goroutines' \
  "$TMP/none/go-service/1/events.csv" && ok "no name found: the body's names said" ||
  fail "events: $(grep scrape "$TMP/none/go-service/1/events.csv" | head -2)"

# The page that works: no failure, no warning.
run "$TMP/good" "http://127.0.0.1:$port/metrics"
expect_eq "a good page: failed scrapes" "$(nfail "$TMP/good")" 0
grep -q "scrape(s) of metrics-url failed" "$TMP/good.out" && fail "warned about a good page" ||
  ok "no warning for a good page"
finish
