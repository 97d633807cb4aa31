# The corpus of program shapes (tests/shapes/run.sh) on this machine, at 10 ms and
# 1 ms sampling. SHAPES_CASES / SHAPES_INTERVALS select (see run.sh).
. "$(dirname "$0")/lib.sh"
export BRINK SHAPES_BIN=$BRINK_BUILD_DIR/shapes SHAPES_OUT=$TMP/shapes
[ -x "$SHAPES_BIN/hold" ] || skip "shapes not built in $SHAPES_BIN"
sh "$BRINK_SOURCE_DIR/tests/shapes/run.sh"
