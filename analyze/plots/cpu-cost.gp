# SPDX-License-Identifier: GPL-2.0
# cpu-cost.gp - where CPU time goes per run: pinning, mapping, unmapping and
# invalidation (pinned DMA) vs fault service (SVA) vs work submission.
# Input: cpu-cost.dat from `svatrace plot cpu-cost` (one row per run: label,
# pin_ms, map_ms, unmap_ms, invalidate_ms, fault_service_ms, submission_ms,
# run_id). Run `gnuplot cpu-cost.gp` next to the .dat: writes cpu-cost.png and
# cpu-cost.svg.
if (!exists("name")) name = "cpu-cost"
datafile = name.".dat"
set datafile missing "?"
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,560 noenhanced
	} else {
		set terminal svg size 900,560 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set title "CPU cost breakdown"
	set style data histograms
	set style histogram rowstacked
	set style fill solid 0.85 border -1
	set boxwidth 0.6
	set grid y
	set key outside right top
	set ylabel "CPU time (ms)"
	set xlabel "run"
	set yrange [0:*]
	plot for [c=2:7] datafile using c:xtic(1) title columnheader(c)
	unset output
}
