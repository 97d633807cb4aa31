# search_edges.sh - the edges of a memory search:
# - under memory = 4K /bin/true is OOM-killed before it can exec: that run is a
#   break at the low end, not a failure of brink: the search exits 0;
# - the answer is printed exactly (a grid of 1M from 4K gives limits of
#   N MiB + 4 KiB, which a rounded "N MiB" would misstate);
# - a sweep's step after the range is refused as bad input, saying search;
# - a limit given both as --KEY and by the sweep or the search is refused
#   (exit 2, no result directory), not silently overridden.
. "$(dirname "$0")/lib.sh"
have_controller memory || skip "no memory controller here"

"$BRINK" search memory 4K..64M --resolution 1M --name t --quiet --no-progress --no-plots \
  --out "$TMP/s" -- /bin/true >"$TMP/log" 2>&1
expect_eq "status with an exec killed by its limit" "$?" 0
s="$TMP/s/search.csv"
expect_eq verdict "$(field "$s" verdict)" found
expect_eq "largest breaking: LO" "$(field "$s" fail_limit)" 4096
pass=$(field "$s" pass_limit)
[ $((pass % 1024)) -eq 0 ] && [ $((pass % 1048576)) -ne 0 ] &&
  ok "answer $pass is not a whole MiB" || fail "answer $pass (the grid from 4K)"
grep -q "completes with memory = $((pass / 1024)) KiB, breaks with memory = 4 KiB" "$TMP/log" &&
  ok "printed exactly" || fail "printed: $(cat "$TMP/log")"

"$BRINK" search memory 4M..1G x2 -- /bin/true >/dev/null 2>"$TMP/err"
expect_eq "a step: status" "$?" 2
grep -q '^brink search: "x2": a search range takes no step' "$TMP/err" &&
  ok "a step: says search and no step" || fail "a step: $(cat "$TMP/err")"

"$BRINK" exec --sweep nofile=10,20 --nofile 30 --out "$TMP/x1" -- /bin/true >/dev/null 2>"$TMP/err"
expect_eq "--sweep nofile with --nofile: status" "$?" 2
[ ! -e "$TMP/x1" ] && ok "nothing written" || fail "$TMP/x1 written"
grep -q "the sweep sets nofile for every run" "$TMP/err" && ok "says why" || fail "$(cat "$TMP/err")"
"$BRINK" search memory 4M..1G --memory 64M --out "$TMP/x2" -- /bin/true >/dev/null 2>"$TMP/err"
expect_eq "search memory with --memory: status" "$?" 2
[ ! -e "$TMP/x2" ] && ok "nothing written" || fail "$TMP/x2 written"
grep -q "^brink search: --memory: the search sets memory for every run" "$TMP/err" &&
  ok "says why" || fail "$(cat "$TMP/err")"

# No command: the message and the usage are the search's, not exec's.
"$BRINK" search memory 4M..1G --quiet >/dev/null 2>"$TMP/err"
expect_eq "search without a command: status" "$?" 2
grep -q "^brink search: no command given" "$TMP/err" && grep -q "^usage: brink search " "$TMP/err" &&
  ! grep -qE "^(usage: )?brink exec" "$TMP/err" && ok "no command: says search" || fail "$(cat "$TMP/err")"
finish
