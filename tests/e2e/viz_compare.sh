# viz_compare.sh - brink compare on real results: a result set against itself and
# against a second run of the same programs exits 0; the leaky fixtures against
# the fixed ones (same scenario names, viz_base.ini / viz_new.ini) exit 1 and name
# the regressed metrics, in every output format; bad or mismatched input exits 2
# with a message naming what is wrong. Thresholds from a [compare] section of
# the config reach compare through NEW/run.ini; the command line overrides them.
. "$(dirname "$0")/lib.sh"
here="$BRINK_SOURCE_DIR/tests/e2e"

"$BRINK" run --help >/dev/null 2>&1 || skip "this brink has no working run command"
have_controller memory || skip "no usable memory cgroup controller (mem-hog needs a memory limit)"
command -v python3 >/dev/null || skip "python3 is needed to read the CSV output"

run_cfg() { # run_cfg CONFIG OUTDIR (CONFIG relative to tests/e2e, or absolute)
  local cfg=$1
  case $cfg in /*) ;; *) cfg=$here/$cfg ;; esac
  "$BRINK" run --quiet --no-progress --out "$2" "$cfg" >"$2.log" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || { fail "brink run $1 exited $rc: $(tail -5 "$2.log")"; finish; }
}
run_cfg viz_base.ini "$TMP/base"
run_cfg viz_base.ini "$TMP/base2"
run_cfg viz_new.ini "$TMP/new"

# compare_rc NAME WANT ARGS...: run brink compare, keep stdout/stderr, check the status
compare_rc() {
  local name=$1 want=$2
  shift 2
  "$BRINK" compare "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  if [ "$rc" = "$want" ]; then
    ok "compare $name exits $want"
  else
    fail "compare $name: exit $rc, want $want; stdout:"$'\n'"$(cat "$TMP/$name.out")"$'\n'"stderr: $(cat "$TMP/$name.err")"
  fi
}

compare_rc self 0 "$TMP/base" "$TMP/base"
grep -q "^No regression" "$TMP/self.out" && ok "self: says no regression" || fail "self: no 'No regression' line"

# Two runs of the same fixed programs differ by noise only.
compare_rc rerun 0 "$TMP/base" "$TMP/base2"

# regressed OUTFILE SCENARIO: the metrics the "Regressed: a: m1, m2; b: m3" line
# names for SCENARIO, one per line
regressed() {
  sed -n 's/^Regressed: //p' "$1" | tr ';' '\n' | sed -n "s/^ *$2: //p" | tr ',' '\n' | tr -d ' '
}
has_metric() { regressed "$1" "$2" | grep -qx "$3"; }

# Fixed -> leaky: regressions, named on the last line.
compare_rc leaky 1 "$TMP/base" "$TMP/new"
for want in "fd breaking_point" "fd leak" "fd peak_fds" "mem breaking_point" "mem leak" \
            "mem peak_rss_bytes"; do
  set -- $want
  has_metric "$TMP/leaky.out" "$1" "$2" && ok "regressed line names $1: $2" ||
    fail "regressed line lacks $1: $2: $(grep '^Regressed' "$TMP/leaky.out")"
done
# One repetition per side: the output says the threshold alone decided.
grep -q "threshold only (1 rep)" "$TMP/leaky.out" && ok "single repetition said as such" ||
  fail "no 'threshold only (1 rep)' note"
grep -E '^fd +breaking_point .*none 1/1 +nofile 1/1 .*REGRESSED' "$TMP/leaky.out" >/dev/null &&
  ok "table row: fd breaking point none -> nofile" || fail "no fd breaking_point row none -> nofile"

# Leaky -> fixed is an improvement, not a regression (a run that stops
# breaking runs longer: the duration is not judged then).
compare_rc fixed 0 "$TMP/new" "$TMP/base"

# Markdown and CSV carry the same verdicts.
compare_rc md 1 --format md "$TMP/base" "$TMP/new"
grep -qE '^\| fd \| breaking_point \|.*\*\*REGRESSED\*\*' "$TMP/md.out" && ok "md: fd breaking_point row" ||
  fail "md: no regressed fd breaking_point row"
compare_rc csv 1 --format csv "$TMP/base" "$TMP/new"
python3 - "$TMP/csv.out" <<'EOF' && ok "csv: parses, fd peak_fds regressed with raw numbers" || fail "csv output: see above"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
r = {(x["scenario"], x["metric"]): x for x in rows}
x = r[("fd", "peak_fds")]
assert x["verdict"] == "REGRESSED", x
assert float(x["new"]) == 1024 and float(x["base"]) <= 8, x
assert float(x["change"]) > 1, x
assert r[("mem", "breaking_point")]["verdict"] == "REGRESSED"
assert all(v["verdict"] in ("ok", "REGRESSED", "improved", "n/a") for v in rows)
EOF

# A per-metric threshold takes that metric out; the breaking point still counts.
compare_rc thr 1 --threshold 'peak_fds=100000%' "$TMP/base" "$TMP/new"
has_metric "$TMP/thr.out" fd peak_fds &&
  fail "peak_fds still regressed at a 100000% threshold: $(grep '^Regressed' "$TMP/thr.out")" ||
  ok "--threshold peak_fds=100000% spares peak_fds"
has_metric "$TMP/thr.out" fd breaking_point && ok "breaking point still a regression" ||
  fail "breaking point lost: $(grep '^Regressed' "$TMP/thr.out")"

# Thresholds from the config: NEW made from viz_new.ini plus a [compare] section
# carries it in its run.ini; compare applies it, the command line overrides it.
{ cat "$here/viz_new.ini"; printf '\n[compare]\nthreshold.peak_rss_bytes = 100000%%\n'; } \
  >"$TMP/viz_new_cfg.ini"
run_cfg "$TMP/viz_new_cfg.ini" "$TMP/newcfg"
sed -n '/^\[compare\]$/,/^$/p' "$TMP/newcfg/run.ini" | grep -qx 'threshold.peak_rss_bytes = 100000%' &&
  ok "run.ini carries the [compare] threshold" || fail "no [compare] threshold in run.ini: $(cat "$TMP/newcfg/run.ini")"
compare_rc cfgthr 1 "$TMP/base" "$TMP/newcfg"
has_metric "$TMP/cfgthr.out" mem peak_rss_bytes &&
  fail "peak_rss_bytes regressed despite the config's 100000%: $(grep '^Regressed' "$TMP/cfgthr.out")" ||
  ok "[compare] threshold.peak_rss_bytes = 100000% spares mem peak_rss_bytes"
has_metric "$TMP/cfgthr.out" mem breaking_point && ok "config threshold: breaking point still a regression" ||
  fail "config threshold: breaking point lost: $(grep '^Regressed' "$TMP/cfgthr.out")"
grep -qF "threshold.peak_rss_bytes 100000% (from $TMP/newcfg/run.ini)" "$TMP/cfgthr.out" &&
  ok "output names the config as the threshold's source" ||
  fail "no source for the config threshold: $(tail -3 "$TMP/cfgthr.out")"
compare_rc clithr 1 --threshold peak_rss_bytes=10% "$TMP/base" "$TMP/newcfg"
has_metric "$TMP/clithr.out" mem peak_rss_bytes && ok "--threshold peak_rss_bytes=10% overrides the config" ||
  fail "command line did not override the config: $(grep '^Regressed' "$TMP/clithr.out")"
grep -qF "threshold.peak_rss_bytes 10% (from the command line)" "$TMP/clithr.out" &&
  ok "output names the command line as the source" ||
  fail "no command-line source: $(tail -3 "$TMP/clithr.out")"
# A NEW run.ini that does not load: exit 2, the file and line named.
mkdir -p "$TMP/badini"
cp "$TMP/newcfg/summary.csv" "$TMP/badini/"
sed 's/^threshold.peak_rss_bytes = .*/threshold.peak_rss_bytes = lots/' "$TMP/newcfg/run.ini" >"$TMP/badini/run.ini"
compare_rc badini 2 "$TMP/base" "$TMP/badini"
grep -q "badini/run.ini:[0-9]*: \[compare\] threshold.peak_rss_bytes: \"lots\" is not a percentage" "$TMP/badini.err" &&
  grep -q "NEW result directory $TMP/badini: run.ini does not load" "$TMP/badini.err" &&
  ok "bad run.ini: file, line and key named" || fail "bad run.ini message: $(cat "$TMP/badini.err")"

# Bad input: exit 2, and the message names what is wrong.
compare_rc missing 2 "$TMP/base" "$TMP/nonexistent"
grep -q "NEW result directory $TMP/nonexistent" "$TMP/missing.err" && ok "missing dir named" ||
  fail "missing dir message: $(cat "$TMP/missing.err")"
mkdir -p "$TMP/empty"
compare_rc nosummary 2 "$TMP/empty" "$TMP/base"
grep -q "BASE result directory .*summary.csv" "$TMP/nosummary.err" && ok "missing summary.csv named" ||
  fail "missing summary message: $(cat "$TMP/nosummary.err")"
mkdir -p "$TMP/garbled"
{ head -1 "$TMP/base/summary.csv"; echo 'fd,1,exploded'; } >"$TMP/garbled/summary.csv"
compare_rc garbled 2 "$TMP/base" "$TMP/garbled"
grep -q "garbled/summary.csv:2" "$TMP/garbled.err" && ok "garbled summary: file and line named" ||
  fail "garbled message: $(cat "$TMP/garbled.err")"
mkdir -p "$TMP/renamed"
sed -e '2,$s/^fd,/other-fd,/' -e '2,$s/^mem,/other-mem,/' "$TMP/base/summary.csv" >"$TMP/renamed/summary.csv"
compare_rc disjoint 2 "$TMP/base" "$TMP/renamed"
grep -q "no scenario in common" "$TMP/disjoint.err" && ok "no common scenario said" ||
  fail "disjoint message: $(cat "$TMP/disjoint.err")"
compare_rc oneArg 2 "$TMP/base"
compare_rc badformat 2 --format xml "$TMP/base" "$TMP/base"
finish
