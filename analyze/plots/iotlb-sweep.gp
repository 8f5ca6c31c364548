# SPDX-License-Identifier: GPL-2.0
# iotlb-sweep.gp - IOTLB miss rate and translation latency vs IOTLB entries,
# one line per page size, from a sweep.
# Input: iotlb-sweep.dat from `svatrace plot iotlb-sweep` (columns: entries,
# miss_rate_pct, lat_mean_ns, lat_p99_ns, run_id; one block per page size, the
# block's first row names it). Run `gnuplot iotlb-sweep.gp` next to the .dat:
# writes iotlb-sweep.png and iotlb-sweep.svg. Restyle freely.
if (!exists("name")) name = "iotlb-sweep"
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
nb = STATS_blocks
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,800 noenhanced
	} else {
		set terminal svg size 900,800 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set multiplot layout 2,1 title "IOTLB size sweep"
	set logscale x 2
	set grid
	set key top right
	set xlabel "IOTLB entries"
	set ylabel "IOTLB miss rate (%)"
	set yrange [0:*]
	set offsets 0, 0, graph 0.05, 0
	plot for [i=0:nb-1] datafile index i using 1:2 with linespoints lw 2 pt 7 title columnheader(1)
	set ylabel "translation latency (ns)\nsolid: mean, dashed: p99"
	plot for [i=0:nb-1] datafile index i using 1:3 with linespoints lw 2 pt 7 lc i+1 title columnheader(1), \
	     for [i=0:nb-1] datafile index i using 1:4 with linespoints lw 1 dt 2 pt 6 lc i+1 notitle
	unset multiplot
	unset output
}
