# Exit statuses and messages for bad input (2, nothing run) and failed execs (1).
. "$(dirname "$0")/lib.sh"
b() { "$BRINK" "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }
has() { grep -qF -- "$1" "$TMP/err" && ok "message: $1" || fail "no '$1' in: $(cat "$TMP/err")"; }

expect_eq "no args" "$(b)" 2
expect_eq "unknown command" "$(b frobnicate)" 2
expect_eq "--help" "$(b --help)" 0
expect_eq "exec --help" "$(b exec --help)" 0
grep -q -- "--memory SIZE" "$TMP/out" && ok "exec --help lists --memory" || fail "exec --help lacks --memory"
expect_eq "unknown option" "$(b exec --frob 1 -- /bin/true)" 2
has "unknown option --frob"
expect_eq "bad size" "$(b exec --memory 64Q --out "$TMP/x1" -- /bin/true)" 2
has "--memory"
[ ! -e "$TMP/x1" ] && ok "nothing written for bad input" || fail "$TMP/x1 was created"
expect_eq "bad duration" "$(b exec --interval 10 -- /bin/true)" 2
has "--interval"
expect_eq "no command" "$(b exec --nofile 10)" 2
expect_eq "missing program" "$(b exec --out "$TMP/x2" -- /nonexistent/prog)" 2
has "/nonexistent/prog"
[ ! -e "$TMP/x2" ] && ok "nothing written for a missing program" || fail "$TMP/x2 was created"
hard=$(ulimit -Hn)
capeff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
if [ "$hard" != unlimited ] && [ $(( (0x$capeff >> 24) & 1 )) -eq 0 ]; then
  want=$((hard + 1))
  expect_eq "nofile above the hard limit" "$(b exec --nofile "$want" --out "$TMP/x3" -- /bin/true)" 2
  has "nofile: cannot set $want: the hard limit here is $hard"
  [ ! -e "$TMP/x3" ] && ok "nothing written" || fail "$TMP/x3 was created"
else
  ok "nofile ceiling check not applicable (hard limit unlimited or CAP_SYS_RESOURCE held)"
fi
# The result directory must be new or empty.
mkdir -p "$TMP/full" && touch "$TMP/full/keep"
expect_eq "non-empty --out" "$(b exec --out "$TMP/full" -- /bin/true)" 2
has "exists and is not empty"
# A file that is executable but not a program: exec fails -> exec-failed, exit 1.
printf '\x7fELFgarbage' >"$TMP/bad" && chmod +x "$TMP/bad"
expect_eq "exec failure" "$(b exec --quiet --no-progress --out "$TMP/x4" -- "$TMP/bad")" 1
expect_eq "exec-failed outcome" "$(field "$TMP/x4/summary.csv" outcome)" exec-failed
grep -q "Exec format error" "$TMP/x4/summary.csv" && ok "exec_error says why" || fail "exec_error: $(cat "$TMP/x4/summary.csv")"
finish
