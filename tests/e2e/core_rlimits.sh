# --as, --data, --stack, --core, --nproc: what the program observes (getrlimit, the
# largest mapping or malloc it can make, how deep its stack grows, how many forks
# succeed), from tests/progs/rlimit-probe.c.
. "$(dirname "$0")/lib.sh"
p=$BRINK_PROG_DIR/rlimit-probe
# probe NAME BRINK-OPTIONS...: run rlimit-probe NAME under brink; $log is its stdout
probe() {
  local name=$1
  shift
  "$BRINK" exec --quiet --no-progress --no-plots --name "$name" --out "$TMP/$name" "$@" -- "$p" "${name%%-*}"
  expect_eq "$name: exit status" "$?" 0
  log="$TMP/$name/$name/1/stdout.log"
}
value() { awk -v k="$1" '$1 == k { print $2; exit }' "$log"; }
in_range() { # WHAT VALUE LO HI
  [ -n "$2" ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] && ok "$1 = $2 (within $3..$4)" ||
    fail "$1 = '$2', want $3..$4"
}

probe as --as 256M
expect_eq "--as 256M: soft limit" "$(value rlimit)" 268435456
in_range "--as 256M: largest mapping (MiB)" "$(value largest_mmap_mib)" 192 255

probe data --data 64M
expect_eq "--data 64M: soft limit" "$(value rlimit)" 67108864
in_range "--data 64M: largest malloc (MiB)" "$(value largest_malloc_mib)" 48 63

probe stack --stack 1M
expect_eq "--stack 1M: soft limit" "$(value rlimit)" 1048576
# Arguments, environment and the auxiliary vector sit at the top of the same stack.
in_range "--stack 1M: stack grown before SIGSEGV (bytes)" "$(value stack_bytes)" $((1048576 - 131072)) 1048576

probe core-0 --core 0
expect_eq "--core 0: soft limit" "$(value rlimit)" 0
probe core-1m --core 1M
expect_eq "--core 1M: soft limit" "$(value rlimit)" 1048576

# RLIMIT_NPROC counts every task of the real uid and root is exempt: as nobody,
# forks succeed until the uid holds 8 tasks, then fail with EAGAIN.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  probe nproc --nproc 8 --user nobody
  expect_eq "--nproc 8: soft limit" "$(value rlimit)" 8
  expect_eq "--nproc 8: fork fails with" "$(value fork_error)" EAGAIN
  in_range "--nproc 8: forks that succeeded" "$(value forked)" 0 7
  in_range "--nproc 8: tasks of the uid when fork failed" "$(value tasks_at_failure)" 8 100000
else
  skip_part --nproc "it needs root and a user nobody"
fi
finish
