#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# gen.sh - `svatrace gen`: help teaches, files are reproducible byte for byte,
# bad keys are rejected naming the key, the meta JSON says what made the file.
. "$(dirname "$0")/lib.sh"

OUT=$($SVATRACE gen --help 2>&1)
check_match "gen --help lists every kind" 'dsa-memcpy.*nic-rx.*nvme.*random-access' "$(echo $OUT)"
OUT=$($SVATRACE gen dsa-memcpy --help 2>&1)
check_match "gen KIND --help lists keys with defaults" 'clients +\[4\]' "$OUT"
check_match "gen KIND --help shows choices" 'wq_mode +\[dwq\].*\(dwq\|swq\)' "$OUT"

for k in dsa-memcpy nic-rx nvme random-access; do
	$SVATRACE gen $k --set duration=2ms --seed 7 -o "$TMP/$k.a" >/dev/null 2>&1
	$SVATRACE gen $k --set duration=2ms --seed 7 -o "$TMP/$k.b" >/dev/null 2>&1
	$SVATRACE gen $k --set duration=2ms --seed 8 -o "$TMP/$k.c" >/dev/null 2>&1
	if [ -s "$TMP/$k.a" ] && cmp -s "$TMP/$k.a" "$TMP/$k.b"; then
		ok "$k: same seed gives the same file bytes"
	else
		not_ok "$k: same seed gives the same file bytes" "$(cmp "$TMP/$k.a" "$TMP/$k.b" 2>&1)"
	fi
	if [ -s "$TMP/$k.c" ] && ! cmp -s "$TMP/$k.a" "$TMP/$k.c"; then
		ok "$k: another seed gives another file"
	else
		not_ok "$k: another seed gives another file"
	fi
done

OUT=$($SVATRACE info "$TMP/nic-rx.a" 2>&1)
check_match "info reads a generated file: generator in meta" 'nic-rx' "$OUT"
check_match "info: synthetic clock" 'synthetic' "$OUT"

check_rc "unknown key: usage error" 2 $SVATRACE gen nvme --set qdepth=8 -o "$TMP/x"
check_match "unknown key: message names it" "qdepth" "$OUT"
check_rc "bad value: usage error" 2 $SVATRACE gen nvme --set qd=lots -o "$TMP/x"
check_match "bad value: message names the key" "'qd'" "$OUT"
check_rc "cross-key check: usage error" 2 $SVATRACE gen dsa-memcpy --set size_min=8k --set size_max=4k -o "$TMP/x"
check_match "cross-key check: message names the key" "size_min" "$OUT"
check_rc "unknown kind: usage error" 2 $SVATRACE gen quantum -o "$TMP/x"
check_rc "no -o: usage error" 2 $SVATRACE gen nvme
check_fails "unwritable output fails cleanly" $SVATRACE gen nvme -o /nonexistent/dir/x.svt
