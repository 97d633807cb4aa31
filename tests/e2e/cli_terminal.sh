# cli_terminal: what brink shows on a real terminal of a given width (tmux), and
# its table at widths from $COLUMNS: the live status line is cut to the width
# and redrawn in place (one line, whatever the number of redraws), table rows
# fit a narrow terminal, and on a wide one a large rate keeps the columns aligned.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
command -v tmux >/dev/null || skip "tmux is needed (scripts/setup.sh test installs it)"
command -v python3 >/dev/null || skip "python3 is needed (the alignment check)"

# An 80-column terminal, a status line longer than 80 (a long name, three limits)
# redrawn about 10 times a second while the program sleeps 2 s.
cat >long.ini <<'EOF'
[scenario a-scenario-name-long-enough-to-fill-the-line]
command = sleep 2
memory = 64M
nofile = 1024
pids = 64
EOF
unset CI # brink draws no status line in CI
sock="brink-e2e-$$"
tmux -L "$sock" new-session -d -x 80 -y 30 \
  "'$BRINK' run --no-plots --out '$TMP/long' long.ini >/dev/null; echo done >'$TMP/long.done'; sleep 30"
for _ in $(seq 100); do [ -d long/a-scenario-name-long-enough-to-fill-the-line/1 ] && break; sleep 0.05; done
sleep 1.2 # a second of redraws
tmux -L "$sock" capture-pane -p >pane.txt
for _ in $(seq 100); do [ -f long.done ] && break; sleep 0.1; done
tmux -L "$sock" kill-server
expect_eq "status lines on the 80-column screen after a second of redraws" \
  "$(grep -c '^\[1/1\] a-scenario' pane.txt)" 1
w=$(grep '^\[1/1\] a-scenario' pane.txt | awk '{ print length($0) }')
[ "${w:-99}" -lt 80 ] && ok "status line cut to $w columns" || fail "status line of ${w:-no} columns: $(cat pane.txt)"

# fd-drain opens 18000 fds, holds them past the 500 ms warm-up, closes them over
# 1 s: a fall of about 18000 fds/s, wider than the column's 7 characters as digits.
drain="$BRINK_PROG_DIR/fd-drain"
COLUMNS=200 "$BRINK" exec --no-progress --no-plots --nofile 20000 --out "$TMP/d" -- "$drain" 18000 500 1000 >d.txt 2>&1 ||
  fail "exec fd-drain: $(cat d.txt)"
grep -q "closed 18000 in" d/fd-drain/1/stdout.log && ok "the program closed its fds" ||
  fail "fd-drain: $(cat d/fd-drain/1/stdout.log d/fd-drain/1/stderr.log)"
slope=$(field d/summary.csv fd_slope_per_s)
awk -v s="$slope" 'BEGIN { exit !(s < -9999.5) }' && ok "fd slope $slope: more than 4 digits" || fail "fd slope $slope"
grep -E '^(run |fd-drain/1 )' d.txt >rows.txt
python3 - rows.txt <<'EOF' && ok "200 columns: every right-aligned cell ends under its header" || fail "misaligned: $(cat d.txt)"
import sys
head, row = open(sys.argv[1]).read().splitlines()
for name in ("rss", "mem", "fds", "thr", "rss/s", "fds/s", "thr/s", "time"):
    end = head.index(" " + name + " ") + 1 + len(name) if " " + name + " " in head else None
    assert end, name
    assert row[end - 1] != " " and row[end] == " ", (name, row)
EOF
grep -qE '^fd-drain/1 .* -1[0-9]k/s ' d.txt && ok "the rate with a prefix: $(grep -oE -- '-1[0-9]k/s' d.txt)" ||
  fail "fds/s cell: $(cat d.txt)"

# 40 and 50 columns: table rows and header within the width, the outcome kept,
# no rate shown where its count had no room
for w in 40 50; do
  COLUMNS=$w "$BRINK" exec --no-progress --no-plots --nofile 64 --out "$TMP/n$w" -- sleep 0.1 >n.txt 2>&1 ||
    fail "exec at $w"
  long=$(grep -E '^(run |sleep/1 )' n.txt | awk -v w=$w 'length($0) > w')
  [ -z "$long" ] && ok "$w columns: the table fits" || fail "rows over $w columns: $long"
  grep -qE '^sleep/1 +exit 0 ' n.txt && ok "$w columns: the outcome is kept" || fail "$w columns: $(cat n.txt)"
  grep -E '^run ' n.txt | grep -q '/s' && fail "$w columns: a rate without its count: $(cat n.txt)" ||
    ok "$w columns: no rate column"
done
finish
