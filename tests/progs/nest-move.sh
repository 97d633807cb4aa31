#!/usr/bin/env bash
# nest-move.sh: a child moved out of the program's own cgroup into a nested group
# below it, then back, as a runtime inside a run (a brink, a container runtime,
# systemd-run) moves its children: no fork and no exit marks either move. Waits
# with read -t on a FIFO, so no process but the main one and the child exists.
# Prints start=, out=, back=, end= (EPOCHREALTIME, seconds) and the child's pid.
set -euo pipefail
mem=$(findmnt -n -t cgroup -O memory -o TARGET | head -n 1)
if [ -n "$mem" ]; then
	rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
else
	mem=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
	rel=$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
fi
own=$mem$rel
echo "start=$EPOCHREALTIME"
fifo=$(mktemp -u)
mkfifo "$fifo"
exec 9<>"$fifo"
rm "$fifo"
nap() { read -r -t "$1" -u 9 || true; }
sleep 30 &
child=$!
echo "child=$child"
nap 0.4
mkdir "$own/nest"
echo "$child" >"$own/nest/cgroup.procs"
echo "out=$EPOCHREALTIME"
nap 1
echo "$child" >"$own/cgroup.procs"
echo "back=$EPOCHREALTIME"
nap 1
echo "end=$EPOCHREALTIME"
kill "$child"
wait "$child" || true
rmdir "$own/nest"
