#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_rings.sh - per-CPU ring buffers: the same deterministic event
# source (two prctl loops pinned to different CPUs, each call carrying its
# loop index) captured through one shared ring, through per-CPU rings with
# one consumer, and with two consumer threads (part files merged at the
# end) gives the same records after sorting; the per-CPU traces are in time
# order (the shared ring's is not guaranteed to be); bad options are refused.
. "$(dirname "$0")/lib.sh"
B=$PWD/$BUILD
LOOP=$B/bench/collect_loop
TP=task:task_prctl_unknown
N=20000

need_capture "$TP"
check_rc "--rings takes percpu or single" 2 "$SVATRACE" collect --rings triple
check_match "... naming the value" "bad --rings 'triple'" "$OUT"
check_rc "--consumers 0 is refused" 2 "$SVATRACE" collect --consumers 0

NCPU=$(nproc)
CPU2=$(( NCPU > 1 ? 1 : 0 ))

# capture OUT ARGS...: two loops ($N prctl calls each, on CPU 0 and CPU
# $CPU2) collected with ARGS; sets PIDS to "pidA pidB"
capture() {
	local out=$1; shift
	rm -f "$TMP/go" "$TMP/c.log"; mkfifo "$TMP/go"
	taskset -c 0 "$LOOP" $N --op prctl < "$TMP/go" > "$TMP/l0.out" &
	local l0=$!
	taskset -c $CPU2 "$LOOP" $N --op prctl < "$TMP/go" > "$TMP/l1.out" &
	local l1=$!
	exec 3> "$TMP/go"
	for _ in $(seq 100); do
		grep -qs '^pid ' "$TMP/l0.out" && grep -qs '^pid ' "$TMP/l1.out" && break
		sleep 0.05
	done
	PIDS="$(sed -n 's/^pid //p' "$TMP/l0.out") $(sed -n 's/^pid //p' "$TMP/l1.out")"
	"$SVATRACE" collect -o "$out" -e none --keep-phys --tracepoint $TP "$@" 2> "$TMP/c.log" &
	local cp=$!
	wait_attached "$TMP/c.log" $cp
	printf xx >&3; exec 3>&-
	wait $l0 $l1
	# no pause: the loops' calls are in the rings, and Ctrl-C detaches the
	# probes before the final drain
	kill -INT $cp; wait $cp
}

# canon FILE PIDS: the two loops' records as "A|B text", sorted (pids and
# times differ between runs; the loop index in arg2 does not). awk, not jq,
# reads dump's fixed key order ({"ts_ns":N,... "pid":N,... "text":"..."}):
# on 40000 lines 0.08 s of CPU against jq's 0.55 s
canon() {
	local a=${2% *} b=${2#* }
	"$SVATRACE" dump -e $TP "$1" |
		awk -v a="$a" -v b="$b" '{ p = substr($0, index($0, ",\"pid\":") + 7) + 0
			t = index($0, "\"text\":\"")
			if (p == a || p == b) print (p == a ? "A" : "B") " " substr($0, t + 8, length($0) - t - 9) }' |
		sort
}
# in_order FILE: "ordered" when ts_ns (the first key) never decreases, else the first inversion
in_order() {
	"$SVATRACE" dump "$1" |
		awk -F'[:,]' 'NR > 1 && $2 < p { print "inversion at record " NR ": " $2 " < " p; bad = 1; exit }
		     { p = $2 } END { if (!bad) print "ordered" }'
}

capture "$TMP/single.trace" --rings single
PS=$PIDS
check_match "shared ring: 0 lost" 'total: [0-9]+ records, 0 lost' "$(cat "$TMP/c.log")"
canon "$TMP/single.trace" "$PS" > "$TMP/single.txt"
check_eq "shared ring: 2 x $N records of the two loops" $((2 * N)) "$(wc -l < "$TMP/single.txt")"
check_eq "... each loop index once per loop" $((2 * N)) "$(sort -u "$TMP/single.txt" | wc -l)"

capture "$TMP/percpu.trace" --rings percpu --consumers 1
check_match "per-CPU rings, one consumer: 0 lost" 'total: [0-9]+ records, 0 lost' "$(cat "$TMP/c.log")"
canon "$TMP/percpu.trace" "$PIDS" > "$TMP/percpu.txt"
check_eq "per-CPU rings equal the shared ring, record for record after sorting" "" \
	"$(diff "$TMP/single.txt" "$TMP/percpu.txt" | head -5)"
check_eq "per-CPU rings, one consumer: records in time order" "ordered" "$(in_order "$TMP/percpu.trace")"
check_eq "the loops ran on $(( CPU2 + 1 )) CPUs" $(( CPU2 + 1 )) \
	"$("$SVATRACE" dump -e $TP "$TMP/percpu.trace" | awk -F'"cpu":' '{ print $2 + 0 }' | sort -u | wc -l)"

capture "$TMP/two.trace" --consumers 2
check_match "two consumers: 0 lost" 'total: [0-9]+ records, 0 lost' "$(cat "$TMP/c.log")"
canon "$TMP/two.trace" "$PIDS" > "$TMP/two.txt"
check_eq "two consumers (parts merged) equal the shared ring" "" \
	"$(diff "$TMP/single.txt" "$TMP/two.txt" | head -5)"
check_eq "two consumers: records in time order" "ordered" "$(in_order "$TMP/two.trace")"
check_eq "no part file left behind" "" "$(ls "$TMP" | grep '\.part')"
check_rc "the merged file passes svatrace info" 0 "$SVATRACE" info "$TMP/two.trace"
echo "1..$TAP_N"
