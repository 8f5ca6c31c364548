#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - fuzz the trace reader for FUZZ_SECONDS, seeded with real and
# damaged trace files. Crashes land in $BUILD/fuzz/artifacts/.
set -euo pipefail
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
corpus=$BUILD/fuzz/corpus
mkdir -p "$corpus" "$BUILD/fuzz/artifacts"
if [ -z "$(ls -A "$corpus")" ]; then
	# seeds: a small real trace, and truncated/short variants of it
	head -200 <(zcat -f data/traces/qemu-vtd-6.1-trace.txt.gz) > "$BUILD/fuzz/seed.txt"
	"$BUILD/svatrace" -q import --from ftrace-text "$BUILD/fuzz/seed.txt" -o "$corpus/seed.svt"
	head -c 300 "$corpus/seed.svt" > "$corpus/seed-short.svt"
	head -c 2000 "$corpus/seed.svt" > "$corpus/seed-torn.svt"
fi
echo "fuzzing the trace reader for ${FUZZ_SECONDS}s"
"$BUILD/fuzz/fuzz_reader" -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
	-artifact_prefix="$BUILD/fuzz/artifacts/" "$corpus" 2>&1 | tail -5
echo "fuzz: no crash in ${FUZZ_SECONDS}s"
if [ -x "$BUILD/fuzz/fuzz_unpack" ]; then
	mkdir -p "$BUILD/fuzz/corpus-unpack"
	echo "fuzzing the v2 record decoder for ${FUZZ_SECONDS}s"
	"$BUILD/fuzz/fuzz_unpack" -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
		-artifact_prefix="$BUILD/fuzz/artifacts/" "$BUILD/fuzz/corpus-unpack" 2>&1 | tail -2
	echo "fuzz: v2 decoder, no crash in ${FUZZ_SECONDS}s"
fi
