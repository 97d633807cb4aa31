#!/usr/bin/env bash
# Boot Debian's 6.1 kernel under qemu (software emulation) with a busybox initramfs, a
# pure cgroup2 hierarchy and the static binaries of BINDIR, run TESTSCRIPT in it, and
# exit with the script's status.
#
# Usage: scripts/v2lane/run.sh BINDIR TESTSCRIPT
#
# In the guest: every file of BINDIR is in /lane/bin (first in PATH); TESTSCRIPT runs as
# `sh /lane/test.sh` (busybox sh, with busybox's applets: awk, grep, sed, ...) in
# /lane/work, as root, in the root cgroup (or in V2LANE_SCOPE); cgroup2 is mounted on
# /sys/fs/cgroup with +memory +pids +cpu enabled in the root's subtree_control.
# Files the script leaves in $V2LANE_OUT (/lane/out) are copied back to V2LANE_OUTDIR.
#
# Env:
#   V2LANE_TIMEOUT  hard limit in seconds for the whole guest run (default 300)
#   V2LANE_LOG      also write the guest console to this file
#   V2LANE_OUTDIR   host directory that receives the guest's /lane/out (must not exist
#                   or be empty)
#   V2LANE_DATA     host directory copied to /lane/data (configs, fixtures)
#   V2LANE_SCOPE    run the test in /sys/fs/cgroup/<name> instead of the root cgroup,
#                   the way a systemd session scope holds a shell (a leaf with processes:
#                   the no-internal-process rule then applies to what the test creates)
#   V2LANE_MEM      guest memory in MiB (default 1024); V2LANE_SMP cpus (default 2)
#   V2LANE_PHASES, V2LANE_BENCH_ROUNDS, V2LANE_BENCH_SECONDS  passed on to the guest's
#                   environment when set (tests/e2e/v2lane_guest.sh reads them); words of
#                   [A-Za-z0-9._-] separated by spaces
#   BRINK_V2LANE_CACHE  where prepare.sh put the kernel
#
# Exit: the guest test's status; 77 when qemu or the kernel is missing (run
# prepare.sh); 124 when the guest did not finish in time; 125 when the guest ended
# without reporting a status (kernel panic, crashed init); 2 for bad usage.
# The console output goes to stdout; timings go to stderr as "v2lane: ..." lines.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

