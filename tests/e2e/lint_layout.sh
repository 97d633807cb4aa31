# lint_layout: the source tree is what the README says it is. No include loop
# among harness/'s modules (scripts/check-includes.py), and the README's Layout
# section names every harness/*.c, *.h, harness/bpf/ file, every scripts/ entry
# and every tests/ folder, and names no file or folder that is not there.
. "$(dirname "$0")/lib.sh"
src=$BRINK_SOURCE_DIR

# The checker itself: a loop it is shown must fail it, naming its modules.
mkdir -p "$TMP/loop"
printf '#include "b.h"\n#include "a_int.h"\n' >"$TMP/loop/a.c"
printf '#include "c.h"\n' >"$TMP/loop/b.h"
printf '#include "a.h"\n' >"$TMP/loop/c.c"
printf '#include "a.h"\n' >"$TMP/loop/a_int.h" # a private header of a: no loop of its own
python3 "$src/scripts/check-includes.py" "$TMP/loop" >"$TMP/loop.out"
expect_eq "check-includes on a loop: status" "$?" 1
grep -qx "include loop: a b c" "$TMP/loop.out" && ok "the loop a -> b -> c -> a is named" ||
  fail "check-includes said: $(cat "$TMP/loop.out")"

if out=$(python3 "$src/scripts/check-includes.py" "$src/harness"); then
  ok "harness/ has no include loop"
else
  fail "$out"
fi

# Every form a loop can be written in, with harness/ on the include path: <b.h>,
# "./c.h", "../harness/a.h" (the fake tree is named harness/ for that last one);
# <stdio.h>, <sys/types.h> and <error.h> where no error module is are not its own.
mkdir -p "$TMP/forms/harness"
printf '#include <stdio.h>\n#include <error.h>\n#include <b.h>\n' >"$TMP/forms/harness/a.c"
printf '#include <sys/types.h>\n#include "./c.h"\n' >"$TMP/forms/harness/b.h"
printf '#include "../harness/a.h"\n' >"$TMP/forms/harness/c.c"
python3 "$src/scripts/check-includes.py" "$TMP/forms/harness" >"$TMP/forms.out"
expect_eq "check-includes on <b.h>, \"./c.h\", \"../harness/a.h\": status" "$?" 1
grep -qx "include loop: a b c" "$TMP/forms.out" && ok "the loop through <>, ./ and ../harness/ is named" ||
  fail "check-includes said: $(cat "$TMP/forms.out")"
printf '#include <stdio.h>\n#include <error.h>\n' >"$TMP/forms/harness/c.c"
python3 "$src/scripts/check-includes.py" "$TMP/forms/harness" >"$TMP/forms.out"
expect_eq "check-includes with the loop broken, system headers left: status" "$?" 0

# layout_check README ROOT: the README's Layout section against the tree at ROOT,
# both ways. Prints "unnamed: X" for each harness/*.c, harness/*.h (named itself or
# by its .c), harness/bpf/*, scripts/* and tests/*/ the Layout does not name, and
# "missing: X" for each file (NAME.EXT) or folder (NAME/) it names that ROOT lacks.
layout_check() {
  python3 - "$1" "$2" <<'PY'
import fnmatch, os, re, sys
readme, root = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
m = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.M | re.S)
layout = m.group(1) if m else ""
if not layout.strip():
    print("missing: the README's Layout section")
words = set(re.findall(r"[\w.*/-]+", layout))
paths = []  # every file and folder under root, relative, folders ending in /
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if not x.startswith((".", "build"))]
    rel = os.path.relpath(d, root)
    rel = "" if rel == "." else rel + "/"
    paths += [rel + x + "/" for x in dirs] + [rel + f for f in files]
def exists(word):
    return any(fnmatch.fnmatch(p, word) or fnmatch.fnmatch(p, "*/" + word) for p in paths)
for w in sorted(words):
    w = w.strip(".")  # a sentence's full stop
    if re.search(r"[A-Za-z]", w) and (w.endswith("/") or re.search(r"\.(c|h|sh|py|md|ini|awk|cmake|scd)$", w)) and not exists(w):
        print("missing:", w)
def named(name):
    return any(w.strip(".") == name or fnmatch.fnmatch(name, w.strip(".")) for w in words)
def listdir(d):
    return sorted(os.listdir(os.path.join(root, d))) if os.path.isdir(os.path.join(root, d)) else []
for f in listdir("harness"):
    if f.endswith(".c") or f.endswith(".h"):
        if not (named(f) or (f.endswith(".h") and named(f[:-2] + ".c"))):
            print("unnamed: harness/" + f)
for f in listdir("harness/bpf"):
    if not named(f):
        print("unnamed: harness/bpf/" + f)
for f in listdir("scripts"):
    if not named(f) and not named(f + "/"):
        print("unnamed: scripts/" + f)
for f in listdir("tests"):
    if os.path.isdir(os.path.join(root, "tests", f)) and not named(f + "/"):
        print("unnamed: tests/" + f + "/")
PY
}

# The check itself: a fake tree and README that disagree both ways.
mkdir -p "$TMP/tree/harness/bpf" "$TMP/tree/scripts" "$TMP/tree/tests/unit" "$TMP/tree/tests/newdir"
touch "$TMP/tree/harness/a.c" "$TMP/tree/harness/a.h" "$TMP/tree/harness/lone.h" \
  "$TMP/tree/harness/bpf/w.bpf.c" "$TMP/tree/scripts/s.sh" "$TMP/tree/tests/unit/cases_x.sh"
printf '# x\n## Layout\n```\nharness/ a.c gone.c bpf/\ntests/ unit/ (cases_*.sh) old/\n```\n## Next\nlone.h s.sh\n' \
  >"$TMP/tree/README.md"
layout_check "$TMP/tree/README.md" "$TMP/tree" >"$TMP/tree.out"
expect_eq "Layout check on a tree that disagrees" "$(sort "$TMP/tree.out" | tr '\n' ' ')" \
  "missing: gone.c missing: old/ unnamed: harness/bpf/w.bpf.c unnamed: harness/lone.h unnamed: scripts/s.sh unnamed: tests/newdir/ "

out=$(layout_check "$src/README.md" "$src")
[ -z "$out" ] && ok "the Layout names every harness/*.c, *.h, bpf/ file, scripts/ entry and tests/ folder, and nothing that is not there" ||
  fail "README Layout against the tree:
$out"
finish
