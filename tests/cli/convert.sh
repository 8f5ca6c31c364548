#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# convert.sh - `svatrace convert`: v1 -> v2 -> v1 keeps every record (dump
# output identical), replay gives the same metrics from both versions, the
# v2 file is smaller, a torn v2 file converts its good prefix and exits 1.
. "$(dirname "$0")/lib.sh"

"$SVATRACE" gen random-access --set duration=200us -o "$TMP/g.svt" > /dev/null 2>&1
check_match "gen writes v2 by default" "svatrace trace v2.1" "$("$SVATRACE" info "$TMP/g.svt")"
check_rc "convert v2 -> v1 (the file the rest starts from)" 0 "$SVATRACE" convert --v1 "$TMP/g.svt" -o "$TMP/a.svt"
check_match "info names v1" "svatrace trace v1.1" "$("$SVATRACE" info "$TMP/a.svt")"
check_rc "convert v1 -> v2" 0 "$SVATRACE" convert "$TMP/a.svt" -o "$TMP/b.svt"
check_match "says bytes per record" "records, [0-9]+ -> [0-9]+ bytes \([0-9.]+ bytes/record\)" "$OUT"
check_rc "info reads v2" 0 "$SVATRACE" info "$TMP/b.svt"
check_match "info names the version" "svatrace trace v2.1" "$OUT"
check_rc "convert v2 -> v1" 0 "$SVATRACE" convert --v1 "$TMP/b.svt" -o "$TMP/c.svt"
check_eq "dump of v1 and v2 identical" "$("$SVATRACE" dump "$TMP/a.svt" | md5sum)" \
	"$("$SVATRACE" dump "$TMP/b.svt" | md5sum)"
check_eq "dump of v1 -> v2 -> v1 identical" "$("$SVATRACE" dump "$TMP/a.svt" | md5sum)" \
	"$("$SVATRACE" dump "$TMP/c.svt" | md5sum)"
a=$(stat -c %s "$TMP/a.svt"); b=$(stat -c %s "$TMP/b.svt")
check_eq "v2 at most a third of v1 ($b vs $a bytes)" 1 "$([ $((b * 3)) -lt "$a" ] && echo 1)"
m() { "$SVATRACE" replay "$1" --json | grep -E '"(iotlb|walk|atc|access)\.[a-z_]+": [0-9]' ; }
check_eq "replay metrics equal from v1 and v2" "$(m "$TMP/a.svt")" "$(m "$TMP/b.svt")"

head -c $((b / 2)) "$TMP/b.svt" > "$TMP/torn.svt"
check_fails "torn v2: convert exits 1" "$SVATRACE" convert "$TMP/torn.svt" -o "$TMP/t2.svt"
check_match "and says where the damage starts" "torn.svt: byte [0-9]+ .*records converted before it" "$OUT"
check_rc "the good prefix it wrote reads cleanly" 0 "$SVATRACE" info "$TMP/t2.svt"
check_fails "output = input is refused" "$SVATRACE" convert "$TMP/b.svt" -o "$TMP/b.svt"
check_fails "missing -o" "$SVATRACE" convert "$TMP/b.svt"
# the output is written aside and renamed: a failed convert keeps an existing OUT
cp "$TMP/c.svt" "$TMP/keep.svt"; sum=$(md5sum < "$TMP/keep.svt")
check_fails "a file that is not a trace: convert fails" "$SVATRACE" convert /etc/passwd -o "$TMP/keep.svt"
check_eq "... and the existing output is byte-identical" "$sum" "$(md5sum < "$TMP/keep.svt")"
check_eq "... and no temporary file is left" "" "$(ls -A "$TMP" | grep '\.tmp\.')"
check_fails "output through a symlink to the input is refused" sh -c "ln -s '$TMP/b.svt' '$TMP/link.svt' && '$SVATRACE' convert '$TMP/b.svt' -o '$TMP/link.svt'"
echo "1..$TAP_N"
