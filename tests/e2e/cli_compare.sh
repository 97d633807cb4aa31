# cli_compare: brink compare as a CI gate that cannot pass by accident, fed real
# result directories: a program that holds 10 MiB (BASE) against one that holds
# 40 MiB (NEW), 3 repetitions a side (too few for Mann-Whitney at 0.05), a
# scenario dropped from NEW, a column removed from NEW's summary.csv, JSON, and a
# scenario whose NEW runs were all interrupted or exec-failed.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is needed (the programs and the JSON checks)"
cd "$TMP"

# A Python program that touches MiB megabytes and holds them: RSS flat after
# start-up (no leak verdict), its peak set by MiB alone.
hold() {
  cat <<EOF
[defaults]
repetitions = $2
interval = 5ms

[scenario hold]
command = python3 -c "import time; b = bytearray($1 << 20); time.sleep(0.7)"
EOF
  [ -n "${3:-}" ] && printf '\n[scenario other]\ncommand = true\n'
}
run() { "$BRINK" run --quiet --no-progress --no-plots --out "$TMP/$1" "$1.ini" >/dev/null 2>"$1.err" ||
  fail "run $1: $(cat "$1.err")"; }
hold 10 3 other >base.ini; run base
hold 40 3 >new.ini; run new
hold 10 1 >base1.ini; run base1
hold 40 1 >new1.ini; run new1

peak() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "peak_rss_bytes") c = i; next }
  $1 == "hold" { s += $c; n++ } END { printf "%d", s / n / 1048576 }' "$1/summary.csv"; }
b=$(peak base); n=$(peak new)
[ $((n - b)) -ge 25 ] && ok "the programs did what they say: $b MiB vs $n MiB" || fail "peaks $b vs $n MiB"

# 1 repetition a side: thresholds alone, a regression
"$BRINK" compare base1 new1 >c1.out 2>c1.err
expect_eq "1 vs 1: status" "$?" 1
grep -q "^Regressed: hold: .*peak_rss_bytes" c1.out && ok "1 vs 1: peak_rss_bytes regressed" || fail "1 vs 1: $(cat c1.out)"

# 3 a side, same data: the test cannot reach 0.05, so the thresholds decide, and it says so
"$BRINK" compare base new >c3.out 2>c3.err
rc=$?
grep -q "^Regressed: hold: .*peak_rss_bytes" c3.out && ok "3 vs 3: peak_rss_bytes regressed" || fail "3 vs 3: $(cat c3.out)"
grep -qE "^hold +peak_rss_bytes .*threshold only \(3 vs 3 reps cannot reach p < 0.05\)" c3.out &&
  ok "3 vs 3: says it judged by the threshold" || fail "3 vs 3 note: $(grep peak_rss c3.out)"
grep -q "judged by the thresholds alone" c3.out && ok "3 vs 3: the note under the table" || fail "no note: $(cat c3.out)"
# ... and BASE's scenario "other" is not in NEW: named, and a failure on its own
grep -q "^Missing in NEW: scenario other" c3.out && ok "dropped scenario named" || fail "dropped scenario: $(cat c3.out c3.err)"
expect_eq "3 vs 3 with a dropped scenario: status" "$rc" 1
"$BRINK" compare new base >rev.out 2>&1
grep -q "Missing in NEW" rev.out && fail "a scenario only in NEW counted as missing" || ok "a new scenario is not missing"

# a metric column missing in NEW: the gate fails, naming it
cp -r base1 nocol
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "peak_fds") c = i }
  { out = ""; for (i = 1; i <= NF; i++) if (i != c) out = out (out == "" && i == 1 ? "" : ",") $i; print out }' \
  base1/summary.csv >nocol/summary.csv
head -n 1 nocol/summary.csv | grep -q peak_fds && fail "column not removed"
"$BRINK" compare base1 nocol >nc.out 2>&1
expect_eq "column missing in NEW: status" "$?" 1
grep -q "^Missing in NEW: hold: column peak_fds" nc.out && ok "missing column named" || fail "missing column: $(cat nc.out)"
grep -qE "^hold +peak_fds .*MISSING" nc.out && ok "its row says MISSING" || fail "row: $(grep peak_fds nc.out)"
"$BRINK" compare nocol base1 >nc2.out 2>&1
expect_eq "a column only in NEW: status" "$?" 0
rm -rf nocol # made unreadable on purpose: not a result for lib.sh's peak check

