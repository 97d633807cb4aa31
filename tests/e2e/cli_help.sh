# cli_help: brink help TOPIC. The config reference names every option exec takes,
# and every example it shows is accepted by brink; the results reference names
# every column of a real result; unknown topics are bad input.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

"$BRINK" help >h.txt; expect_eq "brink help" "$?" 0
grep -q "brink help config" h.txt && ok "usage lists the topics" || fail "usage: $(cat h.txt)"
"$BRINK" help nonsense >n.out 2>n.err; rc=$?
expect_eq "brink help nonsense: status" "$rc" 2
[ -s n.out ] && fail "help nonsense wrote to stdout" || ok "help nonsense: nothing on stdout"
grep -q 'unknown topic "nonsense"' n.err && grep -q "brink help config" n.err &&
  ok "help nonsense lists the topics" || fail "help nonsense said: $(cat n.err)"
# help run is run --help, and that is the run command's usage (equal and empty,
# or both some other text, would pass the comparison alone)
"$BRINK" help run >hr.txt; expect_eq "brink help run: status" "$?" 0
"$BRINK" run --help >rh.txt; expect_eq "brink run --help: status" "$?" 0
expect_eq "brink help run = run --help" "$(cat hr.txt)" "$(cat rh.txt)"
head -1 rh.txt | grep -q '^usage: brink run .*CONFIG' && ok "run --help starts with the usage of brink run" ||
  fail "run --help: $(head -3 rh.txt)"
grep -qE '^  --out DIR ' rh.txt && ok "run --help lists --out" || fail "run --help lists no --out: $(cat rh.txt)"

"$BRINK" help config >c.txt; expect_eq "help config: status" "$?" 0
# every --KEY of exec --help is a key of the reference, with a default or an example
keys=$("$BRINK" exec --help | sed -n 's/^  --\([a-z-]*\) [A-Z].*/\1/p' | grep -vE '^(name|out|sweep)$')
[ "$(echo "$keys" | wc -l)" -ge 20 ] && ok "exec --help lists $(echo "$keys" | wc -l) settings" || fail "keys: $keys"
for k in $keys command; do
  grep -q "^  $k = " c.txt || fail "help config lacks $k"
done
ok "help config has every exec setting"
# every example is accepted: all of them in one scenario, run for real
{
  echo "[scenario all]"
  echo "command = true"
  grep '^      example: ' c.txt | sed 's/^      example: //' | grep -v '^command = '
} >examples.ini
n=$(grep -c ' = ' examples.ini)
"$BRINK" run --quiet --no-progress --no-plots --out "$TMP/ex" examples.ini >/dev/null 2>ex.err; rc=$?
# expect = leak fails on /bin/true: status 1, but measured and not refused
[ "$rc" -le 1 ] && [ -f ex/summary.csv ] && ok "the $n examples of help config run (status $rc)" ||
  fail "examples refused (status $rc): $(cat ex.err)"
