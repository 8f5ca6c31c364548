#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make fuzz` found, as regression tests (inputs rebuilt here).
# 1. fuzz_scenario: 'tenants=6333...3' (103 digits) converted 6.3e101 to
#    uint64_t in scenario_arg_u64(): undefined behaviour (UBSan, halts).
. tests/cli/lib.sh
"$SVATRACE" gen random-access --set duration=10us -o "$TMP/g.svt" > /dev/null 2>&1
big=6$(printf '3%.0s' $(seq 102))
check_rc "scenario argument >= 2^64 refused" 2 "$SVATRACE" replay --scenario "tenants=$big" "$TMP/g.svt"
check_match "... naming the argument" "scenario tenants: argument 'N': (cannot parse )?'6333[0-9]*'( is too large)?" "$OUT"
check_eq "... without a sanitizer report" "0" "$(printf '%s' "$OUT" | grep -c 'runtime error')"
check_rc "a time argument >= 2^64 refused" 2 "$SVATRACE" replay --scenario "faulting:reclaim=1e30" "$TMP/g.svt"
check_eq "... without a sanitizer report" "0" "$(printf '%s' "$OUT" | grep -c 'runtime error')"
echo "1..$TAP_N"
