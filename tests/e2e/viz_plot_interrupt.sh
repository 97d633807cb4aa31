# viz_plot_interrupt.sh - a termination signal while the plots are drawn ends brink
# (status 130) and the gnuplot it started with it: nothing it started lives on, and
# no plot file is written after brink has gone. gnuplot here is a stand-in on PATH
# that takes long (as a large page does): it starts the first file its scripts name
# (half-written, as a killed gnuplot leaves it; with STANDIN_FILES=N it writes the
# first N-1 whole and starts the Nth: 2 is a page's png drawn and its svg being
# drawn, a page that must not be published), records its pid and its child's,
# and writes a file 3 s later unless killed. For brink exec (the end of a run) and
# brink plot DIR. brink exec still writes the report of its run, saying the plots
# are incomplete, and says it was interrupted; no half-written plot is left under a
# plot's name (every page is a .png and its .svg, or nothing) and no part file.
# A second signal ends brink at once too.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/bin"
cat >"$TMP/bin/gnuplot" <<EOS
#!/bin/sh
n=0
for out in \$(sed -n "s/^set output '\\(.*\\)'\$/\\1/p" data/*.gp | head -"\${STANDIN_FILES:-1}"); do
  n=\$((n + 1))
  if [ "\$n" -lt "\${STANDIN_FILES:-1}" ]; then echo whole >"\$out"; else echo half >"\$out"; fi
done
echo "\$n" >"$TMP/standin.files"
sleep 3 &
echo "\$\$ \$!" >"$TMP/gnuplot.pids"
wait
echo late >"$TMP/late-\$\$"
echo late >late-plot
EOS
chmod +x "$TMP/bin/gnuplot"

# interrupt SIGNAL WHAT BRINK-ARGS...: start brink, wait for the stand-in, signal brink
# (SIGNAL twice when it is "INT2").
interrupt() {
  local sig=$1 what=$2 pid rc i gp kid left= twice=
  shift 2
  [ "$sig" = INT2 ] && { sig=INT; twice=1; }
  rm -f "$TMP/gnuplot.pids"
  PATH="$TMP/bin:$PATH" "$BRINK" "$@" >"$TMP/$what.log" 2>&1 &
  pid=$!
  for i in $(seq 100); do [ -s "$TMP/gnuplot.pids" ] && break; sleep 0.1; done
  [ -s "$TMP/gnuplot.pids" ] || { fail "$what: gnuplot never started: $(tail -3 "$TMP/$what.log")"; kill "$pid"; wait "$pid"; return; }
  read -r gp kid <"$TMP/gnuplot.pids"
  kill -"$sig" "$pid"
  [ -z "$twice" ] || kill -"$sig" "$pid" 2>/dev/null
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$what: brink still runs 5 s after SIG$sig"
    kill -KILL "$pid"
  fi
  wait "$pid"
  rc=$?
  [ "$rc" -eq 130 ] && ok "$what: SIG$sig: brink exits 130" || fail "$what: SIG$sig: brink exited $rc"
  # brink has returned: what it started is gone at once, not 3 s later
  # (dead: gone, or a zombie its new parent has yet to reap)
  for p in "$gp" "$kid"; do
    if kill -0 "$p" 2>/dev/null && ! sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | grep -q '^Z'; then fail "$what: pid $p (gnuplot's) lives on after brink"; left="$left $p"
    else ok "$what: pid $p (gnuplot's) gone with brink"; fi
  done
  sleep 3.5
  if ls "$TMP"/late-* >/dev/null 2>&1 || find "$TMP/r-$what" -name late-plot | grep -q .; then
    fail "$what: a file was written after brink exited"
    rm -f "$TMP"/late-*
  else
    ok "$what: nothing written after brink exited"
  fi
  [ -z "$left" ] || kill -KILL $left 2>/dev/null
  check_plots "$what" "$TMP/r-$what/plots" $twice
}

# check_plots WHAT DIR [TWICE]: every page a complete pair, no part file left (after
# one signal: two may end brink before it removes them)
check_plots() {
  local what=$1 dir=$2 twice=${3:-} f bad=
  [ -d "$dir" ] || { fail "$what: no $dir"; return; }
  for f in "$dir"/*.png "$dir"/*.svg; do
    [ -e "$f" ] || continue
    case $f in *.png) [ -e "${f%.png}.svg" ] || bad="$bad $f" ;; *.svg) [ -e "${f%.svg}.png" ] || bad="$bad $f" ;; esac
    grep -qx half "$f" && bad="$bad $f(half-written)"
  done
  [ -z "$bad" ] && ok "$what: no plot without its pair or half-written" || fail "$what: plots left:$bad"
  if [ -n "$twice" ]; then :
  elif find "$dir" -name '*.part' | grep -q .; then fail "$what: part files left: $(find "$dir" -name '*.part')"
  else ok "$what: no part file left"; fi
}

# check_report WHAT: the report of the run (scenario true) written, plots said incomplete
check_report() {
  local what=$1 d="$TMP/r-$1"
  grep -q 'interrupted; the results so far are in' "$TMP/$what.log" &&
    ok "$what: brink says it was interrupted" || fail "$what: no interrupted line: $(tail -3 "$TMP/$what.log")"
  for r in report.md report.html; do
    if [ -s "$d/$r" ] && grep -q '\btrue\b' "$d/$r"; then ok "$what: $r written, names the run"
    else fail "$what: $r missing or without the run"; fi
  done
  grep -qi 'plots are incomplete' "$d/report.md" && ok "$what: report.md says the plots are incomplete" ||
    fail "$what: report.md does not say the plots are incomplete"
  grep -q '^true,' "$d/summary.csv" 2>/dev/null && ok "$what: summary.csv has the run" || fail "$what: summary.csv without the run"
}

interrupt INT exec exec --quiet --no-progress --out "$TMP/r-exec" -- /bin/true
check_report exec
interrupt TERM exec-term exec --quiet --no-progress --out "$TMP/r-exec-term" -- /bin/true
check_report exec-term
interrupt INT2 exec-twice exec --quiet --no-progress --out "$TMP/r-exec-twice" -- /bin/true
# brink plot DIR on the results of a run without plots
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/r-plot" -- /bin/true >/dev/null 2>&1 ||
  fail "brink exec --no-plots failed"
interrupt INT plot plot "$TMP/r-plot"
# the first page's png drawn, its svg half: that page is not published either
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/r-plot-svg" -- /bin/true >/dev/null 2>&1 ||
  fail "brink exec --no-plots failed"
STANDIN_FILES=2 interrupt INT plot-svg plot "$TMP/r-plot-svg"
expect_eq "plot-svg: files the stand-in started" "$(cat "$TMP/standin.files")" 2
finish
