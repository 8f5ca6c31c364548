#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# import_loud.sh - an import either gives records or fails loudly (#17 item
# 2), input that would be misread is refused naming file:line (#19 item 8),
# and every event gets its real system. Each case failed before: README.md
# and `perf script` text imported with exit 0 (0 or a few records),
# sched_switch became ftrace:sched_switch, CPU 65536 became CPU 0, a
# timestamp past 2^64 ns wrapped, lost counts wrapped, a CSV range across
# 2^64 counted as one page, a NUL cut a line short, and `--profile DIR`
# was silently ignored.
. "$(dirname "$0")/lib.sh"
S=$SVATRACE
L='          <idle>-0       [000] d..1  12.000000: map: IOMMU: iova=0x0000000000001000 - 0x0000000000002000 paddr=0x0000000000003000 size=4096'

# --- garbage is refused -------------------------------------------------
check_fails "README.md as ftrace text fails" "$S" import --from ftrace-text README.md -o "$TMP/r.svt"
check_match "... quoting its first non-event line with file:line" "README.md:3: not an ftrace event line: 'svatrace tells you" "$OUT"
check_match "... and stopping after 10 such lines" 'more than 10 lines are not ftrace event lines.*--lenient' "$OUT"
check_eq "... quoting only the first 3" 3 "$(printf '%s\n' "$OUT" | grep -c 'not an ftrace event line:')"
check_eq "... writing no output" 1 "$([ -e "$TMP/r.svt" ]; echo $?)"
check_fails "with --lenient it still fails: 0 records" "$S" import --lenient --from ftrace-text README.md -o "$TMP/r.svt"
check_match "... saying why, with the first unparseable line" 'no records imported from [0-9]+ lines: [0-9]+ lines are not ftrace event lines, the first \(line 3\)' "$OUT"

# `perf script` text: the SYSTEM:EVENT: column gives it away
for i in $(seq 12); do
	echo "            perf 1845$i [000] 12086.09691$i: sched:sched_switch: prev_comm=perf prev_pid=1845$i prev_prio=120 prev_state=D ==> next_comm=x next_pid=18 next_prio=0"
	echo "     kworker/0:1-7$i [001] 12086.09692$i: sched:sched_waking: comm=x pid=18 prio=0 target_cpu=000"
done > "$TMP/perf.txt"
check_fails "perf script text fails" "$S" import --from ftrace-text "$TMP/perf.txt" -o "$TMP/p.svt"
check_match "... naming it as perf script output" 'looks like `perf script` output' "$OUT"
if command -v perf > /dev/null && [ "$(id -u)" -eq 0 ] &&
	timeout 20 perf record -q -o "$TMP/p.data" -e sched:sched_switch -a sleep 0.2 > /dev/null 2>&1 &&
	perf script -i "$TMP/p.data" > "$TMP/real-perf.txt" 2> /dev/null && [ "$(wc -l < "$TMP/real-perf.txt")" -gt 10 ]; then
	check_fails "real perf script output of this host fails" "$S" import --from ftrace-text "$TMP/real-perf.txt" -o "$TMP/p.svt"
	check_match "... naming it" 'perf script' "$OUT"
else
	echo "ok $((TAP_N + 1)) - # SKIP perf record does not work here"; TAP_N=$((TAP_N + 1))
fi

# a few stray lines in a real trace are tolerated, each quoted
{ echo 'stray line one'; echo "$L"; echo 'stray line two'; echo "$L"; } > "$TMP/stray.txt"
check_rc "two stray lines among events: imported" 0 "$S" import --from ftrace-text "$TMP/stray.txt" -o "$TMP/s.svt"
check_match "... each quoted with file:line" "stray.txt:3: not an ftrace event line: 'stray line two'" "$OUT"
: > "$TMP/empty.txt"
check_fails "an empty file fails" "$S" import --from ftrace-text "$TMP/empty.txt" -o "$TMP/e.svt"
check_match "... saying it had no event lines" 'no records imported from 0 lines: no event lines' "$OUT"
printf 'time_ns,device,pasid,iova,size,dir\n' > "$TMP/h.csv"
check_fails "a CSV with only its header fails" "$S" import --from access-csv "$TMP/h.csv" -o "$TMP/h.svt"
check_match "... saying so" 'a header line and no access lines' "$OUT"

# --- real event systems -------------------------------------------------
{ echo "${L/map:/sched_switch:}"; echo "${L/map:/sys_enter_openat:}"; echo "${L/map:/made_up_event:}"
	echo "${L/map:/tracing_mark_write:}"; } > "$TMP/sys.txt"
