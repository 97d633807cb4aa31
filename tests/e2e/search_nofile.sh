# search_nofile.sh - brink search finds the nofile threshold of a program that
# needs exactly 300 fds: 300 + the 3 fds it inherits (stdin, stdout, stderr)
# fill nofile = 303 to the limit. Where the kernel's failing calls are watched
# (eBPF, the default), no open failed there: the program held its limit without
# hitting it, and the answer is 303, exactly. Without the watcher a count at the
# limit cannot be told from a failed open and is taken as a hit: 304. The
# program's own output at the limits around it says the same.
# --from reuses the runs of that search: nothing is run again.
. "$(dirname "$0")/lib.sh"

out="$TMP/s"
"$BRINK" search nofile 16..4096 --name need300 --quiet --no-progress --no-plots --out "$out" \
  -- fd-exhaust --max 300 >"$TMP/log" 2>&1
rc=$?
expect_eq "exit status" "$rc" 0
s="$out/search.csv"
if grep -q "^syscalls = .*\(not watched\|switched off\|unavailable\|cannot\)" "$out/run.ini" ||
  ! grep -q "^syscalls = " "$out/run.ini"; then
  pass=304 fail=303 # no watcher: the count at the limit is a hit
else
  pass=303 fail=302 # watched: no EMFILE at 303
fi
expect_eq verdict "$(field "$s" verdict)" found
expect_eq "smallest passing nofile" "$(field "$s" pass_limit)" $pass
expect_eq "largest breaking nofile" "$(field "$s" fail_limit)" $fail
# The runs behind the answer: at 304 and at 303 the program kept its 300 files
# and exited 0 (at 303 every fd number the limit allows was open); at 302 the
# 300th open failed after 299 (3 fds were there before the first).
for l in 0304 0303; do
  [ -d "$out/need300.nofile=$l" ] || continue # 304 is not tried when 303 passes
  grep -qx "kept open 300 files of /dev/null without failure" "$out/need300.nofile=$l/1/stdout.log" &&
    ok "at $l the program kept 300 files open" || fail "$l: $(cat "$out/need300.nofile=$l/1/stdout.log" 2>&1)"
done
row303=$(awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["scenario"] == "need300.nofile=0303" { print $c["exit_code"], $c["limit_hit"] }' "$out/summary.csv")
# its row agrees with the answer: watched, a full table without a failed open
# is no breaking point; without the watch the count at the limit is one
[ "$pass" = 303 ] && want303="0," || want303="0,nofile"
[ -n "$row303" ] && expect_eq "303: exit status and breaking point" "$row303" "$want303"
grep -qx "Error at file 299: Too many open files" "$out/need300.nofile=0302/1/stdout.log" &&
  ok "at 302 open failed after 299 files" || fail "302: $(cat "$out/need300.nofile=0302/1/stdout.log" 2>&1)"
# Runs: one per summary row, HI and LO and at most ceil(log2(4080)) = 12 halvings.
runs=$(field "$s" runs)
rows=$(($(wc -l <"$out/summary.csv") - 1))
expect_eq "runs = summary rows" "$runs" "$rows"
[ "$runs" -le 14 ] && ok "$runs runs (bisection)" || fail "$runs runs for a 4080-wide range"
grep -q "completes with nofile = $pass, breaks with nofile = $fail ($runs runs)" "$TMP/log" &&
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
expect_eq "reused: answer" "$(field "$TMP/again/search.csv" pass_limit)" $pass

# Bad input: nothing run, exit 2.
"$BRINK" search threads 1..10 -- /bin/true >/dev/null 2>&1
expect_eq "unknown resource" "$?" 2
"$BRINK" search nofile 100..10 -- /bin/true >/dev/null 2>&1
expect_eq "LO above HI" "$?" 2
finish
