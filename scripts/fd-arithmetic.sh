#!/usr/bin/env bash
# fd-arithmetic.sh RESULT_DIR - the table of the seed job's nofile sweep
# (configs/seed.ini, fdmath-c and fdmath-go): for each limit, the file number at
# which the program's open failed (its own "Error at file N" line) and the
# difference, the fds its runtime held before the first open.
set -euo pipefail
dir=${1:?usage: scripts/fd-arithmetic.sh RESULT_DIR}
summary="$dir/summary.csv"
[ -f "$summary" ] || { echo "fd-arithmetic: no $summary" >&2; exit 2; }
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["sweep"] ~ /^fdmath-/ && $c["rep"] == 1 { print $c["scenario"], $c["sweep"], $c["fd_limit"] }' "$summary" |
{
  printf '| program | nofile limit | Error at file N | limit - N (fds the runtime holds) |\n|---|---|---|---|\n'
  found=0
  while read -r scenario program limit; do
    log="$dir/$scenario/1/stdout.log"
    n=$(sed -n 's/^Error at file \([0-9]*\):.*/\1/p' "$log" 2>/dev/null | head -1)
    if [ -n "$n" ]; then
      printf '| %s | %s | %s | %s - %s = %s |\n' "$program" "$limit" "$n" "$limit" "$n" "$((limit - n))"
    else
      printf '| %s | %s | (no Error line) | - |\n' "$program" "$limit"
    fi
    found=1
  done
  [ "$found" = 1 ] || echo "(no fdmath sweep in $dir)"
}
