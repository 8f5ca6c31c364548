#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wq-enqcmd-sweep.sh - how much the DWQ-vs-SWQ answer depends on the ENQCMD
# round trip, the one submission cost with no published figure
# (wq.enqcmd_rtt_ns, an estimate): SWQ throughput vs clients for round trips
# of 250, 500, 1000 and 2000 ns (wq.portal_oneway_ns = half), next to DWQ, on
# demo stage 20's traces (4 KiB memmoves, closed loop, translation model on).
# Writes OUT/wq-enqcmd-sweep.dat and, with gnuplot, docs/img/wq-enqcmd-sweep.svg.
# Usage: scripts/wq-enqcmd-sweep.sh [BUILD] [OUT]
set -euo pipefail
SVT=${1:-build}/svatrace
OUT=${2:-build/wq-enqcmd-sweep}
mkdir -p "$OUT"
j() { sed -n "s/^  \"$1\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }
CLIENTS="1 2 3 4 6 8 16"
for n in $CLIENTS; do
	[ -f "$OUT/t$n.svt" ] || "$SVT" -q gen dsa-memcpy --set clients="$n" --set rate=4M --set duration=1ms \
		--seed 3 -o "$OUT/t$n.svt"
done
DAT=$OUT/wq-enqcmd-sweep.dat
{
	echo "# clients, M desc/s; one block per configuration (first row names it)"
	echo "\"DWQ\""
	for n in $CLIENTS; do
		"$SVT" replay "$OUT/t$n.svt" --scenario dwq --json > "$OUT/r.json"
		echo "$n $(awk -v v="$(j wq.device.desc_per_s "$OUT/r.json")" 'BEGIN { print v / 1e6 }')"
	done
	for rtt in 250 500 1000 2000; do
		printf '\n\n"SWQ, ENQCMD %s ns"\n' "$rtt"
		for n in $CLIENTS; do
			"$SVT" replay "$OUT/t$n.svt" --scenario swq --set wq.enqcmd_rtt_ns="$rtt" \
				--set wq.portal_oneway_ns=$((rtt / 2)) --json > "$OUT/r.json"
			echo "$n $(awk -v v="$(j wq.device.desc_per_s "$OUT/r.json")" 'BEGIN { print v / 1e6 }')"
		done
	done
} > "$DAT"
cat "$DAT"
command -v gnuplot >/dev/null || exit 0
gnuplot <<GP
set terminal svg size 640,400 noenhanced background rgb "white" font "sans,11"
set output "docs/img/wq-enqcmd-sweep.svg"
set title "SWQ throughput vs clients for ENQCMD round trips (4 KiB memmove)"
set xlabel "clients"; set ylabel "M descriptors/s"; set logscale x 2; set grid
set yrange [0:8]; set key bottom right
plot for [i=0:4] "$DAT" index i using 1:2 with linespoints lw 2 pt 7 title columnheader(1)
GP
echo "wrote docs/img/wq-enqcmd-sweep.svg"
