#!/usr/bin/python3
"""Small statistics for scripts/bench.sh.

  stats.py median V...                 median of the numbers
  stats.py jitter SAMPLES_CSV NOMINAL_S  p50/p99/max of |interval - nominal| in us
  stats.py col SUMMARY_CSV COLUMN      the column's values, one per line
"""
import csv
import statistics
import sys


def pct(sorted_v, q):
    if not sorted_v:
        return float("nan")
    i = min(len(sorted_v) - 1, max(0, round(q * (len(sorted_v) - 1))))
    return sorted_v[i]


def main():
    cmd = sys.argv[1]
    if cmd == "median":
        print("%.6g" % statistics.median(float(v) for v in sys.argv[2:]))
    elif cmd == "jitter":
        nominal = float(sys.argv[3])
        with open(sys.argv[2]) as f:
            t = [float(r["t_s"]) for r in csv.DictReader(f)]
        dev = sorted(abs((b - a) - nominal) * 1e6 for a, b in zip(t, t[1:]))
        print("p50_us=%.1f p99_us=%.1f max_us=%.1f intervals=%d" % (
            pct(dev, 0.5), pct(dev, 0.99), dev[-1] if dev else float("nan"), len(dev)))
    elif cmd == "col":
        with open(sys.argv[2]) as f:
            for r in csv.DictReader(f):
                print(r[sys.argv[3]])
    else:
        sys.exit("stats.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
