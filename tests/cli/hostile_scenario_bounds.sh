#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 10: scenario state is bounded. faulting and pinned kept a
# slot per page (about 200 B; a 16 GiB map took 850 MB to 1.3 GB and 3 min);
# they now track at most :max_pages pages (default 2^22) and stop with a
# message naming the cap. Nested tenants multiplied without bound; a chain
# now makes at most 4096 copies of a record. The hostile trace is the
# bundled ftrace text plus one 64 GiB map (the largest replay accepts).
# Memory is checked under an address-space limit on the plain build (ASan
# cannot run under one); small caps keep the runs short. The default caps
# are checked in tests/unit/test_scenario_bounds.c.
. "$(dirname "$0")/lib.sh"
PLAIN=${BUILD:-build}/svatrace
AS=$((128 << 20))

{
	zcat data/traces/qemu-vtd-6.1-trace.txt.gz | head -200
	echo "          insmod-127     [001] .....     7.700000: map: IOMMU: iova=0x0000000100000000 - 0x0000001100000000 paddr=0x0000000012082000 size=68719476736"
} > "$TMP/m64.txt"
"$SVATRACE" import --from ftrace-text "$TMP/m64.txt" -o "$TMP/m64.svt" 2> /dev/null

for sc in faulting:prq=trace:resident=1 pinned; do
	name=${sc%%:*}
	check_rc "$name on a 64 GiB map, :max_pages=262144, under prlimit --as=$AS: exit 1" 1 \
		prlimit --as=$AS "$PLAIN" replay "$TMP/m64.svt" --scenario "$sc:max_pages=262144"
	check_match "... stops at the cap, naming it and the record" \
		"scenario '$sc:max_pages=262144' failed at record 201: scenario $name: more than 262144 [a-z ]+ \(the cap :max_pages" "$OUT"
	if printf '%s' "$OUT" | grep -q 'Cannot allocate memory'; then
		not_ok "... not an allocation failure" "$OUT"
	else
		ok "... not an allocation failure"
	fi
done
check_rc "the same trace under faulting with :max_pages=1 (the first map's first page fits)" 1 \
	"$SVATRACE" replay "$TMP/m64.svt" --scenario faulting:prq=trace:max_pages=1
check_match "... the second page does not" "more than 1 distinct pages touched" "$OUT"
check_rc "faulting:max_pages=0 refused" 2 "$SVATRACE" replay "$TMP/m64.svt" --scenario faulting:max_pages=0
check_match "... naming the argument" "argument 'max_pages': 0 is not in 1..2147483648" "$OUT"

# nested tenants: 4096 x 4096 copies of each record
check_rc "tenants=4096,tenants=4096 refused" 2 "$SVATRACE" replay "$TMP/m64.svt" \
	--scenario tenants=4096,tenants=4096
check_match "... saying why" "makes more than 4096 copies of each record" "$OUT"
# (on the first 20 records: 4096 copies of each of the 201 took 4 s under ASan)
head -20 "$TMP/m64.txt" > "$TMP/small.txt"
"$SVATRACE" import --from ftrace-text "$TMP/small.txt" -o "$TMP/small.svt" 2> /dev/null
check_rc "tenants=64,tenants=64 runs (4096 copies)" 0 "$SVATRACE" replay "$TMP/small.svt" \
	--scenario tenants=64,tenants=64
# tenants 1 s apart hold every copy: 200 records x 63 copies pass a cap of 10000
check_rc "tenants=64:shift=1s:max_held=10000 stops" 1 "$SVATRACE" replay "$TMP/m64.svt" \
	--scenario tenants=64:shift=1s:max_held=10000
check_match "... at the cap, saying how to get under it" \
	"scenario tenants: more than 10000 copies would wait for their time \(the cap :max_held.*lower the shift or raise the cap" "$OUT"
echo "1..$TAP_N"
