#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every test and end with one line "N passed, N failed, N skipped".
#
# Unit tests: $UNIT_DIR/test_* (cmocka; counted from cmocka's summary;
# UNIT_DIR defaults to $BUILD/tests, the sanitized ones; make check passes
# $BUILD/tests-plain).
# CLI/integration tests: tests/cli/*.sh (TAP lines "ok N - ..." / "not ok N - ...";
# "ok N ... # SKIP reason" is a skip, never a pass; so is a script whose plan
# is "1..0 # SKIP reason").
# A test program that crashes or exits non-zero without a failure line counts
# as one failure, so a crash is never silent. TEST_FILTER=regex runs a subset.
#
# JOBS=N runs N tests at a time (default 1), longest first by the previous
# run's durations. Tests matching SERIAL (regex, default: the live collectors
# and the guest boots, which attach kernel probes and would see each other)
# run one after another beside those N (they mostly wait on their collector
# or guest: the collectors use about half a CPU; taking one of the N slots
# left make check one slot for everything else on 2 CPUs); NOT_SERIAL (regex,
# default: collect_sample_replay, which attaches nothing and computes all
# along) takes tests out of that chain. SERIAL2 (regex) is a second chain
# beside the first, for collectors that see only their own events, so they
# cannot see the first chain's nor disturb it: collect_workload (its
# getppid checks filter by --pid/--cgroup; the unfiltered run only needs
# one record of its own busy process), collect_local (a uprobe on its own
# test binary; its all-probes run counts probes, not records). The first
# chain keeps the tests whose captures are not filtered to their own
# processes (collect_rings records every task_prctl_unknown; collect_full,
# _rotate, _badname and _summary fire 500 to 200000 of them), and
# collect_probecheck (probes attached, no records: it could run in either;
# in the second, that chain took 52 s of wall against the first's 30 s, and
# make check waited on it). TEST_EXCLUDE=regex
# leaves tests out. Results are summed in the same order whatever JOBS is.
set -u
BUILD=${BUILD:-build}
export BUILD
export SVATRACE=${SVATRACE:-$PWD/$BUILD/san/svatrace}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
filter=${TEST_FILTER:-.}
exclude=${TEST_EXCLUDE:-}
jobs=${JOBS:-1}
serial=${SERIAL:-^(collect_|qemu)}
not_serial=${NOT_SERIAL:-^collect_sample_replay$}
serial2=${SERIAL2:-^collect_(workload|local)$}
logdir=$BUILD/test-logs
run_t0=$SECONDS
# chain_of NAME: 2 (second chain), 1 (first chain) or 0 (a slot)
chain_of() {
	if [ -n "$serial2" ] && [[ $1 =~ $serial2 ]]; then echo 2
	elif [[ $1 =~ $serial ]] && ! [[ $1 =~ $not_serial ]]; then echo 1
	else echo 0; fi
}
mkdir -p "$logdir"
# python3 behind a version manager's shim (pyenv: bash scripts that look up
# the version on every start) costs about 50 ms of CPU per start, more than
# most of the tests' python snippets; make check starts it about 80
# times. Resolve it once to the interpreter the shim starts, behind a
# one-line exec wrapper first in PATH (not a symlink: a virtualenv's python
# finds its pyvenv.cfg by the path it was started as). PY_SHIM=keep leaves
# PATH alone.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ "${PY_SHIM:-}" != keep ] && [ -x "$py" ] && [ "$py" != "$(command -v python3)" ]; then
	pydir=$(mktemp -d "${TMPDIR:-/tmp}/svt-py.XXXXXX")
	trap 'rm -rf "$pydir"' EXIT
	printf '#!/bin/sh\nexec %q "$@"\n' "$py" >"$pydir/python3"
	chmod +x "$pydir/python3"
	PATH=$pydir:$PATH
	export PATH
fi

# run_one NAME CMD...: run one test, write "passed failed skipped" to
# $logdir/NAME.result and print its line (one printf, so parallel runs do
# not interleave within a line).
run_one() {
	local name=$1; shift
	local log=$logdir/$name.log
	local t0=$SECONDS rc p f s line cpu TIMEFORMAT='%3U %3S'
	# CPU seconds (user + sys of the test and its children), beside the wall time
	{ time "$@" >"$log" 2>&1; } 2>"$logdir/$name.time"
	rc=$?
	cpu=$(awk '{printf "%d", $1 + $2 + 0.5}' "$logdir/$name.time" 2>/dev/null)
	if grep -q '^\[==========\]' "$log"; then
		# cmocka: "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s), listed below:",
		# "[  SKIPPED ] N test(s), listed below:" (skipped are not in PASSED)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	else
		s=$(grep -Eic '^ok [0-9]+[^#]*# *skip' "$log")
		p=$(($(grep -c '^ok ' "$log") - s))
		f=$(grep -c '^not ok ' "$log")
		# a plan of "1..0 # SKIP reason": the whole script skipped itself
		grep -Eqi '^1\.\.0 *# *skip' "$log" && s=$((s + 1))
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	echo "$p $f $s $((SECONDS - t0)) ${cpu:-0}" >"$logdir/$name.result"
	if [ "$f" -gt 0 ]; then
		line=$(printf '  FAIL  %-34s %3d passed %3d failed (%ds, %ss cpu)  log: %s\n' "$name" "$p" \
			"$f" $((SECONDS - t0)) "${cpu:-?}" "$log"
			grep -E '^(not ok|\[  FAILED  \]|\[  ERROR   \])|ERROR: |runtime error' "$log" |
				head -20 | sed 's/^/        /')
	elif [ "$s" -gt 0 ]; then
		line=$(printf '  ok    %-34s %3d passed %3d skipped (%ds, %ss cpu)\n' "$name" "$p" "$s" \
			$((SECONDS - t0)) "${cpu:-?}"
			grep -Ei '^(ok [0-9]+[^#]*|1\.\.0 *)# *skip' "$log" | head -3 | sed 's/^/        /')
	else
		line=$(printf '  ok    %-34s %3d passed (%ds, %ss cpu)' "$name" "$p" $((SECONDS - t0)) \
			"${cpu:-?}")
	fi
	printf '%s\n' "$line"
}

