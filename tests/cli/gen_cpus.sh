#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gen_cpus.sh - generated hosts have CPUs (issue 12): every generator takes
# cpus= (default 8), the replay's host.cpus (I/O page-fault handlers) comes
# from it, and CPU-side records spread over them (nvme: I/O slot i on CPU
# i mod cpus; dsa-memcpy: client i). Before, everything was on CPU 0 and
# faulting replays of generated traces had one handler. Also: the default
# profile's invalidation wait is a bare-metal estimate, qemu-vtd's the
# vIOMMU figure.
. "$(dirname "$0")/lib.sh"

# (dsa-memcpy faults end in partial completions, not page requests: no handlers)
for k in random-access nvme nic-rx; do
	"$SVATRACE" -q gen $k --set duration=300us -o "$TMP/$k.svt"
	"$SVATRACE" -q gen $k --set duration=300us --set cpus=3 -o "$TMP/$k-3.svt"
	"$SVATRACE" -q replay "$TMP/$k.svt" --scenario faulting --json > "$TMP/a.json"
	"$SVATRACE" -q replay "$TMP/$k-3.svt" --scenario faulting --json > "$TMP/b.json"
	check_eq "$k: fault handlers = cpus (default 8, cpus=3)" "8 3" \
		"$(jget pri.handlers "$TMP/a.json") $(jget pri.handlers "$TMP/b.json")"
done
# nvme with 4 queues x 2 slots: its unmaps come from 3 CPUs when cpus=3
"$SVATRACE" -q gen nvme --set duration=1ms --set queues=4 --set qd=2 --set cpus=3 -o "$TMP/n.svt"
check_eq "nvme: unmaps on CPUs 0, 1, 2" "0 1 2" \
	"$("$SVATRACE" dump "$TMP/n.svt" | grep '"kind":"iommu_unmap"' | sed -n 's/.*"cpu":\([0-9]*\).*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
"$SVATRACE" -q gen dsa-memcpy --set duration=200us --set clients=4 --set cpus=2 -o "$TMP/d.svt"
check_eq "dsa-memcpy: 4 clients on CPUs 0 and 1" "0 1" \
	"$("$SVATRACE" dump "$TMP/d.svt" | grep '"kind":"wq_submit"' | sed -n 's/.*"cpu":\([0-9]*\).*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"

check_match "default profile: inval.qi_wait_ns is a 1 us bare-metal estimate" \
	'^inval\.qi_wait_ns +ns +duration +1000 ' "$("$SVATRACE" replay --list-params | grep '^inval.qi_wait_ns')"
check_match "qemu-vtd profile: inval.qi_wait_ns keeps the vIOMMU 9 us" \
	'^inval\.qi_wait_ns +ns +duration +9000 ' "$("$SVATRACE" replay --list-params --profile qemu-vtd | grep '^inval.qi_wait_ns')"
