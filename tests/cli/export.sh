#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# export.sh - `svatrace export --perfetto` decoded by protoc with a schema
# written from Perfetto's documented field numbers (tests/cli/
# perfetto_subset.proto) and by --decode_raw; event and track counts
# checked against `info`; --replay adds model counter tracks; a DSA trace
# gets its in-flight counter. `export --sqlite`: table row counts equal
# info's per-kind counts; bad input fails with one clear message.
. "$(dirname "$0")/lib.sh"
D=$(dirname "$0")
decode() { protoc --decode=perfetto.protos.Trace --proto_path="$D" "$D/perfetto_subset.proto" <"$1" | python3 "$D/pf_decode.py"; }

IN=data/traces/qemu-vtd-6.1-trace.txt.gz # bundled: tests never read ../shared
"$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/q.svt" 2>/dev/null
INFO=$("$SVATRACE" info --json "$TMP/q.svt")
# the values the checks read from a JSON object, one jq start per object
# (a jq start per value cost ~20 ms of CPU, 20 of them): I[0..2] from info,
# P[...] from each decode below, one compact (-cS) value a line
mapfile -t I < <(jq -cS '.records, .events, .record_kinds' <<<"$INFO")

check_rc "export --perfetto of the real 6.1 trace" 0 "$SVATRACE" export --perfetto "$TMP/q.svt" -o "$TMP/q.pftrace"
check_match "... says what it wrote" 'events \(.*mapping slices\).*tracks: .* device, 1 IOMMU unit' "$OUT"
check_rc "protoc --decode_raw reads it as one protobuf message" 0 sh -c "protoc --decode_raw <'$TMP/q.pftrace' >'$TMP/raw.txt'"
check_eq "... one top-level Trace.packet (field 1) per packet" \
	"$(grep -c '^1 {' "$TMP/raw.txt")" "$(grep -c '^  10: 1$' "$TMP/raw.txt")"
