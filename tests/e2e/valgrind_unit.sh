# valgrind_unit.sh - every unit test program under valgrind memcheck: no invalid
# access, no use of uninitialised memory, no definite or indirect leak. A leak-
# measuring tool that leaks is not credible. The unit tests are run from the
# normal build ($BRINK_BUILD_DIR/tests), with the environment ctest gives them.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/setup.sh test installs it)"
tests=()
for t in "$BRINK_BUILD_DIR"/tests/test_*; do
  [ -f "$t" ] && [ -x "$t" ] && tests+=("$t")
done
[ ${#tests[@]} -gt 0 ] || skip "no unit test programs in $BRINK_BUILD_DIR/tests (cmocka missing?)"

export BRINK_GOLDEN_DIR="$BRINK_SOURCE_DIR/tests/golden" BRINK_SOURCE_DIR
for t in "${tests[@]}"; do
  name=$(basename "$t")
  start=$(date +%s)
  # memcheck's own findings go to their own file, so that they are told apart
  # from a failing test (both exit non-zero).
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
    --log-file="$TMP/$name.vg" "$t" >"$TMP/$name.out" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  if grep -q '^\[  FAILED  \]' "$TMP/$name.out"; then
    # A failed cmocka assertion jumps out of the test and leaks what it held:
    # the failure is the finding, not the leak.
    fail "$name: the test itself fails: $(grep -E '^\[  (FAILED|ERROR)' "$TMP/$name.out" | head -5)"
  elif [ -s "$TMP/$name.vg" ]; then
    fail "$name: memcheck reports (exit $rc):"
    head -60 "$TMP/$name.vg" >&2
  elif [ "$rc" -ne 0 ]; then
    fail "$name: exit $rc under valgrind: $(tail -5 "$TMP/$name.out")"
  else
    ok "$name: clean under memcheck (${secs} s)"
  fi
done
finish
