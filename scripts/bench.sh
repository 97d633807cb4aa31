#!/usr/bin/env bash
# Run brink's benchmarks side by side with the tools people use instead and write
# docs/BENCHMARKS.md (issue 6). Takes about 2 minutes on 2 cores. Needs root (cgroups).
# Usage: scripts/bench.sh            (build dir: $BRINK_BUILD_DIR, default build/)
# Knobs: BENCH_ROUNDS (5), BENCH_SAMPLING_S (15), BENCH_SAMPLING_RUNS (3),
#        BENCH_LAUNCHES (10 per round), BENCH_OUT (docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=${BRINK_BUILD_DIR:-build}
case "$build" in /*) ;; *) build=$src/$build ;; esac
rounds=${BENCH_ROUNDS:-5}
samp_s=${BENCH_SAMPLING_S:-15}
samp_runs=${BENCH_SAMPLING_RUNS:-3}
launches=${BENCH_LAUNCHES:-10}
out=${BENCH_OUT:-$src/docs/BENCHMARKS.md}
nfds=19000
nthreads=500
py=/usr/bin/python3 # Debian's, where python3-psutil lives (not a pyenv shim)

say() { echo "bench: $*" >&2; }
scripts/setup.sh bench
BRINK_BUILD_DIR=$build scripts/build.sh
brink=$build/brink
bin=$build/bench
stats() { "$py" "$src/bench/stats.py" "$@"; }
kv() { sed -n 's/^RESULT //p' | tr ' ' '\n' | sed -n "s/^$1=//p"; } # RESULT line -> value

tmp=$(mktemp -d /tmp/brink-bench.XXXXXX)
holder_pid=
cgs=()
cleanup() {
  [ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null
  for g in "${cgs[@]}"; do cgdelete -g "$g" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- machine ---------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
if [ -d /sys/fs/cgroup/memory ]; then cgmode="hybrid/v1 (memory, pids on v1)"; else cgmode=v2; fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$src" status --porcelain 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

# --- 1. cost of one sample -------------------------------------------------
start_holder() {
  "$bin/holder" "$nfds" "$nthreads" >"$tmp/holder.out" &
  holder_pid=$!
  for _ in $(seq 200); do
    grep -q ready "$tmp/holder.out" && return 0
    sleep 0.05
  done
  say "holder did not get ready"; exit 1
}
t_start=$(date +%s)
say "1/5 cost of one sample ($nfds fds, $nthreads threads)"
start_holder
"$bin/sample_cost" "$holder_pid" "$rounds" 5000 20 >"$tmp/sample_cost.out"
sc=$(cat "$tmp/sample_cost.out")
fast_ns=$(kv fast_ns <<<"$sc"); fast_cpu=$(kv fast_cpu_ns <<<"$sc")
rd_ns=$(kv readdir_ns <<<"$sc"); rd_cpu=$(kv readdir_cpu_ns <<<"$sc")
floor_ns=$(kv floor_ns <<<"$sc"); floor_cpu=$(kv floor_cpu_ns <<<"$sc")
stat_ns=$(kv stat_ns <<<"$sc")
ratio_rd=$(kv ratio_readdir <<<"$sc"); ratio_floor=$(kv ratio_floor <<<"$sc")
held_fds=$(kv fds <<<"$sc"); held_threads=$(kv threads <<<"$sc")

ps=$("$py" "$src/bench/psutil_cost.py" "$holder_pid" "$rounds" 10)
ps_ns=$(kv psutil_ns <<<"$ps"); ps_cpu=$(kv psutil_cpu_ns <<<"$ps")
ps_nofd=$(kv psutil_nofd_ns <<<"$ps"); ps_ver=$(kv version <<<"$ps")

# pidstat takes one sample a second at best: its CPU per sample is the
# difference between 4 and 1 reports, over 3 samples.
pid_cpu=()
pidstat_ok=no
if command -v pidstat >/dev/null; then
  for _ in $(seq 3); do
    a=$("$bin/cputime" pidstat -r -v -p "$holder_pid" 1 1 2>&1 >/dev/null | tail -1)
    b=$("$bin/cputime" pidstat -r -v -p "$holder_pid" 1 4 2>&1 >"$tmp/pidstat.out" | tail -1)
    cpu_of() { awk '{for (i=1;i<=NF;i++) {split($i,kv,"="); v[kv[1]]=kv[2]} printf "%.6f", v["self_user_s"]+v["self_sys_s"]}' <<<"$1"; }
    pid_cpu+=("$(awk -v a="$(cpu_of "$a")" -v b="$(cpu_of "$b")" 'BEGIN {printf "%.0f", (b-a)/3*1e9}')")
  done
  pid_ns=$(stats median "${pid_cpu[@]}")
  pidstat_ver=$(pidstat -V 2>&1 | head -1)
  pidstat_fd=$(awk '$NF ~ /holder/ {print}' "$tmp/pidstat.out" | tail -1)
  pidstat_ok=yes
fi
kill "$holder_pid"; wait "$holder_pid" 2>/dev/null || true; holder_pid=

# --- 2. sampling at 1 ms ---------------------------------------------------
say "2/5 sampling the holder at 1 ms, ${samp_runs} x ${samp_s}s"
pcts=(); samples=(); expected=(); missed=(); j50=(); j99=(); jmax=()
tk_pct=(); tk_missed=(); tk_j99=(); tk_rows=""
for r in $(seq "$samp_runs"); do
  # The floor, right before each brink run: waking at every 1 ms tick and
  # doing nothing else (bench/tick), for as long as brink samples.
  tk=$("$bin/tick" "$samp_s" 1000)
  tk_pct+=("$(kv cpu_pct <<<"$tk")"); tk_missed+=("$(kv missed <<<"$tk")")
  tk_j99+=("$(kv p99_us <<<"$tk")")
  tk_rows+="| $r | $(kv cpu_pct <<<"$tk") % | $(kv wakeups <<<"$tk") | $(kv expected <<<"$tk") | $(kv missed <<<"$tk") | $(kv p50_us <<<"$tk") | $(kv p99_us <<<"$tk") | $(kv max_us <<<"$tk") |"$'\n'

  d=$tmp/s$r
  line=$("$bin/cputime" "$brink" exec --interval 1ms --timeout "${samp_s}s" --out "$d" \
    --quiet --no-progress -- "$bin/holder" "$nfds" "$nthreads" 2>&1 >/dev/null | grep '^wall_s=')
  self=$(awk '{for (i=1;i<=NF;i++) {split($i,kv,"="); v[kv[1]]=kv[2]} printf "%.3f", v["self_user_s"]+v["self_sys_s"]}' <<<"$line")
  dur=$(stats col "$d/summary.csv" duration_s)
  n=$(stats col "$d/summary.csv" samples)
  m=$(stats col "$d/summary.csv" missed_samples)
  pcts+=("$(awk -v c="$self" -v d="$dur" 'BEGIN {printf "%.2f", 100*c/d}')")
  samples+=("$n"); missed+=("$m")
  expected+=("$(awk -v d="$dur" 'BEGIN {printf "%d", d/0.001}')")
  jit=$(stats jitter "$d"/holder/1/samples.csv 0.001)
  j50+=("$(sed 's/.*p50_us=\([^ ]*\).*/\1/' <<<"$jit")")
  j99+=("$(sed 's/.*p99_us=\([^ ]*\).*/\1/' <<<"$jit")")
  jmax+=("$(sed 's/.*max_us=\([^ ]*\).*/\1/' <<<"$jit")")
  samp_fds=$(stats col "$d/summary.csv" peak_fds)
  samp_threads=$(stats col "$d/summary.csv" peak_threads)
