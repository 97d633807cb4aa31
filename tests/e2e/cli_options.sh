# cli_options: the command line as users of timeout, prlimit and hyperfine type it,
# run through the real binary. Values asserted come from what the programs did
# (files they wrote, their exit status), not from brink's table.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
q() { local c=$1; shift; "$BRINK" "$c" --quiet --no-progress --no-plots "$@"; }

cat >one.ini <<'EOF'
[scenario t]
command = true
EOF

# run: options after the config, and -- ending the options
"$BRINK" run one.ini --out "$TMP/after" --no-plots --quiet --no-progress >/dev/null 2>&1
expect_eq "run CONFIG --out DIR" "$? $(field after/summary.csv outcome)" "0 exited"
"$BRINK" run --no-plots --quiet --no-progress --out "$TMP/dd" -- one.ini >/dev/null 2>&1
expect_eq "run OPTIONS -- CONFIG" "$? $(field dd/summary.csv outcome)" "0 exited"

# report and plot: options after the directory too
"$BRINK" report after --help >rh.out 2>&1
expect_eq "report DIR --help" "$? $(head -n 1 rh.out | cut -d" " -f1-3)" "0 usage: brink report"
"$BRINK" report after >/dev/null 2>&1 && [ -f after/report.html ] && ok "report DIR rewrites the report" ||
  fail "report after"

# exec: an unknown option is unknown, a missing value is missing
out=$("$BRINK" exec -x -- true 2>&1); rc=$?
expect_eq "exec -x: status" "$rc" 2
case "$out" in *"unknown option -x"*) ok "exec -x: unknown option" ;; *) fail "exec -x said: $out" ;; esac
out=$("$BRINK" exec --bogus 1 -- true 2>&1)
case "$out" in *"unknown option --bogus"*) ok "exec --bogus: unknown" ;; *) fail "exec --bogus said: $out" ;; esac
out=$("$BRINK" exec --out 2>&1)
case "$out" in *"option --out needs a value"*) ok "exec --out: needs a value" ;; *) fail "exec --out said: $out" ;; esac
# exec stops at the command: its options are the program's
q exec --out "$TMP/stop" -- /bin/sh -c 'echo "$@" > args' sh --nofile 5 >/dev/null 2>&1
expect_eq "exec leaves the program's options alone" "$(cat stop/sh/1/work/args)" "--nofile 5"

# -V and --version
expect_eq "-V" "$("$BRINK" -V)" "$("$BRINK" --version)"
case "$("$BRINK" -V)" in "brink "[0-9]*) ok "-V prints the version" ;; *) fail "-V: $("$BRINK" -V)" ;; esac

# run --help lists every option cmd_run takes
h=$("$BRINK" run --help)
for o in --out --quiet --no-cgroup --progress --no-progress --no-plots --help; do
  case "$h" in *"$o"*) ;; *) fail "run --help does not list $o" ;; esac
done
ok "run --help lists its options"

