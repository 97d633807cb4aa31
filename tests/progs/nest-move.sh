#!/usr/bin/env bash
# nest-move.sh [thread]: a child moved out of the program's own cgroup into a
# nested group below it, then back, as a runtime inside a run (a brink, a container
# runtime, systemd-run) moves its children: no fork and no exit marks either move.
# With "thread": the child has two threads and one of them alone is written into
# the nested group's `tasks` and back (cgroup v1 only: exits 77 without a v1
# memory hierarchy); its process stays in the program's group by its other thread.
# Waits with read -t on a FIFO, so no process but the main one and the child
# exists. Prints start=, out=, back=, end= (EPOCHREALTIME, seconds), the child's
# pid (and the moved thread's id).
set -euo pipefail
mode=${1:-process}
mem=$(findmnt -n -t cgroup -O memory -o TARGET | head -n 1)
if [ -n "$mem" ]; then
	rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
elif [ "$mode" = thread ]; then
	echo "no v1 memory hierarchy" >&2
	exit 77
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
if [ "$mode" = thread ]; then
	python3 -c 'import threading, time
threading.Thread(target=time.sleep, args=(30,)).start()
time.sleep(30)' &
else
	sleep 30 &
fi
child=$!
echo "child=$child"
what=$child file=cgroup.procs
if [ "$mode" = thread ]; then
	tid=
	for _ in $(seq 100); do
		tid=$(ls "/proc/$child/task" 2>/dev/null | grep -vx "$child" | head -n 1) || true
		[ -n "$tid" ] && break
		nap 0.05
	done
	[ -n "$tid" ] || { echo "the child made no thread" >&2; kill "$child"; exit 1; }
	echo "tid=$tid"
	what=$tid file=tasks
fi
nap 0.4
mkdir "$own/nest"
echo "$what" >"$own/nest/$file"
echo "out=$EPOCHREALTIME"
nap 1
echo "$what" >"$own/$file"
echo "back=$EPOCHREALTIME"
nap 1
echo "end=$EPOCHREALTIME"
kill "$child"
wait "$child" || true
rmdir "$own/nest"
