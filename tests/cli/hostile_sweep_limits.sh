#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 2 (the sweep part): one ftrace line mapping 2^56 bytes
# makes replay expand it page by page for days. Replay refuses such a record
# by default (replay.max_record_bytes, tests/cli/hostile_replay_bounds.sh);
# with that cap raised to 2^57, as a user may, a sweep hung on it forever.
# --point-timeout and --point-mem bound each point: the point is recorded as
# failed with the limit as its reason and the sweep goes on.
. tests/cli/lib.sh
{
	zcat data/traces/qemu-vtd-6.1-trace.txt.gz | head -200
	echo "          insmod-127     [001] .....     7.700000: map: IOMMU: iova=0x0000000000000000 - 0x0100000000000000 paddr=0x0000000012082000 size=72057594037927936"
} > "$TMP/huge.txt"
"$SVATRACE" import --from ftrace-text "$TMP/huge.txt" -o "$TMP/huge.svt" 2>/dev/null
BOUNDED='record [0-9]+|out of range|too large'

# two points, one worker: the second runs after the first is killed
t0=$SECONDS
check_rc "sweep with --point-timeout 1 ends (exit 1: points failed)" 1 "$SVATRACE" sweep "$TMP/huge.svt" \
	--grid iotlb.entries=16,32 --scenario pinned --db "$TMP/r.db" --point-timeout 1 -j 1 --json \
	--set replay.max_record_bytes=144115188075855872
dt=$((SECONDS - t0))
[ "$dt" -lt 30 ] && ok "... within 30 s ($dt s)" || not_ok "... within 30 s" "took $dt s"
check_match "... both points failed" '"failed": 2' "$OUT"
check_match "... reason: the time limit (or a bounds error)" "\"reason\": \"(time limit of 1 s exceeded|exit status 1)\"" "$OUT"
check_match "... the second point was run too" '"index": 1' "$OUT"

# memory: RLIMIT_AS cannot work under ASan (its shadow alone exceeds any
# limit), so this part uses the plain build. The pinned scenario keeps a
# slot per mapped page; with its cap raised to 2^31 pages it grows on the
# huge map past 64 MiB in about a second. (Nested tenants, used before, are
# now refused when the chain is built: a chain makes at most 4096 copies of
# a record. Faulting on the huge map grew so slowly that the point always
# ended by its 10 s time limit, which the check accepted.)
PLAIN=${BUILD:-build}/svatrace
case $PLAIN in /*) ;; *) PLAIN=$PWD/$PLAIN ;; esac
if [ -x "$PLAIN" ]; then
	check_rc "sweep with --point-mem 64 ends (exit 1: point failed)" 1 "$PLAIN" sweep "$TMP/huge.svt" \
		--grid iotlb.entries=16 --scenario pinned:max_pages=2147483648 --db "$TMP/m.db" --point-mem 64 \
		--point-timeout 10 --json --set replay.max_record_bytes=144115188075855872
	check_match "... reason: the memory limit (or the replay's own out-of-memory error), not the time limit" \
		"\"reason\": \"(memory limit of 67108864 bytes exceeded|exit status 1)\"" "$OUT"
else
	ok "# SKIP no plain build at $PLAIN"
fi
check_rc "--point-timeout 0 refused" 2 "$SVATRACE" sweep "$TMP/huge.svt" --grid iotlb.entries=16 --point-timeout 0 --db "$TMP/x.db"
check_match "... names the option and the range" "--point-timeout '0': want a whole number of seconds, 1..31536000" "$OUT"
check_rc "--point-mem 5ms refused" 2 "$SVATRACE" sweep "$TMP/huge.svt" --grid iotlb.entries=16 --point-mem 5ms --db "$TMP/x.db"
check_match "... names the option" "--point-mem '5ms': want a whole number of MiB" "$OUT"

# item 10: the trace is checked before it is hashed; a FIFO does not block
mkfifo "$TMP/fifo"
check_fails "a FIFO as the trace" timeout 20 "$SVATRACE" sweep "$TMP/fifo" --grid iotlb.entries=16 --db "$TMP/x.db"
check_match "... refused, not blocked" "fifo: not a regular file" "$OUT"
head -c 3000000 /dev/zero > "$TMP/zero.svt"
check_fails "a file that is not a trace" "$SVATRACE" sweep "$TMP/zero.svt" --grid iotlb.entries=16 --db "$TMP/x.db"
check_match "... says so from its first bytes" "zero.svt: byte 0: not an svatrace trace" "$OUT"
echo "1..$TAP_N"
