# cli_command_text: commands whose text is awkward for a one-line config reach
# the program exactly: arguments with a newline, a tab, quotes, a backslash or
# another control character, and commands of thousands of characters, through
# brink exec, through the run.ini it writes (brink run RUN.INI), through a
# config file, and through shards and brink merge. What is compared is what the
# program itself wrote (each argument NUL-terminated), against the words the
# test gave it.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
q() { local c=$1; shift; "$BRINK" "$c" --quiet --no-progress --no-plots "$@"; }
# The program: writes its arguments, each followed by a NUL, to ./args.
prog=(/bin/sh -c 'printf "%s\0" "$@" >args' sh)
# want FILE WORD...: FILE holds the WORDs as the program writes them.
want() { local f=$1; shift; printf '%s\0' "$@" >"$f"; }
same() { # what got-file want-file
  if cmp -s "$2" "$3"; then ok "$1"; else fail "$1: the program got $(tr '\0' '|' <"$2" | head -c 200)"; fi
}

# exec: control characters in arguments
odd=($'import os\nprint(1)' $'tab\there' "q'uote" 'd"q' 'back\slash' "\$'x'" $'\x01\x7f' $'cr\r' '' ' ')
q exec --out "$TMP/nl" -- "${prog[@]}" "${odd[@]}" >nl.out 2>&1
expect_eq "exec with a newline argument: status" "$?" 0
want nl.want "${odd[@]}"
same "exec: the program got its arguments exactly" nl/sh/1/work/args nl.want
# the run.ini it wrote runs the same command again
q run --out "$TMP/nl-again" nl/run.ini >nl-again.out 2>&1
expect_eq "run of exec's run.ini: status" "$?" 0
same "run of exec's run.ini: the same arguments" nl-again/sh/1/work/args nl.want

# exec: a command of over 5000 characters in 801 words
long=("$(printf 'L%.0s' $(seq 3000))")
for i in $(seq 800); do long+=("w$i"); done
q exec --out "$TMP/long" -- "${prog[@]}" "${long[@]}" >long.out 2>&1
expect_eq "exec with a long command: status" "$?" 0
want long.want "${long[@]}"
same "exec: a 6000-character command reached the program whole" long/sh/1/work/args long.want
q run --out "$TMP/long-again" long/run.ini >long-again.out 2>&1
same "run of its run.ini: the same arguments" long-again/sh/1/work/args long.want

# run: a config whose command line is long, in two scenarios, run whole and as
# two shards merged (run.ini is read back by merge and report)
{
  echo '[brink]'
  echo 'name = long'
  for s in a b; do
    echo "[scenario $s]"
    printf 'command = /bin/sh -c %s sh' "'printf \"%s\\0\" \"\$@\" >args'"
    printf ' %s' "${long[@]}"
    echo
  done
} >long.ini
[ "$(wc -L <long.ini)" -gt 5000 ] && ok "long.ini has a line of $(wc -L <long.ini) characters" ||
  fail "long.ini: $(wc -L <long.ini)"
q run --out "$TMP/cfg" long.ini >cfg.out 2>&1
expect_eq "run of a config with a long command: status" "$?" 0
same "run: scenario a got its arguments" cfg/a/1/work/args long.want
same "run: scenario b got its arguments" cfg/b/1/work/args long.want
q run --shard 1/2 --out "$TMP/s1" long.ini >s1.out 2>&1 &&
  q run --shard 2/2 --out "$TMP/s2" long.ini >s2.out 2>&1
expect_eq "shards of it: status" "$?" 0
"$BRINK" merge --quiet "$TMP/m" "$TMP/s1" "$TMP/s2" >merge.out 2>&1
expect_eq "merge of its shards: status" "$? $(cut -d, -f1 m/summary.csv | tail -n +2 | sort | tr '\n' ' ')" \
  "0 a b "

# a shell command line cannot hold a newline: refused before anything runs
out=$(q exec --shell yes --out "$TMP/shnl" -- $'echo a\necho b' 2>&1); rc=$?
expect_eq "exec --shell yes with a newline: status" "$rc" 2
case "$out" in *"separated by ';'"*) ok "shell newline: says why" ;; *) fail "shell newline said: $out" ;; esac
[ ! -e shnl ] && ok "shell newline: nothing run" || fail "shell newline: $TMP/shnl made"
finish
