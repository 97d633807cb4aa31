# shellcheck shell=sh
# Guest side of selftest.sh (busybox sh): run the kernel feature probe from
# the root cgroup, and keep its report in $V2LANE_OUT.
probe > "$V2LANE_OUT/probe.txt" 2>&1
rc=$?
cat "$V2LANE_OUT/probe.txt"
exit $rc
