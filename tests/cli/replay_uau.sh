#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_uau.sh - xlate.use_after_unmap (translations served for an IOVA
# unmapped and not yet invalidated) is 0 for the bundled trace and every
# generator in every scenario (default profile): lazier invalidation defers
# IOVA reuse until the flush, as Linux does (the inval=lazy scenario moves a
# map off an IOVA still waiting in a flush queue), and an unmap ends the
# device's expansion of that buffer. Before: 112 (bundled, inval=lazy),
# 474424 (nvme, inval=lazy), 46118 (dsa-memcpy, pinned,inval=lazy).
# The 6.12 trace (iommu:map and dma:* records, scatterlists mapped one
# segment at a time): before, 24 (inval=lazy: an unmap of a scatterlist whose
# segments moved apart was moved whole, past its own pages) and, qemu-vtd,
# 97280 (tenants=2: the copy of a device without ATS got one).
. "$(dirname "$0")/lib.sh"

"$SVATRACE" -q import --from ftrace-text --clock global data/traces/qemu-vtd-6.1-trace.txt.gz \
	-o "$TMP/qemu.svt" || { echo "not ok 1 - import"; exit 0; }
"$SVATRACE" -q import --from ftrace-text data/traces/qemu-vtd-6.12-trace.txt.gz \
	-o "$TMP/q612.svt" || { echo "not ok 1 - import 6.12"; exit 0; }
"$SVATRACE" -q gen dsa-memcpy --set duration=1ms -o "$TMP/dsa.svt"
"$SVATRACE" -q gen nic-rx --set duration=2ms -o "$TMP/nic.svt"
"$SVATRACE" -q gen nvme --set duration=5ms -o "$TMP/nvme.svt"
"$SVATRACE" -q gen random-access --set duration=1ms -o "$TMP/ra.svt"
# The matrices run on the plain build but for one sanitized pass
# (matrix_bin): each scenario under the sanitizers on one trace, each trace
# on about one scenario in six (all 66 + 12 + 8 runs under ASan: 14 s of CPU).
k=0
for t in qemu q612 dsa nic nvme ra; do
	bad=
	for sc in none pinned faulting inval=strict inval=lazy ats=on ats=off pagesize=2m tenants=2 \
		pinned,inval=lazy faulting:resident=0.5; do
		if [ $sc = none ]; then a=(); else a=(--scenario "$sc"); fi
		matrix_bin $((k++)) 6
		"$BIN" -q replay "$TMP/$t.svt" "${a[@]}" --json > "$TMP/o.json" 2>&1
		v=$(jget xlate.use_after_unmap "$TMP/o.json")
		[ "$v" = 0 ] || bad="$bad $sc=$v"
	done
	check_eq "$t: xlate.use_after_unmap = 0 in every scenario" "" "$bad"
done
# the lazy scenario moved maps off held IOVAs: the bundled trace reuses them at once
"$SVATRACE" -q replay "$TMP/qemu.svt" --scenario inval=lazy --json > "$TMP/l.json"
check_eq "bundled trace, inval=lazy: every map translated as before (8 requests per page)" \
	"$(( $(jget map.pages "$TMP/l.json") * 8 ))" "$(jget access.count "$TMP/l.json")"

# qemu-vtd profile (ats.enabled=on): the trace's device-TLB invalidations name
# two source ids (0x100, 0x200); the maps of the other domains (13, 14: their
# unmaps get IOTLB flushes only) belong to devices without ATS, so no ATC
# keeps their translations past the unmap. Before: 8000 (1000 pages x 8
# requests, every map on one ATS device).
o=0
for t in qemu q612; do
	bad= i=0
	for sc in none pinned inval=strict inval=lazy pinned,inval=lazy tenants=2; do
		if [ $sc = none ]; then a=(); else a=(--scenario "$sc"); fi
		# each scenario sanitized on one of the two traces
		matrix_bin $((o + i++)) 2
		"$BIN" -q replay "$TMP/$t.svt" --profile qemu-vtd "${a[@]}" --json > "$TMP/o.json" 2>&1
		v=$(jget xlate.use_after_unmap "$TMP/o.json")
		[ "$v" = 0 ] || bad="$bad $sc=$v"
	done
	check_eq "$t, qemu-vtd: xlate.use_after_unmap = 0 in every pinned scenario" "" "$bad"
	o=$((o + 1))
