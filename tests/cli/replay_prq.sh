#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_prq.sh - trace page requests (PAGE_REQ records) as PRI input of the
# model: a hand-written intel_iommu:prq_report text imported and replayed
# with costs chosen so every latency is known exactly; the faulting
# scenario's prq=trace against prq=model on one generated trace (same model
# results); page request groups from the scenario; conservation.
. "$(dirname "$0")/lib.sh"

# Two groups: PASID 5 index 1 of three requests (r, rw, w; the third is the
# last), PASID 6 index 2 of one, 100 us later.
cat > "$TMP/prq.txt" <<'EOF'
# tracer: nop
     irq/32-dmar0-77    [001] .....   100.000000: prq_report: dmar0/0000:6a:01.0 seq# 1: rid=0x6a08 addr=0x7f001 r---- pasid=0x5 index=0x1
     irq/32-dmar0-77    [001] .....   100.000000: prq_report: dmar0/0000:6a:01.0 seq# 2: rid=0x6a08 addr=0x7f002 rw--- pasid=0x5 index=0x1
     irq/32-dmar0-77    [001] .....   100.000000: prq_report: dmar0/0000:6a:01.0 seq# 3: rid=0x6a08 addr=0x7f003 -w--l pasid=0x5 index=0x1
     irq/32-dmar0-77    [001] .....   100.000100: prq_report: dmar0/0000:6a:01.0 seq# 4: rid=0x6a08 addr=0x80000 r---l pasid=0x6 index=0x2
EOF
"$SVATRACE" -q import -f ftrace-text "$TMP/prq.txt" -o "$TMP/prq.svt" ||
	{ echo "not ok 1 - import"; exit 0; }

# Only PCIe hops (O 100), dispatch (D 1000) and service (S 5000) cost: a
# fault takes 6 O + D + n S where n is the size of its group.
EXACT=(--set mem.read_ns=0 --set walk.fixed_ns=0 --set iotlb.hit_ns=0 --set atc.hit_ns=0
	--set pcie.one_way_ns=100 --set pri.dispatch_ns=1000 --set fault.minor_ns=5000
	--set fault.dist=fixed --set pri.retry_ns=0 --set pri.thread_ns=0 --set inval.qi_wait_ns=0)
check_rc "replay --scenario faulting:prq=keep" 0 \
	"$SVATRACE" -q replay "$TMP/prq.svt" --scenario faulting:prq=keep "${EXACT[@]}" --json
printf '%s\n' "$OUT" > "$TMP/keep.json"
check_eq "pri.requests = PAGE_REQ records (4)" 4 "$(jget pri.requests "$TMP/keep.json")"
check_eq "pri.trace_requests = 4" 4 "$(jget pri.trace_requests "$TMP/keep.json")"
check_eq "one page group response per group (2)" 2 "$(jget pri.responses "$TMP/keep.json")"
check_eq "... and as page_grp_resp descriptors" 2 "$(jget inval.page_grp_resp "$TMP/keep.json")"
check_eq "the responses answer all 4 requests, none in flight" "4 0" \
	"$(jget pri.answered "$TMP/keep.json") $(jget pri.in_flight "$TMP/keep.json")"
check_eq "trace's W flags carried (2 of 4 ask for write)" 2 "$(jget pri.trace_write_requests "$TMP/keep.json")"
check_eq "service CPU = 4 x fault.minor_ns" 20000 "$(jget pri.service_cpu_ns "$TMP/keep.json")"
# group of 3: 600 + 1000 + 15000 each; group of 1: 600 + 1000 + 5000
check_eq "mean fault latency = (3 x 16600 + 6600) / 4" 14100 \
	"$(jget pri.mean_fault_latency_ns "$TMP/keep.json")"
check_eq "each request is one translation" 4 "$(jget xlate.count "$TMP/keep.json")"
check_eq "latency sum = 3 x 16600 + 6600" 56400 "$(jget xlate.latency_ns@sum "$TMP/keep.json")"
"$SVATRACE" -q replay "$TMP/prq.svt" --set model.mode=faulting --set ats.enabled=on "${EXACT[@]}" \
	--json > "$TMP/set.json"
check_eq "same as --set model.mode=faulting --set ats.enabled=on" \
	"$(grep -E '"(pri|xlate)\.' "$TMP/keep.json" | grep -v '"pri\..*": "')" \
	"$(grep -E '"(pri|xlate)\.' "$TMP/set.json" | grep -v '"pri\..*": "')"
check_eq "without ATS the requests are unrecoverable faults" "4 0" \
	"$("$SVATRACE" -q replay "$TMP/prq.svt" --set model.mode=faulting --json > "$TMP/noats.json";
	   echo "$(jget fault.unrecoverable "$TMP/noats.json") $(jget pri.requests "$TMP/noats.json")")"
# pinned (the default): present pages; PASID keys the translation
"$SVATRACE" -q replay "$TMP/prq.svt" --json > "$TMP/pinned.json"
check_eq "pinned: no page requests served, 4 translations" "0 4 4" \
	"$(jget pri.requests "$TMP/pinned.json") $(jget pri.trace_requests "$TMP/pinned.json") $(jget xlate.count "$TMP/pinned.json")"

