#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_dups.sh - duplicate points on a large grid: one value in two
# spellings (4096, 4K) over 1000 IOTLB sizes gives 2000 points of which the
# second 1000 repeat the first, point by point; --emit-jobs emits each
# distinct point once; the summary counts them.
. "$(dirname "$0")/lib.sh"

T=$TMP/ra.svt
"$SVATRACE" gen random-access --set duration=100us -o "$T" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }
GRID=(--grid pt.page_bytes=4096,4K --grid iotlb.entries=16..16000+16)

check_rc "--list of a 2000-point grid" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" --list --json
check_eq "2000 points" "2000" "$(printf '%s\n' "$OUT" | grep -c '"index"')"
check_eq "1000 duplicates" "1000" "$(printf '%s\n' "$OUT" | grep -c '"state": "duplicate"')"
check_rc "--list (text)" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" --list
# point i + 1000 has the key of point i; points 0..999 are all different
check_eq "point i+1000 repeats point i (keys)" \
	"$(printf '%s\n' "$OUT" | head -1000 | awk '{print $2}')" \
	"$(printf '%s\n' "$OUT" | tail -1000 | awk '{print $2}')"
check_eq "the first 1000 keys are distinct" "1000" \
	"$(printf '%s\n' "$OUT" | head -1000 | awk '{print $2}' | sort -u | wc -l)"
check_eq "the second 1000 are the duplicates" "1000" \
	"$(printf '%s\n' "$OUT" | tail -1000 | grep -c ' duplicate ')"
check_rc "--emit-jobs" 0 "$SVATRACE" sweep "$T" "${GRID[@]}" --emit-jobs "$TMP/jobs.txt" --json
check_match "... emits the 1000 distinct points" '"emitted": 1000' "$OUT"
check_match "... counts 1000 duplicates" '"duplicates": 1000' "$OUT"
check_eq "... one line each" "1000" "$(grep -c . "$TMP/jobs.txt")"
