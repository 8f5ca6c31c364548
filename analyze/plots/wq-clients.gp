# SPDX-License-Identifier: GPL-2.0
# wq-clients.gp - DSA work submission vs number of clients, one line per WQ
# mode (dedicated vs shared): throughput, p99 end-to-end latency (ready ->
# completion noticed, desc.e2e.latency_ns), retries per descriptor.
# Input: wq-clients.dat from `svatrace plot wq-clients` (columns: clients,
# throughput_Mdesc_per_s, p99_us, retries_per_desc, run_id; one block per mode,
# the block's first row names it). Run `gnuplot wq-clients.gp` next to the
# .dat: writes wq-clients.png and wq-clients.svg.
if (!exists("name")) name = "wq-clients"
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
	set multiplot layout 3,1 title "Work queues: DWQ vs SWQ"
	set logscale x 2
	set grid
	set key top left
	set xlabel "clients"
	set yrange [0:*]
	set ylabel "throughput (M descriptors/s)"
	plot for [i=0:nb-1] datafile index i using 1:2 with linespoints lw 2 pt 7 title columnheader(1)
	set ylabel "p99 end-to-end latency (µs)"
	plot for [i=0:nb-1] datafile index i using 1:3 with linespoints lw 2 pt 7 title columnheader(1)
	set ylabel "retries per descriptor"
	plot for [i=0:nb-1] datafile index i using 1:4 with linespoints lw 2 pt 7 title columnheader(1)
	unset multiplot
	unset output
}
