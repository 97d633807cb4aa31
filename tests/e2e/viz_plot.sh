# viz_plot.sh - plots and reports of a real run (viz_twins.ini): one valid PNG and
# SVG page per scenario and per leaky/fixed pair, limits and breaking points in
# the generated gnuplot scripts, long series downsampled with their peaks kept,
# `brink plot` and `brink report` redraw, a missing gnuplot is said, bad
# directories exit 2.
. "$(dirname "$0")/lib.sh"

"$BRINK" run --help >/dev/null 2>&1 || skip "this brink has no working run command"
command -v gnuplot >/dev/null || skip "gnuplot is not installed (scripts/setup.sh run installs gnuplot-nox)"
command -v python3 >/dev/null || skip "python3 is needed to check the SVG and the data files"
have_controller memory || skip "no usable memory cgroup controller (mem-hog needs a memory limit)"

out="$TMP/r"
"$BRINK" run --quiet --no-progress --out "$out" "$BRINK_SOURCE_DIR/tests/e2e/viz_twins.ini" >"$TMP/run.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { fail "brink run exited $rc: $(tail -5 "$TMP/run.log")"; finish; }

png_ok() {
  local magic
  magic=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
  [ "$magic" = 89504e470d0a1a0a ] || { echo "bad PNG magic $magic"; return 1; }
  if command -v file >/dev/null; then
    file -b "$1" | grep -Eq '^PNG image data, [1-9][0-9]* x [1-9][0-9]*' || { file -b "$1"; return 1; }
  fi
}
svg_ok() {
  if command -v xmllint >/dev/null; then xmllint --noout "$1" || return 1; fi
  python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10, "almost empty plot"
' "$1"
}
check_pages() { # check_pages WHAT
  for page in fd-leaky fd-fixed mem-leaky mem-fixed fd mem; do
    why=$(png_ok "$out/plots/$page.png" 2>&1) && ok "$1: $page.png is a PNG" || fail "$1: $page.png: $why"
    why=$(svg_ok "$out/plots/$page.svg" 2>&1) && ok "$1: $page.svg is SVG" || fail "$1: $page.svg: $why"
  done
}
check_pages "after run"

# Limits and breaking points: the scripts draw what summary.csv and events.csv say.
gp="$out/plots/data"
grep -q "memory limit 64 MiB" "$gp/mem-leaky.gp" && ok "memory limit line" || fail "no memory limit in mem-leaky.gp"
grep -q "'OOM'" "$gp/mem-leaky.gp" && ok "OOM marked" || fail "no OOM mark in mem-leaky.gp"
grep -q "nofile limit 1024" "$gp/fd-leaky.gp" && ok "nofile limit line" || fail "no nofile limit in fd-leaky.gp"
grep -q "'EMFILE'" "$gp/fd-leaky.gp" && ok "fd exhaustion marked" || fail "no EMFILE mark in fd-leaky.gp"
grep -q "'EMFILE'" "$gp/fd-fixed.gp" && fail "EMFILE marked on the fixed twin" || ok "fixed twin unmarked"
grep -q "layout 3,2" "$gp/fd.gp" && ok "twin page has two columns" || fail "fd.gp is not a 3x2 multiplot"

