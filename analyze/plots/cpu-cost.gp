# SPDX-License-Identifier: GPL-2.0
# cpu-cost.gp - where CPU time goes per run: pinning, mapping, unmapping and
# invalidation (pinned DMA) vs fault service (SVA) vs work submission. A cost
# the run cannot have (no such events) is "?" in the data and a gap here,
# not 0.
# Input: cpu-cost.dat from `svatrace plot cpu-cost` (one row per run: label,
# pin_ms, map_ms, unmap_ms, invalidate_ms, fault_service_ms, submission_ms,
# run_id). `svatrace plot` writes the variables it reads (plot_title,
# plot_subtitle, has1..has6: whether any run has the kind) at the top of its
# copy. Run `gnuplot cpu-cost.gp` next to the
# .dat: writes cpu-cost.png and cpu-cost.svg.
if (!exists("name")) name = "cpu-cost"
if (!exists("plot_title")) plot_title = "CPU time per run, by kind"
if (!exists("plot_subtitle")) plot_subtitle = ""
datafile = name.".dat"
set datafile missing "?"
set datafile columnheaders
array what[6] = ["pin", "map", "unmap", "invalidation wait", "fault service", "submission"]
# the kinds some run has (hasN from svatrace plot; all six without it)
cols = ""
do for [c=1:6] {
	if (!exists(sprintf("has%d", c)) || value(sprintf("has%d", c))) { cols = cols.sprintf(" %d", c + 1) }
}
stats datafile using 8 nooutput
nr_rows = STATS_records
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,560 noenhanced
	} else {
		set terminal svg size 1000,560 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set title plot_title."\n".plot_subtitle
	set style data histograms
	set style histogram rowstacked
	set style fill solid 0.85 border -1
	set boxwidth 0.6
	set grid y
	set lmargin at screen 0.1
	set rmargin at screen 0.72
	set key outside right top
	set ylabel "CPU time (ms)"
	# many runs: every step-th bar is labelled with its run id (#12), the rest blank
	step = nr_rows > 16 ? int(ceil(nr_rows / 16.0)) : 1
	if (nr_rows > 8) { set xtics rotate by -45 }
	set xlabel step == 1 ? "run (a missing segment: the run has no such events)" : sprintf("run id (every %d-th labelled; a missing segment: no such events)", step)
	set yrange [0:*]
	lab(i) = step == 1 ? stringcolumn(1) : (i % step == 0 ? sprintf("#%d", column(8)) : "")
	plot for [c in cols] datafile using (column(c+0)):xtic(lab(int($0))) lc (c-1) title what[c-1]
	unset output
}
