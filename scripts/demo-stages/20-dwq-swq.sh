# stage: replay: DSA dedicated (MOVDIR64B) vs shared (ENQCMD) work queues, 1..16 clients
# SPDX-License-Identifier: GPL-2.0
# Generated DSA workloads (4 KiB memmoves, closed loop): the same trace per
# client count replayed with the clients on dedicated WQs and, via the swq
# scenario, all on one shared WQ. Published shape (DESIGN.md 6): one client
# saturates a device through a DWQ; an SWQ needs several submitting cores.
set -euo pipefail
DB=$OUT/results.db
for n in 1 2 4 8 16; do
	T=$OUT/dsa-$n.svt
	"$SVT" -q gen dsa-memcpy --set clients="$n" --set rate=4M --set duration=1ms --seed 3 -o "$T"
	"$SVT" -q replay "$T" --label "dwq $n clients" --scenario dwq --db "$DB" > /dev/null
	"$SVT" -q replay "$T" --label "swq $n clients" --scenario swq --db "$DB" > /dev/null
done
echo "stored DWQ and SWQ runs for 1, 2, 4, 8, 16 clients in $DB"
"$SVT" compare --db "$DB" "dwq 1 clients" "swq 1 clients" | tail -3
