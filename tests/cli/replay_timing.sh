#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_timing.sh - one device-side timing for every scenario and request
# expansion: a scenario changes what is translated, never when the device
# reaches for it (faulting hands its maps to the same expansion as pinned,
# instead of touching every page of a map in the map's nanosecond), and a
# map expands into one access per PCIe request (512-byte reads, 256-byte
# writes), so reuse inside a buffer shows in the IOTLB.
. "$(dirname "$0")/lib.sh"

# within A B PCT: "yes" if |A - B| <= PCT% of B
within() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; print (d <= p / 100 * (b < 0 ? -b : b)) ? "yes" : "no: " a " vs " b }'; }

# Same trace, same timing: nothing faults (resident=1), so faulting's
# translations are pinned's, with ATS on every device in both (faulting
# needs it; the generator's unmap flushes come without device-TLB
# invalidations, which by themselves would say no device has ATS).
for mp in off on; do
	G=$TMP/ra-$mp.svt
	"$SVATRACE" -q gen random-access --set footprint=8m --set duration=2ms --set map=$mp -o "$G"
	"$SVATRACE" -q replay "$G" --scenario pinned --set ats.enabled=on --set ats.devices=all \
		--json > "$TMP/p-$mp.json"
	"$SVATRACE" -q replay "$G" --scenario faulting:resident=1 --json > "$TMP/f-$mp.json"
	for k in mean p50 p99; do
		check_eq "random-access map=$mp: faulting:resident=1 = pinned, latency $k within 1%" yes \
			"$(within "$(jget "xlate.latency_ns@$k" "$TMP/f-$mp.json")" "$(jget "xlate.latency_ns@$k" "$TMP/p-$mp.json")" 1)"
	done
	check_eq "random-access map=$mp: same translations" "$(jget xlate.count "$TMP/p-$mp.json")" \
		"$(jget xlate.count "$TMP/f-$mp.json")"
done

# The bundled real trace: maps expand per request in both scenarios, at the
# same times; faulting adds no accesses of its own.
IN=data/traces/qemu-vtd-6.1-trace.txt.gz
T=$TMP/q.svt
"$SVATRACE" -q import --from ftrace-text --clock global "$IN" -o "$T" ||
	{ echo "not ok - import $IN"; exit 0; }
"$SVATRACE" -q replay "$T" --scenario pinned --json > "$TMP/qp.json"
"$SVATRACE" -q replay "$T" --scenario faulting --json > "$TMP/qf.json"
check_eq "bundled trace: request expansion (replay.expand_mode 4)" 4 "$(jget replay.expand_mode "$TMP/qp.json")"
check_eq "bundled trace: 8 read requests of 512 B per mapped 4 KiB page (iommu:map = read)" \
	"$(( $(jget map.pages "$TMP/qp.json") * 8 ))" "$(jget access.count "$TMP/qp.json")"
check_eq "bundled trace: faulting expands the same accesses" "$(jget access.count "$TMP/qp.json")" \
	"$(jget access.count "$TMP/qf.json")"
check_eq "bundled trace, default profile: IOTLB miss rate well below 100% (1 in 8)" yes \
	"$(awk -v r="$(jget iotlb.miss_rate "$TMP/qp.json")" 'BEGIN { print (r < 0.2) ? "yes" : "no: " r }')"
prev=
ok_sizes=yes
for e in 8 16 64 256 1024; do
	"$SVATRACE" -q replay "$T" --scenario pinned --set iotlb.entries=$e --set iotlb.ways=$e --json > "$TMP/s.json"
	m=$(jget iotlb.misses "$TMP/s.json")
	if [ -n "$prev" ] && [ "$m" -gt "$prev" ]; then ok_sizes="no: $e entries $m > $prev"; fi
	prev=$m
done
check_eq "bundled trace: a bigger (fully associative LRU) IOTLB never has more misses" yes "$ok_sizes"
"$SVATRACE" -q replay "$T" --scenario pinned --set replay.expand=page --json > "$TMP/pg.json"
check_eq "replay.expand=page: one lookup per page" "$(jget map.pages "$TMP/pg.json")" "$(jget access.count "$TMP/pg.json")"
"$SVATRACE" -q replay "$T" --scenario pinned --set pcie.max_read_request_bytes=4096 --json > "$TMP/r4.json"
check_eq "pcie.max_read_request_bytes=4096: one read request per page" "$(jget map.pages "$TMP/r4.json")" \
	"$(jget access.count "$TMP/r4.json")"
check_fails "pcie.max_read_request_bytes=100 is refused" "$SVATRACE" -q replay "$T" --set pcie.max_read_request_bytes=100
