# brink slurm without a cluster: the resources the scripts ask for follow the
# config (largest memory limit + 64M, the whole node when a scenario has no
# limit, an option after -- replaces brink's own), bad input writes nothing, and
# the scripts do their job when sh runs them the way Slurm would (one shard per
# SLURM_ARRAY_TASK_ID, then the merge and the comparison with a baseline), and
# the README's recipe for a failed shard works: run again, the earlier attempt
# kept beside it, merged again (submit.sh K, checked against a stand-in sbatch).
. "$(dirname "$0")/lib.sh"

cat >"$TMP/lim.ini" <<'EOF'
[defaults]
interval = 2ms
timeout = 20s
memory = 40M
[scenario fd]
command = fd-exhaust
nofile = 64
repetitions = 2
[scenario mem]
command = mem-hog
memory = 24M
EOF
cat >"$TMP/nolim.ini" <<'EOF'
[scenario fd]
command = fd-exhaust
nofile = 64
[scenario big]
command = fd-exhaust
memory = max
EOF
cd "$TMP" || exit 1
"$BRINK" slurm --shards 3 --out "$TMP/a" lim.ini >/dev/null
expect_eq "exit status" $? 0
expect_eq "memory asked (40M + 64M)" "$(grep -c '^#SBATCH --mem=104M$' a/shards.sbatch)" 1
expect_eq "CPUs asked" "$(grep -c '^#SBATCH --cpus-per-task=2$' a/shards.sbatch)" 1
expect_eq "array" "$(grep -c '^#SBATCH --array=1-3$' a/shards.sbatch)" 1
grep -q '^#SBATCH --exclusive' a/shards.sbatch && fail "exclusive without need" || ok "not exclusive"
sh -n a/shards.sbatch && sh -n a/merge.sbatch && sh -n a/submit.sh && ok "the scripts parse"
grep -q 'dependency=afterany:\$array merge.sbatch' a/submit.sh && ok "the merge waits for the array (afterany)" ||
  fail "submit.sh: $(cat a/submit.sh)"

"$BRINK" slurm --shards 2 --out "$TMP/b" nolim.ini -- --time=5 >/dev/null
expect_eq "whole node when a scenario has no memory limit" \
  "$(grep -c -e '^#SBATCH --exclusive$' -e '^#SBATCH --mem=0$' b/shards.sbatch)" 2
expect_eq "options after -- in both jobs" "$(cat b/shards.sbatch b/merge.sbatch | grep -c '^#SBATCH --time=5$')" 2
"$BRINK" slurm --shards 2 --out "$TMP/c" lim.ini -- --mem=1G >/dev/null
expect_eq "a memory option after -- replaces brink's" "$(grep -c '^#SBATCH --mem' c/shards.sbatch)" 1
expect_eq "... in the merge job too" "$(grep '^#SBATCH --mem' c/merge.sbatch)" "#SBATCH --mem=1G"

"$BRINK" slurm --shards 4 --out "$TMP/d" nolim.ini 2>"$TMP/d.err"
expect_eq "more shards than runs" $? 2
"$BRINK" slurm --out "$TMP/a" lim.ini 2>/dev/null
expect_eq "OUT not empty" $? 2
"$BRINK" slurm --out "$TMP/e" lim.ini -- time=5 2>/dev/null
expect_eq "an sbatch option that is not --NAME" $? 2
[ -e "$TMP/d" ] || [ -e "$TMP/e" ] && fail "bad input wrote something" || ok "bad input wrote nothing"

# Run the scripts as Slurm would, with a baseline of the same config.
"$BRINK" run --quiet --no-progress --no-plots --out "$TMP/base" lim.ini >/dev/null 2>&1
"$BRINK" slurm --shards 3 --out "$TMP/f" --baseline "$TMP/base" lim.ini >/dev/null
for k in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$k sh f/shards.sbatch >"f/logs/shard-$k.out" 2>&1 || fail "shard $k: $(cat "f/logs/shard-$k.out")"
done
sh f/merge.sbatch >f/logs/merge.out 2>&1
expect_eq "merge job exit status (merged, compared with the baseline)" $? 0
grep -Eq '^brink: 3 runs: 2 exited, 1 oom-killed(; [0-9]+ with over 1% of samples missed)?; results in ' \
  f/logs/merge.out &&
  ok "the merge job ends with brink run's final line" || fail "merge log: $(cat f/logs/merge.out)"
expect_eq "merged rows" "$(awk -F, 'NR > 1 { printf "%s/%s ", $1, $2 }' f/merged/summary.csv)" "fd/1 fd/2 mem/1 "
expect_eq "mem under 24M" "$(field f/merged/summary.csv outcome 3)" oom-killed
rm -rf f/merged f/shard-2
sh f/merge.sbatch >f/logs/merge.out 2>&1
expect_eq "merge job with a shard missing" $? 2
grep -q "missing shard 2 of 3" f/logs/merge.out && ok "the merge job names it" || fail "$(cat f/logs/merge.out)"

# A failed shard run again: shard 2 as a killed brink leaves it (its summary.csv
# never committed), the merge refuses it, the shard runs again in a new
# directory with the failed attempt kept beside it, the merge job merges again.
SLURM_ARRAY_TASK_ID=2 sh f/shards.sbatch >f/logs/shard-2.out 2>&1
mv f/shard-2/summary.csv f/shard-2/summary.csv.part
sh f/merge.sbatch >f/logs/merge.out 2>&1
expect_eq "merge job with shard 2 cut short" $? 2
SLURM_ARRAY_TASK_ID=2 sh f/shards.sbatch >f/logs/shard-2.out 2>&1
expect_eq "shard 2 run again" $? 0
[ -f f/shard-2.attempt-1/summary.csv.part ] && [ -f f/shard-2/summary.csv ] &&
  ok "the failed attempt kept as shard-2.attempt-1" || fail "$(ls f; cat f/logs/shard-2.out)"
sh f/merge.sbatch >f/logs/merge.out 2>&1
expect_eq "merge job after the rerun" $? 0
sh f/merge.sbatch >f/logs/merge.out 2>&1
expect_eq "merge job run twice" $? 0
[ -f f/merged.attempt-1/summary.csv ] && [ -f f/merged/summary.csv ] &&
  ok "the earlier merged result kept as merged.attempt-1" || fail "$(ls f; cat f/logs/merge.out)"

# submit.sh K: the array with --array=K, the merge job after it.
mkdir "$TMP/bin"
cat >"$TMP/bin/sbatch" <<'EOF'
#!/bin/sh
echo "$*" >>"$SBATCH_LOG"
echo "$((40 + $(wc -l <"$SBATCH_LOG")));cluster"
EOF
chmod +x "$TMP/bin/sbatch"
export SBATCH_LOG="$TMP/sbatch.log"
PATH="$TMP/bin:$PATH" sh f/submit.sh 2 3 >"$TMP/submit.out"
expect_eq "submit.sh 2 3" $? 0
expect_eq "its sbatch calls" "$(cat "$SBATCH_LOG")" \
  "$(printf '%s\n' '--parsable --array=2,3 shards.sbatch' '--parsable --dependency=afterany:41 merge.sbatch')"
rm -f "$SBATCH_LOG"
PATH="$TMP/bin:$PATH" sh f/submit.sh >/dev/null
expect_eq "submit.sh: every shard" "$(head -n 1 "$SBATCH_LOG")" "--parsable shards.sbatch"
PATH="$TMP/bin:$PATH" sh f/submit.sh 4 >/dev/null 2>&1
expect_eq "submit.sh with a shard that does not exist" $? 2
finish
