#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 9: two identical `sweep -j 2 --db` started at once store one
# row per point key (was: 22 rows for 12 keys). Both plan before either has
# stored anything, so the dedup must happen while they run: a worker skips a
# point that is stored meanwhile, and a commit drops a run whose point was
# stored while it replayed.
. tests/cli/lib.sh
T=$TMP/ra.svt
"$SVATRACE" gen random-access --set duration=200us -o "$T" > /dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }
GRID=(--grid iotlb.entries=16,32,64,128,256,512 --grid pt.page_bytes=4096,2M)
# the database exists (empty) so both plans see the same, empty store
"$SVATRACE" sweep "$T" --grid iotlb.entries=8 --db "$TMP/r.db" > /dev/null 2>&1
"$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/r.db" > "$TMP/a.out" 2>&1 &
a=$!
"$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/r.db" > "$TMP/b.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
check_eq "both sweeps exit 0" "0 0" "$ra $rb"
check_rc "runs --json" 0 "$SVATRACE" runs --db "$TMP/r.db" --json
keys=$(printf '%s\n' "$OUT" | grep -o '"point_key": *"[0-9a-f]*"' | sort)
check_eq "13 point keys (12 + the seed run)" "13" "$(printf '%s\n' "$keys" | sort -u | grep -c .)"
check_eq "one row per point key" "13" "$(printf '%s\n' "$keys" | grep -c .)"
# a third identical sweep finds everything done
check_rc "a third sweep" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" -j 2 --db "$TMP/r.db" --json
check_match "... runs nothing" '"already_done": 12' "$OUT"
echo "1..$TAP_N"
