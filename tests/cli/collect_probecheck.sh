#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_probecheck.sh - one probe check for doctor, collect --list and
# collect: for every probe they agree on whether it can attach and how
# (tracepoint, fentry, kprobe), and a collection of everything attaches
# exactly the probes doctor calls present, through the mechanism doctor
# names. Where the kernel refuses fentry or has no kprobes, the reason says
# which (this build host: fentry refused with EPERM, CONFIG_KPROBES off);
# --func-probes kprobe/fentry restrict the choice.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "ok 1 - # SKIP needs root and kernel BTF"
	exit 0
fi
py() { python3 -c "$1" "${@:2}"; }

"$SVATRACE" doctor --json > "$TMP/doc.json"
"$SVATRACE" collect --list > "$TMP/list.txt"
# name -> via ("none" when it cannot attach), from each
py 'import json,sys
for p in json.load(open(sys.argv[1]))["probes"]:
    print(p["name"], p["via"] if p["present"] else "none")' "$TMP/doc.json" | sort > "$TMP/doc.via"
awk '$1 !~ /^(uprobe|tracepoint)/ { print $1, ($3 == "present" ? $5 : "none") }' "$TMP/list.txt" | sort > "$TMP/list.via"
if diff "$TMP/doc.via" "$TMP/list.via" > "$TMP/d1"; then ok "doctor and collect --list agree on every probe ($(wc -l < "$TMP/doc.via"))"
else not_ok "doctor and collect --list agree" "$(cat "$TMP/d1")"; fi
check_match "doctor prints the mechanism per probe" '^  iommu:map +tracepoint +present' "$("$SVATRACE" doctor)"

check_rc "collect of everything runs" 0 "$SVATRACE" collect -o "$TMP/all.svt" -d 0.5
printf '%s\n' "$OUT" | awk '/^probe +records/ {on=1; next} /^total:/ {on=0} on { v=$4; if (v == "raw_tp") v = "tracepoint"; print $1, v }' | sort > "$TMP/att.via"
grep -v ' none$' "$TMP/doc.via" > "$TMP/doc.present"
if diff "$TMP/doc.present" "$TMP/att.via" > "$TMP/d2"; then ok "collect attached exactly what doctor calls present, the same way ($(wc -l < "$TMP/att.via"))"
else not_ok "collect attached what doctor calls present" "$(cat "$TMP/d2")" "$OUT"; fi

# a function this kernel has: the reason names both mechanisms when neither works
fn_line=$(grep '^fentry:pin_user_pages_fast ' "$TMP/list.txt")
kprobes=no; [ -e /sys/bus/event_source/devices/kprobe/type ] && kprobes=yes
if printf '%s' "$fn_line" | grep -q present; then
	ok "pin_user_pages_fast attaches here: $fn_line"
else
	check_match "pin_user_pages_fast cannot attach: both reasons given" 'fentry: .*; kprobe: ' "$fn_line"
fi
kl=$("$SVATRACE" collect --list --func-probes kprobe | grep '^fentry:pin_user_pages_fast ')
if [ $kprobes = yes ]; then
	check_match "--func-probes kprobe: via kprobe" 'present via kprobe' "$kl"
else
	check_match "--func-probes kprobe without kprobes: says the kernel has none" 'kernel has no kprobes' "$kl"
fi
fl=$("$SVATRACE" collect --list --func-probes fentry | grep '^fentry:pin_user_pages_fast ')
if printf '%s' "$fn_line" | grep -q 'via kprobe'; then
	check_match "--func-probes fentry where fentry is refused: the fentry reason only" '^fentry:pin_user_pages_fast +pin +(kernel refuses|no BPF trampoline)' "$fl"
else
	ok "--func-probes fentry: $fl"
fi
check_rc "a bad --func-probes is a usage error" 2 "$SVATRACE" collect --func-probes trampoline -d 1
# --list --json: the same facts as the table, one object per probe
lj=$("$SVATRACE" collect --list --json)
check_eq "--list --json: one object per row of the table" \
	"$("$SVATRACE" collect --list | wc -l)" "$(printf '%s' "$lj" | jq length)"
check_eq "--list --json: present where the table says 'present via'" \
	"$("$SVATRACE" collect --list | grep -c 'present via')" \
	"$(printf '%s' "$lj" | jq '[.[] | select(.present)] | length')"
