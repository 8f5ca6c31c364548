#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace.sh - trace I/O throughput: import and `info` over a large ftrace text
# made by repeating the real trace, against `wc -l` and `cat` of the same
# bytes in the same run (the floor any reader pays).
set -euo pipefail
BUILD=${BUILD:-build}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
zcat -f data/traces/qemu-vtd-6.1-trace.txt.gz > "$W/one.txt"
for i in $(seq 1 40); do cat "$W/one.txt"; done > "$W/big.txt"
lines=$(wc -l < "$W/big.txt")
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN{print b-a}'; }
calc() { awk "BEGIN{print $1}"; }
base=$(t wc -l "$W/big.txt")
imp=$(t "$BUILD/svatrace" import --from ftrace-text "$W/big.txt" -o "$W/big.svt")
inf=$(t "$BUILD/svatrace" info "$W/big.svt")
rss=$( { /usr/bin/time -f %M "$BUILD/svatrace" info "$W/big.svt" > /dev/null; } 2>&1 | tail -1)
printf 'events:               %d (%d MiB text, %d MiB native)\n' "$lines" \
	$(( $(stat -c %s "$W/big.txt") >> 20 )) $(( $(stat -c %s "$W/big.svt") >> 20 ))
printf 'wc -l baseline:       %.3f s\n' "$base"
printf 'import ftrace-text:   %.3f s  (%.1f M events/s, %.1fx the wc -l time)\n' "$imp" \
	"$(calc "$lines / $imp / 1000000")" "$(calc "$imp / $base")"
printf 'info (read+verify):   %.3f s  (%.1f M records/s), peak RSS %d KiB\n' "$inf" \
	"$(calc "$lines / $inf / 1000000")" "$rss"
