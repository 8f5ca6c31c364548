#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_summary.sh - summary mode's cost per event (issue 20: at most 40 ns
# above the attached-but-filtered floor), measured two ways in the same run
# on the prctl hot path (task:task_prctl_unknown, an ordinary tracepoint
# like the collector's IOMMU/DMA probes; bench/collect_loop):
#   1. the kernel's own run time of the BPF program (kernel.bpf_stats_enabled
#      = 1: the kernel reads the clock around every run and sums run_time_ns
#      and run_cnt per program; the collector prints them at the end). The
#      filtered floor runs the same program, which returns at its --pid
#      check; summary mode's added cost is the difference of the two means.
#      The clock reads add the same overhead to both (tens of ns on a
#      virtual machine), so the difference is the program's added work.
#      The whole syscall's noise (other tasks, caches, frequency) is not in
#      it: this is the figure the target is judged by.
#   2. the whole syscall, untraced / filtered / --summary / full capture,
#      with bpf_stats off: the end-to-end view, medians and spreads, which
#      on a loaded 2-CPU host spread by hundreds of ns.
# ROUNDS interleaved rounds of N events each. Never asserts a time.
# kernel.bpf_stats_enabled is global: it is set for part 1 only and put
# back on exit. OLD_SVT names an older svatrace binary to run too (before/
# after in the same run); one that does not print its programs' run time
# is read through bpftool (the tp_* program loaded after its start).
# Env: N (default 2000000), ROUNDS (default 5), OLD_SVT, BUILD.
set -uo pipefail
BUILD=${BUILD:-build}
N=${N:-2000000}
ROUNDS=${ROUNDS:-5}
LOOP=$BUILD/bench/collect_loop
SVT=$BUILD/svatrace
OLD_SVT=${OLD_SVT:-}
TP=task:task_prctl_unknown
W=$(mktemp -d)
STATS0=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap 'sysctl -qw kernel.bpf_stats_enabled=$STATS0 2>/dev/null; rm -rf "$W"' EXIT

. "$(dirname "$0")/collect-lib.sh"
collect_bench_ready collect_summary.sh "$TP"

median() { sort -g | awk '{a[NR]=$1} END{ if (NR) print a[int((NR+1)/2)]; else print "nan" }'; }
spread() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END{ if (NR) printf "%s-%s", lo, hi }'; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }

# newest BPF program id, and the run time of a tp_* program loaded after
# id $1 with the most runs ("ns runs"), through bpftool
max_prog_id() { bpftool prog show -j 2>/dev/null | python3 -c 'import json,sys; print(max([p["id"] for p in json.load(sys.stdin)] or [0]))'; }
prog_after() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
ps = [p for p in json.load(sys.stdin) if p["id"] > int(sys.argv[1]) and p.get("name", "").startswith("tp_") and p.get("run_cnt")]
if ps:
    p = max(ps, key=lambda p: p["run_cnt"])
    print("%.1f %d" % (p["run_time_ns"] / p["run_cnt"], p["run_cnt"]))' "$1"
}

# run KIND [BINARY]: the loop of N prctl calls traced by KIND (none,
# filtered, summary, full); prints "loop_ns_per_op bpf_ns_per_run bpf_runs lost"
run() {
	local kind=$1 bin=${2:-$SVT} extra="" cp id0=0 viatool=""
	rm -f "$W/go" "$W/c.log"; mkfifo "$W/go"
	"$LOOP" "$N" --op prctl < "$W/go" > "$W/l.out" &
	local lp=$!
	exec 3> "$W/go"
	for _ in $(seq 100); do grep -qs '^pid ' "$W/l.out" && break; sleep 0.05; done
	case $kind in
	filtered) extra="-p 1" ;;
	summary) extra="--summary" ;;
	esac
	if [ "$kind" != none ]; then
		[ "$bin" != "$SVT" ] && id0=$(max_prog_id)
		rm -f "$W/c.trace" # not --force: an OLD_SVT may predate it
		"$bin" collect -o "$W/c.trace" -e none $extra --tracepoint "$TP" 2> "$W/c.log" &
		cp=$!
		for _ in $(seq 400); do
			grep -qs 'collecting from' "$W/c.log" && break
			kill -0 $cp 2>/dev/null || break
			sleep 0.05
		done
	fi
	printf x >&3; exec 3>&-
	wait $lp
	if [ "$kind" != none ]; then
		sleep 0.3
		[ "$bin" != "$SVT" ] && viatool=$(prog_after "$id0")
		kill -INT $cp; wait $cp
	fi
	local line runs ns lost
	line=$(grep -m1 'bpf program tp_' "$W/c.log" 2>/dev/null)
	[ -z "$line" ] && [ -n "$viatool" ] && line="bpf program tp_: ${viatool#* } runs, ${viatool%% *} ns per run"
	runs=$(echo "$line" | sed -n 's/.*: \([0-9]*\) runs.*/\1/p')
	ns=$(echo "$line" | sed -n 's/.* runs, \([0-9.]*\) ns per run.*/\1/p')
	lost=$(sed -n 's/^total: [0-9]* records, \([0-9]*\) lost.*/\1/p' "$W/c.log" 2>/dev/null)
	echo "$(sed -n 's/^ns_per_op //p' "$W/l.out") ${ns:--} ${runs:--} ${lost:--}"
}

