# stage: analyze: plots and the design-review report
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail
DB=$OUT/results.db
"$SVT" runs --db "$DB" | head -30
"$SVT" plot all --db "$DB" -o "$OUT/plots" || echo "(some plots had no data)"
"$SVT" report --db "$DB" -o "$OUT" \
	--question "What do IOMMU translation and DSA work submission cost, and what changes under SVA, a bigger IOTLB, 2 MiB pages or shared work queues?"
