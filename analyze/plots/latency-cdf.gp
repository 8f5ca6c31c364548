# SPDX-License-Identifier: GPL-2.0
# latency-cdf.gp - cumulative distribution of translation latency, one line
# per run (e.g. pinned vs faulting).
# Input: latency-cdf.dat from `svatrace plot latency-cdf` (columns: latency_ns
# at the top of a histogram bucket, cumulative fraction; one block per run, the
# block's first row names it). `svatrace plot` writes the variables it reads
# (plot_title, plot_subtitle, nb) at the top of its copy. Run
# `gnuplot latency-cdf.gp` next to the .dat: writes latency-cdf.png and
# latency-cdf.svg.
if (!exists("name")) name = "latency-cdf"
if (!exists("plot_title")) plot_title = "Translation latency CDF"
if (!exists("plot_subtitle")) plot_subtitle = ""
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
if (!exists("nb")) nb = STATS_blocks
eng(v) = v < 1e3 ? sprintf("%g ns", v) : v < 1e6 ? sprintf("%g µs", v/1e3) : v < 1e9 ? sprintf("%g ms", v/1e6) : sprintf("%g s", v/1e9)
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,560 noenhanced
	} else {
		set terminal svg size 1000,560 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set title plot_title."\n".plot_subtitle
	set logscale x 10
	set xtics (eng(1) 1)
	do for [e=1:11] { set xtics add (eng(10.0**e) 10.0**e) }
	set grid
	set lmargin at screen 0.1
	set rmargin at screen 0.62
	set key outside right top
	set xlabel "translation latency (log scale)"
	set ylabel "fraction of translations ≤ latency"
	set yrange [0:1.02]
	plot for [i=0:nb-1] datafile index i using 1:2 with steps lw 2 title columnheader(1)
	unset output
}
