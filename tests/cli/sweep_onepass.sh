#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_onepass.sh - a sweep of IOTLB geometry (entries x ways x page size)
# over a trace of device accesses, with translations completing at once, is
# computed from one pass over the trace for both page sizes (LRU stack distances): every point's
# iotlb.lookups, hits and misses equal a separate replay's, its point key is
# the replay's (a second sweep finds them all done), and the sweep says
# which points it replayed fully: with walk time, or another swept key,
# none is one-pass.
. "$(dirname "$0")/lib.sh"

T=$TMP/acc.svt
DB=$TMP/s.db
"$SVATRACE" gen random-access --set duration=2ms --set map=off --set footprint=16m -o "$T" > /dev/null
INST=(--set ats.enabled=off --set walk.fixed_ns=0 --set mem.read_ns=0)
OUT=$("$SVATRACE" sweep "$T" "${INST[@]}" --grid iotlb.entries=16,128,1024 \
	--grid iotlb.ways=4,16 --grid pt.page_bytes=4K,2M --db "$DB" --json -j 2)
check_eq "12 points from the one-pass curve" 12 "$(jq .one_pass <<< "$OUT")"
check_eq "all 12 stored" 12 "$(sqlite3 "$DB" "SELECT COUNT(*) FROM runs WHERE status = 0")"
bad=0
for e in 16 128 1024; do
	for w in 4 16; do
		for p in 4K 2M; do
			want=$("$SVATRACE" replay "$T" "${INST[@]}" --set iotlb.entries=$e --set iotlb.ways=$w \
				--set pt.page_bytes=$p --json | jq -r '[.["iotlb.lookups"], .["iotlb.hits"], .["iotlb.misses"]] | map(tostring) | join(" ")')
			got=$(sqlite3 "$DB" "SELECT group_concat(CAST(m.value AS INTEGER), ' ') FROM (SELECT m.value FROM runs r JOIN metrics m ON m.run_id = r.id
				WHERE r.label = 'iotlb.entries=$e iotlb.ways=$w pt.page_bytes=$p'
				AND m.key IN ('iotlb.lookups', 'iotlb.hits', 'iotlb.misses') ORDER BY CASE m.key WHEN 'iotlb.lookups' THEN 0 WHEN 'iotlb.hits' THEN 1 ELSE 2 END) m")
			[ "$want" = "$got" ] || { bad=$((bad + 1)); echo "# $e x $w, $p: replay '$want', one pass '$got'"; }
		done
	done
done
check_eq "every point's lookups, hits and misses equal a separate replay's" 0 "$bad"
OUT=$("$SVATRACE" sweep "$T" "${INST[@]}" --grid iotlb.entries=16,128,1024 \
	--grid iotlb.ways=4,16 --grid pt.page_bytes=4K,2M --db "$DB" --json)
check_eq "a second sweep finds every point done (same point keys)" 12 "$(jq .already_done <<< "$OUT")"
OUT=$("$SVATRACE" sweep "$T" --set ats.enabled=off --grid iotlb.entries=16,128 --db "$TMP/w.db" --json)
check_eq "with walk time (lookups merge into walks in flight) every point is replayed" \
	"0 2" "$(jq -r '"\(.one_pass) \(.ok)"' <<< "$OUT")"
OUT=$("$SVATRACE" sweep "$T" "${INST[@]}" --grid iotlb.entries=16,128 --grid iotlb.policy=lru,fifo \
	--db "$TMP/f.db" --json)
check_eq "another swept key (the policy): every point is replayed" "0 4" \
	"$(jq -r '"\(.one_pass) \(.ok)"' <<< "$OUT")"
check_eq "the text summary says which points were replayed fully" \
	"sweep: 4 points from the one-pass LRU curve (counts only: sweep.one_pass = 1), 0 replayed fully" \
	"$("$SVATRACE" sweep "$T" "${INST[@]}" --grid iotlb.entries=32,64 --grid pt.page_bytes=4K,2M --db "$TMP/t.db" | tail -1)"
echo "1..$TAP_N"
