#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compare-fits.sh - run every calibrate command of tests/cli/calibrate.sh and
# tests/cli/calibrate_json.sh (fits, checks, throughput, default; text and
# --json; the profiles -o writes) with two svatrace binaries and compare the
# outputs byte for byte. For changes that must not move a fit: build the old
# binary, copy it aside in the same folder (profiles are found next to the
# binary: cp build/svatrace build/svatrace-old), build the new one, then
#   scripts/compare-fits.sh OLD_SVATRACE NEW_SVATRACE
# Prints each command's user CPU seconds, old and new, and exits non-zero on
# the first difference. Run from the repository root.
set -u
[ $# = 2 ] || { echo "usage: $0 OLD_SVATRACE NEW_SVATRACE" >&2; exit 2; }
OLD=$(realpath "$1") NEW=$(realpath "$2")
D=$PWD/data/pcie-bench/nfp6000-1.2GHz
BDW=${D}_bdw-Xeon-E5-2630v4-dell-t430
IB=${D}_ib-Xeon-E5-2620v2_dell-t620
SNB=${D}_snb-Xeon-E5-2630_dell-t620
W=$(mktemp -d "${TMPDIR:-/tmp}/cmpfit.XXXXXX")
trap 'rm -rf "$W"' EXIT
bad=0 n=0 cpu_old=0 cpu_new=0

# one ARGS...: the command with both binaries, each in its own folder (so
# relative output names print the same), stdout, stderr, exit and files compared
one() {
	local side bin
	n=$((n + 1))
	for side in old new; do
		bin=$OLD
		[ $side = new ] && bin=$NEW
		rm -rf "${W:?}/$side" && mkdir "$W/$side"
		(cd "$W/$side" && /usr/bin/time -o "$W/$side.time" -f '%U' "$bin" "$@" >out 2>err
			echo $? >rc)
		(cd "$W/$side" && for f in *; do printf '== %s\n' "$f"; cat "$f"; done) >"$W/$side.all"
	done
	t_old=$(tail -1 "$W/old.time") t_new=$(tail -1 "$W/new.time")
	cpu_old=$(awk -v a="$cpu_old" -v b="$t_old" 'BEGIN { print a + b }')
	cpu_new=$(awk -v a="$cpu_new" -v b="$t_new" 'BEGIN { print a + b }')
	if cmp -s "$W/old.all" "$W/new.all"; then
		printf 'same  %5.2f s -> %5.2f s  %s\n' "$t_old" "$t_new" "$*" | sed "s|$D||g"
	else
		printf 'DIFF  %s\n' "$*" | sed "s|$D||g"
		diff "$W/old.all" "$W/new.all" | head -20
		bad=1
	fi
}

fits() {
	local j=$1
	one calibrate pcie-bench "$BDW-s0-s0-s0-iommu-nosp" -o bdw.ini $j
	one calibrate pcie-bench "$SNB-iommu" -o snb.ini $j
	one calibrate pcie-bench "$IB-s0-s0-s0-iommu-nosp" -o ib.ini --plot p.png $j
	one calibrate pcie-bench "$BDW-s0-s1-s1-iommu-nosp" $j
	one calibrate pcie-bench "$IB-s0-s1-s1-iommu" $j
	one calibrate pcie-bench "$SNB-iommu" --no-baseline $j
	for p in bdw-e5-2630v4-local:$BDW-s0-s0-s0-iommu-nosp bdw-e5-2630v4-remote:$BDW-s0-s1-s1-iommu-nosp \
		ib-e5-2620v2-local:$IB-s0-s0-s0-iommu-nosp ib-e5-2620v2-remote:$IB-s0-s1-s1-iommu-nosp \
		ib-e5-2620v2-local:$IB-s0-s0-s0-iommu ib-e5-2620v2-remote:$IB-s0-s1-s1-iommu \
		snb-e5-2630:$SNB-iommu; do
		one calibrate throughput "${p%%:*}" "${p#*:}" $j
	done
	for p in bdw-e5-2630v4-local bdw-e5-2630v4-remote ib-e5-2620v2-local ib-e5-2620v2-remote snb-e5-2630 default; do
		for r in $BDW-s0-s0-s0-iommu-nosp $BDW-s0-s1-s1-iommu-nosp $IB-s0-s0-s0-iommu-nosp \
			$IB-s0-s1-s1-iommu-nosp $IB-s0-s0-s0-iommu $IB-s0-s1-s1-iommu $SNB-iommu; do
			one calibrate check $p "$r" $j
		done
	done
	one calibrate check ib-e5-2620v2-remote "$IB-s0-s1-s1-iommu" --baseline "$IB-s0-s1-s1" $j
	one calibrate check snb-e5-2630 "$SNB-iommu" --no-baseline $j
	one calibrate check snb-e5-2630 "$SNB-iommu" --baseline "$SNB" $j
	one calibrate default bdw-e5-2630v4-local ib-e5-2620v2-local snb-e5-2630 -o d.ini $j
	one calibrate default bdw-e5-2630v4-local ib-e5-2620v2-local snb-e5-2630 $j
}
[ "${CMP_QUICK:-}" ] && { one calibrate throughput snb-e5-2630 "$SNB-iommu"; one calibrate check snb-e5-2630 "$SNB-iommu" --plot snb.png; exit $bad; }
fits ""
fits --json
one calibrate check snb-e5-2630 "$SNB-iommu" --plot snb.png
echo "$n commands, user CPU $cpu_old s -> $cpu_new s"
[ $bad = 0 ] && echo "all outputs identical"
exit $bad
