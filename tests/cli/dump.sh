#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dump.sh - `svatrace dump`: one JSON line per record with the kind's fields
# by name. Checked against real lines of a Debian 6.12 guest with emulated
# VT-d (cache_tag_* in both print forms, dma scatterlists, DMA attrs), the
# bundled 6.1 trace's counts, filters, limits and a torn file.
. "$(dirname "$0")/lib.sh"
# Real lines (6.12.95 guest, scripts/qemu-vtd.sh SUITE=bookworm-backports)
cat > "$TMP/612.txt" <<'TXT'
     kworker/0:1-10      [000] d.h3.    11.273579: cache_tag_flush_range: dmar0 0000:01:00.0[0] type devtlb did 9 [0xfffe5000-0xfffe5fff] addr 0xfffe5000 pages 0x1 mask 0x0
              dd-283     [000] d..2.    11.269745: cache_tag_flush_range_np: dmar0 dmar0[0] type iotlb did 9 [0xffff7000-0xffff7fff] addr 0xffff7000 pages 0x1 mask 0x0
         modprobe-77     [001] .....     3.100000: cache_tag_assign: dmar0/0000:01:00.0 type devtlb did 9 pasid 0 ref 1
              dd-289     [001] .....    12.285377: dma_map_sg: 0000:03:00.0 dir=TO_DEVICE nents=8/8 ents=1/1 dma_addrs={0xfff80000} sizes={0x20000} phys_addrs={0x30f8000,0x65ed000,0x30f9000,0x30fe000,0x30fb000,0x30f6000,0x30fd000,0x6773000} attrs=NO_WARN
              dd-289     [001] d.h1.    12.286666: dma_unmap_sg: 0000:03:00.0 dir=TO_DEVICE phys_addrs={0x30f8000,0x65ed000,0x30f9000} attrs=SKIP_CPU_SYNC|NO_WARN
TXT
check_rc "6.12 lines import with nothing kept generic" 0 "$SVATRACE" import --keep-addrs --from ftrace-text "$TMP/612.txt" -o "$TMP/612.svt"
check_match "... one record per scatterlist entry: 3 + 1 + 3" '7 records \(0 generic, 0 kept' "$OUT"
D=$("$SVATRACE" dump "$TMP/612.svt")
check_eq "dump prints one line per record" 7 "$(printf '%s\n' "$D" | wc -l)"
check_match "flush form: iommu, device, pasid, type devtlb=1, DID, range" \
	'"event":"intel_iommu:cache_tag_flush_range".*"start":"0xfffe5000","end":"0xfffe5fff","iommu_id":"dmar0","device_id":"0000:01:00.0","domain_id":9,"pasid":0,"op":2,"tag_type":1' "$D"
check_match "flush_range_np on the IOMMU's own tag: type iotlb=0, op 4" \
	'"device_id":"dmar0","domain_id":9,"pasid":0,"op":4,"tag_type":0' "$D"
check_match "assign form: iommu/device, no range" \
	'"start":"0x0","end":"0x0","iommu_id":"dmar0","device_id":"0000:01:00.0","domain_id":9,"pasid":0,"op":0,"tag_type":1' "$D"
check_match "map_sg: the mapped segment with its IOVA, size, first phys, dir, attrs NO_WARN=0x100" \
	'"phys":"0x30f8000","dma_addr":"0xfff80000","size_bytes":131072,"device_id":"0000:03:00.0","op":4,"dir":1,"attrs":"0x100"' "$D"
check_eq "unmap_sg: one record per physical entry, phys kept, in order" \
	"0x30f8000 0x65ed000 0x30f9000" \
	"$(printf '%s\n' "$D" | grep '"op":5' | sed 's/.*"phys":"\([^"]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check_match "unmap_sg attrs SKIP_CPU_SYNC|NO_WARN = 0x120" '"op":5,"dir":1,"attrs":"0x120"' "$D"
check_match "common header: µs timestamps in ns, cpu, pid, comm" \
	'^\{"ts_ns":11273579000,"event":"intel_iommu:cache_tag_flush_range","kind":"cache_tag","cpu":0,"pid":10,"comm":"kworker/0:1","hashed":false' "$D"

# the bundled real 6.1 trace: dump's lines equal info's counts
IN=data/traces/qemu-vtd-6.1-trace.txt.gz	# bundled with the repo (Linux 6.1 guest, emulated VT-d)
[ -r "$IN" ] || { echo "not ok 1 - $IN missing"; exit 1; }
"$SVATRACE" import --from ftrace-text "$IN" -o "$TMP/q.svt" 2>/dev/null
# each dump once into a file, read by the checks that count its lines, grep
# it and parse it
"$SVATRACE" dump "$TMP/q.svt" > "$TMP/q.jl"
"$SVATRACE" dump -e intel_iommu:qi_submit "$TMP/q.svt" > "$TMP/qi.jl"
check_eq "every record dumped (14958)" 14958 "$(wc -l < "$TMP/q.jl")"
check_eq "-e filters by event: qi_submit count equals the text's" \
	"$(zcat -f "$IN" | grep -c ' qi_submit: ')" "$(wc -l < "$TMP/qi.jl")"
check_eq "-e with a prefix and -n limits" 5 "$("$SVATRACE" dump -e 'iommu:*' -n 5 "$TMP/q.svt" | wc -l)"
check_eq "qi_submit decoded fields per type: dev_tlb_inv lines carry sid and addr_mask" 2499 \
	"$(grep -c '"type":3,' "$TMP/qi.jl")"
check_eq "every line is valid JSON" 14958 \
	"$(python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)))' < "$TMP/q.jl")"

# bad input
check_rc "bad -n is a usage error" 2 "$SVATRACE" dump -n x "$TMP/q.svt"
check_rc "-e without SYSTEM:NAME is a usage error" 2 "$SVATRACE" dump -e map "$TMP/q.svt"
check_rc "no file is a usage error" 2 "$SVATRACE" dump
check_fails "a file that is not a trace" "$SVATRACE" dump /etc/passwd
# 10 ms: 100k records, its first half holds whole chunks to print (20 ms, 200k
# records, was twice the dumping; at 2 ms the first half holds none)
"$SVATRACE" gen random-access --seed 1 --set duration=10ms -o "$TMP/big.svt" 2>/dev/null
total=$("$SVATRACE" dump "$TMP/big.svt" | wc -l)
sz=$(stat -c %s "$TMP/big.svt")
head -c $((sz / 2)) "$TMP/big.svt" > "$TMP/torn.svt"
"$SVATRACE" dump "$TMP/torn.svt" > "$TMP/torn.jl" 2> "$TMP/torn.err"; rc=$?
check_eq "a torn file exits 1" 1 "$rc"
n=$(wc -l < "$TMP/torn.jl")
if [ "$n" -gt 0 ] && [ "$n" -lt "$total" ]; then ok "... after printing its good prefix ($n of $total records)"
else not_ok "... after printing its good prefix" "$n of $total lines"; fi
check_match "... and says where it stops" 'torn.svt.*byte [0-9]+.*records before it were printed' "$(cat "$TMP/torn.err")"
