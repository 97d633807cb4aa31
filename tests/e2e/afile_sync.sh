# afile_sync: a result file reaches its name only after its data is on disk, and
# its name is on disk after the rename (afile.h): under strace -y, each file's
# fsync precedes its rename and an fsync of its folder follows it. For the files
# brink writes (summary.csv, run.ini of brink exec), the run folders' files brink
# merge copies (samples.csv, events.csv, stdout.log) and the pages gnuplot draws.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace is not installed (scripts/setup.sh test installs it)"

# sync_order TRACE PATH: PATH.part (or PATH.N.part) fsynced, renamed to PATH, then
# PATH's folder fsynced, in that order in the strace -y output TRACE.
sync_order() {
  awk -v path="$2" '
    BEGIN { d = path; sub(/\/[^\/]*$/, "", d); name = substr(path, length(d) + 2) }
    # the .part of path, in this folder or another (gnuplot draws in plots/data/)
    function part(s) { return index(s, "/" name ".") && s ~ /\.part$/ }
    # fsync(3</x/summary.csv.part>) = 0
    /^(fsync|fdatasync)\(/ {
      fd = $0; sub(/^[a-z]+\([0-9]+</, "", fd); sub(/>\).*/, "", fd)
      if (part(fd) && !renamed) synced = NR
      if (fd == d && renamed) dsynced = NR
    }
    # rename("/x/summary.csv.part", "/x/summary.csv") = 0
    /^rename\(/ && index($0, ", \"" path "\")") { renamed = NR }
    # renameat(4</x/run/1>, "samples.csv.part", 4</x/run/1>, "samples.csv") = 0
    /^renameat2?\(/ && index($0, "<" d ">, \"" name "\"") { renamed = NR }
    END {
      if (!renamed) { print "no rename to " path; exit 1 }
      if (!synced) { print "no fsync of " name "'"'"'s .part before its rename"; exit 1 }
      if (!dsynced) { print "no fsync of " d " after the rename to " path; exit 1 }
    }' "$1"
}
check() { # TRACE PATH
  local why
  if why=$(sync_order "$1" "$2"); then ok "$2: fsync, rename, fsync of its folder"; else fail "$why"; fi
}
D=$(realpath "$TMP")
tr() { strace -y -qq -e trace=fsync,fdatasync,rename,renameat,renameat2 -o "$@"; }

# brink exec: summary.csv and run.ini (the main brink writes them; the run itself
# is not traced, so that brink can follow it).
tr "$D/exec.trace" "$BRINK" exec --quiet --no-progress --no-plots --name one --out "$D/one" \
  -- sh -c 'echo hello' >"$D/exec.out" 2>&1 || fail "brink exec under strace: $(cat "$D/exec.out")"
check "$D/exec.trace" "$D/one/summary.csv"
check "$D/exec.trace" "$D/one/run.ini"

# brink merge: the files of each run folder copied into OUT.
cat >"$D/set.ini" <<'INI'
[brink]
name = set
[defaults]
timeout = 20s
[scenario hi]
command = sh -c 'echo hello; echo oops >&2'
repetitions = 2
INI
for k in 1 2; do
  "$BRINK" run --quiet --no-progress --no-plots --shard "$k/2" --out "$D/shard-$k" "$D/set.ini" \
    >"$D/shard-$k.out" 2>&1 || fail "shard $k/2: $(cat "$D/shard-$k.out")"
done
tr "$D/merge.trace" "$BRINK" merge --quiet --no-plots "$D/merged" "$D/shard-1" "$D/shard-2" \
  >"$D/merge.out" 2>&1 || fail "brink merge under strace: $(cat "$D/merge.out")"
runs=$(find "$D/merged" -name stdout.log -printf '%h\n' | sort)
[ "$(echo "$runs" | grep -c .)" = 2 ] || fail "two run folders merged, found: $runs"
for r in $runs; do
  for f in samples.csv events.csv stdout.log stderr.log; do
    [ -f "$r/$f" ] && check "$D/merge.trace" "$r/$f"
  done
done

# brink plot: the pages gnuplot drew, published by brink.
if command -v gnuplot >/dev/null; then
  tr "$D/plot.trace" "$BRINK" plot "$D/one" >"$D/plot.out" 2>&1 ||
    fail "brink plot under strace: $(cat "$D/plot.out")"
  page=$(find "$D/one/plots" -maxdepth 1 -name '*.svg' | head -1)
  [ -n "$page" ] && check "$D/plot.trace" "$page" || fail "brink plot drew no page: $(cat "$D/plot.out")"
else
  skip_part "plot pages" "no gnuplot here"
fi
finish
