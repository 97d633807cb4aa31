# brink run --shard K/N and brink merge with real runs: a config run whole and as
# 3 shards started by GNU parallel (the README's recipe, on this machine: -S :)
# gives the same result set apart from what sampling and timing decide: the same
# rows in the same order with the same outcomes, exit codes, limits and breaking
# points, what the programs themselves reported ("Error at file 61"), the same
# run folders, the same effective config and the same final line. A shard asked
# for twice, or one left out, is refused. A config's [brink] out holds its shards
# as OUT/shard-K-of-N; a shard above the number of runs is refused.
. "$(dirname "$0")/lib.sh"

command -v parallel >/dev/null || skip "GNU parallel is not installed (scripts/setup.sh test installs it)"

cat >"$TMP/set.ini" <<'EOF'
[brink]
name = set
[defaults]
interval = 2ms
timeout = 20s
repetitions = 2
[scenario fd]
command = fd-exhaust
nofile = 64
[scenario fd-fixed]
command = fd-exhaust --fixed
nofile = 64
repetitions = 1
[scenario mem]
command = mem-hog
memory = 32M
[scenario threads]
command = thread-bomb
pids = 16
EOF

run() { "$BRINK" run --quiet --no-progress --no-plots "$@"; }
"$BRINK" run --no-progress --no-plots --out "$TMP/whole" "$TMP/set.ini" >"$TMP/whole.out" \
  2>"$TMP/whole.err" || fail "the whole run failed: $(cat "$TMP/whole.err")"

# The recipe: one shard per job slot, results back with --return, a job log.
cd "$TMP" || exit 1
parallel --will-cite -S : -j 1 --joblog "$TMP/shards.log" --return "shard-{}" \
  "$BRINK" run --quiet --no-progress --no-plots --shard {}/3 --out "shard-{}" set.ini ::: 1 2 3 \
  >/dev/null 2>"$TMP/parallel.err"
expect_eq "parallel's exit status" $? 0
expect_eq "jobs in the job log with exit status 0" \
  "$(awk -F'\t' 'NR > 1 && $7 == 0' "$TMP/shards.log" | wc -l)" 3
"$BRINK" merge --no-plots "$TMP/merged" shard-1 shard-2 shard-3 >"$TMP/merge.out" 2>"$TMP/merge.err"
expect_eq "merge exit status" $? 0

# Columns that no sampling or timing decides: the config's limits, how each run
# ended and at which limit. (Peaks, baselines, counts of OOM kills and the leak
# verdict come from samples or trends: a thread seen or not before an OOM kill.)
stable() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["scenario"], $c["rep"], $c["outcome"], $c["exit_code"], $c["signal"],
        $c["fd_limit"], $c["fd_exhausted"], $c["mem_limit_bytes"], $c["pids_limit"],
        $c["limit_hit"], $c["unavailable"], $c["expect_failure"] }' "$1"
}
# What the programs said of themselves: the last line of each run's stdout.log
# and stderr.log ("Error at file 61: Too many open files" under nofile 64).
said() { (cd "$1" && for f in */[0-9]/std*.log; do printf '%s: %s\n' "$f" "$(tail -n 1 "$f")"; done); }
# The final line, without the paths and the count of runs that missed samples.
final() { grep '^brink: [0-9]* runs:' "$1" | sed 's/; [0-9]* with over 1% of samples missed//; s/; results in .*//'; }
expect_eq "rows (whole)" "$(stable "$TMP/whole/summary.csv" | awk '{ printf "%s/%s ", $1, $2 }')" \
  "fd/1 fd/2 fd-fixed/1 mem/1 mem/2 threads/1 threads/2 "
if [ "$(stable "$TMP/whole/summary.csv")" = "$(stable "$TMP/merged/summary.csv")" ]; then
  ok "merged rows equal the whole run's apart from timings"
else
  fail "merged rows differ: $(diff <(stable "$TMP/whole/summary.csv") <(stable "$TMP/merged/summary.csv"))"