# two runs in the same second: the default directory is taken, the second gets -2
mkdir -p wd && cd wd
for s in 0 1 2; do mkdir -p "results/$(date -u -d "+$s sec" +%Y%m%dT%H%M%SZ)-true"; done
d=$("$BRINK" exec --quiet --no-progress --no-plots -- true 2>"$TMP/same.err"); rc=$?
expect_eq "taken default directory: status" "$rc" 0
case "$d" in results/*-true-2) ok "taken default directory: $d" ;; *) fail "got '$d' ($(cat "$TMP/same.err"))" ;; esac
[ -f "$d/summary.csv" ] && ok "$d has summary.csv" || fail "$d/summary.csv missing"
d2=$("$BRINK" exec --quiet --no-progress --no-plots -- true 2>/dev/null)
[ "$d" != "$d2" ] && [ -f "$d2/summary.csv" ] && ok "again: $d2" || fail "second run: '$d2'"
cd "$TMP"

# cwd: default isolation, said in the output; --cwd relative to brink's directory
mkdir -p here/sub
out=$(cd here && "$BRINK" exec --no-progress --no-plots --out "$TMP/w1" -- /bin/sh -c 'pwd > pwd')
expect_eq "default cwd" "$(cat w1/sh/1/work/pwd)" "$(cd w1/sh/1/work && pwd -P)"
case "$out" in *"programs run in $TMP/w1/<scenario>/<rep>/work/"*) ok "the output says where programs run" ;;
  *) fail "no word of the working directory: $out" ;; esac
(cd here && q exec --cwd sub --out "$TMP/w2" -- /bin/sh -c 'pwd > pwd') >/dev/null 2>&1
expect_eq "--cwd sub" "$(cat here/sub/pwd)" "$(cd here/sub && pwd -P)"
[ ! -e w2/sh/1/work ] && ok "no work/ made with --cwd" || fail "work/ made although --cwd was set"
cat >cwd.ini <<'EOF'
[scenario c]
command = /bin/sh -c "pwd > pwd2"
cwd = here
EOF
q run --out "$TMP/w3" cwd.ini >/dev/null 2>&1
expect_eq "cwd = here" "$(cat here/pwd2)" "$(cd here && pwd -P)"
printf '[scenario c]\ncommand = true\ncwd = nowhere\n' >badcwd.ini
out=$(q run --out "$TMP/w4" badcwd.ini 2>&1); rc=$?
expect_eq "cwd = nowhere: status" "$rc" 2
case "$out" in "badcwd.ini:3: [scenario c] cwd: cannot use nowhere"*) ok "cwd = nowhere: FILE:LINE" ;; *) fail "cwd = nowhere said: $out" ;; esac
[ ! -e w4 ] && ok "cwd = nowhere: nothing written" || fail "w4 written"

# env: set over brink's environment, the rest inherited
HOME_WAS=$HOME
q exec --env A=1 --env "B=two words" --out "$TMP/e1" -- /bin/sh -c 'printf "%s|%s|%s" "$A" "$B" "$HOME" > env' >/dev/null 2>&1
expect_eq "--env" "$(cat e1/sh/1/work/env)" "1|two words|$HOME_WAS"
out=$(q exec --env A=1 --env A=2 -- true 2>&1); rc=$?
expect_eq "--env A twice: status" "$rc" 2
cat >env.ini <<'EOF'
[defaults]
env = LANG=C "GREETING=hello there" HOME=/nonexistent
[scenario e]
command = /bin/sh -c "printf '%s|%s|%s' \"$GREETING\" \"$HOME\" \"$LANG\" > env"
EOF
q run --out "$TMP/e2" env.ini >/dev/null 2>&1
expect_eq "env = in [defaults]" "$(cat e2/e/1/work/env)" "hello there|/nonexistent|C"
# a scenario's env adds to [defaults]' and replaces only the NAMEs it gives;
# an empty env drops them
cat >envmix.ini <<'EOF'
[defaults]
env = A=1 B=2
[scenario add]
command = /bin/sh -c "printf '%s|%s|%s' \"$A\" \"$B\" \"$C\" > env"
env = C=3 B=5
[scenario none]
command = /bin/sh -c "printf '%s|%s' \"$A\" \"$B\" > env"
env =
EOF
q run --out "$TMP/e3" envmix.ini >/dev/null 2>&1
expect_eq "env adds to [defaults] env" "$(cat e3/add/1/work/env)" "1|5|3"
expect_eq "empty env drops [defaults] env" "$(cat e3/none/1/work/env)" "|"

# a program that fails in its first second: the end of its stderr.log is shown
out=$("$BRINK" exec --no-progress --no-plots --out "$TMP/f1" -- /bin/sh -c 'echo "line one" >&2; echo "cannot open config.yaml" >&2; exit 3')
case "$out" in *"| cannot open config.yaml"*) ok "quick failure: stderr shown" ;; *) fail "quick failure: $out" ;; esac
if command -v python3 >/dev/null; then
  out=$("$BRINK" exec --no-progress --no-plots --out "$TMP/f2" -- python3 missing-script.py)
  case "$out" in *"| "*"missing-script.py"*"No such file"*) ok "python3 missing-script.py: its error shown" ;;
    *) fail "python3 missing script: $out" ;; esac
fi
out=$("$BRINK" exec --no-progress --no-plots --out "$TMP/f3" -- /bin/sh -c 'echo fine >&2')
case "$out" in *"| fine"*) fail "stderr shown for a run that exited 0" ;; *) ok "exit 0: no stderr shown" ;; esac

# inline comments in a command are refused, with the fix
printf '[scenario c]\ncommand = echo hi ; note\n' >comment.ini
out=$(q run --out "$TMP/c1" comment.ini 2>&1); rc=$?
expect_eq "command with ; note: status" "$rc" 2
case "$out" in "comment.ini:2: [scenario c] command: \"; note\" would be passed"*) ok "; note refused at its line" ;; *) fail "; note: $out" ;; esac
printf '[scenario c]\ncommand = /bin/sh -c "echo hi ; echo there > o"\n' >quoted.ini
q run --out "$TMP/c2" quoted.ini >/dev/null 2>&1
expect_eq "a quoted ; is the program's" "$(cat c2/c/1/work/o)" "there"

# problems found after parsing name FILE:LINE like the others
nr_open=$(cat /proc/sys/fs/nr_open)
cat >late.ini <<EOF
[defaults]
nofile = $((nr_open + 1))

[scenario a]
command = no-such-program-here

[scenario b]
command = true
EOF
out=$(q run --out "$TMP/l1" late.ini 2>&1); rc=$?
# [defaults]' nofile is both scenarios': one error, said once, and counted
expect_eq "late errors: the [defaults] error said once" "$(echo "$out" | grep -c 'late.ini:2: ')" 1
expect_eq "late errors: the count" "$(echo "$out" | tail -n 1)" "brink: 2 errors in late.ini; nothing was run"
[ -e l1 ] && fail "late errors: l1 written" || ok "late errors: nothing written"
expect_eq "late errors: status" "$rc" 2
case "$out" in *"late.ini:2: [defaults] nofile: cannot set"*"fs.nr_open is $nr_open"*) ok "nofile ceiling: FILE:LINE" ;;
  *) fail "nofile ceiling: $out" ;; esac
case "$out" in *"late.ini:5: [scenario a] command: cannot run no-such-program-here"*) ok "command not found: FILE:LINE" ;;
  *) fail "command not found: $out" ;; esac

# cpu-time: whole seconds only; a second is a second
out=$(q exec --cpu-time 1500ms -- true 2>&1); rc=$?
expect_eq "--cpu-time 1500ms: status" "$rc" 2
case "$out" in *"whole seconds"*) ok "1500ms refused" ;; *) fail "1500ms: $out" ;; esac
q exec --cpu-time 1s --out "$TMP/cpu" -- /bin/sh -c 'while :; do :; done' >/dev/null 2>&1
expect_eq "--cpu-time 1s: killed by SIGXCPU (24)" "$(field cpu/summary.csv signal)" 24

# repeated options
out=$(q exec --nofile 1024 --nofile 2048 -- true 2>&1); rc=$?
expect_eq "--nofile twice" "$rc: $out" "2: brink exec: option --nofile given twice"
out=$("$BRINK" run --out a --out b one.ini 2>&1); rc=$?
expect_eq "--out twice" "$rc: $out" "2: brink run: option --out given twice"
# compare too (on real results, which it would otherwise compare with status 0);
# a per-metric threshold is one setting per metric
for args in "--threshold 10 --threshold 20:--threshold given twice" \
  "--format json --format csv:--format given twice" "--alpha 0.1 --alpha 0.2:--alpha given twice" \
  "--threshold peak_fds=10 --threshold peak_fds=20:--threshold given twice for peak_fds" \
  "--min-change peak_fds=1 --min-change peak_fds=2:--min-change given twice for peak_fds"; do
  # shellcheck disable=SC2086
  out=$("$BRINK" compare ${args%%:*} after dd 2>&1); rc=$?
  expect_eq "compare ${args%%:*}" "$rc: $out" "2: brink compare: option ${args#*:}"
done
"$BRINK" compare --threshold peak_fds=10 --threshold peak_rss_bytes=20 --threshold 15 after dd >/dev/null 2>&1
expect_eq "compare: thresholds of two metrics and the global one" "$?" 0
out=$("$BRINK" compare --bogus after dd 2>&1); rc=$?
expect_eq "compare --bogus" "$rc: $(echo "$out" | head -n 1)" "2: brink compare: unknown option --bogus"

# an option where a value was due: refused, nothing made under its name
out=$("$BRINK" run --out --quiet one.ini 2>&1); rc=$?
expect_eq "run --out --quiet: status" "$rc" 2
case "$out" in *"option --out needs a value, and --quiet is an option"*) ok "run --out --quiet: said" ;;
  *) fail "run --out --quiet: $out" ;; esac
[ -e ./--quiet ] && fail "a directory named --quiet" || ok "no directory named --quiet"
out=$("$BRINK" exec --name --quiet -- true 2>&1); rc=$?
expect_eq "exec --name --quiet: status" "$rc" 2
out=$("$BRINK" compare --format --threshold 10 after dd 2>&1); rc=$?
case "$rc: $out" in "2: brink compare: option --format needs a value, and --threshold is an option"*)
  ok "compare --format --threshold: refused" ;; *) fail "compare --format --threshold: $rc: $out" ;; esac
"$BRINK" run --out=--odd --quiet --no-progress --no-plots one.ini >/dev/null 2>&1
expect_eq "run --out=--odd: taken as written" "$? $(field ./--odd/summary.csv outcome)" "0 exited"
rm -rf ./--odd

# plot and report: the wording of run and exec, and an error before the usage
out=$("$BRINK" plot after --bogus 2>&1); rc=$?
expect_eq "plot DIR --bogus" "$rc: $(echo "$out" | head -n 1)" "2: brink plot: unknown option --bogus"
out=$("$BRINK" plot after dd 2>&1); rc=$?
expect_eq "plot a b" "$rc: $(echo "$out" | head -n 1)" "2: brink plot: expected one result DIR, got 2"
out=$("$BRINK" report after --bogus 2>&1); rc=$?
expect_eq "report DIR --bogus" "$rc: $(echo "$out" | head -n 1)" "2: brink report: unknown option --bogus"

# cpus below the kernel's smallest CFS quota (1 ms per brink's 100 ms period):
# refused before anything is written, the floor said
out=$(q exec --cpus 0.001 --out "$TMP/c1" -- true 2>&1); rc=$?
expect_eq "--cpus 0.001: status" "$rc" 2
case "$out" in *"at least 0.01"*"1 ms"*) ok "--cpus 0.001: the floor said" ;; *) fail "--cpus 0.001: $out" ;; esac
[ -e c1 ] && fail "--cpus 0.001 wrote c1" || ok "--cpus 0.001: nothing written"
printf '[scenario a]\ncommand = true\ncpus = 0.009\n' >cpus.ini
out=$("$BRINK" run --out "$TMP/c2" cpus.ini 2>&1); rc=$?
case "$rc $out" in "2 "*"cpus.ini:3: [scenario a] cpus: "*"at least 0.01"*) ok "cpus = 0.009: FILE:LINE" ;;
  *) fail "cpus = 0.009: $rc $out" ;; esac

# nofile below 4: a dynamically linked program cannot start, said before running
for n in 0 1 2 3; do
  out=$(q exec --nofile $n --out "$TMP/n$n" -- true 2>&1); rc=$?
  case "$rc $out" in "2 "*"at least 4"*"dynamic loader"*) ;; *) fail "--nofile $n: $rc $out" ;; esac
  [ -e "n$n" ] && fail "--nofile $n wrote n$n"
done
ok "--nofile 0..3 refused before running"
q exec --nofile 4 --out "$TMP/n4" -- true >/dev/null 2>&1
expect_eq "--nofile 4: /bin/true starts" "$(field n4/summary.csv exit_code)" 0

# environment: an unknown BRINK_BPF or BRINK_PROC_LIST is bad input, refused before
# anything runs or is written; the values the README names are taken
for e in BRINK_BPF=bogus BRINK_PROC_LIST=bogus BRINK_PROC_LIST=Cgroup; do
  out=$(env "$e" "$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/e-bad" -- true 2>&1); rc=$?
  case "$rc $out" in "2 "*"${e%%=*}=${e#*=}: expected"*) ok "$e refused (exit 2)" ;; *) fail "$e: $rc $out" ;; esac
  [ -e "$TMP/e-bad" ] && { fail "$e wrote its result directory"; rm -rf "$TMP/e-bad"; }
done
for e in BRINK_PROC_LIST=events BRINK_PROC_LIST=cgroup BRINK_PROC_LIST=; do
  env "$e" "$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/e-${e#*=}x" -- true >/dev/null 2>&1
  expect_eq "$e: taken, /bin/true measured" "$?" 0
done

finish
