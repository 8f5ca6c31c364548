#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# import_pcm_iio.sh - `import --from pcm-iio` reads Intel PCM's pcm-iio -csv
# output. The fixture is SYNTHETIC: written here from PCM's source (the CSV
# builder in src/pcm-iio-pmu.cpp and the Ice Lake server event file
# src/opCode-6-106.txt: header repeated every interval, the IOMMU counters on
# each stack's first part row, later part rows with the 4 bandwidth columns
# only), with made-up values; no host here has an IIO PMU.
. "$(dirname "$0")/lib.sh"
S=$SVATRACE
H='Date,Time,Socket,Name,Part,IB write,IB read,OB read,OB write,IOTLB Lookup,IOTLB Miss,Ctxt Cache Hit,512G Cache Hit,1G Cache Hit,2M Cache Hit,4K Cache Hit,IOMMU Mem Access'
cp tests/data/pcm-iio-synthetic.csv "$TMP/iio.csv"
check_rc "a pcm-iio CSV imports" 0 "$S" import --from pcm-iio "$TMP/iio.csv" -o "$TMP/iio.svt"
# 2 intervals x (12 + 4 + 12) values
check_match "... one record per value: 56" ': 56 records' "$OUT"
J=$("$S" info --json "$TMP/iio.svt")
check_match "IOTLB lookups per stack and interval: 4 records" '"pcm_iio:iotlb_lookup": 4' "$J"
check_match "4K page-walk-cache hits named 4k_cache_hit" '"pcm_iio:4k_cache_hit": 4' "$J"
check_match "per-part bandwidth rows: ib_write 6 records" '"pcm_iio:ib_write": 6' "$J"
rec=$("$S" dump "$TMP/iio.svt" | grep -m1 '"event":"pcm_iio:iotlb_miss".*Socket\|"event":"pcm_iio:iotlb_miss"')
check_match "a record keeps socket, stack, part and the per-second value" '"text":"socket=0 stack=IIO Stack 1 - PCIe0 part=Part0 \(1st x16/x8/x4\) per_s=12000"' "$rec"
check_match "... at the row's time (2025-03-01 12:00:00.250 as UTC)" '"ts_ns":1740830400250000000,' "$rec"
sum=$("$S" dump "$TMP/iio.svt" | grep '"pcm_iio:iotlb_miss"' | grep -o 'per_s=[0-9]*' | cut -d= -f2 | awk '{s += $1} END {print s}')
check_eq "IOTLB misses summed over stacks and intervals" $((12000 + 800 + 18000 + 900)) "$sum"

# semicolons (pcm-iio -csv-delimiter=;) and a Root Port column (-root-port)
sed 's/,/;/g; s/;Socket;/;Socket;Root Port;/; s/;\(Socket[01]\);/;\1;0000:00:01.0;/' "$TMP/iio.csv" > "$TMP/semi.csv"
check_rc "-csv-delimiter=; and -root-port output imports" 0 "$S" import --from pcm-iio "$TMP/semi.csv" -o "$TMP/semi.svt"
check_match "... the same 56 records" ': 56 records' "$OUT"

# refused, naming file:line
sed '2s/,12000,/,1.2 K,/' "$TMP/iio.csv" > "$TMP/hr.csv"
check_fails "-human-readable values are refused" "$S" import --from pcm-iio "$TMP/hr.csv" -o "$TMP/x.svt"
check_match "... naming file:line, the column and why" "hr.csv:2: IOTLB Miss: '1.2 K' is not a count below 2\^64 \(pcm-iio -human-readable rounds" "$OUT"
sed '2s/Socket0/Sock/' "$TMP/iio.csv" > "$TMP/s.csv"
check_fails "a bad socket is refused" "$S" import --from pcm-iio "$TMP/s.csv" -o "$TMP/x.svt"
check_match "... naming file:line" "s.csv:2: want a socket as SocketN, not 'Sock'" "$OUT"
sed '3s/$/,1,2,3,4,5,6,7,8,9,10,11,12,13/' "$TMP/iio.csv" > "$TMP/wide.csv"
check_fails "a row wider than the header is refused" "$S" import --from pcm-iio "$TMP/wide.csv" -o "$TMP/x.svt"
check_match "... naming file:line" 'wide.csv:3: 22 columns, the header has 17' "$OUT"
check_fails "an ftrace text is not pcm-iio CSV" "$S" import --from pcm-iio README.md -o "$TMP/x.svt"
check_match "... naming file:line" 'README.md:1: a data row before pcm-iio.s header line' "$OUT"
printf '%s\n' "$H" > "$TMP/h.csv"
check_fails "a header alone: 0 records, exit 1" "$S" import --from pcm-iio "$TMP/h.csv" -o "$TMP/x.svt"
check_match "... saying so" 'headers and no data rows' "$OUT"
