#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_rate.sh - `svatrace collect` at production rates, in three parts,
# each comparing in the same run the per-CPU rings (the default), the one
# shared ring (--rings single), an older binary when OLD_SVT names one, and
# perf record, on the hot paths of collect.sh (getppid: a syscall
# tracepoint; prctl: an ordinary one, like the IOMMU probes):
#   1. loss onset: one loop per CPU (pinned), each paced at R calls/s
#      (collect_loop --rate: it sleeps when ahead, so the CPU time it leaves
#      is there for the tracer), R climbing a ladder; per rung the events
#      lost by each tracer and the total rate the loops reached (a rung
#      above what the traced loops can do runs as fast as they go). The
#      loss onset is the lowest rung with a loss.
#   2. one producer as fast as it goes, runs of N events (at least 10x the
#      ring's capacity: 2M prctl records of 88 bytes fill an 8 MiB ring 21
#      times), ROUNDS rounds: lost events, median.
#   3. summary mode's cost: the same unpaced loop untraced, with the
#      collector attached but filtering the loop out (-p 1: the floor of
#      tracepoint + BPF dispatch), with --summary, and with full capture;
#      summary's added ns per event over the floor.
# Part 3 runs on prctl only. Consumer CPU per event is in collect.sh and
# bench/consumer_bench. Never asserts a time. Env: PATHS (default "getppid
# prctl"), RATES (per producer, default "100000 200000 400000 800000
# 1600000"), SECS (seconds per rung, default 2), N (default 2000000),
# ROUNDS (default 5), OLD_SVT, BUILD.
set -uo pipefail
BUILD=${BUILD:-build}
RATES=${RATES:-100000 200000 400000 800000 1600000}
SECS=${SECS:-2}
N=${N:-2000000}
ROUNDS=${ROUNDS:-5}
OLD_SVT=${OLD_SVT:-}
PATHS=${PATHS:-getppid prctl}
LOOP=$BUILD/bench/collect_loop
SVT=$BUILD/svatrace
OP=prctl
TP=task:task_prctl_unknown
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
NCPU=$(nproc)

. "$(dirname "$0")/collect-lib.sh"
collect_bench_ready collect_rate.sh "$TP"
tp_of() { case $1 in getppid) echo syscalls:sys_enter_getppid ;; prctl) echo task:task_prctl_unknown ;; esac; }
for p in $PATHS; do
	tp=$(tp_of "$p")
	if [ -z "$tp" ]; then echo "collect_rate.sh: unknown path '$p' (getppid, prctl)"; exit 1; fi
	[ -d "/sys/kernel/tracing/events/${tp/://}" ] || PATHS=$(echo "$PATHS" | sed "s/\b$p\b//")
done

median() { sort -g | awk '{a[NR]=$1} END{ if (NR) print a[int((NR+1)/2)]; else print "nan" }'; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

# loops NPROD N [--rate R]: NPROD $OP loops pinned to CPUs 0.., waiting on
# fd 3; sets LPS (their pids, space-separated) and LP_PIDS (for -p: the first)
loops() {
	local nprod=$1 n=$2; shift 2
	rm -f "$W/go"; mkfifo "$W/go"
	LPS=""
	for i in $(seq 0 $((nprod - 1))); do
		taskset -c $((i % NCPU)) "$LOOP" "$n" --op "$OP" "$@" < "$W/go" > "$W/l$i.out" &
		LPS="$LPS $!"
	done
	exec 3> "$W/go"
	for i in $(seq 0 $((nprod - 1))); do
		for _ in $(seq 100); do grep -qs '^pid ' "$W/l$i.out" && break; sleep 0.05; done
	done
}
go_loops() { printf '%*s' 64 '' | tr ' ' x >&3; exec 3>&-; wait $LPS; }
loop_ns() { cat "$W"/l*.out | sed -n 's/^ns_per_op //p' | median; }
# the loops' total rate reached, in M/s
loop_rate() { cat "$W"/l*.out | sed -n 's/^ns_per_op //p' | awk '{s += 1e3 / $1} END {printf "%.2f", s}'; }

# tracer KIND NPROD N [LOOP ARGS]: run the loops traced by KIND (svt, single,
# old, summary, filtered, perf, none); print "lost ns_per_op"
tracer() {
	local kind=$1 nprod=$2 n=$3; shift 3
	local bin=$SVT extra="" pidf=""
	rm -f "$W/c.log" "$W/perf.data"
	case $kind in
	none) loops "$nprod" "$n" "$@"; go_loops; echo "0 $(loop_ns) $(loop_rate)"; return ;;
	perf)
		loops "$nprod" "$n" "$@"
		perf record -q -e "$TP" -c 1 -a -o "$W/perf.data" 2> "$W/perf.err" &
		local pp=$!
		sleep 1
		go_loops
		kill -INT $pp; wait $pp
		# perf's LOST_SAMPLES line counts records, not samples: lost =
		# events fired by the loops - samples kept (other tasks' prctl
		# calls can only make it look smaller)
		local smp fired=$((nprod * n)) lost
		smp=$(perf report -i "$W/perf.data" --stats 2>/dev/null |
			awk '/SAMPLE events:/{print $3; exit}')
		lost=$((fired - ${smp:-0})); [ "$lost" -lt 0 ] && lost=0
		echo "$lost $(loop_ns) $(loop_rate)"
		return ;;
	single) extra="--rings single" ;;
	old) bin=$OLD_SVT ;;
	summary) extra="--summary" ;;
	filtered) pidf="-p 1" ;;
	esac
	loops "$nprod" "$n" "$@"
	# no --force (an OLD_SVT may predate it): the output is removed instead
	rm -f "$W/c.trace"
	"$bin" collect -o "$W/c.trace" -e none $pidf --tracepoint "$TP" $extra 2> "$W/c.log" &
	local cp=$!
	for _ in $(seq 400); do
		grep -qs 'collecting from' "$W/c.log" && break
		kill -0 $cp 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -qs 'collecting from' "$W/c.log"; then
		# a tracer that did not start is a failure, never a loss count
		go_loops; wait $cp
		cp "$W/c.log" "$W/failed.$kind" 2>/dev/null
		echo "failed - -"; return
	fi
	go_loops
	sleep 0.3
	kill -INT $cp; wait $cp
	echo "$(sed -n 's/^total: [0-9]* records, \([0-9]*\) lost.*/\1/p' "$W/c.log") $(loop_ns) $(loop_rate)"
}
# why_failed KIND: the first line a tracer that did not start printed
why_failed() { head -1 "$W/failed.$1" 2>/dev/null; }

