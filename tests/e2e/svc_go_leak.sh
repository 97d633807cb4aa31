# A Go HTTP server under its load client: the leaky handler leaves one goroutine
# blocked in [chan send] per request, holding 32 KiB (go-service); the fixed twin
# leaves none. With go-runtime = gctrace,dump brink must see the leak in the
# live heap and name the handler in the goroutine dump.
. "$(dirname "$0")/lib.sh"
for p in go-service go-load-client; do
  [ -x "$BRINK_SCENARIO_DIR/$p" ] || skip "$p not built (no Go toolchain)"
done
N=2400
port=$((20000 + RANDOM % 20000))
run() { # out-dir brink-options... [-- go-service options]
  local out=$1; shift
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  # leak-rss-slope 2M as in seed.ini: a leak-free Go server's RSS creeps by up to
  # ~350 KiB/s under this load (seen here), above the 256K default.
  "$BRINK" exec --quiet --no-progress --out "$out" --memory 512M --leak-rss-slope 2M \
    --ready "tcp:127.0.0.1:$port" --ready-timeout 10s --stop-grace 3s \
    --load "go-load-client -url http://127.0.0.1:$port/work -n $N -c 4 -rate 1200" \
    --go-runtime gctrace,dump "${opts[@]}" -- go-service --port "$port" "$@"
}
run "$TMP/leaky" --metrics-url "http://127.0.0.1:$port/metrics" --metrics-interval 200ms \
  --metrics go_goroutines,go_memstats_heap_inuse_bytes,service_requests_total
s="$TMP/leaky/summary.csv"
expect_eq "leaky outcome" "$(field "$s" outcome)" stopped
expect_eq "leaky load_status" "$(field "$s" load_status)" ok
expect_eq "leaky leak" "$(field "$s" leak)" yes
case "$(field "$s" leak_metrics)" in *go_heap*) ok "go_heap in leak_metrics" ;;
  *) fail "leak_metrics $(field "$s" leak_metrics) lacks go_heap" ;; esac
grep -q "^$N requests, 0 failed" "$TMP/leaky/go-service/1/load-stdout.log" &&
  ok "the load made $N requests" || fail "load stdout: $(cat "$TMP/leaky/go-service/1/load-stdout.log")"
# The live heap rises by what the blocked workers hold: 32 KiB each. A GC comes
# when the heap reaches twice the last live heap, so the last GC saw at least
# about half of the final live heap; a quarter leaves room for MB rounding.
awk -F, -v n="$N" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "go_heap_live_bytes") c = i; next }
  $c != "" { if (first == "") first = $c; last = $c }
  END { if (c == "" || first == "") exit 2; exit !(last - first >= n / 4 * 32768) }' \
  "$TMP/leaky/go-service/1/samples.csv" &&
  ok "go_heap_live_bytes rose by >= N/4 x 32 KiB" || fail "go_heap_live_bytes did not rise enough"
gor=$(field "$s" goroutines)
top=$(field "$s" goroutines_top)
case "$top" in *"[chan send] main.leakyHandler.func1 at main.go:"*) ok "top group: $top" ;;
  *) fail "goroutines_top: '$top'" ;; esac
blocked=${top%% *}
[ "$blocked" -ge $((N * 9 / 10)) ] && [ "$blocked" -le "$N" ] &&
  ok "$blocked of $N requests left a blocked goroutine" || fail "blocked goroutines: $blocked"
grep -q "main.leakyHandler.func1" "$TMP/leaky/go-service/1/goroutines.txt" &&
  ok "goroutines.txt names the handler" || fail "goroutines.txt"
grep -q "^$blocked \[chan send\] main.leakyHandler.func1" "$TMP/leaky/report.md" &&
  ok "report.md lists the goroutine groups" || fail "report.md has no goroutine groups"
grep -q '^SIGQUIT: quit' "$TMP/leaky/go-service/1/stderr.log" && ok "stderr.log keeps the dump" ||
  fail "no dump in stderr.log"
