# SPDX-License-Identifier: GPL-2.0
# timeseries.gp - faults (page requests), invalidations and IOTLB misses per
# time window over a run, one line per run, every panel on one time axis.
# Input: timeseries.dat from `svatrace plot timeseries` (columns: t_ms,
# window_ms, faults, invalidations, iotlb_misses; one block per run, the
# block's first row names it). `svatrace plot` writes the variables it reads
# (plot_title, plot_subtitle, nb, x_max, window_ms, has1..has3: whether any
# run has the column, blocks1..blocks3: which runs have it, heatmap: more
# runs than a panel holds, 8, so each panel is a heat map with one row per
# run and the count as colour) at the top of its copy. Run `gnuplot timeseries.gp`
# next to the .dat: writes timeseries.png and timeseries.svg.
if (!exists("name")) name = "timeseries"
if (!exists("plot_title")) plot_title = "Faults, invalidations and IOTLB misses over the run"
if (!exists("plot_subtitle")) plot_subtitle = ""
datafile = name.".dat"
set datafile missing "?"
stats datafile using 1 nooutput
if (!exists("nb")) nb = STATS_blocks
if (!exists("x_max") || x_max <= 0) x_max = STATS_max + 1
if (!exists("window_ms")) window_ms = 0
if (!exists("has1")) has1 = 1
if (!exists("has2")) has2 = 1
if (!exists("has3")) has3 = 1
if (!exists("heatmap")) heatmap = 0
all_blocks = ""
do for [i=0:nb-1] { all_blocks = all_blocks.sprintf(" %d", i) }
if (!exists("blocks1")) blocks1 = all_blocks
if (!exists("blocks2")) blocks2 = all_blocks
if (!exists("blocks3")) blocks3 = all_blocks
array blocks[3] = [blocks1, blocks2, blocks3]
array what[3] = ["page requests (faults)", "invalidations", "IOTLB misses"]
array has[3] = [has1, has2, has3]
per = window_ms > 0 ? sprintf(" per %g ms window", window_ms) : " per window"
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,1000 noenhanced
	} else {
		set terminal svg size 1000,1000 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set multiplot layout 3,1 title plot_title."\n".plot_subtitle.(window_ms > 0 ? sprintf(" · windows of %g ms", window_ms) : "")
	set grid
	# the same plot area in every panel, legend or not: one x axis for all
	set lmargin at screen 0.1
	set rmargin at screen 0.62
	set key outside right top
	set xlabel "time from the run's first record (ms)"
	set xrange [0:x_max]
	do for [c=1:3] {
		set ylabel what[c].per
		unset label
		if (!has[c]) {
			set yrange [0:1]
			set label "n/a: no run here has ".what[c]." over time" at graph 0.5, 0.5 center
			plot NaN notitle
		} else {
			if (heatmap) {
				# a row per run (block order), a box per window, the count as colour
				set yrange [-0.5:nb-0.5]
				set ylabel what[c].per."\nrow: run 1..".nb." (block order)"
				set cbrange [0:*]
				set palette defined (0 "white", 1 "#fdd49e", 2 "#fc8d59", 3 "#b30000")
				plot for [b in blocks[c]] datafile index (b+0) using ($1 + $2 / 2):(b+0):($2 / 2):(0.5):(column(c+2)) with boxxy fs solid 1.0 noborder lc palette notitle
			} else {
				set yrange [0:*]
				plot for [b in blocks[c]] datafile index (b+0) using 1:(column(c+2)) with steps lw 2 lc (b+1) title columnheader(1)
			}
		}
	}
	unset multiplot
	unset output
}