KINDS="svt single perf"
[ -n "$OLD_SVT" ] && KINDS="svt single old perf"
name_of() { case $1 in svt) echo "per-CPU rings";; single) echo "--rings single";; old) echo "OLD_SVT";; perf) echo "perf record";; esac; }

echo "collect_rate: $NCPU CPUs (shared with other work: expect noise), kernel $(uname -r)"
for OP in $PATHS; do
	TP=$(tp_of "$OP")
	echo
	echo "1. loss onset, $OP ($TP): $NCPU paced loops (one per CPU), $SECS s per rung; events lost"
	printf '%-12s' "rate asked"; for k in $KINDS; do printf '%25s' "$(name_of $k) (reached)"; done; echo
	declare -A onset=()
	for r in $RATES; do
		total=$((r * NCPU))
		printf '%-12s' "$(calc "$total / 1e6" 2)M/s"
		for k in $KINDS; do
			read -r lost _ reached <<< "$(tracer $k "$NCPU" $((r * SECS)) --rate "$r")"
			if [ "$lost" = failed ]; then printf '%25s' "did not start"; continue; fi
			printf '%25s' "${lost:-?} (${reached:-?}M/s)"
			if [ "${lost:-0}" != 0 ] && [ -z "${onset[$k]:-}" ]; then onset[$k]="$(calc "$total / 1e6" 2)M/s asked, ${reached}M/s reached"; fi
		done
		echo
	done
	for k in $KINDS; do
		if [ -s "$W/failed.$k" ]; then
			echo "  loss onset, $(name_of $k): not measured, it did not start: $(why_failed $k)"
		else
			echo "  loss onset, $(name_of $k): ${onset[$k]:-none up to the top rung}"
		fi
	done
done

echo
echo "2. one unpaced producer, $N events per run, $ROUNDS rounds: lost (median) and events/s offered"
for OP in $PATHS; do
	TP=$(tp_of "$OP")
	echo "  $OP ($TP):"
	for k in $KINDS; do : > "$W/p2.$k"; done
	for _ in $(seq "$ROUNDS"); do
		for k in $KINDS; do tracer $k 1 "$N" >> "$W/p2.$k"; done
	done
	for k in $KINDS; do
		if grep -q '^failed' "$W/p2.$k"; then
			printf '  %-16s did not start: %s\n' "$(name_of $k)" "$(why_failed $k)"
			continue
		fi
		printf '  %-16s lost %10s of %s   %sM events/s   (per round: %s)\n' "$(name_of $k)" \
			"$(cut -d' ' -f1 "$W/p2.$k" | median)" "$N" \
			"$(calc "1e3 / $(cut -d' ' -f2 "$W/p2.$k" | median)" 2)" "$(cut -d' ' -f1 "$W/p2.$k" | tr '\n' ' ')"
	done
done
OP=prctl TP=task:task_prctl_unknown
echo
echo "3. summary mode's cost: one unpaced producer, $N events, $ROUNDS interleaved rounds (medians)"
for k in none filtered summary svt; do : > "$W/p3.$k"; done
for _ in $(seq "$ROUNDS"); do
	for k in none filtered summary svt; do tracer $k 1 "$N" >> "$W/p3.$k"; done
done
base=$(cut -d' ' -f2 "$W/p3.none" | median)
floor=$(cut -d' ' -f2 "$W/p3.filtered" | median)
summ=$(cut -d' ' -f2 "$W/p3.summary" | median)
full=$(cut -d' ' -f2 "$W/p3.svt" | median)
printf '  %-34s %9s ns/op\n' "untraced" "$base" "attached, loop filtered (floor)" "$floor" \
	"--summary" "$summ" "full capture" "$full"
echo "  --summary adds $(calc "$summ - $floor") ns per event over the floor (full capture: $(calc "$full - $floor") ns);" \
	"lost with --summary: $(cut -d' ' -f1 "$W/p3.summary" | median) (issue 20's target: <= 40 ns, no loss)"
echo "  per round (ns/op): untraced $(cut -d' ' -f2 "$W/p3.none" | tr '\n' ' ')| floor $(cut -d' ' -f2 "$W/p3.filtered" | tr '\n' ' ')| summary $(cut -d' ' -f2 "$W/p3.summary" | tr '\n' ' ')| full $(cut -d' ' -f2 "$W/p3.svt" | tr '\n' ' ')"
