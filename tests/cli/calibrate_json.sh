#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# calibrate_json.sh - `svatrace calibrate ... --json` (issue #18: --json on
# every command that prints data): each subcommand's JSON is parsed with
# Python's json module (an independent parser, calibrate_cmp.py) and its
# values are compared with the same run's text output, row by row: the
# curves side by side, the errors, the fitted values (the latency fit's and
# the throughput fit's) and the default's values. `calibrate throughput
# --json` is compared in calibrate.sh, against the text runs it checks there
# (a throughput fit costs 0.3-0.9 s of CPU; each ran twice more here).
. "$(dirname "$0")/lib.sh"
D=data/pcie-bench
N=nfp6000-1.2GHz
IB=$D/${N}_ib-Xeon-E5-2620v2_dell-t620
SNB=$D/${N}_snb-Xeon-E5-2630_dell-t620
PLAIN=${BUILD:-build}/svatrace
[ -x "$PLAIN" ] || PLAIN=$SVATRACE

# run_pair NAME CMD...: CMD's text in $TMP/NAME.txt, CMD --json in $TMP/NAME.json
run_pair() {
	local name=$1; shift
	"$@" >"$TMP/$name.txt" 2>&1
	"$@" --json >"$TMP/$name.json" 2>"$TMP/$name.err"
}

run_pair fit "$SVATRACE" calibrate pcie-bench $SNB-iommu -o "$TMP/snb.ini"
run_pair checkib "$PLAIN" calibrate check ib-e5-2620v2-remote $IB-s0-s1-s1-iommu
run_pair checksnb "$PLAIN" calibrate check snb-e5-2630 $SNB-iommu
run_pair default "$SVATRACE" calibrate default bdw-e5-2630v4-local ib-e5-2620v2-local snb-e5-2630
# one python3 for the four comparisons, one result line each
mapfile -t R < <(python3 "$(dirname "$0")/calibrate_cmp.py" fit "$TMP/fit.txt" "$TMP/fit.json" \
	check "$TMP/checkib.txt" "$TMP/checkib.json" check "$TMP/checksnb.txt" "$TMP/checksnb.json" \
	default "$TMP/default.txt" "$TMP/default.json" 2>&1)
# check_cmp DESC K KIND: the K-th comparison said "ok: KIND"
check_cmp() {
	if [ "${R[$2]:-}" = "ok: $3" ]; then ok "$1"; else not_ok "$1" "${R[$2]:-no result}" "${R[*]}"; fi
}

check_cmp "calibrate pcie-bench --json equals the text (snb; the latency and throughput fits)" 0 fit
check_eq "the JSON names the written profile" "$TMP/snb.ini" "$(jq -r .profile "$TMP/fit.json")"
check_eq "a lower bound says so" "true true" \
	"$(jq -r '.fitted | "\(.["pwc.l2_entries_lower_bound"]) \(.["mem.read_ns_identified"] | not)"' "$TMP/fit.json")"
check_cmp "calibrate check --json equals the text (ib remote super pages, built baseline)" 1 check
check_eq "the built baseline names both IOMMU-off runs" "built $IB-s0-s0-s0 $IB-s0-s1-s1" \
	"$(jq -r '.baseline | "\(.kind) \(.cache_misses_from) \(.remote_dram_from)"' "$TMP/checkib.json")"
check_cmp "calibrate check --json equals the text (snb, run baseline)" 2 check
check_cmp "calibrate default --json equals the ini it prints" 3 default

# --json before the subcommand reaches it (against the check --json run above)
"$PLAIN" --json calibrate check snb-e5-2630 $SNB-iommu >"$TMP/g.json" 2>&1
check_eq "svatrace --json calibrate check = calibrate check --json" "$(cat "$TMP/checksnb.json" "$TMP/checksnb.err")" "$(cat "$TMP/g.json")"
# errors stay on stderr with a non-zero exit; stdout has no half object
check_fails "--json with a missing profile fails" "$SVATRACE" calibrate check nosuchprofile $SNB-iommu --json
"$SVATRACE" calibrate check nosuchprofile $SNB-iommu --json >"$TMP/e.out" 2>/dev/null
check_eq "... and prints nothing on stdout" "" "$(cat "$TMP/e.out")"
echo "1..$TAP_N"
