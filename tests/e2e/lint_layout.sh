# lint_layout: the source tree is what the README says it is. No include loop
# among harness/'s modules (scripts/check-includes.py), and the README's Layout
# section names every harness/*.c, every scripts/ entry and every tests/ folder.
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

awk '/^## Layout/ { on = 1; next } on && /^## / { exit } on' "$src/README.md" >"$TMP/layout"
[ -s "$TMP/layout" ] || fail "README.md has no Layout section"
missing=
for f in "$src"/harness/*.c "$src"/scripts/* "$src"/tests/*/; do
  name=$(basename "$f")
  [ -d "$f" ] && name=$name/
  grep -qwF -- "$name" "$TMP/layout" || missing="$missing $name"
done
[ -z "$missing" ] && ok "the Layout names every harness/*.c, scripts/ entry and tests/ folder" ||
  fail "README Layout does not name:$missing"
finish
