#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_sample_replay.sh - replay of a `collect --sample N` trace scales
# the counts sampling thins by N (replay/sampling.c), says so, and stores
# replay.sample_n. The sampled traces are made from whole ones with the
# collector's own rule (tests/collect/sample/trace_sample.c):
#   nic-rx (generated: every mapping one page, IOVAs that hash evenly):
#     scaled counts within 0.1% of the whole trace's at N = 2, 4, 8;
#   the bundled VT-d 6.1 trace (real: IOVA pages reused, one 16 MiB map
#     among 4036 of 4-8 KiB): map and unmap counts within 15% at N = 4
#     (a kept page keeps all its reuses, so the error is larger than
#     binomial); size-weighted counts are not checked there, since the one
#     16 MiB map is kept or not as a whole.
# Unscaled: replay.records (what the file held), ratios (iotlb.miss_rate).
. "$(dirname "$0")/lib.sh"
B=$PWD/$BUILD
SAMPLE=$B/tests/collect/trace_sample

# within A B PCT: |A - B| <= PCT% of B
within() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= p / 100 * b) }'; }
check_within() {	# DESC A B PCT
	if within "$2" "$3" "$4"; then ok "$1"; else not_ok "$1" "scaled $2, whole trace $3 (bound $4%)"; fi
}
m() { jv "$1" "$2"; }

"$SVATRACE" gen nic-rx -o "$TMP/nic.svt" > /dev/null 2>&1
"$SVATRACE" replay --json "$TMP/nic.svt" > "$TMP/full.json" 2> /dev/null
"$SAMPLE" "$TMP/nic.svt" "$TMP/s1.svt" 1
"$SVATRACE" replay --json "$TMP/s1.svt" > "$TMP/s1.json" 2> "$TMP/s1.err"
check_eq "--sample 1: nothing scaled (map.count as the whole)" "$(m "$TMP/full.json" map.count)" "$(m "$TMP/s1.json" map.count)"
check_eq "... no sample_n metric, no message" "null" "$(m "$TMP/s1.json" replay.sample_n)$(grep -c sampled "$TMP/s1.err" | grep -v '^0$')"

for n in 2 4 8; do
	"$SAMPLE" "$TMP/nic.svt" "$TMP/s$n.svt" $n
	"$SVATRACE" replay --json "$TMP/s$n.svt" > "$TMP/s$n.json" 2> "$TMP/s$n.err"
	check_match "N=$n: replay says it scaled" "sampled 1 in $n mappings \(collect --sample\): counts scaled by $n" "$(cat "$TMP/s$n.err")"
	check_eq "N=$n: replay.sample_n stored" "$n" "$(m "$TMP/s$n.json" replay.sample_n)"
	check_eq "N=$n: replay.records is the file's count, unscaled" \
		"$("$SVATRACE" info --json "$TMP/s$n.svt" | jq -r .records)" "$(m "$TMP/s$n.json" replay.records)"
	for k in map.count unmap.count access.count iotlb.lookups iotlb.misses map.cpu_ns unmap.cpu_ns; do
		check_within "N=$n: $k scaled within 0.1% of the whole trace's" \
			"$(m "$TMP/s$n.json" $k)" "$(m "$TMP/full.json" $k)" 0.1
	done
	check_within "N=$n: iotlb.miss_rate (a ratio) not scaled" \
		"$(m "$TMP/s$n.json" iotlb.miss_rate)" "$(m "$TMP/full.json" iotlb.miss_rate)" 1
done

"$SVATRACE" import --from ftrace-text data/traces/qemu-vtd-6.1-trace.txt.gz -o "$TMP/v.svt" > /dev/null 2>&1
"$SVATRACE" replay --json "$TMP/v.svt" > "$TMP/vfull.json" 2> /dev/null
"$SAMPLE" "$TMP/v.svt" "$TMP/v4.svt" 4
"$SVATRACE" replay --json "$TMP/v4.svt" > "$TMP/v4.json" 2> /dev/null
for k in map.count unmap.count; do
	check_within "VT-d 6.1, N=4: $k scaled within 15% of the whole trace's" \
		"$(m "$TMP/v4.json" $k)" "$(m "$TMP/vfull.json" $k)" 15
done
echo "1..$TAP_N"
