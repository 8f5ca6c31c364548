# stage: replay per device: the Linux 6.12 guest trace, whose dma:* events name each map's device
# SPDX-License-Identifier: GPL-2.0
# The 6.12 trace (data/traces/README.md) names the device of every DMA-API
# map: a virtio-blk disk and a virtio-net NIC with ATS, an NVMe disk without.
# Replayed with each device in its own domain (the trace's DIDs), strict
# against lazy invalidation (stored: the study qemu-vtd-612), and strict
# with ATS forced on every device (printed only): the trace sends
# device-TLB invalidations only for the two ATS devices, so an ATC on the
# NVMe keeps translations nothing invalidates.
set -euo pipefail
DB=$OUT/results.db
T=$OUT/qemu-vtd-612.svt
"$SVT" import --from ftrace-text --clock global data/traces/qemu-vtd-6.12-trace.txt.gz -o "$T"
echo "DMA-API maps per device (dma:dma_map_page / dma_map_sg entries):"
"$SVT" dump -e dma:dma_map_page -e dma:dma_map_sg "$T" |
	sed -n 's/.*"device_id":"\([^"]*\)".*/\1/p' | sort | uniq -c
common=(--profile qemu-vtd --set replay.domain_per_device=on)
"$SVT" replay "$T" "${common[@]}" --db "$DB" --label "6.12 strict" --scenario pinned \
	> "$OUT/replay-612-strict.txt"
"$SVT" replay "$T" "${common[@]}" --db "$DB" --label "6.12 lazy" --scenario pinned,inval=lazy \
	> "$OUT/replay-612-lazy.txt"
echo "stored runs '6.12 strict' and '6.12 lazy' in $DB"
"$SVT" compare --db "$DB" "6.12 strict" "6.12 lazy" | tail -2
# the what-if is not stored: its faster translations are stale ones, which a
# finding would read as a gain
"$SVT" replay "$T" "${common[@]}" --scenario pinned --set ats.devices=all \
	> "$OUT/replay-612-ats-all.txt"
val() { sed -n "s/^  $1  *\([0-9.]*\) .*/\1/p" "$2"; }
for r in strict ats-all; do
	f=$OUT/replay-612-$r.txt
	printf '%-8s ATCs %s, mean translation %s ns, stale translations (use after unmap) %s\n' \
		"$r" "$(val atc.devices "$f")" "$(val xlate.latency_ns@mean "$f")" \
		"$(val xlate.use_after_unmap "$f")"
done | sed 's/unmap) $/unmap) 0/'
