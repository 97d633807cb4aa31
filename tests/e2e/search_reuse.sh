# search_reuse.sh - what a search takes as evidence, and what --from reuses.
# 1. --from reuses only runs of the same command and settings: a search of a
#    program that needs nofile >= 60, from a search of the same --name whose
#    program needed 40, ignores those runs (and says how many) and answers 60.
# 2. A run brink interrupted, or stopped at its timeout, is no break: the
#    search.csv of an interrupted search has no failing limit, and a search
#    from it runs its limits again and finds the program's answer (40).
. "$(dirname "$0")/lib.sh"

need() { echo "[ \"\$(ulimit -n)\" -ge $1 ]"; }
"$BRINK" search nofile 16..64 --name p --quiet --no-progress --no-plots --out "$TMP/a" \
  -- /bin/sh -c "$(need 40)" >"$TMP/log-a" 2>&1
expect_eq "A: status" "$?" 0
expect_eq "A: answer" "$(field "$TMP/a/search.csv" pass_limit)" 40
runs_a=$(field "$TMP/a/search.csv" runs)
"$BRINK" search nofile 16..64 --name p --from "$TMP/a" --quiet --no-progress --no-plots \
  --out "$TMP/b" -- /bin/sh -c "$(need 60)" >"$TMP/log-b" 2>&1
expect_eq "B: status" "$?" 0
expect_eq "B (other command, --from A): answer" "$(field "$TMP/b/search.csv" pass_limit)" 60
expect_eq "B: reused" "$(field "$TMP/b/search.csv" reused)" 0
grep -q -- "--from $TMP/a: $runs_a runs ignored, not run like this search (.*the command differs" \
  "$TMP/log-b" && ok "B says it ignored A's $runs_a runs" || fail "B: $(cat "$TMP/log-b")"
# The same command under another limit (memory off vs pids) is not reused either.
"$BRINK" search nofile 16..64 --name p --from "$TMP/a" --pids 50 --quiet --no-progress \
  --no-plots --out "$TMP/c" -- /bin/sh -c "$(need 40)" >"$TMP/log-c" 2>&1
expect_eq "C (--pids 50, --from A): reused" "$(field "$TMP/c/search.csv" reused)" 0
grep -q "pids differs" "$TMP/log-c" && ok "C: pids differs" || fail "C: $(cat "$TMP/log-c")"

# 3. Everything reused.
"$BRINK" search nofile 16..64 --name p --from "$TMP/a" --quiet --no-progress --no-plots \
  --out "$TMP/r" -- /bin/sh -c "$(need 40)" >"$TMP/log-r" 2>&1
expect_eq "R (all reused): status" "$?" 0
expect_eq "R: runs" "$(field "$TMP/r/search.csv" runs)" 0
expect_eq "R: reused" "$(field "$TMP/r/search.csv" reused)" "$runs_a"
expect_eq "R: summary rows" "$(($(wc -l <"$TMP/r/summary.csv") - 1))" "$runs_a"
expect_eq "R: the rows are A's" "$(sort "$TMP/r/summary.csv" | md5sum)" "$(sort "$TMP/a/summary.csv" | md5sum)"
[ -L "$TMP/r/p.nofile=40/1" ] && [ -e "$TMP/r/p.nofile=40/1/stdout.log" ] &&
  ok "R: the run folder links to A's" || fail "R: p.nofile=40/1 is not a link to a run"
"$BRINK" compare "$TMP/a" "$TMP/r" >"$TMP/cmp-r" 2>&1
expect_eq "compare A R: exit" "$?" 0
"$BRINK" search nofile 16..64 --name p --from "$TMP/r" --quiet --no-progress --no-plots \
  --out "$TMP/rr" -- /bin/sh -c "$(need 40)" >"$TMP/log-rr" 2>&1
expect_eq "from R: answer" "$(field "$TMP/rr/search.csv" pass_limit)" 40
expect_eq "from R: reused" "$(field "$TMP/rr/search.csv" reused)" "$runs_a"
"$BRINK" search nofile 16..64 --name p --repetitions 3 --from "$TMP/a" --quiet --no-progress \
  --no-plots --out "$TMP/r3" -- /bin/sh -c "$(need 40)" >"$TMP/log-r3" 2>&1
runs3=$(field "$TMP/r3/search.csv" runs)
reused3=$(field "$TMP/r3/search.csv" reused)
expect_eq "x3 from x1: runs + reused = rows" "$((runs3 + reused3))" "$(($(wc -l <"$TMP/r3/summary.csv") - 1))"
expect_eq "x3 from x1: runs = folders run" "$runs3" "$(find "$TMP/r3" -mindepth 2 -maxdepth 2 -type d -name '[0-9]*' | wc -l)"
grep -q "completes with nofile = 40, breaks with nofile = 39 ($runs3 runs" "$TMP/log-r3" &&
  ok "x3: printed counts" || fail "x3: $(cat "$TMP/log-r3")"

# 2. Interrupted: the program waits for a file before it decides.
go="$TMP/go"
prog="[ -e '$go' ] || sleep 30; $(need 40)"
"$BRINK" search nofile 16..64 --name slow --quiet --no-progress --no-plots --out "$TMP/i" \
  -- /bin/sh -c "$prog" >"$TMP/log-i" 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
expect_eq "interrupted: status" "$?" 130
expect_eq "interrupted: no failing limit" "$(field "$TMP/i/search.csv" fail_limit)" ""
expect_eq "interrupted: verdict" "$(field "$TMP/i/search.csv" verdict)" running
touch "$go"
"$BRINK" search nofile 16..64 --name slow --from "$TMP/i" --quiet --no-progress --no-plots \
  --out "$TMP/j" -- /bin/sh -c "$prog" >"$TMP/log-j" 2>&1
expect_eq "from the interrupted: status" "$?" 0
expect_eq "from the interrupted: answer" "$(field "$TMP/j/search.csv" pass_limit)" 40
expect_eq "from the interrupted: reused" "$(field "$TMP/j/search.csv" reused)" 0
rm -f "$go"
# Brink's timeout: the search stops, not finished, and no limit is said to break.
"$BRINK" search nofile 16..64 --name slow --timeout 200ms --quiet --no-progress --no-plots \
  --out "$TMP/t" -- /bin/sh -c "$prog" >"$TMP/log-t" 2>&1
expect_eq "timeout: verdict" "$(field "$TMP/t/search.csv" verdict)" running
expect_eq "timeout: no failing limit" "$(field "$TMP/t/search.csv" fail_limit)" ""
expect_eq "timeout: one run" "$(($(wc -l <"$TMP/t/summary.csv") - 1))" 1
grep -q "slow: not finished: a run under nofile = 64 was timeout" "$TMP/log-t" &&
  ok "timeout: not finished, said why" || fail "timeout: $(cat "$TMP/log-t")"
finish
