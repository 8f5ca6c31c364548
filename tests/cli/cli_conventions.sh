#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli_conventions.sh - "did you mean" for subcommands, --set keys, scenarios
# and plot kinds (one error line each); -q/-v after the subcommand; --json
# before it; -j means --jobs only; info prints nested metadata one value a
# line (and --json stays one JSON object).
. "$(dirname "$0")/lib.sh"
"$SVATRACE" gen dsa-memcpy --set duration=10us --set clients=3 -o "$TMP/d.svt" >/dev/null 2>&1

check_rc "a mistyped subcommand is a usage error" 2 "$SVATRACE" replya "$TMP/d.svt"
check_eq "... one line, with the suggestion" "svatrace: 'replya' is not a command; did you mean 'replay'?" "$OUT"
check_rc "help of a mistyped subcommand" 2 "$SVATRACE" help runz
check_match "... suggests" "did you mean 'runs'" "$OUT"
check_rc "something far from every command gets no guess" 2 "$SVATRACE" xyzzyplugh
check_match "... but the pointer to help" "see 'svatrace help'" "$OUT"
check_rc "a mistyped --set key" 2 "$SVATRACE" replay "$TMP/d.svt" --set iotlb.entires=64
check_match "... suggests the key" "unknown parameter 'iotlb.entires'; did you mean 'iotlb.entries'\\?" "$OUT"
check_fails "a mistyped scenario" "$SVATRACE" replay "$TMP/d.svt" --scenario fautling
check_match "... suggests the transform" "no transform 'fautling'; did you mean 'faulting'\\?" "$OUT"
check_rc "a mistyped plot kind" 2 "$SVATRACE" plot iotlb-swep --db "$TMP/x.db" -o "$TMP/p"
check_match "... suggests the kind" "did you mean 'iotlb-sweep'\\?" "$OUT"

# global flags (an import of nothing fails: give it one event line)
zcat data/traces/qemu-vtd-6.1-trace.txt.gz | grep -m1 ' map: ' > "$TMP/one.txt"
check_match "import says what it wrote (info level on stderr)" 'records' \
	"$("$SVATRACE" import --from ftrace-text "$TMP/one.txt" -o "$TMP/e.svt" 2>&1)"
check_eq "-q after the subcommand silences it like -q before" "" \
	"$("$SVATRACE" import --from ftrace-text "$TMP/one.txt" -o "$TMP/e.svt" -q 2>&1)"
want=$("$SVATRACE" info --json "$TMP/d.svt" | jq .records)
check_match "info --json counts the generated records" '^[1-9][0-9]*$' "$want"
check_eq "--json before the subcommand reaches it" "$want" \
	"$("$SVATRACE" --json info "$TMP/d.svt" | jq .records)"
check_fails "-j is --jobs (sweep) only: info -j is refused" "$SVATRACE" info -j "$TMP/d.svt"

# info: nested metadata one value per line
I=$("$SVATRACE" info "$TMP/d.svt")
check_match "info prints meta.params.clients on its own line" '^meta\.params\.clients +3$' "$I"
check_eq "... no JSON object left on a meta line" 0 "$(printf '%s\n' "$I" | grep -c '^meta\..*{')"
check_eq "info --json keeps the nested object" 3 "$("$SVATRACE" info --json "$TMP/d.svt" | jq -r .meta.params.clients)"
echo "1..$TAP_N"
