#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to `svatrace info`: each case exits non-zero (no crash) with one
# message naming the file and the byte offset or record index.
. tests/cli/lib.sh
IN=data/traces/qemu-vtd-6.1-trace.txt.gz	# bundled with the repo (Linux 6.1 guest, emulated VT-d)
[ -r "$IN" ] || { echo "not ok 1 - $IN missing"; exit 1; }
"$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/good.svt" 2>/dev/null
size=$(stat -c %s "$TMP/good.svt")

flip() { # file offset: flip bit 0 of the byte at offset
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

check_fails "missing file" "$SVATRACE" info "$TMP/nope.svt"
check_match "missing file: names it" "nope.svt.*No such file" "$OUT"
check_fails "directory" "$SVATRACE" info "$TMP"
check_match "directory: says so" "is a directory" "$OUT"
: > "$TMP/empty.svt"
check_fails "empty file" "$SVATRACE" info "$TMP/empty.svt"
check_match "empty file: says so" "empty.svt.*empty file" "$OUT"
printf 'hello, this is not a trace file at all, just text\n' > "$TMP/text.svt"
check_fails "wrong magic" "$SVATRACE" info "$TMP/text.svt"
check_match "wrong magic: file and byte 0" "text.svt: byte 0: not an svatrace trace" "$OUT"
cp "$TMP/good.svt" "$TMP/v9.svt"; printf '\x09' | dd of="$TMP/v9.svt" bs=1 seek=8 conv=notrunc status=none
check_fails "unknown version" "$SVATRACE" info "$TMP/v9.svt"
check_match "unknown version: names versions" "v9.svt: byte 8: unsupported trace format version: file is v9.1" "$OUT"
head -c 40 "$TMP/good.svt" > "$TMP/short.svt"
check_fails "truncated header" "$SVATRACE" info "$TMP/short.svt"
check_match "truncated header: says so" "short.svt: byte 0: file ends inside the file header" "$OUT"

head -c $((size - 5000)) "$TMP/good.svt" > "$TMP/torn.svt"
check_fails "truncated file" "$SVATRACE" info "$TMP/torn.svt"
check_match "truncated: where it stops" "torn.svt: byte [0-9]+ \(chunk [0-9]+, record [0-9]+\): file ends inside a chunk" "$OUT"
check_match "truncated: still reports the good prefix" "good prefix: [1-9][0-9]* records in the first [0-9]+ bytes" "$OUT"
check_match "truncated: counts printed for the prefix" "iommu:map +[1-9]" "$OUT"

cp "$TMP/good.svt" "$TMP/flip.svt"; flip "$TMP/flip.svt" $((size / 2))
check_fails "flipped bit in a record" "$SVATRACE" info "$TMP/flip.svt"
check_match "flipped bit: chunk checksum, with offset" "flip.svt: byte [0-9]+ \(chunk [0-9]+, record [0-9]+\): chunk checksum mismatch" "$OUT"

cp "$TMP/good.svt" "$TMP/hdr.svt"; flip "$TMP/hdr.svt" 20
check_fails "flipped bit in the header" "$SVATRACE" info "$TMP/hdr.svt"
check_match "header bit: header checksum" "hdr.svt: byte 0: file header checksum" "$OUT"

# JSON mode on a torn file: machine-readable error and prefix
"$SVATRACE" info --json "$TMP/torn.svt" > "$TMP/torn.json" 2>/dev/null; rc=$?
check_eq "info --json on torn file exits 1" 1 "$rc"
check_match "info --json: complete=false" '"complete": false' "$(cat "$TMP/torn.json")"
check_match "info --json: error names the file" '"error": ".*torn.svt: byte' "$(cat "$TMP/torn.json")"

# import: bad input names file and line
check_fails "import of a missing file" "$SVATRACE" import --from ftrace-text "$TMP/none.txt" -o "$TMP/x.svt"
check_match "import missing: names file" "none.txt" "$OUT"
check_fails "import to an unwritable place" "$SVATRACE" import --from ftrace-text "$IN" -o /proc/nope/x.svt
check_match "import unwritable: names output" "/proc/nope/x.svt: cannot create" "$OUT"
check_rc "import without --from is a usage error" 2 "$SVATRACE" import "$IN" -o "$TMP/x.svt"
check_rc "import --from unknown is a usage error" 2 "$SVATRACE" import --from nosuch "$IN" -o "$TMP/x.svt"
