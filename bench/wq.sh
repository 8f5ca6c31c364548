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
