# report_html.sh - report.html in a real browser: headless Chromium loads it from
# disk and the DOM it builds has the summary table (one row per run) and an inline
# <svg> in the figure of every scenario. Needs Debian's chromium (not installed by
# scripts/setup.sh test unless asked: exit 77 without it).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "$CHROMIUM is not installed (Debian package chromium)"
"$BRINK" run --help >/dev/null 2>&1 || skip "this brink has no working run command"
command -v gnuplot >/dev/null || skip "gnuplot is not installed: the report would have no plots"
command -v python3 >/dev/null || skip "python3 is needed to read the DOM"
have_controller memory || skip "no usable memory cgroup controller (mem-hog needs a memory limit)"

out="$TMP/r"
"$BRINK" run --quiet --no-progress --out "$out" "$BRINK_SOURCE_DIR/tests/e2e/viz_twins.ini" >"$TMP/run.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { fail "brink run exited $rc: $(tail -5 "$TMP/run.log")"; finish; }
[ -f "$out/report.html" ] || { fail "brink run wrote no report.html"; finish; }

# The browser gets a profile of its own in $TMP (nothing in $HOME) and no network
# need: the page must not load anything.
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
  --virtual-time-budget=5000 --dump-dom "file://$out/report.html" >"$TMP/dom.html" 2>"$TMP/chromium.err"
rc=$?
[ $rc -eq 0 ] && [ -s "$TMP/dom.html" ] && ok "chromium loaded report.html" ||
  { fail "chromium exited $rc: $(tail -5 "$TMP/chromium.err")"; finish; }

python3 - "$TMP/dom.html" "$out/summary.csv" <<'EOF' && ok "DOM: summary table and one inline SVG per scenario" || fail "DOM check: see above"
import csv, sys
from html.parser import HTMLParser
dom = open(sys.argv[1]).read()
runs = list(csv.DictReader(open(sys.argv[2])))
scenarios = list(dict.fromkeys(r["scenario"] for r in runs))

class Dom(HTMLParser):
    """Rows of table#summary, and which figure[data-scenario] holds an <svg>."""
    VOID = {"meta", "link", "br", "img", "input", "hr"}
    def __init__(self):
        super().__init__()
        self.stack, self.rows, self.svg_of, self.cells = [], [], {}, None
    def inside(self, tag, **want):
        return next((a for t, a in reversed(self.stack)
                     if t == tag and all(a.get(k) == v for k, v in want.items())), None)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and self.inside("tbody") is not None and self.inside("table", id="summary") is not None:
            self.cells = []
        if tag == "svg":
            fig = self.inside("figure")
            if fig is not None:
                self.svg_of[fig.get("data-scenario")] = self.svg_of.get(fig.get("data-scenario"), 0) + 1
        if tag not in self.VOID:
            self.stack.append((tag, a))
    def handle_endtag(self, tag):
        if tag == "tr" and self.cells is not None:
            self.rows.append(self.cells); self.cells = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]; break
    def handle_data(self, data):
        if self.cells is not None and self.stack and self.stack[-1][0] == "td":
            self.cells.append(data.strip())

d = Dom(); d.feed(dom)
assert len(d.rows) == len(runs), f"{len(d.rows)} table rows for {len(runs)} runs"
assert sorted(r[0] for r in d.rows) == sorted(r["scenario"] for r in runs), "table scenarios differ"
for s in scenarios:
    assert d.svg_of.get(s) == 1, f"scenario {s}: {d.svg_of.get(s, 0)} inline <svg> in its figure"
print(f"{len(d.rows)} rows, {len(scenarios)} scenarios with their plot")
EOF
finish
