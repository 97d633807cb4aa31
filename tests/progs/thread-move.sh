#!/usr/bin/env bash
# thread-move.sh: one thread of a two-thread child written alone into a nested
# group below the program's own, then back, as a runtime that places threads does
# (cgroup v1 only: a group's `tasks` file takes a single thread). Its process
# stays in the program's group all along, by its other thread. Waits with read -t
# on a FIFO, so no process but the main one and the child exists. Prints start=,
# out=, back=, end= (EPOCHREALTIME, seconds), the child's pid and the thread's id;
# exits 77 where no v1 memory hierarchy is mounted.
set -euo pipefail
mem=$(findmnt -n -t cgroup -O memory -o TARGET | head -n 1)
[ -n "$mem" ] || { echo "no v1 memory hierarchy" >&2; exit 77; }
rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
own=$mem$rel
echo "start=$EPOCHREALTIME"
fifo=$(mktemp -u)
mkfifo "$fifo"
exec 9<>"$fifo"
rm "$fifo"
nap() { read -r -t "$1" -u 9 || true; }
python3 -c 'import threading, time
threading.Thread(target=time.sleep, args=(30,)).start()
time.sleep(30)' &
child=$!
echo "child=$child"
tid=
for _ in $(seq 100); do
	tid=$(ls "/proc/$child/task" 2>/dev/null | grep -vx "$child" | head -n 1) || true
	[ -n "$tid" ] && break
	nap 0.05
done
[ -n "$tid" ] || { echo "the child made no thread" >&2; kill "$child"; exit 1; }
echo "tid=$tid"
nap 0.4
mkdir "$own/nest"
echo "$tid" >"$own/nest/tasks"
echo "out=$EPOCHREALTIME"
nap 1
echo "$tid" >"$own/tasks"
echo "back=$EPOCHREALTIME"
nap 0.5
echo "end=$EPOCHREALTIME"
kill "$child"
wait "$child" || true
rmdir "$own/nest"
