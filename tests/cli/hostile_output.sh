#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 10, the parts in replay's and sweep's command lines and text
# output: a run label with a newline (or any control byte) broke the plot
# data files it is written into and the terminal that prints it, so it is
# refused where it is given. Late records (out of time order beyond the
# reorder window) are counted in replay.late_records, and the text output
# now says so beside the headline numbers.
. "$(dirname "$0")/lib.sh"
zcat data/traces/qemu-vtd-6.1-trace.txt.gz | head -400 > "$TMP/t.txt"
"$SVATRACE" import --from ftrace-text "$TMP/t.txt" -o "$TMP/t.svt" 2>/dev/null

check_rc "replay --label with a newline is refused" 2 "$SVATRACE" replay --label $'two\nlines' "$TMP/t.svt"
check_match "... naming the byte" "^svatrace replay: --label: control character 0x0a at byte 3" "$OUT"
check_rc "replay --label with an escape is refused" 2 "$SVATRACE" replay --label $'x\e[2J' "$TMP/t.svt" --db "$TMP/r.db"
check_eq "... before anything is stored" "" "$(ls "$TMP"/r.db 2>/dev/null)"
check_rc "sweep --label with a tab is refused" 2 "$SVATRACE" sweep "$TMP/t.svt" --grid iotlb.entries=16 \
	--label $'a\tb' --db "$TMP/s.db"
check_match "... naming the byte" "^svatrace sweep: --label: control character 0x09 at byte 1" "$OUT"
check_rc "a label of printable UTF-8 is fine" 0 "$SVATRACE" replay --label "µs-run #1" "$TMP/t.svt"

# a record stamped far in the future no longer makes the later ones late: the
# window holds it (it is never the oldest) and releases it at the end
{ sed -n 1p "$TMP/t.txt" | sed 's/ 0\.020000:/ 18000000000.000000:/'; cat "$TMP/t.txt"; } > "$TMP/future.txt"
"$SVATRACE" import --from ftrace-text "$TMP/future.txt" -o "$TMP/future.svt" 2>/dev/null
check_eq "a record 1.8e10 s ahead, first in the file: no record is late" "0 401" \
	"$("$SVATRACE" replay --json "$TMP/future.svt" | jq -r '"\(.["replay.late_records"]) \(.["replay.records"])"')"
# a record from the past, 2.4 s behind the ones around it: late, and said so
{ sed -n 1,200p "$TMP/t.txt"; sed -n 1p "$TMP/t.txt"; sed -n '201,$p' "$TMP/t.txt"; } > "$TMP/late.txt"
"$SVATRACE" import --from ftrace-text "$TMP/late.txt" -o "$TMP/late.svt" 2>/dev/null
check_eq "a record 2.4 s behind its neighbours is late" 1 \
	"$("$SVATRACE" replay --json "$TMP/late.svt" | jq '.["replay.late_records"]')"
check_match "replay's text says how many were late, beside the headline numbers" \
	"^  late records +1 of 401 out of time order beyond the reorder window" "$("$SVATRACE" replay "$TMP/late.svt")"
check_eq "... and says nothing when none is" "" "$("$SVATRACE" replay "$TMP/t.svt" | grep 'late records')"
echo "1..$TAP_N"
