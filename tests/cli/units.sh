#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# units.sh - one number parser (lib/units) behind --set, gen keys, scenario
# arguments, grids and --where: binary k for byte sizes and entry counts,
# decimal k for counts and rates, a unit of another kind is exit 2 naming
# the key, and --where matches values as stored.
. "$(dirname "$0")/lib.sh"

param() { # KEY SETTING...: the value --list-params --json reports for KEY
	local key=$1; shift
	"$SVATRACE" replay --list-params --json "$@" 2>&1 |
		python3 -c "import json,sys; print([o for o in json.load(sys.stdin) if o['key']=='$key'][0]['value'])"
}

check_eq "--set iotlb.entries=1k is 1024 (entries: binary)" 1024 "$(param iotlb.entries --set iotlb.entries=1k)"
check_eq "--set pt.page_bytes=2MiB is 2097152 (bytes: binary)" 2097152 "$(param pt.page_bytes --set pt.page_bytes=2MiB)"
check_eq "suffixes are case-insensitive (2m = 2M)" 2097152 "$(param pt.page_bytes --set pt.page_bytes=2m)"
check_eq "--set wq.engine_bw_bytes_per_s=30G is 3e10 (rate: decimal)" 30000000000 \
	"$(param wq.engine_bw_bytes_per_s --set wq.engine_bw_bytes_per_s=30G)"
check_eq "--set mem.read_ns=1.5us is 1500 ns" 1500 "$(param mem.read_ns --set mem.read_ns=1.5us)"
check_eq "--set iotlb.ways=1k is 1000 (count: decimal)" 1000 "$(param iotlb.ways --set iotlb.ways=1k --set iotlb.entries=8000)"
check_eq "--set wq.max_batch=1k is 1024 (descriptors: entries)" 1024 "$(param wq.max_batch --set wq.max_batch=1k)"

check_rc "iotlb.entries=5ms: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.entries=5ms
check_match "... naming the key, the value and the kinds" \
	"iotlb.entries: '5ms': 'ms' is a duration unit, but this value is an entry count" "$OUT"
check_rc "pt.page_bytes=4kHz (unknown unit): exit 2" 2 "$SVATRACE" replay --list-params --set pt.page_bytes=4kHz
check_match "... naming the unit" "unknown unit 'kHz'" "$OUT"
check_rc "mem.read_ns=1k (multiplier on a duration): exit 2" 2 "$SVATRACE" replay --list-params --set mem.read_ns=1k
check_rc "iotlb.entries=0xZZ: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.entries=0xZZ
check_match "... says it is not a number" "'0xZZ' is not a number" "$OUT"
check_rc "model.seed above 2^64 - 1: exit 2" 2 "$SVATRACE" replay --list-params --set model.seed=18446744073709551616
check_match "... says too large" "too large" "$OUT"
check_eq "a 20-digit seed is exact (no rounding through double)" 17999999999999999999 "$(param model.seed --set model.seed=17999999999999999999)"
check_rc "pt.page_bytes=0.3k (not whole): exit 2" 2 "$SVATRACE" replay --list-params --set pt.page_bytes=0.3k
check_rc "iotlb.entries=-1: exit 2" 2 "$SVATRACE" replay --list-params --set iotlb.entries=-1
check_match "... says negative" "negative" "$OUT"

OUT=$("$SVATRACE" replay --list-params 2>&1)
check_match "--list-params has a KIND column" "^KEY +UNIT +KIND +VALUE" "$OUT"
check_match "... iotlb.entries is entries" "^iotlb.entries +entries +entries +[0-9]+ " "$OUT"
check_match "... pt.page_bytes is bytes" "^pt.page_bytes +bytes +bytes +4096" "$OUT"
check_match "... mem.read_ns is a duration" "^mem.read_ns +ns +duration " "$OUT"
OUT=$("$SVATRACE" replay --help 2>&1)
check_match "replay --help states the rule" "entries +binary: 1k = 1024" "$OUT"

