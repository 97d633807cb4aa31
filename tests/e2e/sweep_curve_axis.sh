# sweep_curve_axis.sh - the curve page of a matrix: the lines of the second key
# in numeric order (k=8, 16, 24, 32, not as text: 16, 24, 32, 8), a geometric
# sweep (nofile 256..1024 x2, only 4x wide) on a log2 axis, an arithmetic one
# (256..1024 +256) on a linear axis.
. "$(dirname "$0")/lib.sh"
command -v gnuplot >/dev/null || skip "no gnuplot: no curve pages are drawn"

cat >"$TMP/c.ini" <<'INI'
[scenario geo]
command = /bin/sh -c "true {k}"
nofile = 256..1024 x2
k = 8, 16, 24, 32

[scenario lin]
command = /bin/true
nofile = 256..1024 +256
INI
out="$TMP/r"
"$BRINK" run --quiet --no-progress --out "$out" "$TMP/c.ini" >"$TMP/log" 2>&1
expect_eq "exit status" "$?" 0
d="$out/plots/data"
expect_eq "lines in numeric order" "$(grep '^# ' "$d/geo.curve.dat" | tr '\n' ' ')" "# k=8 # k=16 # k=24 # k=32 "
grep -q "^set logscale x 2" "$d/geo.curve.gp" && ok "x2 sweep: log axis" || fail "geo: no log axis"
grep -q "^set logscale x" "$d/lin.curve.gp" && fail "+256 sweep: log axis" || ok "+256 sweep: linear axis"
finish
