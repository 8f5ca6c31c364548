# stage: analyze: the design-review report (one section per study, its plots in OUT/STUDY/)
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail
DB=$OUT/results.db
# every run in a file (a pipe into head would end 'runs' early, failing the stage under
# pipefail once the sensitivity runs make the list long)
"$SVT" runs --db "$DB" >"$OUT/runs.txt"
head -30 "$OUT/runs.txt"
echo "(all $(($(wc -l <"$OUT/runs.txt") - 2)) runs: $OUT/runs.txt)"
# the report draws every plot once, into one folder per study (OUT/qemu-vtd/,
# OUT/dsa-memcpy/, OUT/random-access/); plots of an earlier demo in OUT/ or
# OUT/plots/ would be second copies
rm -rf "$OUT/plots" "$OUT"/*.png "$OUT"/*.svg "$OUT"/*.dat "$OUT"/*.gp "$OUT"/*.gnuplot.log
"$SVT" report --db "$DB" -o "$OUT" \
	--question "What do IOMMU translation and DSA work submission cost, and what changes under SVA, a bigger IOTLB, 2 MiB pages or shared work queues?"
