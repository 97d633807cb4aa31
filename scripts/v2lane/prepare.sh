#!/usr/bin/env bash
# Prepare the pure cgroup-v2 qemu lane: install qemu-system-x86 and busybox-static if
# missing, fetch Debian's versioned 6.1 kernel package and extract its vmlinuz and
# config into the lane cache. Idempotent: a second run with everything in place only
# checks and prints the cache path.
#
# Usage: scripts/v2lane/prepare.sh [--check]
#   --check   install nothing, exit 0 if the lane is ready, 77 (with the reason) if not.
# Env:   BRINK_V2LANE_CACHE  cache dir (default ${XDG_CACHE_HOME:-/var/cache}/brink-v2lane)
#        BRINK_V2LANE_KPKG   kernel package to use (default: what linux-image-amd64
#                            depends on, e.g. linux-image-6.1.0-56-amd64)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) echo "prepare.sh: unknown argument '$1' (only --check)" >&2; exit 2 ;;
esac

if [ "$check_only" = 1 ]; then
  if reason=$(v2lane_missing); then
    echo "v2lane: not ready: $reason (run scripts/v2lane/prepare.sh)" >&2
    exit 77
  fi
  echo "$V2LANE_CACHE"
  exit 0
fi

# Host packages: only the missing ones, and apt-get update only if something is.
missing=()
for p in qemu-system-x86 busybox-static cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "prepare.sh: need root to install ${missing[*]}" >&2
    exit 1
  fi
  echo "prepare.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$V2LANE_CACHE"
if [ -s "$V2LANE_CACHE/vmlinuz" ] && [ -s "$V2LANE_CACHE/config" ] && [ -s "$V2LANE_CACHE/kernel-package" ]; then
  echo "prepare.sh: kernel already in $V2LANE_CACHE ($(cat "$V2LANE_CACHE/kernel-package"))" >&2
else
  # linux-image-amd64 is a metapackage; the kernel itself is in the versioned package
  # it depends on. Resolve it instead of hard-coding an ABI number that security
  # updates move.
  kpkg=${BRINK_V2LANE_KPKG:-}
  if [ -z "$kpkg" ]; then
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\.[0-9.-]+-amd64$/ { print $2; exit }')
    if [ -z "$kpkg" ]; then
      apt-get update -qq
      kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\.[0-9.-]+-amd64$/ { print $2; exit }')
    fi
  fi
  case "$kpkg" in
    linux-image-6.1*-amd64) ;;
    *) echo "prepare.sh: cannot resolve a linux-image-6.1*-amd64 package (got '${kpkg}'; is apt reachable?)" >&2
       exit 1 ;;
  esac
  work=$(mktemp -d "$V2LANE_CACHE/.dl.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "prepare.sh: downloading $kpkg" >&2
  # apt-get download writes into the current directory; _apt needs write access.
  chmod 0777 "$work"
  (cd "$work" && apt-get download -qq "$kpkg") >&2
  deb=$(ls "$work"/*.deb)
  dpkg-deb -x "$deb" "$work/root"
  vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
  config=$(ls "$work"/root/boot/config-* | head -n1)
  if [ ! -s "$vmlinuz" ] || [ ! -s "$config" ]; then
    echo "prepare.sh: $deb has no boot/vmlinuz-* or boot/config-*" >&2
    exit 1
  fi
  # Write the marker last, each file by rename, so an interrupted run leaves no
  # half-prepared cache that --check would accept.
  cp "$vmlinuz" "$V2LANE_CACHE/vmlinuz.tmp" && mv "$V2LANE_CACHE/vmlinuz.tmp" "$V2LANE_CACHE/vmlinuz"
  cp "$config" "$V2LANE_CACHE/config.tmp" && mv "$V2LANE_CACHE/config.tmp" "$V2LANE_CACHE/config"
  printf "%s %s\n" "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" > "$V2LANE_CACHE/kernel-package"
  rm -rf "$work"
  trap - EXIT
fi

# The initramfs carries no modules, so everything the lane relies on must be built in
# (=y). Fail loudly naming the option rather than boot a kernel that hangs silently.
need=(CONFIG_CGROUPS CONFIG_MEMCG CONFIG_CGROUP_PIDS CONFIG_CGROUP_SCHED
  CONFIG_SERIAL_8250 CONFIG_SERIAL_8250_CONSOLE CONFIG_DEVTMPFS CONFIG_TMPFS
  CONFIG_PROC_FS CONFIG_SYSFS CONFIG_BLK_DEV_INITRD CONFIG_RD_GZIP CONFIG_BINFMT_ELF)
bad=()
for opt in "${need[@]}"; do
  grep -qx "$opt=y" "$V2LANE_CACHE/config" || bad+=("$opt")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "prepare.sh: kernel $(cat "$V2LANE_CACHE/kernel-package") lacks built-in ${bad[*]}" >&2
  exit 1
fi
echo "$V2LANE_CACHE"
