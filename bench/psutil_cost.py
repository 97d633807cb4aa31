#!/usr/bin/python3
"""Cost of one psutil sample of PID (num_fds, num_threads, memory_info), the way
psutil-based recorders such as psrecord take one. Median over rounds.

usage: psutil_cost.py PID [ROUNDS [ITERS]]
Last line: RESULT key=value ...
"""
import statistics
import sys
import time

import psutil


def main():
    pid = int(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    iters = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    p = psutil.Process(pid)
    p.num_fds(), p.num_threads(), p.memory_info()  # warm up
    full_wall, full_cpu, nofd_wall = [], [], []
    for _ in range(rounds):
        w0, c0 = time.perf_counter_ns(), time.process_time_ns()
        for _ in range(iters):
            fds = p.num_fds()
            threads = p.num_threads()
            p.memory_info()
        full_wall.append((time.perf_counter_ns() - w0) / iters)
        full_cpu.append((time.process_time_ns() - c0) / iters)
        # The same without the fd count: what the readdir of /proc/PID/fd costs.
        w0 = time.perf_counter_ns()
        for _ in range(iters * 10):
            p.num_threads()
            p.memory_info()
        nofd_wall.append((time.perf_counter_ns() - w0) / (iters * 10))
    print(f"psutil {psutil.__version__}: pid {pid}, {fds} fds, {threads} threads")
    print("RESULT psutil_ns=%.0f psutil_cpu_ns=%.0f psutil_nofd_ns=%.0f version=%s" % (
        statistics.median(full_wall), statistics.median(full_cpu),
        statistics.median(nofd_wall), psutil.__version__))


if __name__ == "__main__":
    main()
