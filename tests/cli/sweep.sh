#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep.sh - `svatrace sweep`: an uninterrupted sweep, one killed mid-way
# (SIGKILL to its whole process group) and re-run, one stopped by SIGINT and
# re-run must end with the same database content (point keys, metric values,
# histogram totals; not ids or timestamps); a re-run of a complete sweep runs
# nothing; the grid and the stored config agree.
. "$(dirname "$0")/lib.sh"

T=$TMP/ra.svt
# points heavy enough (~0.05-0.1 s each under ASan) that a kill lands mid-sweep
"$SVATRACE" gen random-access --set duration=10ms --set rate=10M --set footprint=8m \
	--set map=off --seed 5 -o "$T" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }
GRID=(--grid iotlb.entries=16..512*2 --grid pt.page_bytes=4K,2M)	# 6 x 2 = 12 points
NPTS=12

# content DB: one line per complete run: point key, then its metrics and histograms
content() {
	sqlite3 "$1" "SELECT r.point_key || ' ' || r.scenario || ' ' ||
		(SELECT group_concat(key || '=' || printf('%.17g', value), ' ') FROM
			(SELECT key, value FROM metrics WHERE run_id = r.id ORDER BY key)) || ' ' ||
		(SELECT IFNULL(group_concat(key || ':' || nr || ':' || sum, ' '), '') FROM
			(SELECT key, nr, sum FROM histograms WHERE run_id = r.id ORDER BY key))
		FROM runs r WHERE r.status = 0 ORDER BY r.point_key"
}
nruns() { sqlite3 "$1" "SELECT COUNT(*) FROM runs" 2>/dev/null || echo 0; }

# 1. reference: uninterrupted
check_rc "uninterrupted sweep -j 2" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/ref.db" --json
check_match "summary: $NPTS ok" "\"ok\": $NPTS" "$OUT"
check_eq "one complete run per point" "$NPTS|$NPTS" \
	"$(sqlite3 "$TMP/ref.db" "SELECT COUNT(*), COUNT(DISTINCT point_key) FROM runs WHERE status = 0")"
REF=$(content "$TMP/ref.db")
check_eq "every point has metrics" "$NPTS" "$(printf '%s\n' "$REF" | grep -c 'iotlb.misses=')"

# the grid reached the model: IOTLB misses fall as entries grow (4 KiB pages)
m16=$(sqlite3 "$TMP/ref.db" "SELECT m.value FROM metrics m JOIN run_config a ON a.run_id=m.run_id AND a.key='iotlb.entries' AND a.value='16'
	JOIN run_config b ON b.run_id=m.run_id AND b.key='pt.page_bytes' AND b.value='4096' WHERE m.key='iotlb.misses'")
m512=$(sqlite3 "$TMP/ref.db" "SELECT m.value FROM metrics m JOIN run_config a ON a.run_id=m.run_id AND a.key='iotlb.entries' AND a.value='512'
	JOIN run_config b ON b.run_id=m.run_id AND b.key='pt.page_bytes' AND b.value='4096' WHERE m.key='iotlb.misses'")
if [ -n "$m16" ] && [ -n "$m512" ] && awk "BEGIN{exit !($m512 < $m16)}"; then
	ok "misses fall from 16 to 512 entries ($m16 -> $m512)"
else
	not_ok "misses fall from 16 to 512 entries" "16: '$m16' 512: '$m512'"
fi
check_eq "grid value recorded with source --grid" "--grid" \
	"$(sqlite3 "$TMP/ref.db" "SELECT DISTINCT source FROM run_config WHERE key='iotlb.entries'")"

# 2. re-running a complete sweep runs nothing
check_rc "re-run of a complete sweep" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/ref.db" --json
check_match "... runs 0 points" '"ran": 0' "$OUT"
check_match "... finds $NPTS already done" "\"already_done\": $NPTS" "$OUT"

# 3. killed mid-way (whole process group, SIGKILL), then re-run
setsid "$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/kill.db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	[ "$(nruns "$TMP/kill.db")" -ge 3 ] && break
	sleep 0.02
done
kill -KILL -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
at_kill=$(nruns "$TMP/kill.db")
if [ "$at_kill" -ge 1 ] && [ "$at_kill" -lt "$NPTS" ]; then
	ok "killed mid-way: $at_kill of $NPTS points stored"
else
	not_ok "killed mid-way" "$at_kill of $NPTS points stored at the kill (want 1..$((NPTS - 1)))"
fi
check_eq "no partial runs left by killed workers" "0" \
	"$(sqlite3 "$TMP/kill.db" "SELECT COUNT(*) FROM runs WHERE status IS NULL OR status != 0")"
check_rc "re-run after the kill" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/kill.db" --json
check_match "... runs only the missing points" "\"ran\": $((NPTS - at_kill))" "$OUT"
check_eq "killed + re-run = uninterrupted (keys, metrics, histograms)" "$REF" "$(content "$TMP/kill.db")"

# 4. SIGINT (Ctrl-C): workers stopped cleanly, completed points kept
"$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/int.db" --json >"$TMP/int.json" 2>"$TMP/int.err" &
pid=$!
for _ in $(seq 1 600); do
	[ "$(nruns "$TMP/int.db")" -ge 2 ] && break
	sleep 0.02
done
kill -INT "$pid"
wait "$pid"
rc=$?
check_eq "SIGINT: exit status 1" "1" "$rc"
check_match "SIGINT: summary says interrupted" '"interrupted": true' "$(cat "$TMP/int.json")"
sleep 0.2
check_eq "SIGINT: no worker left behind" "" "$(pgrep -P "$pid" 2>/dev/null)"
kept=$(nruns "$TMP/int.db")
if [ "$kept" -ge 2 ] && [ "$kept" -lt "$NPTS" ]; then ok "SIGINT: $kept completed points kept"
else not_ok "SIGINT: completed points kept" "$kept runs"; fi
check_rc "re-run after SIGINT" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" -j 1 --db "$TMP/int.db"
check_eq "SIGINT + re-run = uninterrupted" "$REF" "$(content "$TMP/int.db")"

# 5. --list agrees with the database
check_rc "--list" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" --list --db "$TMP/ref.db"
check_eq "--list: every point done-before" "$NPTS" "$(printf '%s\n' "$OUT" | grep -c done-before)"
check_eq "--list keys = stored keys" \
	"$(sqlite3 "$TMP/ref.db" "SELECT point_key FROM runs ORDER BY point_key")" \
	"$(printf '%s\n' "$OUT" | awk '{print $2}' | sort)"
