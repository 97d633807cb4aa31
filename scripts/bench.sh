#!/usr/bin/env bash
# Run brink's benchmarks side by side with the tools people use instead and write
# docs/BENCHMARKS.md (issue 6). Takes about 5 minutes on 2 cores. Needs root (cgroups).
# Usage: scripts/bench.sh            (build dir: $BRINK_BUILD_DIR, default build/)
# Knobs: BENCH_ROUNDS (5), BENCH_SAMPLING_S (15), BENCH_SAMPLING_RUNS (3),
#        BENCH_LAUNCHES (10 per round), BENCH_OUT (docs/BENCHMARKS.md),
#        BENCH_SCALE ("50 200 500" repetitions), BENCH_LONG_S (120 s at 1 ms),
#        BENCH_OOM_REPS (5), BENCH_FIRST_RUNS (20), BENCH_BPF_ROUNDS (7),
#        BENCH_SWEEP_POINTS (100), BENCH_SWEEP_ROUNDS (3), BENCH_SEARCH_REPS (5),
#        BENCH_PROCLIST_ROUNDS (5), BENCH_BPFGUEST_ROUNDS (12), BENCH_BPFGUEST_SECONDS (3),
#        BENCH_BPFGUEST_RESULTS (the guest's results.txt of an earlier boot, e.g.
#        $BRINK_BUILD_DIR/v2lane-static/guest-out/bench/results.txt: no boot this time),
#        BENCH_ONLY: a comma-separated list of scale, longrun, oom, firstinsn,
#        persample, sweep, bpf, bpfguest, proclist: run only those sections and replace only them in the
#        existing $BENCH_OUT (bpfguest, which boots the qemu v2 lane for about 11
#        minutes of a core, runs only when named here; a full run keeps its figures); BENCH_BASELINE_BRINK: another brink binary (e.g. built
#        from an earlier commit) measured beside this one in section 9 (per-sample
#        cost), named BENCH_BASELINE_LABEL in the table.
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
read -r -a scale_counts <<<"${BENCH_SCALE:-50 200 500}"
long_s=${BENCH_LONG_S:-120}
oom_reps=${BENCH_OOM_REPS:-5}
fi_runs=${BENCH_FIRST_RUNS:-20}
sweep_points=${BENCH_SWEEP_POINTS:-100}
sweep_rounds=${BENCH_SWEEP_ROUNDS:-3}
search_reps=${BENCH_SEARCH_REPS:-5}
bpf_rounds=${BENCH_BPF_ROUNDS:-7}
proclist_reps=${BENCH_PROCLIST_ROUNDS:-5}
bpfguest_rounds=${BENCH_BPFGUEST_ROUNDS:-12}
bpfguest_secs=${BENCH_BPFGUEST_SECONDS:-3}
only=${BENCH_ONLY:-}
for s in ${only//,/ }; do
  case "$s" in scale | longrun | oom | firstinsn | persample | sweep | bpf | bpfguest | proclist) ;;
    *) echo "bench.sh: BENCH_ONLY: unknown section '$s' (scale, longrun, oom, firstinsn, persample, sweep, bpf, bpfguest, proclist)" >&2; exit 2 ;;
  esac
done
want() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
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
t_start=$(date +%s)

# Sections 1-4 run only in a full run (no BENCH_ONLY).
if [ -z "$only" ]; then
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
# System calls per sample: brink's own (perf stat --no-inherit counts brink, not
# the program) over a 3 s run at 1 ms, minus the same run at 1 s, per extra sample.
sc_per=
if perf stat -x, -e raw_syscalls:sys_enter --no-inherit true >/dev/null 2>&1; then
  sc_run() {
    perf stat -x, -e raw_syscalls:sys_enter --no-inherit -o "$tmp/sc.$1" \
      "$brink" exec --interval "$1" --timeout 3s --quiet --no-progress --no-plots \
      --out "$tmp/sc-$1" -- "$bin/holder" "$nfds" "$nthreads" >/dev/null 2>&1
    awk -F, '/raw_syscalls/ {print $1}' "$tmp/sc.$1"
  }
  sc_fast=$(sc_run 1ms); sc_slow=$(sc_run 1s)
  n_fast=$(stats col "$tmp/sc-1ms/summary.csv" samples)
  n_slow=$(stats col "$tmp/sc-1s/summary.csv" samples)
  sc_per=$(awk -v a="$sc_fast" -v b="$sc_slow" -v n="$n_fast" -v m="$n_slow" \
    'BEGIN {printf "%.2f", (a-b)/(n-m)}')
fi
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
# Costs a brink launch pays whatever brink does: starting libcgroup (a program
# that only calls cgroup_init(), bench/launchfloor.c, launched like /bin/true,
# minus bare); the fsyncs that make its four result files durable (samples.csv,
# events.csv, summary.csv, summary.json), as long as they take inside brink's own
# launches (perf trace -s -e fsync: only that call is traced); and, with plots,
# gnuplot alone on the page script brink wrote for /bin/true.
l_cginit() { "$bin/launchfloor" cginit; }
l_fsync() {
  perf trace -s -e fsync -o "$tmp/l/fsync$1.txt" "$brink" exec --memory 64M --pids 64 \
    --nofile 1024 --quiet --no-progress --no-plots --out "$tmp/l/fs$1" -- /bin/true \
    >/dev/null 2>&1
  awk '$1 == "fsync" {print $4}' "$tmp/l/fsync$1.txt"
}
mkdir -p "$tmp/l"
l_fsync check | grep -q . || { say "perf trace -e fsync does not work here"; exit 1; }
"$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress \
  --out "$tmp/gp" -- /bin/true >/dev/null 2>&1
