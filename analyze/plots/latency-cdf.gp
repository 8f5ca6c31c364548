# SPDX-License-Identifier: GPL-2.0
# latency-cdf.gp - cumulative distribution of translation latency, one line
# per run (e.g. pinned vs faulting).
# Input: latency-cdf.dat from `svatrace plot latency-cdf` (columns: latency_ns
# at the top of a histogram bucket, cumulative fraction; one block per run, the
# block's first row names it). `svatrace plot` writes the variables it reads
# (plot_title, plot_subtitle, nb, panels, per_panel) at the top of its copy;
# more runs than a panel holds (8) are small multiples: panels of per_panel
# lines each, on one x range. Run
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
if (!exists("panels")) panels = 1
if (!exists("per_panel")) per_panel = nb
# one x range for every panel: the smallest positive and the largest latency
stats datafile using ($1 > 0 ? $1 : NaN) nooutput
x_lo = STATS_min
x_hi = STATS_max
cols = panels <= 1 ? 1 : panels <= 4 ? 2 : 4
rows = int(ceil(panels / (cols * 1.0)))
width = panels <= 1 ? 1000 : 1400
height = panels <= 1 ? 560 : 140 + 300 * rows
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size width,height noenhanced
	} else {
		set terminal svg size width,height noenhanced background rgb "white"
	}
	set output name.".".fmt
	set logscale x 10
	set xtics (eng(1) 1)
	do for [e=1:11] { set xtics add (eng(10.0**e) 10.0**e) }
	set grid
	set yrange [0:1.02]
	if (panels <= 1) {
		set title plot_title."\n".plot_subtitle
		set lmargin at screen 0.1
		set rmargin at screen 0.62
		set key outside right top
		set xlabel "translation latency (log scale)"
		set ylabel "fraction of translations ≤ latency"
		plot for [i=0:nb-1] datafile index i using 1:2 with steps lw 2 title columnheader(1)
	} else {
		set multiplot layout rows,cols title plot_title."\n".plot_subtitle
		set xrange [x_lo:x_hi]
		set key inside right bottom font ",7" samplen 2
		set xlabel "translation latency" font ",9"
		set ylabel "fraction ≤ latency" font ",9"
		do for [p=0:panels-1] {
			lo = p * per_panel
			hi = lo + per_panel - 1 < nb - 1 ? lo + per_panel - 1 : nb - 1
			set title sprintf("runs %d-%d of %d", lo + 1, hi + 1, nb) font ",9"
			plot for [i=lo:hi] datafile index i using 1:2 with steps lw 2 lc (i - lo + 1) title columnheader(1)
		}
		unset multiplot
	}
	unset output
}