# Redraw from scratch.
# Downsampling: mem-fixed's samples.csv is replaced by a series of 5000 rows (more
# than the plotter keeps, however many samples this machine took) with its
# extremes at known places; every series keeps at most 2000 points, its extremes
# and its end, in time order.
python3 - "$out/mem-fixed/1/samples.csv" <<'EOF'
import csv, sys
path = sys.argv[1]
header = next(csv.reader(open(path)))
with open(path, "w", newline="") as f:
    w = csv.DictWriter(f, header, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for i in range(5000):
        row = {k: "" for k in header}
        row.update(t_s="%.6f" % (i / 1000), rss_bytes=20000000 + (i * 7919) % 1000003,
                   mem_bytes=30000000 + i, fds=10 + (i * 31) % 97, threads=1 + i % 5,
                   procs=1, cpu_s="%.3f" % (i / 2000))
        if i == 3777: row.update(rss_bytes=60000000, fds=500, threads=40)
        if i == 1234: row.update(rss_bytes=1000000, fds=3, threads=1)
        w.writerow(row)
EOF
rm -rf "$out/plots"
"$BRINK" plot "$out" >"$TMP/plot.out" 2>&1 && ok "brink plot exits 0" || fail "brink plot: $(cat "$TMP/plot.out")"
check_pages "after brink plot"
python3 - "$out/mem-fixed/1/samples.csv" "$gp/mem-fixed.rep1.dat" <<'EOF' && ok "downsampled, peaks kept" || fail "downsampling: see above"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 5000, len(rows)
blocks, cur = {}, None
for line in open(sys.argv[2]):
    line = line.strip()
    if line.startswith("# "):
        cur = line[2:]; blocks[cur] = []
    elif line:
        t, v = map(float, line.split()); blocks[cur].append((t, v))
for col in ("rss_bytes", "fds", "threads"):
    pts = blocks[col]
    vals = [float(r[col]) for r in rows if r[col] != ""]
    assert 0 < len(pts) <= 2000, (col, len(pts))
    assert max(v for _, v in pts) == max(vals), (col, "max lost")
    assert min(v for _, v in pts) == min(vals), (col, "min lost")
    ts = [t for t, _ in pts]
    assert ts == sorted(ts), (col, "not in time order")
    assert ts[-1] == max(float(r["t_s"]) for r in rows), (col, "end of the run lost")
EOF

# Reports.
rm -f "$out/report.md" "$out/report.html"
"$BRINK" report "$out" >"$TMP/report.out" 2>&1 && ok "brink report exits 0" || fail "brink report: $(cat "$TMP/report.out")"
for s in fd-leaky fd-fixed mem-leaky mem-fixed; do
  grep -q "^| $s | 1 |" "$out/report.md" && ok "report.md row $s" || fail "report.md: no row for $s"
done
grep -q '^## Machine' "$out/report.md" && grep -q '^| kernel |' "$out/report.md" &&
  ok "report.md: machine section" || fail "report.md: no [machine] keys"
grep -q '(plots/fd.png)' "$out/report.md" && ok "report.md links the twin page" || fail "report.md: no plots/fd.png"
python3 - "$out/report.html" <<'EOF' && ok "report.html: table, 4 inline SVGs, nothing external" || fail "report.html: see above"
import re, sys
from html.parser import HTMLParser
html = open(sys.argv[1]).read()
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.svg_in = {}; s.ids = set(); s.dup = []; s.ext = []; s.rows = 0
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            (s.dup.append(a["id"]) if a["id"] in s.ids else s.ids.add(a["id"]))
        for k in ("src", "href", "xlink:href"):
            if k in a and not a[k].startswith("#"):
                s.ext.append(a[k])
        if tag == "tr" and any(t[0] == "table" and t[1].get("id") == "summary" for t in s.stack):
            s.rows += 1
        if tag == "svg":
            for t, ta in s.stack:
                if t == "figure": s.svg_in[ta.get("data-scenario")] = True
        if tag not in ("meta", "br", "img", "input", "link") and not tag in ("path", "use", "rect", "circle", "line"):
            s.stack.append((tag, a))
    def handle_endtag(s, tag):
        for i in range(len(s.stack) - 1, -1, -1):
            if s.stack[i][0] == tag:
                del s.stack[i:]; break
p = P(); p.feed(html)
assert p.rows == 5, f"summary table rows {p.rows} (want header + 4)"
for sc in ("fd-leaky", "fd-fixed", "mem-leaky", "mem-fixed"):
    assert p.svg_in.get(sc), f"no inline <svg> in the figure of {sc}"
assert not p.ext, f"external references: {p.ext[:3]}"
assert not p.dup, f"duplicate ids: {p.dup[:3]}"
assert "<script" not in html
EOF

# Without gnuplot: one warning, exit 1 for an explicit `brink plot`.
mkdir -p "$TMP/nogp"
PATH="$TMP/nogp" "$BRINK" plot "$out" >"$TMP/nogp.out" 2>&1
rc=$?
expect_eq "brink plot without gnuplot" "$rc" 1
grep -q "gnuplot not found" "$TMP/nogp.out" && ok "missing gnuplot said" || fail "no warning: $(cat "$TMP/nogp.out")"

# Bad directories.
"$BRINK" plot "$TMP/nonexistent" >/dev/null 2>&1
expect_eq "brink plot on a missing dir" "$?" 2
mkdir -p "$TMP/empty"
"$BRINK" plot "$TMP/empty" >"$TMP/empty.out" 2>&1
expect_eq "brink plot without summary.csv" "$?" 2
grep -q "summary.csv" "$TMP/empty.out" && ok "missing summary.csv named" || fail "message: $(cat "$TMP/empty.out")"
"$BRINK" report "$TMP/empty" >/dev/null 2>&1
expect_eq "brink report without summary.csv" "$?" 2
# mem-fixed's samples.csv was replaced by a made-up series above: not a measurement
# for lib.sh's peak check at exit.
rm -f "$out/mem-fixed/1/samples.csv"
finish
