#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# plot_visual.sh - every plot kind renders cleanly for the example database
# and for a 128-point sweep: gnuplot exits 0 with no warning (its log is left
# only when it has one), the PNG is not empty, and no panel draws more than
# 8 lines (PLOT_MAX_SERIES): more runs than that are small multiples (the
# CDF: panels of at most 8 lines) or a heat map (the time series: a row per
# run), every run drawn, and the subtitle says so.
. "$(dirname "$0")/lib.sh"

# $1 dir, $2 kind: the number of lines of the busiest panel, from the .dat
# (one block per line) or, for the stacked bars, the kinds the script draws
# (small multiples: the largest panel, from the blocks of the .dat, the panel count and
# per_panel of the .gp, which must hold them all; a heat map draws no lines)
nr_series() {
	local nb panels per
	nb=$(grep -c '^"' "$1/$2.dat")
	panels=$(sed -n 's/^panels = //p' "$1/$2.gp")
	per=$(sed -n 's/^per_panel = //p' "$1/$2.gp")
	if [ "$2" = cpu-cost ]; then
		grep -c '^has[0-9]* = 1$' "$1/$2.gp"
	elif grep -q '^heatmap = 1$' "$1/$2.gp"; then
		echo heatmap
	elif [ "${panels:-1}" -gt 1 ]; then
		if [ $((panels * per)) -ge "$nb" ] && [ $(((panels - 1) * per)) -lt "$nb" ]; then echo "$per"; else echo "bad-panels:$panels*$per/$nb"; fi
	else
		echo "$nb"
	fi
}
visual() {	# $1 what, $2 dir
	local k
	for k in iotlb-sweep latency-cdf wq-clients timeseries cpu-cost; do
		[ -f "$2/$k.dat" ] || continue
		if [ -f "$2/$k.gnuplot.log" ]; then
			not_ok "$1 $k: gnuplot without warnings" "$(head -5 "$2/$k.gnuplot.log")"
		else
			ok "$1 $k: gnuplot without warnings"
		fi
		if [ "$(stat -c %s "$2/$k.png" 2>/dev/null || echo 0)" -gt 8000 ] &&
			awk '!/^#/ && !/^"run"/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]/) f = 1 } END { exit !f }' "$2/$k.dat"; then
			ok "$1 $k: a non-empty plot"
		else
			not_ok "$1 $k: a non-empty plot" "$(ls -l "$2/$k.png" 2>&1)"
		fi
		n=$(nr_series "$2" "$k")
		if [ "$n" = heatmap ]; then
			ok "$1 $k: a heat map, no lines"
		elif [ "$n" -ge 1 ] 2>/dev/null && [ "$n" -le 8 ]; then
			ok "$1 $k: $n lines in a panel (at most 8)"
		else
			not_ok "$1 $k: at most 8 lines in a panel" "$n"
		fi
	done
}

DB=$TMP/ex.db
"$SVATRACE" db example "$DB" >/dev/null
check_rc "plot all on the example" 0 "$SVATRACE" plot all --db "$DB" -o "$TMP/ex"
check_eq "five kinds drawn" "5" "$(ls "$TMP/ex"/*.png | wc -l)"
visual example "$TMP/ex"
check_match "the profile is on every plot" "profile built-in defaults" "$(cat "$TMP/ex/timeseries.gp")"
check_match "latency axes in engineering units, not 1e+06 ns" 'eng\(v\) = v < 1e3 \? sprintf\("%g ns"' "$(cat "$TMP/ex/latency-cdf.gp")"
check_match "p99 has its own legend entry" 'title "p99 \(dashed\)"' "$(cat "$TMP/ex/iotlb-sweep.gp")"
check_match "the reach is marked (64 MiB footprint / 2 MiB pages = 32 entries)" \
	"mark_x\[[0-9]\] = 32$" "$(cat "$TMP/ex/iotlb-sweep.gp")"
check_match "one time axis for every panel, window stated" "x_max = 16$" "$(cat "$TMP/ex/timeseries.gp")"

# a 128-point sweep: 64 IOTLB sizes x 2 page sizes (before: 128 legend entries, and
# the time series failed with gnuplot's "x range is invalid", exit 1)
# the sweep only makes the runs to draw: it runs on the plain build (under
# ASan it took 12 of this test's 25 s of CPU; sweep*.sh run it sanitized)
# inval.fq_timeout_ns=100us: each run ends at the trace's end plus the flush
# queue's timeout (its last unmap is flushed then); the default 10 ms made
# 2 ms runs 12 ms long, 1200 windows a row, mostly empty, and gnuplot took
# 6 s of CPU for that heat map (a 33 MB SVG). A 500 us trace with a 100 us
# timeout is 61 windows a row, still every run a row with misses and
# invalidations in it: the sweep and the plots took 5.7 s of CPU with a 2 ms
# trace and a 1 ms timeout (301 windows a row), 2.0 s now, for the same checks
"$SVATRACE" -q gen random-access --set duration=500us --set footprint=16m --seed 7 -o "$TMP/ra.svt"
check_rc "a 128-point sweep" 0 "$PLAIN" -q sweep "$TMP/ra.svt" --grid iotlb.entries="$(seq -s, 8 8 512)" \
	--grid pt.page_bytes=4096,2M --set inval.fq_timeout_ns=100us -j 2 --db "$TMP/s.db"
check_rc "plot all on 128 runs" 0 "$SVATRACE" plot all --db "$TMP/s.db" -o "$TMP/big"
visual sweep128 "$TMP/big"
check_match "the sweep plot has one line per page size" "^2$" "$(grep -c '^"' "$TMP/big/iotlb-sweep.dat")"
check_eq "the CDF draws every run: 128 blocks" "128" "$(grep -c '^"' "$TMP/big/latency-cdf.dat")"
check_match "... in 16 panels of 8 (small multiples), and says so" "128 runs in 16 panels \\(a panel holds 8 lines\\)" "$(cat "$TMP/big/latency-cdf.gp")"
check_eq "the time series draws every run" "128" "$(grep -c '^"' "$TMP/big/timeseries.dat")"
check_match "... as a heat map, a row per run, and says so" "128 runs as a heat map, a row per run" "$(cat "$TMP/big/timeseries.gp")"
check_match "... with a colour box per window (boxxy, palette)" "with boxxy fs solid 1.0 noborder lc palette" "$(cat "$TMP/big/timeseries.gp")"
