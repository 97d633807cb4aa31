# shellcheck shell=sh
# fd numbers and exhaustion (sourced by run.sh). Each case is called with the
# sampling interval as $1; expected values come from what the program did.

# Every fd from 10 to the limit - 1 held, fds 3..9 free: the program's own open
# still works (it prints the fd it got), so nothing was exhausted.
CASES="$CASES fd_high"
case_fd_high() {
	[ "$1" = 10ms ] || return 0 # no sampling in what it checks: one interval
	shape_run fd-high "$1" --nofile 256 -- "$SHAPES_BIN/fd-high" 256
	expect_rel "brink status" "$RC" eq 0
	expect_rel "the program held fds 10..255" "$(fact held)" eq 246
	expect_rel "its open got a low fd" "$(fact open_fd)" lt 10
	expect_str exit_code "$(get exit_code)" 0
	expect_str fd_exhausted "$(get fd_exhausted)" 0
	expect_str limit_hit "$(get limit_hit)" ""
	# the same without the kernel's view: a main process that exited 0
	shape_run fd-high-nobpf "$1" --no-bpf --nofile 256 -- "$SHAPES_BIN/fd-high" 256
	expect_str fd_exhausted "$(get fd_exhausted)" 0
	expect_str limit_hit "$(get limit_hit)" ""
}
