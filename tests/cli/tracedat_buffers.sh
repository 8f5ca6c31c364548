#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tracedat_buffers.sh - `import --from trace-dat` reads every buffer of a
# trace.dat, not only the top one: a private tracefs instance records
# sched_switch and syscalls (into an 8 KiB buffer, so it overruns), `trace-cmd
# extract -B` writes it (the top buffer stays empty), and the import must give
# `trace-cmd report`'s record count, the file's clock (not "unknown") and the
# kernel's overrun counts of that buffer as lost events. Before, this import
# gave 0 records, exit 0 and "clock unknown".
. "$(dirname "$0")/lib.sh"
# libtraceevent's own leak on this host's event formats (see the file)
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "$0")" && pwd)/libtraceevent.supp
TR=/sys/kernel/tracing
if [ "$(id -u)" -ne 0 ] || [ ! -d "$TR/instances" ] || ! command -v trace-cmd > /dev/null ||
	[ ! -d "$TR/events/syscalls" ]; then
	echo "ok 1 - # SKIP needs root, tracefs instances with syscalls events, and trace-cmd"
	exit 0
fi
NAME=svt-test-$$
I=$TR/instances/$NAME
cleanup() { [ -d "$I" ] && rmdir "$I"; rm -rf "$TMP"; }
trap cleanup EXIT
# record INSTANCE [EVENT...]: the instance made (8 KiB of buffer, so it
# overruns) if it is not there, EVENTs (SYSTEM or SYSTEM/EVENT) enabled, and
# 30 `ls` traced into it
record() {
	local i=$TR/instances/$1 e
	shift
	[ -d "$i" ] || { mkdir "$i" && echo 8 > "$i/buffer_size_kb"; }
	for e in "$@"; do echo 1 > "$i/events/$e/enable"; done
	echo 1 > "$i/tracing_on"
	for _ in $(seq 30); do ls / > /dev/null; done
	echo 0 > "$i/tracing_on"
}
# extract BUFFER OUT [EVENT...]: record, then trace-cmd extract -B, both
# again while the extract fails. It reads /proc/kallsyms twice (its size,
# then its text) and gives up with "error in size of file '/proc/kallsyms'"
# when they differ: each BPF program loaded or unloaded meanwhile (the
# collector tests, in parallel in make check) adds or removes a symbol. A
# failed extract has already drained the buffer and removed the instance
# (trace-cmd removes the instances it extracts), so both are made again.
extract() {
	local b=$1 out=$2
	shift 2
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		rm -f "$out"
		record "$b" "$@"
		trace-cmd extract -B "$b" -o "$out" > "$TMP/extract.log" 2>&1 && [ -s "$out" ] && return 0
		sleep 0.3
	done
	sed 's/^/# /' "$TMP/extract.log" | head -5
	return 1
}
extract "$NAME" "$TMP/f.dat" sched/sched_switch syscalls
check_eq "trace-cmd extract -B wrote a trace.dat" 0 "$([ -s "$TMP/f.dat" ]; echo $?)"

# what trace-cmd says of its own file
want_n=$(trace-cmd report "$TMP/f.dat" 2> /dev/null | grep -c "^ *$NAME:")
# the file's TRACECLOCK option: the trace clocks, the one in use in brackets
want_clock=$(trace-cmd dump --options "$TMP/f.dat" 2>&1 | grep -A1 'Option TRACECLOCK' | grep -o '\[[a-z0-9-]*\]' | tr -d '[]')
want_lost=$(trace-cmd report --stat "$TMP/f.dat" 2> /dev/null |
	awk -v b="Buffer: $NAME" '$0 == b {on = 1} on && /^(overrun|commit overrun|dropped events):/ {n += $NF} END {print n + 0}')
echo "# trace-cmd: $want_n events in buffer $NAME, clock $want_clock, $want_lost lost"
check_match "the instance recorded events (this test can fail)" '^[1-9][0-9]+$' "$want_n"
check_match "... and trace-cmd names the file's clock" '^[a-z]' "$want_clock"
check_match "... and overran its 8 KiB buffer" '^[1-9]' "$want_lost"

check_rc "import --from trace-dat exits 0" 0 "$SVATRACE" import --from trace-dat "$TMP/f.dat" -o "$TMP/f.svt"
check_match "... and names each buffer with its events" "buffer 'svt-test-$$': 2 CPUs, $want_n events, $want_lost lost" "$OUT"
J=$("$SVATRACE" info --json "$TMP/f.svt")
got=$(printf '%s' "$J" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["records"], d["clock"], d["meta"]["source"]["clock"], d["lost"]["total"],
      sorted(b["name"] for b in d["meta"]["source"]["buffers"]))')
check_eq "record count, clock, file clock, lost and buffers equal trace-cmd's" \
	"$want_n ftrace-$want_clock $want_clock $want_lost ['', '$NAME']" "$got"
check_match "event systems are the real ones" 'sched:sched_switch.*|syscalls:sys_' "$("$SVATRACE" info "$TMP/f.svt")"
check_match "lost events are counted against the instance" "ftrace/$NAME +$want_lost" "$("$SVATRACE" info "$TMP/f.svt")"

# a trace.dat with no events at all (an idle instance): exit 1 and say why
N2=$NAME-idle
# say so if extract never writes the file (the import of a missing file
# would fail for another reason)
extract "$N2" "$TMP/empty.dat"
[ -d "$TR/instances/$N2" ] && rmdir "$TR/instances/$N2"
check_eq "trace-cmd extract wrote the idle instance's trace.dat" yes "$([ -s "$TMP/empty.dat" ] && echo yes)"
check_fails "a trace.dat without events fails" "$SVATRACE" import --from trace-dat "$TMP/empty.dat" -o "$TMP/e.svt"
check_match "... saying which buffers it read" "no records imported from 0 events: buffer \(top\).*'$N2': 2 CPUs, 0 events" "$OUT"
check_eq "... and leaves no output" 1 "$([ -e "$TMP/e.svt" ]; echo $?)"
