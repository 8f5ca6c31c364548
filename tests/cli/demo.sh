#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh - the README's main job (scripts/demo.sh, what `make demo` runs)
# works on bundled data, and runs again over its own output: the second run
# stores the same runs, not twice as many.
. "$(dirname "$0")/lib.sh"
D=$TMP/demo
OUT=$D BUILD=$BUILD bash scripts/demo.sh > "$TMP/1.log" 2>&1; rc=$?
check_eq "the demo runs on bundled data" 0 "$rc"
n1=$("$SVATRACE" runs --db "$D/results.db" --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
OUT=$D BUILD=$BUILD bash scripts/demo.sh > "$TMP/2.log" 2>&1; rc=$?
check_eq "... and again over its own output" 0 "$rc" 
n2=$("$SVATRACE" runs --db "$D/results.db" --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "${n1:-0}" -gt 0 ] && [ "$n1" = "$n2" ]; then ok "the second run stores the same $n2 runs, not more"
else not_ok "the second run stores the same runs" "first $n1, second $n2" "$(tail -5 "$TMP/2.log")"; fi
check_match "it ends with the report's place" 'report.html' "$(cat "$TMP/2.log")"
# the 6.12 stage: devices named by dma:*, and ATS only where the trace shows it
check_match "6.12 stage: maps per device, 3 devices" '1168 0000:01:00.0.*256 0000:03:00.0.*6 0000:04:00.0' "$(tr '\n' ' ' < "$TMP/2.log")"
check_match "... ATS as the trace shows it: 2 ATCs, no stale translation" 'strict +ATCs 2, .* \(use after unmap\) 0$' "$(cat "$TMP/2.log")"
for f in report.html report.md; do
	if [ -s "$D/$f" ]; then ok "$f written"; else not_ok "$f written"; fi
done
# one copy of each output: plots only in the study folders, no empty gnuplot logs
check_eq "no plot files outside the study folders" "" "$(ls "$D"/*.png "$D"/*.dat "$D"/plots 2>/dev/null)"
check_eq "no gnuplot logs (kept only for warnings)" "" "$(find "$D" -name '*.gnuplot.log')"
for s in qemu-vtd qemu-vtd-612 dsa-memcpy random-access; do
	if ls "$D/$s"/*.png >/dev/null 2>&1; then ok "study $s has its plots"; else not_ok "study $s has its plots"; fi
done
# the first screen states the three findings with their causes, computed from the data
F=$(sed -n '/<h2 id="findings">/,/<h2 id="provenance">/p' "$D/report.html")
check_match "finding: pinned vs faulting, slower translation" "faulting: translation [0-9.]+x slower than pinned" "$F"
check_match "... caused by faults in flight / page-request queueing" "waiting on a translation in flight|page-request queueing" "$F"
check_match "finding: DWQ vs SWQ" "on a dedicated WQ reaches [0-9]+% of peak; a shared WQ needs [0-9]+ clients" "$F"
check_match "... caused by submission" "submission \(ready to accepted\)" "$F"
check_match "finding: IOTLB size x page size" "2 MiB pages remove IOTLB misses from [0-9]+ entries up" "$F"
check_match "... caused by the reach against the footprint" "covers the 64 MiB footprint" "$F"
