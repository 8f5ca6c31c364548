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
echo "1..$TAP_N"
