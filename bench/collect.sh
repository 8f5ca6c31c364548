#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect.sh - cost per captured event of `svatrace collect`, as the time it
# adds to each operation of a traced hot path: N getppid() calls
# (bench/collect_loop.c), each firing syscalls:sys_enter_getppid, measured
# in the same run
#   1. untraced (baseline),
#   2. `perf stat` counting the tracepoint (what enabling it costs alone),
#   3. the collector attached but filtering the loop out (-p of another
#      process): tracepoint + BPF dispatch, no ring-buffer work,
#   4. traced by the real collector: svatrace collect --tracepoint (same BPF
#      ring-buffer path, event size, BPF_RB_NO_WAKEUP batching, consumer
#      loop and trace writer as every other probe) writing a trace file,
#   5. `perf record -e` the same tracepoint (-c 1: every event),
# interleaved for ROUNDS rounds; medians are reported. Prints added ns per
# event, events captured vs fired, lost events and events/s achieved, with
# ratios against the baseline. Never asserts a time.
# Env: N (ops per run, default 2000000), ROUNDS (default 3), BUF (collector
# --buffer-size, default: the collector's 8M), BUILD.
set -uo pipefail
BUILD=${BUILD:-build}
N=${N:-2000000}
ROUNDS=${ROUNDS:-3}
TP=syscalls:sys_enter_getppid
LOOP=$BUILD/bench/collect_loop
SVT=$BUILD/svatrace
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
WARMUP=20000	# collect_loop's untraced warm-up ops (perf sees them: it starts the loop)

if [ ! -x "$LOOP" ] || [ ! -x "$SVT" ]; then
	echo "collect.sh: build first ('make bench' builds $LOOP and $SVT)"; exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "collect.sh: SKIP: needs root (eBPF, tracepoints)"; exit 0
fi
if [ ! -d /sys/kernel/tracing/events/syscalls/sys_enter_getppid ]; then
	echo "collect.sh: SKIP: no $TP tracepoint in this kernel (CONFIG_FTRACE_SYSCALLS)"; exit 0
fi

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
	start_loop "$LOOP" "$N"
	finish_loop
	echo "$LNS"
}

run_perf_stat() {
	start_loop "$LOOP" "$N"
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

run_svt() {	# [PID]: trace PID instead of the loop (then nothing is captured)
	start_loop "$LOOP" "$N"
	rm -f "$W/c.log"	# else the wait below may see the previous run's line
	"$SVT" collect -o "$W/c.trace" ${BUF:+-b $BUF} -e none -p "${1:-$LPID}" --tracepoint "$TP" 2> "$W/c.log" &
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
	local t0; t0=$(cpu_ticks $cp)
	finish_loop; local ns=$LNS
	sleep 0.3	# let the consumer drain what the loop left
	local t1; t1=$(cpu_ticks $cp)
	stop_wait $cp
	local rec lost
	rec=$(sed -n 's/^total: \([0-9]*\) records.*/\1/p' "$W/c.log")
	lost=$(sed -n 's/^total: [0-9]* records, \([0-9]*\) lost.*/\1/p' "$W/c.log")
	"$SVT" info "$W/c.trace" > "$W/c.info" 2>&1 || rec="bad-file"
	echo "$ns ${rec:-?} ${lost:-?} $(stat -c %s "$W/c.trace") $(( (t1 - t0) * 1000000000 / HZ ))"
}

run_perf() {
	rm -f "$W/perf.data"
	start_loop perf record -q -e "$TP" -c 1 -o "$W/perf.data" -- "$LOOP" "$N"
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
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
median() { sort -g | awk '{a[NR]=$1} END{ if (NR) print a[int((NR+1)/2)]; else print "nan" }'; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

echo "hot path: $N x getppid() firing $TP, $ROUNDS interleaved rounds, medians;"
echo "          $(nproc) CPUs (shared: expect noise), kernel $(uname -r)"
: > "$W/base"; : > "$W/stat"; : > "$W/filt"; : > "$W/svt"; : > "$W/perf"
for r in $(seq "$ROUNDS"); do
	run_base >> "$W/base"
	run_perf_stat >> "$W/stat"
	run_svt 1 >> "$W/filt"
	run_svt >> "$W/svt"
	run_perf >> "$W/perf"
done

base=$(median < "$W/base")
fired=$N
printf '\n%-34s %9s %9s %7s %11s %11s %10s %9s\n' "path" "ns/op" "added ns" "ratio" "captured" "lost" "events/s" "file MiB"
printf '%-34s %9s %9s %7s %11s %11s %10s %9s\n' "untraced (baseline)" "$base" "-" "1.00" "-" "-" \
	"$(calc "1e9 / $base / 1e6" 2)M" "-"
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
row "perf stat (count only)" "$W/stat" "$fired"
row "svatrace attached, loop filtered" "$W/filt" "$fired"
row "svatrace collect --tracepoint" "$W/svt" "$fired"
row "perf record -e (-c 1)" "$W/perf" "$((fired + WARMUP))"
echo
echo "per round (ns/op): base $(tr '\n' ' ' < "$W/base")| svatrace $(cut -d' ' -f1 "$W/svt" | tr '\n' ' ')| perf record $(cut -d' ' -f1 "$W/perf" | tr '\n' ' ')"
echo "perf stat 'captured' = the tracepoint count; perf record also sees the $WARMUP warm-up ops (it starts the loop)."
echo "'loop filtered' = the collector attached with -p 1: the tracepoint and BPF program run, nothing is reserved or written."
echo "svatrace 'lost' = ring-buffer-full drops counted in BPF; perf 'lost' = its LOST_SAMPLES."
svt_ns=$(cut -d' ' -f1 "$W/svt" | median)
if ! grep -q '^failed' "$W/svt"; then
	echo "svatrace consumer (ring buffer -> converter -> trace writer): $(calc "$(cut -d' ' -f5 "$W/svt" | median) / $N" 0) ns CPU per event on its own CPU (${HZ} Hz tick resolution)"
fi
if ! grep -q '^failed' "$W/svt"; then
	echo "target: <= 150 ns added per event, 0 lost at >= 2M events/s:" \
		"measured $(calc "$svt_ns - $base") ns added, $(cut -d' ' -f3 "$W/svt" | median) lost," \
		"$(calc "1e9 / $svt_ns / 1e6" 2)M events/s (one thread)"
fi
