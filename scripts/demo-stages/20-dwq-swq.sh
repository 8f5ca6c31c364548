# stage: replay: DSA dedicated (MOVDIR64B) vs shared (ENQCMD) work queues, 1..16 clients
# SPDX-License-Identifier: GPL-2.0
# Generated DSA workloads (4 KiB memmoves, closed loop, translation model on):
# the same trace per client count replayed with each client on its own
# dedicated WQ (scenario dwq: the device's 8 WQs, 128 entries split evenly;
# clients beyond 8 share one behind a software lock) and, via the swq
# scenario, all on one shared WQ (user-space ENQCMD, pause-and-retry).
# Published shape (docs/wq-model.md): one client saturates a device through a DWQ;
# an SWQ needs about four submitting cores. docs/wq-model.md explains each
# feature of the curves; `svatrace plot wq-clients` draws them with p99
# end-to-end latency (ready -> completion noticed).
set -euo pipefail
DB=$OUT/results.db
j() { sed -n "s/^  \"$1\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }
printf '%-4s %7s %12s %12s %10s %12s\n' mode clients "M desc/s" "p99 e2e us" retries/desc "lock wait us"
for n in 1 2 4 8 16; do
	T=$OUT/dsa-$n.svt
	"$SVT" -q gen dsa-memcpy --set clients="$n" --set rate=4M --set duration=1ms --seed 3 -o "$T"
	for mode in dwq swq; do
		"$SVT" -q replay "$T" --label "$mode $n clients" --scenario "$mode" --db "$DB" --json \
			> "$OUT/$mode-$n.json"
		f=$OUT/$mode-$n.json
		awk -v m="$mode" -v n="$n" -v t="$(j wq.device.desc_per_s "$f")" -v p="$(j desc.e2e.latency_ns@p99 "$f")" \
			-v r="$(j submit.retries_per_desc "$f")" -v l="$(j submit.lock_wait_ns "$f")" \
			'BEGIN { printf "%-4s %7d %12.2f %12.1f %10.2f %12.1f\n", m, n, t / 1e6, p / 1e3, r, l / 1e3 }'
	done
done
sed -n 's/^    "wq.replay.note": "\(.*\)",\{0,1\}$/note (dwq 16 clients): \1/p' "$OUT/dwq-16.json" | head -1
echo "stored DWQ and SWQ runs for 1, 2, 4, 8, 16 clients in $DB"
"$SVT" compare --db "$DB" "dwq 1 clients" "swq 1 clients" | tail -3
