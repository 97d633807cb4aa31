# A one-node Slurm cluster on this machine (munged, slurmctld, slurmd on 127.0.0.1,
# ports of their own, state, spool and logs under the test's temp dir): `brink
# slurm --submit` sends a small config as a 3-shard job array plus the merge job,
# which compares with a baseline run here. Checked: the jobs' final states, the
# merged summary (every run once, in config order, the breaking points the
# fixtures are built to reach), each shard's machine probe and the job's memory
# ceiling as Slurm set it; a shard run again with submit.sh K; shards asking
# --mem-per-cpu after -- (both scripts taken by sbatch); then a job too small for a scenario's limit must be
# refused by brink slurm, and when made by hand, by the shard inside it, with
# the merge naming the missing shard. Every daemon, job, cgroup
# and file the test started is removed on every path (trap).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "a Slurm cluster of one node needs root here"
for t in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$t" >/dev/null || skip "$t is not installed (scripts/setup.sh test installs slurm-wlm and munge)"
done

node="brinkt$$"
cluster="brinkt$$"
pids=()
chmod 755 "$TMP"
mkdir -p "$TMP/munge" "$TMP/state" "$TMP/spool" "$TMP/log" "$TMP/etc"
chmod 700 "$TMP/munge"
export SLURM_CONF="$TMP/etc/slurm.conf"