fi
if [ "$(said "$TMP/whole")" = "$(said "$TMP/merged")" ]; then
  ok "the programs said the same in both"
else
  fail "the programs' own words differ: $(diff <(said "$TMP/whole") <(said "$TMP/merged"))"
fi
expect_eq "fd rep 1 said" "$(tail -n 1 "$TMP/merged/fd/1/stdout.log")" "Error at file 61: Too many open files"
expect_eq "threads rep 2 said" "$(tail -n 1 "$TMP/merged/threads/2/stdout.log")" \
  "Error at thread 15: Resource temporarily unavailable"
expect_eq "final line of the merge (as the whole run's)" "$(final "$TMP/merge.out")" "$(final "$TMP/whole.out")"
expect_eq "final line" "$(final "$TMP/merge.out")" "brink: 7 runs: 5 exited, 2 oom-killed"
expect_eq "mem rep 2 outcome under 32M" "$(field "$TMP/merged/summary.csv" outcome 5)" oom-killed
expect_eq "run folders" "$(cd "$TMP/merged" && ls -d */[0-9] | tr '\n' ' ')" \
  "fd-fixed/1 fd/1 fd/2 mem/1 mem/2 threads/1 threads/2 "
# The effective config, as the whole run wrote it.
cfg() { sed '/^\[machine/,$d; /^\[shard\]/,$d' "$1/run.ini"; }
[ "$(cfg "$TMP/whole")" = "$(cfg "$TMP/merged")" ] && ok "the same effective config" ||
  fail "configs differ: $(diff <(cfg "$TMP/whole") <(cfg "$TMP/merged"))"
expect_eq "digest" "$(grep '^digest' "$TMP/merged/run.ini")" "$(grep '^digest' "$TMP/whole/run.ini")"

"$BRINK" merge --no-plots --quiet "$TMP/m2" shard-1 shard-3 2>"$TMP/m2.err"
expect_eq "merge without shard 2" $? 2
grep -q "missing shard 2 of 3" "$TMP/m2.err" && ok "names the missing shard" || fail "$(cat "$TMP/m2.err")"
"$BRINK" merge --no-plots --quiet "$TMP/m3" shard-1 shard-2 shard-3 shard-2 2>"$TMP/m3.err"
expect_eq "merge with shard 2 twice" $? 2
[ -e "$TMP/m2" ] || [ -e "$TMP/m3" ] && fail "a refused merge wrote something" || ok "refused merges wrote nothing"

# [brink] out with --shard: each shard in OUT/shard-K-of-N (not all into OUT).
cat >"$TMP/tiny.ini" <<EOF
[brink]
out = $TMP/tiny-out
[scenario fd]
command = fd-exhaust
nofile = 32
interval = 2ms
repetitions = 3
EOF
for k in 1 2 3; do
  run --shard $k/3 "$TMP/tiny.ini" >/dev/null 2>"$TMP/tiny-$k.err" ||
    fail "shard $k of a config with out: $(cat "$TMP/tiny-$k.err")"
done
expect_eq "the shards under the config's out" "$(cd "$TMP/tiny-out" && ls -d shard-*-of-3 | tr '\n' ' ')" \
  "shard-1-of-3 shard-2-of-3 shard-3-of-3 "
"$BRINK" merge --no-plots --quiet "$TMP/tiny-out/merged" "$TMP"/tiny-out/shard-*-of-3 2>"$TMP/tiny-m.err"
expect_eq "merge of the config's out/shard-*" $? 0
# A shard above the runs would be empty: refused as brink slurm --shards refuses it.
run --shard 4/4 --out "$TMP/empty" "$TMP/tiny.ini" >/dev/null 2>"$TMP/empty.err"
expect_eq "an empty shard" $? 2
grep -q "shard 4 of 4 would hold no run: the config has 3 runs" "$TMP/empty.err" &&
  ok "says why" || fail "$(cat "$TMP/empty.err")"
[ -e "$TMP/empty" ] && fail "the empty shard wrote something" || ok "nothing written"
finish
