#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect.sh - cost per captured event of `svatrace collect`, as the time it
# adds to each operation of a traced hot path (bench/collect_loop.c), on two
# hot paths:
#   getppid  N getppid() calls, each firing syscalls:sys_enter_getppid. A
#            syscall tracepoint, once enabled, sends every system call of
#            the task through the slow syscall-entry path: that floor is
#            paid before any tracer code runs.
#   prctl    N prctl() calls with an unknown option, each firing
#            task:task_prctl_unknown: an ordinary tracepoint, enabled by a
#            static key like the IOMMU/DMA/VT-d ones the collector's own
#            probes use, so the floor is the tracepoint dispatch alone.
# On each path, measured in the same run:
#   1. untraced (baseline),
#   2. `perf stat` counting the tracepoint (what enabling it costs alone),
#   3. the collector attached but filtering the loop out (-p of another
#      process): tracepoint + BPF dispatch, no ring-buffer work,
#   4. traced by the real collector: svatrace collect --tracepoint (the same
#      ring-buffer record header, batched wakeups, consumer loop, converter
#      and trace writer as every other probe) writing a trace file,
#   5. `perf record -e` the same tracepoint (-c 1: every event),
# interleaved for ROUNDS rounds; medians are reported. Prints added ns per
# event, events captured vs fired, lost events and events/s achieved, with
# ratios against the baseline, and the collector's own share (row 4 minus
# row 3). Never asserts a time.
# Rows 4 are run twice more: with --rings single (the one shared ring), and,
# when OLD_SVT names another svatrace binary (e.g. one built from an older
# commit), with that binary: before/after in the same run.
# Env: N (ops per run, default 2000000), ROUNDS (default 3), BUF (collector
# --buffer-size, default: the collector's), PATHS (default "getppid
# prctl"), OLD_SVT, BUILD.
set -uo pipefail
BUILD=${BUILD:-build}
N=${N:-2000000}
ROUNDS=${ROUNDS:-3}
PATHS=${PATHS:-getppid prctl}
LOOP=$BUILD/bench/collect_loop
SVT=$BUILD/svatrace
OLD_SVT=${OLD_SVT:-}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
WARMUP=20000	# collect_loop's untraced warm-up ops (perf sees them: it starts the loop)

tp_of() { case $1 in getppid) echo syscalls:sys_enter_getppid ;; prctl) echo task:task_prctl_unknown ;; esac; }

. "$(dirname "$0")/collect-lib.sh"
collect_bench_ready collect.sh
for p in $PATHS; do
	tp=$(tp_of "$p")
	if [ -z "$tp" ]; then echo "collect.sh: unknown path '$p' (getppid, prctl)"; exit 1; fi
	if [ ! -d "/sys/kernel/tracing/events/${tp/://}" ]; then
		echo "collect.sh: no $tp tracepoint in this kernel: skipping the $p path"
		PATHS=$(echo "$PATHS" | sed "s/\b$p\b//")
	fi
done
[ -n "${PATHS// }" ] || { echo "collect.sh: SKIP: no usable hot path"; exit 0; }

# start_loop: collect_loop waiting on a fifo; sets LP (its pid) and LPID
# (the process to trace), fd 3 = the go signal.
start_loop() {
	rm -f "$W/go"; mkfifo "$W/go"
	"$@" < "$W/go" > "$W/loop.out" 2> "$W/loop.err" &
	LP=$!
	exec 3> "$W/go"
	for _ in $(seq 100); do grep -q '^pid ' "$W/loop.out" && break; sleep 0.05; done
	LPID=$(sed -n 's/^pid //p' "$W/loop.out")
}
# finish_loop: release the loop, wait, set LNS to its ns/op
finish_loop() {
	printf x >&3; exec 3>&-
	wait $LP
	LNS=$(sed -n 's/^ns_per_op //p' "$W/loop.out")
}

run_base() {
	start_loop "$LOOP" "$N" --op "$OP"
	finish_loop
	echo "$LNS"
}

run_perf_stat() {
	start_loop "$LOOP" "$N" --op "$OP"
	perf stat -e "$TP" -p "$LPID" -x, -o "$W/stat.csv" 2> "$W/stat.err" &
	local sp=$!
	sleep 0.5
	finish_loop; local ns=$LNS
	kill -INT $sp 2>/dev/null; wait $sp
	if grep -q "$TP" "$W/stat.csv" 2>/dev/null; then
		echo "$ns $(grep "$TP" "$W/stat.csv" | cut -d, -f1)"
	else
		echo "refused $(head -c 300 "$W/stat.err" "$W/stat.csv" 2>/dev/null | tr '\n' ' ')"
	fi
}

