#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli_conventions.sh - "did you mean" for subcommands, --set keys, scenarios
# plot kinds and options (one error each, getopt's own line off); -q/-v after the subcommand; --json
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
check_rc "a mistyped generator" 2 "$SVATRACE" gen nic-rxx -o "$TMP/g.svt"
check_match "... suggests the generator" "no generator kind 'nic-rxx'; did you mean 'nic-rx'\\?" "$OUT"

# mistyped options: one shared error path, one line plus the --help hint
check_rc "a mistyped option is a usage error" 2 "$SVATRACE" info --jsn "$TMP/d.svt"
check_eq "... one message with the suggestion (not getopt's line too)" \
	"svatrace info: unknown option '--jsn'; did you mean '--json'?
Try 'svatrace info --help'." "$OUT"
check_rc "a mistyped option of another command" 2 "$SVATRACE" replay --scenaro pinned "$TMP/d.svt"
check_eq "... suggests from that command's options" \
	"svatrace replay: unknown option '--scenaro'; did you mean '--scenario'?
Try 'svatrace replay --help'." "$OUT"
check_rc "an option without its value" 2 "$SVATRACE" runs --db
check_eq "... names the option once" "svatrace runs: option '--db' needs a value
Try 'svatrace runs --help'." "$OUT"
check_rc "a value given to a flag" 2 "$SVATRACE" info --json=yes "$TMP/d.svt"
check_match "... says it takes none" "^svatrace info: option '--json' takes no value$" "$OUT"
check_rc "an unknown short option" 2 "$SVATRACE" dump -x "$TMP/d.svt"
check_eq "... one line plus the hint" 2 "$(printf '%s\n' "$OUT" | wc -l)"
check_rc "a mistyped global option" 2 "$SVATRACE" --jsn info "$TMP/d.svt"
check_eq "... suggests the global one" "svatrace: unknown option '--jsn'; did you mean '--json'?" "$OUT"
check_rc "db info: a mistyped option" 2 "$SVATRACE" db info --jsn "$TMP/x.db"
check_match "... suggests --json" "did you mean '--json'\?" "$OUT"
check_rc "dump takes --json (its output is JSON already)" 0 "$SVATRACE" --json dump -n 1 "$TMP/d.svt"
check_eq "... and prints the same line" "$("$SVATRACE" dump -n 1 "$TMP/d.svt")" "$OUT"

# replay's text output: a coded value is printed with its name
"$SVATRACE" import --from ftrace-text data/traces/qemu-vtd-6.1-trace.txt.gz -o "$TMP/q.svt" 2>/dev/null
check_match "replay names the expansion mode on one clean line" \
	'^  replay\.expand_mode +4 \(request\)$' "$("$SVATRACE" replay "$TMP/q.svt")"

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
