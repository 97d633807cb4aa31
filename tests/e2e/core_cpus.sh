# --cpus and --cpu-time, checked against the CPU time the program itself was given
# (getrusage in tests/progs/cpu-spin.c), never against brink's own figures.
. "$(dirname "$0")/lib.sh"
have_controller cpu || skip "no usable cpu cgroup controller (--cpus needs one)"
p=$BRINK_PROG_DIR
# value FILE KEY: the first word after KEY at the start of a line of FILE
value() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }
# between WHAT VALUE LO HI: LO <= VALUE <= HI (decimals)
between() {
  if awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; then
    ok "$1 = $2 (within $3..$4)"
  else
    fail "$1 = '$2', want $3..$4"
  fi
}

# --cpus 0.1: two threads spin for 2 s of wall time; CFS bandwidth gives the
# group 10 ms per 100 ms period, 0.2 CPU-seconds in all (a period's worth more at
# the edges). A small quota keeps both bounds clear of the machine's load: the
# group needs only 5% of it to reach the lower bound (half the quota; a loaded
# machine may give less than the quota, never more), and a quota 10 times too
# large shows even when the group gets only a fifth of the machine.
"$BRINK" exec --quiet --no-progress --no-plots --cpus 0.1 --out "$TMP/q" -- "$p/cpu-spin" 2 2
expect_eq "--cpus 0.1: exit status" "$?" 0
between "--cpus 0.1: CPU-seconds over 2 s, from the program's getrusage" \
  "$(value "$TMP"/q/cpu-spin/1/stdout.log cpu_s)" 0.1 0.3

# --cpu-time 1s: RLIMIT_CPU soft 1 s (SIGXCPU), hard 2 s (SIGKILL). The program
# catches SIGXCPU and reports the CPU time it had used by then. The kernel checks
# the limit against its tick-sampled CPU clock, which on a loaded virtual machine
# runs well ahead of the run time getrusage reports (0.67 s at SIGXCPU was seen
# here), so only a loose lower bound holds; the limit itself is checked exactly
# above, and a limit 1000 times too large never sends SIGXCPU (exit code).
"$BRINK" exec --quiet --no-progress --no-plots --cpu-time 1s --timeout 20s --out "$TMP/t" -- "$p/cpu-spin" 0 1
expect_eq "--cpu-time 1s: exit status" "$?" 0
log="$TMP/t/cpu-spin/1/stdout.log"
expect_eq "--cpu-time 1s: RLIMIT_CPU the program sees (soft hard)" "$(awk '$1 == "rlimit_cpu" { print $2, $3 }' "$log")" "1 2"
between "--cpu-time 1s: CPU-seconds at SIGXCPU" "$(value "$log" sigxcpu_cpu_s)" 0.3 1.3
expect_eq "--cpu-time 1s: outcome" "$(field "$TMP/t/summary.csv" outcome)" exited
expect_eq "--cpu-time 1s: exit code (the program's SIGXCPU handler)" "$(field "$TMP/t/summary.csv" exit_code)" 24
finish
