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
for f in report.html report.md; do
	if [ -s "$D/$f" ]; then ok "$f written"; else not_ok "$f written"; fi
done
