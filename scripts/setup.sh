#!/usr/bin/env bash
# Install the Debian packages brink needs, only those missing; quiet when all are
# present. Usage: scripts/setup.sh [build|test|run|bench]...  (default: build)
set -euo pipefail

build=(cmake make gcc pkg-config libcgroup-dev libinih-dev scdoc nettle-dev libcurl4-openssl-dev libbpf-dev bpftool clang llvm libdw-dev linux-libc-dev)
# libbz2-dev: the static link of the v2 lane's brink (libdw's Libs.private name -lbz2,
# which no -dev package above pulls in)
test=(libbz2-dev libcmocka-dev golang-go python3 procps chromium libxml2-utils file clang libclang-rt-14-dev valgrind man-db bash-completion slurm-wlm munge parallel tmux strace)
run=(golang-go gnuplot-nox)
bench=(python3-psutil sysstat cgroup-tools time linux-perf strace)

want=()
[ $# -eq 0 ] && set -- build
for profile in "$@"; do
  case "$profile" in
    build) want+=("${build[@]}") ;;
    test) want+=("${build[@]}" "${test[@]}" "${run[@]}") ;;
    run) want+=("${build[@]}" "${run[@]}") ;;
    bench) want+=("${build[@]}" "${run[@]}" "${bench[@]}") ;;
    *) echo "setup.sh: unknown profile '$profile' (build, test, run, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# De-duplicate while keeping order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
echo "setup.sh: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: need root to install packages (run as root, or install them yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
