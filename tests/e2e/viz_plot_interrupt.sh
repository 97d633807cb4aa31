# viz_plot_interrupt.sh - a termination signal while the plots are drawn ends brink
# (status 130) and the gnuplot it started with it: nothing it started lives on, and
# no plot file is written after brink has gone. gnuplot here is a stand-in on PATH
# that takes long (as a large page does): it records its pid and its child's, and
# writes a file 3 s later unless killed. For brink exec (the end of a run) and
# brink plot DIR.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/bin"
cat >"$TMP/bin/gnuplot" <<EOS
#!/bin/sh
sleep 3 &
echo "\$\$ \$!" >"$TMP/gnuplot.pids"
wait
echo late >"$TMP/late-\$\$"
echo late >late-plot
EOS
chmod +x "$TMP/bin/gnuplot"

# interrupt SIGNAL WHAT BRINK-ARGS...: start brink, wait for the stand-in, signal brink.
interrupt() {
  local sig=$1 what=$2 pid rc i gp kid left=
  shift 2
  rm -f "$TMP/gnuplot.pids"
  PATH="$TMP/bin:$PATH" "$BRINK" "$@" >"$TMP/$what.log" 2>&1 &
  pid=$!
  for i in $(seq 100); do [ -s "$TMP/gnuplot.pids" ] && break; sleep 0.1; done
  [ -s "$TMP/gnuplot.pids" ] || { fail "$what: gnuplot never started: $(tail -3 "$TMP/$what.log")"; kill "$pid"; wait "$pid"; return; }
  read -r gp kid <"$TMP/gnuplot.pids"
  kill -"$sig" "$pid"
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
}

interrupt INT exec exec --quiet --no-progress --out "$TMP/r-exec" -- /bin/true
interrupt TERM exec-term exec --quiet --no-progress --out "$TMP/r-exec-term" -- /bin/true
# brink plot DIR on the results of a run without plots
"$BRINK" exec --quiet --no-progress --no-plots --out "$TMP/r-plot" -- /bin/true >/dev/null 2>&1 ||
  fail "brink exec --no-plots failed"
interrupt INT plot plot "$TMP/r-plot"
finish
