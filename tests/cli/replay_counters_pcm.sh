#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_counters_pcm.sh - `replay TRACE --counters PCM.svt` sets pcm-iio's
# IOMMU rates beside the model's (issue #15 item 5; docs/counters.md).
# The pcm-iio CSV is SYNTHETIC: the layout of PCM's pcm-iio -csv output for
# Ice Lake servers (src/opCode-106-iommu.txt columns, as in
# import_pcm_iio.sh), made-up values; no host here has an IIO PMU. The
# trace: 1000 reads, 1 us apart, cycling over 8 pages (8 cold misses).
. "$(dirname "$0")/lib.sh"
S=$SVATRACE
{
	echo "time_ns,device,pasid,iova,size,dir"
	for i in $(seq 0 999); do printf '%d,dev0,1,0x%x,64,r\n' $((1000 + i * 1000)) $(((i % 8) * 4096 + 0x100000)); done
} > "$TMP/a.csv"
"$S" import --from access-csv "$TMP/a.csv" -o "$TMP/a.svt" > /dev/null 2>&1
cp tests/data/pcm-iio-synthetic.csv "$TMP/iio.csv"
"$S" import --from pcm-iio "$TMP/iio.csv" -o "$TMP/iio.svt" > /dev/null 2>&1

check_rc "replay --counters a pcm-iio import" 0 "$S" replay "$TMP/a.svt" --counters "$TMP/iio.svt" --json
printf '%s\n' "$OUT" > "$TMP/c.json"
v() { jv "$TMP/c.json" "$1"; }
# measured: each column summed over the two stacks, averaged over the two samples
check_eq "IOTLB lookups measured: (500000 + 800 + 600000 + 900) / 2" 550850 "$(v counter.pcm_iio.iotlb_lookups.measured)"
check_eq "IOTLB misses measured: (12000 + 800 + 18000 + 900) / 2" 15850 "$(v counter.pcm_iio.iotlb_misses.measured)"
check_eq "4K-level PWC hits measured" 11515 "$(v counter.pcm_iio.pwc_4k_hits.measured)"
check_eq "memory accesses measured" 21050 "$(v counter.pcm_iio.mem_accesses.measured)"
# model: its count over the replayed duration, per second
rate() { awk -v c="$1" -v d="$(v run.duration_ns)" 'BEGIN { printf "%.3f", c * 1e9 / d }'; }
r3() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
check_eq "model lookups/s = iotlb.lookups over run.duration_ns" "$(rate "$(v iotlb.lookups)")" "$(r3 "$(v counter.pcm_iio.iotlb_lookups.model)")"
check_eq "... 1000 lookups in 999 us" 1001001.001 "$(r3 "$(v counter.pcm_iio.iotlb_lookups.model)")"
check_eq "model fills/s = iotlb.misses (8 cold pages), not the merged lookups" "$(rate "$(v iotlb.misses)")" "$(r3 "$(v counter.pcm_iio.iotlb_misses.model)")"
check_eq "context-cache hits: every transaction looks it up, minus the model's misses" \
	"$(rate "$(($(v iotlb.lookups) - $(v cc.misses)))")" "$(r3 "$(v counter.pcm_iio.ctxt_cache_hits.model)")"
check_eq "4K-level PWC hits = the PDE cache's (pwc.l2_hits)" "$(rate "$(v pwc.l2_hits)")" "$(r3 "$(v counter.pcm_iio.pwc_4k_hits.model)")"
check_eq "memory accesses = walk.mem_reads" "$(rate "$(v walk.mem_reads)")" "$(r3 "$(v counter.pcm_iio.mem_accesses.model)")"
r6() { awk -v x="$1" 'BEGIN { printf "%.6f", x }'; }
check_eq "ratio = model / measured" "$(awk -v m="$(v counter.pcm_iio.iotlb_lookups.model)" 'BEGIN { printf "%.6f", m / 550850 }')" \
	"$(r6 "$(v counter.pcm_iio.iotlb_lookups.ratio)")"
check_eq "a measured 0 has no ratio" null "$(v counter.pcm_iio.pwc_1g_hits.ratio)"

check_rc "the text summary" 0 "$S" replay "$TMP/a.svt" --counters "$TMP/iio.svt"
check_match "prints the pcm-iio table" "pcm-iio counters, per second" "$OUT"
check_match "... measured, model and ratio side by side" "IOTLB lookups +550850 +1001001 +1\.817" "$OUT"
check_match "... the PDE row" "PWC hits, 4K level \(PDE\) +11515 +7007 +0\.609" "$OUT"

# without --counters the access trace has no counts: no table, no counter.* metric
check_rc "replay without --counters" 0 "$S" replay "$TMP/a.svt" --json
check_eq "... no pcm_iio metric" 0 "$(jq '[keys[] | select(startswith("counter."))] | length' <<<"$OUT")"

# bad input, named
check_fails "a missing counters file" "$S" replay "$TMP/a.svt" --counters "$TMP/none.svt"
check_match "... is named" "none.svt" "$OUT"
check_fails "a counters file without counter records" "$S" replay "$TMP/a.svt" --counters "$TMP/a.svt"
check_match "... says so" "a.svt: no perfmon or pcm-iio counter records" "$OUT"
echo "1..$TAP_N"
