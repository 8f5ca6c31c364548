# stage: sensitivity: each estimated parameter x0.5 and x2 around the runs the findings rest on
# SPDX-License-Identifier: GPL-2.0
# One-at-a-time sensitivity (`sweep --sensitivity`, docs/report.md) around
# both runs of each finding's number, so the report can say which
# estimated parameters move it: pinned and faulting on the real trace
# (translation and fault-path parameters), strict and lazy on the 6.12
# trace if its stage ran, DWQ and SWQ at 1 client (the
# work-queue model's timing parameters), and the 4 KiB / 4096-entry point
# of the IOTLB sweep (walk and cache parameters). Each base point is
# already stored by an earlier stage, so the sweep reuses it; only the
# varied points run. The parameter lists come from the registry
# (`replay --list-params --json`): the numeric estimates of each family.
set -euo pipefail
DB=$OUT/results.db
# numeric parameters whose source is an estimate, keys matching $1 (ERE), comma-separated
estimated() {
	"$SVT" replay --list-params --json "${@:2}" |
		awk -F'"' -v re="$1" '/"key":/ { k = $4 } /"type":/ { t = $4 }
			/"provenance": "estimated"/ && t ~ /^(u32|u64|double)$/ && k ~ re { print k }' |
		paste -sd, -
}
sens() {
	"$SVT" sweep "$@" --sensitivity -j 2 --db "$DB" 2>/dev/null | sed -n '1p;3,5p'
}
XL=$(estimated '^(iotlb|pwc|cc|pasidc|mem|walk|atc|ats|pri|fault|map|unmap|inval)\.' --profile qemu-vtd)
T=$OUT/qemu-vtd.svt
sens "$T" --keys "$XL" --profile qemu-vtd --scenario pinned --label sens-pinned
sens "$T" --keys "$XL" --profile qemu-vtd --scenario faulting:resident=0.5 --set ats.enabled=on \
	--label sens-faulting
# the 6.12 trace's strict vs lazy study (15-devices-612.sh), when that stage ran
T=$OUT/qemu-vtd-612.svt
if [ -f "$T" ]; then
	for inval in strict lazy; do
		sens "$T" --keys "$XL" --profile qemu-vtd --set replay.domain_per_device=on \
			--scenario "pinned$([ $inval = lazy ] && echo ,inval=lazy)" --label "sens-612-$inval"
	done
fi
WQ=$(estimated '^wq\.(engine|device|read|devtlb|desc|batch|movdir|portal|enqcmd|lock|retry|backoff|poll|umwait|intr|sw_fault|client|xlate)')
for mode in dwq swq; do
	sens "$OUT/dsa-1.svt" --keys "$WQ" --scenario $mode --label "sens-$mode" \
		--metric wq.device.desc_per_s
done
WK=$(estimated '^(iotlb|pwc|cc|pasidc|mem|walk)\.')
sens "$OUT/random-access.svt" --keys "$WK" --set iotlb.entries=4096 --set pt.page_bytes=4096 \
	--label sens-iotlb
echo "stored the sensitivity runs in $DB (the report keeps them out of the studies)"