echo "collect_summary: $N prctl events per run, $ROUNDS interleaved rounds; $(nproc) CPUs (shared: expect noise), kernel $(uname -r)"
for k in filtered summary full; do : > "$W/b.$k"; done
for k in none filtered summary full; do : > "$W/s.$k"; done
if sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null; then
	for _ in $(seq "$ROUNDS"); do
		for k in filtered summary full; do run $k >> "$W/b.$k"; done
		if [ -n "$OLD_SVT" ]; then
			run filtered "$OLD_SVT" >> "$W/b.oldfiltered"
			run summary "$OLD_SVT" >> "$W/b.oldsummary"
		fi
	done
	sysctl -qw kernel.bpf_stats_enabled="$STATS0"
	echo
	echo "1. BPF program run time (kernel.bpf_stats_enabled=1), ns per run: median (min-max over rounds)"
	for k in filtered summary full; do
		printf '  %-28s %8s  (%s)  runs %s, lost %s\n' "$k" "$(cut -d' ' -f2 "$W/b.$k" | median)" \
			"$(cut -d' ' -f2 "$W/b.$k" | spread)" "$(cut -d' ' -f3 "$W/b.$k" | median)" \
			"$(cut -d' ' -f4 "$W/b.$k" | median)"
	done
	paste -d' ' "$W/b.filtered" "$W/b.summary" | awk '{print $6 - $2}' > "$W/b.diff"
	bf=$(cut -d' ' -f2 "$W/b.filtered" | median)
	bs=$(cut -d' ' -f2 "$W/b.summary" | median)
	echo "  --summary adds $(calc "$bs - $bf") ns per event over the filtered floor" \
		"(per round: $(tr '\n' ' ' < "$W/b.diff")); issue 20's target: <= 40 ns"
	# interrupts and preemption inside a run only add time: the fastest
	# round of each is the least disturbed
	echo "  difference of the fastest rounds: $(calc "$(cut -d' ' -f2 "$W/b.summary" | sort -g | head -1) - $(cut -d' ' -f2 "$W/b.filtered" | sort -g | head -1)") ns"
	if [ -n "$OLD_SVT" ]; then
		for k in oldfiltered oldsummary; do
			printf '  %-28s %8s  (%s)  runs %s\n' "OLD_SVT ${k#old}" "$(cut -d' ' -f2 "$W/b.$k" | median)" \
				"$(cut -d' ' -f2 "$W/b.$k" | spread)" "$(cut -d' ' -f3 "$W/b.$k" | median)"
		done
		echo "  OLD_SVT: --summary adds $(calc "$(cut -d' ' -f2 "$W/b.oldsummary" | median) - $(cut -d' ' -f2 "$W/b.oldfiltered" | median)") ns per event over its floor"
	fi
else
	echo "1. skipped: kernel.bpf_stats_enabled cannot be set here"
fi
for _ in $(seq "$ROUNDS"); do
	for k in none filtered summary full; do run $k >> "$W/s.$k"; done
done
echo
echo "2. whole syscall (bpf_stats off), ns per prctl: median (min-max over rounds)"
for k in none filtered summary full; do
	printf '  %-28s %8s  (%s)\n' "$k" "$(cut -d' ' -f1 "$W/s.$k" | median)" "$(cut -d' ' -f1 "$W/s.$k" | spread)"
done
ff=$(cut -d' ' -f1 "$W/s.filtered" | median)
fs=$(cut -d' ' -f1 "$W/s.summary" | median)
echo "  --summary - filtered: $(calc "$fs - $ff") ns (medians); lost with --summary: $(cut -d' ' -f4 "$W/s.summary" | median)"
echo "  (when the spreads of 'filtered' and 'summary' overlap, this difference is within the host's noise: read part 1)"
