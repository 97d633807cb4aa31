# cli_output: what brink prints on a pipe, as a CI log shows it: one line per run,
# 80 columns, a final line, signals by name, no -1, expectations only where set,
# missed samples warned about, ^C not graded.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
unset COLUMNS

printf '\177ELF not really' >notexec && chmod +x notexec
cat >mix.ini <<EOF
[defaults]
repetitions = 2

[scenario a-rather-long-scenario-name-for-the-table]
command = /bin/sh -c "exit 0"
expect = no-leak

[scenario xcpu]
command = /bin/sh -c "kill -XCPU \$\$"
repetitions = 1

[scenario wrong-guess]
command = true
expect = leak
repetitions = 1

[scenario notexec]
command = $TMP/notexec
repetitions = 1
EOF
"$BRINK" run --no-plots --out "$TMP/m" mix.ini >out.txt 2>err.txt
rc=$?
expect_eq "status (an expectation failed, a command could not be executed)" "$rc" 1
# one line per run on stdout, none of them repeated on stderr
runs=$(grep -cE '^(a-rather|xcpu|wrong-guess|notexec)[^ ]*/[0-9]+ ' out.txt)
expect_eq "table rows" "$runs" 5
grep -q '^\[[0-9]/' err.txt && fail "per-run progress lines on stderr too: $(cat err.txt)" || ok "no second line per run on stderr"
long=$(grep -E '^(run |a-rather|xcpu|wrong-guess|notexec)' out.txt | awk 'length($0) > 80')
[ -z "$long" ] && ok "the table fits 80 columns" || fail "table lines over 80 columns: $long"
grep -qE '(^| )-1( |$)' out.txt && fail "a -1 in the output: $(cat out.txt)" || ok "no -1"
grep -qE '^xcpu/1 +SIGXCPU ' out.txt && ok "signal by name" || fail "no SIGXCPU: $(grep ^xcpu out.txt)"
expect_eq "xcpu in summary.csv" "$(awk -F, '$1 == "xcpu" { print $5 }' m/summary.csv)" 24
# expectation cells: ok / FAIL where one was set, nothing where none was
grep -qE '^a-rather-long[^ ]*/1 .* ok$' out.txt && ok "expectation met: ok" || fail "no ok: $(cat out.txt)"
grep -qE '^wrong-guess/1 .* FAIL$' out.txt && ok "expectation failed: FAIL" || fail "no FAIL: $(cat out.txt)"
grep -qE '^xcpu/1 .* (ok|FAIL)$' out.txt && fail "an expectation shown where none was set" || ok "no expectation cell without an expectation"
# `true` is too short for a trend: the verdict is empty, and "leak" fails on it
grep -q 'wrong-guess/1: expectation "leak" failed: expected leak, got no verdict' out.txt &&
  ok "the failure explained" || fail "failure not explained: $(cat out.txt)"
grep -qE '^notexec/1 +exec-failed .* -  *- ' out.txt && ok "exec-failed: - for what was not measured" ||
  fail "exec-failed row: $(grep ^notexec out.txt)"
# (the machine may be too busy to sample every 10 ms: that part is checked below)
final=$(tail -n 1 out.txt | sed -E 's/; [0-9]+ with over 1% of samples missed//')
expect_eq "final line" "$final" \
  "brink: 5 runs: 3 exited, 1 signaled, 1 exec-failed; expectations: 2 met, 1 failed; results in $TMP/m, report $TMP/m/report.html"
[ -f m/report.html ] && ok "report.html exists" || fail "no report.html"

# --quiet: the result directory alone
d=$("$BRINK" run --quiet --no-progress --no-plots --out "$TMP/q" mix.ini 2>/dev/null)
expect_eq "--quiet prints the result directory" "$d" "$TMP/q"
# ... and is quieter than the default on stderr too, a pipe or CI alike: nothing
# for a run that went well, only what went wrong
for ci in "" true; do
  CI=$ci "$BRINK" exec --quiet --no-plots --out "$TMP/q1$ci" -- true >/dev/null 2>q1.err
  CI=$ci "$BRINK" exec --no-plots --out "$TMP/q2$ci" -- true >/dev/null 2>q2.err
  # a missed-samples warning is something that went wrong on a busy machine,
  # and --quiet keeps saying it: not the per-run lines this checks for
  expect_eq "CI='$ci': exec --quiet -- true: stderr" "$(grep -v 'samples missed' q1.err)" ""
  expect_eq "CI='$ci': exec -- true: stderr" "$(grep -v 'samples missed' q2.err)" ""