done
pct_med=$(stats median "${pcts[@]}")
tk_pct_med=$(stats median "${tk_pct[@]}"); tk_j99_med=$(stats median "${tk_j99[@]}")
tk_missed_total=$(printf '%s\n' "${tk_missed[@]}" | awk '{s+=$1} END {print s}')
over_med=$(awk -v a="$pct_med" -v b="$tk_pct_med" 'BEGIN {printf "%.2f", a-b}')
j50_med=$(stats median "${j50[@]}"); j99_med=$(stats median "${j99[@]}")
samp_rows=""
for i in $(seq 0 $((samp_runs - 1))); do
  samp_rows+="| $((i + 1)) | ${pcts[$i]} % | ${samples[$i]} | ${expected[$i]} | ${missed[$i]} | ${j50[$i]} | ${j99[$i]} | ${jmax[$i]} |"$'\n'
done

# --- 3. launch cost --------------------------------------------------------
say "3/5 launch cost, $rounds rounds of $launches launches"
mem_base=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
pids_base=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/self/cgroup)
mem_base=${mem_base%/}; pids_base=${pids_base%/}
loop_ms() { # N CMD... -> milliseconds per launch
  local n=$1 t0 t1; shift
  t0=$(date +%s%N)
  for i in $(seq "$n"); do "$@" "$i" >/dev/null 2>&1 || true; done
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.3f", (b-a)/n/1e6}'
}
l_bare() { /bin/true; }
l_brink() {
  "$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress \
    --out "$tmp/l/$RANDOM$1" -- /bin/true
}
l_brink_np() { # the same with --no-plots: no gnuplot run at the end
  "$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --no-plots \
    --out "$tmp/l/np$RANDOM$1" -- /bin/true
}
l_cg() {
  local g=brink-bench-$$-$1
  cgcreate -g "memory:$mem_base/$g" -g "pids:$pids_base/$g" &&
    cgset -r memory.limit_in_bytes=64M "$mem_base/$g" &&
    cgset -r pids.max=64 "$pids_base/$g" &&
    cgexec -g "memory:$mem_base/$g" -g "pids:$pids_base/$g" prlimit --nofile=1024 /bin/true
  local rc=$?
  cgdelete -g "memory:$mem_base/$g" -g "pids:$pids_base/$g"
  return $rc
}
# The pipeline must work, or its time means nothing.
l_cg check || { say "cgcreate/cgexec pipeline failed"; exit 1; }
mkdir -p "$tmp/l"
lb=(); lbr=(); lng=(); lcg=(); r_cg=(); r_ng=()
for _ in $(seq "$rounds"); do
  lb+=("$(loop_ms "$launches" l_bare)")
  lbr+=("$(loop_ms "$launches" l_brink)")
  lng+=("$(loop_ms "$launches" l_brink_np)")
  lcg+=("$(loop_ms "$launches" l_cg)")
  rm -rf "$tmp/l"; mkdir -p "$tmp/l"
  r_cg+=("$(awk -v a="${lcg[-1]}" -v b="${lbr[-1]}" 'BEGIN {printf "%.3f", a/b}')")
  r_ng+=("$(awk -v a="${lcg[-1]}" -v b="${lng[-1]}" 'BEGIN {printf "%.3f", a/b}')")