# generators: ring (entries) binary, pps (rate) decimal: maps = ring + packets
"$SVATRACE" gen nic-rx --set ring=1k --set pps=1k --set duration=1s -o "$TMP/nic.svt" >/dev/null 2>&1
OUT=$("$SVATRACE" info "$TMP/nic.svt" 2>&1)
check_match "gen nic-rx ring=1k pps=1k 1s: 1000 packets (rate: decimal)" "iommu:unmap +1000$" "$OUT"
check_match "... and a ring of 1024 buffers (entries: binary): 1024 + 1000 maps" "iommu:map +2024$" "$OUT"
check_rc "gen ring=5ms: exit 2" 2 "$SVATRACE" gen nic-rx --set ring=5ms -o "$TMP/bad.svt"
check_match "... naming the key" "key 'ring': '5ms': 'ms' is a duration unit" "$OUT"
OUT=$("$SVATRACE" gen nic-rx --help 2>&1)
check_match "gen KIND --help shows each key's kind" "ring +\[256\] +entries" "$OUT"

# scenario arguments: fq (entries of the flush queue) binary
check_rc "scenario argument with a duration unit on a count: exit 2" 2 \
	"$SVATRACE" replay "$TMP/nic.svt" --scenario tenants=5ms
check_match "... naming the scenario and the argument" "scenario tenants: argument 'N': '5ms'" "$OUT"

# --where reads values like --set and compares them as stored
"$SVATRACE" gen random-access --set duration=100us -o "$TMP/ra.svt" >/dev/null 2>&1
"$SVATRACE" replay "$TMP/ra.svt" --set pt.page_bytes=4k --set iotlb.policy=fifo --db "$TMP/r.db" >/dev/null 2>&1
"$SVATRACE" replay "$TMP/ra.svt" --set pt.page_bytes=2M --db "$TMP/r.db" >/dev/null 2>&1
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where pt.page_bytes=4k --csv 2>&1)
check_match "runs --where pt.page_bytes=4k finds the run stored as 4096" "^1,.*,ok," "$OUT"
check_eq "... and only it" 2 "$(printf '%s\n' "$OUT" | wc -l)"
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where pt.page_bytes=2MiB --csv 2>&1)
check_match "--where pt.page_bytes=2MiB finds run 2" "^2,.*,ok," "$OUT"
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where iotlb.policy=FIFO --csv 2>&1)
check_match "--where iotlb.policy=FIFO finds the fifo run" "^1,.*,ok," "$OUT"
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where status=ok --csv 2>&1)
check_eq "--where status=ok finds both runs" 3 "$(printf '%s\n' "$OUT" | wc -l)"
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where status=running --csv 2>&1)
check_eq "--where status=running finds none" 1 "$(printf '%s\n' "$OUT" | wc -l)"
check_rc "--where pt.page_bytes=5ms: exit 2" 2 "$SVATRACE" runs --db "$TMP/r.db" --where pt.page_bytes=5ms
check_rc "--where status=bogus: exit 2" 2 "$SVATRACE" runs --db "$TMP/r.db" --where status=bogus

# sweep grid ranges take the key's units
"$SVATRACE" sweep "$TMP/ra.svt" --grid pt.page_bytes=4k..2m*512 --emit-jobs "$TMP/jobs.txt" >/dev/null 2>&1
OUT=$(cat "$TMP/jobs.txt" 2>&1)
check_match "--grid pt.page_bytes=4k..2m*512 gives 4096 and 2097152" "pt.page_bytes=4096.*pt.page_bytes=2097152" "$(echo $OUT)"
check_rc "--grid iotlb.entries=1k..5ms: exit 2" 2 "$SVATRACE" sweep "$TMP/ra.svt" --grid iotlb.entries=1k..5ms --emit-jobs "$TMP/j2.txt"
check_match "... saying why" "'ms' is a duration unit" "$OUT"
