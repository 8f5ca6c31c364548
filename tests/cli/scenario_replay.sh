#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scenario_replay.sh - `svatrace replay --scenario` on one generated trace:
# pinned vs faulting vs faulting with every page resident, checked against
# numbers known without the model (pages of the footprint, the cost table),
# and the --db record of a run (trace identity, resolved config, sources).
. "$(dirname "$0")/lib.sh"

T=$TMP/ra.svt
DB=$TMP/scn.db
PAGES=256			# footprint 1 MiB / 4 KiB
# 20000 uniform accesses over 256 pages: P(some page untouched) < 256*e^-78
"$SVATRACE" gen random-access --set duration=2ms --set rate=10M --set footprint=1m \
	--set map=off --seed 3 -o "$T" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }

# metric LABEL KEY: a metric of the run stored under LABEL
metric() {
	sqlite3 "$DB" "SELECT CAST(m.value AS INTEGER) FROM metrics m JOIN runs r ON r.id = m.run_id
		WHERE r.label = '$1' AND m.key = '$2'"
}
run() {	# run LABEL ARGS...
	local l=$1; shift
	"$SVATRACE" -q replay "$T" --label "$l" --db "$DB" "$@"
}

check_rc "replay --scenario pinned --db" 0 run pinned --scenario pinned
check_rc "replay --scenario faulting --db" 0 run faulting --scenario faulting
check_rc "replay --scenario faulting:resident=1" 0 run resident --scenario faulting:resident=1
check_rc "replay --scenario faulting:resident=0.5" 0 run half --scenario faulting:resident=0.5

# pinned: the pin-down path pins and maps each distinct page once
check_eq "pinned: pages pinned = distinct pages touched ($PAGES)" "$PAGES" "$(metric pinned pin.pages)"
check_eq "pinned: no page requests" "0" "$(metric pinned pri.requests)"
check_eq "pinned: pin cost = pages x pin.page_ns (22)" "$((PAGES * 22))" "$(metric pinned pin.cpu_ns)"
check_eq "pinned: map cost = calls x (map.call_ns 1500 + map.page_ns 10)" \
	"$((PAGES * 1510))" "$(metric pinned map.cpu_ns)"
check_eq "pinned: unmap cost = calls x (1500 + 10)" "$((PAGES * 1510))" "$(metric pinned unmap.cpu_ns)"
check_eq "pinned: one unmap per map" "$(metric pinned map.count)" "$(metric pinned unmap.count)"

# faulting: every first touch of a non-resident page is one page request
check_eq "faulting: page requests = distinct non-resident pages ($PAGES)" "$PAGES" \
	"$(metric faulting pri.requests)"
check_eq "faulting: every request answered" "$PAGES" "$(metric faulting pri.responses)"
check_eq "faulting: no pin/map/unmap cost" "0 0 0" \
	"$(metric faulting pin.cpu_ns) $(metric faulting map.cpu_ns) $(metric faulting unmap.cpu_ns)"
check_eq "faulting: no invalidations issued by the host" "0" "$(metric faulting inval.iotlb_inv)"
check_eq "resident fraction 1: no faults" "0" "$(metric resident pri.requests)"
check_eq "resident fraction 1: every first touch resident" "$PAGES" \
	"$(metric resident fault.first_touch_resident)"

# resident=0.5: conservation, and the count within 4 sigma of Binomial(256, 0.5)
req=$(metric half pri.requests)
res=$(metric half fault.first_touch_resident)
check_eq "resident 0.5: requests + resident first touches = distinct pages" "$PAGES" "$((req + res))"
if [ "$req" -ge 96 ] && [ "$req" -le 160 ]; then
	ok "resident 0.5: $req requests within 128 +- 32"
else
	not_ok "resident 0.5: requests within 128 +- 32" "got $req"
fi
echo "# trade-off: pinned host CPU $(( $(metric pinned pin.cpu_ns) + $(metric pinned map.cpu_ns) + $(metric pinned unmap.cpu_ns) )) ns," \
	"faulting $(metric faulting pri.requests) faults, mean fault latency" \
	"$(sqlite3 "$DB" "SELECT m.value FROM metrics m JOIN runs r ON r.id=m.run_id WHERE r.label='faulting' AND m.key='pri.mean_fault_latency_ns'") ns"

# the stored run: scenario, trace identity, full resolved config with sources
check_eq "run records the normalised scenario" "faulting:resident=0.5" \
	"$(sqlite3 "$DB" "SELECT scenario FROM runs WHERE label='half'")"
# a v2 trace closed cleanly stores its content hash (trace/format.h) in the
# 32 bytes before the END chunk: replay names the trace by it without a
# second read; a torn copy has none and is named by BLAKE2b-256 of its bytes
check_eq "trace hash is the one stored in the trace" "$(tail -c 64 "$T" | head -c 32 | od -An -tx1 | tr -d ' \n')" \
	"$(sqlite3 "$DB" "SELECT trace_hash FROM runs WHERE label='half'")"