gp_page=$(cd "$tmp/gp/plots/data" && ls ./*.gp | head -1)
[ -n "$gp_page" ] || { say "no gnuplot script in $tmp/gp/plots/data"; exit 1; }
l_gnuplot() { (cd "$tmp/gp/plots" && gnuplot "data/$gp_page"); }
mkdir -p "$tmp/l"
lb=(); lbr=(); lng=(); lcg=(); r_cg=(); r_ng=(); lci=(); lfi=(); lgp=()
for _ in $(seq "$rounds"); do
  lb+=("$(loop_ms "$launches" l_bare)")
  lbr+=("$(loop_ms "$launches" l_brink)")
  lng+=("$(loop_ms "$launches" l_brink_np)")
  lcg+=("$(loop_ms "$launches" l_cg)")
  lci+=("$(loop_ms "$launches" l_cginit)")
  lgp+=("$(loop_ms "$launches" l_gnuplot)")
  f=(); for i in $(seq "$launches"); do f+=("$(l_fsync "$i")"); done
  lfi+=("$(stats median "${f[@]}")")
  rm -rf "$tmp/l"; mkdir -p "$tmp/l"
  r_cg+=("$(awk -v a="${lcg[-1]}" -v b="${lbr[-1]}" 'BEGIN {printf "%.3f", a/b}')")
  r_ng+=("$(awk -v a="${lcg[-1]}" -v b="${lng[-1]}" 'BEGIN {printf "%.3f", a/b}')")
done
lb_med=$(stats median "${lb[@]}"); lbr_med=$(stats median "${lbr[@]}")
lng_med=$(stats median "${lng[@]}"); lcg_med=$(stats median "${lcg[@]}")
rcg_med=$(stats median "${r_cg[@]}"); rng_med=$(stats median "${r_ng[@]}")
lci_med=$(stats median "${lci[@]}"); lfi_med=$(stats median "${lfi[@]}")
lgp_med=$(stats median "${lgp[@]}")
f3() { awk "BEGIN {printf \"%.3f\", $1}"; }
cginit_over=$(f3 "$lci_med - $lb_med")
floor_np=$(f3 "$lb_med + $cginit_over + $lfi_med")
above_np=$(f3 "$lng_med - $floor_np")
floor_pl=$(f3 "$floor_np + $lgp_med")
above_pl=$(f3 "$lbr_med - $floor_pl")
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
fi

# --- 5.-8. scale, long run memory, OOM precision, first instruction ---------
# Each writes its section of the report, between <!-- bench:NAME --> markers, to
# $tmp/sec-NAME.md, headed by the run it comes from. A full run puts them all in
# the report; BENCH_ONLY=scale,longrun runs only those and splices their sections
# into the existing $out, leaving the other figures as they were.
run_line() { # NAME -> which run the section's figures come from
  local how="full \`scripts/bench.sh\` run"
  [ -n "$only" ] && how="\`BENCH_ONLY=$only scripts/bench.sh\`"
  echo "Figures from the $how on $stamp, commit $commit$dirty, load average at start $load."
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
verdict() { if "$@"; then echo met; else echo "not met"; fi; }
col() { stats col "$1" "$2"; }

# 5. Scale: the same one-scenario config at 50, 200 and 500 repetitions. Wall time
# around the run; /usr/bin/time's %M (max RSS of brink and the children it reaped,
# here /bin/true); and brink's own VmHWM, polled from /proc/PID/status until it
# exits (the high-water mark only grows, so the last read is the peak, to ~20 ms).
bench_scale() {
  say "scale: /bin/true x ${scale_counts[*]} repetitions"
  local rows="" costs=() hwms=() n t0 t1 tp bp hwm k v _ wall cost maxkb
  for n in "${scale_counts[@]}"; do
    printf '; written by scripts/bench.sh\n[brink]\nname = scale\n\n[defaults]\nrepetitions = %s\n\n[scenario true]\ncommand = /bin/true\n' \
      "$n" >"$tmp/scale$n.ini"
    t0=$(date +%s%N)
    /usr/bin/time -f %M -o "$tmp/scale$n.time" "$brink" run --quiet --no-progress --no-plots \
      --out "$tmp/scale$n" "$tmp/scale$n.ini" >/dev/null 2>&1 &
    tp=$!
    bp=
    for _ in $(seq 100); do
      bp=$(pgrep -P "$tp" || true)
      [ -n "$bp" ] && break
      sleep 0.01
    done
    hwm=0
    while [ -n "$bp" ] && [ -r "/proc/$bp/status" ]; do
      while read -r k v _; do [ "$k" = VmHWM: ] && hwm=$v; done <"/proc/$bp/status" 2>/dev/null || true
      sleep 0.02
    done
    wait "$tp" || { say "scale: brink run of $n repetitions failed"; exit 1; }
    t1=$(date +%s%N)
    local got; got=$(($(wc -l <"$tmp/scale$n/summary.csv") - 1))
    [ "$got" -eq "$n" ] || { say "scale: $got rows in summary.csv, expected $n"; exit 1; }
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b-a)/1e9}')
    cost=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.2f", (b-a)/n/1e6}')
    maxkb=$(tail -1 "$tmp/scale$n.time")
    costs+=("$cost"); hwms+=("$hwm")
    rows+="| $n | $wall | $cost | $hwm | $maxkb |"$'\n'
    rm -rf "$tmp/scale$n"
  done
  local c_first=${costs[0]} c_last=${costs[-1]}
  local c_ratio; c_ratio=$(awk -v a="$c_last" -v b="$c_first" 'BEGIN {printf "%.2f", a/b}')
  local h_ratio; h_ratio=$(awk -v a="${hwms[-1]}" -v b="${hwms[0]}" 'BEGIN {printf "%.2f", a/b}')
  # Flat: the cost per run at the most runs within 20% of that at the fewest.
  local g; g=$(verdict lt "$(awk -v r="$c_ratio" 'BEGIN {print (r > 1 ? r - 1 : 1 - r)}')" 0.2)
  cat >"$tmp/sec-scale.md" <<MD
<!-- bench:scale -->
## 5. Scale

$(run_line)

One config, one scenario (\`command = /bin/true\`, default interval), run with
\`repetitions\` = ${scale_counts[*]}:

\`\`\`
/usr/bin/time -f %M $brink run --quiet --no-progress --no-plots --out DIR scale.ini
\`\`\`

Wall time around the whole \`brink run\` (\`date +%s%N\`), cost per run = wall / runs.
VmHWM is brink's own peak resident memory, polled from \`/proc/PID/status\` every
20 ms until it exits; %M is what \`/usr/bin/time\` reports (the maximum over brink and
the children it reaped, which here are /bin/true).

| runs | wall (s) | ms / run | brink VmHWM (KiB) | /usr/bin/time %M (KiB) |
|---|---|---|---|---|
$rows
Cost per run at ${scale_counts[-1]} runs / at ${scale_counts[0]}: **${c_ratio}x**; peak memory
${scale_counts[-1]} / ${scale_counts[0]}: **${h_ratio}x**.

| goal | figure | |
|---|---|---|
| cost per run flat from ${scale_counts[0]} to ${scale_counts[-1]} runs (within 20%) | ${c_ratio}x | $g |
<!-- /bench:scale -->
MD
}

# 6. Long run memory: brink sampling a sleeping program at 1 ms, itself sampled by
# a second brink every 100 ms. sleep runs in the inner run's own cgroup, so the
# outer run samples the inner brink alone (procs = 1, checked).
bench_longrun() {
  say "long run: brink at 1 ms on sleep for ${long_s}s, sampled by a second brink"
  local d=$tmp/long
  "$brink" exec --interval 100ms --quiet --no-progress --no-plots --out "$d/outer" -- \
    "$brink" exec --interval 1ms --timeout "${long_s}s" --quiet --no-progress --no-plots \
    --out "$d/inner" -- sleep 1000 >/dev/null 2>&1 || { say "long run: outer brink failed"; exit 1; }
  local maxprocs; maxprocs=$(col "$d/outer/brink/1/samples.csv" procs | sort -n | tail -1)
  [ "$maxprocs" = 1 ] || { say "long run: the outer run sampled $maxprocs processes, not brink alone"; exit 1; }
  local inner_n; inner_n=$(col "$d/inner/summary.csv" samples)
  local inner_m; inner_m=$(col "$d/inner/summary.csv" missed_samples)
  local inner_dur; inner_dur=$(col "$d/inner/summary.csv" duration_s)
  # RSS of the inner brink at about 1 s (set up, sampling), the middle, 1 s before
  # its timeout (still sampling), and the largest over the whole run.
  local lr
  lr=$(awk -F, -v L="$long_s" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["rss_bytes"] == "" { next }
    { t = $c["t_s"] + 0; r = $c["rss_bytes"]
      if (t >= 1 && a == "") { a = r; ta = t }
      if (t >= L / 2 && m == "") { m = r; tm = t }
      if (t <= L - 1) { e = r; te = t }
      if (r > mx) { mx = r; tmx = t } }
    END { printf "%s %s %s %s %s %s %s %s", a, ta, m, tm, e, te, mx, tmx }' \
    "$d/outer/brink/1/samples.csv")
  local a ta m tm e te mx tmx
  read -r a ta m tm e te mx tmx <<<"$lr"
  kib() { awk -v v="$1" 'BEGIN {printf "%.0f", v/1024}'; }
  local growth; growth=$(awk -v a="$a" -v e="$e" 'BEGIN {printf "%.0f", (e-a)/1024}')
  local g; g=$(verdict lt "$(awk -v x="$growth" 'BEGIN {print (x < 0 ? -x : x)}')" 1024)
  cat >"$tmp/sec-longrun.md" <<MD
<!-- bench:longrun -->
## 6. Long run memory

$(run_line)

The issue asks for a 10-minute run; the script runs \`BENCH_LONG_S\` seconds
(default 120, this run: ${long_s} s) so that the whole benchmark stays short.

\`\`\`
$brink exec --interval 100ms --no-plots --out OUTER -- \\
  $brink exec --interval 1ms --timeout ${long_s}s --no-plots --out INNER -- sleep 1000
\`\`\`

The inner brink took $inner_n samples at 1 ms ($inner_m missed) over ${inner_dur} s and
wrote them all to its samples.csv. Its RSS is the outer run's \`rss_bytes\`: sleep
runs in the inner run's own cgroup, so the outer run sees one process, the inner
brink (\`procs\` = 1 in every sample).

| when | t (s) | inner brink RSS (KiB) |
|---|---|---|
| start (first sample after 1 s) | $ta | $(kib "$a") |
| middle | $tm | $(kib "$m") |
| end (last sample 1 s before the timeout) | $te | $(kib "$e") |
| largest, whole run (incl. teardown) | $tmx | $(kib "$mx") |

The last row includes the end of the run (the leak verdict, summary and report
written after the timeout), which the flat-memory goal below does not cover.

| goal | figure | |
|---|---|---|
| memory flat over a long 1 ms run (end - start under 1 MiB) | ${growth} KiB over ${long_s} s | $g |
<!-- /bench:longrun -->
MD
}

# 7. OOM precision: mem-hog (1 MiB steps, 100 a second) under 64M and 256M. The
# kill is seen twice: the cgroup's oom_kill counter moving (oom-kill event) and the
# program reaped with SIGKILL (signaled); the onset should be no later than either,
# and the reported peak memory at or just under the limit.
bench_oom() {
  say "OOM precision: mem-hog under 64M and 256M x $oom_reps"
  cat >"$tmp/oomprec.ini" <<INI
; written by scripts/bench.sh
[brink]
name = oomprec

[defaults]
interval = 1ms
timeout = 30s
repetitions = $oom_reps

[scenario oom-64M]
command = mem-hog
memory = 64M

[scenario oom-256M]
command = mem-hog
memory = 256M
INI
  "$brink" run --quiet --no-progress --no-plots --out "$tmp/oomprec" "$tmp/oomprec.ini" >/dev/null 2>&1 || true
  local s="$tmp/oomprec/summary.csv" rows="" ok=0 n=0 sc rep outcome onset peak lim ev t_oom t_kill t_sig
  while IFS=, read -r sc rep outcome onset peak lim; do
    ev="$tmp/oomprec/$sc/$rep/events.csv"
    t_oom=$(awk -F, '$2 == "oom" {print $1; exit}' "$ev")
    t_kill=$(awk -F, '$2 == "oom-kill" {print $1; exit}' "$ev")
    t_sig=$(awk -F, '$2 == "signaled" {print $1; exit}' "$ev")
    local dk ds ratio
    dk=$(awk -v a="$onset" -v b="$t_kill" 'BEGIN {if (a == "" || b == "") print "-"; else printf "%.3f", (b-a)*1000}')
    ds=$(awk -v a="$onset" -v b="$t_sig" 'BEGIN {if (a == "" || b == "") print "-"; else printf "%.3f", (b-a)*1000}')
    ratio=$(awk -v p="$peak" -v l="$lim" 'BEGIN {if (p == "" || l == "") print "-"; else printf "%.4f", p/l}')
    rows+="| $sc | $rep | $outcome | ${onset:--} | ${t_oom:--} | ${t_kill:--} | ${t_sig:--} | $dk | $ds | ${peak:--} | $ratio |"$'\n'
    n=$((n + 1))
    # Precise: OOM-killed, onset reported, no later than the kill is seen, and the
    # peak within 2% under the limit (the cgroup never exceeds it by design).
    if [ "$outcome" = oom-killed ] && [ "$dk" != - ] && [ "$ds" != - ] &&
      ge "$dk" 0 && ge "$ds" 0 && ge "$ratio" 0.98 && awk -v r="$ratio" 'BEGIN {exit !(r <= 1.01)}'; then
      ok=$((ok + 1))
    fi
  done < <(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
      {print $c["scenario"] "," $c["rep"] "," $c["outcome"] "," $c["oom_onset_s"] "," $c["peak_mem_bytes"] "," $c["mem_limit_bytes"]}' "$s")
  local g; g=$( [ "$n" -gt 0 ] && [ "$ok" -eq "$n" ] && echo met || echo "not met")
  cat >"$tmp/sec-oom.md" <<MD
<!-- bench:oom -->
## 7. Breaking-point precision (OOM)

$(run_line)

\`bench.sh\` writes a config running \`mem-hog\` (1 MiB written per step, 100 steps a
second) under memory 64M and 256M, $oom_reps repetitions each, interval 1ms, and
\`brink run\`s it. Times are seconds since the fork (events.csv \`t_s\`): onset =
summary.csv \`oom_onset_s\` (the \`oom\` event); the kill is seen as the cgroup's
\`oom_kill\` counter moving (\`oom-kill\`) and as the program reaped with SIGKILL
(\`signaled\`). kill - onset in ms; ratio = \`peak_mem_bytes\` / \`mem_limit_bytes\`.

| scenario | rep | outcome | onset (s) | oom event | oom-kill event | signaled event | oom-kill - onset (ms) | signaled - onset (ms) | peak_mem_bytes | ratio |
|---|---|---|---|---|---|---|---|---|---|---|
$rows
The issue sets no figure for this; the criterion used here: outcome oom-killed, the
onset no later than either sighting of the kill, and peak memory between 98% and
101% of the limit.

| goal | figure | |
|---|---|---|
| OOM onset no later than the kill, peak memory at the limit | $ok/$n repetitions | $g |
<!-- /bench:oom -->
MD
}

# 8. Time to the child's first instruction. brink's events.csv: `start` is t=0,
# taken just before the fork, and `exec` is the ptrace exec-stop, when the new
# program is loaded and about to run its first instruction. Also, end to end: the
# child is /bin/date +%s%N, whose clock reading (after ld.so) minus the shell's
# $EPOCHREALTIME just before the command, versus the same with no brink.
bench_firstinsn() {
  say "time to the first instruction: $fi_runs runs"
  local execs=() e2e=() bare=() i t0 d v
  for i in $(seq "$fi_runs"); do
    d=$tmp/fi$i
    "$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --no-plots \
      --out "$d" -- /bin/true >/dev/null 2>&1
    v=$(awk -F, '$2 == "exec" {print $1 * 1000; exit}' "$d/true/1/events.csv")
    [ -n "$v" ] || { say "first instruction: no exec event in $d/true/1/events.csv"; exit 1; }
    execs+=("$v")
    t0=$EPOCHREALTIME
    "$brink" exec --memory 64M --pids 64 --nofile 1024 --quiet --no-progress --no-plots \
      --out "$d-date" -- /bin/date +%s%N >/dev/null 2>&1
    e2e+=("$(awk -v t="${t0/./}" -v c="$(cat "$d-date/date/1/stdout.log")" 'BEGIN {printf "%.3f", (c/1000 - t)/1000}')")
    t0=$EPOCHREALTIME
    /bin/date +%s%N >"$d.bare"
    bare+=("$(awk -v t="${t0/./}" -v c="$(cat "$d.bare")" 'BEGIN {printf "%.3f", (c/1000 - t)/1000}')")
    rm -rf "$d" "$d-date" "$d.bare"
  done
  local em; em=$(stats median "${execs[@]}")
  local emin; emin=$(printf '%s\n' "${execs[@]}" | sort -g | head -1)
  local emax; emax=$(printf '%s\n' "${execs[@]}" | sort -g | tail -1)
  local e2m; e2m=$(stats median "${e2e[@]}")
  local bm; bm=$(stats median "${bare[@]}")
  local over; over=$(awk -v a="$e2m" -v b="$bm" 'BEGIN {printf "%.3f", a-b}')
  local g; g=$(verdict lt "$over" 5)
  cat >"$tmp/sec-firstinsn.md" <<MD
<!-- bench:firstinsn -->
## 8. Time to the child's first instruction

$(run_line)

$fi_runs runs of each, medians (ms):

\`\`\`
$brink exec --memory 64M --pids 64 --nofile 1024 --no-plots --out DIR -- /bin/true       # events.csv
$brink exec --memory 64M --pids 64 --nofile 1024 --no-plots --out DIR -- /bin/date +%s%N  # end to end
/bin/date +%s%N                                                                            # bare
\`\`\`

| measure | median (ms) | all runs |
|---|---|---|
| fork to exec-stop (events.csv \`exec\` t_s; \`start\` = 0 just before the fork) | $em | min $emin, max $emax |
| command to the child's clock read, through brink (\`\$EPOCHREALTIME\` before, \`date +%s%N\` in the child) | $e2m | ${e2e[*]} |
| the same, bare \`/bin/date +%s%N\` | $bm | ${bare[*]} |

The exec-stop is the moment the new program is loaded and stopped before its first
instruction (brink traces it to read the fd baseline, then lets it go on). End to
end, brink adds **$over ms** to the bare launch before the child runs: its own
start (loading, config, the result directory, the cgroups) plus the fork and exec.
The child's clock read comes after ld.so has loaded date, in both columns alike.

| goal | figure | |
|---|---|---|
| child's first instruction within a few ms (< 5) of bare | +$over ms (fork to exec-stop alone: $em ms) | $g |
<!-- /bench:firstinsn -->
MD
}

# 9. Per-sample cost of a process and of a process tree: brink's own system calls
# and CPU per sample at 1 ms (perf stat --no-inherit: brink alone, not the program),
# a 3 s run at 1 ms minus the same at 1 s, per extra sample; for one process
# (tests/shapes hold) and for a tree of 20 (fork-workers: a parent and 19 workers).
# BENCH_BASELINE_BRINK names a second brink measured the same way in the same run.
bench_persample() {
  local shapes=$build/shapes reps=3 rows="" b label shape args r
  [ -x "$shapes/hold" ] && [ -x "$shapes/fork-workers" ] ||
    { say "persample: shapes not built in $shapes"; exit 1; }
  perf stat -x, -e raw_syscalls:sys_enter,task-clock --no-inherit true >/dev/null 2>&1 ||
    { say "persample: perf stat cannot count system calls here"; exit 1; }
  ps_run() { # BRINK INTERVAL TAG ARGS... -> "syscalls task_clock_ms samples"
    local bb=$1 iv=$2 tag=$3; shift 3
    perf stat -x, -e raw_syscalls:sys_enter,task-clock --no-inherit -o "$tmp/ps.$tag" \
      "$bb" exec --interval "$iv" --timeout 3s --quiet --no-progress --no-plots \
      --out "$tmp/ps-$tag" -- "$@" >/dev/null 2>&1 || true
    echo "$(awk -F, '/raw_syscalls/ {print $1}' "$tmp/ps.$tag") \
$(awk -F, '/task-clock/ {print $1}' "$tmp/ps.$tag") $(col "$tmp/ps-$tag/summary.csv" samples)"
    rm -rf "$tmp/ps-$tag"
  }
  local brinks=("$brink") labels=("this commit ($commit$dirty)")
  if [ -n "${BENCH_BASELINE_BRINK:-}" ]; then
    brinks=("$BENCH_BASELINE_BRINK" "$brink")
    labels=("${BENCH_BASELINE_LABEL:-baseline (\`$BENCH_BASELINE_BRINK\`)}" "this commit ($commit$dirty)")
  fi
  for shape in single tree; do
    if [ $shape = single ]; then args=("$shapes/hold" 1 0 3500); else
      args=("$shapes/fork-workers" 19 1 5 3500); fi
    for i in "${!brinks[@]}"; do
      b=${brinks[$i]}; label=${labels[$i]}
      local scs=() cpus=() pcts=()
      say "persample: $shape, $label"
      for r in $(seq $reps); do
        read -r fa fc fn < <(ps_run "$b" 1ms fast "${args[@]}")
        read -r sa sc sn < <(ps_run "$b" 1s slow "${args[@]}")
        scs+=("$(awk -v a="$fa" -v b="$sa" -v n="$fn" -v m="$sn" 'BEGIN {printf "%.2f", (a-b)/(n-m)}')")
        cpus+=("$(awk -v a="$fc" -v b="$sc" -v n="$fn" -v m="$sn" 'BEGIN {printf "%.1f", (a-b)/(n-m)*1000}')")
        pcts+=("$(awk -v a="$fc" 'BEGIN {printf "%.2f", a/3000*100}')")
      done
      rows+="| $shape | $label | $(stats median "${scs[@]}") | ${scs[*]} | $(stats median "${cpus[@]}") | $(stats median "${pcts[@]}") % |"$'\n'
    done
  done
  cat >"$tmp/sec-persample.md" <<MD
<!-- bench:persample -->
## 9. Cost per sample: one process and a tree of 20

$(run_line)

brink's own system calls and CPU per sample at 1 ms, counted with \`perf stat -e
raw_syscalls:sys_enter,task-clock --no-inherit\` (brink alone, not the program): a
3 s run at \`--interval 1ms\` minus the same at \`1s\`, per extra sample, $reps runs
each (median, and every run's system calls). single: \`hold 1 0 3500\` (one process);
tree: \`fork-workers 19 1 5 3500\` (a parent and 19 workers, 20 processes).
CPU % is brink's task clock over the 3 s of the 1 ms run (its start and end included).

| shape | brink | system calls per sample | all runs | CPU per sample (us) | CPU at 1 ms |
|---|---|---|---|---|---|
$rows
On cgroup v1 a kept-open \`cgroup.procs\` serves a cached list, so a list that is
read again costs an open, a read and a close; brink reads \`pids.current\` (one
pread) each sample instead and lists again only when it moved or the threads it
sampled do not add up to it (\`harness/sample.h\`). A process costs three system
calls per sample (\`statm\`, the two \`fstatat\`), the group two (memory usage,
task count), the loop two (poll, the timer).
<!-- /bench:persample -->
MD
}

# 10. Sweeps and searches: a sweep's points share one brink, one result set and one
# gnuplot; the same runs as separate `brink exec` calls pay brink's start, a result
# directory and (with plots) a gnuplot each. Then a memory search: runs, time.
bench_sweep() {
  local n=$sweep_points d=$tmp/sweep i t0 t1 r
  say "sweeps: $n points of /bin/true, as one sweep and as $n brink exec calls, $sweep_rounds rounds"
  secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
  local a_sw_pl=() a_sw_np=() a_ex_pl=() a_ex_np=() gp=0
  # The four ways alternate within each round, so that a change of load (the
  # cores are shared) falls on all of them; medians over the rounds.
  for r in $(seq "$sweep_rounds"); do
    t0=$EPOCHREALTIME
    "$brink" exec --quiet --no-progress --out "$d-plots" --sweep "nofile=1000..$((999 + n)) +1" \
      -- /bin/true >/dev/null 2>&1
    t1=$EPOCHREALTIME; a_sw_pl+=("$(secs "$t0" "$t1")")
    t0=$EPOCHREALTIME
    "$brink" exec --quiet --no-progress --no-plots --out "$d-np" \
      --sweep "nofile=1000..$((999 + n)) +1" -- /bin/true >/dev/null 2>&1
    t1=$EPOCHREALTIME; a_sw_np+=("$(secs "$t0" "$t1")")
    local rows; rows=$(($(wc -l <"$d-np/summary.csv") - 1))
    [ "$rows" -eq "$n" ] || { say "sweep: $rows rows, not $n"; exit 1; }
    t0=$EPOCHREALTIME
    for i in $(seq 1000 $((999 + n))); do
      "$brink" exec --quiet --no-progress --nofile "$i" --out "$d-ex-pl/$i" -- /bin/true >/dev/null 2>&1
    done
    t1=$EPOCHREALTIME; a_ex_pl+=("$(secs "$t0" "$t1")")
    t0=$EPOCHREALTIME
    for i in $(seq 1000 $((999 + n))); do
      "$brink" exec --quiet --no-progress --no-plots --nofile "$i" --out "$d-ex-np/$i" -- /bin/true >/dev/null 2>&1
    done
    t1=$EPOCHREALTIME; a_ex_np+=("$(secs "$t0" "$t1")")
    gp=$(grep -c '^load ' "$d-plots/plots/data/+pages.gp")
    rm -rf "$d-plots" "$d-np" "$d-ex-pl" "$d-ex-np"
  done
  local sw_pl sw_np ex_pl ex_np
  sw_pl=$(stats median "${a_sw_pl[@]}"); sw_np=$(stats median "${a_sw_np[@]}")
  ex_pl=$(stats median "${a_ex_pl[@]}"); ex_np=$(stats median "${a_ex_np[@]}")
  per() { awk -v t="$1" -v n="$n" 'BEGIN {printf "%.1f", t * 1000 / n}'; }
  rat() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }

  say "search: memory of mem-hog touching 37 MiB, $search_reps times"
  local times=() runs=() answers=() t k ans
  for k in $(seq "$search_reps"); do
    t0=$EPOCHREALTIME
    "$brink" search memory 4M..1G --resolution 1M --name need37 --quiet --no-progress --no-plots \
      --out "$d-s$k" -- mem-hog --max 37 --size 1M --rate 0 >/dev/null 2>&1
    t1=$EPOCHREALTIME
    times+=("$(secs "$t0" "$t1")")
    runs+=("$(awk -F, 'NR == 2 {print $10}' "$d-s$k/search.csv")")
    ans=$(awk -F, 'NR == 2 {printf "%d/%d", $9 / 1048576, $8 / 1048576}' "$d-s$k/search.csv")
    answers+=("$ans")
    rm -rf "$d-s$k"
  done
  local tm; tm=$(stats median "${times[@]}")
  cat >"$tmp/sec-sweep.md" <<MD
<!-- bench:sweep -->
## 10. Sweeps and searches

$(run_line)

$n runs of \`/bin/true\` under nofile 1000, 1001, ... $((999 + n)), done four ways (wall
time of the whole, and per point):

\`\`\`
$brink exec --sweep 'nofile=1000..$((999 + n)) +1' [--no-plots] --out DIR -- /bin/true
for i in 1000..$((999 + n)); do $brink exec --nofile \$i [--no-plots] --out DIR/\$i -- /bin/true; done
\`\`\`

| | one sweep | $n brink exec calls | calls / sweep |
|---|---|---|---|
| with plots | $sw_pl s ($(per "$sw_pl") ms a point) | $ex_pl s ($(per "$ex_pl") ms a run) | $(rat "$ex_pl" "$sw_pl")x |
| without plots (\`--no-plots\`) | $sw_np s ($(per "$sw_np") ms a point) | $ex_np s ($(per "$ex_np") ms a run) | $(rat "$ex_np" "$sw_np")x |

Medians of $sweep_rounds rounds (the four ways alternate in each round); every round, in
seconds: sweep with plots ${a_sw_pl[*]}; without ${a_sw_np[*]}; calls with plots
${a_ex_pl[*]}; without ${a_ex_np[*]}.

The sweep's plots ($gp pages: one per point and the curve) are drawn by one gnuplot
process; each separate call starts its own. Plots cost the sweep
$(rat "$sw_pl" "$sw_np")x its time without them.

A memory search on \`mem-hog --max 37 --size 1M --rate 0\` (writes 37 MiB and exits),
\`brink search memory 4M..1G --resolution 1M\`, $search_reps times:

| | median | every search |
|---|---|---|
| time to the answer (s) | $tm | ${times[*]} |
| runs | $(stats median "${runs[@]}") | ${runs[*]} |
| answer: breaks / completes (MiB) | | ${answers[*]} |

Bisection over 4 MiB..1 GiB at 1 MiB takes HI, LO and at most ten halvings
(log2 of 1020): 12 runs.
<!-- /bench:sweep -->
MD
}


# 11. What watching failing system calls in the kernel (harness/syswatch.c) costs
# the measured program. The same program under brink with the eBPF programs
# attached (default) and with BRINK_BPF=off, alternating, $bpf_rounds rounds:
# bench/sysloop times its own loop of getppid / close(-1) (calls not watched) and
# openat+close of /dev/null (openat is watched). Then the C half of the seed job,
# once each way: wall time and CPU of brink and everything it ran.
bench_bpf() {
  say "eBPF watcher cost: sysloop x $bpf_rounds rounds, seed C half on and off"
  local probe_err
  probe_err=$("$brink" exec --quiet --no-progress --no-plots --out "$tmp/bpfprobe" -- /bin/true 2>&1 >/dev/null || true)
  if grep -q "not watched" <<<"$probe_err"; then
    cat >"$tmp/sec-bpf.md" <<MD
<!-- bench:bpf -->
## 11. Cost of watching failing system calls (eBPF)

$(run_line)

Not measured: brink could not watch system calls here ($(sed -n 's/.*not watched: \([^;]*\);.*/\1/p' <<<"$probe_err")).
<!-- /bench:bpf -->
MD
    return
  fi
  local method; method=$(sed -n 's/^syscalls = //p' "$tmp/bpfprobe/run.ini")
  local loops=("getppid 10000000" "close 10000000" "open 1000000") rows="" worst=0
  local l i m v
  for l in "${loops[@]}"; do
    local on=() off=()
    for i in $(seq "$bpf_rounds"); do
      for m in on off; do
        rm -rf "$tmp/sl"
        BRINK_BPF=$m "$brink" exec --quiet --no-progress --no-plots --out "$tmp/sl" -- "$bin/sysloop" $l >/dev/null 2>&1
        v=$(kv ns_per_call <"$tmp/sl/sysloop/1/stdout.log")
        [ -n "$v" ] || { say "sysloop $l: no result"; exit 1; }
        if [ $m = on ]; then on+=("$v"); else off+=("$v"); fi
      done
    done
    local mon moff ratio
    mon=$(stats median "${on[@]}")
    moff=$(stats median "${off[@]}")
    ratio=$(awk -v a="$mon" -v b="$moff" 'BEGIN {printf "%.3f", a / b}')
    rows+="| \`sysloop $l\` | $moff | $mon | **$ratio** | ${off[*]} | ${on[*]} |"$'\n'
    case "$l" in getppid* | close*) awk -v r="$ratio" -v w="$worst" 'BEGIN {exit !(r > w)}' && worst=$ratio ;; esac
  done
  # What loading the programs adds to a brink's start (once per brink, not per run):
  # brink exec -- /bin/true, wall time, both ways alternating.
  local st_on=() st_off=() t0 t1
  for i in $(seq $((bpf_rounds * 2))); do
    for m in on off; do
      rm -rf "$tmp/st"
      t0=$EPOCHREALTIME
      BRINK_BPF=$m "$brink" exec --quiet --no-progress --no-plots --out "$tmp/st" -- /bin/true >/dev/null 2>&1
      t1=$EPOCHREALTIME
      v=$(awk -v a="${t0/./}" -v b="${t1/./}" 'BEGIN {printf "%.1f", (b - a) / 1000}')
      if [ $m = on ]; then st_on+=("$v"); else st_off+=("$v"); fi
    done
  done
  local sm_on sm_off
  sm_on=$(stats median "${st_on[@]}")
  sm_off=$(stats median "${st_off[@]}")
  # Where the load's time goes, from one start under strace (which slows each
  # system call it sees, so for proportions): reading and parsing the kernel's
  # BTF (from the open of /sys/kernel/btf/vmlinux to the next bpf() call), the
  # verifier (the program loads' own time), and the rest of the span from the
  # first bpf() call to the last attach (CO-RE relocations, maps, attaching).
  local split
  rm -rf "$tmp/st"
  strace -tt -T -e trace=openat,bpf -o "$tmp/start.trace" \
    "$brink" exec --quiet --no-progress --no-plots --out "$tmp/st" -- /bin/true >/dev/null 2>&1
  split=$(awk 'function t(s, a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
    / bpf\(/ { now = t($1); if (!first) first = now
      if (open) { btf += now - open; open = 0 }
      if (/BPF_PROG_LOAD/ && /BPF_PROG_TYPE_(TRACING|RAW_TRACEPOINT)/ && match($0, /<[0-9.]+>$/))
        ver += substr($0, RSTART + 1, RLENGTH - 2)
      if (/BPF_LINK_CREATE|BPF_RAW_TRACEPOINT_OPEN/) last = now }
    /openat\(.*"\/sys\/kernel\/btf\/vmlinux"/ { open = t($1); n++ }
    END { printf "%.1f %.1f %d %.1f %.1f", (last - first) * 1000, btf * 1000, n, ver * 1000,
      (last - first - btf - ver) * 1000 }' "$tmp/start.trace")
  local sp_all sp_btf sp_n sp_ver sp_rest
  read -r sp_all sp_btf sp_n sp_ver sp_rest <<<"$split"
  # The seed job, C half, one repetition (as tests/e2e/seed_c.sh cuts it).
  awk '/^\[scenario / { keep = ($2 ~ "-c-") } /^\[/ && !/^\[scenario / { keep = 1 }
    /^repetitions/ { print "repetitions = 1"; next } keep { print }' "$src/configs/seed.ini" >"$tmp/seedc.ini"
  local seedrows="" w c
  for m in off on; do
    rm -rf "$tmp/seedc"
    BRINK_SCENARIO_DIR=$build/scenarios BRINK_BPF=$m /usr/bin/time -f "%e %U %S" -o "$tmp/seedc.time" \
      "$brink" run --quiet --no-progress --no-plots --out "$tmp/seedc" "$tmp/seedc.ini" >/dev/null 2>&1 || true
    read -r w u sy <"$tmp/seedc.time"
    c=$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u + s}')
    local ff; ff=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next}
      $h["first_failure_syscall"] != "" {n++} END {print n + 0}' "$tmp/seedc/summary.csv")
    seedrows+="| $m | $w | $c | $ff |"$'\n'
  done
  local g; g=$(verdict lt "$worst" 1.05)
  cat >"$tmp/sec-bpf.md" <<MD
<!-- bench:bpf -->
## 11. Cost of watching failing system calls (eBPF)

$(run_line)

How brink watched the calls on this machine (run.ini \`syscalls\`): **$method**.

The same program under \`brink exec\` with the eBPF programs attached (\`on\`, the
default) and with \`BRINK_BPF=off\`, alternating, $bpf_rounds rounds each; \`bench/sysloop\`
times its own loop (ns per call, medians). getppid and close(-1) are not watched
calls: with fexit (BPF trampolines on the watched calls' entry points; section 11b
measures it in the v2 lane's kernel) they pay
nothing; with the \`sys_exit\` tracepoint, the fallback where the kernel refuses
fexit, every system call of every task on the machine takes the slow path while
the programs are attached, and that is what these two loops show. openat is
watched either way: its figure is the price of seeing its return.

| loop | off (ns/call) | on (ns/call) | on / off | off, every round | on, every round |
|---|---|---|---|---|---|
$rows
What loading and attaching the programs adds to a brink's start (once per brink
process, before its first run; \`brink exec --no-plots -- /bin/true\`, wall time,
$((bpf_rounds * 2)) runs each way, alternating, medians): **$sm_off ms** with \`BRINK_BPF=off\`,
**$sm_on ms** with the programs. Where it goes, from one start under strace (slower
than without, so for proportions): of the **$sp_all ms** from brink's first \`bpf()\` call to
its last attach, **$sp_btf ms** reading and parsing the kernel's BTF (about 5 MB;
libbpf does it for each object it loads: $sp_n times here, the object with fexit
refused, then the one with the tracepoint), **$sp_ver ms** in the verifier (every
program load), and **$sp_rest ms** for the rest: libbpf's work between those calls (CO-RE
relocations, which search the parsed BTF for each kernel type the programs name;
a profile shows libbpf's scans of the BTF and the page faults of its copies of it,
about 5 MB per object), maps and attaching. Detaching at the end adds to the wall time above. The count of open fds
at a failure walks up to 1024 words of the fd bitmap; counted with \`bpf_loop\`
(Linux >= 5.17) the verifier checks that step once instead of the whole loop in
each program that inlines it (8 ms to 1 ms for the \`sys_exit\` program here).
libbpf 1.1 has no way to hand one parsed BTF to two objects; trying fexit first
costs the second parse and relocation where the kernel refuses it, and saves the
tracepoint's cost to every system call where it does not (section 11's loops).

The C half of the seed job (18 scenarios, one repetition, \`--no-plots\`), once each
way: wall time and CPU (user + system) of brink and every program it ran, from
\`/usr/bin/time\`; the programs run for a fixed time, so a cost shows as CPU, not wall
time. Last column: runs whose first failing call the kernel reported.

| BPF | wall (s) | CPU (s) | runs with a first failing call |
|---|---|---|---|
$seedrows
On 2 cores shared with other work, single runs of the seed job differ by more than
any cost measured in the loops above.

| goal | figure | |
|---|---|---|
| syscall loop with the programs attached within 5% of without | worst on/off $worst (getppid, close) | $g |
<!-- /bench:bpf -->
MD
}

# 11b. The same loops where the kernel takes fexit: this machine refuses it (section
# 11), the pure-v2 lane's Debian 6.1 kernel does not. Boots the lane (qemu, software
# emulation) once with only its bench phase (tests/e2e/v2lane_guest.sh): bench/sysloop,
# static, under brink exec with BRINK_BPF=off, tracepoint and on (fexit), alternating,
# $bpfguest_rounds rounds, each loop's count set in the guest so one run lasts about
# $bpfguest_secs s. Then, to calibrate emulation against this machine, the same loops
# here with BRINK_BPF=tracepoint and off, the one watch that runs in both places.
# Runs only when named in BENCH_ONLY (it takes minutes of a core).
bench_bpfguest() {
  say "eBPF watcher cost in the v2 lane guest (qemu, no KVM): fexit, tracepoint, off x $bpfguest_rounds rounds"
  local gb=$build/v2lane-static res
  res=$gb/guest-out/bench/results.txt
  if [ -n "${BENCH_BPFGUEST_RESULTS:-}" ]; then
    res=$tmp/results.txt
    cp "$BENCH_BPFGUEST_RESULTS" "$res"
  elif ! "$src/scripts/v2lane/prepare.sh" >&2; then
    say "the v2 lane cannot be prepared"
    exit 1
  elif ! rm -rf "$gb/guest-out" || ! V2LANE_PHASES=bench V2LANE_BENCH_ROUNDS=$bpfguest_rounds V2LANE_BENCH_SECONDS=$bpfguest_secs \
    V2LANE_TIMEOUT=$((bpfguest_rounds * 3 * (3 * bpfguest_secs + 60) + 120)) \
    BRINK_SOURCE_DIR=$src BRINK_BUILD_DIR=$build BRINK_V2LANE_BUILD=$gb \
    bash "$src/tests/e2e/v2_lane.sh" >"$tmp/guest.log" 2>&1; then
    tail -n 40 "$tmp/guest.log" >&2
    say "the lane's bench phase failed (above)"
    exit 1
  fi
  grep '^BENCH' "$res" >&2
  local gkernel gcpu gvuln gboot grounds gfrom=""
  [ -z "${BENCH_BPFGUEST_RESULTS:-}" ] || gfrom="The guest's figures come from an earlier boot of the lane
(\`BENCH_BPFGUEST_RESULTS\`, written $(date -u -r "$BENCH_BPFGUEST_RESULTS" +%Y-%m-%dT%H:%M:%SZ)); this machine's from the run above.
"
  gkernel=$(sed -n 's/^BENCH-KERNEL \([^ ]*\) .*\(Debian [^ ]*\).*/\1 (\2)/p' "$res")
  gcpu=$(sed -n 's/^BENCH-CPU //p' "$res")
  gvuln=$(sed -n 's/^BENCH-VULN spectre_v2: //p' "$res")
  gboot=$(awk '$1 == "BENCH-RUN" { split($4, w, "="); s += w[2] } END { printf "%.0f", s }' "$res")
  grounds=$(awk '$1 == "BENCH-RUN" { split($3, r, "="); if (r[2] > n) n = r[2] } END { print n + 0 }' "$res")
  # field LOOP MODE KEY -> that key's value in every run of the loop and mode
  field() { awk -v l="loop=$1" -v m="mode=$2" -v k="$3=" '$1 == "BENCH" && $2 == l && $4 == m {
      for (i = 2; i <= NF; i++) if (index($i, k) == 1) printf "%s ", substr($i, length(k) + 1) }' "$res"; }
  # pair LOOP MODE -> median of the rounds' MODE/off ratios, and "min to max"
  pair() { awk -v l="loop=$1" -v m="mode=$2" '$1 == "BENCH" && $2 == l {
      split($5, r, "="); split($6, v, "="); x[$4, r[2]] = v[2]; if (r[2] > n) n = r[2] }
    END { for (i = 1; i <= n; i++) if (x["mode=off", i] && x[m, i]) print x[m, i] / x["mode=off", i] }' "$res" |
      sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.3f %.2f-%.2f\n", m, v[1], v[NR] }'; }
  # the host's side of the calibration, the counts of section 11
  local hloops=("getppid 10000000" "close 10000000" "open 1000000") l i m v
  declare -A hmed
  for l in "${hloops[@]}"; do
    local on=() off=()
    for i in $(seq "$bpfguest_rounds"); do
      for m in off tracepoint; do
        rm -rf "$tmp/sl"
        BRINK_BPF=$m "$brink" exec --quiet --no-progress --no-plots --out "$tmp/sl" -- "$bin/sysloop" $l >/dev/null 2>&1
        v=$(kv ns_per_call <"$tmp/sl/sysloop/1/stdout.log")
        [ -n "$v" ] || { say "sysloop $l: no result"; exit 1; }
        if [ $m = tracepoint ]; then on+=("$v"); else off+=("$v"); fi
      done
    done
    hmed[${l% *}]=$(awk -v a="$(stats median "${on[@]}")" -v b="$(stats median "${off[@]}")" 'BEGIN {printf "%.3f", a / b}')
    hmed[${l% *}_off]=$(stats median "${off[@]}")
  done
  local rows="" crows="" wrows="" loop n off tp fx r_tp r_fx k proj sl worst=0 worst_loop="" worst_spread="" slows=() ks=()
  for loop in getppid close open; do
    n=$(field $loop off calls | cut -d' ' -f1)
    # shellcheck disable=SC2046 # one number per word
    off=$(stats median $(field $loop off ns_per_call))
    # shellcheck disable=SC2046
    tp=$(stats median $(field $loop tracepoint ns_per_call))
    # shellcheck disable=SC2046
    fx=$(stats median $(field $loop on ns_per_call))
    # each round's ratio to the off run of the same round (minutes apart at most,
    # so the host's load drifts less between them): median, and the spread
    local rr_tp rr_fx
    read -r r_tp rr_tp <<<"$(pair $loop tracepoint)"
    read -r r_fx rr_fx <<<"$(pair $loop on)"
    rows+="| \`sysloop $loop $n\` | $off | $tp | $fx | **$r_tp** ($rr_tp) | **$r_fx** ($rr_fx) | $(field $loop off ns_per_call)| $(field $loop tracepoint ns_per_call)| $(field $loop on ns_per_call)|"$'\n'
    # k: how much of the tracepoint's relative cost here shows in the guest; the
    # fexit figure scaled by it is a rough guess at fexit's cost on this machine.
    # (not where the guest's tracepoint ratio is within 5% of 1: noise over noise)
    k=$(awk -v h="${hmed[$loop]}" -v g="$r_tp" 'BEGIN { if (g - 1 < 0.05) print "-"; else printf "%.2f", (h - 1) / (g - 1) }')
    proj=$(awk -v k="$k" -v f="$r_fx" 'BEGIN { if (k == "-") print "-"; else printf "%.3f", 1 + (f - 1) * k }')
    sl=$(awk -v g="$off" -v h="${hmed[${loop}_off]}" 'BEGIN {printf "%.1f", g / h}')
    slows+=("$sl")
    ks+=("$k")
    crows+="| $loop | ${hmed[${loop}_off]} | ${sl}x | **${hmed[$loop]}** | **$r_tp** | $k | $r_fx | $proj |"$'\n'
    case $loop in getppid | close) awk -v r="$r_fx" -v w="$worst" 'BEGIN {exit !(r > w)}' &&
      worst=$r_fx worst_loop=$loop worst_spread=$rr_fx ;; esac
  done
  local g; g=$(verdict lt "$worst" 1.05)
  # a median within 5% means little where single rounds spread wider
  if awk -v s="$worst_spread" 'BEGIN { split(s, a, "-"); exit !(a[1] < 0.95 || a[2] > 1.05) }'; then
    g="$g by the median; single rounds spread wider than 5%: within the noise of emulation"
  fi
  # brink's own time around the loops: its whole run less the loops' time
  for m in off tracepoint on; do
    # shellcheck disable=SC2046
    wrows+=" $(stats median $(awk -v m="mode=$m" '$1 == "BENCH-RUN" && $2 == m {
      for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } printf "%.2f ", v["wall_s"] - v["loops_s"] }' "$res")) |"
  done
  local slow direction
  slow=$(printf '%s\n' "${slows[@]}" | sort -g | sed -n '1p;$p' | paste -sd' ' | awk '{print $1 " to " $2}')
  direction=$(printf '%s\n' "${ks[@]}" | awk '{ l = l (l ? ", " : "") $1 } $1 == "-" { next }
    { n++; if ($1 >= 1.2) u++; else if ($1 <= 0.8) o++ }
    END { printf "In this run k was %s (getppid, close, open; - where the guest'"'"'s tracepoint ratio was within 5%% of 1): ", l
      if (!n) print "no loop calibrates."
      else if (u == n) print "the guest **understated** the tracepoint'"'"'s relative cost in every loop that calibrates, so its fexit ratios are, if anything, low."
      else if (o == n) print "the guest **overstated** it in every loop that calibrates, so its fexit ratios are, if anything, high."
      else if (!u && !o) print "within 20% of 1 in every loop that calibrates: the ratios carry over about as they are."
      else print "**neither** way in every loop, so the guest'"'"'s fexit ratios are a guide to their size, not a measure of it." }')
  cat >"$tmp/sec-bpfguest.md" <<MD
<!-- bench:bpfguest -->
## 11b. The same cost with fexit (the pure-v2 lane's kernel, under emulation)

$(run_line)

$gfrom
This machine's kernel refuses fexit (section 11), so its loops measured only the
\`sys_exit\` tracepoint. The pure cgroup-v2 lane (\`scripts/v2lane/\`) boots Debian 12's
kernel **$gkernel**, which takes fexit: it has BTF (\`CONFIG_DEBUG_INFO_BTF=y\`), the
BPF JIT, and the function tracer with direct calls (\`CONFIG_FUNCTION_TRACER=y\`,
\`CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y\`) that BPF trampolines are built on. In one boot
(\`tests/e2e/v2lane_guest.sh\`, phase \`bench\`; $gboot s of brink runs), each round ran
one \`brink exec\` with \`BRINK_BPF=off\`, one with \`tracepoint\` and one with \`on\`
(run.ini \`syscalls\`: **fexit**), in that order, for $grounds rounds; each brink ran the
three loops of static \`bench/sysloop\` one after the other, with counts the guest
chose from a bare run so that one loop lasts about $bpfguest_secs s. Guest CPU: $gcpu
(spectre_v2: $gvuln).

**The guest runs under software emulation (qemu TCG, no KVM).** Every guest
instruction is translated; an unwatched system call took $slow times as long as
here (\`off\` in the guest against \`off\` here, below), and how much slower differs
from one kind of code to another. The absolute figures say nothing about hardware:
only ratios within the guest are figures to read. And they are noisy: the guest's
clock is the host's, so every pause of qemu's threads on this shared 2-core machine
lands in whatever loop was running. Ratios below are the median of each round's
ratio to the \`off\` run of the same round (seconds apart), with the rounds' spread.

| loop | off (ns/call) | tracepoint | fexit | tracepoint / off (spread) | fexit / off (spread) | off, every round | tracepoint, every round | fexit, every round |
|---|---|---|---|---|---|---|---|---|
$rows
getppid and close(-1) are calls no fexit program is attached to: with fexit they pay
nothing in principle, and what their ratio shows is the guest's noise. open is openat
of /dev/null and close: openat is watched and succeeds, so its fexit cost is the
trampoline on openat's entry point and a program that returns at once; with the
tracepoint both calls of the pair pay the \`sys_exit\` program.

**Which way emulation bends the ratios.** A ratio is (loop + watch) / loop, and
emulation slows the two parts by different factors. The loop's own cost is mostly
the system call's entry and exit: privileged instructions, mode switches, and the
retpolines and return-buffer filling the guest kernel chose for this virtual CPU,
which TCG handles with helper calls and lookups of the next translated block, the
dearest things it does. Where those dominate, the base grows more than the watch and
the guest *understates* the watch's cost on hardware; where the watch's path is
slowed more (the tracepoint's slow exit path, the trampoline's enter and exit
helpers, their indirect calls, the programs' per-CPU and map accesses, each through
the emulated TLB), it *overstates* it. The tracepoint runs in both places, so it
measures which: with the same loops here (section 11's counts, \`BRINK_BPF=tracepoint\`
against \`off\`, $bpfguest_rounds rounds each, ratio of medians, in this run), k = (ratio here - 1) /
(ratio in the guest - 1) is how much larger the tracepoint's relative cost is on this
machine; the guest's fexit ratio scaled by the same k is a rough guess at fexit's cost
here (rough: the trampoline is other code than the tracepoint's path, and the guest's
noise is in both ratios).
$direction

| loop | here: off (ns/call) | guest off / here off | here: tracepoint / off | guest: tracepoint / off | k | guest: fexit / off | fexit / off, scaled by k |
|---|---|---|---|---|---|---|---|
$crows
brink's own time around the loops in the guest (the \`brink exec\`'s wall time from
the guest's /proc/uptime, less the loops' own; s, medians): its start, loading and
attaching the programs, sampling, detaching and its end. Loading the fexit object (a
program and a trampoline for each watched entry point, each attach patching that
function's entry) takes seconds under emulation, the tracepoint's one program a
fraction of one; on this machine the tracepoint's load adds tens of ms to a brink's
start (section 11).

| | off | tracepoint | fexit |
|---|---|---|---|
| brink's time around the loops (s) |$wrows

| goal | figure | |
|---|---|---|
| syscall loop (calls not watched) with the programs attached within 5% of without: fexit, in the guest | worst fexit/off $worst ($worst_loop; rounds $worst_spread) | $g |
<!-- /bench:bpfguest -->
MD
}

# 12. The process list from the kernel's fork and exit records (issue 11): brink's
# own CPU and system calls per sample at 1 ms (perf stat --no-inherit: brink alone),
# a 3 s run at 1 ms minus the same at 1 s, per extra sample, for a tree of 20
# (fork-workers 19) and a churning tree (proc-churn: processes made and ended all the
# time), each with the BPF programs loaded and the list kept from their records
# (events), with them loaded and the group listed as without them
# (BRINK_PROC_LIST=cgroup), and with BRINK_BPF=off; the three alternate in each round.
bench_proclist() {
  local shapes=$build/shapes progs=$build/progs reps=$proclist_reps rows="" shape mode r
  [ -x "$shapes/fork-workers" ] && [ -x "$progs/proc-churn" ] ||
    { say "proclist: shapes or test programs not built in $build"; exit 1; }
  perf stat -x, -e raw_syscalls:sys_enter,task-clock --no-inherit true >/dev/null 2>&1 ||
    { say "proclist: perf stat cannot count system calls here"; exit 1; }
  local probe_err
  probe_err=$("$brink" exec --quiet --no-progress --no-plots --out "$tmp/plprobe" -- /bin/true 2>&1 >/dev/null || true)
  if grep -q "not watched" <<<"$probe_err"; then
    cat >"$tmp/sec-proclist.md" <<MD
<!-- bench:proclist -->
## 12. The process list from fork and exit records (eBPF)

$(run_line)

Not measured: brink could not load its eBPF programs here ($(sed -n 's/.*not watched: \([^;]*\);.*/\1/p' <<<"$probe_err")).
<!-- /bench:proclist -->
MD
    return
  fi
  pl_run() { # MODE INTERVAL TAG ARGS... -> "syscalls task_clock_ms samples lists"
    local m=$1 iv=$2 tag=$3 envs=(); shift 3
    case $m in events) envs=(BRINK_PROC_LIST=events) ;; cgroup) envs=(BRINK_PROC_LIST=cgroup) ;;
      off) envs=(BRINK_BPF=off) ;; esac
    env "${envs[@]}" perf stat -x, -e raw_syscalls:sys_enter,task-clock --no-inherit -o "$tmp/pl.$tag" \
      "$brink" exec --interval "$iv" --timeout 3s --quiet --no-progress --no-plots \
      --out "$tmp/pl-$tag" -- "$@" >/dev/null 2>&1 || true
    local ev; ev=$(ls "$tmp/pl-$tag"/*/1/events.csv)
    echo "$(awk -F, '/raw_syscalls/ {print $1}' "$tmp/pl.$tag") \
$(awk -F, '/task-clock/ {print $1}' "$tmp/pl.$tag") $(col "$tmp/pl-$tag/summary.csv" samples) \
$(awk -F, '$2 == "forks" {n = split($4, a, " "); for (i = 1; i <= n; i++) if (a[i] ~ /^lists=/) print substr(a[i], 7)}' "$ev")"
    rm -rf "$tmp/pl-$tag"
  }
  local ratios=""
  for shape in tree churn; do
    local args
    if [ $shape = tree ]; then args=("$shapes/fork-workers" 19 1 5 3500); else
      args=("$progs/proc-churn" 12 250 40); fi
    declare -A sc=() cpu=() lists=()
    say "proclist: $shape, $reps rounds of events, cgroup, off"
    for r in $(seq "$reps"); do
      for mode in events cgroup off; do
        read -r fa fc fn fl < <(pl_run $mode 1ms fast "${args[@]}")
        read -r sa sc_ sn _ < <(pl_run $mode 1s slow "${args[@]}")
        sc[$mode]+="$(awk -v a="$fa" -v b="$sa" -v n="$fn" -v m="$sn" 'BEGIN {printf "%.2f", (a-b)/(n-m)}') "
        cpu[$mode]+="$(awk -v a="$fc" -v b="$sc_" -v n="$fn" -v m="$sn" 'BEGIN {printf "%.1f", (a-b)/(n-m)*1000}') "
        lists[$mode]="${fl:--} lists in $fn samples"
      done
    done
    local med_e med_c sys_e sys_c
    for mode in events cgroup off; do
      # shellcheck disable=SC2086
      local ms mc; ms=$(stats median ${sc[$mode]}); mc=$(stats median ${cpu[$mode]})
      [ $mode = events ] && med_e=$mc
      [ $mode = cgroup ] && med_c=$mc
      [ $mode = events ] && sys_e=$ms
      [ $mode = cgroup ] && sys_c=$ms
      rows+="| $shape | $mode | $ms | ${sc[$mode]}| $mc | ${cpu[$mode]}| ${lists[$mode]} |"$'\n'
    done
    ratios+="| $shape | $sys_c | $sys_e | $med_c | $med_e | **$(awk -v a="$med_e" -v b="$med_c" 'BEGIN {printf "%.3f", a / b}')** |"$'\n'
    unset sc cpu lists
  done
  cat >"$tmp/sec-proclist.md" <<MD
<!-- bench:proclist -->
## 12. The process list from fork and exit records (eBPF)

$(run_line)

brink's own system calls and CPU per sample at 1 ms, counted with \`perf stat -e
raw_syscalls:sys_enter,task-clock --no-inherit\` (brink alone, not the program): a
3 s run at \`--interval 1ms\` minus the same at \`1s\`, per extra sample, $reps rounds
(median, and every round). tree: \`fork-workers 19 1 5 3500\` (a parent and 19
workers, 20 processes, none made or ended while they hold); churn: \`proc-churn 12
250 40\` (tests/progs: phases of 40 processes made and ended within a millisecond
each, then 1 to 12 holders for 250 ms). events: the eBPF programs loaded, the list
kept from their fork and exit records (the default); cgroup: the programs loaded,
the group listed as without them (\`BRINK_PROC_LIST=cgroup\`); off: \`BRINK_BPF=off\`.
CPU per sample in us is also brink's CPU (user + system) per 1000 samples in ms.
Last column: how often the group's list was read (the run's \`forks\` event; none
without eBPF), last round at 1 ms.

| shape | list | system calls per sample | every round | CPU per sample (us) | every round | lists read |
|---|---|---|---|---|---|---|
$rows
The group listed (cgroup) against the list from records (events), medians:

| shape | system calls, cgroup | system calls, events | CPU (us), cgroup | CPU (us), events | CPU events / cgroup |
|---|---|---|---|---|---|
$ratios
What the records save is the list's own cost, and it was small already. On cgroup
v1 (this machine) brink listed the group only when its task count (\`pids.current\`,
one pread per sample) moved: the records save that pread, one system call per
sample, and in the churning tree also the lists read again at each change (an open,
a read and a close of \`cgroup.procs\` each, and a second pass when a listed process
had vanished). On v2 the list is one pread per sample, the same one call. Taking
the records costs no system call (the ring buffer's pages are mapped), but a
process the records add is opened as a listed one is. Against the three reads each
process costs per sample, one call is a few percent of a 20-process tree's
samples; brink's CPU per sample moves by more than that from round to round on
this shared machine (the \`every round\` columns), so the CPU ratio above says
"the same, within the noise", not cheaper. With \`BRINK_BPF=off\` no program is
attached at all; where the kernel refused fexit (section 11), brink's own system
calls take the tracepoint's slow path while the programs are loaded, which
\`events\` and \`cgroup\` both pay.
<!-- /bench:proclist -->
MD
}

new_sections=(scale longrun oom firstinsn persample sweep bpf bpfguest proclist)
for s in "${new_sections[@]}"; do
  if [ "$s" = bpfguest ] && [[ ",$only," != *",bpfguest,"* ]]; then
    # Only when named: a full run keeps the figures $out has (or none).
    [ -f "$out" ] && sed -n '/^<!-- bench:bpfguest -->$/,/^<!-- \/bench:bpfguest -->$/p' "$out" >"$tmp/sec-$s.md"
    touch "$tmp/sec-$s.md"
    continue
  fi
  want "$s" && "bench_$s"
done

# --- 5. verdicts and the report --------------------------------------------
only_note="Sections 5 to 12 can be re-run alone (\`BENCH_ONLY=scale,longrun,oom,firstinsn,persample,sweep,bpf,bpfguest,proclist\`;
11b, bpfguest, runs only when named there); each says which run its figures come from, and their goals are listed in the section."
later_goals="Goals of sections 5 to 8 (scale, long run memory, OOM precision, time to the
child's first instruction) are in their own sections."
if [ -z "$only" ]; then
say "5/5 writing $out"
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
g_floor_np=$(verdict lt "$above_np" 5)
g_floor_pl=$(verdict lt "$above_pl" 5)
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
$only_note

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
| \`--no-plots\` within 5 ms of its floor (bare + libcgroup start + its fsyncs, section 3) | $lng_med ms vs $floor_np ms (+$above_np ms) | $g_floor_np |
| with plots within 5 ms of its floor (the same + gnuplot alone) | $lbr_med ms vs $floor_pl ms (+$above_pl ms) | $g_floor_pl |
| fd exhaustion: peak_fds == limit in every repetition | see below | $g_prec |

"floor" is what the same work costs with nothing of brink in it, measured in the
same run (section 1: the bare system calls of a sample; section 2: a loop that only
wakes at every 1 ms tick). Where the floor itself misses a goal, so must brink.

$later_goals

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

${sc_per:+System calls per sample, counted with \`perf stat -e raw_syscalls:sys_enter
--no-inherit\` (brink alone) over a 3 s run at 1 ms minus the same at 1 s:
**$sc_per** (the floor loop makes 2: poll and the timerfd read). brink's are poll,
the timerfd read, the cgroup's memory usage, its task count (\`pids.current\` on
v1, where a kept-open \`cgroup.procs\` is a cached list read again only on a change;
\`cgroup.procs\` itself on v2), and per process \`statm\` and the two \`fstatat\` of
section 1 (section 9: a process tree). On this VM a system
call costs microseconds (section 1), which is what puts brink above the floor: the
work between them is a small share of its CPU time in \`perf\` profiles.}

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

### Where a launch goes: the floors

Three costs are not brink's to remove, measured in the same rounds:

\`\`\`
$bin/launchfloor cginit     # a program that only starts libcgroup (cgroup_init())
perf trace -s -e fsync $brink exec ... --no-plots -- /bin/true   # time in fsync
cd PLOTS && gnuplot data/${gp_page#./}   # the page brink drew for /bin/true (PNG and SVG)
\`\`\`

| part | ms (median) | rounds |
|---|---|---|
| bare /bin/true | $lb_med | ${lb[*]} |
| + starting libcgroup (launchfloor cginit - bare) | $cginit_over | ${lci[*]} (whole launch) |
| + brink's four fsyncs (summed per launch, median of $launches per round) | $lfi_med | ${lfi[*]} |
| **floor of a \`--no-plots\` launch** | **$floor_np** | |
| brink exec \`--no-plots\` | $lng_med | |
| brink above that floor | $above_np | |
| + gnuplot alone on brink's page script | $lgp_med | ${lgp[*]} |
| **floor of a launch with plots** | **$floor_pl** | |
| brink exec with plots | $lbr_med | |
| brink above that floor | $above_pl | |

Starting libcgroup is mostly its \`cgroup_init()\` clearing an 800 KiB mount table
in its BSS (about 200 first-touch page faults; Debian 12's libcgroup 2.0.2 has a \`.bss\` of 2.4 MiB).
The result files are fsynced before they are renamed (README, "Result files") so
that a machine that goes down in the middle of a stress run keeps every finished
run; on this disk each fsync is a round trip to the device. gnuplot's own start and
the PNG terminal's font set-up are most of a plot: \`--no-plots\` (and \`brink plot\`
later) is there for launches that must be quick.

What is left above the floor is brink's own: the fork, ptrace seize and cgroup
attach of the child (two \`cgroup.procs\` writes on v1: about 0.7 ms together in a
trial with timestamps added around them), reading the configuration, making the
result directory and the two cgroup levels, the exec and exit stops, report.md,
report.html and run.ini, and removing the groups. On this VM system calls and page
faults are slow (PTI, virtualised page tables: section 1's three system calls of a
sample take $(us "$floor_ns") us), so a launch of a few hundred system calls and
page faults shows up in milliseconds; a partly static
brink (libcgroup and inih linked in) started up to 1 ms faster in a trial and
was not kept (Debian links its libraries dynamically).

## 4. Breaking-point precision (fd exhaustion)

\`bench.sh\` writes a config running \`fd-exhaust\` under nofile 1024, 4096 and 20000,
5 repetitions each, interval 1ms: \`brink run\` it; peak_fds must equal fd_limit
and fd_exhausted be 1 in every repetition.

| scenario | limit | peak_fds per repetition | exact |
|---|---|---|---|
$prec_rows

$(for s in "${new_sections[@]}"; do cat "$tmp/sec-$s.md"; echo; done)
MD
mv "$out.tmp" "$out"
else
  # Only some sections ran: replace their blocks in the existing report, append
  # those it does not have yet, and leave every other figure as it was.
  [ -f "$out" ] || { say "BENCH_ONLY needs an existing $out to update"; exit 1; }
  say "updating sections ${only} of $out"
  secs=()
  for s in "${new_sections[@]}"; do want "$s" && secs+=("$tmp/sec-$s.md"); done
  OUT=$out ONLY_NOTE=$only_note LATER=$later_goals ORDER="${new_sections[*]}" "$py" - "${secs[@]}" <<'PY'
import os, re, sys
out = os.environ["OUT"]
doc = open(out).read()
for frag in sys.argv[1:]:
    text = open(frag).read().strip("\n")
    name = re.match(r"<!-- bench:(\w+) -->", text).group(1)
    block = re.compile(r"<!-- bench:%s -->.*?<!-- /bench:%s -->" % (name, name), re.S)
    if block.search(doc):
        doc = block.sub(lambda m: text, doc)
        continue
    # A new block goes after the last block before it in the report's order.
    order = os.environ["ORDER"].split()
    for prev in reversed(order[:order.index(name)]):
        end = "<!-- /bench:%s -->" % prev
        if end in doc:
            doc = doc.replace(end, end + "\n\n" + text, 1)
            break
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
# The paragraph written before these sections existed, and the header note.
doc = re.sub(r"Not measured yet:.*?\n\n", lambda m: os.environ["LATER"] + "\n\n", doc, flags=re.S)
doc = re.sub(r"Sections 5 to \d+ can be re-run alone.*?in the section\.\n", "", doc, flags=re.S)
if os.environ["ONLY_NOTE"] not in doc:
    doc = doc.replace("shown for scale only.\n", "shown for scale only.\n" + os.environ["ONLY_NOTE"] + "\n", 1)
open(out + ".tmp", "w").write(doc)
os.replace(out + ".tmp", out)
PY
fi
say "done in $(( $(date +%s) - t_start )) s: $out"
