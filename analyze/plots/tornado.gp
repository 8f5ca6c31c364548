# SPDX-License-Identifier: GPL-2.0
# tornado.gp - a sensitivity study as a tornado: one row per parameter
# (largest effect on top), a bar from 0 to the headline metric's change (%)
# with the parameter halved and one with it doubled.
# Input: tornado.dat from `svatrace plot tornado` (rank, parameter, low_pct,
# high_pct, base, low, high; "# title:" and "# subtitle:" comment lines).
# Run `gnuplot tornado.gp` next to the .dat: writes tornado.png and tornado.svg.
if (!exists("name")) name = "tornado"
datafile = name.".dat"
set datafile missing "?"
title = system("sed -n 's/^# title: //p' ".datafile)
subtitle = system("sed -n 's/^# subtitle: //p' ".datafile)
stats datafile using 1 nooutput
n = STATS_max
do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 900,560 noenhanced
	} else {
		set terminal svg size 900,560 noenhanced background rgb "white"
	}
	set output name.".".fmt
	set title title."\n".subtitle
	set style fill solid 0.85 border -1
	set grid x
	set key outside bottom center horizontal
	set xlabel "change of the metric (%)"
	set yrange [n + 0.5:0.5]
	set ytics scale 0
	set xzeroaxis
	plot datafile using ($3 / 2):1:(abs($3) / 2):(0.35):ytic(2) with boxxyerror \
			lc rgb "#4477aa" title "parameter x0.5", \
		datafile using ($4 / 2):1:(abs($4) / 2):(0.35) with boxxyerror \
			lc rgb "#cc6677" title "parameter x2"
	unset output
}
