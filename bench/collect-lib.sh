# SPDX-License-Identifier: GPL-2.0
# collect-lib.sh - sourced by the collector benchmarks (collect*.sh).
#
# collect_bench_ready NAME [SYSTEM:EVENT]: stop NAME unless $LOOP and $SVT
# are built (exit 1), and skip it (exit 0, saying why) unless it runs as
# root and, when given, the kernel has the tracepoint.
collect_bench_ready() {
	if [ ! -x "$LOOP" ] || [ ! -x "$SVT" ]; then
		echo "$1: build first ('make bench' builds $LOOP and $SVT)"; exit 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "$1: SKIP: needs root (eBPF, tracepoints)"; exit 0
	fi
	if [ -n "${2:-}" ] && [ ! -d "/sys/kernel/tracing/events/${2/://}" ]; then
		echo "$1: SKIP: no $2 tracepoint in this kernel"; exit 0
	fi
}
