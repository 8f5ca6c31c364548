#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay.sh - `svatrace replay` and `import --from access-csv`: help, parameter
# listing and validation (exit 2 naming the key), exact counts on hand-made
# access streams, and the real QEMU VT-d trace (every map translated,
# invalidations per type, identical on two runs).
. "$(dirname "$0")/lib.sh"

# jget KEY FILE: a top-level number of the --json output
jget() { sed -n "s/^  \"$1\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }

check_rc "replay --help exits 0" 0 "$SVATRACE" replay --help
check_match "help teaches --set and an example" "--set KEY=VALUE.*" "$OUT"
check_match "help has an example" "svatrace replay run.svt" "$OUT"
check_rc "replay without a trace is a usage error" 2 "$SVATRACE" replay

check_rc "--list-params exits 0" 0 "$SVATRACE" replay --list-params
check_match "--list-params shows iotlb.entries with its source" "iotlb.entries +entries +entries +128" "$OUT"
check_match "--list-params shows sources" "source: HyperSIO" "$OUT"
"$SVATRACE" replay --list-params --json > "$TMP/params.json"
nkeys=$(grep -c '"key":' "$TMP/params.json")
nsrc=$(grep -c '"source": "[^"]' "$TMP/params.json")
check_eq "--list-params --json: every key has a source" "$nkeys" "$nsrc"
[ "$nkeys" -ge 40 ] && ok "--list-params lists $nkeys keys" || not_ok "too few keys: $nkeys"

check_rc "unknown key: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.entriez=5
check_match "unknown key is named" "iotlb.entriez" "$OUT"
check_rc "zero ways: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.ways=0
check_match "zero ways names iotlb.ways" "iotlb.ways" "$OUT"
check_rc "entries not divisible by ways: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.entries=60 --set iotlb.ways=8
check_match "divisibility names the keys" "iotlb.entries=60, iotlb.ways=8: entries must be divisible by ways" "$OUT"
check_rc "negative latency: exit 2" 2 "$SVATRACE" replay --list-params --set mem.read_ns=-50
check_match "negative latency names mem.read_ns" "mem.read_ns: '-50' is negative" "$OUT"
check_rc "bad enum: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.policy=plru
printf '[iotlb]\nentries = 128\nwayz = 4\n' > "$TMP/bad.ini"
check_rc "profile with an unknown key: exit 2" 2 "$SVATRACE" replay --list-params --profile "$TMP/bad.ini"
check_match "profile error names file and key" "bad.ini: \\[iotlb\\] wayz: unknown parameter 'iotlb.wayz'" "$OUT"
check_rc "missing profile: exit 2" 2 "$SVATRACE" replay --list-params --profile nosuchprofile

# default.ini == built-in defaults, and every value in it has a source comment
"$SVATRACE" replay --list-params --json --profile default > "$TMP/dflt.json"
diffs=$(paste -d' ' <(sed -n 's/.*"default": "\(.*\)",/\1/p' "$TMP/dflt.json") \
	<(sed -n 's/.*"value": "\(.*\)",/\1/p' "$TMP/dflt.json") | awk '$1 != $2' | wc -l)
check_eq "default.ini sets every key to its built-in default" 0 "$diffs"
nini=$(grep -c '^[a-z_0-9]* = ' data/profiles/default.ini)
check_eq "default.ini has every key" "$nkeys" "$nini"
nsrcini=$(grep -B1 '^[a-z_0-9]* = ' data/profiles/default.ini | grep -c '^; source: ')
check_eq "every default.ini value has a source comment" "$nini" "$nsrcini"

# ---- access-csv: exact counts
cat > "$TMP/a.csv" <<'CSV'
time_ns,device,pasid,iova,size,dir
# pages A=0x1000 B=0x2000 C=0x3000 on a 2-entry fully associative LRU
1000,nic0,,0x1000,64,r
2000,nic0,,0x2000,64,r
3000,nic0,,0x1000,64,w
4000,nic0,,0x3000,64,r
5000,nic0,,0x2000,64,r
6000,nic0,,0x1000,8192,r
CSV
check_rc "import --from access-csv" 0 "$SVATRACE" import --from access-csv "$TMP/a.csv" -o "$TMP/a.svt"
"$SVATRACE" replay "$TMP/a.svt" --json --set iotlb.entries=2 --set iotlb.ways=2 > "$TMP/a.json"
# A B A C B A B: hits at A(3), B(7) -> LRU: A miss, B miss, A hit, C miss (evicts B), B miss (evicts A), A miss (evicts C), B hit
check_eq "access-csv: one lookup per page touched" 7 "$(jget iotlb.lookups "$TMP/a.json")"
check_eq "access-csv: LRU hits" 2 "$(jget iotlb.hits "$TMP/a.json")"
check_eq "access-csv: LRU misses" 5 "$(jget iotlb.misses "$TMP/a.json")"
check_eq "ats=off: no ATC lookups" 0 "$(jget atc.lookups "$TMP/a.json")"
"$SVATRACE" replay "$TMP/a.svt" --json --set ats.enabled=on --set atc.entries=2 --set atc.ways=2 > "$TMP/b.json"
check_eq "ats=on: ATC sees every page" 7 "$(jget atc.lookups "$TMP/b.json")"
check_eq "ats=on: IOTLB sees ATC misses only" "$(jget atc.misses "$TMP/b.json")" "$(jget iotlb.lookups "$TMP/b.json")"
# the same stream shuffled within the reorder window gives the same counts
{ head -1 "$TMP/a.csv"; grep '^[0-9]' "$TMP/a.csv" | sort -t, -k1,1nr; } > "$TMP/r.csv"
"$SVATRACE" import --from access-csv "$TMP/r.csv" -o "$TMP/r.svt" 2>/dev/null
"$SVATRACE" replay "$TMP/r.svt" --json --set iotlb.entries=2 --set iotlb.ways=2 > "$TMP/r.json"
check_eq "reordered input: same hits" 2 "$(jget iotlb.hits "$TMP/r.json")"
check_eq "reordered input: no late records" 0 "$(jget replay.late_records "$TMP/r.json")"
printf 'time_ns,device,pasid,iova,size,dir\n10,nic0,,0x1000,64,sideways\n' > "$TMP/bad.csv"
check_rc "bad CSV line: exit 1" 1 "$SVATRACE" import --from access-csv "$TMP/bad.csv" -o "$TMP/bad.svt"
check_match "bad CSV names file and line" "bad.csv:2: dir 'sideways'" "$OUT"
printf '10,nic0,,0x1000,64,r\n' > "$TMP/nohdr.csv"
check_rc "CSV without header: exit 1" 1 "$SVATRACE" import --from access-csv "$TMP/nohdr.csv" -o "$TMP/nohdr.svt"
check_rc "replay of a missing file: exit 1" 1 "$SVATRACE" replay "$TMP/nosuch.svt"
check_rc "unknown scenario: exit 2" 2 "$SVATRACE" replay "$TMP/a.svt" --scenario bogus
check_eq "unknown scenario: one message naming it" 1 "$(printf '%s\n' "$OUT" | grep -c "bogus")"
check_rc "bad scenario argument: exit 2" 2 "$SVATRACE" replay "$TMP/a.svt" --scenario faulting:resident=2
check_eq "bad scenario argument: one message naming it" 1 "$(printf '%s\n' "$OUT" | grep -c "resident")"

# ---- the real QEMU VT-d trace
REAL=data/traces/qemu-vtd-6.1-trace.txt.gz	# bundled with the repo
if [ -r "$REAL" ]; then
	"$SVATRACE" import --from ftrace-text "$REAL" -o "$TMP/q.svt" 2>/dev/null
	"$SVATRACE" replay "$TMP/q.svt" --json > "$TMP/q1.json"
	"$SVATRACE" replay "$TMP/q.svt" --json > "$TMP/q2.json"
	if cmp -s "$TMP/q1.json" "$TMP/q2.json"; then ok "real trace: identical on two runs"; else not_ok "real trace: runs differ"; fi
	maps=$(jget replay.maps "$TMP/q1.json")
	check_eq "real trace: 4036 maps" 4036 "$maps"
	check_eq "real trace: every map expanded" "$maps" "$(jget replay.maps_expanded "$TMP/q1.json")"
	# request expansion: iommu:map has no direction (read), 512-byte read requests, 8 per page
	check_eq "real trace: every mapped page translated, one lookup per 512-byte read request" \
		"$(( $(jget map.pages "$TMP/q1.json") * 8 ))" "$(jget xlate.count "$TMP/q1.json")"
	for t in iotlb_inv:5694 dev_tlb_inv:2499 iec_inv:74 cc_inv:16 pc_inv:16 p_iotlb_inv:15; do
		check_eq "real trace: inval.${t%%:*} counted" "${t##*:}" "$(jget "inval.${t%%:*}" "$TMP/q1.json")"
	done
	check_eq "real trace: inval.count is the sum" 8314 "$(jget inval.count "$TMP/q1.json")"
	l=$(jget iotlb.lookups "$TMP/q1.json"); h=$(jget iotlb.hits "$TMP/q1.json"); m=$(jget iotlb.misses "$TMP/q1.json")
	g=$(jget iotlb.merged "$TMP/q1.json")
	check_eq "real trace: lookups = hits + misses + merged (into a walk in flight)" "$l" "$((h + m + g))"
	check_eq "real trace: maps = completed unmaps + live" "$maps" \
		"$(( $(jget unmap.completed "$TMP/q1.json") + $(jget map.live "$TMP/q1.json") ))"
	p50=$(jget xlate.latency_ns@p50 "$TMP/q1.json"); p99=$(jget xlate.latency_ns@p99 "$TMP/q1.json")
	[ "$p50" -gt 0 ] && [ "$p99" -ge "$p50" ] && ok "real trace: latency p50 $p50 <= p99 $p99" || not_ok "bad percentiles $p50 $p99"
	"$SVATRACE" replay "$TMP/q.svt" --profile qemu-vtd --json > "$TMP/q3.json"
	a=$(jget atc.lookups "$TMP/q3.json")
	[ "$a" -gt 0 ] && ok "qemu-vtd profile: ATS on, $a ATC lookups" || not_ok "qemu-vtd profile: no ATC lookups"
	check_rc "human summary" 0 "$SVATRACE" replay "$TMP/q.svt"
	# expand=auto runs a prescan through the scenario chain, then resets the
	# chain: the run proper equals one with the resolved mode given (without
	# the reset, inval=strict keeps the device-TLB id it learnt in the prescan)
	"$SVATRACE" -q replay "$TMP/q.svt" --scenario inval=strict --json | grep -v '"replay.expand"' > "$TMP/qa.json"
	"$SVATRACE" -q replay "$TMP/q.svt" --scenario inval=strict --set replay.expand=request --json |
		grep -v '"replay.expand"' > "$TMP/qp.json"
	if cmp -s "$TMP/qa.json" "$TMP/qp.json"; then ok "expand=auto: chain reset after the prescan"
	else not_ok "expand=auto: prescan state leaked into the run" "$(diff "$TMP/qp.json" "$TMP/qa.json" | head -5)"; fi
	check_match "summary shows translations" "translations +[0-9]+ \\(p50" "$OUT"
else
	not_ok "real trace $REAL not readable"
fi

# ---- --db: the run lands in the SQLite results store
check_rc "replay --db stores the run" 0 "$SVATRACE" replay "$TMP/a.svt" --db "$TMP/r.db" --label csv-lru --set iotlb.entries=2 --set iotlb.ways=2
check_rc "svatrace runs lists it" 0 "$SVATRACE" runs --db "$TMP/r.db"
check_match "stored run has its label" "csv-lru" "$OUT"
if command -v sqlite3 > /dev/null; then
	check_eq "stored iotlb.hits" 2 "$(sqlite3 "$TMP/r.db" "select cast(value as int) from metrics where key='iotlb.hits'" 2>&1)"
fi

# ---- replay.expand=auto: explicit device accesses are not doubled by map expansion
# 5000 accesses: the default 10M/s for 500 us
check_rc "gen random-access (duration=500us)" 0 "$SVATRACE" gen random-access --set duration=500us -o "$TMP/g.svt"
"$SVATRACE" replay "$TMP/g.svt" --json > "$TMP/g.json"
check_eq "auto expansion is off with dev_access records" 0 "$(jget replay.expand_mode "$TMP/g.json")"
check_eq "... the 5000 generated accesses replayed" 5000 "$(jget access.count "$TMP/g.json")"
check_eq "one lookup per 64-byte access, no expansion" "$(jget access.count "$TMP/g.json")" "$(jget iotlb.lookups "$TMP/g.json")"
"$SVATRACE" replay "$TMP/g.svt" --json --set replay.expand=page > "$TMP/g2.json"
m=$(jget replay.maps_expanded "$TMP/g2.json")
[ "${m:-0}" -ge 1 ] && ok "expand=page forces expansion ($m maps)" || not_ok "expand=page did not expand"

# ---- replay.expand=auto decides on the records the model sees (after --scenario)
# nvme: maps only. faulting turns each mapped page into one 64-byte access;
# pinned on top turns those accesses back into pins and maps. Decided on the
# raw trace (maps only: page), the maps pinned made were expanded too and
# every touch was translated twice.
"$SVATRACE" -q gen nvme --set duration=2ms --seed 2 -o "$TMP/nvme.svt"
"$SVATRACE" -q replay "$TMP/nvme.svt" --json > "$TMP/n0.json"
"$SVATRACE" -q replay "$TMP/nvme.svt" --scenario faulting --json > "$TMP/n1.json"
"$SVATRACE" -q replay "$TMP/nvme.svt" --scenario faulting,pinned --json > "$TMP/n2.json"
check_eq "no scenario: maps only, auto expands per PCIe request" 4 "$(jget replay.expand_mode "$TMP/n0.json")"
# faulting hands its maps on to the same expansion (one device-side timing for every scenario)
check_eq "faulting: maps expanded as without a scenario" \
	"4 $(jget replay.expanded_accesses "$TMP/n0.json")" \
	"$(jget replay.expand_mode "$TMP/n1.json") $(jget replay.expanded_accesses "$TMP/n1.json")"
check_eq "faulting,pinned: the maps expanded once, as with faulting alone" \
	"$(jget replay.expanded_accesses "$TMP/n1.json")" "$(jget replay.expanded_accesses "$TMP/n2.json")"
check_eq "faulting,pinned: each touch translated once, as with faulting alone" \
	"$(jget xlate.count "$TMP/n1.json")" "$(jget xlate.count "$TMP/n2.json")"