done
lb_med=$(stats median "${lb[@]}"); lbr_med=$(stats median "${lbr[@]}")
lng_med=$(stats median "${lng[@]}"); lcg_med=$(stats median "${lcg[@]}")
rcg_med=$(stats median "${r_cg[@]}"); rng_med=$(stats median "${r_ng[@]}")
# What brink itself reports as the run's duration (fork to reap), one launch.
"$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --no-plots \
  --out "$tmp/l/one" -- /bin/true >/dev/null 2>&1
one_dur=$(stats col "$tmp/l/one/summary.csv" duration_s)

# --- 4. breaking-point precision -------------------------------------------
say "4/5 breaking-point precision: fd exhaustion at 1024, 4096, 20000 x 5"
cat >"$tmp/fdprec.ini" <<INI
; written by scripts/bench.sh
[brink]
name = fdprec

[defaults]
interval = 1ms
timeout = 30s
repetitions = 5

[scenario fd-1024]
command = fd-exhaust
nofile = 1024

[scenario fd-4096]
command = fd-exhaust
nofile = 4096

[scenario fd-20000]
command = fd-exhaust
nofile = 20000
INI
"$brink" run --quiet --no-progress --out "$tmp/fdprec" "$tmp/fdprec.ini" >/dev/null 2>&1 || true
prec_rows=$(awk -F, 'NR > 1 {
    n[$1]++; lim[$1] = $11; ok[$1] += ($9 == $11 && $13 == 1); peaks[$1] = peaks[$1] (peaks[$1] == "" ? "" : " ") $9
  } END { for (s in n) printf "| %s | %s | %s | %d/%d |\n", s, lim[s], peaks[s], ok[s], n[s] }' \
  "$tmp/fdprec/summary.csv" | sort -t'|' -k3n)
prec_all=$(awk -F, 'NR > 1 {n++; ok += ($9 == $11 && $13 == 1)} END {print (n == 15 && ok == n) ? "yes" : "no"}' \
  "$tmp/fdprec/summary.csv")