run_svt() {	# [PID [BINARY [ARGS]]]: trace PID instead of the loop (then nothing is captured)
	start_loop "$LOOP" "$N" --op "$OP"
	rm -f "$W/c.log"	# else the wait below may see the previous run's line
	rm -f "$W/c.trace"	# not --force: an OLD_SVT may predate it
	"${2:-$SVT}" collect -o "$W/c.trace" ${BUF:+-b $BUF} -e none -p "${1:-$LPID}" --tracepoint "$TP" ${3:-} 2> "$W/c.log" &
	local cp=$!
	for _ in $(seq 200); do
		grep -qs 'collecting from' "$W/c.log" && break
		kill -0 $cp 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -qs 'collecting from' "$W/c.log"; then
		finish_loop; wait $cp
		echo "failed $(head -c 300 "$W/c.log" | tr '\n' ' ')"; return
	fi
	local t0; t0=$(cpu_ns $cp)
	finish_loop; local ns=$LNS
	sleep 0.3	# let the consumer drain what the loop left
	local t1; t1=$(cpu_ns $cp)
	stop_wait $cp
	local rec lost
	rec=$(sed -n 's/^total: \([0-9]*\) records.*/\1/p' "$W/c.log")
	lost=$(sed -n 's/^total: [0-9]* records, \([0-9]*\) lost.*/\1/p' "$W/c.log")
	"$SVT" info "$W/c.trace" > "$W/c.info" 2>&1 || rec="bad-file"
	echo "$ns ${rec:-?} ${lost:-?} $(stat -c %s "$W/c.trace") $(( t1 - t0 ))"
}

run_perf() {
	rm -f "$W/perf.data"
	start_loop perf record -q -e "$TP" -c 1 -o "$W/perf.data" -- "$LOOP" "$N" --op "$OP"
	finish_loop; local ns=$LNS
	if [ ! -s "$W/perf.data" ] || [ -z "$ns" ]; then
		echo "refused $(head -c 300 "$W/loop.err" | tr '\n' ' ')"; return
	fi
	perf report -i "$W/perf.data" --stats > "$W/perf.stats" 2>&1
	local smp lostp
	smp=$(awk '/^'"$TP"' stats:/{f=1} f && /SAMPLE events:/{print $3; exit}' "$W/perf.stats")
	lostp=$(awk '/^'"$TP"' stats:/{f=1} f && /LOST_SAMPLES events:/{print $3; exit}' "$W/perf.stats")
	echo "$ns ${smp:-0} ${lostp:-0} $(stat -c %s "$W/perf.data")"
}

