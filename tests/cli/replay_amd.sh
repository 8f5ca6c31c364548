#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_amd.sh - the bundled AMD-Vi trace (data/traces/qemu-amdvi-6.1.svt)
# replays with its command-buffer commands as the model's invalidations
# (replay/inval_amd.c, data/profiles/amd-vi.ini): the counts by command
# equal the trace's own (taken from `dump`, independently of the replay),
# the model applies each INVALIDATE_IOMMU_PAGES and waits once per
# COMPLETION_WAIT, the waits split into the unmap path (one per unmap) and
# the map path (NpCache flushes), strict vs lazy compares, and the
# translation parts still sum to the total.
. "$(dirname "$0")/lib.sh"
T=data/traces/qemu-amdvi-6.1.svt

# what the trace holds, from its records: commands by type, maps, unmaps,
# and the page invalidations that follow a map on their CPU (NpCache)
read -r NINV NWAIT NOTHER NMAP NUNMAP NAFTERMAP < <("$SVATRACE" dump "$T" | python3 -c '
import json, sys
n = {"inv_iommu_pages": 0, "completion_wait": 0, "other": 0, "map": 0, "unmap": 0, "after_map": 0}
last = {}
for l in sys.stdin:
    d = json.loads(l)
    ev, cpu = d["event"], d["cpu"]
    if ev == "iommu:map":
        n["map"] += 1; last[cpu] = "map"
    elif ev == "iommu:unmap":
        n["unmap"] += 1; last[cpu] = "unmap"
    elif ev.endswith(":__iommu_queue_command_sync"):
        c = d["text"].split()[0].split("=")[1]
        n[c if c in n else "other"] += 1
        if c == "inv_iommu_pages" and last.get(cpu) == "map":
            n["after_map"] += 1
print(n["inv_iommu_pages"], n["completion_wait"], n["other"], n["map"], n["unmap"], n["after_map"])')
echo "# trace: $NINV INVALIDATE_IOMMU_PAGES, $NWAIT COMPLETION_WAIT, $NOTHER other; $NMAP maps, $NUNMAP unmaps, $NAFTERMAP flushes after a map"
check_eq "the trace holds the commands of the qemu_amdvi run" "19987 18963 0 11271 9484 9991" \
	"$NINV $NWAIT $NOTHER $NMAP $NUNMAP $NAFTERMAP"

# the profile comes from the trace's host snapshot (amd-vi), and says so
check_rc "replay without --profile" 0 "$SVATRACE" replay "$T" --json
check_match "... chooses amd-vi from the host snapshot" "host snapshot says AMD-Vi: profile amd-vi" "$OUT"
"$SVATRACE" -q replay "$T" --json > "$TMP/auto.json" 2>/dev/null
"$SVATRACE" -q replay "$T" --profile amd-vi --json > "$TMP/p.json"
check_eq "... the same run as --profile amd-vi" "$(grep -v '"label"\|"trace"' "$TMP/p.json" | md5sum)" \
	"$(grep -v '"label"\|"trace"' "$TMP/auto.json" | md5sum)"

# counts by command type equal the trace's
check_eq "trace.amd.inv_iommu_pages = the trace's INVALIDATE_IOMMU_PAGES" "$NINV" "$(jget trace.amd.inv_iommu_pages "$TMP/p.json")"
check_eq "trace.amd.completion_wait = the trace's COMPLETION_WAIT" "$NWAIT" "$(jget trace.amd.completion_wait "$TMP/p.json")"
check_eq "no command record left undecoded" 0 "$(jget trace.amd.undecoded "$TMP/p.json")"
check_eq "the model applied every page invalidation (inval.iotlb_inv)" "$NINV" "$(jget inval.iotlb_inv "$TMP/p.json")"
check_eq "... and no other invalidation (inval.count)" "$NINV" "$(jget inval.count "$TMP/p.json")"
check_eq "waits = COMPLETION_WAITs (inval.sync_waits)" "$NWAIT" "$(jget inval.sync_waits "$TMP/p.json")"
check_eq "wait time = COMPLETION_WAITs x inval.qi_wait_ns (10 us)" "$((NWAIT * 10000))" "$(jget inval.wait_ns "$TMP/p.json")"
check_eq "the invalidations are the trace's (inval.source_trace)" 1 "$(jget inval.source_trace "$TMP/p.json")"
check_eq "NpCache: every flush after a map is a caching-mode flush" "$NAFTERMAP" "$(jget inval.caching_mode_flushes "$TMP/p.json")"
check_eq "unmap path: one wait per unmap (strict)" "$((NUNMAP * 10000))" "$(jget unmap.inval_wait_ns "$TMP/p.json")"
check_eq "map + unmap path waits = all waits" "$(jget inval.wait_ns "$TMP/p.json")" \
	"$(( $(jget map.inval_wait_ns "$TMP/p.json") + $(jget unmap.inval_wait_ns "$TMP/p.json") ))"
check_eq "without ATS nothing reaches an ATC" 0 "$(jget atc.inval_entries "$TMP/p.json")"

# bare metal (no NpCache): the flushes after maps go, with their waits
"$SVATRACE" -q replay "$T" --profile amd-vi --set iommu.caching_mode=off --json > "$TMP/off.json"
check_eq "caching_mode=off: only the unmaps' page invalidations stay" "$((NINV - NAFTERMAP))" "$(jget inval.iotlb_inv "$TMP/off.json")"
check_eq "... and only their waits (one per unmap)" "$NUNMAP" "$(jget inval.sync_waits "$TMP/off.json")"

# strict vs lazy: the scenario re-issues flushes, each with its wait
DB=$TMP/r.db
"$SVATRACE" -q replay "$T" --label strict --scenario pinned,inval=strict --db "$DB" --json > "$TMP/s.json" 2>/dev/null
"$SVATRACE" -q replay "$T" --label lazy --scenario pinned,inval=lazy --db "$DB" --json > "$TMP/l.json" 2>/dev/null
check_eq "strict: one wait per unmap on the unmap path" "$((NUNMAP * 10000))" "$(jget unmap.inval_wait_ns "$TMP/s.json")"
check_eq "strict: the map path keeps its NpCache waits" "$(jget map.inval_wait_ns "$TMP/p.json")" "$(jget map.inval_wait_ns "$TMP/s.json")"
su=$(jget unmap.inval_wait_ns "$TMP/s.json") lu=$(jget unmap.inval_wait_ns "$TMP/l.json")
if [ "${lu:-0}" -gt 0 ] && [ $((lu * 20)) -lt "$su" ]; then ok "lazy: unmap-path waits ${lu} ns, under 1/20 of strict's ${su} ns (flush-queue flushes only)"
else not_ok "lazy: unmap-path waits far below strict's" "lazy $lu, strict $su"; fi
check_eq "lazy: no translation after an unmap goes stale" 0 "$(jget xlate.use_after_unmap "$TMP/l.json")"
check_rc "compare strict lazy" 0 "$SVATRACE" compare --db "$DB" strict lazy
check_match "... names the invalidation waits" "wait" "$OUT"

# the translation parts still sum to the total
for f in p off s l; do
	r=$(awk '/"xlate\.part\.[a-z_]*_ns":/ { gsub(/[",]/, "", $2); s += $2 }
		 /"xlate\.latency_ns@sum":/ { gsub(/[",]/, "", $2); t = $2 }
		 END { printf "%.0f", s - t }' "$TMP/$f.json")
	check_eq "$f: xlate.part.* sum to xlate.latency_ns@sum" 0 "$r"
done
check_match "... of a run that translates" '^[1-9]' "$(jget xlate.count "$TMP/p.json")"
