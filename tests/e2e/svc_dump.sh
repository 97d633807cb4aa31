# go-runtime = dump without a Go program (a shell that prints a dump on
# SIGQUIT, in the Go 1.19 format; messages without commas keep field() simple): the dump is read from all of stderr after
# the stop, not from stderr.log cut at log-cap; a dump cut by the SIGKILL
# after stop-grace gives no count but a reason; no dump at all is said;
# shell = yes is refused unless the command execs the program.
. "$(dirname "$0")/lib.sh"
q() { "$BRINK" exec --quiet --no-progress "$@"; }

# fakedump.sh N PRE HANG: PRE KiB on stderr at start; on SIGQUIT N goroutines
# blocked in main.leak.func1, then exit 2 (HANG=1: stay, ignoring SIGTERM).
cat >"$TMP/fakedump.sh" <<'EOS'
#!/bin/bash
n=$1 pre=$2 hang=$3
dump() {
  {
    printf 'SIGQUIT: quit\nPC=0x46d9a1 m=0 sigcode=0\n\ngoroutine 0 [idle]:\nruntime.futex()\n\t/usr/lib/go-1.19/src/runtime/sys_linux_amd64.s:559 +0x21\n\n'
    for ((i = 1; i <= n; i++)); do
      printf 'goroutine %d [chan send]:\nmain.leak.func1()\n\t/src/main.go:33 +0x67\ncreated by main.leak\n\t/src/main.go:30 +0x99\n\n' $((i + 6))
    done
  } >&2
  [ "$hang" = 1 ] && { trap '' TERM; sleep 30; }
  exit 2
}
trap dump QUIT
head -c $((pre * 1024)) /dev/zero | tr '\0' x >&2
while :; do sleep 0.05; done
EOS
chmod +x "$TMP/fakedump.sh"

# 1000 goroutines (~90 KiB of dump) after 200 KiB of stderr, log-cap 64K: the
# cap is passed long before the dump, the count is still the program's.
q --out "$TMP/cap" --timeout 500ms --log-cap 64K --go-runtime dump -- "$TMP/fakedump.sh" 1000 200 0
s="$TMP/cap/summary.csv"
expect_eq "log-cap 64K: goroutines" "$(field "$s" goroutines)" 1000
expect_eq "log-cap 64K: largest group" "$(field "$s" goroutines_top)" \
  "1000 [chan send] main.leak.func1 at main.go:33"
sz=$(stat -c %s "$TMP/cap/fakedump.sh/1/stderr.log")
[ "$sz" -le 66000 ] && ok "stderr.log kept at the cap ($sz bytes)" || fail "stderr.log $sz bytes"

# The same with the cap in the middle of the dump (20K of stderr before it).
q --out "$TMP/mid" --timeout 500ms --log-cap 64K --go-runtime dump -- "$TMP/fakedump.sh" 1000 20 0
expect_eq "cap mid-dump: goroutines" "$(field "$TMP/mid/summary.csv" goroutines)" 1000

# A dump that does not end (the program hangs after it, ignoring SIGTERM) is
# cut by the SIGKILL after stop-grace: no count, the reason instead.
q --out "$TMP/hang" --timeout 300ms --stop-grace 1s --go-runtime dump \
  -- "$TMP/fakedump.sh" 50 0 1 2>"$TMP/hang.err"
s="$TMP/hang/summary.csv"
expect_eq "killed in the grace: goroutines" "$(field "$s" goroutines)" ""
case "$(field "$s" goroutines_top)" in
  "incomplete dump (the program was killed after stop-grace"*"at least 50 goroutines") ok "reason given" ;;
  *) fail "goroutines_top '$(field "$s" goroutines_top)'" ;;
esac
grep -q "| incomplete dump (the program was killed after stop-grace" "$TMP/hang/report.md" &&
  ok "the report's services table gives the reason" || fail "report.md: $(cat "$TMP/hang/report.md")"
grep -q "warning: incomplete dump" "$TMP/hang.err" && ok "said on the terminal" ||
  fail "stderr: $(cat "$TMP/hang.err")"
head -1 "$TMP/hang/fakedump.sh/1/goroutines.txt" | grep -q "^# INCOMPLETE" &&
  ok "goroutines.txt says incomplete" || fail "goroutines.txt: $(head -2 "$TMP/hang/fakedump.sh/1/goroutines.txt")"

# brink compare gates the goroutine count: the same program with 11 goroutines
# in its dump (BASE) and with 200 (NEW), nothing else changed, one run each.
q --out "$TMP/gbase" --timeout 500ms --go-runtime dump -- "$TMP/fakedump.sh" 11 0 0
q --out "$TMP/gnew" --timeout 500ms --go-runtime dump -- "$TMP/fakedump.sh" 200 0 0
expect_eq "BASE's goroutines" "$(field "$TMP/gbase/summary.csv" goroutines)" 11
expect_eq "NEW's goroutines" "$(field "$TMP/gnew/summary.csv" goroutines)" 200
"$BRINK" compare "$TMP/gbase" "$TMP/gnew" >"$TMP/gcmp.out" 2>&1
expect_eq "compare: goroutines 11 -> 200, status" "$?" 1
grep -q "^Regressed: fakedump.sh: goroutines$" "$TMP/gcmp.out" && ok "compare names goroutines alone" ||
  fail "compare: $(cat "$TMP/gcmp.out")"
"$BRINK" compare "$TMP/gbase" "$TMP/gbase" >"$TMP/gself.out" 2>&1
expect_eq "compare with itself: status" "$?" 0

# Not a Go program: SIGQUIT ends it, no dump: said, not silent.
q --out "$TMP/nogo" --timeout 300ms --go-runtime dump -- /bin/sleep 5 2>"$TMP/nogo.err" >/dev/null
case "$(field "$TMP/nogo/summary.csv" goroutines_top)" in
  "no goroutine dump on stderr after the SIGQUIT"*) ok "no dump: said" ;;
  *) fail "goroutines_top '$(field "$TMP/nogo/summary.csv" goroutines_top)'" ;;
esac

# shell = yes: /bin/sh would take the SIGQUIT; refused unless the command execs.
q --out "$TMP/sh" --timeout 1s --shell yes --go-runtime dump -- "sleep 0.1; $TMP/fakedump.sh 3 0 0" \
  2>"$TMP/sh.err"
expect_eq "shell = yes with dump: exit status" "$?" 2
grep -q "go-runtime: dump with shell = yes" "$TMP/sh.err" && ok "refused with a reason" ||
  fail "stderr: $(cat "$TMP/sh.err")"
[ ! -e "$TMP/sh/summary.csv" ] && ok "nothing run" || fail "it ran"
# (1 s: /bin/sh, then bash, must have set the trap before the SIGQUIT, also on a
# loaded machine)
q --out "$TMP/shx" --timeout 1s --shell yes --go-runtime dump \
  -- "exec $TMP/fakedump.sh 3 0 0" >/dev/null
expect_eq "shell = yes, exec: goroutines" "$(field "$TMP/shx/summary.csv" goroutines)" 3
finish