# stop_wait PID: SIGINT, then SIGKILL if it has not ended within 10 s
stop_wait() {
	kill -INT "$1"
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && { echo "collect.sh: $1 ignored SIGINT, killed" >&2; kill -KILL "$1"; }
	wait "$1"
}
# cpu_ns PID: CPU time of every thread of PID so far (schedstat: ns, where
# /proc/PID/stat counts 100 Hz ticks, +-5 ns per event at 2M events)
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
median() { sort -g | awk '{a[NR]=$1} END{ if (NR) print a[int((NR+1)/2)]; else print "nan" }'; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

echo "hot paths: $N ops each of: $(for p in $PATHS; do printf '%s (%s) ' "$p" "$(tp_of "$p")"; done)"
echo "           $ROUNDS interleaved rounds, medians; $(nproc) CPUs (shared: expect noise), kernel $(uname -r)"
for p in $PATHS; do
	for k in base stat filt svt perf old single; do : > "$W/$p.$k"; done
done
for r in $(seq "$ROUNDS"); do
	for p in $PATHS; do
		OP=$p; TP=$(tp_of "$p")
		run_base >> "$W/$p.base"
		run_perf_stat >> "$W/$p.stat"
		run_svt 1 >> "$W/$p.filt"
		run_svt >> "$W/$p.svt"
		[ -n "$OLD_SVT" ] && run_svt "" "$OLD_SVT" >> "$W/$p.old"
		run_svt "" "$SVT" "--rings single" >> "$W/$p.single"
		run_perf >> "$W/$p.perf"
	done
done

row() {	# NAME FILE FIRED: FILE lines "ns captured lost bytes" or "refused/failed ..."
	local name=$1 f=$2 fired=$3
	if grep -q '^refused\|^failed' "$f"; then
		printf '%-34s %s\n' "$name" "$(grep -m1 '^refused\|^failed' "$f")"
		return
	fi
	local ns cap lost bytes
	ns=$(cut -d' ' -f1 "$f" | median)
	cap=$(cut -d' ' -f2 "$f" | median)
	lost=$(cut -d' ' -f3 "$f" | median)
	bytes=$(cut -d' ' -f4 "$f" | median)
	[ "$lost" = "" ] && lost=-
	printf '%-34s %9s %9s %7s %11s %11s %10s %9s\n' "$name" "$ns" "$(calc "$ns - $base")" \
		"$(calc "$ns / $base" 2)" "$cap/$fired" "$lost" "$(calc "1e9 / $ns / 1e6" 2)M" \
		"$( [ -n "$bytes" ] && calc "$bytes / 1048576" 0 || echo -)"
}
for p in $PATHS; do
	TP=$(tp_of "$p")
	base=$(median < "$W/$p.base")
	printf '\n%s: %s\n' "$p" "$TP"
	printf '%-34s %9s %9s %7s %11s %11s %10s %9s\n' "path" "ns/op" "added ns" "ratio" "captured" "lost" "events/s" "file MiB"
	printf '%-34s %9s %9s %7s %11s %11s %10s %9s\n' "untraced (baseline)" "$base" "-" "1.00" "-" "-" \
		"$(calc "1e9 / $base / 1e6" 2)M" "-"
	row "perf stat (count only)" "$W/$p.stat" "$N"
	row "svatrace attached, loop filtered" "$W/$p.filt" "$N"
	row "svatrace collect --tracepoint" "$W/$p.svt" "$N"
	row "  ... --rings single (one ring)" "$W/$p.single" "$N"
	[ -n "$OLD_SVT" ] && row "  ... OLD_SVT (before)" "$W/$p.old" "$N"
	row "perf record -e (-c 1)" "$W/$p.perf" "$((N + WARMUP))"
	echo "per round (ns/op): base $(tr '\n' ' ' < "$W/$p.base")| filtered $(cut -d' ' -f1 "$W/$p.filt" | tr '\n' ' ')| svatrace $(cut -d' ' -f1 "$W/$p.svt" | tr '\n' ' ')| perf record $(cut -d' ' -f1 "$W/$p.perf" | tr '\n' ' ')"
	if ! grep -q '^failed' "$W/$p.svt" "$W/$p.filt"; then
		svt_ns=$(cut -d' ' -f1 "$W/$p.svt" | median)
		filt_ns=$(cut -d' ' -f1 "$W/$p.filt" | median)
		echo "svatrace: $(calc "$svt_ns - $base") ns added per event = $(calc "$filt_ns - $base") ns tracepoint + BPF dispatch floor" \
			"+ $(calc "$svt_ns - $filt_ns") ns the collector's own work (record, ring buffer);" \
			"$(cut -d' ' -f3 "$W/$p.svt" | median) lost, $(calc "1e9 / $svt_ns / 1e6" 2)M events/s (one thread)"
		echo "svatrace consumer (ring buffer -> converter -> trace writer): $(calc "$(cut -d' ' -f5 "$W/$p.svt" | median) / $N" 1) ns CPU per event, the whole collector process (every thread, schedstat)," \
			"$(calc "$(cut -d' ' -f4 "$W/$p.svt" | median) / $N" 3) bytes per event"
		# The same host runs this loop 1.5-3x faster or slower from one day
		# to the next; the consumer's cost in untraced operations of the same
		# run moves less. Issue 20's 60 ns was set where the untraced loop
		# offered 6.6 M/s (getppid) and 6.2 M/s (prctl): 0.40 and 0.37 of an op.
		echo "  ... = $(calc "$(cut -d' ' -f5 "$W/$p.svt" | median) / $N / $base" 2) of an untraced $p op (same run; issue 20's 60 ns target was $(case $p in getppid) echo 0.40 ;; *) echo 0.37 ;; esac) of one where it was set)"
		echo "  ... with --rings single: $(calc "$(cut -d' ' -f5 "$W/$p.single" | median) / $N" 1) ns$( [ -n "$OLD_SVT" ] && echo "; OLD_SVT: $(calc "$(cut -d' ' -f5 "$W/$p.old" | median) / $N" 1) ns, $(calc "$(cut -d' ' -f4 "$W/$p.old" | median) / $N" 3) bytes per event")"
		echo "  ... per round (ns/event): $(for f in svt single old; do [ -s "$W/$p.$f" ] && printf '%s ' "$f:" && cut -d' ' -f5 "$W/$p.$f" | awk -v n="$N" '{printf "%.0f ", $1 / n}'; done)"
		if ! grep -q '^failed\|^refused' "$W/$p.perf"; then
			perf_ns=$(cut -d' ' -f1 "$W/$p.perf" | median)
			echo "svatrace added / perf record added (same run): $(calc "($svt_ns - $base) / ($perf_ns - $base)" 2)" \
				"(issue 3's reference: ring buffer 123-195 ns vs perf record ~240 ns = 0.51-0.81)"
		fi
	fi
done
echo
echo "perf stat 'captured' = the tracepoint count; perf record also sees the $WARMUP warm-up ops (it starts the loop)."
echo "'loop filtered' = the collector attached with -p 1: the tracepoint and BPF program run, nothing is reserved or written."
echo "svatrace 'lost' = ring-buffer-full drops counted in BPF; perf 'lost' = its LOST_SAMPLES."
echo "--tracepoint uses classic tracepoint programs (the kernel fills a perf record first); the built-in iommu:map,"
echo "iommu:unmap and intel_iommu:qi_submit probes attach as raw_tp where the kernel allows: ~50 ns less per event"
echo "(same program body on task:task_prctl_unknown, raw_tp vs tracepoint, measured while tuning; see docs/collect.md)."
echo "The collector's own work per event is mostly four helper calls: bpf_ktime_get_ns (~50 ns here),"
echo "bpf_ringbuf_reserve + submit (~40 ns), bpf_get_current_task_btf (~10 ns); on this host every kernel"
echo "call/return pays retpoline and SRSO 'safe RET' costs (see /sys/devices/system/cpu/vulnerabilities)."
echo "target (issue 3): <= 150 ns added per event, 0 lost at >= 2M events/s; the 'added' column includes the floor"
echo "(row 'loop filtered'), which a syscall tracepoint makes larger than the target on its own."