grep -q '^gc 1 @' "$TMP/leaky/go-service/1/stderr.log" && ok "stderr.log keeps the gctrace lines" ||
  fail "no gctrace in stderr.log"
# The OS view: a handful of threads for thousands of goroutines.
[ "$(field "$s" peak_threads)" -le 20 ] && [ "$gor" -gt 1000 ] &&
  ok "$gor goroutines on $(field "$s" peak_threads) threads" || fail "threads $(field "$s" peak_threads), goroutines $gor"

# metrics.csv: the server's own go_goroutines climbs with the requests.
m="$TMP/leaky/go-service/1/metrics.csv"
expect_eq "metrics.csv header" "$(head -1 "$m")" \
  "t_s,go_goroutines,go_memstats_heap_inuse_bytes,service_requests_total"
rows=$(($(wc -l <"$m") - 1))
[ "$rows" -ge 4 ] && ok "$rows scrapes" || fail "$rows scrapes"
awk -F, 'NR == 2 { g0 = $2 } NR > 1 { g = $2; r = $4 } END { exit !(g0 < 50 && g >= r * 0.9 && r > 1000) }' "$m" &&
  ok "go_goroutines rose with service_requests_total" || fail "metrics.csv: $(tail -2 "$m")"

run "$TMP/fixed" --metrics-url "http://127.0.0.1:$port/debug/pprof/goroutine?debug=1" \
  --metrics pprof_goroutines --metrics-interval 200ms -- --fixed
s="$TMP/fixed/summary.csv"
expect_eq "fixed outcome" "$(field "$s" outcome)" stopped
expect_eq "fixed load_status" "$(field "$s" load_status)" ok
expect_eq "fixed leak" "$(field "$s" leak)" no
gor=$(field "$s" goroutines)
[ -n "$gor" ] && [ "$gor" -lt 50 ] && ok "fixed: $gor goroutines" || fail "fixed goroutines: '$gor'"
# The fixed twin's fd count is flat over the load window (readiness + 500 ms
# warm-up to the stop): the load client keeps one connection per client for
# all its requests, so the server holds the same sockets throughout and an fd
# trend can only be the server's own.
e="$TMP/fixed/go-service/1/events.csv"
a=$(awk -F, '$2 == "ready" { print $1 + 0.5; exit }' "$e")
b=$(awk -F, '$2 == "stop" { print $1; exit }' "$e")
w=$(awk -F, -v a="$a" -v b="$b" 'NR > 1 && $1 >= a && $1 < b { if (n++ == 0 || $4 < lo) lo = $4; if ($4 > hi) hi = $4 }
  END { print n + 0, lo, hi }' "$TMP/fixed/go-service/1/samples.csv")
set -- $w
[ "$1" -ge 20 ] && [ "$2" = "$3" ] && ok "fixed: $2 fds throughout the load window ($1 samples)" ||
  fail "fixed: fds in the load window (samples, min, max): $w"
m="$TMP/fixed/go-service/1/metrics.csv"
awk -F, 'NR > 1 && $2 != "" { n++; if ($2 > max) max = $2 } END { exit !(n >= 4 && max < 50) }' "$m" &&
  ok "fixed: pprof goroutine totals stay small" || fail "fixed metrics.csv: $(cat "$m")"

# A URL that is not a metrics page: each scrape fails, with the reason.
"$BRINK" exec --quiet --no-progress --out "$TMP/bad" --ready "tcp:127.0.0.1:$port" \
  --metrics-url "http://127.0.0.1:$port/nothing-here" --metrics-interval 100ms --duration 1s \
  -- go-service --fixed --port "$port"
grep -q ',scrape-failed,.*404' "$TMP/bad/go-service/1/events.csv" && ok "a 404 is a scrape-failed event" ||
  fail "events: $(grep scrape "$TMP/bad/go-service/1/events.csv" | head -2)"
expect_eq "duration outcome" "$(field "$TMP/bad/summary.csv" outcome)" stopped
finish
