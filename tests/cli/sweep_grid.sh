#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_grid.sh - grid specs: bad ones are usage errors naming the key;
# ranges and scenario axes give the expected points in nested-loop order.
. "$(dirname "$0")/lib.sh"

T=$TMP/ra.svt
"$SVATRACE" gen random-access --set duration=100us -o "$T" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }

bad() {	# bad DESC REGEX GRID-ARGS...
	local d=$1 re=$2; shift 2
	check_rc "$d: usage error" 2 "$SVATRACE" sweep "$T" "$@" --list
	check_match "$d: message names it" "$re" "$OUT"
}
bad "unknown key" "no\\.such\\.key" --grid no.such.key=1,2
bad "empty value list" "iotlb\\.entries.*empty" --grid iotlb.entries=
bad "empty value in the list" "iotlb\\.entries.*empty" --grid iotlb.entries=16,,32
bad "value the parameter rejects" "iotlb\\.entries" --grid iotlb.entries=16,many
bad "key given twice" "iotlb\\.entries.*twice" --grid iotlb.entries=16 --grid iotlb.entries=32
bad "no '='" "want KEY=" --grid iotlb.entries
bad "bad range" "iotlb\\.entries.*range" --grid iotlb.entries=64..16
bad "invalid combination names the point" "point 1 \\(iotlb\\.entries=12\\)" --grid iotlb.entries=16,12
bad "bad scenario" "warp" --scenario warp --grid iotlb.entries=16
check_rc "no --db: usage error" 2 "$SVATRACE" sweep "$T" --grid iotlb.entries=16
check_rc "missing trace: failure" 1 "$SVATRACE" sweep "$TMP/none.svt" --grid iotlb.entries=16 --list

check_rc "range *2 and scenario axis" 0 "$SVATRACE" sweep "$T" --scenario pinned --scenario faulting \
	--grid iotlb.entries=16..64*2 --grid walk.walkers=1..2 --list
check_eq "points in nested-loop order (scenario outermost, last axis fastest)" \
"pinned iotlb.entries=16 walk.walkers=1
pinned iotlb.entries=16 walk.walkers=2
pinned iotlb.entries=32 walk.walkers=1
pinned iotlb.entries=32 walk.walkers=2
pinned iotlb.entries=64 walk.walkers=1
pinned iotlb.entries=64 walk.walkers=2
faulting iotlb.entries=16 walk.walkers=1
faulting iotlb.entries=16 walk.walkers=2
faulting iotlb.entries=32 walk.walkers=1
faulting iotlb.entries=32 walk.walkers=2
faulting iotlb.entries=64 walk.walkers=1
faulting iotlb.entries=64 walk.walkers=2" "$(printf '%s\n' "$OUT" | sed -E 's/^ *[0-9]+ +[0-9a-f]+ +[a-z-]+ +//')"
check_eq "12 distinct point keys" "12" "$(printf '%s\n' "$OUT" | awk '{print $2}' | sort -u | wc -l)"
check_rc "range +S" 0 "$SVATRACE" sweep "$T" --grid iotlb.entries=16..64+16 --list
check_eq "16..64+16 = 16 32 48 64" "16 32 48 64" "$(printf '%s\n' "$OUT" | sed 's/.*=//' | tr '\n' ' ' | sed 's/ $//')"
check_rc "equal values in two spellings" 0 "$SVATRACE" sweep "$T" --grid pt.page_bytes=4096,4K --list
check_match "... the second is a duplicate point" "duplicate +pt.page_bytes=4K" "$OUT"

# precedence: a grid value beats --set of the same key; --set beats the scenario
check_rc "grid over --set over scenario" 0 "$SVATRACE" sweep "$T" --scenario faulting:resident=0.5 \
	--set model.resident_fraction=0.25 --set iotlb.entries=256 --grid iotlb.entries=16,32 --db "$TMP/p.db"
check_eq "stored: grid values, --set, scenario mode" \
"16|--grid|0.25|--set|faulting|scenario faulting:resident=0.5
32|--grid|0.25|--set|faulting|scenario faulting:resident=0.5" \
	"$(sqlite3 "$TMP/p.db" "SELECT a.value||'|'||a.source||'|'||b.value||'|'||b.source||'|'||c.value||'|'||c.source
		FROM run_config a JOIN run_config b ON b.run_id=a.run_id AND b.key='model.resident_fraction'
		JOIN run_config c ON c.run_id=a.run_id AND c.key='model.mode' WHERE a.key='iotlb.entries' ORDER BY 0+a.value")"

# a work-queue sweep is found stored when run again: its runs' wq.replay.note
# (a row the run derives) is not in their point key (was: every point re-run
# and its copy dropped, the plan listing them all as todo)
W=$TMP/dsa.svt
"$SVATRACE" -q gen dsa-memcpy --set clients=2 --set duration=100us --seed 3 -o "$W" > /dev/null 2>&1
check_rc "a dwq sweep" 0 "$SVATRACE" sweep "$W" --scenario dwq --grid wq.devtlb.entries=64,128 --db "$TMP/w.db"
check_rc "... listed again" 0 "$SVATRACE" sweep "$W" --scenario dwq --grid wq.devtlb.entries=64,128 --db "$TMP/w.db" --list
check_eq "... both points are stored" "2" "$(printf '%s\n' "$OUT" | grep -c ' done-before ')"
check_eq "... and hold their note" "2" "$(sqlite3 "$TMP/w.db" "SELECT count(*) FROM run_config WHERE key = 'wq.replay.note'")"
