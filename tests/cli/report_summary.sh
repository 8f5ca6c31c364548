#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report_summary.sh - a study whose trace holds `collect --summary` records
# gets a "Summaries" section in the report (analyze/trace_summary.h): the
# counters with rate and mean quantity, events per second per interval, the
# size histogram, the invalidation mix and the qi_submit_sync wait
# histogram, all from the trace's records (replay stores none of them). The
# records are those of tests/data/summary-ftrace.txt: three 1 s intervals,
# imported as generic svatrace:summary records (the collector's own text).
. "$(dirname "$0")/lib.sh"
printf 'svatrace:summary\n' >"$TMP/ev.txt"
"$SVATRACE" import --from ftrace-text --event-list "$TMP/ev.txt" tests/data/summary-ftrace.txt \
	-o "$TMP/s.svt" >/dev/null 2>&1
"$SVATRACE" -q replay "$TMP/s.svt" --db "$TMP/s.db" --label summary-only >/dev/null 2>&1
check_rc "report on a summary-only trace" 0 "$SVATRACE" report --db "$TMP/s.db" -o "$TMP/r" --no-render
M=$(sed -n '/^### Summaries (collect --summary)/,/^## Appendix/p' "$TMP/r/report.md")
check_match "a Summaries section" "9 summary records over 3 intervals of 1 s \(3 s in all\) and nothing else \(a summary-only trace\)" "$M"
# iommu:map: 4 x 4 KiB + 1 x 2 MiB = 2113536 bytes in 5 events over 3 s: 1.667/s, mean 412.8 KiB
check_match "counters: events, rate over the intervals' length, mean quantity" '^\| iommu:map \| 5 \| 1\.667 \| 412\.8 KiB \|$' "$M"
check_match "... the wait's mean in engineering units (19000 ns / 3)" '^\| fentry:qi\\_submit\\_sync \| 3 \| 1 \| 6\.33 µs \|$' "$M"
check_match "rates per interval: one row per tick, events / interval length" '^\| 1\.000 \| 4 \| 2 \| 4 \| 2 \|$' "$M"
check_match "... an interval a probe has no record in is 0" '^\| 3\.000 \| 0 \| 3 \| 0 \| 0 \|$' "$M"
check_match "size histogram: log2 buckets as ranges (4096 is in [4 KiB, 8 KiB))" '^\| \\\[4 KiB, 8 KiB\) \| 4 \| 4 \|$' "$M"
check_match "... 2 MiB maps" '^\| \\\[2 MiB, 4 MiB\) \| 1 \| 1 \|$' "$M"
check_match "invalidation mix: descriptor type and granularity from the class (2 | 3 << 4)" \
	'^\| intel\\_iommu:qi\\_submit iotlb\\_inv \(granularity 3\) @dmar0 \| 2 \| 40\.0 \|$' "$M"
check_match "... wait descriptors" '^\| intel\\_iommu:qi\\_submit inv\\_wait \(granularity 0\) @dmar0 \| 3 \| 60\.0 \|$' "$M"
check_match "wait histogram" '^\| \\\[8\.19 µs, 16\.4 µs\) \| 2 \|$' "$M"
check_eq "every table has a caption" "$(grep -c '<table>' "$TMP/r/report.html")" "$(grep -c '<caption>' "$TMP/r/report.html")"
# a trace without summary records has no such section
"$SVATRACE" -q gen random-access --set duration=200us --seed 1 -o "$TMP/ra.svt"
"$SVATRACE" -q replay "$TMP/ra.svt" --db "$TMP/n.db" --label plain >/dev/null 2>&1
check_rc "report on a plain trace" 0 "$SVATRACE" report --db "$TMP/n.db" -o "$TMP/n" --no-render
check_eq "... no Summaries section" "0" "$(grep -c 'Summaries (collect --summary)' "$TMP/n/report.md")"
echo "1..$TAP_N"
