#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# model.sh - translation-model throughput on a 10-million-access trace
# (sequential streams, a hot set, uniform random pages over 4 GiB): (a) IOTLB
# only, 512 entries 8-way LRU, (b) the full model, each next to the
# read-and-sum baseline over the same records in the same run; then
# `svatrace replay` end to end with its peak RSS. N=... changes the size.
set -euo pipefail
BUILD=${BUILD:-build}
N=${N:-10000000}
make -s --no-print-directory "$BUILD/bench/gen_access" "$BUILD/bench/model_bench" "$BUILD/svatrace"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
t0=$(date +%s.%N)
"$BUILD/bench/gen_access" "$W/access.svt" "$N"
t1=$(date +%s.%N)
printf 'generated %d accesses (%d MiB) in %.1f s\n' "$N" $(( $(stat -c %s "$W/access.svt") >> 20 )) \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
"$BUILD/bench/model_bench" "$W/access.svt"
echo "--- svatrace replay (reader + reorder window + model + JSON), end to end:"
s=$(date +%s.%N)
rss=$( { /usr/bin/time -f %M "$BUILD/svatrace" replay "$W/access.svt" --json > "$W/out.json"; } 2>&1 | tail -1)
e=$(date +%s.%N)
awk -v a="$s" -v b="$e" -v n="$N" -v r="$rss" \
	'BEGIN{printf "replay: %.2f s, %.1f M accesses/s, peak RSS %d KiB (%.1f MiB)\n", b-a, n/(b-a)/1e6, r, r/1024}'
