# SPDX-License-Identifier: GPL-2.0
# timeseries.gp - faults (page requests), invalidations and IOTLB misses per
# time window over a run, one line per run.
# Input: timeseries.dat from `svatrace plot timeseries` (columns: t_ms,
# window_ms, faults, invalidations, iotlb_misses; one block per run, the
# block's first row names it). Run `gnuplot timeseries.gp` next to the .dat:
# writes timeseries.png and timeseries.svg.
if (!exists("name")) name = "timeseries"
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
nb = STATS_blocks
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,1000 noenhanced
	} else {
		set terminal svg size 900,1000 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set multiplot layout 3,1 title "Over the run (counts per window)"
	set grid
	set key top right
	set xlabel "time (ms)"
	set yrange [0:*]
	set ylabel "faults (page requests) per window"
	plot for [i=0:nb-1] datafile index i using 1:3 with steps lw 2 title columnheader(1)
	set ylabel "invalidations per window"
	plot for [i=0:nb-1] datafile index i using 1:4 with steps lw 2 title columnheader(1)
	set ylabel "IOTLB misses per window"
	plot for [i=0:nb-1] datafile index i using 1:5 with steps lw 2 title columnheader(1)
	unset multiplot
	unset output
}
