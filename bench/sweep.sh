#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep.sh - sweep throughput: the same 8-point grid over the same trace with
# -j 1 (baseline) and -j 2, each into a fresh database, in this run. Each
# point is a ~1 s replay (an 8 GiB map expanded into 64M line accesses), so
# fork, SQLite commits and the parent's bookkeeping are a small share.
# Target (issue 6): -j 2 at least 1.8x the points/s of -j 1 on 2 cores. The
# machine is shared, so the load average is printed with the result.
set -euo pipefail
BUILD=${BUILD:-build}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
S="$BUILD/svatrace"
"$S" gen random-access --set duration=1ms --set rate=1M --set footprint=8g -o "$W/t.svt" >/dev/null
ARGS=(--grid iotlb.entries=32,64,128,256 --grid iotlb.policy=lru,fifo
	--set replay.expand=line --set replay.line_bytes=128)
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN{print b-a}'; }
"$S" replay "$W/t.svt" --set replay.expand=line --set replay.line_bytes=128 >/dev/null	# warm the page cache
one=$(t "$S" sweep "$W/t.svt" "${ARGS[@]}" -j 1 --db "$W/j1.db")
two=$(t "$S" sweep "$W/t.svt" "${ARGS[@]}" -j 2 --db "$W/j2.db")
n=$(sqlite3 "$W/j2.db" "SELECT COUNT(*) FROM runs WHERE status = 0")
same=$(diff <(sqlite3 "$W/j1.db" "SELECT point_key, key, value FROM runs JOIN metrics ON run_id = id ORDER BY 1, 2") \
	<(sqlite3 "$W/j2.db" "SELECT point_key, key, value FROM runs JOIN metrics ON run_id = id ORDER BY 1, 2") \
	>/dev/null && echo yes || echo NO)
printf 'points:               %d (%.2f s each at -j 1)\n' "$n" "$(awk "BEGIN{print $one / $n}")"
printf 'sweep -j 1 (baseline): %.2f s  (%.2f points/s)\n' "$one" "$(awk "BEGIN{print $n / $one}")"
printf 'sweep -j 2:            %.2f s  (%.2f points/s)\n' "$two" "$(awk "BEGIN{print $n / $two}")"
printf 'speed-up -j 2 / -j 1:  %.2fx (target >= 1.8x; %d cores, load average %s)\n' \
	"$(awk "BEGIN{print $one / $two}")" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'same results both ways: %s\n' "$same"