# --format json: valid JSON with the same verdicts, the verdict line on stderr
"$BRINK" compare --format json base new >j.json 2>j.err
expect_eq "json: status" "$?" 1
python3 - j.json <<'EOF' && ok "json: verdicts and types" || fail "json: $(cat j.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1
assert d["regressed"] is True and d["missing"] is True
assert d["missing_scenarios"] == ["other"]
r = [x for x in d["rows"] if x["scenario"] == "hold" and x["metric"] == "peak_rss_bytes"][0]
assert r["verdict"] == "REGRESSED" and r["threshold_only"] is True and r["p_value"] is None
assert r["base_reps"] == 3 and isinstance(r["base"], (int, float)) and r["new"] > r["base"]
EOF
grep -q "^Regressed:" j.err && ok "json: verdict line on stderr" || fail "json stderr: $(cat j.err)"
"$BRINK" compare --help | grep -q "4 vs 4" && ok "help says how many repetitions the test needs" || fail "help"

# summary.json: schema version, booleans as booleans
python3 - base/summary.json <<'EOF' && ok "summary.json: schema_version, booleans" || fail "summary.json: $(head -c 400 base/summary.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 2
assert len(d["runs"]) == 6  # 3 hold, 3 other
for r in d["runs"]:
    # leak is null when the run was too short for a verdict, and then says why
    assert isinstance(r["leak"], bool) or (r["leak"] is None and r["leak_reason"]), r
    assert isinstance(r["fd_exhausted"], bool), r
    assert isinstance(r["peak_rss_bytes"], int)
EOF

# A scenario none of whose NEW runs measured anything fails the gate as a
# missing one: in NEW "broken" cannot be executed (its interpreter does not
# exist) and "slow" is cut short by a real ^C (SIGINT to brink while it sleeps).
printf '#!/nonexistent/interpreter\n' >broken.sh
chmod +x broken.sh
cut_ini() {
  printf '[defaults]\ninterval = 5ms\n[scenario fast]\ncommand = true\n'
  printf '[scenario broken]\ncommand = %s\n[scenario slow]\ncommand = sleep %s\n' "$1" "$2"
}
cut_ini true 0.2 >cutbase.ini
cut_ini "$TMP/broken.sh" 60 >cutnew.ini
"$BRINK" run --quiet --no-progress --no-plots --out cutbase cutbase.ini >/dev/null 2>&1 || fail "cutbase run"
"$BRINK" run --quiet --no-progress --no-plots --out cutnew cutnew.ini >/dev/null 2>&1 &
pid=$!
for _ in $(seq 400); do [ -d cutnew/slow/1 ] && break; sleep 0.05; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
expect_eq "^C during slow: brink's status" "$?" 130
expect_eq "NEW outcomes" "$(cut -d, -f1,3 cutnew/summary.csv | tr '\n' ' ')" \
  "scenario,outcome fast,exited broken,exec-failed slow,interrupted "
"$BRINK" compare cutbase cutnew >cut.out 2>&1
expect_eq "NEW's slow interrupted, broken exec-failed: status" "$?" 1
grep -q "^Missing in NEW: scenario broken (no run measured.*, scenario slow (no run measured" cut.out &&
  ok "both named as missing" || fail "interrupted/exec-failed: $(cat cut.out)"
"$BRINK" compare --format json cutbase cutnew >cut.json 2>cut.err
expect_eq "the same, json: status" "$?" 1
python3 - cut.json <<'EOF' && ok "json: both missing and unmeasured" || fail "json: $(cat cut.json)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["missing"] is True and d["missing_scenarios"] == ["broken", "slow"], d
assert d["unmeasured_scenarios"] == ["broken", "slow"], d
assert [r["scenario"] for r in d["rows"]] == ["fast"] * len(d["rows"]), d
EOF
finish
