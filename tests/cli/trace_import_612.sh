#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_import_612.sh - the bundled Linux 6.12 guest trace
# (data/traces/qemu-vtd-6.12-trace.txt.gz, provenance in data/traces/README.md)
# imports with every event decoded: per-event record counts equal counts
# taken from the text itself (a scatterlist event gives one record per
# entry), the dma:* records name the three devices that did I/O with the
# same map counts as the text, cache_tag_* records keep their device and
# type, and replay attributes maps to those devices.
. "$(dirname "$0")/lib.sh"
IN=data/traces/qemu-vtd-6.12-trace.txt.gz
check_rc "the 6.12 trace imports" 0 "$SVATRACE" import --from ftrace-text --clock global "$IN" -o "$TMP/t.svt"
check_match "... every event decoded (generic: only the trace_marker line)" ' \(1 generic, 0 kept' "$OUT"

# counts from the text: events per name; scatterlist events per entry
want=$(zcat "$IN" | awk '
	{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ev = $(i + 1); sub(/:$/, "", ev); break } }
	ev == "dma_map_sg"   { match($0, /dma_addrs=\{[^}]*\}/); n[ev] += split(substr($0, RSTART, RLENGTH), a, ","); next }
	ev == "dma_unmap_sg" { match($0, /phys_addrs=\{[^}]*\}/); n[ev] += split(substr($0, RSTART, RLENGTH), a, ","); next }
	{ n[ev]++ }
	END { for (e in n) print e "=" n[e] }' | sort)
got=$("$SVATRACE" info --json "$TMP/t.svt" | python3 -c '
import json, sys
for k, v in sorted(json.load(sys.stdin)["events"].items()):
    print("%s=%d" % ("tracing_mark_write" if k == "ftrace:print" else k.split(":", 1)[1], v))' | sort)
check_eq "per-event record counts equal the text's" "$want" "$got"
check_match "... with dma:* and cache_tag_* events (6.12)" 'cache_tag_flush_range=[1-9].*dma_map_page=[1-9].*dma_map_sg=[1-9]' "$(echo $got)"

# device attribution: dma map records per device, as the text says
# (a map_sg record per mapped entry: its dma_addrs={...} list)
want=$(zcat "$IN" | awk '
	/ dma_map_page: / { for (i = 1; i <= NF; i++) if ($i == "dma_map_page:") n[$(i + 1)]++ }
	/ dma_map_sg: /   { for (i = 1; i <= NF; i++) if ($i == "dma_map_sg:") d = $(i + 1)
			    match($0, /dma_addrs=\{[^}]*\}/); n[d] += split(substr($0, RSTART, RLENGTH), a, ",") }
	END { for (d in n) print d "=" n[d] }' | sort)
got=$("$SVATRACE" dump "$TMP/t.svt" | python3 -c '
import json, sys, collections
c = collections.Counter()
for l in sys.stdin:
    r = json.loads(l)
    if r["event"] in ("dma:dma_map_page", "dma:dma_map_sg"):
        c[r["device_id"]] += 1
for d in sorted(c): print("%s=%d" % (d, c[d]))')
check_eq "dma map records per device equal the text's" "$want" "$got"
check_eq "... three devices (virtio-blk 01:00.0, NVMe 03:00.0, virtio-net 04:00.0)" 3 "$(echo "$got" | wc -l)"
ct=$("$SVATRACE" dump "$TMP/t.svt" | grep -m1 '"kind":"cache_tag".*"device_id":"0000:01:00.0"')
check_match "cache_tag records keep device, domain and type (devtlb = 1)" '"domain_id":9,.*"tag_type":1' "$ct"

check_rc "replay --strict reads it" 0 "$SVATRACE" replay --strict --json "$TMP/t.svt"
# 3 devices named by dma:* records; the owners pass ties each iommu:map's
# domain to the device the DMA-API map of its IOVA names (replay/owners.c
# dma_map), so the maps go to those same 3. Before: 6 (each device also under
# the owner name sid:0x.../dom:N).
check_match "... numbers its 3 devices once (iommu:map maps tied to the dma:* device)" '"replay.devices": 3[,}]' "$OUT"
