#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu_vtd_612.sh - the same guest with Debian's bookworm-backports kernel
# (6.12), which adds the dma:* DMA-API tracepoints and VT-d cache_tag_*: for
# every event its tracefs saw, the collector's count is the same (the
# scatterlist events per entry), zero lost, and the records equal the
# trace.dat's field by field. The NVMe and virtio-blk I/O gives
# dma_map_sg/unmap_sg, dma_map/unmap_page, cache-tag flushes for both the
# IOTLB and the device TLB (ATS), and pin_user_pages_fast from O_DIRECT.
# The kernel-function probes are also counted against tracefs kprobes and
# compared with a second collector's kprobe twins. The --sample 1 and
# --summary twins run over the same window as in qemu_vtd.sh (guest_twins):
# summary mode loads on 6.12 (its scatterlist programs within the
# verifier's limit) and its totals equal tracefs's, the dma:* scatterlist
# events by entries.
# SVT_SKIP_QEMU=1 skips (about 35 s of TCG boot).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest.inc"
if guest_skip; then
	echo "ok 1 - # SKIP QEMU guest test (SVT_SKIP_QEMU set or not root)"
	exit 0
fi
G=$CACHE/guest-run-6.12
mkdir -p "$CACHE"
exec 9>"$CACHE/guest-run.lock"
flock 9
guest_boot "$G" SUITE=bookworm-backports TWINS=1 || exit 0
check_match "the guest ran Debian's 6.12 kernel" '@@ kernel 6\.12\.' "$(cat "$G/guest.log")"
guest_counts "$G"
J=$OUT
for ev in dma:dma_map_sg dma:dma_unmap_sg dma:dma_map_page dma:dma_unmap_page \
	intel_iommu:cache_tag_flush_range intel_iommu:cache_tag_flush_range_np fentry:pin_user_pages_fast; do
	n=$(count "$ev")
	if [ "$n" -gt 0 ]; then ok "$ev recorded ($n)"; else not_ok "$ev recorded" "$J"; fi
done
guest_fields "$G"
guest_kprobe_twin "$G"
# 6.7+ counts the kprobe runs trace_call_bpf() skips (recursion_misses): the
# collector adds them to its lost count instead of the 6.1 note
if grep -q 'not countable' "$G/kprobe.log"; then
	not_ok "6.12: skipped kprobe runs are countable (no 'not countable' note)" "$(cat "$G/kprobe.log")"
else
	ok "6.12: skipped kprobe runs are countable (no 'not countable' note)"
fi
echo "# kprobe collector: $(grep -E '^total:|skipped a kprobe' "$G/kprobe.log" | tr '\n' ' ')"
T=$("$SVATRACE" dump -e 'intel_iommu:cache_tag_flush_range' "$G/collect.trace")
check_match "cache-tag flushes of the IOTLB (type 0) are recorded" '"tag_type":0' "$T"
check_match "... and of the device TLB (ATS, type 1) on a device" '"device_id":"0000:0[0-9]:00.0".*"tag_type":1' "$T"
S=$("$SVATRACE" dump -e dma:dma_unmap_sg -n 1 "$G/collect.trace")
check_match "unmap_sg entries carry the physical address (kept: --keep-phys), not a DMA address" \
	'"phys":"0x[0-9a-f]{4,}","dma_addr":"0x0"' "$S"
check_match "idxd without help: refused, no MOVDIR64B (svt_cpucap is only built for 6.1)" \
	'idxd refused as the CPU is: .*MOVDIR64B' "$(cat "$G/guest.log")"
guest_twins "$G"