check_rc "events outside the probe table import" 0 "$S" import --from ftrace-text "$TMP/sys.txt" -o "$TMP/sys.svt"
J=$("$S" info --json "$TMP/sys.svt")
check_match "sched_switch is sched:sched_switch" '"sched:sched_switch": 1' "$J"
check_match "sys_enter_openat is syscalls:sys_enter_openat" '"syscalls:sys_enter_openat": 1' "$J"
check_match "an event no table knows is unknown:NAME" '"unknown:made_up_event": 1' "$J"
check_match "trace_marker text is ftrace:print" '"ftrace:print": 1' "$J"

# the capturing host's list of events (tracefs available_events) names them too
printf 'sched:sched_switch\nmygroup:made_up_event\n' > "$TMP/events.txt"
check_rc "--event-list FILE gives systems no table knows" 0 "$S" import --event-list "$TMP/events.txt" --from ftrace-text "$TMP/sys.txt" -o "$TMP/el.svt"
check_match "... made_up_event is mygroup:made_up_event" '"mygroup:made_up_event": 1' "$("$S" info --json "$TMP/el.svt")"
printf 'sched:sched_switch\nnot an event\n' > "$TMP/bad-events.txt"
check_fails "a malformed --event-list fails" "$S" import --event-list "$TMP/bad-events.txt" --from ftrace-text "$TMP/sys.txt" -o "$TMP/el.svt"
check_match "... naming file:line" 'bad-events.txt:2: want SYSTEM:NAME' "$OUT"

# on the capturing host its tracefs names events no table knows
TR=/sys/kernel/tracing
if [ "$(id -u)" -eq 0 ] && [ -d "$TR/events/mmap_lock/mmap_lock_start_locking" ]; then
	I=$TR/instances/svt-loud-$$
	mkdir "$I"
	trap 'rmdir "$I" 2> /dev/null; rm -rf "$TMP"' EXIT
	echo 1 > "$I/events/mmap_lock/mmap_lock_start_locking/enable"
	for i in $(seq 5); do ls / > /dev/null; done
	echo 0 > "$I/tracing_on"
	check_rc "an instance's tracefs trace file imports in place" 0 "$S" import --from ftrace-text "$I/trace" -o "$TMP/tf.svt"
	check_match "... its events named from that tracefs: mmap_lock:mmap_lock_start_locking" '"mmap_lock:mmap_lock_start_locking": [1-9]' "$("$S" info --json "$TMP/tf.svt")"
	cp "$I/trace" "$TMP/copy.txt"
	"$S" -q import --from ftrace-text "$TMP/copy.txt" -o "$TMP/cp.svt" 2> /dev/null
	check_match "... while a copy elsewhere (not the capturing tracefs) says unknown:" '"unknown:mmap_lock_start_locking": [1-9]' "$("$S" info --json "$TMP/cp.svt")"
	rmdir "$I"
else
	echo "ok $((TAP_N + 1)) - # SKIP needs root and tracefs mmap_lock events"; TAP_N=$((TAP_N + 1))
fi