if [ $# -ne 2 ]; then
  echo "usage: run.sh BINDIR TESTSCRIPT" >&2
  exit 2
fi
bindir=$1
testscript=$2
[ -d "$bindir" ] || { echo "run.sh: BINDIR $bindir is not a directory" >&2; exit 2; }
[ -f "$testscript" ] || { echo "run.sh: TESTSCRIPT $testscript is not a file" >&2; exit 2; }
if [ -n "${V2LANE_DATA:-}" ] && [ ! -d "$V2LANE_DATA" ]; then
  echo "run.sh: V2LANE_DATA $V2LANE_DATA is not a directory" >&2
  exit 2
fi
if [ -n "${V2LANE_OUTDIR:-}" ] && [ -e "$V2LANE_OUTDIR" ] &&
  [ -n "$(ls -A "$V2LANE_OUTDIR" 2>/dev/null)" ]; then
  echo "run.sh: V2LANE_OUTDIR $V2LANE_OUTDIR exists and is not empty" >&2
  exit 2
fi
scope=${V2LANE_SCOPE:-}
if ! [[ $scope =~ ^([A-Za-z0-9][A-Za-z0-9._-]*)?$ ]]; then
  echo "run.sh: V2LANE_SCOPE must be a plain cgroup name ([A-Za-z0-9._-]), got '$scope'" >&2
  exit 2
fi
# The guest sees none of the host's environment: these few are written into /init.
guest_env=
for v in V2LANE_PHASES V2LANE_BENCH_ROUNDS V2LANE_BENCH_SECONDS; do
  [ -n "${!v:-}" ] || continue
  if ! [[ ${!v} =~ ^[A-Za-z0-9._\ -]+$ ]]; then
    echo "run.sh: $v must be words of [A-Za-z0-9._-], got '${!v}'" >&2
    exit 2
  fi
  guest_env+="export $v='${!v}'"$'\n'
done
timeout_s=${V2LANE_TIMEOUT:-300}
if reason=$(v2lane_missing); then
  echo "run.sh: v2 lane not available: $reason (run scripts/v2lane/prepare.sh)" >&2
  exit 77
fi

t_start=$EPOCHREALTIME
work=$(mktemp -d "${TMPDIR:-/tmp}/v2lane.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,root,lane/bin,lane/work,lane/out,lane/data}

# busybox-static and one symlink per applet, at the path busybox itself names.
cp "$V2LANE_BUSYBOX" "$root/bin/busybox"
"$V2LANE_BUSYBOX" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] || [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
# The kernel opens /dev/console for init before devtmpfs is mounted.
if [ "$(id -u)" -eq 0 ]; then
  mknod -m 600 "$root/dev/console" c 5 1
  mknod -m 666 "$root/dev/null" c 1 3
fi
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

cp -a "$bindir/." "$root/lane/bin/"
for f in "$root"/lane/bin/*; do
  # A dynamic binary would fail in the guest with a confusing "not found".
  if [ -f "$f" ] && command -v file >/dev/null && file -L "$f" | grep -q 'dynamically linked'; then
    echo "run.sh: warning: $(basename "$f") is dynamically linked and will not run in the guest" >&2
  fi
done
cp "$testscript" "$root/lane/test.sh"
[ -z "${V2LANE_DATA:-}" ] || cp -a "$V2LANE_DATA/." "$root/lane/data/"

# /init: a busybox sh script. Markers start with V2LANE- at the beginning of a line;
# the host parses the last V2LANE-EXIT= line.
cat > "$root/init" <<EOF
#!/bin/sh
export PATH=/lane/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
export V2LANE_OUT=/lane/out V2LANE_BIN=/lane/bin V2LANE_DATA=/lane/data
${guest_env}scope='$scope'
EOF
cat >> "$root/init" <<'EOF'
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
# Kernel messages (OOM reports) would interleave with the test's output and the
# base64 result stream; they are printed at the end on failure instead.
dmesg -n 1
echo
read up _ < /proc/uptime
echo "V2LANE-INIT uptime=$up kernel=$(uname -r)"
echo "V2LANE-CGROUP controllers=$(cat /sys/fs/cgroup/cgroup.controllers)"
# Root cgroup: exempt from the no-internal-process rule, so init may stay in it.
for c in memory pids cpu; do
  echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control ||
    echo "V2LANE-WARN cannot enable $c in the root cgroup"
done
echo "V2LANE-CGROUP subtree_control=$(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd /lane/work
if [ -n "$scope" ]; then
  mkdir -p "/sys/fs/cgroup/$scope"
  sh -c 'echo $$ > "/sys/fs/cgroup/$1/cgroup.procs" && exec sh /lane/test.sh' sh "$scope"
else
  sh /lane/test.sh
fi
rc=$?
read up _ < /proc/uptime
echo "V2LANE-DONE uptime=$up"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
  echo "V2LANE-DMESG-BEGIN"
  dmesg | tail -n 60
  echo "V2LANE-DMESG-END"
fi
if [ -n "$(ls -A /lane/out)" ]; then
  echo "V2LANE-OUT-BEGIN"
  tar czf - -C /lane/out . | base64
  echo "V2LANE-OUT-END"
fi
echo "V2LANE-EXIT=$rc"
sync
poweroff -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$work/initrd"

# Console: strip the serial line's CRs, timestamp the first init line (boot time),
# keep the base64 result stream out of stdout.
console() {
  local line in_out=0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    # The firmware's terminal resets can share a line with the first marker.
    case "$line" in ?*V2LANE-*) line=V2LANE-${line#*V2LANE-} ;; esac
    case "$line" in
      V2LANE-INIT*) echo "$EPOCHREALTIME" > "$work/t_init" ;;
      V2LANE-DONE*) echo "$EPOCHREALTIME" > "$work/t_done" ;;
      V2LANE-OUT-BEGIN) in_out=1; continue ;;
      V2LANE-OUT-END) in_out=0; continue ;;
    esac
    if [ $in_out = 1 ]; then
      printf '%s\n' "$line" >> "$work/out.b64"
    else
      printf '%s\n' "$line"
    fi
  done
}

t_qemu=$EPOCHREALTIME
set +e
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -nographic -no-reboot -nic none \
  -m "${V2LANE_MEM:-1024}" -smp "${V2LANE_SMP:-2}" \
  -kernel "$V2LANE_CACHE/vmlinuz" -initrd "$work/initrd" \
  -append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all" </dev/null 2>&1 |
  console | tee "$work/console.log"
qrc=${PIPESTATUS[0]}
set -e
t_end=$EPOCHREALTIME
[ -z "${V2LANE_LOG:-}" ] || cp "$work/console.log" "$V2LANE_LOG"

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
if [ -f "$work/t_init" ]; then
  t_init=$(cat "$work/t_init")
  guest_up=$(sed -n 's/^V2LANE-INIT uptime=\([0-9.]*\).*/\1/p' "$work/console.log" | head -n1)
  echo "v2lane: boot $(secs "$t_qemu" "$t_init") s to /init (guest uptime ${guest_up} s)," \
    "initramfs build $(secs "$t_start" "$t_qemu") s" >&2
  [ ! -f "$work/t_done" ] ||
    echo "v2lane: test $(secs "$t_init" "$(cat "$work/t_done")") s" >&2
fi
echo "v2lane: total $(secs "$t_start" "$t_end") s" >&2

if [ -n "${V2LANE_OUTDIR:-}" ] && [ -s "$work/out.b64" ]; then
  mkdir -p "$V2LANE_OUTDIR"
  base64 -d "$work/out.b64" | tar xzf - -C "$V2LANE_OUTDIR"
fi

status=$(sed -n 's/^V2LANE-EXIT=\([0-9][0-9]*\)$/\1/p' "$work/console.log" | tail -n1)
if [ -n "$status" ]; then
  exit "$status"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
  echo "run.sh: guest did not finish within ${timeout_s} s (V2LANE_TIMEOUT)" >&2
  exit 124
fi
echo "run.sh: guest ended (qemu status $qrc) without reporting a status: see the console above" >&2
exit 125
