#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu_amdvi.sh - the guest of qemu_vtd.sh with QEMU's emulated AMD IOMMU
# (-device amd-iommu, IOMMU=amd in scripts/qemu-vtd.sh) instead of VT-d:
# the same virtio-blk, NVMe and virtio-net DMA through it. For every iommu:*
# event the guest's tracefs saw, the collector's count is the same (zero
# lost) and its records equal the trace.dat's field by field. AMD-Vi has no
# invalidation tracepoint: its command-buffer commands are recorded by the
# probe on __iommu_queue_command_sync (fentry in the guest, its kprobe twin
# in the second collector), counted against a tracefs kprobe on the same
# function; strict mode shows one INVALIDATE_IOMMU_PAGES per unmap or more,
# each followed by a COMPLETION_WAIT. The host snapshot and doctor in the
# guest say AMD-Vi. SVT_SKIP_QEMU=1 skips (about 100 s of TCG CPU).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest.inc"
if guest_skip; then
	echo "ok 1 - # SKIP QEMU guest test (SVT_SKIP_QEMU set or not root)"
	exit 0
fi
G=$CACHE/guest-run-amd
mkdir -p "$CACHE"
exec 9>"$CACHE/guest-run.lock"
flock 9
guest_boot "$G" IOMMU=amd CPUCAP=0 || exit 0
GL=$(cat "$G/guest.log")
check_match "the guest has an AMD-Vi unit" '@@ iommu units: ivhd0' "$GL"
guest_counts "$G"
J=$OUT
for ev in iommu:map iommu:unmap fentry:__iommu_queue_command_sync; do
	n=$(count "$ev")
	if [ "$n" -gt 0 ]; then ok "$ev recorded ($n)"; else not_ok "$ev recorded" "$J"; fi
done
guest_fields "$G"
guest_kprobe_twin "$G"
# strict invalidation: every unmap is invalidated before it returns
read -r unmaps inv waits < <(python3 - "$TMP/gc.jl" "$GW_START" "$GW_STOP" <<'PY'
import json, sys
start, stop = int(sys.argv[2]), int(sys.argv[3])
n = {"iommu:unmap": 0, "inv_iommu_pages": 0, "completion_wait": 0}
for line in open(sys.argv[1]):
    d = json.loads(line)
    if not start <= d["ts_ns"] <= stop:
        continue
    if d["event"] == "iommu:unmap":
        n["iommu:unmap"] += 1
    elif d["event"] == "fentry:__iommu_queue_command_sync":
        cmd = d.get("text", "").split()[0].split("=")[1]
        n[cmd] = n.get(cmd, 0) + 1
print(n["iommu:unmap"], n["inv_iommu_pages"], n["completion_wait"])
PY
)
echo "# window: $unmaps unmaps, $inv INVALIDATE_IOMMU_PAGES, $waits COMPLETION_WAIT"
if [ "$inv" -ge "$unmaps" ] && [ "$unmaps" -gt 0 ]; then ok "strict: INVALIDATE_IOMMU_PAGES ($inv) >= unmaps ($unmaps)"
else not_ok "strict: an INVALIDATE_IOMMU_PAGES per unmap" "$unmaps unmaps, $inv invalidations"; fi
if [ "$waits" -gt 0 ]; then ok "COMPLETION_WAIT commands recorded ($waits)"; else not_ok "COMPLETION_WAIT recorded" "$waits"; fi
T=$("$SVATRACE" dump -e fentry:__iommu_queue_command_sync -n 50 "$G/collect.trace")
check_match "commands are decoded: domain, address, size bit" \
	'"text":"cmd=inv_iommu_pages domid=[0-9]+ addr=0x[0-9a-f]+ s=[01] pde=[01] pasid=[0-9]+ sync=[01] raw=[0-9a-f]{32}"' "$T"
check_match "meta: host snapshot says amd-vi, strict, command-buffer invalidation" \
	'"kind": ?"amd-vi".*' "$J"
D=$(cat "$G/doctor.txt")
check_match "doctor in the guest: IOMMU amd-vi, mode strict" 'IOMMU: +amd-vi, mode strict' "$D"
check_match "doctor in the guest: the invalidation mechanism" 'invalidation: +command buffer' "$D"
check_match "doctor in the guest: AMD-Vi units and options" 'AMD-Vi: +1 unit\(s\)' "$D"
check_match "doctor in the guest: the command-queue probe and how" \
	'fentry:__iommu_queue_command_sync +(fentry|kprobe) +present' "$D"
if printf '%s' "$D" | grep -q 'no intel_iommu:\* tracepoints'; then
	not_ok "doctor on AMD-Vi does not ask for intel_iommu tracepoints" "$D"
else ok "doctor on AMD-Vi does not ask for intel_iommu tracepoints"; fi
