# search_nofile.sh - brink search finds the nofile threshold of a program that
# needs exactly 300 fds: 300 + the 3 fds it inherits (stdin, stdout, stderr),
# exactly; the program's own output at the two limits around it says the same.
# --from reuses the runs of that search: nothing is run again.
. "$(dirname "$0")/lib.sh"

out="$TMP/s"
"$BRINK" search nofile 16..4096 --name need300 --quiet --no-progress --no-plots --out "$out" \
  -- fd-exhaust --max 300 >"$TMP/log" 2>&1
rc=$?
expect_eq "exit status" "$rc" 0
s="$out/search.csv"
expect_eq verdict "$(field "$s" verdict)" found
expect_eq "smallest passing nofile" "$(field "$s" pass_limit)" 303
expect_eq "largest breaking nofile" "$(field "$s" fail_limit)" 302
# The runs behind the answer: at 303 the program kept its 300 files; at 302 the
# 300th open failed after 299 (3 fds were there before the first).
grep -qx "kept open 300 files of /dev/null without failure" "$out/need300.nofile=0303/1/stdout.log" &&
  ok "at 303 the program kept 300 files open" || fail "303: $(cat "$out/need300.nofile=0303/1/stdout.log" 2>&1)"
grep -qx "Error at file 299: Too many open files" "$out/need300.nofile=0302/1/stdout.log" &&
  ok "at 302 open failed after 299 files" || fail "302: $(cat "$out/need300.nofile=0302/1/stdout.log" 2>&1)"
# Runs: one per summary row, HI and LO and at most ceil(log2(4080)) = 12 halvings.
runs=$(field "$s" runs)
rows=$(($(wc -l <"$out/summary.csv") - 1))
expect_eq "runs = summary rows" "$runs" "$rows"
[ "$runs" -le 14 ] && ok "$runs runs (bisection)" || fail "$runs runs for a 4080-wide range"
grep -q "completes with nofile = 303, breaks with nofile = 302 ($runs runs)" "$TMP/log" &&
  ok "answer printed" || fail "printed: $(cat "$TMP/log")"
# Every probe carries its limit in the sweep columns.
[ "$(field "$out/summary.csv" sweep.nofile)" = "$(field "$out/summary.csv" fd_limit)" ] &&
  ok "sweep.nofile column = fd_limit" || fail "sweep.nofile column"

# Reuse: the same search from the first one's results runs nothing.
"$BRINK" search nofile 16..4096 --name need300 --from "$out" --quiet --no-progress --no-plots \
  --out "$TMP/again" -- fd-exhaust --max 300 >"$TMP/log2" 2>&1
expect_eq "reused search status" "$?" 0
expect_eq "reused: runs" "$(field "$TMP/again/search.csv" runs)" 0
expect_eq "reused: reused" "$(field "$TMP/again/search.csv" reused)" "$runs"
expect_eq "reused: answer" "$(field "$TMP/again/search.csv" pass_limit)" 303

# Bad input: nothing run, exit 2.
"$BRINK" search threads 1..10 -- /bin/true >/dev/null 2>&1
expect_eq "unknown resource" "$?" 2
"$BRINK" search nofile 100..10 -- /bin/true >/dev/null 2>&1
expect_eq "LO above HI" "$?" 2
finish