# The selected tests in order: names[] and their commands cmds[].
names=()
cmds=()
unit_dir=${UNIT_DIR:-$BUILD/tests}
for t in "$unit_dir"/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	# a binary whose source is gone (a renamed or merged test) is stale: it
	# would test code that no longer exists, and pass or fail for nothing
	[ -f "tests/unit/$n.c" ] || continue
	[[ $n =~ $filter ]] || continue
	[ -n "$exclude" ] && [[ $n =~ $exclude ]] && continue
	names+=("$n")
	cmds+=("$t")
done
for t in tests/cli/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[[ $n =~ $filter ]] || continue
	[ -n "$exclude" ] && [[ $n =~ $exclude ]] && continue
	names+=("$n")
	cmds+=("bash $t")
done

# Previous durations (from the last run's results) put the longest tests
# first, so that a parallel run is not left waiting on one long test. A
# test with no previous result (a fresh build folder: CI, a first make
# check) takes its seconds from this list, the CPU seconds of the longest
# tests in make check on a 2-CPU host (they order them as their wall times
# do, without the noise of the host's load); without it a fresh run
# started the tests in name order and ended on the long ones
# (tracedat_import, xlate_parts) with one slot idle.
declare -A typical_secs=([demo]=20 [replay_uau_shipped]=7 [calibrate]=6 [xlate_parts]=6
	[plot_visual]=5 [tracedat_import]=4 [report]=3 [export]=3 [replay_uau]=3
	[replay_wq]=3 [collect_sample_replay]=2 [tracedat_buffers]=2 [wq_parts]=2 [format]=2
	[report_sensitivity]=2 [test_trace_v2]=2)
prev_secs() {
	local p f sk secs=0 cpu
	if [ -r "$logdir/$1.result" ]; then
		read -r p f sk secs cpu <"$logdir/$1.result"
	else
		secs=${typical_secs[$1]:-0}
	fi
	[[ $secs =~ ^[0-9]+$ ]] || secs=0
	echo "${secs:-0}"
}
order=()
if [ "$jobs" -gt 1 ]; then
	while read -r _ i; do
		order+=("$i")
	done < <(for i in "${!names[@]}"; do echo "$(prev_secs "${names[$i]}") $i"; done | sort -k1,1nr -k2,2n)
fi
for n in "${names[@]}"; do
	rm -f "$logdir/$n.result"
done
if [ "$jobs" -gt 1 ]; then
	chain=()
	for i in "${!names[@]}"; do
		chain[i]=$(chain_of "${names[$i]}")
	done
	# The two chains, each one test after another, beside the JOBS slots.
	chain_pids=()
	for c in 1 2; do
		(
			for i in "${!names[@]}"; do
				# shellcheck disable=SC2086 # cmds[] are "bash FILE" or a path: split on purpose
				[ "${chain[i]}" = $c ] && run_one "${names[$i]}" ${cmds[$i]}
			done
		) &
		chain_pids+=($!)
	done
	# live_chains: how many chains still run
	live_chains() {
		local p n=0
		for p in "${chain_pids[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
		echo $n
	}
	for i in "${order[@]}"; do
		[ "${chain[i]}" != 0 ] && continue
		# while a chain runs it is one of the jobs, but not one of the slots
		while [ "$(jobs -rp | wc -l)" -ge $((jobs + $(live_chains))) ]; do
			wait -n
		done
		# shellcheck disable=SC2086
		run_one "${names[$i]}" ${cmds[$i]} &
	done
	wait
else
	for i in "${!names[@]}"; do
		# shellcheck disable=SC2086
		run_one "${names[$i]}" ${cmds[$i]}
	done
fi

passed=0
failed=0
skipped=0
cpu_total=0
failures=()
for n in "${names[@]}"; do
	c=0
	if [ -r "$logdir/$n.result" ]; then
		read -r p f s _ c <"$logdir/$n.result"
	else
		p=0 f=1 s=0	# the runner itself lost it: never silent
	fi
	cpu_total=$((cpu_total + ${c:-0}))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failures+=("$n")
done
echo
echo "$((SECONDS - run_t0)) s wall, $cpu_total s cpu (JOBS=$jobs)"
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
# Nothing run (a filter that matches nothing) is a failure; all skipped is not.
[ "$failed" -eq 0 ] && [ $((passed + skipped)) -gt 0 ]
