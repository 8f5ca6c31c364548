#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compare_stale.sh - a run that served stale translations (xlate.use_after_unmap
# > 0: an IOVA unmapped and not yet invalidated where it was cached) does not
# get its speed reported as a gain without a warning. The stale run here is
# the bundled trace with two tenants and one domain per device under qemu-vtd,
# whose tenant copies the trace's flushes do not name (a known limit of the
# tenants scenario with replay.domain_per_device=on): 28088 stale hits make
# it "1.7x faster".
. "$(dirname "$0")/lib.sh"

"$PLAIN" -q import --from ftrace-text --clock global data/traces/qemu-vtd-6.1-trace.txt.gz \
	-o "$TMP/q.svt" || { echo "not ok 1 - import"; exit 0; }
DB=$TMP/c.db
"$PLAIN" -q replay "$TMP/q.svt" --profile qemu-vtd --set replay.domain_per_device=on --label base --db "$DB" > /dev/null
"$PLAIN" -q replay "$TMP/q.svt" --profile qemu-vtd --set replay.domain_per_device=on --scenario tenants=2 \
	--label stale --db "$DB" > /dev/null
check_rc "compare runs" 0 "$SVATRACE" compare --db "$DB" base stale
check_match "the headline warns of B's stale translations, with both counts" \
	'faster than A .*; WARNING: stale translations \(xlate.use_after_unmap A 0, B [1-9][0-9]*\)' "$OUT"
check_rc "compare --json" 0 "$SVATRACE" compare --db "$DB" base stale --json
check_match "... in the JSON headline too" '"text": ".*WARNING: stale translations' "$OUT"
# two clean runs: no warning
"$PLAIN" -q replay "$TMP/q.svt" --profile qemu-vtd --scenario pinned,inval=lazy --label lazy --db "$DB" > /dev/null
check_rc "compare two runs without stale translations" 0 "$SVATRACE" compare --db "$DB" base lazy
check_eq "... no warning" "" "$(printf '%s' "$OUT" | grep WARNING)"
