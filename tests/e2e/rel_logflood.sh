# A program flooding stdout and stderr: each log holds exactly --log-cap bytes
# of its output followed by one truncation note; the program is never blocked
# (it floods until the timeout, or finishes a fixed amount quickly); disk use
# stays bounded.
. "$(dirname "$0")/lib.sh"
cap=1048576
# note FILE: what follows the first $cap bytes.
note() { tail -c +$((cap + 1)) "$1"; }
DROPPED=0
check_log() { # WHAT FILE WORD; sets DROPPED to the bytes the note says were dropped
  local size dropped
  size=$(stat -c %s "$2")
  [ "$(head -c "$cap" "$2" | tr -d '\n' | sed "s/$3//g" | wc -c)" -le ${#3} ] &&
    ok "$1: the first $cap bytes are the program's output" || fail "$1: foreign bytes in the capped part"
  dropped=$(note "$2" | sed -n 's/^\[brink: log truncated at \([0-9]*\) bytes; \([0-9]*\) bytes dropped\]$/\1 \2/p')
  expect_eq "$1: truncation note says" "${dropped% *}" "$cap"
  [ "$(note "$2" | grep -c .)" = 1 ] && ok "$1: one note line after the cap" ||
    fail "$1: after the cap: $(note "$2" | head -c 300)"
  expect_eq "$1: file size = cap + note" "$size" "$((cap + $(note "$2" | wc -c)))"
  DROPPED=${dropped#* }
}

# 1. Endless flood on both streams, stopped by the timeout.
"$BRINK" exec --quiet --no-progress --log-cap 1M --timeout 3s --shell yes --out "$TMP/f" -- \
  'yes brinkerr >&2 & yes brinkflood'
expect_eq "flood: exit status" "$?" 0
s="$TMP/f/summary.csv"
expect_eq "flood: outcome" "$(field "$s" outcome)" timeout
d=$(field "$s" duration_s)
awk -v d="$d" 'BEGIN { exit !(d >= 2.9 && d < 4) }' && ok "flood: ran until the timeout ($d s)" ||
  fail "flood: duration $d s"
dir="$TMP/f/sh/1"
check_log stdout "$dir/stdout.log" brinkflood
out_dropped=$DROPPED
check_log stderr "$dir/stderr.log" brinkerr
err_dropped=$DROPPED
# Not blocked: far more than the cap went through the pipe (yes writes
# hundreds of MB/s; a blocked writer would have stopped near the pipe size).
[ "${out_dropped:-0}" -gt $((20 * cap)) ] && ok "stdout: $out_dropped bytes dropped, not blocked" ||
  fail "stdout: only ${out_dropped:-?} bytes dropped: was the program blocked?"
[ "${err_dropped:-0}" -gt $((20 * cap)) ] && ok "stderr: $err_dropped bytes dropped, not blocked" ||
  fail "stderr: only ${err_dropped:-?} bytes dropped: was the program blocked?"
used=$(du -sk "$TMP/f" | cut -f1)
[ "$used" -lt 8192 ] && ok "flood: disk use ${used}K" || fail "flood: disk use ${used}K"

# 2. A fixed amount (200M) written as fast as possible: finishes, exit 0, quickly.
"$BRINK" exec --quiet --no-progress --log-cap 1M --timeout 20s --shell yes --out "$TMP/z" -- \
  'head -c 200M /dev/zero'
s="$TMP/z/summary.csv"
expect_eq "200M: outcome" "$(field "$s" outcome)" exited
expect_eq "200M: exit code" "$(field "$s" exit_code)" 0
expect_eq "200M: note" "$(note "$TMP/z/sh/1/stdout.log" | tr -d '\0')" "
[brink: log truncated at $cap bytes; $((200 * cap - cap)) bytes dropped]"
[ "$(head -c "$cap" "$TMP/z/sh/1/stdout.log" | tr -d '\0' | wc -c)" = 0 ] &&
  ok "200M: the capped part is the program's zeros" || fail "200M: foreign bytes in the log"
finish
