#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_uau_shipped.sh - xlate.use_after_unmap is 0 for every shipped trace
# (VT-d 6.1, VT-d 6.12, AMD-Vi 6.1) under the default profile and the profile
# of the machine it came from, in every scenario and the combinations that
# change invalidation, page size and ATS together (issue 12's test). The
# replays run on the plain build: replay_uau.sh covers the same paths under
# the sanitizers. Before:
# - pagesize=2m|1g with inval=lazy: 496 (6.1), 67 (6.12), 4837 (AMD-Vi). The
#   check looked only at the large page's first 4 KiB, so a touch of a live
#   piece counted when the first piece was unmapped and held for its flush.
# - qemu-vtd on the AMD-Vi trace (ats.enabled=on): 157856. The trace has no
#   device-TLB invalidation at all, which used to say nothing about ATS, so
#   every device got an ATC that the trace's flushes never reached.
. "$(dirname "$0")/lib.sh"

"$PLAIN" -q import --from ftrace-text --clock global data/traces/qemu-vtd-6.1-trace.txt.gz \
	-o "$TMP/q61.svt" || { echo "not ok 1 - import"; exit 0; }
"$PLAIN" -q import --from ftrace-text data/traces/qemu-vtd-6.12-trace.txt.gz \
	-o "$TMP/q612.svt" || { echo "not ok 1 - import 6.12"; exit 0; }
cp data/traces/qemu-amdvi-6.1.svt "$TMP/amd.svt"

for t in q61 q612 amd; do
	case $t in amd) own=amd-vi ;; *) own=qemu-vtd ;; esac
	for prof in default $own; do
		bad=
		for sc in none pinned faulting faulting:resident=0.5 faulting:prq=trace:reclaim=1000 \
			dwq swq inval=strict inval=lazy ats=on ats=off pagesize=2m pagesize=1g tenants=2 \
			pinned,inval=lazy pagesize=2m,inval=lazy pagesize=1g,inval=lazy \
			ats=on,pagesize=2m,inval=lazy; do
			if [ $sc = none ]; then a=(); else a=(--scenario "$sc"); fi
			"$PLAIN" -q replay "$TMP/$t.svt" --profile $prof "${a[@]}" --json > "$TMP/o.json" 2>&1
			v=$(jget xlate.use_after_unmap "$TMP/o.json")
			[ "$v" = 0 ] || bad="$bad $sc=${v:-error}"
		done
		check_eq "$t, $prof: xlate.use_after_unmap = 0 in every scenario" "" "$bad"
	done
done

# a VT-d profile with ATS on, on the AMD-Vi trace: its domain flushes and no
# device-TLB invalidation say no device has ATS, so no ATC serves a lookup
"$PLAIN" -q replay "$TMP/amd.svt" --profile qemu-vtd --json > "$TMP/o.json"
check_eq "amd, qemu-vtd (ats.enabled=on): no device has an ATC" 0 "$(jget atc.lookups "$TMP/o.json")"
check_eq "amd, qemu-vtd: no use after unmap" 0 "$(jget xlate.use_after_unmap "$TMP/o.json")"
# the ats=on what-if still gives every device an ATC (and the model's own
# device-TLB invalidations follow the trace's flushes)
"$PLAIN" -q replay "$TMP/amd.svt" --scenario ats=on --json > "$TMP/o.json"
check_match "amd, ats=on: devices translate through ATCs" '^[1-9][0-9]{4,}$' "$(jget atc.lookups "$TMP/o.json")"
check_eq "amd, ats=on: no use after unmap" 0 "$(jget xlate.use_after_unmap "$TMP/o.json")"
