#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay.sh - issue 16's questions, whole process, against a classic
# trace-driven cache simulator (bench/refsim.c) given the same addresses in
# its text format, in the same run. The stream (bench/gen_stream.c): N
# accesses (default 10 M), 40% from 16 sequential streams, 40% a hot set of
# 300 pages, 20% uniform random below 4 GiB. Reports CPU time (user + sys),
# ratios, miss counts of both (they must be equal), bytes per access of the
# stored trace, the full default model against the IOTLB-only question, a
# 20-point IOTLB size sweep against one replay, peak RSS, and import rates
# next to reading the same file with wc -l. N=... changes the size.
set -euo pipefail
BUILD=${BUILD:-build}
N=${N:-10000000}
S="$BUILD/svatrace"
make -s --no-print-directory "$BUILD/bench/gen_stream" "$BUILD/bench/refsim" "$S"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$BUILD/bench/gen_stream" "$W/s" "$N"
calc() { awk "BEGIN{printf \"%.2f\", $1}"; }
# cpu CMD...: run once, leave "user+sys seconds" in $cpu and peak KiB in $rss
cpu() {
	/usr/bin/time -f '%U %S %M' -o "$W/time" "$@" > "$W/out"
	read -r u s rss < "$W/time"
	cpu=$(calc "$u + $s")
}
misses() { grep -o '"iotlb.misses": [0-9]*' "$W/out" | head -1 | awk '{print $2}'; }
merged() { grep -o '"iotlb.merged": [0-9]*' "$W/out" | head -1 | awk '{print $2}'; }
IOTLB=(--set ats.enabled=off --set iotlb.entries=512)
# translations complete at once: the IOTLB's hits and misses alone, as the
# reference counts them (with walk time, lookups of a page whose walk is in
# flight merge into it: iotlb.merged, fewer misses than an LRU stack)
INSTANT=(--set walk.fixed_ns=0 --set mem.read_ns=0 --set iotlb.hit_ns=0)
mv "$W/s.svt" "$W/s2.svt"	# gen_stream writes v2, the default format
"$S" convert "$W/s2.svt" -o "$W/s.svt" --v1 2> /dev/null
cat "$W/s2.svt" "$W/s.din" > /dev/null	# page cache
printf 'stream: %d accesses; trace v2 %.2f bytes/access (target <= 8; v1 %.1f), simulator text %.1f bytes/access\n' \
	"$N" "$(calc "$(stat -c %s "$W/s2.svt") / $N")" "$(calc "$(stat -c %s "$W/s.svt") / $N")" \
	"$(calc "$(stat -c %s "$W/s.din") / $N")"
printf '%-52s %9s %9s %10s %s\n' question svatrace refsim ratio misses
for ways in 8 512; do
	cpu "$BUILD/bench/refsim" 512 "$ways" "$W/s.din"
	ref=$cpu; refm=$(awk '{print $6}' "$W/out")
	for timing in default instant; do
		extra=(); [ "$timing" = instant ] && extra=("${INSTANT[@]}")
		cpu "$S" replay "$W/s2.svt" "${IOTLB[@]}" --set iotlb.ways="$ways" "${extra[@]}" --json
		svt=$cpu; svtm=$(misses)
		[ "$ways$timing" = 8default ] && one=$svt && onerss=$rss
		[ "$ways$timing" = 8instant ] && one_instant=$svt
		printf '%-52s %8.2fs %8.2fs %9.2fx %s\n' "IOTLB 512 entries, $ways-way LRU, ATS off, $timing walks" \
			"$svt" "$ref" "$(calc "$ref / $svt")" \
			"$svtm vs $refm $([ "$svtm" = "$refm" ] && echo same || echo "differ (merged: $(merged))")"
	done
done
echo '(ratio = refsim CPU / svatrace CPU: above 1 means svatrace is faster; target >= 3)'
echo '(default walks: lookups of a page whose walk is in flight wait for it, iotlb.merged, not counted as misses)'
cpu "$S" replay "$W/s.svt" "${IOTLB[@]}" --set iotlb.ways=8 --json
printf 'the same 8-way replay from the v1 trace: %.2f s CPU\n' "$cpu"
cpu "$S" replay "$W/s2.svt" --json
printf 'full default model: %.2f s CPU = %.2fx the IOTLB-only question (target <= 2), peak RSS %d KiB\n' \
	"$cpu" "$(calc "$cpu / $one")" "$rss"
printf 'IOTLB-only replay peak RSS: %d KiB at %d accesses\n' "$onerss" "$N"
GRID=(--grid iotlb.entries=32,64,128,256,512,1024,2048,4096,8192,16384 --grid pt.page_bytes=4K,2M)
# counts only, translations at once: the one-pass curve (sweep/onepass.c), one pass for both page sizes
cpu "$S" sweep "$W/s2.svt" "${IOTLB[@]}" --set iotlb.ways=8 "${INSTANT[@]}" "${GRID[@]}" -j 1 --db "$W/sweep.db"
printf '20-point IOTLB sweep (10 sizes x 2 page sizes, instant walks, one pass for both page sizes): %.2f s CPU = %.2fx one instant replay (target <= 2.5); %s\n' \
	"$cpu" "$(calc "$cpu / $one_instant")" "$(tail -1 "$W/out")"
SIZES=32,64,128,256,512,1024,2048,4096,8192,16384
cpu "$S" mrc "$W/s2.svt" --entries $SIZES --ways 8 --page-bytes 4096
m4=$cpu
cpu "$S" mrc "$W/s2.svt" --entries $SIZES --ways 8 --page-bytes 2M
printf 'the same 20 points by svatrace mrc (one pass per page size, counts only): %.2f s CPU = %.2fx one replay\n' \
	"$(calc "$m4 + $cpu")" "$(calc "($m4 + $cpu) / $one")"
printf 'mrc 512 entries 8-way, 2M pages: %s misses\n' "$(awk '$1 == 512 {print $3}' "$W/out")"
s=$(date +%s.%N); wc -l "$W/s.csv" > /dev/null; e=$(date +%s.%N); base=$(calc "$e - $s")
s=$(date +%s.%N); "$S" import --from access-csv "$W/s.csv" -o "$W/imp.svt" > /dev/null 2>&1; e=$(date +%s.%N)
printf 'import access-csv: %.2f M records/s; wc -l of the same file: %.2f M lines/s\n' \
	"$(calc "$N / ($e - $s) / 1e6")" "$(calc "$N / $base / 1e6")"
