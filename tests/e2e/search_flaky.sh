# search_flaky.sh - a search with --repetitions 2 over a program that is flaky
# below a limit: under nofile >= 40 it always completes, below it completes
# every other run (a counter file outside its working directory says which).
# A limit passes only if both repetitions pass: the answer is 40, and the
# limits below it that were tried are reported flaky, 1 of 2. (LO is 16: dash
# saves fds at 10 and up around a redirection.)
. "$(dirname "$0")/lib.sh"

echo 0 >"$TMP/count"
prog='n=$(cat "$0"); echo $((n + 1)) >"$0"; [ "$(ulimit -n)" -ge 40 ] || [ $((n % 2)) -eq 0 ]'
"$BRINK" search nofile 16..64 --repetitions 2 --name flaky --quiet --no-progress --no-plots \
  --out "$TMP/s" -- /bin/sh -c "$prog" "$TMP/count" >"$TMP/log" 2>&1
expect_eq "exit status" "$?" 0
s="$TMP/s/search.csv"
expect_eq verdict "$(field "$s" verdict)" found
expect_eq "smallest passing" "$(field "$s" pass_limit)" 40
expect_eq "largest failing" "$(field "$s" fail_limit)" 39
runs=$(field "$s" runs)
expect_eq "runs = 2 per limit = rows" "$runs" "$(($(wc -l <"$TMP/s/summary.csv") - 1))"
expect_eq "the program ran as often" "$(cat "$TMP/count")" "$runs"
# Every limit below 40 that was tried passed once and failed once.
flaky=$(awk -F, 'NR == 2 {print $NF}' "$s")
[ -n "$flaky" ] && ok "flaky limits: $flaky" || fail "no flaky limit reported"
for f in ${flaky//;/ }; do
  lim=${f%%:*}
  [ "$lim" -lt 40 ] && [ "${f#*:}" = 1/2 ] && ok "flaky $lim: 1 of 2" || fail "flaky entry $f"
done
grep -q "flaky at nofile = [0-9]*: 1 of 2 repetitions passed" "$TMP/log" &&
  ok "flakiness printed" || fail "log: $(cat "$TMP/log")"
finish
