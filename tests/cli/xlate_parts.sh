#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xlate_parts.sh - translation latency by part (xlate.part.*_ns, model/
# metric_keys.h): on the bundled trace and every generator, in every
# shipped scenario and both invalidation modes, the parts sum to
# xlate.latency_ns@sum exactly (integer ns), and the part that a scenario
# is about carries its time (faulting: fault service and the handler wait;
# pinned without ATS: walks, no ATS time).
. "$(dirname "$0")/lib.sh"

# parts sum minus total, in integer arithmetic (awk's doubles are exact below 2^53)
residue() {
	awk '/"xlate\.part\.[a-z_]*_ns":/ { gsub(/[",]/, "", $2); s += $2 }
	     /"xlate\.latency_ns@sum":/ { gsub(/[",]/, "", $2); t = $2 }
	     END { printf "%.0f %.0f\n", s - t, t }' "$1"
}

"$SVATRACE" -q import --from ftrace-text --clock global data/traces/qemu-vtd-6.1-trace.txt.gz \
	-o "$TMP/qemu.svt" || { echo "not ok 1 - import"; exit 0; }
"$SVATRACE" -q gen dsa-memcpy --set duration=200us -o "$TMP/dsa.svt"
"$SVATRACE" -q gen nic-rx --set duration=1ms -o "$TMP/nic.svt"
"$SVATRACE" -q gen nvme --set duration=2ms -o "$TMP/nvme.svt"
"$SVATRACE" -q gen random-access --set duration=500us -o "$TMP/ra.svt"
# 5 traces x 32 runs (16 scenarios x 2 profiles): every fifth run is
# sanitized (matrix_bin), so each scenario and profile runs under the
# sanitizers on one of the traces and each trace 6 or 7 times; the rest on
# the plain build (the residue is the model's arithmetic, the same in
# both). All 160 under ASan took 19 s of CPU.
k=0
for t in qemu dsa nic nvme ra; do
	bad= nz=0
	for sc in none pinned faulting faulting:resident=0.5 faulting:prq=trace dwq swq \
		pagesize=2m pagesize=1g inval=strict inval=lazy ats=on ats=off tenants=2 \
		pinned,inval=lazy faulting:prq=trace:reclaim=20k; do
		if [ $sc = none ]; then a=(); else a=(--scenario "$sc"); fi
		for prof in default qemu-vtd; do
			matrix_bin $((k++)) 5
			"$BIN" -q replay "$TMP/$t.svt" "${a[@]}" --profile $prof --json \
				> "$TMP/o.json" 2>&1 || { bad="$bad $sc/$prof=exit$?"; continue; }
			read -r r tot <<< "$(residue "$TMP/o.json")"
			[ "$r" = 0 ] || bad="$bad $sc/$prof:residue=$r"
			[ "$tot" = 0 ] || nz=$((nz + 1))
		done
	done
	check_eq "$t: xlate.part.* sum to xlate.latency_ns@sum in every scenario" "" "$bad"
	check_match "$t: most runs translate something (else the check is empty)" '^([4-9]|[1-9][0-9])$' "$nz"
done

# the parts name the mechanism: faulting's time is the PRI path's
"$SVATRACE" -q replay "$TMP/qemu.svt" --profile qemu-vtd --scenario faulting:resident=0.5 --json > "$TMP/f.json"
f=$(jget xlate.part.fault_ns "$TMP/f.json") h=$(jget xlate.part.pri_handler_wait_ns "$TMP/f.json")
check_match "faulting: fault service is a part (> 0)" '^[1-9]' "$f"
check_match "faulting: the handler wait is a part (> 0)" '^[1-9]' "$h"
check_match "faulting: the other requests of a faulting page wait on its fault (> 0)" '^[1-9]' \
	"$(jget xlate.part.inflight_fault_ns "$TMP/f.json")"
# pinned, no ATS (default profile): hits and walks only
"$SVATRACE" -q replay "$TMP/qemu.svt" --scenario pinned --json > "$TMP/p.json"
check_eq "pinned without ATS: no ATS time" 0 "$(jget xlate.part.ats_ns "$TMP/p.json")"
check_eq "pinned without ATS: no PRI time" 0 "$(jget xlate.part.fault_ns "$TMP/p.json")"
check_match "pinned without ATS: walks take time" '^[1-9]' "$(jget xlate.part.walk_mem_ns "$TMP/p.json")"
# the hit part is hit latency x hits: ATC hits x atc.hit_ns + IOTLB lookups x iotlb.hit_ns
"$SVATRACE" -q replay "$TMP/qemu.svt" --scenario pinned --set iotlb.hit_ns=7 --json > "$TMP/h.json"
check_eq "pinned without ATS: hit part = 7 ns x IOTLB lookups that were not merged" \
	"$(( 7 * ($(jget iotlb.hits "$TMP/h.json") + $(jget iotlb.misses "$TMP/h.json")) ))" \
	"$(jget xlate.part.hit_ns "$TMP/h.json")"
