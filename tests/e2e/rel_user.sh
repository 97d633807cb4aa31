# `user` / --user: the program runs as that user, with its group, no
# supplementary groups, no capabilities in any set (bounding included),
# no_new_privs, in a working directory it owns. An unknown user is bad input:
# exit 2, nothing run, nothing written.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "brink must run as root to switch users"
uid=$(id -u nobody 2>/dev/null) || skip "no user nobody"
gid=$(id -g nobody)
probe='id -u; id -g; id -G; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status; touch mine && stat -c "owner %u" mine'
# value FILE KEY: the value after "KEY:" in a /proc status style line
value() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }
check() { # WHAT RESULTDIR
  local log
  log=$(ls "$2"/*/1/stdout.log)
  expect_eq "$1: uid" "$(sed -n 1p "$log")" "$uid"
  expect_eq "$1: gid" "$(sed -n 2p "$log")" "$gid"
  expect_eq "$1: groups (none beyond gid)" "$(sed -n 3p "$log")" "$gid"
  for c in CapInh CapPrm CapEff CapBnd CapAmb; do
    expect_eq "$1: $c" "$(value "$log" "$c")" 0000000000000000
  done
  expect_eq "$1: NoNewPrivs" "$(value "$log" NoNewPrivs)" 1
  expect_eq "$1: writes its working directory" "$(grep '^owner' "$log")" "owner $uid"
  expect_eq "$1: outcome" "$(field "$2/summary.csv" outcome)" exited
  expect_eq "$1: exit code" "$(field "$2/summary.csv" exit_code)" 0
}

# brink exec --user, argv form (no shell from brink; the probe is sh's own -c).
"$BRINK" exec --quiet --no-progress --user nobody --out "$TMP/e" -- /bin/sh -c "$probe" 2>"$TMP/e.err"
expect_eq "exec --user: exit status" "$?" 0
check "exec --user nobody" "$TMP/e"

# A numeric uid:gid.
"$BRINK" exec --quiet --no-progress --user "$uid:$gid" --shell yes --out "$TMP/n" -- "$probe"
check "exec --user $uid:$gid" "$TMP/n"

# The config key, from [defaults]; written back in run.ini.
cat >"$TMP/u.ini" <<INI
[defaults]
user = nobody
[scenario probe]
shell = yes
command = $probe
INI
"$BRINK" run --quiet --no-progress --out "$TMP/c" "$TMP/u.ini"
expect_eq "config user: exit status" "$?" 0
check "config user = nobody" "$TMP/c"
grep -q "^user = nobody$" "$TMP/c/run.ini" && ok "run.ini records user = nobody" ||
  fail "run.ini lacks user: $(grep -n user "$TMP/c/run.ini")"

# Without the setting: brink's own user, root (the default is unchanged).
"$BRINK" exec --quiet --no-progress --out "$TMP/r" -- /usr/bin/id -u
expect_eq "no user: uid" "$(cat "$TMP/r"/*/1/stdout.log)" 0

# A change of user clears the parent-death signal; brink sets it again, so the
# program still dies with a SIGKILLed brink (exit-stop off: no ptrace
# PTRACE_O_EXITKILL to do it instead).
marker="brink-user-$$-$RANDOM"
cp /bin/sleep "$TMP/$marker"
chmod 755 "$TMP" "$TMP/$marker"
"$BRINK" exec --quiet --no-progress --exit-stop no --user nobody --out "$TMP/k" -- "$TMP/$marker" 100 2>/dev/null &
bp=$!
for _ in $(seq 100); do pgrep -u "$uid" -f "^$TMP/$marker" >/dev/null && break; sleep 0.05; done
pgrep -u "$uid" -f "^$TMP/$marker" >/dev/null && ok "the program runs as nobody" || fail "the program did not start as nobody"
kill -KILL "$bp"
wait "$bp" 2>/dev/null
sleep 0.3
alive=$(for p in $(pgrep -f "^$TMP/$marker"); do awk '/^State:/ && $2 != "Z" { print FILENAME }' "/proc/$p/status" 2>/dev/null; done)
[ -z "$alive" ] && ok "the program died with brink" || fail "the program outlived brink: $alive"
"$BRINK" exec --quiet --no-progress --out "$TMP/k2" -- /bin/true 2>/dev/null # cleans up brink $bp's groups

# Bad input: exit 2, a message naming the setting, nothing written.
bad() { # WHAT WANT-IN-MESSAGE ARGS...
  local what=$1 want=$2
  shift 2
  "$BRINK" exec --quiet --no-progress --out "$TMP/bad" "$@" -- /bin/true 2>"$TMP/bad.err"
  expect_eq "$what: exit status" "$?" 2
  grep -q -- "$want" "$TMP/bad.err" && ok "$what: message" || fail "$what: message: $(cat "$TMP/bad.err")"
  [ ! -e "$TMP/bad" ] && ok "$what: nothing written" || fail "$what: wrote $TMP/bad"
  rm -rf "$TMP/bad"
}
bad "unknown user" "user: no such user brink-no-such-user" --user brink-no-such-user
bad "unknown group" "no such group brink-no-such-group" --user nobody:brink-no-such-group
bad "malformed user" "expected a user name or uid" --user "no body"
bad "empty group" "expected a user name or uid" --user "nobody:"
printf '[scenario x]\ncommand = /bin/true\nuser = brink-no-such-user\n' >"$TMP/bad.ini"
"$BRINK" run --quiet --no-progress --out "$TMP/bad" "$TMP/bad.ini" 2>"$TMP/bad.err"
expect_eq "config unknown user: exit status" "$?" 2
grep -q "bad.ini:3: \[scenario x\] user: no such user brink-no-such-user" "$TMP/bad.err" &&
  ok "config unknown user: message names file, line, scenario, key" || fail "config message: $(cat "$TMP/bad.err")"
[ ! -e "$TMP/bad" ] && ok "config unknown user: nothing written" || fail "config unknown user: wrote $TMP/bad"
finish
