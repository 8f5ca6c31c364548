# stage: replay: the real trace through the translation model, pinned vs. faulting (SVA)
# SPDX-License-Identifier: GPL-2.0
# One captured trace, two designs (scenario transforms, docs/scenarios.md):
# pinned = the kernel's DMA API as the trace shows it (pin + map, unmap +
# strict invalidation); faulting = SVA: pin/map/unmap dropped, the device's
# first touch of each page faults through ATS + PRI unless the CPU already
# touched it (resident fraction 0.5); lazy = pinned with Linux's deferred
# invalidation (flush queue per domain, IOVA reuse deferred to the flush).
set -euo pipefail
DB=$OUT/results.db
T=$OUT/qemu-vtd.svt
"$SVT" replay "$T" --profile qemu-vtd --label pinned --scenario pinned --db "$DB" > "$OUT/replay-pinned.txt"
"$SVT" replay "$T" --profile qemu-vtd --label faulting --scenario faulting:resident=0.5 \
	--set ats.enabled=on --db "$DB" > "$OUT/replay-faulting.txt"
"$SVT" replay "$T" --profile qemu-vtd --label lazy --scenario pinned,inval=lazy --db "$DB" \
	> "$OUT/replay-lazy.txt"
echo "stored runs 'pinned', 'faulting' and 'lazy' in $DB (text summaries: $OUT/replay-*.txt)"
"$SVT" compare --db "$DB" pinned faulting | tail -3
"$SVT" compare --db "$DB" pinned lazy | tail -3
