#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_units.sh - IOMMU units (iommu.units): each DMAR unit has its own
# IOTLB and walk caches (VT-d 3.1, 6.2), a device translates through the
# unit its domain's descriptors went to, and a descriptor invalidates only
# its own unit. Two 2 MiB maps, one per unit (the caching-mode flush after
# each names its domain and unit); while the first is being expanded a
# global IOTLB invalidation goes to the other unit: with a unit each the
# first map's entry survives, with one shared set of caches it is dropped
# and walked again (one more miss).
. "$(dirname "$0")/lib.sh"

cat > "$TMP/t.txt" <<'TXT'
            init-1       [000] .....     1.000000: map: IOMMU: iova=0x0000000000200000 - 0x0000000000400000 paddr=0x0000000010000000 size=2097152
            init-1       [000] d..1.     1.000000: qi_submit: iotlb_inv dmar0: 0x100f2 0x200000 0x0 0x0
            init-1       [001] d..1.     1.000060: qi_submit: iotlb_inv dmar1: 0xd2 0x0 0x0 0x0
            init-1       [000] .....     1.000100: map: IOMMU: iova=0x0000000000800000 - 0x0000000000a00000 paddr=0x0000000020000000 size=2097152
            init-1       [000] d..1.     1.000100: qi_submit: iotlb_inv dmar1: 0x200f2 0x800000 0x0 0x0
TXT
"$SVATRACE" -q import --from ftrace-text "$TMP/t.txt" -o "$TMP/t.svt" || { echo "not ok 1 - import"; exit 0; }
"$SVATRACE" -q replay "$TMP/t.svt" --set pt.page_bytes=2M --json > "$TMP/a.json"
"$SVATRACE" -q replay "$TMP/t.svt" --set pt.page_bytes=2M --set iommu.units=1 --json > "$TMP/b.json"
check_eq "two units named by the trace (dmar0, dmar1); iommu.units=1 shares one" "2 1" \
	"$(jget iommu.units "$TMP/a.json") $(jget iommu.units "$TMP/b.json")"
check_eq "both maps tied to their domains' devices" 2 "$(jget replay.maps_attributed "$TMP/a.json")"
check_eq "a unit each: one walk per 2 MiB map" 2 "$(jget iotlb.misses "$TMP/a.json")"
check_eq "one shared unit: dmar1's global flush drops dmar0's entry mid-expansion" 3 \
	"$(jget iotlb.misses "$TMP/b.json")"
check_eq "every request translated either way" "8192 8192" \
	"$(jget access.count "$TMP/a.json") $(jget access.count "$TMP/b.json")"
