# install: `cmake --install` into a fresh prefix gives a brink that runs, finds
# its scenario programs, has man pages that render without a warning, and bash
# completion that completes commands, options and help topics.
. "$(dirname "$0")/lib.sh"
: "${BRINK_BUILD_DIR:?run through ctest}"
p="$TMP/p"
cmake --install "$BRINK_BUILD_DIR" --prefix "$p" >"$TMP/install.log" 2>&1 ||
  { fail "cmake --install: $(cat "$TMP/install.log")"; finish; }
for f in bin/brink share/man/man1/brink.1 share/man/man5/brink-config.5 \
  share/bash-completion/completions/brink libexec/brink/scenarios/fd-exhaust \
  libexec/brink/scenarios/c-files; do
  [ -e "$p/$f" ] || fail "not installed: $f"
done
ok "installed: brink, man pages, completion, scenarios"

# the installed brink, away from the build tree and without the test's scenario dir
unset BRINK_SCENARIO_DIR
cd "$TMP"
"$p/bin/brink" exec --quiet --no-progress --no-plots --out "$TMP/t" -- true >/dev/null 2>"$TMP/t.err"
expect_eq "installed brink exec -- true" "$? $(field t/summary.csv exit_code)" "0 0"
"$p/bin/brink" exec --quiet --no-progress --no-plots --nofile 64 --out "$TMP/f" -- fd-exhaust >/dev/null 2>&1
expect_eq "installed brink finds fd-exhaust in libexec" "$(field f/summary.csv fd_exhausted)" 1

# man pages: rendered at 80 columns without a warning, and groff -ww agrees
command -v man >/dev/null || skip "man is not installed (scripts/setup.sh test installs man-db)"
for page in man1/brink.1 man5/brink-config.5; do
  w=$(MANWIDTH=80 man -l "$p/share/man/$page" 2>&1 >/dev/null)
  [ -z "$w" ] && ok "man -l $page: no warning" || fail "man -l $page: $w"
  w=$(groff -ww -man -Tutf8 "$p/share/man/$page" 2>&1 >/dev/null)
  [ -z "$w" ] && ok "groff -ww $page: no warning" || fail "groff -ww $page: $w"
  long=$(MANWIDTH=80 man -l "$p/share/man/$page" 2>/dev/null | awk 'length > 80')
  [ -z "$long" ] && ok "$page fits 80 columns" || fail "$page over 80 columns: $long"
done
# brink-config(5) carries every key of exec --help
text=$(MANWIDTH=80 man -l "$p/share/man/man5/brink-config.5" 2>/dev/null)
for k in $("$p/bin/brink" exec --help | sed -n 's/^  --\([a-z-]*\) [A-Z].*/\1/p' | grep -vE '^(name|out|sweep)$'); do
  grep -q "  $k = " <<<"$text" || fail "brink-config(5) lacks $k"
done
ok "brink-config(5) has every key"

# completion, as bash runs it
comp=/usr/share/bash-completion/bash_completion
[ -f "$comp" ] || skip "bash-completion is not installed"
complete_words() { # completions of the command line "$@" (the last word is completed)
  PATH="$p/bin:$PATH" bash -c '
    . '"$comp"'; . '"$p"'/share/bash-completion/completions/brink
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _brink; printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
expect_eq "brink ex<TAB>" "$(complete_words brink ex)" exec
complete_words brink exec --nof | grep -qx -- --nofile && ok "brink exec --nof<TAB>: --nofile" || fail "exec --nof: $(complete_words brink exec --nof)"
complete_words brink exec --cw | grep -qx -- --cwd && ok "brink exec --cw<TAB>: --cwd" || fail "exec --cw"
expect_eq "brink help co<TAB>" "$(complete_words brink help co | sort | tr '\n' ' ')" "compare config "
expect_eq "brink compare --format j<TAB>" "$(complete_words brink compare --format j)" json
finish
