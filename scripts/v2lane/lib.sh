# shellcheck shell=bash
# Shared by the v2 lane scripts (sourced, not run).
V2LANE_CACHE=${BRINK_V2LANE_CACHE:-${XDG_CACHE_HOME:-/var/cache}/brink-v2lane}
V2LANE_BUSYBOX=${BRINK_V2LANE_BUSYBOX:-/bin/busybox}

# Print why the lane cannot run and return 0, or return 1 if it can.
v2lane_missing() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 not installed"; return 0; }
  command -v cpio >/dev/null 2>&1 || { echo "cpio not installed"; return 0; }
  [ -x "$V2LANE_BUSYBOX" ] || { echo "no busybox at $V2LANE_BUSYBOX (busybox-static)"; return 0; }
  # busybox (dynamic) and busybox-static both ship /bin/busybox; only the static one
  # runs in an initramfs without a libc.
  if file -L "$V2LANE_BUSYBOX" 2>/dev/null | grep -q 'dynamically linked'; then
    echo "$V2LANE_BUSYBOX is dynamically linked (install busybox-static)"; return 0
  fi
  [ -s "$V2LANE_CACHE/vmlinuz" ] || { echo "no kernel in $V2LANE_CACHE"; return 0; }
  return 1
}
