#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every benchmark in bench/*.sh. Benchmarks print ratios
# against a baseline measured in the same run; none of them asserts a time.
set -uo pipefail
BUILD=${BUILD:-build}
export BUILD
rc=0
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	printf '\n=== %s\n' "$b"
	bash "$b" || { echo "bench: $b failed"; rc=1; }
done
exit $rc
