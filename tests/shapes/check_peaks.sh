#!/bin/sh
# check_peaks.sh RESULT_DIR...: for every run of each result directory (a summary.csv
# row), each peak_* of the summary is at least the largest value of its column in the
# run's own samples.csv (peak_rss_bytes/rss_bytes, peak_fds/fds,
# peak_threads/threads, peak_mem_bytes/mem_bytes) and peak_fds at least every fd count
# the run's events.csv recorded at an exec or exit stop. POSIX sh and awk (busybox
# too). Prints one FAIL line per broken rule; exit 1 when one broke, else 0.
bad=0
for dir in "$@"; do
	[ -f "$dir/summary.csv" ] || continue
	# scenario,rep and the peaks of each row (no quoted commas before exec_error).
	rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["scenario"] "|" $c["rep"] "|" $c["peak_rss_bytes"] "|" $c["peak_mem_bytes"] \
		  "|" $c["peak_fds"] "|" $c["peak_threads"] }' "$dir/summary.csv")
	echo "$rows" | while IFS='|' read -r sc rep prss pmem pfds pthr; do
		[ -n "$sc" ] || continue
		run=$dir/$sc/$rep
		[ -f "$run/samples.csv" ] || continue
		out=$(awk -F, -v prss="$prss" -v pmem="$pmem" -v pfds="$pfds" -v pthr="$pthr" \
			-v run="$run" '
			FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			FILENAME ~ /samples.csv$/ {
				if ($c["rss_bytes"] + 0 > m["rss"]) m["rss"] = $c["rss_bytes"] + 0
				if ($c["mem_bytes"] + 0 > m["mem"]) m["mem"] = $c["mem_bytes"] + 0
				if ($c["fds"] + 0 > m["fds"]) m["fds"] = $c["fds"] + 0
				if ($c["threads"] + 0 > m["thr"]) m["thr"] = $c["threads"] + 0
				next
			}
			($2 == "exec" || $2 == "exit-state") && $3 + 0 > m["fds"] { m["fds"] = $3 + 0 }
			function chk(name, peak, key) {
				if (m[key] > 0 && (peak == "" || peak + 0 < m[key]))
					printf "FAIL %s: %s %s < %d, the largest of its own samples and stops\n",
						run, name, peak == "" ? "(empty)" : peak, m[key]
			}
			END {
				chk("peak_rss_bytes", prss, "rss"); chk("peak_fds", pfds, "fds")
				chk("peak_threads", pthr, "thr")
				if (pmem != "") chk("peak_mem_bytes", pmem, "mem")
			}' "$run/samples.csv" "$run/events.csv" 2>/dev/null)
		if [ -n "$out" ]; then
			echo "$out"
			exit 1
		fi
	done || bad=1
done
exit $bad
