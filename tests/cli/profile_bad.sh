#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# profile_bad.sh - a profile the INI reader cannot take is refused with its
# file and line. libinih reads at most 198 characters a line and parses the
# rest as the next line, so an over-long comment used to be reported as
# "not a 'key = value' line" one line below it (a default.ini description
# line of 205 characters did that).
. "$(dirname "$0")/lib.sh"

"$SVATRACE" -q gen random-access --set duration=100us -o "$TMP/t.svt"
{ echo '[ats]'; printf '; %0200d\n' 0; echo 'enabled = on'; } > "$TMP/long.ini"
check_rc "a 202-character comment line is refused (exit 2)" 2 "$SVATRACE" -q replay "$TMP/t.svt" --profile "$TMP/long.ini"
check_match "the message names the file and line 2 and the limit" "long.ini:2: a line of 202 characters; a profile line holds at most 198" "$OUT"
{ echo '[ats]'; printf '; %0196d\n' 0; echo 'enabled = on'; } > "$TMP/ok.ini"
check_rc "a 198-character line is read" 0 "$SVATRACE" -q replay "$TMP/t.svt" --profile "$TMP/ok.ini"
{ echo '[ats]'; echo 'enabled on'; } > "$TMP/bad.ini"
check_rc "a line without '=' is refused (exit 2)" 2 "$SVATRACE" -q replay "$TMP/t.svt" --profile "$TMP/bad.ini"
check_match "... naming its line" "bad.ini:2: not a 'key = value' line" "$OUT"
for f in data/profiles/*.ini; do
	n=$(awk 'length > 198 { print FNR; exit }' "$f")
	check_eq "$(basename "$f"): no line over 198 characters" "" "$n"
done
