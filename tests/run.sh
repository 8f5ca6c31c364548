#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every test and end with one line "N passed, N failed".
#
# Unit tests: $BUILD/tests/test_* (cmocka; counted from cmocka's summary).
# CLI/integration tests: tests/cli/*.sh (TAP lines "ok N - ..." / "not ok N - ...").
# A test program that crashes or exits non-zero without a failure line counts
# as one failure, so a crash is never silent. TEST_FILTER=regex runs a subset.
set -u
BUILD=${BUILD:-build}
export BUILD
export SVATRACE=${SVATRACE:-$PWD/$BUILD/san/svatrace}
export SHARED=${SHARED:-$(cd "$PWD/../shared" 2>/dev/null && pwd)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
filter=${TEST_FILTER:-.}
passed=0
failed=0
failures=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

run_one() {
	local name=$1; shift
	local log=$logdir/$name.log
	local t0=$SECONDS rc p f
	"$@" >"$log" 2>&1
	rc=$?
	if grep -q '^\[==========\]' "$log"; then
		# cmocka: "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	else
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		printf '  FAIL  %-34s %3d passed %3d failed (%ds)  log: %s\n' "$name" "$p" "$f" $((SECONDS - t0)) "$log"
		grep -E '^(not ok|\[  FAILED  \]|\[  ERROR   \])|ERROR: |runtime error' "$log" | head -20 | sed 's/^/        /'
	else
		printf '  ok    %-34s %3d passed (%ds)\n' "$name" "$p" $((SECONDS - t0))
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	[[ $n =~ $filter ]] || continue
	run_one "$n" "$t"
done
for t in tests/cli/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[[ $n =~ $filter ]] || continue
	run_one "$n" bash "$t"
done
echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
