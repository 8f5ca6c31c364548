#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sql.sh - `svatrace sql` and the worked queries of docs/sql.md, run as the
# document has them, with answers computed another way: from `dump` JSON
# for the real 6.1 trace, by hand for hand-made page requests, from the
# example results database's known values. Also the wide views, output
# formats and errors.
. "$(dirname "$0")/lib.sh"
# the query named NAME in docs/sql.md
q() { awk -v n="$1" '$0 == "<!-- query: " n " -->" {f=1; next} f && /^```sql/ {g=1; next} g && /^```/ {exit} g {print}' docs/sql.md; }

IN=data/traces/qemu-vtd-6.1-trace.txt.gz # bundled: tests never read ../shared (the same text)
"$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/q.svt" 2>/dev/null
"$SVATRACE" export --sqlite "$TMP/q.svt" -o "$TMP/q.db" 2>/dev/null
"$SVATRACE" dump "$TMP/q.svt" >"$TMP/q.jsonl"

check_eq "docs/sql.md has the four worked queries" 4 \
	"$(for n in maps_per_device_per_second unmaps_without_invalidation fault_latency_by_pasid misses_by_iotlb_entries; do q $n | grep -c SELECT | head -1; done | grep -c '^[1-9]')"
check_rc "maps per device per second" 0 "$SVATRACE" sql --csv "$TMP/q.db" "$(q maps_per_device_per_second)"
WANT=$(jq -r 'select(.kind=="iommu_map") | [(.device_id // "(none)"), (.ts_ns / 1e9 | floor)] | join(",")' "$TMP/q.jsonl" |
	sort | uniq -c | awk '{print $2 "," $1}' | sort)
check_eq "... equals counting dump's maps" "$WANT" \
	"$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1-3 | sort)"
check_rc "unmaps without invalidation" 0 "$SVATRACE" sql --json "$TMP/q.db" "$(q unmaps_without_invalidation)"
WANT=$(python3 - "$TMP/q.jsonl" <<'PY'
import bisect, json, sys
inv, unm = [], []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['kind'] == 'qi_submit' and r['type'] in (2, 6):
        inv.append(r['ts_ns'])
    if r['kind'] == 'iommu_unmap':
        unm.append(r['ts_ns'])
inv.sort()
n = sum(1 for t in unm if bisect.bisect_right(inv, t + 1000000) == bisect.bisect_left(inv, t))
print(json.dumps({"unmaps": len(unm), "without_inval_1ms": n}, sort_keys=True, separators=(",", ":")))
PY
)
check_eq "... equals a scan of dump's records" "$WANT" "$(jq -cS '.[0]' <<<"$OUT")"

# fault latency: hand-made requests and responses in the exported schema
"$SVATRACE" export --sqlite "$TMP/q.svt" -o "$TMP/f.db" 2>/dev/null
sqlite3 "$TMP/f.db" "
INSERT INTO page_req (ts_ns, event, pasid, grpid, device_id, last) VALUES
 (1000, 'x', 5, 1, 'd0', 0), (1100, 'x', 5, 1, 'd0', 1),   -- group 1: answered at 1600 -> 500
 (2000, 'x', 5, 2, 'd0', 1),                                -- group 2: answered at 3500 -> 1500
 (2000, 'x', 6, 1, 'd0', 1),                                -- pasid 6: answered at 2200 -> 200
 (9000, 'x', 5, 1, 'd0', 1);                                -- group index reused: 9700 -> 700
INSERT INTO page_resp (ts_ns, event, pasid, grpid, device_id, code) VALUES
 (1600, 'y', 5, 1, 'd0', 0), (3500, 'y', 5, 2, 'd0', 0), (2200, 'y', 6, 1, 'd0', 0),
 (9700, 'y', 5, 1, 'd0', 0), (2100, 'y', 6, 1, 'other', 0);"
check_rc "fault latency by PASID" 0 "$SVATRACE" sql --csv "$TMP/f.db" "$(q fault_latency_by_pasid)"
check_eq "... groups, mean and max per PASID (reused group index, other device ignored)" \
	"pasid,groups,mean_ns,max_ns
5,3,900.0,1500
6,1,200.0,200" "$OUT"

# results database views
"$SVATRACE" db example "$TMP/ex.db" >/dev/null 2>&1
check_rc "results DB: misses by IOTLB entries through the wide views" 0 \
	"$SVATRACE" sql --csv "$TMP/ex.db" "$(q misses_by_iotlb_entries)"
WANT=$(sqlite3 -csv "$TMP/ex.db" "SELECT CAST(c.value AS INTEGER), m.value FROM run_config c JOIN metrics m USING (run_id)
	WHERE c.key='iotlb.entries' AND m.key='iotlb.misses' ORDER BY 1")
check_eq "... equals the same join on the narrow tables" "$WANT" "$(tail -n +2 <<<"$OUT")"
check_eq "run_metrics_wide: one row per run" "$(sqlite3 "$TMP/ex.db" 'SELECT count(*) FROM runs')" \
	"$("$SVATRACE" sql --csv "$TMP/ex.db" 'SELECT count(*) AS n FROM run_metrics_wide' | tail -1)"
check_eq "... one column per metric key (+5 run columns)" \
	"$(($(sqlite3 "$TMP/ex.db" 'SELECT count(DISTINCT key) FROM metrics') + 5))" \
	"$("$SVATRACE" sql --json "$TMP/ex.db" 'SELECT * FROM run_metrics_wide LIMIT 1' | jq '.[0] | length')"
check_eq "the views are in the file for sqlite3 users" "run_config_wide run_metrics_wide" \
	"$(sqlite3 "$TMP/ex.db" "SELECT name FROM sqlite_master WHERE type='view' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
"$SVATRACE" replay "$TMP/q.svt" --set iotlb.entries=8 --label new --db "$TMP/ex.db" >/dev/null 2>&1
check_eq "a run added later appears in the views" "8" \
	"$("$SVATRACE" sql --csv "$TMP/ex.db" "SELECT c.\"iotlb.entries\" FROM run_config_wide c WHERE label = 'new'" | tail -1)"

# formats and errors
check_eq "table output: header, rule, aligned rows" "n  x
-  ---
1  abc" "$("$SVATRACE" sql "$TMP/q.db" "SELECT 1 AS n, 'abc' AS x")"
check_eq "CSV quotes commas and quotes" 'a
"x,""y"""' "$("$SVATRACE" sql --csv "$TMP/q.db" "SELECT 'x,\"y\"' AS a")"
check_eq "JSON keeps numbers, NULL" '[{"i":1,"r":2.5,"n":null}]' \
	"$("$SVATRACE" sql --json "$TMP/q.db" "SELECT 1 AS i, 2.5 AS r, NULL AS n" | jq -c .)"
check_fails "a bad query fails" "$SVATRACE" sql "$TMP/q.db" "SELECT nope FROM iommu_map"
check_match "... with SQLite's message and the file" 'q.db: no such column: nope' "$OUT"
check_fails "read-only: writes are refused" "$SVATRACE" sql "$TMP/q.db" "DELETE FROM iommu_map"
check_match "... saying so" 'readonly' "$OUT"
check_fails "a missing database fails" "$SVATRACE" sql "$TMP/nope.db" "SELECT 1"
check_match "... naming it" 'nope.db: No such file' "$OUT"
check_fails "--json and --csv together" "$SVATRACE" sql --json --csv "$TMP/q.db" "SELECT 1"
echo "1..$TAP_N"
