# Short libFuzzer run of the config, unit, gctrace/dump and Prometheus parsers (scripts/fuzz.sh does the long
# one): build the fuzz targets with clang under $BRINK_BUILD_DIR/fuzz-build, replay
# every crash input kept in fuzz/regressions/, then fuzz each target for
# ${FUZZ_SHORT_SECONDS:-10} s on a throw-away copy of the seed corpus.
. "$(dirname "$0")/lib.sh"
"$BRINK_SOURCE_DIR/scripts/fuzz.sh" -t "${FUZZ_SHORT_SECONDS:-10}" \
  -b "$BRINK_BUILD_DIR/fuzz-build" -w "$TMP/work" config units gotrace
rc=$?
case "$rc" in
  0) ok "no crash, leak, UB or broken invariant found" ;;
  3) skip "the libFuzzer toolchain is missing (clang, libclang-rt-14-dev): see above" ;;
  *) fail "scripts/fuzz.sh exited $rc (see above)" ;;
esac
finish
