# SPDX-License-Identifier: GPL-2.0
# iotlb-sweep.gp - IOTLB miss rate and translation latency vs IOTLB entries,
# one line per page size, from a sweep; a dotted line marks, for each page
# size, the IOTLB size whose reach (entries x page size) equals the
# footprint, when the trace's generator states it.
# Input: iotlb-sweep.dat from `svatrace plot iotlb-sweep` (columns: entries,
# miss_rate_pct, lat_mean_ns, lat_p99_ns, run_id; one block per page size, the
# block's first row names it). `svatrace plot` writes the variables it reads
# (plot_title, plot_subtitle, nb, blocksN: the blocks with a value in
# column N+1, the reach marks) at the top of its copy.
# Run `gnuplot iotlb-sweep.gp` next to the .dat: writes iotlb-sweep.png and
# iotlb-sweep.svg. Restyle freely.
if (!exists("name")) name = "iotlb-sweep"
if (!exists("plot_title")) plot_title = "IOTLB miss rate and translation latency vs IOTLB entries"
if (!exists("plot_subtitle")) plot_subtitle = ""
if (!exists("nr_marks")) nr_marks = 0
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
if (!exists("nb")) nb = STATS_blocks
all_blocks = ""
do for [i=0:nb-1] { all_blocks = all_blocks.sprintf(" %d", i) }
if (!exists("blocks1")) blocks1 = all_blocks
if (!exists("blocks2")) blocks2 = all_blocks
if (!exists("blocks3")) blocks3 = all_blocks
x_lo = STATS_min
x_hi = STATS_max
eng(v) = v < 1e3 ? sprintf("%g ns", v) : v < 1e6 ? sprintf("%g µs", v/1e3) : v < 1e9 ? sprintf("%g ms", v/1e6) : sprintf("%g s", v/1e9)
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,820 noenhanced
	} else {
		set terminal svg size 1000,820 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set multiplot layout 2,1 title plot_title."\n".plot_subtitle
	set logscale x 2
	set xrange [x_lo:x_hi]
	set grid
	# the same plot area in every panel, legend or not: one x axis for all
	set lmargin at screen 0.1
	set rmargin at screen 0.72
	set key outside right top
	set xlabel "IOTLB entries"
	unset arrow
	unset label
	do for [m=1:nr_marks] {
		if (mark_x[m] >= x_lo && mark_x[m] <= x_hi) {
			set arrow from first mark_x[m], graph 0 to first mark_x[m], graph 1 nohead dt 3 lw 1.5 lc rgb "#555555"
			set label mark_t[m] at first mark_x[m], graph 0.92 left offset 0.5,0 tc rgb "#555555" front
		}
	}
	set ylabel "IOTLB miss rate (%)"
	set yrange [0:100]
	set ytics auto
	plot for [b in blocks1] datafile index (b+0) using 1:2 with linespoints lw 2 pt 7 lc (b+1) title columnheader(1)
	set ylabel "translation latency"
	set logscale y 10
	set yrange [*:*]
	set ytics (eng(1) 1)
	do for [e=1:11] { set ytics add (eng(10.0**e) 10.0**e) }
	plot for [b in blocks2] datafile index (b+0) using 1:3 with linespoints lw 2 pt 7 lc (b+1) title columnheader(1), \
	     for [b in blocks3] datafile index (b+0) using 1:4 with linespoints lw 1 dt 2 pt 6 lc (b+1) notitle, \
	     NaN with lines lw 2 lc rgb "black" title "mean (solid)", \
	     NaN with lines lw 1 dt 2 lc rgb "black" title "p99 (dashed)"
	unset logscale y
	unset multiplot
	unset output
}
