#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 2: bounds where input becomes work in replay. Each hostile
# trace below is made from the bundled ftrace text (or an access CSV), has
# one record that used to make replay spin for hours, and must now end
# quickly (under `timeout`), with the record refused by a warning that
# names its index, counted in replay.refused_records, and the rest of the
# trace replayed.
. "$(dirname "$0")/lib.sh"
LIMIT=60 # seconds; each run takes well under 1 s, the old code never ended

base() { zcat data/traces/qemu-vtd-6.1-trace.txt.gz | head -200; }
line() { echo "          insmod-127     [001] .....     7.700000: $1"; }
line2() { echo "          insmod-127     [001] .....     7.700001: $1"; }

# bounded DESC TRACE RECORD_NO 'REASON REGEX' [replay args...]
bounded() {
	local desc=$1 trace=$2 recno=$3 why=$4
	shift 4
	check_rc "$desc: ends, exit 0" 0 timeout "$LIMIT" "$SVATRACE" replay "$trace" --json "$@"
	check_match "... warns, naming record $recno" "warning: replay: record $recno \(t=[0-9]+ ns, [a-z_]+\) refused: $why" "$OUT"
	check_match "... counted" '"replay.refused_records": 1,' "$OUT"
	check_match "... the other records replayed" '"replay.records": [1-9]' "$OUT"
}

# a map of 2^64-1 bytes: expanded page by page it was 2^52 steps
{ base; line "map: IOMMU: iova=0x0000000000000000 - 0xffffffffffffffff paddr=0x0000000012082000 size=18446744073709551615"; } > "$TMP/map.txt"
"$SVATRACE" import --from ftrace-text "$TMP/map.txt" -o "$TMP/map.svt" 2> /dev/null
bounded "map of 2^64-1 bytes" "$TMP/map.svt" 201 "map of 18446744073709551615 bytes at 0x0 is larger than replay.max_record_bytes \(68719476736\)"
bounded "... under pinned" "$TMP/map.svt" 201 "map of 18446744073709551615 bytes" --scenario pinned

# a DMA map of 2^48 bytes
{ base; line "dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=1000 size=281474976710656 phys_addr=12082000 attrs=0"; } > "$TMP/dma.txt"
"$SVATRACE" import --from ftrace-text "$TMP/dma.txt" -o "$TMP/dma.svt" 2> /dev/null
bounded "DMA of 2^48 bytes" "$TMP/dma.svt" 201 "DMA of 281474976710656 bytes at 0x1000 is larger than replay.max_record_bytes"

# an unmap of 2^44 bytes under pinned,inval=lazy (the scenario marked it page by page)
{ base; line "map: IOMMU: iova=0x0000000010000000 - 0x0000000010001000 paddr=0x0000000012082000 size=4096"
	line2 "unmap: IOMMU: iova=0x0000000000000000 - 0x0000100000000000 size=17592186044416 unmapped_size=17592186044416"; } > "$TMP/unmap.txt"
"$SVATRACE" import --from ftrace-text "$TMP/unmap.txt" -o "$TMP/unmap.svt" 2> /dev/null
bounded "unmap of 2^44 bytes, pinned,inval=lazy" "$TMP/unmap.svt" 202 "unmap of 17592186044416 bytes at 0x0 is larger" --scenario pinned,inval=lazy
# the cap is a parameter: raised, the same unmap is replayed (2^44 is inside the address space)
check_rc "--set replay.max_record_bytes=16T accepts it (no scenario: one model unmap)" 0 \
	timeout "$LIMIT" "$SVATRACE" replay "$TMP/unmap.svt" --set replay.max_record_bytes=16T --json
check_match "... nothing refused" '"replay.refused_records": 0,' "$OUT"
# a range past 2^57 (the widest VT-d address) is refused whatever the cap
{ base; line "map: IOMMU: iova=0x0200000000000000 - 0x0200000000001000 paddr=0x0000000012082000 size=4096"; } > "$TMP/high.txt"
"$SVATRACE" import --from ftrace-text "$TMP/high.txt" -o "$TMP/high.svt" 2> /dev/null
bounded "a map above 2^57" "$TMP/high.svt" 201 "map of 4096 bytes at 0x200000000000000 ends beyond the 2\^57-byte address space"

# times: 2^64-1 is refused (kernel clocks are s64 ns); a record 2^62 ns
# later under faulting:reclaim= asked for 4.6e12 reclaims, one at a time
csv() { # LAST_TIME
	echo "time_ns,device,pasid,iova,size,dir"
	for i in $(seq 1 100); do printf '%d,dev0,1,0x%x,64,r\n' $((i * 1000)) $((i * 4096)); done
	echo "$1,dev0,1,0x1000,64,r"
}
csv 18446744073709551615 > "$TMP/tmax.csv"
"$SVATRACE" import --from access-csv "$TMP/tmax.csv" -o "$TMP/tmax.svt" 2> /dev/null
bounded "time 2^64-1 under faulting:reclaim=" "$TMP/tmax.svt" 101 "time 18446744073709551615 ns is beyond any kernel clock \(2\^63 ns\)" \
	--scenario faulting:prq=trace:reclaim=1000
csv 4611686018427387904 > "$TMP/t62.csv"
"$SVATRACE" import --from access-csv "$TMP/t62.csv" -o "$TMP/t62.svt" 2> /dev/null
check_rc "a record 2^62 ns later under faulting:reclaim=1000 ends" 0 \
	timeout "$LIMIT" "$SVATRACE" replay "$TMP/t62.svt" --scenario faulting:prq=trace:reclaim=1000 --json
check_match "... and replays it" '"replay.records.dev_access": 101,' "$OUT"

# a device string id of 2^31 (dev_index() doubled a uint32_t capacity forever):
# the access CSV's trace as v1, one record's device id patched, checksums redone
"$SVATRACE" import --from access-csv "$TMP/t62.csv" -o "$TMP/a.svt" 2> /dev/null
"$SVATRACE" convert "$TMP/a.svt" -o "$TMP/a1.svt" --v1 2> /dev/null
python3 - "$TMP/a1.svt" "$TMP/devid.svt" << 'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
off, done = 64, False
while off < len(b):
    magic, typ, plen, nr, seq, pcrc, hcrc = struct.unpack_from('<IIIIQII', b, off)
    p = off + 32
    if typ == 3 and not done:  # RECORDS
        r = p
        while r < p + plen:
            kind, size = struct.unpack_from('<HH', b, r + 8)
            if kind == 14 and struct.unpack_from('<Q', b, r)[0] == 50000:  # dev_access, the 50th
                struct.pack_into('<I', b, r + 44, 0x80000000)  # device_id
                done = True
                break
            r += size
        struct.pack_into('<I', b, off + 24, zlib.crc32(bytes(b[p:p + plen])))
        struct.pack_into('<I', b, off + 28, zlib.crc32(bytes(b[off:off + 28])))
    off = p + plen
assert done
open(sys.argv[2], 'wb').write(b)
EOF
bounded "device string id 2^31" "$TMP/devid.svt" 50 "string id 2147483648 is not in the trace's string table"

echo "1..$TAP_N"
