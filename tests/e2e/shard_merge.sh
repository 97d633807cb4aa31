# brink run --shard K/N and brink merge with real runs: a config run whole and as
# 3 shards started by GNU parallel (the README's recipe, on this machine: -S :)
# gives the same result set apart from timings and measured amounts: the same
# rows in the same order with the same outcomes, exit codes, limits and breaking
# points, the same run folders and the same effective config. A shard asked for
# twice, or one left out, is refused.
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
run --out "$TMP/whole" "$TMP/set.ini" >/dev/null 2>"$TMP/whole.err" ||
  fail "the whole run failed: $(cat "$TMP/whole.err")"

# The recipe: one shard per job slot, results back with --return, a job log.
cd "$TMP" || exit 1
parallel --will-cite -S : -j 1 --joblog "$TMP/shards.log" --return "shard-{}" \
  "$BRINK" run --quiet --no-progress --no-plots --shard {}/3 --out "shard-{}" set.ini ::: 1 2 3 \
  >/dev/null 2>"$TMP/parallel.err"
expect_eq "parallel's exit status" $? 0
expect_eq "jobs in the job log with exit status 0" \
  "$(awk -F'\t' 'NR > 1 && $7 == 0' "$TMP/shards.log" | wc -l)" 3
"$BRINK" merge --no-plots --quiet "$TMP/merged" shard-1 shard-2 shard-3 2>"$TMP/merge.err"
expect_eq "merge exit status" $? 0

# Columns that do not depend on timing: everything but durations, amounts
# measured by sampling, slopes and counts of samples.
stable() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["scenario"], $c["rep"], $c["outcome"], $c["exit_code"], $c["signal"],
        $c["peak_fds"], $c["peak_threads"], $c["fd_limit"], $c["fd_baseline"],
        $c["fd_exhausted"], $c["mem_limit_bytes"], $c["oom_kills"], $c["pids_limit"],
        $c["limit_hit"], $c["leak"], $c["unavailable"], $c["expect_failure"] }' "$1"
}
expect_eq "rows (whole)" "$(stable "$TMP/whole/summary.csv" | awk '{ printf "%s/%s ", $1, $2 }')" \
  "fd/1 fd/2 fd-fixed/1 mem/1 mem/2 threads/1 threads/2 "
if [ "$(stable "$TMP/whole/summary.csv")" = "$(stable "$TMP/merged/summary.csv")" ]; then
  ok "merged rows equal the whole run's apart from timings"
else
  fail "merged rows differ: $(diff <(stable "$TMP/whole/summary.csv") <(stable "$TMP/merged/summary.csv"))"
fi
expect_eq "fd rep 1 peak_fds under nofile 64" "$(field "$TMP/merged/summary.csv" peak_fds 1)" 64
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
finish
