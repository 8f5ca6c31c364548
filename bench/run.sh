#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every benchmark in bench/*.sh (not the *-lib.sh they source). Benchmarks print ratios
# against a baseline measured in the same run; none of them asserts a time.
set -uo pipefail
BUILD=${BUILD:-build}
export BUILD
rc=0
for b in bench/*.sh; do
	case $(basename "$b") in run.sh | *-lib.sh) continue ;; esac # not benchmarks
	printf '\n=== %s\n' "$b"
	bash "$b" || { echo "bench: $b failed"; rc=1; }
done
exit $rc
