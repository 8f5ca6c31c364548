#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# info_amd.sh - `info` counts the AMD-Vi command records by type, decoded as
# replay decodes them (replay/inval_amd.h): the same counts as replay's
# trace.amd.* metrics. Before, info listed them only as 38950 records of
# fentry:__iommu_queue_command_sync, with no invalidation types at all.
. "$(dirname "$0")/lib.sh"
T=data/traces/qemu-amdvi-6.1.svt

"$SVATRACE" info "$T" > "$TMP/info.txt" || { echo "not ok 1 - info"; exit 0; }
check_match "text: a section of AMD-Vi commands by type" '^AMD-Vi commands by type:' "$(cat "$TMP/info.txt")"
"$SVATRACE" info --json "$T" > "$TMP/info.json"
"$SVATRACE" -q replay "$T" --json > "$TMP/r.json"
for op in inv_iommu_pages completion_wait; do
	a=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["amd_command_types"].get(sys.argv[2], 0))' "$TMP/info.json" $op)
	b=$(sed -n "s/^ *\"trace.amd.$op\": \([0-9]*\),\{0,1\}$/\1/p" "$TMP/r.json")
	check_eq "$op: info counts what replay decodes ($b)" "$b" "$a"
	check_match "$op: a nonzero count" '^[1-9][0-9]+$' "$a"
done
check_eq "every command record counted once (info's types sum to the probe's records)" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(d["amd_command_types"].values()))' "$TMP/info.json")" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["events"]["fentry:__iommu_queue_command_sync"])' "$TMP/info.json")"
"$SVATRACE" -q import --from ftrace-text data/traces/qemu-vtd-6.12-trace.txt.gz -o "$TMP/v.svt"
check_eq "a VT-d trace has no AMD-Vi commands" "{}" \
	"$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["amd_command_types"]))' <("$SVATRACE" info --json "$TMP/v.svt"))"
