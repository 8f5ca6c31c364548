#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_full.sh - a collection that runs out of space (issue 19): with a
# file size limit (prlimit --fsize: EFBIG) and, where this host lets us
# mount one, a 32 KiB tmpfs (ENOSPC), through one consumer and through
# two (part files merged), the capture exits 1, says what happened (which
# error, records kept of captured, bytes, complete or prefix; the capture
# stops at the error, so it captured fewer than the loop's calls), and leaves a
# trace that reads cleanly and holds a gap-free prefix of the loop's calls
# (the loop index arg2, kept in clear by --keep-phys, runs 0..K-1).
. "$(dirname "$0")/lib.sh"
B=$PWD/$BUILD
LOOP=$B/bench/collect_loop
TP=task:task_prctl_unknown
N=200000 # ~60 KB of trace at 0.3 bytes per record: the 32 KiB limits below cut it

need_capture "$TP"

# traced OUT [WRAPPER...] -- ARGS...: a prctl loop of $N calls collected into
# OUT (run under WRAPPER) with ARGS; sets CRC and LOG
traced() {
	local out=$1; shift
	local wrap=()
	while [ "$1" != -- ]; do wrap+=("$1"); shift; done; shift
	rm -f "$TMP/go" "$TMP/c.log"; mkfifo "$TMP/go"
	"$LOOP" $N --op prctl < "$TMP/go" > "$TMP/loop.out" &
	local lp=$!
	exec 3> "$TMP/go"
	for _ in $(seq 100); do grep -qs '^pid ' "$TMP/loop.out" && break; sleep 0.05; done
	local lpid; lpid=$(sed -n 's/^pid //p' "$TMP/loop.out")
	"${wrap[@]}" "$SVATRACE" collect -o "$out" -e none -p "$lpid" --tracepoint $TP \
		--keep-phys "$@" 2> "$TMP/c.log" &
	local cp=$!
	wait_attached "$TMP/c.log" $cp
	printf x >&3; exec 3>&-
	wait $lp
	# the first chunk is written when 1 MiB of records is pending or after
	# 1 s, and its write error ends the run: wait for that exit (a fixed
	# 1.5 s before), then Ctrl-C a run still going (it then fails on the
	# final drain's write instead)
	for _ in $(seq 100); do kill -0 $cp 2>/dev/null || break; sleep 0.1; done
	kill -INT $cp 2>/dev/null; wait $cp; CRC=$?
	LOG=$(cat "$TMP/c.log")
}

# check_full NAME OUT ERRTEXT: the run failed cleanly and OUT is a good prefix
check_full() {
	local name=$1 out=$2 why=$3 j kept cap
	check_eq "$name: exit 1" 1 "$CRC"
	check_match "$name: names the error and the file" "$why writing $out" "$LOG"
	# END (32 bytes) is written when it fits after the last whole chunk; when
	# the limit leaves less, the file is a readable prefix, and says so
	local ends=complete want=true
	case $LOG in *"a readable prefix without END"*) ends="a readable prefix" want=false ;; esac
	check_match "$name: says records kept of captured, bytes, and how the file ends" \
		"keeps [1-9][0-9]* of [1-9][0-9]* records \([0-9]+ bytes, (a complete trace ending with END|a readable prefix without END)\); [1-9][0-9]* records were not written" "$LOG"
	check_match "$name: the summary line says it too" "disk full: [1-9][0-9]* of the [1-9][0-9]* records are in the file \\([0-9]+ bytes, $ends\\)" "$LOG"
	j=$("$SVATRACE" info --json "$out")
	check_eq "$name: the file reads as the message says (complete: $want)" $want "$(printf '%s' "$j" | jq -r .complete)"
	kept=$(printf '%s' "$j" | jq -r .records)
	cap=$(printf '%s' "$LOG" | sed -n 's/.*keeps \([0-9]*\) of.*/\1/p')
	check_eq "$name: as many records as the message says" "$cap" "$kept"
	check_eq "$name: a gap-free prefix of the loop (arg2 = 0..$((kept - 1)))" \
		"$kept $((kept - 1))" \
		"$("$SVATRACE" dump "$out" | awk '{ i = index($0, " arg2="); if (i) print substr($0, i + 6) + 0 }' |
		   sort -n | uniq | awk 'NR == 1 {lo = $1} {n++; hi = $1} END {print (lo == 0 ? n : -1), hi}')"
	check_eq "$name: no part file left" "" "$(ls "$out".part* 2>/dev/null)"
}

traced "$TMP/f.trace" prlimit --fsize=32768 -- 
check_full "file size limit, one consumer" "$TMP/f.trace" "File too large"
traced "$TMP/g.trace" prlimit --fsize=32768 -- --consumers 2
check_full "file size limit, two consumers" "$TMP/g.trace" "File too large"

mkdir -p "$TMP/small"
if mount -t tmpfs -o size=32k svatrace-full "$TMP/small" 2>/dev/null; then
	traced "$TMP/small/t.trace" --
	check_full "a full 32 KiB tmpfs" "$TMP/small/t.trace" "No space left on device"
	umount "$TMP/small"
else
	echo "ok $((++TAP_N)) - # SKIP cannot mount a tmpfs here (the size limit runs cover the same path)"
fi
echo "1..$TAP_N"