S=$(decode "$TMP/q.pftrace")
mapfile -t P < <(jq -cS '(.types.TYPE_INSTANT + .types.TYPE_SLICE_BEGIN), .events_by_name, .events_by_category,
	.open_slices, .tracks_under.Devices, [.track_names[] | select(test("^dmar"))], .counter_tracks' <<<"$S")
check_match "schema decode: every event on a described track, names interned first" '"packets"' "$S"
check_eq "one instant or slice begin per record (info: records)" "${I[0]-}" "${P[0]-}"
check_eq "events by name equal info's events" "${I[1]-}" "${P[1]-}"
check_eq "events by category equal info's record kinds" "${I[2]-}" "${P[2]-}"
check_eq "every mapping slice ends (unmap or end of trace)" 0 "${P[3]-}"
check_match "maps have lifetime slices on lanes" '"TYPE_SLICE_BEGIN": ?[1-9]' "$S"
NDEV=$("$SVATRACE" dump "$TMP/q.svt" | jq -r 'select(.kind=="dev_group") | .device_id' | sort -u | wc -l)
check_eq "one track per device (+1 for maps without a device)" "$((NDEV + 1))" "${P[4]-}"
check_eq "one track per IOMMU unit (dmar0)" '["dmar0"]' "${P[5]-}"
check_eq "no counter tracks without --replay or work queues" 0 "${P[6]-}"
SIZE=$(stat -c %s "$TMP/q.pftrace")
echo "# perfetto export of the bundled 6.1 trace: $SIZE bytes for ${I[0]-} records"

check_rc "export --perfetto --replay" 0 "$SVATRACE" export --perfetto "$TMP/q.svt" --replay -o "$TMP/qr.pftrace"
S=$(decode "$TMP/qr.pftrace")
mapfile -t P < <(jq -cS '[.track_names[] | select(test("^(inval|iotlb|map\\.|pri|pin)"))],
	.counter_sums["iotlb.misses"], .counter_sums["inval.count"]' <<<"$S")
check_eq "model series as counter tracks under 'Model (replay)'" \
	'["inval.count","iotlb.misses","map.live_bytes"]' "${P[0]-}"
RJ=$("$SVATRACE" replay --json "$TMP/q.svt" 2>/dev/null)
mapfile -t R < <(jq -cS '.["iotlb.misses"], .["inval.count"]' <<<"$RJ")
check_eq "the iotlb.misses counter sums to the replay's iotlb.misses metric" "${R[0]-}" "${P[1]-}"
check_eq "inval.count likewise" "${R[1]-}" "${P[2]-}"
check_rc "--set implies --replay; a bad key is a usage error" 2 "$SVATRACE" export --perfetto "$TMP/q.svt" --set iotlb.entires=4 -o "$TMP/x.pftrace"
check_match "... naming the key" 'iotlb.entires' "$OUT"

# a DSA trace: work-queue submissions and completions, in-flight counter
"$SVATRACE" gen dsa-memcpy --set duration=1ms --set clients=2 -o "$TMP/dsa.svt" 2>/dev/null
check_rc "export a DSA trace" 0 "$SVATRACE" export --perfetto "$TMP/dsa.svt" -o "$TMP/dsa.pftrace"
S=$(decode "$TMP/dsa.pftrace")
DI=$("$SVATRACE" info --json "$TMP/dsa.svt")
mapfile -t P < <(jq -cS '.events_by_name, [.track_names[] | select(test("in flight"))], .types.TYPE_COUNTER' <<<"$S")
mapfile -t DV < <(jq -cS '.events, (.events["idxd:submit"] + .events["idxd:complete"])' <<<"$DI")
check_eq "WQ submissions and completions all exported" "${DV[0]-}" "${P[0]-}"
check_eq "one in-flight counter track for dsa0" '["dsa0 WQ descriptors in flight"]' "${P[1]-}"
check_eq "one counter value per accepted submission and per completion" "${DV[1]-}" "${P[2]-}"

# bad input
check_fails "no format is a usage error" "$SVATRACE" export "$TMP/q.svt" -o "$TMP/x"
check_match "... saying which formats" 'perfetto or --sqlite' "$OUT"
check_fails "a missing trace fails" "$SVATRACE" export --perfetto "$TMP/nope.svt" -o "$TMP/x"
check_match "... naming it" 'nope.svt' "$OUT"
check_eq "... with one error line" 1 "$(printf '%s\n' "$OUT" | wc -l)"
# torn inside its records: v1 (import writes v2, a few large chunks)
"$SVATRACE" convert --v1 "$TMP/q.svt" -o "$TMP/q1.svt" 2>/dev/null
head -c 1200000 "$TMP/q1.svt" >"$TMP/torn.svt"
check_fails "a torn trace fails" "$SVATRACE" export --perfetto "$TMP/torn.svt" -o "$TMP/torn.pftrace"
check_match "... saying where and that the prefix was exported" 'byte .*exported' "$OUT"
check_rc "... and the prefix is a valid Perfetto file" 0 sh -c "protoc --decode_raw <'$TMP/torn.pftrace' >/dev/null"

# SQLite
check_rc "export --sqlite" 0 "$SVATRACE" export --sqlite "$TMP/q.svt" -o "$TMP/q.db"
check_match "... says what it wrote" '14958 records in 15 tables' "$OUT"
check_eq "rows per table equal info's record kinds" "${I[2]-}" \
	"$(for t in dev_group iommu_map iommu_unmap qi_submit; do echo "$t $(sqlite3 "$TMP/q.db" "SELECT count(*) FROM $t")"; done |
		jq -RcSn '[inputs | split(" ") | {(.[0]): (.[1] | tonumber)}] | add')"
check_eq "string fields hold the string, typed columns" "dmar0|integer" \
	"$(sqlite3 "$TMP/q.db" "SELECT iommu_id, typeof(addr) FROM qi_submit LIMIT 1")"
check_eq "indexes on time and device" "dma_dev dma_ts iommu_map_dev iommu_map_ts" \
	"$(sqlite3 "$TMP/q.db" "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN ('iommu_map','dma') ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"
check_eq "a query uses the time index" 1 \
	"$(sqlite3 "$TMP/q.db" "EXPLAIN QUERY PLAN SELECT * FROM iommu_map WHERE ts_ns > 5" | grep -c 'iommu_map_ts')"
check_fails "a torn trace: --sqlite fails too" "$SVATRACE" export --sqlite "$TMP/torn.svt" -o "$TMP/torn.db"
check_eq "... but keeps the verified prefix" 1 \
	"$(sqlite3 "$TMP/torn.db" "SELECT (SELECT count(*) FROM qi_submit) > 0 AND value = '0' FROM trace_meta WHERE key='complete'")"
echo "1..$TAP_N"
