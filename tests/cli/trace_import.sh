#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bundled real trace (Linux 6.1 guest, emulated VT-d) imports with no
# event lost: `info --json` counts equal counts taken from the text itself.
. tests/cli/lib.sh
IN=data/traces/qemu-vtd-6.1-trace.txt.gz	# bundled with the repo (Linux 6.1 guest, emulated VT-d)
[ -r "$IN" ] || { echo "not ok 1 - $IN missing"; exit 1; }
TXT=$TMP/in.txt
zcat -f "$IN" > "$TXT"

check_rc "import real trace" 0 "$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/q.svt" --clock global
check_match "import says how many records" "14958 records \(0 generic" "$OUT"
"$SVATRACE" info --json "$TMP/q.svt" > "$TMP/info.json"; rc=$?
check_eq "info exits 0 on a clean file" 0 "$rc"

# independent count from the text: the word after the timestamp column
awk '!/^#/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { print $(i+1); break } }' "$TXT" \
	| sed 's/:$//' | sort | uniq -c | awk '{print $2, $1}' > "$TMP/want"
while read -r ev n; do
	case $ev in
	map|unmap|add_device_to_group|attach_device_to_domain) sys=iommu ;;
	qi_submit) sys=intel_iommu ;;
	*) sys=ftrace ;;
	esac
	got=$(grep -o "\"$sys:$ev\": [0-9]*" "$TMP/info.json" | awk '{print $2}')
	check_eq "count of $sys:$ev equals the text" "$n" "$got"
done < "$TMP/want"
total=$(grep -vc '^#' "$TXT")
check_match "records equal event lines ($total)" "\"records\": $total," "$(cat "$TMP/info.json")"

# per qi_submit type, from the text
grep ' qi_submit: ' "$TXT" | awk '{for(i=1;i<=NF;i++) if ($i=="qi_submit:") print $(i+1)}' | sort | uniq -c |
while read -r n t; do
	got=$(sed -n '/"qi_submit_types"/,/}/p' "$TMP/info.json" | grep -o "\"$t\": [0-9]*" | awk '{print $2}')
	check_eq "qi_submit type $t count equals the text" "$n" "$got"
done
check_match "no losses recorded" '"total": 0' "$(cat "$TMP/info.json")"
check_match "clock recorded" '"clock": "ftrace-global"' "$(cat "$TMP/info.json")"
check_match "addresses hashed by default" '"addresses": "hashed"' "$(cat "$TMP/info.json")"

# physical addresses: hashed by default, kept on request, IOVAs always kept
paddr=$(grep -m1 ' map: ' "$TXT" | sed -n 's/.*paddr=0x\([0-9a-f]*\).*/\1/p')
"$SVATRACE" import --from ftrace-text --keep-addrs "$IN" -o "$TMP/k.svt" 2>/dev/null
check_eq "--keep-addrs records the addresses flag" '"addresses": "kept",' \
	"$("$SVATRACE" info --json "$TMP/k.svt" | grep -m1 '"addresses"' | sed 's/^ *//')"

# a line the importer cannot decode becomes a generic record, never lost
printf '%s\n' \
	'  a b-c-12   [003] d..1.   5.000001: map: IOMMU: garbage' \
	' kworker/0:1-77  [000] .....  5.000002: sched_switch: prev_comm=x next_comm=y' \
	'CPU:1 [LOST 42 EVENTS]' \
	' bash-9 (      9) [001] .... 5.100000003: unmap: IOMMU: iova=0x0000000000001000 - 0x0000000000002000 size=4096 unmapped_size=4096' \
	> "$TMP/odd.txt"
check_rc "odd lines import" 0 "$SVATRACE" import --from ftrace-text "$TMP/odd.txt" -o "$TMP/odd.svt"
J=$("$SVATRACE" info --json "$TMP/odd.svt")
check_match "undecodable map kept as generic iommu:map" '"iommu:map": 1' "$J"
check_match "an event outside the probe table keeps its real system: sched:sched_switch" '"sched:sched_switch": 1' "$J"
check_match "task names with spaces and dashes, tgid column, ns timestamps" '"last_ts_ns": 5100000003' "$J"
check_match "LOST lines become lost counters" '"total": 42' "$J"
