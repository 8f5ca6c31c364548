#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_rotate.sh - production safety: --max-size rotates into numbered
# files that are each a complete trace, together holding every record once,
# with one line per rotation; --stop-on-loss ends a run whose ring overflows
# with a complete file and exit status 1; bad values are refused.
. "$(dirname "$0")/lib.sh"
B=$PWD/$BUILD
LOOP=$B/bench/collect_loop
TP=task:task_prctl_unknown
N=200000

need_capture "$TP"
check_rc "--max-size below 64K is refused" 2 "$SVATRACE" collect --max-size 1K
check_match "... naming the value" "bad --max-size '1K'" "$OUT"
check_rc "--loss-budget takes a count" 2 "$SVATRACE" collect --loss-budget lots

# traced OUT ARGS...: a prctl loop of $N calls collected with ARGS; sets CRC
traced() {
	local out=$1; shift
	rm -f "$TMP/go" "$TMP/c.log"; mkfifo "$TMP/go"
	"$LOOP" $N --op prctl < "$TMP/go" > "$TMP/loop.out" &
	local lp=$!
	exec 3> "$TMP/go"
	for _ in $(seq 100); do grep -qs '^pid ' "$TMP/loop.out" && break; sleep 0.05; done
	local lpid; lpid=$(sed -n 's/^pid //p' "$TMP/loop.out")
	"$SVATRACE" collect -o "$out" -e none -p "$lpid" --tracepoint $TP "$@" 2> "$TMP/c.log" &
	local cp=$!
	wait_attached "$TMP/c.log" $cp
	printf x >&3; exec 3>&-
	wait $lp
	# --stop-on-loss ends the run by itself: give it up to 10 s, since a
	# Ctrl-C that lands in its shutdown makes the exit 130 (seen at load 10)
	if [[ " $* " == *" --stop-on-loss "* ]]; then
		for _ in $(seq 100); do kill -0 $cp 2>/dev/null || break; sleep 0.1; done
	fi
	kill -INT $cp 2>/dev/null; wait $cp; CRC=$?
}

# a ring that holds the whole loop (200000 records, about 12 MB): this test is
# about rotation, and on a loaded host a slow consumer lost records with 16M
traced "$TMP/r.trace" --max-size 64K --buffer-size 64M
check_eq "rotating run exits 0" 0 "$CRC"
check_match "collect still counts $N records, 0 lost" "total: $N records, 0 lost" "$(cat "$TMP/c.log")"
nfiles=$(ls "$TMP"/r.trace* | wc -l)
check_match "several files of 64 KiB (raw tracepoint records pack small: 60000 fitted in one)" '^([2-9]|[1-9][0-9])$' "$nfiles"
check_eq "one 'rotated' line per closed file" $((nfiles - 1)) "$(grep -c '^.*rotated .*complete' "$TMP/c.log")"
total=0; bad=""; big=""
for f in "$TMP"/r.trace*; do
	j=$("$SVATRACE" info --json "$f") || bad="$bad $f"
	[ "$(printf '%s' "$j" | jq -r .complete)" = true ] || bad="$bad $f"
	total=$((total + $(printf '%s' "$j" | jq -r .records)))
	[ "$(stat -c %s "$f")" -gt $((65536 + 200000)) ] && big="$big $f"
done
check_eq "every file is a complete trace" "" "$bad"
check_eq "together they hold the $N records" $N "$total"
check_eq "no file far past --max-size (1024 records of slack)" "" "$big"
check_eq "each record once (loop index arg2 unique)" $N \
	"$(for f in "$TMP"/r.trace*; do "$SVATRACE" dump "$f"; done |
	   awk '{ t = index($0, "\"text\":\""); print substr($0, t + 8, length($0) - t - 9) }' |
	   sort -u | wc -l)"

# a 4 KiB ring per CPU polled once a second overflows at once
traced "$TMP/l.trace" -b 4K --poll-ms 1000 --stop-on-loss
check_eq "--stop-on-loss: exit 1" 1 "$CRC"
check_match "... saying why" "stopping: more than 0 events lost" "$(cat "$TMP/c.log")"
check_eq "... the file is complete" true "$("$SVATRACE" info --json "$TMP/l.trace" | jq -r .complete)"
check_match "... and counts its losses" '^[1-9]' "$("$SVATRACE" info --json "$TMP/l.trace" | jq -r .lost.total)"
echo "1..$TAP_N"
