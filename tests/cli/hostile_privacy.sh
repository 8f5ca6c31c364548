#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 5: with SOURCE_DATE_EPOCH set the address-hash key was all
# zeros, so hashed addresses could be reversed; the kernel command line was
# stored verbatim. Now: a random key per trace whatever the environment,
# only its id stored, --hash-key FILE to join traces of one host.
. tests/cli/lib.sh
IN=data/traces/qemu-vtd-6.1-trace.txt.gz
zcat "$IN" | grep -m 20 ' map: ' > "$TMP/m.txt"
paddrs() { "$SVATRACE" dump -e iommu:map "$1" | grep -o '"paddr":"[^"]*"' | head -5 | tr '\n' ' '; }
keyid() { "$SVATRACE" info "$1" | sed -n 's/^meta.hash_key_id *//p'; }

for i in 1 2; do
	SOURCE_DATE_EPOCH=1 "$SVATRACE" import --from ftrace-text "$TMP/m.txt" -o "$TMP/s$i.svt" 2>/dev/null
done
check_match "a key id is stored" '^[0-9a-f]{16}$' "$(keyid "$TMP/s1.svt")"
[ "$(paddrs "$TMP/s1.svt")" != "$(paddrs "$TMP/s2.svt")" ] &&
	ok "SOURCE_DATE_EPOCH: two imports hash with different keys" ||
	not_ok "SOURCE_DATE_EPOCH: two imports hash with different keys" "$(paddrs "$TMP/s1.svt")"
[ "$(keyid "$TMP/s1.svt")" != "$(keyid "$TMP/s2.svt")" ] && ok "... and different key ids" || not_ok "... and different key ids"
# the zero key's id must never appear
printf '%032d' 0 > "$TMP/zero.key"
"$SVATRACE" import --from ftrace-text "$TMP/m.txt" --hash-key "$TMP/zero.key" -o "$TMP/z.svt" 2>/dev/null
[ "$(keyid "$TMP/z.svt")" != "$(keyid "$TMP/s1.svt")" ] && ok "SOURCE_DATE_EPOCH does not mean the zero key" || not_ok "SOURCE_DATE_EPOCH does not mean the zero key"

head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/host.key"
echo >> "$TMP/host.key"
for i in 1 2; do
	check_rc "--hash-key FILE (run $i)" 0 "$SVATRACE" import --from ftrace-text "$TMP/m.txt" --hash-key "$TMP/host.key" -o "$TMP/k$i.svt"
done
check_eq "--hash-key: the same hashes in both traces" "$(paddrs "$TMP/k1.svt")" "$(paddrs "$TMP/k2.svt")"
check_eq "--hash-key: the same key id" "$(keyid "$TMP/k1.svt")" "$(keyid "$TMP/k2.svt")"
check_match "--hash-key: says the key is the user's" 'meta.hash_key +user' "$("$SVATRACE" info "$TMP/k1.svt")"
key=$(head -c 32 "$TMP/host.key")
check_eq "the key is not in the trace (hex)" "0" "$(grep -c "$key" "$TMP/k1.svt")"
check_eq "the key is not in the trace (bytes)" "False" \
	"$(python3 -c 'import sys; print(bytes.fromhex(sys.argv[1]) in open(sys.argv[2],"rb").read())' "$key" "$TMP/k1.svt")"
printf 'not a key\n' > "$TMP/bad.key"
check_fails "a bad key file" "$SVATRACE" import --from ftrace-text "$TMP/m.txt" --hash-key "$TMP/bad.key" -o "$TMP/b.svt"
check_match "... says what a key file is" "bad.key: not a hash key: want 32 hex digits or 16 raw bytes" "$OUT"
check_fails "a missing key file" "$SVATRACE" import --from ftrace-text "$TMP/m.txt" --hash-key "$TMP/nope.key" -o "$TMP/b.svt"
check_match "... names it" "nope.key: No such file" "$OUT"
check_rc "--hash-key with --keep-addrs" 2 "$SVATRACE" import --from ftrace-text "$TMP/m.txt" --hash-key "$TMP/host.key" --keep-addrs -o "$TMP/b.svt"

# Physical address 0 (issue 19): real memory on machines with DRAM at 0, and
# iommu:map always carries a paddr. It was stored as 0 under "hashed" (the
# one raw value in the file) while 0x10, in the same page, hashed to another
# frame. Now it hashes like any address; kept with --keep-addrs; an event
# without a physical address (dma_unmap_page) stores 0, not flagged hashed.
ln() { echo "          insmod-127     [001] .....     7.7000$1: $2"; }
{
	ln 00 "map: IOMMU: iova=0x0000000010000000 - 0x0000000010001000 paddr=0x0000000000000000 size=4096"
	ln 01 "map: IOMMU: iova=0x0000000010001000 - 0x0000000010002000 paddr=0x0000000000000010 size=4096"
	ln 02 "dma_map_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=1000 size=4096 phys_addr=0 attrs=0"
	ln 03 "dma_unmap_page: 0000:00:03.0 dir=TO_DEVICE dma_addr=1000 size=4096 attrs=0"
} > "$TMP/p0.txt"
field() { "$SVATRACE" dump "$1" | sed -n "$2p" | grep -o "\"$3\":[^,}]*" | cut -d: -f2- | tr -d '"'; }
"$SVATRACE" import --from ftrace-text "$TMP/p0.txt" -o "$TMP/p0.svt" 2> /dev/null
a0=$(field "$TMP/p0.svt" 1 paddr)
a10=$(field "$TMP/p0.svt" 2 paddr)
check_match "paddr 0 is hashed (not stored as 0)" '^0x[0-9a-f]{4,}000$' "$a0"
check_eq "... to the same frame as 0x10, its page's other address" "$(printf '0x%x' $((a0 + 0x10)))" "$a10"
check_eq "a DMA map's phys_addr=0 hashes to that frame too" "$a0" "$(field "$TMP/p0.svt" 3 phys)"
check_eq "an unmap_page (no physical address) stores 0" "0x0" "$(field "$TMP/p0.svt" 4 phys)"
check_eq "... and is not marked hashed" "false" "$(field "$TMP/p0.svt" 4 hashed)"
check_eq "the map with paddr 0 is marked hashed" "true" "$(field "$TMP/p0.svt" 1 hashed)"
"$SVATRACE" import --from ftrace-text "$TMP/p0.txt" --keep-addrs -o "$TMP/p0k.svt" 2> /dev/null
check_eq "--keep-addrs keeps paddr 0 as 0" "0x0" "$(field "$TMP/p0k.svt" 1 paddr)"
check_eq "... and 0x10 as 0x10" "0x10" "$(field "$TMP/p0k.svt" 2 paddr)"
echo "1..$TAP_N"