# --- 5. verdicts and the report --------------------------------------------
say "5/5 writing $out"
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
verdict() { if "$@"; then echo met; else echo "not met"; fi; }
g_readdir=$(verdict ge "$ratio_rd" 100)
g_floor=$(verdict lt "$ratio_floor" 2)
g_cpu=$(verdict lt "$pct_med" 2)
missed_total=$(printf '%s\n' "${missed[@]}" | awk '{s+=$1} END {print s}')
g_missed=$(verdict [ "$missed_total" -eq 0 ])
g_jitter=$(verdict lt "$j99_med" 200)
g_launch=$(verdict lt "$lbr_med" "$lcg_med")
g_launch_np=$(verdict lt "$lng_med" "$lcg_med")
g_bare=$(verdict lt "$(awk -v a="$lbr_med" -v b="$lb_med" 'BEGIN {print a-b}')" 5)
g_bare_np=$(verdict lt "$(awk -v a="$lng_med" -v b="$lb_med" 'BEGIN {print a-b}')" 5)
g_prec=$( [ "$prec_all" = yes ] && echo met || echo "not met")
us() { awk -v v="$1" 'BEGIN {printf "%.2f", v/1000}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.2f", v/1e6}'; }
x() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", a/b}'; }
if [ "$pidstat_ok" = yes ]; then
  pidstat_row="| pidstat \`-r -v\` (${pidstat_ver}) | - | $(ms "$pid_ns") ms | $(x "$pid_ns" "$fast_cpu")x |"
else
  pidstat_row="| pidstat | not installed | | |"
fi

mkdir -p "$(dirname "$out")"
cat >"$out.tmp" <<MD
# Benchmarks

