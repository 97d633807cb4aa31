# search_compare.sh - brink compare of two searches gates on the answer: the
# smallest passing limit, not the limits each bisection happened to visit.
# BASE: a program that needs nofile >= 40; NEW: one that needs 41 (+2.5%,
# within the 10% threshold: exit 0, although the two bisections visit other
# limits), one that needs 48 (+20%: exit 1, regressed), and a NEW whose search
# has another name (BASE's search missing: exit 1). --format json is one valid
# JSON object with the search in it, --format csv has its row.
. "$(dirname "$0")/lib.sh"

search() { # NAME NEED OUT
  "$BRINK" search nofile 16..64 --name "$1" --quiet --no-progress --no-plots --out "$3" \
    -- /bin/sh -c "[ \"\$(ulimit -n)\" -ge $2 ]" >"$3.log" 2>&1 || fail "search $1 $2: $(cat "$3.log")"
}
search p 40 "$TMP/b"
search p 41 "$TMP/n41"
search p 48 "$TMP/n48"
search q 40 "$TMP/q"
expect_eq "BASE answer" "$(field "$TMP/b/search.csv" pass_limit)" 40
expect_eq "NEW answer" "$(field "$TMP/n41/search.csv" pass_limit)" 41
cut -d, -f1 "$TMP/b/summary.csv" | sort -u >"$TMP/pb"
cut -d, -f1 "$TMP/n41/summary.csv" | sort -u >"$TMP/pn"
cmp -s "$TMP/pb" "$TMP/pn" && fail "the two bisections visited the same limits: the test proves nothing" ||
  ok "the bisections visited other limits"

"$BRINK" compare "$TMP/b" "$TMP/n41" >"$TMP/c41" 2>&1
expect_eq "+2.5%: exit" "$?" 0
grep -q "p nofile: 40 -> 41 (+2.5%): ok" "$TMP/c41" && ok "+2.5% shown" || fail "c41: $(cat "$TMP/c41")"
grep -q "Missing in NEW" "$TMP/c41" && fail "probes judged as scenarios: $(cat "$TMP/c41")" || ok "no probe is missing"

"$BRINK" compare "$TMP/b" "$TMP/n48" >"$TMP/c48" 2>&1
expect_eq "+20%: exit" "$?" 1
grep -q "^Regressed: search p nofile" "$TMP/c48" && ok "+20% regressed" || fail "c48: $(cat "$TMP/c48")"

"$BRINK" compare "$TMP/b" "$TMP/q" >"$TMP/cq" 2>&1
expect_eq "BASE search absent from NEW: exit" "$?" 1
grep -q "^Missing in NEW: search p nofile" "$TMP/cq" && ok "missing search named" || fail "cq: $(cat "$TMP/cq")"

"$BRINK" compare --format json "$TMP/b" "$TMP/n48" >"$TMP/j" 2>"$TMP/j.err"
expect_eq "json: exit" "$?" 1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["searches"][0]
assert (s["scenario"], s["base_pass_limit"], s["new_pass_limit"], s["verdict"]) == ("p", 40, 48, "regressed"), s
assert d["regressed"] is True' "$TMP/j" && ok "json valid, the search in it" || fail "json: $(cat "$TMP/j")"

"$BRINK" compare --format csv "$TMP/b" "$TMP/n41" >"$TMP/csv" 2>/dev/null
expect_eq "csv: exit" "$?" 0
expect_eq "csv: the search row" "$(field "$TMP/csv" new_pass_limit),$(field "$TMP/csv" verdict)" "41,ok"
finish
