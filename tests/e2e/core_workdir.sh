# Every run works in a fresh directory of its own inside the result directory, so
# files a program writes never collide with another run's or land elsewhere.
. "$(dirname "$0")/lib.sh"
cat >"$TMP/w.ini" <<'INI'
[defaults]
shell = yes
repetitions = 2
[scenario writer]
command = pwd; ls -A; echo x > test.log
INI
"$BRINK" run --quiet --no-progress --no-plots --out "$TMP/r" "$TMP/w.ini"
expect_eq "exit status" "$?" 0
for rep in 1 2; do
  d=$(cd "$TMP/r/writer/$rep/work" && pwd -P)
  expect_eq "rep $rep cwd" "$(head -1 "$TMP/r/writer/$rep/stdout.log")" "$d"
  expect_eq "rep $rep started empty" "$(sed -n 2p "$TMP/r/writer/$rep/stdout.log")" ""
  [ -f "$TMP/r/writer/$rep/work/test.log" ] && ok "rep $rep wrote in its own directory" ||
    fail "rep $rep: no work/test.log"
done
finish