cleanup() {
  set +e
  if [ -s "$TMP/etc/slurm.conf" ] && [ ${#pids[@]} -ge 2 ]; then
    scancel --partition="$cluster" >/dev/null 2>&1
    for _ in $(seq 50); do
      [ -z "$(squeue -h -p "$cluster" 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  # What is left in this node's groups is this test's (slurmstepd, job steps):
  # killed, then the groups removed, deepest first, in every hierarchy.
  for g in $(find /sys/fs/cgroup -maxdepth 2 -type d -name "slurm_$node" 2>/dev/null); do
    for _ in 1 2 3; do
      find "$g" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null
      find "$g" -depth -type d -exec rmdir {} + 2>/dev/null
      [ -d "$g" ] || break
      sleep 0.2
    done
    [ -d "$g" ] && echo "FAIL: cannot remove $g" >&2
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# Ports no one listens on: two consecutive free ones in 20000-39999.
in_use() { ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q . ; }
port=$((20000 + ($$ * 7) % 19000))
for _ in $(seq 50); do
  in_use "$port" || in_use $((port + 1)) || break
  port=$((port + 2))
done

mungekey --create --keyfile="$TMP/munge/munge.key" >/dev/null 2>&1 || skip "mungekey cannot create a key"
munged -F --force --socket="$TMP/munge/munge.socket" --key-file="$TMP/munge/munge.key" \
  --pid-file="$TMP/munge/munged.pid" --log-file="$TMP/log/munged.log" \
  --seed-file="$TMP/munge/munged.seed" >/dev/null 2>&1 &
pids+=($!)

mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat >"$TMP/etc/slurm.conf" <<EOF
ClusterName=$cluster
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$TMP/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup,task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/state/slurmctld.pid
SlurmdPidFile=$TMP/spool/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerParameters=sched_interval=1
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem_mb State=UNKNOWN
PartitionName=$cluster Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
cat >"$TMP/etc/cgroup.conf" <<EOF
CgroupPlugin=autodetect
ConstrainRAMSpace=yes
EOF

for _ in $(seq 50); do [ -S "$TMP/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$TMP/munge/munge.socket" ] || skip "munged did not start: $(tail -3 "$TMP/log/munged.log" 2>/dev/null)"
slurmctld -D -i -f "$SLURM_CONF" >"$TMP/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$TMP/log/slurmd.out" 2>&1 &
pids+=($!)
up=""
for _ in $(seq 150); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null)
  [ "$state" = idle ] && { up=1; break; }
  sleep 0.2
done
[ -n "$up" ] || skip "Slurm did not start here (node state '${state:-none}'): $(tail -3 "$TMP/log/slurmctld.log" "$TMP/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
ok "munged, slurmctld and slurmd up on 127.0.0.1:$port, node $node idle"

# The fixtures, each twice, under limits they are built to reach. The merge job
# compares with a baseline made here at another moment, 2 runs a side: the
# judgement falls to the thresholds, and beside the rest of the suite durations
# and peaks move by more than the defaults (a run once regressed on that alone).
# What is checked is the pipeline and the breaking points, which no threshold
# hides: a doubling or 10 s of duration count.
cat >"$TMP/cluster.ini" <<'EOF'
[brink]
name = cluster
[defaults]
interval = 2ms
timeout = 20s
repetitions = 2
memory = 48M
[scenario fd]
command = fd-exhaust
nofile = 64
[scenario mem]
command = mem-hog
memory = 32M
[scenario threads]
command = thread-bomb
pids = 16
[compare]
threshold = 100
min-change.duration_s = 10
EOF
"$BRINK" run --quiet --no-progress --no-plots --out "$TMP/base" "$TMP/cluster.ini" >/dev/null 2>&1 ||
  fail "the baseline run here failed"

# Each task asks for 48M + 64M = 112M (the largest limit plus brink's own).
out=$("$BRINK" slurm --shards 3 --partition "$cluster" --out "$TMP/job" --baseline "$TMP/base" \
  --submit "$TMP/cluster.ini" -- --cpus-per-task=1 --time=5 2>&1)
echo "$out"
array=$(echo "$out" | sed -n 's/.*job array \([0-9]*\) .*/\1/p')
merge=$(echo "$out" | sed -n 's/.*merge job \([0-9]*\);.*/\1/p')
[ -n "$array" ] && [ -n "$merge" ] || { fail "brink slurm --submit: no job ids"; finish; }
grep -q '^#SBATCH --mem=112M$' "$TMP/job/shards.sbatch" && ok "each shard asks for 112M" ||
  fail "memory request: $(grep mem "$TMP/job/shards.sbatch")"

# Wait (bounded) for the merge job to end.
job_field() { scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
# wait_job ID: wait (bounded) for job ID to end; its final state.
wait_job() {
  local st=
  for _ in $(seq 240); do
    st=$(job_field "$1" JobState)
    case "$st" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
    sleep 0.5
  done
  echo "$st"
}
for _ in $(seq 360); do
  st=$(job_field "$merge" JobState)
  case "$st" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
expect_eq "merge job state" "$st" COMPLETED
expect_eq "merge job exit code (merge, then compare with the baseline)" "$(job_field "$merge" ExitCode)" 0:0
for k in 1 2 3; do
  expect_eq "shard $k state" "$(job_field "${array}_$k" JobState)" COMPLETED
done

m="$TMP/job/merged"
[ -f "$m/summary.csv" ] || { fail "no merged summary"; cat "$TMP"/job/logs/* >&2; finish; }
rows=$(awk -F, 'NR > 1 { printf "%s/%s ", $1, $2 }' "$m/summary.csv")
expect_eq "merged runs, in config order" "$rows" "fd/1 fd/2 mem/1 mem/2 threads/1 threads/2 "
for r in 1 2; do
  expect_eq "fd rep $r peak_fds (nofile 64)" "$(field "$m/summary.csv" peak_fds $r)" 64
  expect_eq "mem rep $r outcome (memory 32M)" "$(field "$m/summary.csv" outcome $((2 + r)))" oom-killed
  expect_eq "threads rep $r peak_threads (pids 16)" "$(field "$m/summary.csv" peak_threads $((4 + r)))" 16
done
for s in fd mem threads; do
  for r in 1 2; do [ -f "$m/$s/$r/samples.csv" ] || fail "no $s/$r/samples.csv in the merged set"; done
done
[ -f "$m/report.md" ] && [ -f "$m/summary.json" ] && ok "report.md and summary.json" || fail "no report or summary.json"
expect_eq "machine probes in the merged run.ini" "$(grep -c '^\[machine shard [123]\]$' "$m/run.ini")" 3
# Inside a task the job's limit sits above brink's group (v1: on an ancestor):
# the probe must find the 112M Slurm set.
ceil=$(sed -n '/^\[machine shard 1\]/,/^\[/s/^memory_ceiling = \([0-9]*\) .*/\1/p' "$m/run.ini")
expect_eq "memory ceiling seen inside the job" "$ceil" $((112 * 1024 * 1024))
"$BRINK" compare "$TMP/base" "$m" >"$TMP/compare.out" 2>&1
rc=$?
expect_eq "compare of the baseline and the merged set" $rc 0
[ $rc -eq 0 ] || cat "$TMP/compare.out" "$TMP"/job/logs/*merge* >&2

# A shard run again with submit.sh K (the README's recipe for a failed shard):
# that shard alone, the earlier attempt kept, and the merge job again.
out=$(sh "$TMP/job/submit.sh" 2 2>&1)
merge3=$(echo "$out" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
expect_eq "merge job after shard 2 ran again" "$(wait_job "$merge3")" COMPLETED
[ -d "$TMP/job/shard-2.attempt-1" ] && [ -f "$TMP/job/shard-2/summary.csv" ] &&
  [ -f "$TMP/job/merged.attempt-1/summary.csv" ] && [ -f "$TMP/job/merged/summary.csv" ] &&
  ok "shard 2 and the merge ran again beside their earlier attempts" || fail "$(ls "$TMP/job")"

# A memory option after -- replaces brink's in both jobs: sbatch takes both.
out=$("$BRINK" slurm --shards 2 --partition "$cluster" --out "$TMP/mpc" --submit \
  "$TMP/cluster.ini" -- --mem-per-cpu=120M --cpus-per-task=1 --time=5 2>&1)
merge4=$(echo "$out" | sed -n 's/.*merge job \([0-9]*\);.*/\1/p')
[ -n "$merge4" ] || fail "brink slurm -- --mem-per-cpu=120M: $out"
expect_eq "merge job of shards asking --mem-per-cpu" "$(wait_job "$merge4")" COMPLETED

# A memory option after -- below a scenario's limit plus brink's own: brink run
# would refuse it in every job, so brink slurm refuses it before writing.
"$BRINK" slurm --shards 2 --partition "$cluster" --out "$TMP/small" \
  "$TMP/cluster.ini" -- --mem=64M --cpus-per-task=1 --time=5 >/dev/null 2>"$TMP/small.err"
expect_eq "brink slurm with a job too small" $? 2
grep -q "memory 48 MiB is above what this machine lets brink use: 64 MiB (--mem=64M after --)" \
  "$TMP/small.err" && ok "says which limit does not fit" || fail "$(cat "$TMP/small.err")"
[ -e "$TMP/small" ] && fail "a refused brink slurm wrote something" || ok "nothing written"

# The same job made by hand (the script edited after brink slurm wrote it): the
# shard refuses to run inside its job, the merge names it.
"$BRINK" slurm --shards 2 --partition "$cluster" --out "$TMP/small" \
  "$TMP/cluster.ini" -- --mem=112M --cpus-per-task=1 --time=5 >/dev/null
sed -i 's/^#SBATCH --mem=112M$/#SBATCH --mem=64M/' "$TMP/small/shards.sbatch"
out=$(sh "$TMP/small/submit.sh" 2>&1)
merge2=$(echo "$out" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
[ -n "$merge2" ] || fail "submit.sh: $out"
expect_eq "merge job of a too-small job" "$(wait_job "$merge2")" FAILED
grep -q "memory 48 MiB is above what this machine lets brink use: 64 MiB" "$TMP/small/logs/shard-1.out" &&
  ok "the shard says its job is too small" || fail "shard log: $(cat "$TMP/small/logs/shard-1.out")"
grep -q "none of the 2 shards left a result" "$TMP/small/logs/merge.out" &&
  ok "the merge job says no shard left a result" || fail "merge log: $(cat "$TMP/small/logs/merge.out")"
finish
