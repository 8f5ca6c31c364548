#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wq.sh - descriptors/s through the work-queue model (submission + engines +
# completion + a toy translation model) for 1, 4 and 64 clients on a DWQ and
# an SWQ, next to the translation model alone on the same descriptor stream
# (baseline of the same run). Target: >= 5 M desc/s, 4 KiB, 4 clients.
set -euo pipefail
BUILD=${BUILD:-build}
make --no-print-directory -s "$BUILD/bench/wq_bench"
"$BUILD/bench/wq_bench" "${WQ_BENCH_DESC:-2000000}"

# The full path through `svatrace replay` (trace reader + reorder window +
# WQ model + the translation model per descriptor page) on a generated
# 4-client SWQ trace, next to the same replay with wq.xlate=none (WQ model
# only) in the same run: descriptors per second of wall-clock time.
make --no-print-directory -s "$BUILD/svatrace"
T=$(mktemp -d "${TMPDIR:-/tmp}/wqbench.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$BUILD/svatrace" gen dsa-memcpy --set clients=4 --set wq_mode=swq --set rate=4M \
	--set duration="${WQ_BENCH_REPLAY_MS:-20}ms" --seed 1 -o "$T/swq4.svt" >/dev/null
replay_rate() {
	local t0 t1 n
	t0=$(date +%s%N)
	"$BUILD/svatrace" replay "$T/swq4.svt" --set wq.wq0.mode=shared "$@" --json > "$T/r.json"
	t1=$(date +%s%N)
	n=$(sed -n 's/^  "submit.nr_issued": \([0-9]*\),$/\1/p' "$T/r.json")
	awk -v n="$n" -v ns=$((t1 - t0)) 'BEGIN { printf "%d %.0f\n", n, n * 1e9 / ns }'
}
read -r n full < <(replay_rate)
read -r _ bare < <(replay_rate --set wq.xlate=none)
printf 'replay SWQ 4 clients, %s desc: %s desc/s with the translation model, %s desc/s WQ model only (ratio %s)\n' \
	"$n" "$full" "$bare" "$(awk -v a="$full" -v b="$bare" 'BEGIN { printf "%.3f", a / b }')"
