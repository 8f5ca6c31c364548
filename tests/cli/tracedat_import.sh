#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tracedat_import.sh - `svatrace import --from trace-dat` on a real trace.dat
# made in the QEMU VT-d guest (cached by qemu_vtd.sh, which runs first)
# gives the same per-event and per-invalidation-type counts as the guest's
# ftrace text of the same window imported with --from ftrace-text.
. "$(dirname "$0")/lib.sh"
CACHE=${CACHE:-/var/cache/svatrace}
G=$CACHE/guest-run
check_fails "a file that is not trace.dat is refused" "$SVATRACE" import --from trace-dat /etc/passwd -o "$TMP/x.trace"
check_match "... with a message naming it" 'passwd: not a readable trace-cmd trace.dat' "$OUT"
if [ ! -s "$G/trace.dat" ] || [ ! -s "$G/tracefs.txt" ]; then
	echo "ok 3 - # SKIP no guest trace.dat in $G (run tests/cli/qemu_vtd.sh)"
	exit 0
fi
check_rc "trace.dat imports" 0 "$SVATRACE" import --from trace-dat "$G/trace.dat" -o "$TMP/dat.trace"
check_rc "its ftrace text imports" 0 "$SVATRACE" import --from ftrace-text "$G/tracefs.txt" -o "$TMP/txt.trace"
summ() { "$SVATRACE" info --json "$1" | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(" ".join("%s=%d" % kv for kv in sorted(d["events"].items())), " ".join("%s=%d" % kv for kv in sorted(d["qi_submit_types"].items())))'; }
a=$(summ "$TMP/dat.trace"); b=$(summ "$TMP/txt.trace")
check_eq "trace.dat and ftrace text give the same counts" "$b" "$a"
check_match "... and they are real IOMMU events" 'iommu:map=[1-9].*iommu:unmap=[1-9].*dev_tlb_inv=[1-9]' "$a"
