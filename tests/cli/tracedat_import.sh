#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tracedat_import.sh - `svatrace import --from trace-dat` on a real trace.dat
# made in the QEMU VT-d guests (cached by qemu_vtd.sh and qemu_vtd_612.sh,
# which run first) gives the same per-event and per-invalidation-type counts
# as the guest's ftrace text of the same window imported with --from
# ftrace-text, and the same records field by field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest.inc"
summ() { "$SVATRACE" info --json "$1" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(" ".join("%s=%d" % kv for kv in sorted(d["events"].items())), " ".join("%s=%d" % kv for kv in sorted(d["qi_submit_types"].items())))'; }
exec 9>"$CACHE/guest-run.lock"; flock 9
check_fails "a file that is not trace.dat is refused" "$SVATRACE" import --from trace-dat /etc/passwd -o "$TMP/x.trace"
check_match "... with a message naming it" 'passwd: not a readable trace-cmd trace.dat' "$OUT"
DUMP=${BUILD:-build}/svatrace
[ -x "$DUMP" ] || DUMP=$SVATRACE
n=0
for G in "$CACHE/guest-run" "$CACHE/guest-run-6.12"; do
	[ -s "$G/trace.dat" ] && [ -s "$G/tracefs.txt" ] || continue
	n=$((n + 1))
	b=$(basename "$G")
	# generic records: the 2 trace_marker lines, plus the events of the
	# guest's dynamic (kprobe) groups, which have no tracepoint fields to decode
	dyn=$(python3 - "$G/events.txt" "$G/tracefs.txt" <<'PY'
import re, sys
dyn = {l.strip().split(":", 1)[1] for l in open(sys.argv[1])
       if l.strip() and l.split(":", 1)[0] not in ("iommu", "intel_iommu", "dma")}
n = 0
for l in open(sys.argv[2], errors="replace"):
    m = re.search(r" [0-9]+\.[0-9]+: ([A-Za-z0-9_]+):", l)
    n += bool(m and m.group(1) in dyn)
print(n)
PY
)
	gen=$((2 + dyn))
	check_rc "$b: trace.dat imports" 0 "$SVATRACE" import --keep-addrs --from trace-dat "$G/trace.dat" -o "$TMP/dat.trace"
	check_match "$b: ... every event decoded (generic: the 2 trace_marker lines + $dyn kprobe events)" " \\($gen generic, 0 kept" "$OUT"
	# the text omits systems: the guest's list of enabled events gives them
	check_rc "$b: its ftrace text imports" 0 "$SVATRACE" import --keep-addrs --event-list "$G/events.txt" --from ftrace-text "$G/tracefs.txt" -o "$TMP/txt.trace"
	check_match "$b: ... every event decoded (generic: the 2 trace_marker lines + $dyn kprobe events)" " \\($gen generic, 0 kept" "$OUT"
	a=$(summ "$TMP/dat.trace"); t=$(summ "$TMP/txt.trace")
	check_eq "$b: trace.dat and ftrace text give the same counts" "$t" "$a"
	check_match "$b: ... and they are real IOMMU events" 'iommu:map=[1-9].*iommu:unmap=[1-9].*dev_tlb_inv=[1-9]' "$a"
	# the dumps (over 100k records each) only print what the sanitized imports
	# above wrote: the plain build, when there is one, does it in a fraction of
	# the CPU (dump itself runs under the sanitizers in dump.sh)
	"$DUMP" dump "$TMP/dat.trace" > "$TMP/dat.jl"; "$DUMP" dump "$TMP/txt.trace" > "$TMP/txt.jl"
	check_rc "$b: trace.dat and ftrace text records equal field by field, in order (µs timestamps)" 0 \
		$JLC ordered "$TMP/dat.jl" "$TMP/txt.jl"
	echo "# $OUT" | tail -1
done
[ "$n" -gt 0 ] || echo "ok 3 - # SKIP no guest trace.dat in $CACHE (run tests/cli/qemu_vtd*.sh)"