grep -q '^command = ' c.txt || grep -q 'example: command = ' c.txt && ok "command has an example" || fail "no command example"
# the defaults written in the reference are brink's: run.ini of a run with no key set
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/d" -- true >/dev/null 2>&1
for kv in "interval = 10ms" "timeout = none" "repetitions = 1" "exit-stop = yes" "log-cap = 64M" \
  "leak-warmup = 500ms" "leak-rss-slope = 256K" "leak-fd-slope = 0.5" "leak-thread-slope = 0.5"; do
  k=${kv%% =*}; v=${kv#*= }
  grep -qx "$kv" d/run.ini || fail "run.ini has no '$kv'"
  sed -n "/^  $k = /,/^  [a-z]/p" c.txt | tr -s ' \n' '  ' | grep -q "default $v)" ||
    fail "help config: $k default is not $v"
done
ok "defaults in help config match run.ini"

# results: every column of a real summary.csv and samples.csv is explained
"$BRINK" help results >r.txt; expect_eq "help results: status" "$?" 0
for col in $(head -n 1 d/summary.csv | tr , ' ') $(head -n 1 d/true/1/samples.csv | tr , ' '); do
  grep -qE "^  $col " r.txt || fail "help results does not explain $col"
done
ok "help results explains every column"
# ... and so does the README's table of summary.csv
sed -n '/^`summary.csv`, every column:/,/^$/{n;:a;/^|/{p;n;ba}}' "$BRINK_SOURCE_DIR/README.md" >readme-cols.txt
[ -s readme-cols.txt ] || fail "no summary.csv table in the README"
for col in $(head -n 1 d/summary.csv | tr , ' '); do
  grep -q "^| .*\`$col\`.* |" readme-cols.txt || fail "the README's summary.csv table does not explain $col"
done
ok "the README explains every summary.csv column"
for f in run.ini summary.csv summary.json samples.csv events.csv stderr.log report.html; do
  grep -q "$f" r.txt || fail "help results does not name $f"
done

# events.csv: brink help results and the README name the same events, and every
# event the sources write (event(x, ...) in monitor.c, ev(s, ...) in service.c)
# is among them. events_of: the names of an events.csv item's text (stdin),
# parenthesised explanations and the "services:" label left out.
events_of() {
  tr '\n' ' ' | sed 's/([^)]*)//g; s/services://; s/t_s,event,value,detail://' | tr ',;' '\n\n' |
    sed 's/^ *//; s/ *$//' | grep -v '^$' | sort -u
}
sed -n '/^  <scenario>\/<rep>\/events.csv/,/^  <scenario>\/<rep>\/stdout.log/p' r.txt | sed '$d' |
  sed 's/^  <scenario>\/<rep>\/events.csv//' | events_of >ev-help.txt
sed -n '/^  <scenario>\/<rep>\/events.csv/,/^  <scenario>\/<rep>\/stdout.log/p' "$BRINK_SOURCE_DIR/README.md" |
  sed '$d' | sed 's/^  <scenario>\/<rep>\/events.csv//' | events_of >ev-readme.txt
[ "$(wc -l <ev-readme.txt)" -ge 25 ] && ok "the README lists $(wc -l <ev-readme.txt) events" ||
  fail "README events: $(tr '\n' ' ' <ev-readme.txt)"
if cmp -s ev-help.txt ev-readme.txt; then ok "help results and the README list the same events"
else fail "events: help results / README differ: $(diff ev-help.txt ev-readme.txt | grep '^[<>]' | tr '\n' ' ')"; fi
grep -ohE '\b(ev|event)\([^;"]*"[a-z][a-z-]*"' "$BRINK_SOURCE_DIR"/harness/*.c |
  grep -oE '"[a-z][a-z-]*"$' | tr -d '"' | sort -u >ev-src.txt
[ "$(wc -l <ev-src.txt)" -ge 25 ] || fail "events written by the sources: $(tr '\n' ' ' <ev-src.txt)"
missing=$(comm -23 ev-src.txt ev-readme.txt | tr '\n' ' ')
[ -z "$missing" ] && ok "every event the sources write is listed" || fail "events not listed: $missing"

"$BRINK" help exit-codes >x.txt; expect_eq "help exit-codes: status" "$?" 0
for c in 0 1 2 130; do grep -qE "^  $c " x.txt || fail "exit-codes lacks $c"; done
ok "exit-codes lists 0 1 2 130"

# every command's --help fits 80 columns and lists -h, --help
for c in run exec compare plot report; do
  "$BRINK" "$c" --help >"help-$c.txt" 2>&1 || fail "$c --help: status $?"
  wide=$(awk 'length($0) > 80 { print length($0) ": " $0 }' "help-$c.txt")
  [ -z "$wide" ] && ok "$c --help fits 80 columns" || fail "$c --help: lines over 80: $wide"
done
grep -qE '^  -h, --help ' help-exec.txt && ok "exec --help lists -h, --help" || fail "exec --help: no -h, --help line"
finish
