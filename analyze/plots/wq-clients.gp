# SPDX-License-Identifier: GPL-2.0
# wq-clients.gp - DSA work submission vs number of clients, one line per WQ
# mode (dedicated vs shared): throughput, p99 end-to-end latency (ready ->
# completion noticed, desc.e2e.latency_ns), retries per descriptor.
# Input: wq-clients.dat from `svatrace plot wq-clients` (columns: clients,
# throughput_Mdesc_per_s, p99_us, retries_per_desc, run_id; one block per mode,
# the block's first row names it). `svatrace plot` writes the variables it
# reads (plot_title, plot_subtitle, nb, blocksN: the blocks with a value in
# column N+1) at the top of its copy. Run
# `gnuplot wq-clients.gp` next to the .dat: writes wq-clients.png and
# wq-clients.svg.
if (!exists("name")) name = "wq-clients"
if (!exists("plot_title")) plot_title = "Work queues: dedicated vs shared"
if (!exists("plot_subtitle")) plot_subtitle = ""
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
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,1000 noenhanced
	} else {
		set terminal svg size 1000,1000 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set multiplot layout 3,1 title plot_title."\n".plot_subtitle
	set logscale x 2
	set xrange [x_lo:x_hi]
	set grid
	# the same plot area in every panel, legend or not: one x axis for all
	set lmargin at screen 0.1
	set rmargin at screen 0.72
	set key outside right top
	set xlabel "submitting clients"
	set yrange [0:*]
	set ylabel "throughput (M descriptors/s)"
	plot for [b in blocks1] datafile index (b+0) using 1:2 with linespoints lw 2 pt 7 lc (b+1) title columnheader(1)
	set ylabel "p99 end-to-end latency (µs)"
	plot for [b in blocks2] datafile index (b+0) using 1:3 with linespoints lw 2 pt 7 lc (b+1) title columnheader(1)
	set ylabel "ENQCMD retries per descriptor"
	plot for [b in blocks3] datafile index (b+0) using 1:4 with linespoints lw 2 pt 7 lc (b+1) title columnheader(1)
	unset multiplot
	unset output
}