Written by \`scripts/bench.sh\` on $stamp from commit $commit$dirty. Every comparison
below was measured side by side in this one run; ratios are medians over
$rounds rounds (per-round ratios where both sides ran in the same program).
Absolute times depend on the machine and its load and are shown for scale only.

## Machine

| | |
|---|---|
| OS | $os, kernel $(uname -r) |
| CPU | $cpu, $(nproc) cores |
| memory | $mem_gib GiB |
| cgroups | $cgmode |
| load average at start | $load |

## Goals (issue 6)

| goal | figure | |
|---|---|---|
| one sample >= 100x cheaper than the readdir count | ${ratio_rd}x | $g_readdir |
| one sample within 2x of the floor | ${ratio_floor}x | $g_floor |
| sampling at 1 ms under 2% of a core | ${pct_med} % (median of $samp_runs); floor ${tk_pct_med} % | $g_cpu |
| no missed deadlines under light load | ${missed_total} missed of $(printf '%s\n' "${expected[@]}" | awk '{s+=$1} END {print s}'); floor ${tk_missed_total} | $g_missed |
| p99 jitter under 200 us | ${j99_med} us; floor ${tk_j99_med} us | $g_jitter |
| launch faster than cgcreate+cgexec+prlimit+cgdelete, \`--no-plots\` | $lng_med ms vs $lcg_med ms (${rng_med}x) | $g_launch_np |
| the same, with plots (gnuplot) | $lbr_med ms vs $lcg_med ms (${rcg_med}x) | $g_launch |
| launch within a few ms (< 5) of bare /bin/true, \`--no-plots\` | $lng_med ms vs $lb_med ms | $g_bare_np |
| the same, with plots | $lbr_med ms vs $lb_med ms | $g_bare |
| fd exhaustion: peak_fds == limit in every repetition | see below | $g_prec |

"floor" is what the same work costs with nothing of brink in it, measured in the
same run (section 1: the bare system calls of a sample; section 2: a loop that only
wakes at every 1 ms tick). Where the floor itself misses a goal, so must brink.

Not measured yet: time to the child's first instruction, scale (500 short runs,
a 10-minute run at 1 ms), OOM onset precision.

## 1. Cost of one sample

Target: \`bench/holder $nfds $nthreads\` ($held_fds open fds, $held_threads threads).

\`\`\`
$build/bench/sample_cost PID $rounds 5000 20
$py bench/psutil_cost.py PID $rounds 10
$build/bench/cputime pidstat -r -v -p PID 1 1   # and ... 1 4; (CPU(4) - CPU(1)) / 3
\`\`\`

| sampler | wall / sample | CPU / sample | CPU vs brink O(1) |
|---|---|---|---|
| brink, O(1) fd count | $(us "$fast_ns") us | $(us "$fast_cpu") us | 1x |
| brink, readdir fd count | $(ms "$rd_ns") ms | $(ms "$rd_cpu") ms | $(x "$rd_cpu" "$fast_cpu")x |
| floor: pread /proc/P/statm + fstatat /proc/P/fd, /proc/P/task | $(us "$floor_ns") us | $(us "$floor_cpu") us | |
| pread /proc/P/stat alone (brink: CPU time, every 100 ms) | $(us "$stat_ns") us | | |
| psutil $ps_ver: num_fds + num_threads + memory_info | $(ms "$ps_ns") ms | $(ms "$ps_cpu") ms | $(x "$ps_cpu" "$fast_cpu")x |
| psutil without num_fds | $(us "$ps_nofd") us | | |
$pidstat_row

Ratios (median of per-round ratios, wall time): **readdir / O(1) = ${ratio_rd}x**,
**brink / floor = ${ratio_floor}x**.

A sample reads rss from \`/proc/P/statm\`, the fd count from the size of
\`/proc/P/fd\` and the thread count from the link count of \`/proc/P/task\`: three
system calls whose cost does not grow with the fds or threads held. \`/proc/P/stat\`
of a 501-thread process is the expensive read (the kernel walks every thread for
it); brink reads it only for the CPU time, at a process's first sample and then at
most every 100 ms (see harness/sample.h), so back to back, as here, it is amortised
away; at 1 ms it adds about a hundredth of its cost to each sample.

<details><summary>sample_cost output</summary>

\`\`\`
$sc
\`\`\`
</details>

## 2. Sampling at 1 ms

\`\`\`
$build/bench/cputime $brink exec --interval 1ms --timeout ${samp_s}s --out DIR -- $build/bench/holder $nfds $nthreads
\`\`\`

brink's own CPU time (user + system, read from its /proc/PID/stat before it is
reaped, so its children's time is not counted) over the run's \`duration_s\`; samples and
missed_samples from summary.csv; jitter = |interval between consecutive \`t_s\` - 1 ms|.
Peak seen: $samp_fds fds, $samp_threads threads.

| run | brink CPU | samples | expected | missed | jitter p50 (us) | p99 (us) | max (us) |
|---|---|---|---|---|---|---|---|
$samp_rows
Median: **${pct_med} % of one core**, jitter p50 ${j50_med} us, p99 ${j99_med} us.

The floor, \`$build/bench/tick ${samp_s} 1000\` right before each run: a loop that
waits for the same absolute-deadline timerfd and does nothing else.

| run | CPU | wake-ups | expected | missed | jitter p50 (us) | p99 (us) | max (us) |
|---|---|---|---|---|---|---|---|
$tk_rows
Median: **${tk_pct_med} % of one core** only to wake 1000 times a second here, so
brink's sampling itself costs about **${over_med} %** of a core on top
(the run's setup and end are in brink's figure too).

## 3. Launch cost

$launches launches per round, $rounds rounds, wall time per launch (\`date +%s%N\` around
the loop), each with a 64M memory limit, a pids limit of 64 and nofile 1024:

\`\`\`
/bin/true
$brink exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --out DIR -- /bin/true
$brink exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --no-plots --out DIR -- /bin/true
cgcreate -g memory:BASE/G -g pids:BASE/G; cgset -r memory.limit_in_bytes=64M BASE/G;
  cgset -r pids.max=64 BASE/G; cgexec -g memory:BASE/G -g pids:BASE/G prlimit --nofile=1024 /bin/true;
  cgdelete -g memory:BASE/G -g pids:BASE/G
\`\`\`

| launcher | ms / launch (median) | rounds |
|---|---|---|
| bare /bin/true | $lb_med | ${lb[*]} |
| brink exec, with plots (runs gnuplot) | $lbr_med | ${lbr[*]} |
| brink exec \`--no-plots\` | $lng_med | ${lng[*]} |
| cgcreate + cgset + cgexec + prlimit + cgdelete | $lcg_med | ${lcg[*]} |

cgexec pipeline / brink exec \`--no-plots\` = **${rng_med}x**; pipeline / brink
exec with plots = **${rcg_med}x** (above 1: brink is faster). brink itself reports a
run duration (fork to reap) of ${one_dur} s for /bin/true: the rest of a launch is
setup, the result files and the report, and, without \`--no-plots\`, gnuplot
drawing the plots, which is most of it.

## 4. Breaking-point precision (fd exhaustion)

\`bench.sh\` writes a config running \`fd-exhaust\` under nofile 1024, 4096 and 20000,
5 repetitions each, interval 1ms: \`brink run\` it; peak_fds must equal fd_limit
and fd_exhausted be 1 in every repetition.

| scenario | limit | peak_fds per repetition | exact |
|---|---|---|---|
$prec_rows
MD
mv "$out.tmp" "$out"
say "done in $(( $(date +%s) - t_start )) s: $out"