done
"$BRINK" exec --quiet --no-plots --out "$TMP/q3" -- "$TMP/notexec" >/dev/null 2>q3.err
expect_eq "exec --quiet, a command that cannot be executed: stderr" "$(cat q3.err)" \
  "    notexec/1: cannot execute $TMP/notexec: Exec format error (ENOEXEC)"

# a wider terminal: rates appear, with their units
cat >grow.ini <<'EOF'
[scenario grow]
command = c-ticker --duration 1500ms
interval = 5ms
EOF
COLUMNS=132 "$BRINK" run --no-plots --no-progress --out "$TMP/g" grow.ini >g.txt 2>&1
head -n 3 g.txt | grep -q 'rss/s' && ok "132 columns: rates shown" || fail "no rates at 132 columns: $(cat g.txt)"
grep -qE '^grow/1 .*( |-)[0-9.]+ (B|KiB|MiB)/s .*[0-9.]+/s' g.txt && ok "rates carry units" || fail "rates: $(cat g.txt)"
grep -E '^(run |grow/)' g.txt | awk 'length($0) > 132' | grep -q . && fail "over 132 columns" || ok "fits 132 columns"

# a falling series: a negative rate, formatted like the others (no -1, a unit)
cat >fall.ini <<'EOF'
[scenario fall]
command = /bin/bash -c "for i in $(seq 10 69); do eval \"exec $i</dev/null\"; done; sleep 0.6; for i in $(seq 10 69); do eval \"exec $i<&-\"; sleep 0.02; done; sleep 0.2"
interval = 10ms
EOF
COLUMNS=132 "$BRINK" run --no-plots --no-progress --out "$TMP/fall" fall.ini >fall.txt 2>&1
slope=$(field fall/summary.csv fd_slope_per_s)
case "$slope" in -*) ok "fds fell: slope $slope" ;; *) fail "fd slope $slope: the program did not close its fds?" ;; esac
grep -qE "^fall/1 .* -[0-9][0-9.]*/s " fall.txt && ok "negative rate shown as -N/s" || fail "negative rate: $(grep ^fall fall.txt)"

# missed samples: brink stopped for 300 ms under a 1.5ms interval misses ~200 ticks
"$BRINK" exec --no-progress --no-plots --interval 1.5ms --out "$TMP/s" -- sleep 1 >s.txt 2>&1 &
bp=$!
sleep 0.3
kill -STOP $bp; sleep 0.3; kill -CONT $bp
wait $bp
missed=$(field s/summary.csv missed_samples)
if [ "${missed:-0}" -ge 100 ]; then
  grep -q "sleep/1: warning: $missed of .* samples missed (over 1%): .* for interval 1.5 ms$" s.txt &&
    ok "missed samples warned ($missed), at the interval given" ||
    fail "no warning for $missed missed: $(cat s.txt)"
  grep -q "warning: $missed of" s/report.md && ok "report warns too" || fail "report.md has no warning"
else
  fail "brink stopped 300 ms missed only '$missed' samples"
fi

# ^C during run: the interrupted repetition is not graded
cat >int.ini <<'EOF'
[scenario slow]
command = sleep 10
expect = leak
EOF
"$BRINK" run --no-progress --no-plots --out "$TMP/i" int.ini >i.txt 2>&1 &
bp=$!
for _ in $(seq 50); do [ -f i/slow/1/events.csv.part ] && grep -q ',exec,' i/slow/1/events.csv.part 2>/dev/null && break; sleep 0.1; done
sleep 0.3
kill -INT $bp
wait $bp
expect_eq "^C: status" "$?" 130
expect_eq "^C: outcome" "$(field i/summary.csv outcome)" interrupted
expect_eq "^C: expectation not graded" "$(field i/summary.csv expect_failure)" ""
grep -q FAIL i.txt && fail "FAIL shown for an interrupted run: $(cat i.txt)" || ok "no FAIL on ^C"
# the runs so far in every format: summary.json as summary.csv, and the report
python3 - i/summary.json <<'EOF' && ok "^C: summary.json has the interrupted run" || fail "^C: summary.json: $(ls i)"
import json, sys
d = json.load(open(sys.argv[1]))
assert [(r["scenario"], r["outcome"]) for r in d["runs"]] == [("slow", "interrupted")], d
EOF
[ -f i/report.html ] && [ -f i/report.md ] && ok "^C: the report is written" || fail "^C: no report: $(ls i)"

finish