head -c -32 "$T" > "$TMP/torn.svt"
"$SVATRACE" replay "$TMP/torn.svt" --db "$DB" --label torn > /dev/null 2>&1 || true
check_eq "torn trace hash is BLAKE2b-256 of the file" "$(b2sum -l 256 "$TMP/torn.svt" | cut -d' ' -f1)" \
	"$(sqlite3 "$DB" "SELECT trace_hash FROM runs WHERE label='torn'")"
check_eq "trace size recorded" "$(stat -c %s "$T")" \
	"$(sqlite3 "$DB" "SELECT trace_bytes FROM runs WHERE label='half'")"
nparams=$("$SVATRACE" replay --list-params --json | grep -c '"key"')
check_eq "every resolved parameter stored ($nparams)" "$nparams" \
	"$(sqlite3 "$DB" "SELECT COUNT(*) FROM run_config c JOIN runs r ON r.id=c.run_id WHERE r.label='half'")"
check_eq "scenario override recorded with its source" "faulting|scenario faulting:resident=0.5" \
	"$(sqlite3 "$DB" "SELECT value || '|' || source FROM run_config c JOIN runs r ON r.id=c.run_id WHERE r.label='half' AND key='model.mode'")"
check_eq "histograms and series stored" "yes" \
	"$(sqlite3 "$DB" "SELECT CASE WHEN (SELECT COUNT(*) FROM histograms h JOIN runs r ON r.id=h.run_id WHERE r.label='half') > 0
		AND (SELECT COUNT(*) FROM series s JOIN runs r ON r.id=s.run_id WHERE r.label='half') > 0 THEN 'yes' ELSE 'no' END")"

# order: profile < scenario < --set
check_rc "--set after the scenario" 0 run override --scenario faulting --set model.resident_fraction=1
check_eq "--set wins over the scenario's override" "0" "$(metric override pri.requests)"
check_eq "... and is recorded as --set" "1|--set" \
	"$(sqlite3 "$DB" "SELECT value || '|' || source FROM run_config c JOIN runs r ON r.id=c.run_id WHERE r.label='override' AND key='model.resident_fraction'")"

# help and errors
check_rc "--scenario help" 0 "$SVATRACE" replay --scenario help
for t in pinned faulting dwq swq pagesize inval ats tenants; do
	check_match "--scenario help lists $t" "^$t" "$OUT"
done
check_rc "unknown transform: usage error" 2 "$SVATRACE" replay "$T" --scenario warp
check_match "... naming it" "warp" "$OUT"
check_rc "bad transform argument: usage error" 2 "$SVATRACE" replay "$T" --scenario faulting:resident=2
check_match "... naming the argument" "resident" "$OUT"

# dwq vs swq through the scenarios on one generated DSA workload (4 KiB,
# closed loop): one client saturates the engines through its DWQ, but through
# one SWQ every descriptor pays the ENQCMD round trip, so throughput drops;
# with 16 clients on one 32-entry SWQ the queue fills and ENQCMD retries.
for n in 1 16; do
	"$SVATRACE" -q gen dsa-memcpy --set clients=$n --set rate=4M --set duration=1ms --seed 3 -o "$TMP/dsa$n.svt"
	"$SVATRACE" -q replay "$TMP/dsa$n.svt" --scenario dwq --json > "$TMP/dwq$n.json"
	"$SVATRACE" -q replay "$TMP/dsa$n.svt" --scenario swq --json > "$TMP/swq$n.json"
done
d1=$(jget wq.device.desc_per_s "$TMP/dwq1.json"); s1=$(jget wq.device.desc_per_s "$TMP/swq1.json")
check_eq "1 client: DWQ throughput > 2x SWQ ($d1 vs $s1 desc/s)" yes \
	"$(awk -v d="$d1" -v s="$s1" 'BEGIN { print (d > 2 * s && s > 0) ? "yes" : "no" }')"
check_eq "swq scenario made WQ 0 shared" '"shared"' \
	"$(grep -o '"wq.wq0.mode": "[a-z]*"' "$TMP/swq1.json" | awk '{print $2}')"
r1=$(jget submit.retries_per_desc "$TMP/swq1.json"); r16=$(jget submit.retries_per_desc "$TMP/swq16.json")
rd=$(jget submit.retries_per_desc "$TMP/dwq16.json")
check_eq "SWQ retries grow with clients (1: $r1, 16: $r16), DWQ has none ($rd)" yes \
	"$(awk -v a="$r1" -v b="$r16" -v d="$rd" 'BEGIN { print (b > a && b > 0.5 && d == 0) ? "yes" : "no" }')"