done
# the 6.12 trace, lazy: a scatterlist's unmap and DMA-API map follow each segment's move
"$SVATRACE" -q replay "$TMP/q612.svt" --scenario inval=lazy --json > "$TMP/l.json"
check_eq "6.12 trace, inval=lazy: every DMA-API map expanded as before" \
	103939 "$(jget access.count "$TMP/l.json")"
"$SVATRACE" -q replay "$TMP/qemu.svt" --profile qemu-vtd --json > "$TMP/q.json"
check_eq "bundled, qemu-vtd: ATCs only for the 2 source ids the trace invalidates" 2 "$(jget atc.devices "$TMP/q.json")"
check_eq "bundled, qemu-vtd: every map and unmap but one tied to its domain by the flush after it" \
	6613 "$(jget replay.maps_attributed "$TMP/q.json")"
check_eq "bundled, qemu-vtd: each map expanded (8 requests per page)" \
	"$(( $(jget map.pages "$TMP/q.json") * 8 ))" "$(jget access.count "$TMP/q.json")"
# inval=lazy moves maps to other IOVAs; the owners pass still finds their
# domain by the record's CPU and time, so the devices (and their ATS) stay
# those of pinned and translation latency does not move with the invalidation
# mode. Before: 4835 maps unattributed, mean 349 ns vs 563 ns.
"$SVATRACE" -q replay "$TMP/qemu.svt" --profile qemu-vtd --scenario pinned,inval=lazy --json > "$TMP/ql.json"
check_eq "bundled, qemu-vtd, inval=lazy: moved maps keep their domain (1 unattributed, as pinned)" \
	1 "$(jget replay.maps_unattributed "$TMP/ql.json")"
check_eq "bundled, qemu-vtd, inval=lazy: mean translation within 1% of pinned's" yes \
	"$(awk -v a="$(jget xlate.latency_ns@mean "$TMP/q.json")" -v b="$(jget xlate.latency_ns@mean "$TMP/ql.json")" \
		'BEGIN { d = a - b; if (d < 0) d = -d; print (d <= 0.01 * a) ? "yes" : "no" }')"

# --set inval.mode=lazy with the model's own invalidations (no inval
# scenario) defers IOVA reuse the same way: a map of an IOVA the model's
# flush queue still holds moves (replay/iova_reloc.h, shared with the
# scenario). Before: 15560 (bundled, qemu-vtd), and nonzero on nvme.
k=0
for t in qemu q612 nvme nic; do
	for prof in default qemu-vtd; do
		# sanitized: qemu/default, q612/qemu-vtd, nic/default
		matrix_bin $((k++)) 3
		"$BIN" -q replay "$TMP/$t.svt" --profile $prof --scenario pinned --set inval.source=model \
			--set inval.mode=lazy --json > "$TMP/o.json" 2>&1
		check_eq "$t, $prof, --set inval.mode=lazy (model source): no use after unmap" 0 \
			"$(jget xlate.use_after_unmap "$TMP/o.json")"
	done
done
check_match "bundled, model lazy: maps moved off held IOVAs" '^[1-9][0-9]{2,}$' "$(jget replay.maps_moved "$TMP/o.json")"
"$SVATRACE" -q replay "$TMP/qemu.svt" --profile qemu-vtd --scenario pinned --set inval.source=model \
	--set inval.mode=lazy --json > "$TMP/o.json"
check_eq "bundled, model lazy: every map still translated (8 requests per page)" \
	"$(( $(jget map.pages "$TMP/o.json") * 8 ))" "$(jget access.count "$TMP/o.json")"
# 2814: an unmap spanning maps that moved apart now holds each map's own
# pages (iova_reloc__run); before, 2799, it held pages past its first map's
# move and left the pages of the maps that stayed free for reuse at once
check_match "bundled, model lazy: 2814 maps moved" '^2814$' "$(jget replay.maps_moved "$TMP/o.json")"
