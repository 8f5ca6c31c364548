#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sensitivity.sh - `sweep --sensitivity` on a small random-access trace:
# the base run and each parameter at x0.5 and x2 are stored with labels the
# reader (analyze/sensitivity.h) recognises; the effects have the right sign
# (half the page walkers: more walk queueing, higher mean translation
# latency) and are ranked; a second call runs nothing new; a side the
# parameter rejects is skipped with the reason; bad options are usage
# errors; `plot tornado` draws the study with the finding as its title.
. "$(dirname "$0")/lib.sh"
DB=$TMP/s.db
T=$TMP/ra.svt
"$SVATRACE" -q gen random-access --set duration=2ms --set footprint=16m --seed 7 -o "$T"

check_rc "sensitivity over three keys" 0 "$SVATRACE" sweep "$T" --sensitivity \
	--keys walk.walkers,iotlb.entries,iotlb.ways -j 2 --db "$DB" --json
json=$(printf '%s\n' "$OUT" | sed -n '/^{/,/^}/p')
check_match "progress: one line per parameter" "sensitivity: \\[3/3\\] iotlb.ways \\(base 8\\): 2 of 2 sides stored" "$OUT"
check_eq "base + 2 sides x 3 keys stored" "7" "$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status = 0")"
check_eq "labels: the base, then LABEL KEY=VALUE" "sensitivity|sensitivity walk.walkers=2|sensitivity walk.walkers=8" \
	"$(sqlite3 "$DB" "SELECT label FROM runs WHERE label IN ('sensitivity') OR label LIKE 'sensitivity walk%' ORDER BY label" | paste -sd'|')"
check_eq "effects: ranked, signed, values from the stored config" "ok" "$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
e = d["effects"]
assert d["metric"] == "xlate.latency_ns@mean", d["metric"]
assert [x["key"] for x in e][0] == "walk.walkers", e
w = e[0]
assert w["base"] == 4 and w["low"] == 2 and w["high"] == 8, w
assert w["low_rel"] > 0.01, w              # fewer walkers: queueing
assert abs(w["low_metric"] / d["base_metric"] - 1 - w["low_rel"]) < 1e-9, w
r = [max(abs(x["low_rel"] or 0), abs(x["high_rel"] or 0)) for x in e]
assert r == sorted(r, reverse=True), r
print("ok")' 2>&1)"

check_rc "a second call runs nothing new" 0 "$SVATRACE" sweep "$T" --sensitivity \
	--keys walk.walkers,iotlb.entries,iotlb.ways --db "$DB"
check_eq "... still 7 runs" "7" "$(sqlite3 "$DB" "SELECT count(*) FROM runs")"
check_match "... and prints the ranking" "^walk.walkers +4 +\\+[0-9.]+%" "$OUT"

# iotlb.ways=16 needs entries divisible by 16: x2 of 8 ways on 8 entries is refused
check_rc "a rejected side is skipped, the other runs" 0 "$SVATRACE" sweep "$T" --sensitivity \
	--keys iotlb.ways --set iotlb.entries=8 --label small --db "$DB"
check_match "... with the reason" "1 of 2 sides stored; x2: .*iotlb" "$OUT"

check_rc "--keys: unknown parameter" 2 "$SVATRACE" sweep "$T" --sensitivity --keys walk.walker --db "$DB"
check_match "... named" "no parameter 'walk.walker'" "$OUT"
check_rc "--keys: not a number" 2 "$SVATRACE" sweep "$T" --sensitivity --keys iotlb.policy --db "$DB"
check_rc "--sensitivity with --grid" 2 "$SVATRACE" sweep "$T" --sensitivity --grid iotlb.entries=8,16 --db "$DB"
check_rc "--keys without --sensitivity" 2 "$SVATRACE" sweep "$T" --grid iotlb.entries=8,16 --keys x --db "$DB"

# ---- the tornado
check_rc "plot tornado" 0 "$SVATRACE" plot tornado --db "$DB" --runs sensitivity -o "$TMP/p" --no-render
check_match "title states the finding" "^# title: xlate.latency_ns@mean depends most on walk.walkers: \\+[0-9]+% at x0.5" \
	"$(cat "$TMP/p/tornado.dat")"
check_eq "first bar is walk.walkers" '1 "walk.walkers"' "$(grep '^1 ' "$TMP/p/tornado.dat" | cut -d' ' -f1-2)"
"$SVATRACE" -q replay "$T" --label plain --db "$TMP/plain.db" >/dev/null
check_rc "plot tornado without a study: no data" 1 "$SVATRACE" plot tornado --db "$TMP/plain.db" -o "$TMP/q" --no-render
if command -v gnuplot >/dev/null; then
	check_rc "plot tornado renders" 0 "$SVATRACE" plot tornado --db "$DB" --runs sensitivity -o "$TMP/r"
	check_eq "no gnuplot warning" "" "$(cat "$TMP/r/tornado.gnuplot.log" 2>/dev/null)"
fi

echo "1..$TAP_N"
