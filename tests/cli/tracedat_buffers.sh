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
mkdir "$I"
echo 8 > "$I/buffer_size_kb"
echo 1 > "$I/events/sched/sched_switch/enable"
echo 1 > "$I/events/syscalls/enable"
echo 1 > "$I/tracing_on"
for i in $(seq 30); do ls / > /dev/null; done
echo 0 > "$I/tracing_on"
trace-cmd extract -B "$NAME" -o "$TMP/f.dat" > "$TMP/extract.log" 2>&1
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
mkdir "$TR/instances/$N2"
# under load trace-cmd extract has once written no file: try again, and say so
# if it never does (the import of a missing file would fail for another reason)
for _ in 1 2 3; do
	trace-cmd extract -B "$N2" -o "$TMP/empty.dat" > /dev/null 2>&1
	[ -s "$TMP/empty.dat" ] && break
	sleep 1
done
[ -d "$TR/instances/$N2" ] && rmdir "$TR/instances/$N2"
check_eq "trace-cmd extract wrote the idle instance's trace.dat" yes "$([ -s "$TMP/empty.dat" ] && echo yes)"
check_fails "a trace.dat without events fails" "$SVATRACE" import --from trace-dat "$TMP/empty.dat" -o "$TMP/e.svt"
check_match "... saying which buffers it read" "no records imported from 0 events: buffer \(top\).*'$N2': 2 CPUs, 0 events" "$OUT"
check_eq "... and leaves no output" 1 "$([ -e "$TMP/e.svt" ]; echo $?)"
