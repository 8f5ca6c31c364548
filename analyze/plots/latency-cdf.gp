# SPDX-License-Identifier: GPL-2.0
# latency-cdf.gp - cumulative distribution of translation latency, one line
# per run (e.g. pinned vs faulting).
# Input: latency-cdf.dat from `svatrace plot latency-cdf` (columns: latency_ns
# at the top of a histogram bucket, cumulative fraction; one block per run, the
# block's first row names it). Run `gnuplot latency-cdf.gp` next to the .dat:
# writes latency-cdf.png and latency-cdf.svg.
if (!exists("name")) name = "latency-cdf"
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
nb = STATS_blocks
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,560 noenhanced
	} else {
		set terminal svg size 900,560 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set title "Translation latency CDF"
	set logscale x 10
	set grid
	set key bottom right
	set xlabel "translation latency (ns, log scale)"
	set ylabel "fraction of translations ≤ latency"
	set yrange [0:1.02]
	plot for [i=0:nb-1] datafile index i using 1:2 with steps lw 2 title columnheader(1)
	unset output
}
