#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 items 3 and 4: import never destroys data, and compressed input
# errors are errors. Every hostile file is made here from the bundled trace.
. tests/cli/lib.sh
IN=data/traces/qemu-vtd-6.1-trace.txt.gz
"$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/good.svt" 2>/dev/null
size=$(stat -c %s "$TMP/good.svt")
sum=$(md5sum < "$TMP/good.svt")
[ "$size" -gt 30000 ] && ok "good trace made ($size bytes)" || not_ok "good trace made" "$size"

# a bad CSV must not cost the existing output (was: truncated to 400 bytes)
cp "$TMP/good.svt" "$TMP/out.svt"
printf 'time_ns,device\n1,2\n' > "$TMP/bad.csv"
check_fails "bad csv over an existing output" "$SVATRACE" import --from access-csv "$TMP/bad.csv" -o "$TMP/out.svt"
check_match "bad csv: names the input line" "bad.csv:2: want" "$OUT"
check_match "bad csv: says the output was not written" "out.svt: not written" "$OUT"
check_eq "bad csv: existing output unchanged" "$sum" "$(md5sum < "$TMP/out.svt")"

# input == output is refused, also through a symlink (was: exit 0, input gone)
check_rc "input as output refused" 2 "$SVATRACE" import --from ftrace-text "$TMP/out.svt" -o "$TMP/out.svt"
check_match "input as output: says so" "out.svt is the input file" "$OUT"
ln -s out.svt "$TMP/alias.svt"
check_rc "input as output through a link refused" 2 "$SVATRACE" import --from ftrace-text "$TMP/alias.svt" -o "$TMP/out.svt"
check_eq "input as output: input unchanged" "$sum" "$(md5sum < "$TMP/out.svt")"

# a failed import leaves no file at all (no torn output, no temporary)
check_fails "failed import, new output" "$SVATRACE" import --from access-csv "$TMP/bad.csv" -o "$TMP/new.svt"
check_eq "failed import leaves no file" "" "$(cd "$TMP" && ls -A | grep -E '^(new\.svt|\.new\.svt\.tmp)')"

# a successful import replaces the output atomically and leaves no temporary
cp "$TMP/good.svt" "$TMP/re.svt"
check_rc "import over an existing output" 0 "$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/re.svt"
recs() { "$SVATRACE" info "$1" 2>&1 | sed -n 's/^records: *//p'; }
check_eq "re-import: a complete trace with the same records" "$(recs "$TMP/good.svt")" "$(recs "$TMP/re.svt")"
check_eq "no temporary left" "" "$(cd "$TMP" && ls -A | grep '\.tmp\.')"
check_fails "output is a directory" "$SVATRACE" import --from ftrace-text "$IN" -o "$TMP"

# truncated gzip (was: exit 0 with half the lines)
zsize=$(stat -c %s "$IN")
head -c $((zsize / 2)) "$IN" > "$TMP/half.txt.gz"
check_fails "truncated gzip" "$SVATRACE" import --from ftrace-text "$TMP/half.txt.gz" -o "$TMP/half.svt"
check_match "truncated gzip: says so" "half.txt.gz: read error after line [0-9]+: unexpected end of file \(compressed stream truncated\)" "$OUT"
[ -e "$TMP/half.svt" ] && not_ok "truncated gzip: no output" || ok "truncated gzip: no output"
# a gzip of just its 10-byte header (was: exit 0)
head -c 10 "$IN" > "$TMP/hdr.txt.gz"
check_fails "header-only gzip" "$SVATRACE" import --from ftrace-text "$TMP/hdr.txt.gz" -o "$TMP/hdr.svt"
check_match "header-only gzip: says so" "hdr.txt.gz: read error after line 0: unexpected end of file" "$OUT"
# corrupt deflate data: the CRC check fails
cp "$IN" "$TMP/bad.txt.gz"
printf 'XXXXXXXX' | dd of="$TMP/bad.txt.gz" bs=1 seek=$((zsize / 2)) conv=notrunc status=none
check_fails "corrupt gzip" "$SVATRACE" import --from ftrace-text "$TMP/bad.txt.gz" -o "$TMP/bad.svt"
check_match "corrupt gzip: zlib's reason" "bad.txt.gz: read error after line [0-9]+: (incorrect data check|invalid|too many)" "$OUT"
echo "1..$TAP_N"
