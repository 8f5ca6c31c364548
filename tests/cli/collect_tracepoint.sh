#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_tracepoint.sh - `svatrace collect --tracepoint SYSTEM:NAME`: every
# getppid() of a process is recorded exactly once, with the syscall number
# decoded from the format file; 8-byte fields are hashed unless --keep-phys;
# bad or absent tracepoints are refused with a clear message.
. "$(dirname "$0")/lib.sh"
B=$PWD/$BUILD
LOOP=$B/bench/collect_loop
DUMP=$B/tests/collect/trace_dump
TP=syscalls:sys_enter_getppid

need_capture "$TP"

check_rc "--tracepoint without SYSTEM: is a usage error" 2 "$SVATRACE" collect --tracepoint getppid
check_rc "an absent tracepoint fails" 1 "$SVATRACE" collect -e none --tracepoint nosuch:event -d 1
check_match "... naming it" "nosuch:event.*no such tracepoint" "$OUT"
check_match "--list shows the generic probe" '^tracepoint +tracepoint +with --tracepoint' \
	"$("$SVATRACE" collect --list)"

# run_traced OUT ARGS...: collect_loop 1234 traced with --tracepoint and -p
run_traced() {
	local out=$1; shift
	rm -f "$TMP/go"; mkfifo "$TMP/go"
	"$LOOP" 1234 < "$TMP/go" > "$TMP/loop.out" &
	local lp=$!
	exec 3> "$TMP/go"
	for _ in $(seq 100); do grep -q '^pid ' "$TMP/loop.out" && break; sleep 0.05; done
	LPID=$(sed -n 's/^pid //p' "$TMP/loop.out")
	rm -f "$TMP/c.log"
	"$SVATRACE" collect -o "$out" -e none -p "$LPID" "$@" 2> "$TMP/c.log" &
	local cp=$!
	wait_attached "$TMP/c.log" $cp
	printf x >&3; exec 3>&-
	wait $lp
	# no pause: Ctrl-C detaches the probes, then drains the ring
	kill -INT $cp; wait $cp
}

run_traced "$TMP/a.trace" --tracepoint "$TP" --tracepoint syscalls:sys_enter_kill
check_match "summary counts 1234 records, 0 lost" 'total: 1234 records, 0 lost' "$(cat "$TMP/c.log")"
check_rc "the file passes svatrace info" 0 "$SVATRACE" info "$TMP/a.trace"
"$DUMP" "$TMP/a.trace" > "$TMP/a.txt"
check_eq "1234 getppid records of the loop, decoded" 1234 \
	"$(grep -c "^$TP pid=$LPID __syscall_nr=110 hashed=0\$" "$TMP/a.txt")"
check_eq "nothing else recorded (pid filter)" 1234 "$(wc -l < "$TMP/a.txt")"
check_match "meta lists the tracepoints" '"tracepoints":\["syscalls:sys_enter_getppid","syscalls:sys_enter_kill"\]' \
	"$("$SVATRACE" info --json "$TMP/a.trace" | tr -d " \n")"

# 8-byte fields: hashed by default, kept with --keep-phys (kill(pid, 0) on ourselves)
khash() {
	rm -f "$TMP/k.log"
	"$SVATRACE" collect -o "$1" -e none --tracepoint syscalls:sys_enter_kill $2 2> "$TMP/k.log" &
	local cp=$!
	for _ in $(seq 200); do grep -qs 'collecting from' "$TMP/k.log" && break; sleep 0.1; done
	kill -0 424242 2>/dev/null
	kill -INT $cp; wait $cp
}
khash "$TMP/k1.trace" ""
khash "$TMP/k2.trace" --keep-phys
check_match "kill's 8-byte pid is hashed by default" \
	'syscalls:sys_enter_kill pid=[0-9]+ __syscall_nr=62 pid=0x[0-9a-f]+ sig=0x0 hashed=1' \
	"$("$DUMP" "$TMP/k1.trace")"
check_match "... and kept with --keep-phys" \
	'syscalls:sys_enter_kill pid=[0-9]+ __syscall_nr=62 pid=424242 sig=0 hashed=0' \
	"$("$DUMP" "$TMP/k2.trace")"