# the same page under two PASIDs is two translations; again under one is a hit
cat > "$TMP/pasid.txt" <<'EOF'
     irq/32-dmar0-77    [001] .....   1.000000: prq_report: dmar0/0000:6a:01.0 seq# 1: rid=0x6a08 addr=0x7f001 r---l pasid=0x5 index=0x1
     irq/32-dmar0-77    [001] .....   1.000010: prq_report: dmar0/0000:6a:01.0 seq# 2: rid=0x6a08 addr=0x7f001 r---l pasid=0x6 index=0x2
     irq/32-dmar0-77    [001] .....   1.000020: prq_report: dmar0/0000:6a:01.0 seq# 3: rid=0x6a08 addr=0x7f001 r---l pasid=0x5 index=0x3
EOF
"$SVATRACE" -q import -f ftrace-text "$TMP/pasid.txt" -o "$TMP/pasid.svt"
"$SVATRACE" -q replay "$TMP/pasid.svt" --json > "$TMP/pasid.json"
check_eq "pinned: PASID 5, 6, 5 on one address: 2 IOTLB misses, 1 hit" "2 1" \
	"$(jget iotlb.misses "$TMP/pasid.json") $(jget iotlb.hits "$TMP/pasid.json")"

# Generated trace, faulting scenario: page requests as records (prq=trace)
# against the model's own residency (prq=model). With every page
# non-resident and a group per request, every model number is the same.
T=$TMP/ra.svt
"$SVATRACE" -q gen random-access --set duration=2ms --set rate=10M --set footprint=1m \
	--set map=off --seed 3 -o "$T"
"$SVATRACE" -q replay "$T" --scenario faulting --json > "$TMP/model.json"
"$SVATRACE" -q replay "$T" --scenario faulting:prq=trace:prg=page --json > "$TMP/trace.json"
# keys that must differ: the records replayed, the page requests that came from the trace,
# the touches they covered, the scenario's own spec and overrides
strip() {
	grep -vE '"(scenario|label|replay\.records|replay\.records\.page_req|replay\.max_reorder_held|pri\.trace_requests|pri\.trace_write_requests|access\.absorbed_pages|model\.resident_fraction|model\.mode|ats\.enabled|ats\.devices)":' "$1"
}
check_eq "prq=trace:prg=page = prq=model on every model metric, histogram and series" "" \
	"$(diff <(strip "$TMP/model.json") <(strip "$TMP/trace.json"))"
check_eq "... with 256 requests from 256 PAGE_REQ records" "256 256 256" \
	"$(jget pri.requests "$TMP/trace.json") $(jget pri.trace_requests "$TMP/trace.json") $(jget replay.records.page_req "$TMP/trace.json")"
check_eq "... and the touch that faulted translated once (256 absorbed)" 256 \
	"$(jget access.absorbed_pages "$TMP/trace.json")"

# DSA descriptors: the pages of one descriptor are one group (4 handlers, so
# that per-page groups can be served in parallel; free responses, so that only
# the serial service inside a group differs)
D=$TMP/dsa.svt
"$SVATRACE" -q gen dsa-memcpy --set clients=2 --set duration=200us --seed 4 -o "$D"
"$SVATRACE" -q replay "$D" --scenario faulting:prq=trace --set pri.handlers=4 --set inval.qi_wait_ns=0 --json > "$TMP/grp.json"
"$SVATRACE" -q replay "$D" --scenario faulting:prq=trace:prg=page --set pri.handlers=4 --set inval.qi_wait_ns=0 --json > "$TMP/page.json"
req=$(jget pri.requests "$TMP/grp.json"); resp=$(jget pri.responses "$TMP/grp.json")
nsub=$(jget replay.records.wq_submit "$TMP/grp.json")
check_eq "prq=trace: pri.requests = PAGE_REQ records" "$(jget replay.records.page_req "$TMP/grp.json")" "$req"
check_eq "conservation: requests = answered + dropped, none in flight" \
	"$req 0" "$(( $(jget pri.answered "$TMP/grp.json") + $(jget pri.dropped "$TMP/grp.json") )) $(jget pri.in_flight "$TMP/grp.json")"
check_eq "groups: fewer responses than requests, at most one per descriptor" yes \
	"$([ "$resp" -lt "$req" ] && [ "$resp" -le "$nsub" ] && [ "$resp" -gt 0 ] && echo yes || echo "no: $resp of $req, $nsub descriptors")"
check_eq "prg=page: one response per request" "$(jget pri.requests "$TMP/page.json")" \
	"$(jget pri.responses "$TMP/page.json")"
check_eq "same requests either way" "$req" "$(jget pri.requests "$TMP/page.json")"
check_eq "a group is served by one handler: mean fault latency grows" yes \
	"$(awk -v g="$(jget pri.mean_fault_latency_ns "$TMP/grp.json")" -v p="$(jget pri.mean_fault_latency_ns "$TMP/page.json")" \
		'BEGIN { print (g > p) ? "yes" : "no: " g " vs " p }')"