# --- #19 item 8: values that would be misread ---------------------------
printf '%s\n' "$L" "${L/\[000\]/[65536]}" > "$TMP/cpu.txt"
check_fails "CPU 65536 is refused (was truncated to CPU 0)" "$S" import --from ftrace-text "$TMP/cpu.txt" -o "$TMP/x.svt"
check_match "... naming file:line" 'cpu.txt:2: CPU out of range \(the trace format holds CPUs 0-65535\)' "$OUT"
printf '%s\n' "$L" "${L/12.000000/18446744074.000000}" > "$TMP/ts.txt"
check_fails "a timestamp past 2^64 ns is refused (was wrapped)" "$S" import --from ftrace-text "$TMP/ts.txt" -o "$TMP/x.svt"
check_match "... naming file:line" 'ts.txt:2: timestamp out of range \(beyond 2\^64 ns' "$OUT"
printf '%s\n' "${L/12.000000/18446744073.709551615}" > "$TMP/tsmax.txt"
check_rc "... while 2^64-1 ns exactly is kept" 0 "$S" import --from ftrace-text "$TMP/tsmax.txt" -o "$TMP/x.svt"
check_match "... as 18446744073709551615" '"ts_ns":18446744073709551615,' "$("$S" dump "$TMP/x.svt")"
printf '%s\n' "$L" 'CPU:1 [LOST 18446744073709551615 EVENTS]' 'CPU:0 [LOST 2 EVENTS]' > "$TMP/lost.txt"
check_fails "lost counts adding up past 2^64 are refused (the sum wrapped to 1)" "$S" import --from ftrace-text "$TMP/lost.txt" -o "$TMP/x.svt"
check_match "... naming file:line" "lost.txt:3: lost-events count out of range \(the file's losses add up past 2\^64\)" "$OUT"
printf '%s\n' "$L" 'CPU:1 [LOST 18446744073709551616 EVENTS]' > "$TMP/lost2.txt"
check_fails "a lost count of 2^64 is refused" "$S" import --from ftrace-text "$TMP/lost2.txt" -o "$TMP/x.svt"
check_match "... naming file:line" 'lost2.txt:2: lost-events count out of range \(beyond 2\^64\)' "$OUT"
printf '%s\n' "$L" "$L" | sed '2s/iova=/io\x00va=/' > "$TMP/nul.txt"
check_rc "a NUL in an ftrace line: that line is not imported, the rest is" 0 "$S" import --from ftrace-text "$TMP/nul.txt" -o "$TMP/x.svt"
check_match "... with a warning naming file:line and column" 'nul.txt:2: not an ftrace event line: .*\\x00\.\.\. \(a NUL byte at column 63\)' "$OUT"
check_match "... and 1 record, not 2 (the cut line used to import as a map)" '"records": 1,' "$("$S" info --json "$TMP/x.svt")"
printf 'time_ns,device,pasid,iova,size,dir\n1,d,,0x1000,4096,r\n2,d,,0xfffffffffffff000,8192,r\n' > "$TMP/wrap.csv"
check_fails "a CSV range across 2^64 is refused (it counted as one page)" "$S" import --from access-csv "$TMP/wrap.csv" -o "$TMP/x.svt"
check_match "... naming file:line" 'wrap.csv:3: iova 0xfffffffffffff000 \+ size 8192 crosses 2\^64' "$OUT"
printf 'time_ns,device,pasid,iova,size,dir\n2,d,,0xfffffffffffff000,4096,r\n' > "$TMP/top.csv"
check_rc "... while the last page of the space is fine" 0 "$S" import --from access-csv "$TMP/top.csv" -o "$TMP/x.svt"
printf 'time_ns,device,pasid,iova,size,dir\n1,d,,0x1000,4096,r\n2,d,,0x2000,4096,r\0garbage\n' > "$TMP/nul.csv"
check_fails "a NUL in a CSV line is refused" "$S" import --from access-csv "$TMP/nul.csv" -o "$TMP/x.svt"
check_match "... naming file:line and column" 'nul.csv:3: a NUL byte at column 19' "$OUT"
printf 'time_ns,device,pasid,iova,size,dir\n99999999999999999999,d,,0x1000,4096,r\n' > "$TMP/big.csv"
check_fails "a CSV time past 2^64 is refused" "$S" import --from access-csv "$TMP/big.csv" -o "$TMP/x.svt"
check_match "... naming file:line and the field" 'big.csv:2: time_ns is not a number below 2\^64' "$OUT"

# profiles: a folder is not a profile; "# comments" work like "; comments"
mkdir "$TMP/pdir"
check_fails "--profile DIR fails (was silently ignored)" "$S" replay --profile "$TMP/pdir" --list-params
check_match "... saying it is a directory" 'pdir: is a directory, not a profile file' "$OUT"
printf '# full-line comment\n[iotlb]\n; another\nentries = 96 # trailing comment\n' > "$TMP/c.ini"
check_rc "a profile with '# comments' loads" 0 "$S" replay --profile "$TMP/c.ini" --list-params
check_match "... and its value is read without the comment" 'iotlb\.entries +entries +entries +96 ' "$OUT"

# replay of a trace with nothing the model reads: a warning naming the kinds it needs; --strict fails
check_rc "replay of a trace of only other events exits 0" 0 "$S" replay "$TMP/sys.svt"
check_match "... with a warning naming the record kinds the model needs" 'sys.svt: nothing in this trace is input to the model \(replayed: none; 4 skipped.*iommu_map, iommu_unmap, dma, dev_access' "$OUT"
check_rc "replay --strict of it fails" 1 "$S" replay --strict "$TMP/sys.svt"
zcat data/traces/qemu-vtd-6.1-trace.txt.gz | head -400 > "$TMP/real.txt"
"$S" -q import --from ftrace-text "$TMP/real.txt" -o "$TMP/real.svt"
check_rc "replay --strict of a trace with maps succeeds" 0 "$S" replay --strict "$TMP/real.svt"
check_eq "... without that warning" "" "$(printf '%s\n' "$OUT" | grep 'nothing in this trace')"