# a page group response is one qi_submit_sync on the handler's CPU
# (intel_svm_page_response): per-page groups pay it per request
"$SVATRACE" -q replay "$D" --scenario faulting:prq=trace --set pri.handlers=4 --set inval.qi_wait_ns=9000 --json > "$TMP/grp9.json"
"$SVATRACE" -q replay "$D" --scenario faulting:prq=trace:prg=page --set pri.handlers=4 --set inval.qi_wait_ns=9000 --json > "$TMP/page9.json"
check_eq "response CPU = responses x qi_wait_ns (groups, pages)" \
	"$(( $(jget pri.responses "$TMP/grp9.json") * 9000 )) $(( $(jget pri.responses "$TMP/page9.json") * 9000 ))" \
	"$(jget pri.response_cpu_ns "$TMP/grp9.json") $(jget pri.response_cpu_ns "$TMP/page9.json")"

# tenants copy a fault with the access it faulted for: without a PASID each
# tenant is its own device, page request and access alike
N=$TMP/nic.svt
"$SVATRACE" -q gen nic-rx --set duration=1ms --seed 5 -o "$N"
"$SVATRACE" -q replay "$N" --scenario "faulting:prq=trace,tenants=2" --json > "$TMP/ten.json"
check_eq "tenants=2: every copied page request faults its copy's first touch" \
	"$(jget pri.trace_requests "$TMP/ten.json")" "$(jget pri.answered "$TMP/ten.json")"
check_eq "... so every touch is translated once" \
	"$(jget access.pages "$TMP/ten.json")" "$(jget xlate.count "$TMP/ten.json")"

# prq=trace decides at the map which pages are not resident, but the device
# faults when the replay's expansion first touches them, as with prq=model
# (one device timing): with :prg=page the two give the same latency. Before,
# prq=trace touched every page of a map at map time (2048 extra 64-byte
# accesses here) and the means differed (9.88 vs 9.25 ms).
"$SVATRACE" -q gen random-access --set footprint=8m --set duration=2ms --set map=on -o "$TMP/ram.svt"
"$SVATRACE" -q replay "$TMP/ram.svt" --scenario faulting:prq=model --json > "$TMP/ram-m.json"
"$SVATRACE" -q replay "$TMP/ram.svt" --scenario faulting:prq=trace:prg=page --json > "$TMP/ram-t.json"
check_eq "map=on: prq=trace:prg=page faults at the expansion's touches (latency, requests, accesses as prq=model)" \
	"$(jget xlate.latency_ns@mean "$TMP/ram-m.json") $(jget pri.requests "$TMP/ram-m.json") $(jget access.count "$TMP/ram-m.json")" \
	"$(jget xlate.latency_ns@mean "$TMP/ram-t.json") $(jget pri.requests "$TMP/ram-t.json") $(jget access.count "$TMP/ram-t.json")"
check_eq "map=on, prq=trace: no touches made at map time" 0 "$(jget access.absorbed_pages "$TMP/ram-t.json")"

# Page requests carry the touching access's PASID: a map's touches (no PASID)
# use the device's PASID, so with map=on or off every page of the footprint
# faults exactly once (2048 pages of 8 MiB; the map's touches doubled them).
for mp in on off; do
	R=$TMP/ra-$mp.svt
	"$SVATRACE" -q gen random-access --set footprint=8m --set duration=2ms --set map=$mp -o "$R"
	for prq in model trace; do
		"$SVATRACE" -q replay "$R" --scenario faulting:prq=$prq --json > "$TMP/ra.json"
		check_eq "gen random-access map=$mp, faulting:prq=$prq: one page request per page" 2048 \
			"$(jget pri.requests "$TMP/ra.json")"
	done
done

# SVA invalidations: each page the faulting scenario reclaims is invalidated
# as the mmu notifier does (PASID-selective IOTLB + device-TLB, one wait
# each); before, faulting mode issued none.
R=$TMP/rr.svt
"$SVATRACE" -q gen random-access --set footprint=4m --set duration=5ms --set map=off -o "$R"
"$SVATRACE" -q replay "$R" --scenario faulting:prq=trace --json > "$TMP/rr0.json"
"$SVATRACE" -q replay "$R" --scenario faulting:prq=trace:reclaim=200000 --json > "$TMP/rr1.json"
check_eq "no reclaim: no SVA invalidations" "0 0" \
	"$(jget inval.p_iotlb_inv "$TMP/rr0.json") $(jget inval.p_dev_tlb_inv "$TMP/rr0.json")"
n=$(jget inval.p_iotlb_inv "$TMP/rr1.json")
check_eq "reclaim 200000/s over 5 ms: 999 pages reclaimed, each a PASID IOTLB + device-TLB invalidation" "999 999" \
	"$n $(jget inval.p_dev_tlb_inv "$TMP/rr1.json")"
check_eq "... two synchronous waits each (Linux 6.1 intel_flush_svm_range_dev)" "$((2 * n))" \
	"$(jget inval.sync_waits "$TMP/rr1.json")"
